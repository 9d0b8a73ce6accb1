"""A delivery to validate: the datasets of an SDTM and/or ADaM folder (ours or a sponsor's) with their metadata.

The metadata is the model the datasets were built from: a ``metadata.json`` given apart from them (a package
folder carries none; the package names the stage's, which its define.xml was written from), else the one written
beside them when there is one; otherwise the standard's: SDTMIG 3.4 by dataset name (SUPP-- as SUPPQUAL) and
ADaMIG 1.3 by structure (ADSL, time-to-event when CNSR is there, ADAE, else BDS), with SDTM CT, ADaM CT and the
sponsor codelists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from cdiscmm.core.errors import InputError, Location
from cdiscmm.io.datasetjson import read_dataset_json
from cdiscmm.io.metadata import METADATA_FILE, read_metadata_file
from cdiscmm.io.xpt.check import XptFinding, check_xpt
from cdiscmm.io.xpt.read import read_xpt
from cdiscmm.metadata.model import Codelist, DatasetMeta, SubmissionMetadata, VariableMeta
from cdiscmm.metadata.standards import ADAMIG_STANDARD, adamig, all_codelists, sdtmig
from cdiscmm.metadata.terminology import CodelistRegistry

if TYPE_CHECKING:
    from cdiscmm.validate.catalogue import Rule

SUPP_PREFIX = "SUPP"
STANDARD_SOURCE = "standard metadata (SDTMIG 3.4, ADaMIG 1.3, SDTM/ADaM CT, sponsor codelists)"


@dataclass
class Delivery:
    """Datasets (by upper-case name, default RangeIndex) of one study with the metadata they are checked against."""

    studyid: str
    datasets: dict[str, pd.DataFrame]
    kinds: dict[str, str]  # dataset -> "SDTM" | "ADaM"
    meta: dict[str, DatasetMeta]
    codelists: CodelistRegistry
    metadata_source: dict[str, str]  # "SDTM"/"ADaM" -> where the metadata came from
    files: dict[str, Path] = field(default_factory=dict)
    define: Path | None = None
    #: Filled by the engine: the GX suites' plan and their findings per rule id.
    gx_plan: Any = None
    gx_findings: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    #: The strict XPT checker's conformance problems per dataset read from an ``.xpt`` (empty list: none).
    xpt_findings: dict[str, list[XptFinding]] = field(default_factory=dict)

    def in_scope(self, rule: Rule) -> list[str]:
        """Datasets of the rule's scope (SDTM or ADaM) that the rule names, or all of them for ``*``."""
        names = [name for name, kind in self.kinds.items() if kind == rule.scope]
        if "*" not in rule.datasets:
            wanted = set(rule.datasets)
            names = [name for name in names if name in wanted or (name.startswith(SUPP_PREFIX) and "SUPP--" in wanted)]
        return sorted(names)

    def domain(self, domain: str) -> pd.DataFrame | None:
        """The records of SDTM domain ``domain``: its dataset, or its split datasets (LBCH, LBHE by DOMAIN) joined."""
        if domain in self.datasets:
            return self.datasets[domain]
        parts = [
            frame
            for name, frame in self.datasets.items()
            if self.kinds[name] == "SDTM"
            and name.startswith(domain)
            and "DOMAIN" in frame.columns
            and frame["DOMAIN"].eq(domain).all()
        ]
        return pd.concat(parts, ignore_index=True) if parts else None

    def prefix(self, dataset: str) -> str:
        """The SDTM domain prefix of ``dataset`` (its name; RDOMAIN-free for SUPP--), '' for ADaM."""
        return dataset[:2] if self.kinds.get(dataset) == "SDTM" else ""


def _read_xpt_once(path: Path, ascii_only: bool) -> tuple[pd.DataFrame, list[XptFinding]]:
    """One ``.xpt`` read from disk once: the strict checker's findings on its bytes, then the data decoded from the
    same bytes (a structure finding is an InputError naming the file, as for any read)."""
    content = path.read_bytes()
    findings = check_xpt(path, ascii_only=ascii_only, content=content)
    data = read_xpt(path, content=content, findings=findings).data
    return data, [finding for finding in findings if finding.kind == "conformance"]


