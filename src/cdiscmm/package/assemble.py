"""Plan the files of one study's package for one region: which file goes where in the eCTD m5 tree, with what bytes.

Rules (region profile, ``specs/regions/<region>.yaml``):

- ``tabulations/sdtm/``: every SDTM ``.xpt`` of the study's sdtm folder, ``define.xml``, ``define2-1.xsl``,
  ``define.html`` beside them (PMDA DD0085: the stylesheet define.xml names is in the same folder) and the cSDRG.
  ``analysis/adam/datasets/``: the same for ADaM, with the ADRG. ``analysis/adam/programs/``: the ADaM
  derivation specs and the endpoint programs as plain text (NMPA: ``.txt``, no macro calls).
- Local-language datasets: where the profile keeps them in a folder of their own (PMDA ``ja/``), the sdtm
  stage's ``<lang>/`` copies go there unchanged, with the define files ``cdiscmm define`` wrote beside them
  (their own define.xml: PMDA TCG, the Japanese dataset is described like the alphanumeric one); where they
  replace the English dataset (NMPA), the ``zh/`` copy of a domain is submitted in its place, and a ``zh/``
  dataset without an English one (a continuation SUPP--) is submitted too.
- Labels: a profile whose labels are not English (NMPA) gets every dataset and variable label from
  ``specs/translations/<lang>.yaml`` written into the XPT header (:func:`cdiscmm.package.relabel.relabel_xpt`);
  a label without a translation stays English and is a finding, never a made-up text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cdiscmm
from cdiscmm.core.paths import specs_dir
from cdiscmm.io.xpt.layout import RECORD
from cdiscmm.io.xpt.read import read_head
from cdiscmm.metadata.translations import Translations
from cdiscmm.package.findings import Finding
from cdiscmm.package.profile import RegionProfile
from cdiscmm.package.relabel import read_labels, relabel_xpt

#: Files the define stage writes beside each folder of datasets.
DEFINE_FILES: tuple[str, ...] = ("define.xml", "define2-1.xsl", "define.html")
#: The endpoint programs submitted as text (the ADaM stage's own source: summary, Kaplan–Meier, report tables).
ENDPOINT_PROGRAMS: tuple[str, ...] = (
    "endpoints.py",
    "km.py",
    "report/efficacy.py",
    "report/safety.py",
    "report/pro.py",
)


@dataclass(frozen=True)
class PackageFile:
    """One file of the package: its path from the package root (``m5/...``), its bytes, what it is.

    A file copied unchanged (a dataset, a local-language copy) names its ``source`` instead of holding its bytes
    (``body`` None): a package of 10,000 subjects then never holds its datasets in memory all at once."""

    path: str
    body: bytes | None
    kind: str
    source: Path | None = None

    @property
    def content(self) -> bytes:
        """The file's bytes (read from ``source`` when the file is a copy)."""
        if self.body is not None:
            return self.body
        return self.source.read_bytes() if self.source is not None else b""

    @property
    def size(self) -> int:
        """The file's size in bytes."""
        return len(self.body) if self.body is not None else self.source.stat().st_size if self.source else 0

    def ends(self) -> tuple[bytes, bytes]:
        """An XPT file's head (its bytes before the first observation: labels, names, types) and its last
        ``min(size, 80)`` bytes, read from ``source`` without the observations between; for a file in memory, or
        a copy whose head cannot be read (the callers' layout checks say why), the whole file and its end."""
        if self.body is None and self.source is not None:
            try:
                head = read_head(self.source)
            except (ValueError, IndexError):  # not a readable head: the whole file, as :attr:`content`
                head = b""
            if head:
                with self.source.open("rb") as stream:
                    stream.seek(max(0, self.size - RECORD))
                    return head, stream.read()
        content = self.content
        return content, content[-RECORD:]


@dataclass(frozen=True)
class StudyInputs:
    """Where one study's built outputs are: ``<out>/<STUDYID>/sdtm`` and ``adam`` (with their define files), and
    the collected export the annotated CRF is drawn from (``raw``, decoded as ``encoding``; None: no aCRF)."""

    studyid: str
    sdtm: Path
    adam: Path
    raw: Path | None = None
    encoding: str = "utf-8"

    @property
    def folder_name(self) -> str:
        """The study folder in the m5 tree: the STUDYID in lower case (PMDA/FDA: lower-case names)."""
        return self.studyid.lower()


def study_tree(profile: RegionProfile, inputs: StudyInputs) -> dict[str, str]:
    """The three m5 folders of the study: ``sdtm``, ``adam`` and ``programs`` -> path from the package root."""
    return {key: getattr(profile.tree, key).format(study=inputs.folder_name) for key in ("sdtm", "adam", "programs")}


def _xpt_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.glob("*.xpt") if path.is_file())


