"""Check a define.xml against the files it describes and against itself; every disagreement is one line.

- Datasets: the ItemGroupDefs are the folder's XPT files (by def:leaf), dataset labels equal the files' labels
  (in any language the Description has: an NMPA dataset is labelled in Chinese, its define says it in both).
- Variables: per dataset the ItemRefs (by OrderNumber) are the file's columns in the same order; each ItemDef's
  Description is the column's label; text/integer/float Lengths equal the data's (longest value in bytes, most
  digits), as the FDA Study Data TCG §4.1.1.2 and PMDA rule SD1082 ask.
- Controlled terms: every value of a variable (or of a value level's records) with an enumerated CodeList is one
  of its coded values (PMDA reject rule CT2001 for non-extensible lists; extensions must be listed too).
- Origins: every ItemDef (variable and value level) carries def:Origin.
- References: every OID reference resolves (ItemRef, CodeListRef, MethodOID, CommentOID, WhereClauseRef,
  ValueListRef, RangeCheck def:ItemOID, DocumentRef and ArchiveLocationID leaf ids, def:StandardOID, ARM).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from lxml import etree

from cdiscmm.define.shapes import Shape, shape_of
from cdiscmm.define.xmlkit import PREFIXES, qname
from cdiscmm.io.metadata import text_values, where_mask
from cdiscmm.io.xpt.read import read_xpt
from cdiscmm.metadata.model import VariableMeta, WhereCondition

#: (referencing element, attribute) -> the element kind whose OID (or ID) it names.
_REFERENCES = (
    ("ItemRef", "ItemOID", "ItemDef"),
    ("CodeListRef", "CodeListOID", "CodeList"),
    ("ItemRef", "MethodOID", "MethodDef"),
    ("*", "def:CommentOID", "def:CommentDef"),
    ("def:WhereClauseRef", "WhereClauseOID", "def:WhereClauseDef"),
    ("def:ValueListRef", "ValueListOID", "def:ValueListDef"),
    ("RangeCheck", "def:ItemOID", "ItemDef"),
    ("def:DocumentRef", "leafID", "def:leaf"),
    ("ItemGroupDef", "def:ArchiveLocationID", "def:leaf"),
    ("*", "def:StandardOID", "def:Standard"),
    ("arm:AnalysisDataset", "ItemGroupOID", "ItemGroupDef"),
    ("arm:AnalysisVariable", "ItemOID", "ItemDef"),
    ("arm:AnalysisResult", "ParameterOID", "ItemDef"),
)


def _attribute(name: str) -> str:
    return qname(name) if ":" in name else name


def _text(node: etree._Element) -> str:
    found = node.find("odm:Description/odm:TranslatedText", PREFIXES)
    return found.text or "" if found is not None else ""


def _labels(node: etree._Element) -> set[str]:
    """Every TranslatedText of the node's Description: a file label in any of the define's languages matches."""
    return {text.text or "" for text in node.iterfind("odm:Description/odm:TranslatedText", PREFIXES)}


def check_references(root: etree._Element) -> list[str]:
    """Every OID reference of ``root`` that names nothing defined."""
    problems: list[str] = []
    for element_name, attribute, target in _REFERENCES:
        key = "ID" if target == "def:leaf" else "OID"
        defined = {node.get(key) for node in root.iter(qname(target))}
        path = "*" if element_name == "*" else qname(element_name)
        for node in root.iter(path):
            value = node.get(_attribute(attribute))
            if value is not None and value not in defined:
                problems.append(f"{etree.QName(node).localname} {attribute}={value} names no {target}")
    return problems


def check_origins(root: etree._Element) -> list[str]:
    """Every ItemDef, of a variable or of a value level, without def:Origin (Define-XML 2.1 §5.3.11: the origin of
    every variable's values, Type and Source, is what a reviewer traces the data by)."""
    return [
        f"ItemDef {node.get('OID')} has no def:Origin"
        for node in root.iter(qname("ItemDef"))
        if node.find("def:Origin", PREFIXES) is None
    ]


def _where(root: etree._Element, oid: str, items: dict[str, etree._Element]) -> list[WhereCondition]:
    clause = next(node for node in root.iter(qname("def:WhereClauseDef")) if node.get("OID") == oid)
    return [
        WhereCondition(
            variable=items[check.get(qname("def:ItemOID"))].get("Name"),
            comparator=check.get("Comparator"),
            values=tuple(value.text or "" for value in check.iter(qname("CheckValue"))),
        )
        for check in clause.iter(qname("RangeCheck"))
    ]


def _coded(codelist: etree._Element) -> set[str] | None:
    """The coded values of an enumerated CodeList; None for an external dictionary."""
    if codelist.find("odm:ExternalCodeList", PREFIXES) is not None:
        return None
    return {item.get("CodedValue") for item in codelist if item.get("CodedValue") is not None}


def _check_values(
    name: str, column: pd.Series, item: etree._Element, codelists: dict[str, etree._Element]
) -> list[str]:
    reference = item.find("odm:CodeListRef", PREFIXES)
    if reference is None:
        return []
    coded = _coded(codelists[reference.get("CodeListOID")])
    if coded is None:
        return []
    text = text_values(column)
    outside = sorted(set(text[text.notna() & text.ne("") & ~text.isin(coded)].unique()))
    return [f"{name}: values {outside[:5]} are not in {reference.get('CodeListOID')}"] if outside else []


def _check_shape(name: str, item: etree._Element, shape: Shape) -> list[str]:
    declared = item.get("Length")
    if item.get("DataType") in ("text", "integer", "float") and declared != str(shape.length):
        return [f"{name}: define Length {declared}, data {shape.length}"]
    return []


def _check_value_levels(
    root: etree._Element,
    item: etree._Element,
    data: pd.DataFrame,
    where: str,
    items: dict[str, etree._Element],
    codelists: dict[str, etree._Element],
) -> list[str]:
    """The codelist check for each value level of ``item``, on the records its where-clause selects."""
    reference = item.find("def:ValueListRef", PREFIXES)
    if reference is None:
        return []
    problems: list[str] = []
    column = data[item.get("Name")]
    for value_list in root.iter(qname("def:ValueListDef")):
        if value_list.get("OID") != reference.get("ValueListOID"):
            continue
        for level_ref in value_list.iter(qname("ItemRef")):
            clause = level_ref.find("def:WhereClauseRef", PREFIXES).get("WhereClauseOID")
            rows = where_mask(data, _where(root, clause, items))
            problems += _check_values(f"{where} ({clause})", column[rows], items[level_ref.get("ItemOID")], codelists)
    return problems


def check_dataset(root: etree._Element, group: etree._Element, folder: Path) -> list[str]:
    """Disagreements between one ItemGroupDef and its XPT file (see the module docstring)."""
    items = {node.get("OID"): node for node in root.iter(qname("ItemDef"))}
    codelists = {node.get("OID"): node for node in root.iter(qname("CodeList"))}
    name = group.get("Name")
    leaf = group.find("def:leaf", PREFIXES)
    content = read_xpt(folder / leaf.get(qname("xlink:href")))
    problems = (
        [] if content.label in _labels(group) else [f"{name}: define label {_text(group)!r}, file {content.label!r}"]
    )
    refs = sorted(group.iter(qname("ItemRef")), key=lambda ref: int(ref.get("OrderNumber")))
    declared = [items[ref.get("ItemOID")].get("Name") for ref in refs if ref.get("ItemOID") in items]
    if declared != list(content.data.columns):
        problems.append(f"{name}: define variables {declared}, file {list(content.data.columns)}")
    for ref in refs:
        item = items.get(ref.get("ItemOID"))
        if item is None or item.get("Name") not in content.data.columns:
            continue
        variable, column = item.get("Name"), content.data[item.get("Name")]
        where = f"{name}.{variable}"
        if content.labels.get(variable, "") not in _labels(item):
            problems.append(f"{where}: define label {_text(item)!r}, file {content.labels.get(variable)!r}")
        numeric = pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column)
        meta = VariableMeta(
            name=variable,
            label=variable,
            type="Num" if numeric else "Char",
            order=1,
            display_format=item.get(qname("def:DisplayFormat")),
        )
        problems += _check_shape(where, item, shape_of(column, meta))
        problems += _check_values(where, column, item, codelists)
        problems += _check_value_levels(root, item, content.data, where, items, codelists)
    return problems


def check_define(define: Path) -> list[str]:
    """Every disagreement between ``define`` and the XPT files beside it, and every unresolved reference."""
    folder = define.parent
    root = etree.parse(str(define)).getroot()
    problems = check_references(root) + check_origins(root)
    groups = list(root.iter(qname("ItemGroupDef")))
    listed = {group.find("def:leaf", PREFIXES).get(qname("xlink:href")) for group in groups}
    files = {path.name for path in folder.glob("*.xpt")}
    problems += [f"{file} is in the folder but not in define.xml" for file in sorted(files - listed)]
    problems += [f"{file} is in define.xml but not in the folder" for file in sorted(listed - files)]
    for group in groups:
        if group.find("def:leaf", PREFIXES).get(qname("xlink:href")) in files:
            problems += check_dataset(root, group, folder)
    return problems