def dataset_paths(folder: Path) -> list[Path]:
    """The datasets of ``folder``: its ``.xpt`` files, or for a Dataset-JSON delivery (no ``.xpt``) its ``.json``
    files other than ``metadata.json`` (sorted)."""
    return sorted(folder.glob("*.xpt")) or sorted(path for path in folder.glob("*.json") if path.name != METADATA_FILE)


def read_folder(
    folder: Path, kind: str, *, ascii_only: bool = False
) -> tuple[dict[str, pd.DataFrame], dict[str, Path], dict[str, list[XptFinding]]]:
    """Every dataset of ``folder`` by upper-case name (file stem): its ``.xpt`` files, or for a Dataset-JSON
    delivery (no ``.xpt``) its ``.json`` files other than ``metadata.json``; with the paths and, per ``.xpt``, the
    strict XPT v5 checker's conformance findings (``ascii_only``: the region requires ASCII labels and values)."""
    if not folder.is_dir():
        raise InputError("folder not found", Location(file=str(folder)), expected=f"a folder of {kind} .xpt files")
    paths = dataset_paths(folder)
    frames: dict[str, pd.DataFrame] = {}
    checked: dict[str, list[XptFinding]] = {}
    for path in paths:
        if path.suffix == ".xpt":
            frames[path.stem.upper()], checked[path.stem.upper()] = _read_xpt_once(path, ascii_only)
        else:
            frames[path.stem.upper()] = read_dataset_json(path).data
    if not paths:
        raise InputError(
            "no .xpt files", Location(file=str(folder)), expected=f"a folder of {kind} datasets (.xpt or Dataset-JSON)"
        )
    frames = {name: frame.reset_index(drop=True) for name, frame in frames.items()}
    return frames, {path.stem.upper(): path for path in paths}, checked


def metadata_file(folder: Path, given: Path | None = None) -> Path | None:
    """The ``metadata.json`` the datasets of ``folder`` are checked against: ``given`` (named apart from them),
    else the one beside them when the delivery has one (a sponsor's usually does not), else None."""
    if given is not None:
        return given
    beside = folder / METADATA_FILE
    return beside if beside.is_file() else None


def _adam_structure(name: str, frame: pd.DataFrame) -> str:
    if name == "ADSL":
        return "ADSL"
    if name == "ADAE":
        return "ADAE"
    return "TTE" if "CNSR" in frame.columns else "BDS"


def _adam_standard_meta(name: str, frame: pd.DataFrame) -> DatasetMeta:
    """The ADaMIG variables a dataset of this structure has by name (templates such as TRTxxP are left out)."""
    structure = _adam_structure(name, frame)
    variables = [
        VariableMeta(**variable.model_dump(exclude={"name", "label"}), name=variable.name, label=variable.label[:40])
        for variable in adamig()[structure]
        if not variable.is_template
    ]
    keys = ["USUBJID"] if structure == "ADSL" else []
    return DatasetMeta(
        name=name, label=name, class_=structure, standard=ADAMIG_STANDARD, keys=keys, variables=variables
    )


def _standard_meta(name: str, kind: str, frame: pd.DataFrame) -> DatasetMeta | None:
    """The standard's metadata for a dataset: ADaMIG by structure; SDTMIG by name, a split dataset (LBCH) by its
    DOMAIN value, SUPP-- as SUPPQUAL."""
    if kind == "ADaM":
        return _adam_standard_meta(name, frame)
    standard = sdtmig()
    if name.startswith(SUPP_PREFIX):
        return standard.get("SUPPQUAL")
    if name not in standard and "DOMAIN" in frame.columns and len(frame):
        return standard.get(str(frame["DOMAIN"].iloc[0]))
    return standard.get(name)


