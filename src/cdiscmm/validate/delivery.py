"""A delivery to validate: the datasets of an SDTM and/or ADaM folder (ours or a sponsor's) with their metadata.

The metadata is the ``metadata.json`` written beside the datasets when there is one (the model they were built
from); otherwise the standard's: SDTMIG 3.4 by dataset name (SUPP-- as SUPPQUAL) and ADaMIG 1.3 by structure
(ADSL, time-to-event when CNSR is there, ADAE, else BDS), with SDTM CT, ADaM CT and the sponsor codelists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import ValidationError

from cdiscmm.core.errors import InputError, Location
from cdiscmm.io.xpt.read import read_xpt
from cdiscmm.metadata.model import DatasetMeta, SubmissionMetadata, VariableMeta
from cdiscmm.metadata.standards import ADAMIG_STANDARD, adamig, all_codelists, sdtmig
from cdiscmm.metadata.terminology import CodelistRegistry

if TYPE_CHECKING:
    from cdiscmm.validate.catalogue import Rule

METADATA_FILE = "metadata.json"
SUPP_PREFIX = "SUPP"


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

    def in_scope(self, rule: Rule) -> list[str]:
        """Datasets of the rule's scope (SDTM or ADaM) that the rule names, or all of them for ``*``."""
        names = [name for name, kind in self.kinds.items() if kind == rule.scope]
        if "*" not in rule.datasets:
            wanted = set(rule.datasets)
            names = [name for name in names if name in wanted or (name.startswith(SUPP_PREFIX) and "SUPP--" in wanted)]
        return sorted(names)

    def prefix(self, dataset: str) -> str:
        """The SDTM domain prefix of ``dataset`` (its name; RDOMAIN-free for SUPP--), '' for ADaM."""
        return dataset[:2] if self.kinds.get(dataset) == "SDTM" else ""


def _read_folder(folder: Path, kind: str, delivery: dict[str, object]) -> None:
    if not folder.is_dir():
        raise InputError("folder not found", Location(file=str(folder)), expected=f"a folder of {kind} .xpt files")
    paths = sorted(folder.glob("*.xpt"))
    if not paths:
        raise InputError("no .xpt files", Location(file=str(folder)), expected=f"a folder of {kind} datasets")
    for path in paths:
        content = read_xpt(path)
        name = path.stem.upper()
        delivery["datasets"][name] = content.data.reset_index(drop=True)
        delivery["kinds"][name] = kind
        delivery["files"][name] = path


def _submission_metadata(folder: Path) -> SubmissionMetadata | None:
    path = folder / METADATA_FILE
    if not path.is_file():
        return None
    try:
        return SubmissionMetadata.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        problem = exc.errors()[0]
        raise InputError(
            f"metadata does not match the model: {problem['msg']}",
            Location(file=str(path), field=".".join(str(part) for part in problem["loc"])),
        ) from None


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
    if kind == "ADaM":
        return _adam_standard_meta(name, frame)
    standard = sdtmig()
    key = "SUPPQUAL" if name.startswith(SUPP_PREFIX) else name
    return standard.get(key)


def load_delivery(sdtm: Path | None, adam: Path | None = None, define: Path | None = None) -> Delivery:
    """Read every ``.xpt`` of the SDTM and ADaM folders and the metadata to check them against."""
    if sdtm is None and adam is None:
        raise InputError("nothing to validate", expected="an SDTM folder, an ADaM folder or both")
    found: dict[str, object] = {"datasets": {}, "kinds": {}, "files": {}}
    meta: dict[str, DatasetMeta] = {}
    codelists = []
    sources: dict[str, str] = {}
    for folder, kind in ((sdtm, "SDTM"), (adam, "ADaM")):
        if folder is None:
            continue
        _read_folder(folder, kind, found)
        submitted = _submission_metadata(folder)
        names = [name for name, their_kind in found["kinds"].items() if their_kind == kind]
        if submitted is not None:
            sources[kind] = f"{folder / METADATA_FILE} ({submitted.standard})"
            by_name = {dataset.name.upper(): dataset for dataset in submitted.datasets}
            meta.update({name: by_name[name] for name in names if name in by_name})
            codelists.extend(submitted.codelists)
        else:
            sources[kind] = "standard metadata (SDTMIG 3.4, ADaMIG 1.3, SDTM/ADaM CT, sponsor codelists)"
        for name in names:
            if name not in meta:
                standard = _standard_meta(name, kind, found["datasets"][name])
                if standard is not None:
                    meta[name] = standard
    if define is not None and not define.is_file():
        raise InputError("define.xml not found", Location(file=str(define)))
    registry = all_codelists()
    if codelists:
        known = {codelist.code for codelist in registry}
        registry = CodelistRegistry(
            f"{registry.package} + submitted", [*registry, *(cl for cl in codelists if cl.code not in known)]
        )
    datasets = found["datasets"]
    studyid = next(
        (str(frame["STUDYID"].iloc[0]) for frame in datasets.values() if "STUDYID" in frame.columns and len(frame)),
        "UNKNOWN",
    )
    return Delivery(studyid, datasets, found["kinds"], meta, registry, sources, found["files"], define)
