"""Build one study's package for one region: plan, write into a staging folder, check, guides, manifest, swap.

Order: the planned files, with the annotated CRF (``acrf.pdf`` beside the SDTM datasets, drawn from the
collected export and the sdtm stage's field lineage, :mod:`cdiscmm.package.acrf`), are written into a staging
folder beside the target; where the profile's labels are not English (NMPA) the caller's define writer replaces
the copied define files by ones describing the relabelled local-language datasets, with English and local
descriptions; the region checks and the caller's checkers (validation, strict XPT checker, define checks: stages
the command line runs, since a stage never imports another) run on that assembled tree; the findings are judged
against the profile and the study's explanations; the cSDRG and ADRG (PDF in the m5 tree, HTML under
``review/`` with the endpoint report) are
written from the judged findings; the manifest (with the verdict) comes last. Then the staging folder replaces
``<out>/<STUDYID>/package/<region>/`` (:func:`cdiscmm.core.outputs.staged_folder`): an interrupted or failed
run leaves the previous package untouched. A refused package is written too (its guides list why), its
manifest says ``"verdict": "refused"`` and the command line exits 1.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from cdiscmm.core import progress
from cdiscmm.core.errors import InputError, Location
from cdiscmm.core.outputs import staged_folder
from cdiscmm.core.paths import docs_dir, mappings_dir, specs_dir
from cdiscmm.io.collected import CODELISTS_FILE, DICTIONARY_FILE
from cdiscmm.io.digest import copy_file_sha256, describe_files, hash_files, rule_catalogue_version
from cdiscmm.metadata.explanations import load_explanations
from cdiscmm.metadata.translations import load_translations
from cdiscmm.package.acrf import ACRF_FILE, study_forms
from cdiscmm.package.acrf_pdf import render_acrf
from cdiscmm.package.assemble import PackageFile, StudyInputs, guide_files, plan_package, study_tree
from cdiscmm.package.checks import Judged, check_tree, judge
from cdiscmm.package.define_check import check_define
from cdiscmm.package.findings import Finding
from cdiscmm.package.guides.content import GuideInputs, build_adrg, build_csdrg
from cdiscmm.package.guides.render import render_html, render_pdf
from cdiscmm.package.manifest import MANIFEST_FILE, build_manifest, dump_manifest
from cdiscmm.package.profile import RegionProfile, load_profile
from cdiscmm.package.relabel import created
from cdiscmm.package.versions import ct_versions, standard_versions

#: A check the caller runs on the assembled tree: returns a one-line summary and its findings.
Checker = Callable[[Path], tuple[str, list[Finding]]]
#: Writes the define files of a package folder of datasets (the define stage, run by the caller: a stage never
#: imports another) from the metadata of the stage's folders (``sources``), with the descriptions also in
#: ``language``; returns the English descriptions left without a translation.
DefineWriter = Callable[[Path, tuple[Path, ...], str], list[str]]
REVIEW_FOLDER = "review"


@dataclass(frozen=True)
class PackageResult:
    """Where the package went, every judged finding, and the summaries of the checks that ran."""

    folder: Path
    judged: list[Judged]
    summaries: list[str]

    @property
    def refusals(self) -> list[Judged]:
        return [item for item in self.judged if item.refuses]


def _write(root: Path, files: list[PackageFile]) -> dict[str, str]:
    """``files`` written under ``root``; the SHA-256 of each copied one (by package path), taken as it is copied
    (its bytes stream, never all in memory): the manifest lists it for the copy and for its source."""
    copied = {}
    for file in files:
        path = root / file.path
        path.parent.mkdir(parents=True, exist_ok=True)
        if file.body is None and file.source is not None:
            copied[file.path] = copy_file_sha256(file.source, path)
        else:
            path.write_bytes(file.content)
    return copied


def _specs(studyid: str, region: str) -> dict[str, str]:
    specs, mappings = specs_dir(), mappings_dir()
    paths = [specs / "regions" / f"{region}.yaml"]
    for folder in ("translations", "guides", "adam", "rules"):
        paths += sorted((specs / folder).glob("*.yaml"))
    hashed = {f"specs/{name}": digest for name, digest in hash_files(paths, specs).items()}
    study = [*sorted((mappings / studyid.lower()).glob("*.yaml")), *sorted((mappings / "shared").glob("*.yaml"))]
    hashed |= {f"mappings/{name}": digest for name, digest in hash_files(study, mappings).items()}
    guide = load_profile(region).guides.language
    documents = sorted({data_model_file("en"), data_model_file(guide)})
    hashed |= {f"docs/{name}": digest for name, digest in hash_files(documents, docs_dir()).items()}
    return hashed


def _inputs(inputs: StudyInputs, known: dict[Path, str]) -> dict[str, str]:
    hashed = {}
    for kind, folder in (("sdtm", inputs.sdtm), ("adam", inputs.adam)):
        files = [path for path in folder.rglob("*") if path.is_file()]
        hashed |= {f"{kind}/{name}": digest for name, digest in hash_files(files, folder, known).items()}
    if inputs.raw is not None and inputs.raw.is_dir():
        read = [inputs.raw / name for name in (DICTIONARY_FILE, CODELISTS_FILE) if (inputs.raw / name).is_file()]
        hashed |= {f"raw/{name}": digest for name, digest in hash_files(read, inputs.raw).items()}
    return hashed


def _review(root: Path, guides: dict[str, str], report: Path) -> None:
    review = root / REVIEW_FOLDER
    review.mkdir(parents=True, exist_ok=True)
    for name, page in guides.items():
        (review / name).write_text(page, encoding="utf-8")
    if report.is_dir():
        shutil.copytree(report, review / "endpoint-report")


def annotated_crf(inputs: StudyInputs, folder: str, dated: datetime) -> tuple[list[PackageFile], list[Finding]]:
    """``<folder>/acrf.pdf`` drawn from the study's collected export and field lineage, with the PKG-ACRF findings;
    no export folder gives no aCRF and a PKG-ACRF Error (the define.xml of every region links one)."""
    where = f"{folder}/{ACRF_FILE}"
    if inputs.raw is None or not inputs.raw.is_dir():
        message = f"no annotated CRF: the collected export {inputs.raw or '(raw folder)'} was not found"
        return [], [Finding("PKG-ACRF", "Error", where, "", message)]
    with progress.step("drawing the annotated CRF"):
        forms, findings = study_forms(inputs.raw, inputs.encoding, inputs.sdtm, where)
        content = render_acrf(forms, f"{inputs.studyid} annotated CRF (SDTM)", dated)
    return [PackageFile(where, content, "acrf")], findings


def data_model_file(language: str) -> Path:
    """The data choices the guides print: ``docs/data-model.md``, or its translation ``data-model.<lang>.md`` for a
    guide in another language (NMPA: the reviewer's guide entirely in Chinese, CDE 2020 No. 16)."""
    return docs_dir() / ("data-model.md" if language == "en" else f"data-model.{language}.md")


def _data_choices(language: str) -> str:
    path = data_model_file(language)
    if language != "en" and not path.is_file():
        raise InputError("no translation of the data choices", Location(file=str(path)), expected=f"{language} text")
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _local_defines(
    root: Path, files: list[PackageFile], inputs: StudyInputs, profile: RegionProfile, writer: DefineWriter
) -> tuple[list[PackageFile], list[Finding]]:
    """The define of each package folder of datasets whose labels are in the profile's language (NMPA): written
    by ``writer`` from the stage's metadata (and its ``<lang>/`` folder's), English and local descriptions, so it
    describes the relabelled, local-language datasets the folder holds; ``files`` with the new define bytes."""
    language = profile.datasets.labels
    findings = []
    for key, source in (("sdtm", inputs.sdtm), ("adam", inputs.adam)):
        local = source / language
        sources = (source, local) if (local / "metadata.json").is_file() else (source,)
        folder = study_tree(profile, inputs)[key]
        for text in writer(root / folder, sources, language):
            message = f"no {language} description for {text!r} (English only)"
            findings.append(Finding("PKG-LABEL", "Warning", f"{folder}/define.xml", "", message))
    rewritten = [
        replace(file, body=(root / file.path).read_bytes()) if file.kind == "define" else file for file in files
    ]
    return rewritten, findings


def build_package(
    inputs: StudyInputs,
    region: str,
    out_root: Path,
    checkers: list[Checker] | None = None,
    define_writer: DefineWriter | None = None,
) -> PackageResult:
    """Build, check and place the package of ``inputs`` for ``region`` (see the module docstring)."""
    profile = load_profile(region)
    translations = load_translations(profile.datasets.labels) if profile.datasets.labels != "en" else None
    explanations = load_explanations(mappings_dir() / inputs.studyid.lower())
    target = out_root / inputs.studyid / "package" / region
    with staged_folder(target) as root:
        files, findings = plan_package(profile, inputs, {}, translations)
        dated = created((inputs.sdtm / "dm.xpt").read_bytes(), str(inputs.sdtm / "dm.xpt"))
        acrf, problems = annotated_crf(inputs, study_tree(profile, inputs)["sdtm"], dated)
        files, findings = sorted(files + acrf, key=lambda file: file.path), findings + problems
        copied = _write(root, files)
        if translations is not None and define_writer is not None:
            files, found = _local_defines(root, files, inputs, profile, define_writer)
            findings += found
        findings += check_tree(files, root, profile)
        for key, guide in (("sdtm", "csdrg.pdf"), ("adam", "adrg.pdf")):
            folder = study_tree(profile, inputs)[key]
            findings += check_define(root / folder, folder, frozenset({guide}))
            if profile.datasets.local_folder and (root / folder / profile.datasets.local_folder).is_dir():
                local = f"{folder}/{profile.datasets.local_folder}"
                findings += check_define(root / local, local, frozenset({f"../{guide}"}))
        summaries = []
        for checker in checkers or []:
            summary, found = checker(root)
            summaries.append(summary)
            findings += found
        judged = judge(findings, profile, explanations)
        language = profile.guides.translations if profile.guides.language != "en" else None
        guide_inputs = GuideInputs(
            inputs.studyid,
            profile,
            inputs.sdtm,
            inputs.adam,
            files,
            judged,
            "; ".join(summaries) or "-",
            _data_choices(profile.guides.language),
            load_translations(language) if language else None,
        )
        with progress.step("writing the reviewer's guides"):
            guides = {"csdrg": build_csdrg(guide_inputs), "adrg": build_adrg(guide_inputs)}
            pdfs = {f"{name}.pdf": render_pdf(guide, dated) for name, guide in guides.items()}
        _write(root, guide_files(profile, inputs, pdfs))
        _review(root, {f"{name}.html": render_html(guide) for name, guide in guides.items()}, inputs.adam / "report")
        refused = any(item.refuses for item in judged)
        header = {
            "study": inputs.studyid,
            "region": region,
            "standards": standard_versions(),
            "terminology": ct_versions(),
            "rule_catalogue": rule_catalogue_version(),
            "checks": summaries,
            "verdict": "refused" if refused else "accepted",
            "findings": [
                {**vars(item.finding), "explanation": item.explanation, "refuses": item.refuses} for item in judged
            ],
        }
        sources = {file.source: copied[file.path] for file in files if file.source is not None and file.path in copied}
        manifest = build_manifest(
            header, describe_files(root, copied), _inputs(inputs, sources), _specs(inputs.studyid, region)
        )
        (root / MANIFEST_FILE).write_bytes(dump_manifest(manifest))
    return PackageResult(target, judged, summaries)