def build_delivery(
    sdtm: dict[str, pd.DataFrame],
    adam: dict[str, pd.DataFrame] | None = None,
    submitted: dict[str, SubmissionMetadata | None] | None = None,
    sources: dict[str, str] | None = None,
) -> Delivery:
    """A delivery of in-memory datasets (names upper-case): the ``submitted`` metadata per kind (SDTM, ADaM) where
    given, the standard's for every other dataset."""
    frames = {name: frame.reset_index(drop=True) for name, frame in {**sdtm, **(adam or {})}.items()}
    kinds = {**dict.fromkeys(sdtm, "SDTM"), **dict.fromkeys(adam or {}, "ADaM")}
    submitted = submitted or {}
    meta: dict[str, DatasetMeta] = {}
    codelists = []
    described = dict(sources or {})
    for kind in sorted(set(kinds.values())):
        model = submitted.get(kind)
        if model is not None:
            by_name = {dataset.name.upper(): dataset for dataset in model.datasets}
            meta.update({name: by_name[name] for name, k in kinds.items() if k == kind and name in by_name})
            codelists.extend(model.codelists)
        described.setdefault(kind, STANDARD_SOURCE)
    for name, kind in kinds.items():
        if name not in meta:
            standard = _standard_meta(name, kind, frames[name])
            if standard is not None:
                meta[name] = standard
    registry = all_codelists()
    if codelists:  # the submitted codelists (with their sponsor extensions) win over the standard's
        by_code: dict[str, Codelist] = {}
        for codelist in codelists:  # SDTM and ADaM folders may both list one: keep the one with more terms
            if codelist.code not in by_code or len(codelist.terms) > len(by_code[codelist.code].terms):
                by_code[codelist.code] = codelist
        codelists = list(by_code.values())
        submitted_codes = set(by_code)
        registry = CodelistRegistry(
            f"submitted + {registry.package}", [*codelists, *(cl for cl in registry if cl.code not in submitted_codes)]
        )
    studyid = next(
        (str(frame["STUDYID"].iloc[0]) for frame in frames.values() if "STUDYID" in frame.columns and len(frame)),
        "UNKNOWN",
    )
    return Delivery(studyid, frames, kinds, meta, registry, described)


def submitted_metadata(
    folders: dict[str, Path | None], given: Mapping[str, Path | None] | None = None
) -> tuple[dict[str, SubmissionMetadata | None], dict[str, str]]:
    """Per kind (SDTM, ADaM) of the given ``folders``: its metadata (:func:`metadata_file`, ``given`` per kind;
    None when there is none), and where each found one came from (the report's metadata source)."""
    submitted: dict[str, SubmissionMetadata | None] = {}
    sources: dict[str, str] = {}
    for kind, folder in folders.items():
        if folder is None:
            continue
        path = metadata_file(folder, (given or {}).get(kind))
        submitted[kind] = read_metadata_file(path) if path is not None else None
        if submitted[kind] is not None:
            sources[kind] = f"{path} ({submitted[kind].standard})"
    return submitted, sources


def check_inputs(sdtm: Path | None, adam: Path | None, define: Path | None) -> None:
    """InputError when neither folder is given or the define.xml is not a file."""
    if sdtm is None and adam is None:
        raise InputError("nothing to validate", expected="an SDTM folder, an ADaM folder or both")
    if define is not None and not define.is_file():
        raise InputError("define.xml not found", Location(file=str(define)))


def load_delivery(
    sdtm: Path | None,
    adam: Path | None = None,
    define: Path | None = None,
    *,
    ascii_only: bool = False,
    metadata: Mapping[str, Path | None] | None = None,
) -> Delivery:
    """Read every ``.xpt`` of the SDTM and ADaM folders and the metadata to check them against (``metadata``:
    a ``metadata.json`` per kind given apart from the datasets); every XPT file also goes through the strict XPT
    v5 checker (``ascii_only``: the region requires ASCII labels and values)."""
    check_inputs(sdtm, adam, define)
    frames: dict[str, dict[str, pd.DataFrame]] = {"SDTM": {}, "ADaM": {}}
    files: dict[str, Path] = {}
    checked: dict[str, list[XptFinding]] = {}
    for folder, kind in ((sdtm, "SDTM"), (adam, "ADaM")):
        if folder is None:
            continue
        frames[kind], paths, found = read_folder(folder, kind, ascii_only=ascii_only)
        files.update(paths)
        checked.update(found)
    submitted, sources = submitted_metadata({"SDTM": sdtm, "ADaM": adam}, metadata)
    delivery = build_delivery(frames["SDTM"], frames["ADaM"], submitted, sources)
    delivery.files, delivery.define = files, define
    delivery.xpt_findings = checked
    return delivery