def translate_labels(content: bytes, translations: Translations, where: str) -> tuple[bytes, list[Finding]]:
    """``content`` with every label translated; one finding per label without a translation."""
    dataset_label, labels = read_labels(content, where)
    findings = []
    local_dataset = translations.dataset(dataset_label)
    if local_dataset is None:
        findings.append(
            Finding("PKG-LABEL", "Reject", where, "", f"no {translations.name} dataset label for {dataset_label!r}")
        )
    local = {name: translations.variable(label) for name, label in labels.items()}
    for name in [name for name, text in local.items() if text is None]:
        message = f"no {translations.name} label for {labels[name]!r}"
        findings.append(Finding("PKG-LABEL", "Reject", where, name, message))
    chosen = {name: text for name, text in local.items() if text is not None}
    return relabel_xpt(content, local_dataset, chosen, where), findings


def _datasets(
    folder: Path, target: str, profile: RegionProfile, translations: Translations | None
) -> tuple[list[PackageFile], list[Finding]]:
    files: list[PackageFile] = []
    findings: list[Finding] = []
    language = profile.datasets.local_language
    local_folder = folder / language if language else None
    replace = bool(language and profile.datasets.local_folder is None and local_folder and local_folder.is_dir())
    english = _xpt_files(folder)
    local_only = [path for path in _xpt_files(local_folder) if not (folder / path.name).is_file()] if replace else []
    for path in sorted(english + local_only, key=lambda item: item.name):
        source = path
        if replace and local_folder and (local_folder / path.name).is_file():
            source = local_folder / path.name
        where = f"{target}/{path.name}"
        if profile.datasets.labels != "en" and translations is not None:
            content, problems = translate_labels(source.read_bytes(), translations, where)
            findings += problems
            files.append(PackageFile(where, content, "dataset"))
        else:
            files.append(PackageFile(where, None, "dataset", source))
    if language and profile.datasets.local_folder and local_folder and local_folder.is_dir():
        local_target = f"{target}/{profile.datasets.local_folder}"
        for path in _xpt_files(local_folder):
            files.append(PackageFile(f"{local_target}/{path.name}", None, "local-dataset", path))
        if _xpt_files(local_folder):
            defines, missing = _define_files(local_folder, local_target)
            files += defines
            findings += missing
    return files, findings


def _define_files(folder: Path, target: str) -> tuple[list[PackageFile], list[Finding]]:
    files, findings = [], []
    for name in DEFINE_FILES:
        path = folder / name
        if path.is_file():
            files.append(PackageFile(f"{target}/{name}", path.read_bytes(), "define"))
        else:
            findings.append(
                Finding("PKG-DEFINE", "Reject", f"{target}/{name}", "", f"{name} missing (run cdiscmm define)")
            )
    return files, findings


def program_files(target: str, extension: str) -> list[PackageFile]:
    """The ADaM derivation specs (``specs/adam/*.yaml``) and the endpoint programs, as ``.<extension>`` text."""
    files = [
        PackageFile(f"{target}/{path.stem}-spec.{extension}", path.read_bytes(), "program")
        for path in sorted((specs_dir() / "adam").glob("*.yaml"))
    ]
    source = Path(cdiscmm.__file__).parent / "adam"
    for name in ENDPOINT_PROGRAMS:
        stem = name.removesuffix(".py").replace("/", "-")
        files.append(PackageFile(f"{target}/{stem}.{extension}", (source / name).read_bytes(), "program"))
    return files


def guide_files(profile: RegionProfile, inputs: StudyInputs, guides: dict[str, bytes]) -> list[PackageFile]:
    """The guides (``csdrg.pdf`` / ``adrg.pdf`` -> bytes) placed beside the SDTM / ADaM datasets."""
    tree = study_tree(profile, inputs)
    return [
        PackageFile(f"{tree['sdtm' if name.startswith('csdrg') else 'adam']}/{name}", content, "guide")
        for name, content in guides.items()
    ]


def plan_package(
    profile: RegionProfile,
    inputs: StudyInputs,
    guides: dict[str, bytes],
    translations: Translations | None = None,
) -> tuple[list[PackageFile], list[Finding]]:
    """Every file of the package (sorted by path) and the findings met while planning it.

    ``guides`` maps ``csdrg.pdf`` / ``adrg.pdf`` to their bytes (placed beside the SDTM / ADaM datasets).
    """
    tree = study_tree(profile, inputs)
    files: list[PackageFile] = []
    findings: list[Finding] = []
    for key, folder in (("sdtm", inputs.sdtm), ("adam", inputs.adam)):
        datasets, problems = _datasets(folder, tree[key], profile, translations)
        defines, missing = _define_files(folder, tree[key])
        files += datasets + defines
        findings += problems + missing
    files += guide_files(profile, inputs, guides)
    files += program_files(tree["programs"], profile.programs.extension)
    return sorted(files, key=lambda file: file.path), findings
