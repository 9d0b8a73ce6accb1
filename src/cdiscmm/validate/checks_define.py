"""define.xml against the datasets it describes (Define-XML 2.1): datasets, variables and codelist values."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from lxml import etree

from cdiscmm.core.errors import InputError, Location
from cdiscmm.validate.catalogue import CheckRun, check
from cdiscmm.validate.checks_records import _concat, filled
from cdiscmm.validate.findings import NotRun, dataset_finding, record_findings

ODM = "{http://www.cdisc.org/ns/odm/v1.3}"
DEF = "{http://www.cdisc.org/ns/def/v2.1}"
#: ItemGroupDef/@Purpose -> the kind of datasets the define describes (Define-XML 2.1 section 5.3.4).
PURPOSE_KIND = {"Tabulation": "SDTM", "Analysis": "ADaM"}


@dataclass(frozen=True)
class Define:
    """What the checks read from a define.xml: datasets with their variables, and codelists per variable."""

    kind: str
    variables: dict[str, list[str]]  # dataset -> variable names in ItemRef order
    codelists: dict[tuple[str, str], tuple[str, frozenset[str]]]  # (dataset, variable) -> (codelist OID, values)


def read_define(path: Path) -> Define:
    """Parse ``path`` (InputError naming the file when it is not XML)."""
    try:
        root = etree.parse(str(path)).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise InputError(f"define.xml is not readable XML ({exc})", Location(file=str(path))) from None
    items = {item.get("OID"): item for item in root.iter(f"{ODM}ItemDef")}
    lists = {
        codelist.get("OID"): frozenset(
            element.get("CodedValue")
            for element in codelist
            if element.tag in (f"{ODM}CodeListItem", f"{ODM}EnumeratedItem")
        )
        for codelist in root.iter(f"{ODM}CodeList")
        if codelist.find(f"{ODM}ExternalCodeList") is None
    }
    variables: dict[str, list[str]] = {}
    codelists: dict[tuple[str, str], tuple[str, frozenset[str]]] = {}
    purposes = set()
    for group in root.iter(f"{ODM}ItemGroupDef"):
        name = group.get("Name", "").upper()
        purposes.add(group.get("Purpose"))
        variables[name] = []
        for ref in group.iter(f"{ODM}ItemRef"):
            item = items.get(ref.get("ItemOID"))
            if item is None:
                continue
            variables[name].append(item.get("Name"))
            codelist = item.find(f"{ODM}CodeListRef")
            if codelist is not None and codelist.get("CodeListOID") in lists:
                codelists[(name, item.get("Name"))] = (codelist.get("CodeListOID"), lists[codelist.get("CodeListOID")])
    kind = PURPOSE_KIND.get(next(iter(purposes), ""), "SDTM") if len(purposes) == 1 else "SDTM"
    return Define(kind, variables, codelists)


def _define(run: CheckRun) -> Define:
    if run.delivery.define is None:
        raise NotRun("no define.xml given")
    define = read_define(run.delivery.define)
    if not any(kind == define.kind for kind in run.delivery.kinds.values()):
        raise NotRun(f"the define.xml describes {define.kind} datasets, none given")
    return define


def _described(run: CheckRun, define: Define) -> list[str]:
    return sorted(name for name, kind in run.delivery.kinds.items() if kind == define.kind)


@check("define_datasets", "dataset")
def check_define_datasets(run: CheckRun) -> pd.DataFrame:
    """Every dataset file has its ItemGroupDef and every ItemGroupDef its file (Define-XML 2.1 section 5.3.4)."""
    define = _define(run)
    files = set(_described(run, define))
    run.ran_on.extend(sorted(files))
    parts = [dataset_finding(name, "", "dataset not in define.xml") for name in sorted(files - set(define.variables))]
    parts += [
        dataset_finding(name, "", "in define.xml, no dataset file") for name in sorted(set(define.variables) - files)
    ]
    return _concat(parts)


@check("define_variables", "dataset")
def check_define_variables(run: CheckRun) -> pd.DataFrame:
    """A dataset's variables are exactly the ItemRefs of its ItemGroupDef (Define-XML 2.1 section 5.3.4.2)."""
    define = _define(run)
    parts = []
    for name in _described(run, define):
        if name not in define.variables:
            run.skipped.append(f"{name}: not in define.xml")
            continue
        run.ran_on.append(name)
        columns, listed = list(run.delivery.datasets[name].columns), define.variables[name]
        parts += [dataset_finding(name, v, "variable not in define.xml") for v in columns if v not in listed]
        parts += [dataset_finding(name, v, "in define.xml, not in the dataset") for v in listed if v not in columns]
    return _concat(parts)


@check("define_codelist_values", "subject")
def check_define_codelist_values(run: CheckRun) -> pd.DataFrame:
    """Values of a variable whose ItemDef names a codelist are terms of that codelist in the define.xml
    (Define-XML 2.1 section 5.3.12: the define lists the terms used, extensions included)."""
    define = _define(run)
    parts = []
    for name in _described(run, define):
        frame = run.delivery.datasets[name]
        pairs = [
            (variable, define.codelists[(name, variable)])
            for variable in frame.columns
            if (name, variable) in define.codelists
        ]
        if not pairs:
            run.skipped.append(f"{name}: no variable with a define.xml codelist")
            continue
        run.ran_on.append(name)
        for variable, (oid, values) in pairs:
            column = frame[variable]
            text = column.map("{:g}".format, na_action="ignore") if column.dtype.kind in "fiu" else column.astype(str)
            outside = filled(column) & ~text.isin(values)
            parts.append(record_findings(name, frame, outside, variable, f"not in define.xml codelist {oid}"))
    return _concat(parts)
