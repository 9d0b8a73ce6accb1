"""The CDISC standards cdiscmm builds to (SDTMIG 3.4, ADaMIG 1.3, SDTM and ADaM CT), read from ``specs/``.

Only the project's own copy in ``specs/`` is read (found by :func:`cdiscmm.core.paths.specs_dir`); it is built
from the CDISC reference files by :mod:`tools.build_specs`, and ``specs/SOURCES.md`` records
from which files, with their sha256, and by which selection rule. Each public loader reads once per process.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from cdiscmm.core.errors import Location, SpecError
from cdiscmm.core.paths import specs_dir
from cdiscmm.metadata.model import DatasetMeta, StandardVariableMeta, VariableMeta
from cdiscmm.metadata.terminology import CodelistRegistry, SponsorTerminology, read_ct
from cdiscmm.metadata.yamlio import load_model

SDTMIG_STANDARD = "SDTMIG 3.4"
ADAMIG_STANDARD = "ADaMIG 1.3"
#: The CT package dates (CDISC Library release dates; see specs/SOURCES.md).
SDTM_CT_DATE = "2025-03-28"
ADAM_CT_DATE = "2025-09-26"
SDTM_CT_PACKAGE = f"SDTM CT {SDTM_CT_DATE}"
ADAM_CT_PACKAGE = f"ADaM CT {ADAM_CT_DATE}"
SPONSOR_PACKAGE = "Sponsor"

#: Files of ``specs/``, relative to it.
SDTMIG_DATASETS_FILE = "sdtmig-3.4/datasets.csv"
SDTMIG_VARIABLES_FILE = "sdtmig-3.4/variables.csv"
#: Hand-written: the "Keys" column of the SDTMIG v3.4 domain tables (dataset -> space-separated keys).
SDTMIG_KEYS_FILE = "sdtmig-3.4/keys.csv"
SDTM_CT_FILE = f"ct/sdtm-ct-{SDTM_CT_DATE}.csv"
ADAM_CT_FILE = f"ct/adam-ct-{ADAM_CT_DATE}.csv"
ADAMIG_VARIABLES_FILE = "adamig-1.3/variables.csv"
ADAMIG_STRUCTURES_FILE = "adamig-1.3/structures.csv"
ADAE_VARIABLES_FILE = "adamig-1.3/adae-1.0-variables.csv"
SPONSOR_CT_FILE = "ct/sponsor.yaml"

#: ``data_structure_name`` in the ADaM variable files -> the key of :func:`adamig`.
ADAM_STRUCTURE_KEYS = {
    "Subject-Level Analysis Dataset": "ADSL",
    "Basic Data Structure": "BDS",
    "Adverse Event Analysis Dataset": "ADAE",
}
#: The BDS variable set that only time-to-event datasets (ADaMIG subclass TIME-TO-EVENT) use.
TTE_VARIABLE_SET = "Time-to-Event"


def _read(path: Path) -> pd.DataFrame:
    """A specs CSV read the one safe way: every cell a string, no NA guessing (``NA`` is a NY value)."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise SpecError("standard metadata file not found", Location(file=str(path))) from None


def _codes(cell: str) -> list[str]:
    """The codelist codes of an IG cell: several are separated by ``"; "`` (e.g. RS.RSCAT)."""
    return [code for code in cell.split("; ") if code]


def _variable(model: type[VariableMeta], fields: dict[str, Any], path: Path, line: int) -> VariableMeta:
    try:
        return model(**fields)
    except ValidationError as exc:
        problem = exc.errors()[0]
        field = ".".join(str(part) for part in problem["loc"])
        raise SpecError(problem["msg"], Location(file=str(path), line=line, field=field)) from None


def _ig_variable(model: type[VariableMeta], row: dict[str, str], order: int, path: Path, line: int) -> VariableMeta:
    codes = _codes(row["codelist_codes"])
    fields = {
        "name": row["name"],
        "label": row["label"],
        "type": row["type"],
        "order": order,
        "core": row["core"] or None,
        "role": row.get("role") or None,
        "codelist": codes[0] if codes else None,
        "codelists": codes,
    }
    return _variable(model, fields, path, line)


