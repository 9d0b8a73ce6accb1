"""Metadata for a folder of XPT files without metadata.json (e.g. a CRO's delivery), from the IG specs and the files.

SDTM when the folder has DM, ADaM when it has ADSL. Per dataset: SDTMIG 3.4 dataset metadata (SUPP-- from
SUPPQUAL) or, for ADaM, the ADaMIG 1.3 structure the variables show (ADSL; BDS, TIME-TO-EVENT when CNSR is
present; ADAE/OCCDS otherwise). Per variable, in file order: the label and display format the file states, the
type the data have, and core, role and codelist from the IG. Origins and methods are unknown: each variable's
origin is Not Available (Define-XML 2.1 Origin Type C170449 term "Not Available"), its method left out; keys
are the IG's keys that the file has (ADaM: STUDYID, USUBJID and, where present, PARAMCD, ADT / AESEQ).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cdiscmm.core.errors import InputError, Location
from cdiscmm.io.metadata import submission_metadata
from cdiscmm.io.xpt.read import XptContent, read_xpt
from cdiscmm.metadata.model import Dataset, DatasetMeta, StandardVariableMeta, SubmissionMetadata, VariableMeta
from cdiscmm.metadata.standards import ADAMIG_STANDARD, SDTMIG_STANDARD, adamig, sdtmig

#: ADaMIG 1.3 §3 structures by the variables a dataset has: (structure key, class, subclass, structure text).
_ADSL = ("ADSL", "SUBJECT LEVEL ANALYSIS DATASET", None, "One record per subject")
_TTE = ("TTE", "BASIC DATA STRUCTURE", "TIME-TO-EVENT", "One record per subject per parameter")
_BDS = ("BDS", "BASIC DATA STRUCTURE", None, "One record per subject per parameter per analysis date")
#: def:Origin text of a variable of a delivery without metadata.json.
UNKNOWN_ORIGIN = "The delivery states no origin (no metadata.json beside the datasets)"
_OCCDS = ("ADAE", "OCCURRENCE DATA STRUCTURE", None, "One record per event per subject")


def _variables(content: XptContent, standard: list[VariableMeta]) -> list[VariableMeta]:
    result: list[VariableMeta] = []
    for order, name in enumerate(content.data.columns, start=1):
        column = content.data[name]
        numeric = pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column)
        known = next(
            (
                variable
                for variable in standard
                if (variable.matches(name) if isinstance(variable, StandardVariableMeta) else variable.name == name)
            ),
            None,
        )
        result.append(
            VariableMeta(
                name=name,
                label=content.labels.get(name) or (known.label if known else name),
                type="Num" if numeric else "Char",
                order=order,
                core=known.core if known else None,
                role=known.role if known else None,
                codelist=known.codelist if known else None,
                display_format=content.formats.get(name) if numeric else None,
                origin="Not Available",
                source=UNKNOWN_ORIGIN,
            )
        )
    return result


def _sdtm_meta(content: XptContent, path: Path) -> DatasetMeta:
    ig = sdtmig()
    base = ig.get(content.name) or (ig["SUPPQUAL"] if content.name.startswith("SUPP") else None)
    if base is None:
        raise InputError(f"{content.name} is not an SDTMIG 3.4 dataset", Location(file=str(path)))
    variables = _variables(content, base.variables)
    present = {variable.name for variable in variables}
    return base.model_copy(
        update={
            "name": content.name,
            "label": content.label or base.label,
            "keys": [key for key in base.keys if key in present],
            "variables": variables,
        }
    )


def _adam_meta(content: XptContent) -> DatasetMeta:
    columns = set(content.data.columns)
    if content.name == "ADSL":
        key, class_, subclass, structure = _ADSL
    elif "PARAMCD" in columns:
        key, class_, subclass, structure = _TTE if "CNSR" in columns else _BDS
    else:
        key, class_, subclass, structure = _OCCDS
    keys = [name for name in ("STUDYID", "USUBJID", "PARAMCD", "ADT", "AESEQ") if name in columns]
    return DatasetMeta(
        name=content.name,
        label=content.label or content.name,
        class_=class_,
        subclass=subclass,
        structure=structure,
        standard=ADAMIG_STANDARD,
        keys=keys,
        variables=_variables(content, adamig()[key]),
    )


def metadata_from_specs(folder: Path) -> SubmissionMetadata:
    """SubmissionMetadata of the XPT files of ``folder`` from the IG specs (see the module docstring)."""
    paths = sorted(folder.glob("*.xpt"))
    contents = {path: read_xpt(path) for path in paths}
    names = {content.name.upper() for content in contents.values()}
    if "DM" in names:
        datasets = [Dataset(_sdtm_meta(content, path), content.data) for path, content in contents.items()]
        standard = SDTMIG_STANDARD
    elif "ADSL" in names:
        datasets = [Dataset(_adam_meta(content), content.data) for content in contents.values()]
        standard = ADAMIG_STANDARD
    else:
        raise InputError(
            "no DM or ADSL dataset", Location(file=str(folder)), expected="an SDTM (dm.xpt) or ADaM (adsl.xpt) folder"
        )
    for dataset in datasets:
        dataset.meta.standard = standard
    return submission_metadata(datasets, folder)