def load_sdtmig(directory: Path) -> dict[str, DatasetMeta]:
    """SDTMIG 3.4 dataset metadata of ``directory`` (a ``specs/``), keyed by dataset name.

    Variables keep the IG's order, label, type, core, role and codelists; where the IG names several
    codelists for a variable, ``codelist`` is the first and ``codelists`` has them all. Dataset labels
    are the IG's (SUPPQUAL: "Supplemental Qualifiers for [domain name]"); keys are those of ``keys.csv`` (the
    IG's domain tables, where derive_seq orders records by them and conformance checks test their uniqueness).
    """
    datasets_path = directory / SDTMIG_DATASETS_FILE
    keys_path = directory / SDTMIG_KEYS_FILE
    keys = {row["dataset"]: row["keys"].split() for row in _read(keys_path).to_dict("records")}
    variables_path = directory / SDTMIG_VARIABLES_FILE
    variables: dict[str, list[VariableMeta]] = {}
    for line, row in enumerate(_read(variables_path).to_dict("records"), start=2):
        variable = _ig_variable(VariableMeta, row, int(row["order"]), variables_path, line)
        variables.setdefault(row["dataset"], []).append(variable)
    result: dict[str, DatasetMeta] = {}
    for line, row in enumerate(_read(datasets_path).to_dict("records"), start=2):
        if row["dataset"] not in variables:
            raise SpecError(f"dataset {row['dataset']} has no variables", Location(file=str(datasets_path), line=line))
        result[row["dataset"]] = DatasetMeta(
            name=row["dataset"],
            label=row["label"],
            class_=row["class"],
            structure=row["structure"],
            standard=SDTMIG_STANDARD,
            keys=keys.pop(row["dataset"], []),
            variables=variables.pop(row["dataset"]),
        )
    for path, unmatched in ((variables_path, variables), (keys_path, keys)):
        if unmatched:
            raise SpecError(
                f"datasets {', '.join(sorted(unmatched))} have no row in {datasets_path.name}", Location(file=str(path))
            )
    return result


def load_adamig(directory: Path) -> dict[str, list[VariableMeta]]:
    """ADaMIG 1.3 variable metadata of ``directory`` keyed by structure: ADSL, BDS, TTE and ADAE.

    ``TTE`` is every BDS variable (a time-to-event dataset is a BDS of subclass TIME-TO-EVENT);
    ``BDS`` leaves out the Time-to-Event variable set. ``ADAE`` is the ADaM ADAE v1.0 structure, the
    predecessor of OCCDS. Names stay as the IG writes them (``TRTxxP``, ``AGEGRy``, ``*DT``), as
    :class:`StandardVariableMeta`; ``order`` is the position in the IG's listing of the structure.
    """
    result: dict[str, list[VariableMeta]] = {"ADSL": [], "BDS": [], "TTE": [], "ADAE": []}
    for relative in (ADAMIG_VARIABLES_FILE, ADAE_VARIABLES_FILE):
        path = directory / relative
        for line, row in enumerate(_read(path).to_dict("records"), start=2):
            key = ADAM_STRUCTURE_KEYS.get(row["data_structure_name"])
            if key is None:
                raise SpecError(
                    "unknown ADaM data structure",
                    Location(file=str(path), line=line, field="data_structure_name"),
                    found=row["data_structure_name"],
                    expected=" or ".join(ADAM_STRUCTURE_KEYS),
                )
            variable = _ig_variable(StandardVariableMeta, row, int(row["order"]), path, line)
            if key == "BDS":
                result["TTE"].append(variable)
                if row["variable_set"] != TTE_VARIABLE_SET:
                    result["BDS"].append(variable)
            else:
                result[key].append(variable)
    return result


def load_sponsor_codelists(directory: Path) -> CodelistRegistry:
    """The sponsor-defined codelists of ``directory``'s ``ct/sponsor.yaml`` (line-numbered errors)."""
    path = directory / SPONSOR_CT_FILE
    return CodelistRegistry(SPONSOR_PACKAGE, load_model(path, SponsorTerminology).codelists, origin=str(path))


def merge_codelists(*registries: CodelistRegistry) -> CodelistRegistry:
    """One registry of all codelists of ``registries``; a code or short name defined twice is a SpecError."""
    package = " + ".join(registry.package for registry in registries)
    return CodelistRegistry(package, [codelist for registry in registries for codelist in registry])


@cache
def sdtmig() -> dict[str, DatasetMeta]:
    """SDTMIG 3.4 metadata of every dataset cdiscmm produces, keyed by dataset name."""
    return load_sdtmig(specs_dir())


@cache
def sdtm_ct() -> CodelistRegistry:
    """SDTM CT 2025-03-28: every codelist the produced SDTM datasets use (see specs/SOURCES.md)."""
    return read_ct(specs_dir() / SDTM_CT_FILE, SDTM_CT_PACKAGE)


@cache
def adam_ct() -> CodelistRegistry:
    """ADaM CT 2025-09-26, the whole package."""
    return read_ct(specs_dir() / ADAM_CT_FILE, ADAM_CT_PACKAGE)


@cache
def adamig() -> dict[str, list[VariableMeta]]:
    """ADaMIG 1.3 variable metadata keyed by structure (ADSL, BDS, TTE, ADAE); see :func:`load_adamig`."""
    return load_adamig(specs_dir())


@cache
def sponsor_codelists() -> CodelistRegistry:
    """Sponsor-defined codelists (``specs/ct/sponsor.yaml``)."""
    return load_sponsor_codelists(specs_dir())


@cache
def all_codelists() -> CodelistRegistry:
    """SDTM CT, ADaM CT and the sponsor codelists in one registry; a code defined twice is a SpecError."""
    return merge_codelists(sdtm_ct(), adam_ct(), sponsor_codelists())
