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

A file's records are read a block at a time (:func:`cdiscmm.io.xpt.read.read_xpt_records`): what the checks need
of a column (its :class:`~cdiscmm.define.shapes.Measure`, the first values in sort order outside its codelists)
is gathered per block and merged, so a file of any size is checked in the memory of a block. A text column whose
values nothing but its Length reads (no codelist, value level or where clause; not --DTC/--DUR) is measured from
its stored bytes, undecoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from lxml import etree

from cdiscmm.define.shapes import Measure, measure, stored_text_measure
from cdiscmm.define.xmlkit import PREFIXES, qname
from cdiscmm.io.metadata import WhereRows, text_values
from cdiscmm.io.xpt.decode import spans
from cdiscmm.io.xpt.read import BLOCK_BYTES, decode_records, non_ascii_values, read_xpt_records, read_xpt_rows
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


def _codes(item: etree._Element, codelists: dict[str, etree._Element]) -> tuple[str, frozenset[str]] | None:
    """The OID and coded values of the enumerated CodeList ``item`` references; None for none or an external
    dictionary."""
    reference = item.find("odm:CodeListRef", PREFIXES)
    if reference is None:
        return None
    codelist = codelists[reference.get("CodeListOID")]
    if codelist.find("odm:ExternalCodeList", PREFIXES) is not None:
        return None
    coded = frozenset(item.get("CodedValue") for item in codelist if item.get("CodedValue") is not None)
    return reference.get("CodeListOID"), coded


@dataclass(frozen=True)
class _Asked:
    """What is checked of one column's values: its name, the display format its shape is measured with, the
    codelist its values must be in, and each value level's where-clause (by WhereClauseDef OID) with its codelist."""

    name: str
    display_format: str | None
    codes: tuple[str, frozenset[str]] | None
    levels: tuple[tuple[str, list[WhereCondition], tuple[str, frozenset[str]] | None], ...]


@dataclass(frozen=True)
class _Found:
    """What some records of one column showed: whether it is numeric, the measure of its values, the first
    :data:`SHOWN` values (sorted) outside its codelist and outside each value level's."""

    numeric: bool
    measure: Measure
    outside: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]

    def merge(self, later: _Found) -> _Found:
        """What these records and ``later``'s showed (the first values in sort order of both)."""
        return _Found(
            self.numeric or later.numeric,
            self.measure.merge(later.measure),
            _first_shown(self.outside, later.outside),
            tuple(_first_shown(mine, theirs) for mine, theirs in zip(self.levels, later.levels, strict=True)),
        )


#: How many values outside a codelist a problem names (the first in sort order).
SHOWN = 5


def _first_shown(*runs: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({value for run in runs for value in run})[:SHOWN])


def _outside(column: pd.Series, codes: tuple[str, frozenset[str]] | None) -> tuple[str, ...]:
    if codes is None:
        return ()
    text = text_values(column)
    return _first_shown(tuple(text[text.notna() & text.ne("") & ~text.isin(codes[1])].unique()))


def _meta(name: str, numeric: bool, display_format: str | None) -> VariableMeta:
    """The variable as the file shows it: its type, the define's display format."""
    return VariableMeta(
        name=name, label=name, type="Num" if numeric else "Char", order=1, display_format=display_format
    )


def _found(data: pd.DataFrame, rows: WhereRows, asked: _Asked) -> _Found:
    column = data[asked.name]
    numeric = pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column)
    return _Found(
        numeric,
        measure(column, _meta(asked.name, numeric, asked.display_format)),
        _outside(column, asked.codes),
        tuple(_outside(column[rows.mask(where)], codes) if codes else () for _, where, codes in asked.levels),
    )


def _asked(
    root: etree._Element, item: etree._Element, items: dict[str, etree._Element], codelists: dict[str, etree._Element]
) -> _Asked:
    """What is checked of the values of ``item``'s column, value levels included."""
    levels = []
    reference = item.find("def:ValueListRef", PREFIXES)
    for value_list in root.iter(qname("def:ValueListDef")) if reference is not None else []:
        if value_list.get("OID") != reference.get("ValueListOID"):
            continue
        for level_ref in value_list.iter(qname("ItemRef")):
            clause = level_ref.find("def:WhereClauseRef", PREFIXES).get("WhereClauseOID")
            levels.append((clause, _where(root, clause, items), _codes(items[level_ref.get("ItemOID")], codelists)))
    return _Asked(item.get("Name"), item.get(qname("def:DisplayFormat")), _codes(item, codelists), tuple(levels))


def _stored(asked: dict[str, _Asked]) -> set[str]:
    """The asked columns measured from their stored bytes when the file holds them as text: no codelist, no value
    level, no where-clause tests them, and neither --DTC nor --DUR (whose values the shape rules read)."""
    tested = {condition.variable for column in asked.values() for _, where, _ in column.levels for condition in where}
    return {
        column.name
        for column in asked.values()
        if column.codes is None
        and not column.levels
        and column.name not in tested
        and not column.name.endswith(("DTC", "DUR"))
    }


def _scan(path: Path, asked: dict[str, _Asked], block_bytes: int) -> dict[str, _Found]:
    """What the records of ``path`` show of each asked column (by ItemDef OID), read about ``block_bytes`` of the
    file at a time (:func:`cdiscmm.io.xpt.read.read_xpt_records`, which checks the file). The text columns of
    :func:`_stored` are measured from their bytes (:func:`cdiscmm.define.shapes.stored_text_measure`; the values
    holding a non-ASCII byte are decoded, so a value that is not UTF-8 stops the check as the reader does); the
    others are decoded."""
    found: dict[str, _Found] = {}
    plain = _stored(asked)
    for head, block in read_xpt_records(path, block_bytes):
        where = spans(head)
        stored = [name for name, span in where.items() if span.character and name in plain]
        non_ascii_values(path, head, block, stored)
        data = decode_records(path, head, block, [name for name in where if name not in stored])
        rows = WhereRows(data)
        for oid, column in ((oid, column) for oid, column in asked.items() if column.name in where):
            if column.name in stored:
                position, length, _ = where[column.name]
                seen = _Found(False, stored_text_measure(block[:, position : position + length]), (), ())
            else:
                seen = _found(data, rows, column)
            found[oid] = found[oid].merge(seen) if oid in found else seen
    return found


def _problems(where: str, item: etree._Element, asked: _Asked, found: _Found) -> list[str]:
    """The Length and codelist problems of one column (see the module docstring)."""
    problems = []
    shape = found.measure.shape(_meta(item.get("Name"), found.numeric, asked.display_format))
    declared = item.get("Length")
    if item.get("DataType") in ("text", "integer", "float") and declared != str(shape.length):
        problems.append(f"{where}: define Length {declared}, data {shape.length}")
    if found.outside and asked.codes:
        problems.append(f"{where}: values {list(found.outside)} are not in {asked.codes[0]}")
    for (clause, _, codes), outside in zip(asked.levels, found.levels, strict=True):
        if outside and codes:
            problems.append(f"{where} ({clause}): values {list(outside)} are not in {codes[0]}")
    return problems


def check_dataset(
    root: etree._Element, group: etree._Element, folder: Path, block_bytes: int = BLOCK_BYTES
) -> list[str]:
    """Disagreements between one ItemGroupDef and its XPT file (see the module docstring); the file's records are
    read about ``block_bytes`` at a time."""
    items = {node.get("OID"): node for node in root.iter(qname("ItemDef"))}
    codelists = {node.get("OID"): node for node in root.iter(qname("CodeList"))}
    name = group.get("Name")
    path = folder / group.find("def:leaf", PREFIXES).get(qname("xlink:href"))
    refs = sorted(group.iter(qname("ItemRef")), key=lambda ref: int(ref.get("OrderNumber")))
    checked = [items[ref.get("ItemOID")] for ref in refs if ref.get("ItemOID") in items]
    asked = {item.get("OID"): _asked(root, item, items, codelists) for item in checked}
    found = _scan(path, asked, block_bytes)
    content = read_xpt_rows(path, slice(0, 0))  # labels and variables, of a file _scan has checked
    columns = list(content.data.columns)
    problems = (
        [] if content.label in _labels(group) else [f"{name}: define label {_text(group)!r}, file {content.label!r}"]
    )
    declared = [item.get("Name") for item in checked]
    if declared != columns:
        problems.append(f"{name}: define variables {declared}, file {columns}")
    for item in (item for item in checked if item.get("Name") in columns):
        variable = item.get("Name")
        where = f"{name}.{variable}"
        if content.labels.get(variable, "") not in _labels(item):
            problems.append(f"{where}: define label {_text(item)!r}, file {content.labels.get(variable)!r}")
        problems += _problems(where, item, asked[item.get("OID")], found[item.get("OID")])
    return problems


def check_define(define: Path, block_bytes: int = BLOCK_BYTES) -> list[str]:
    """Every disagreement between ``define`` and the XPT files beside it (read about ``block_bytes`` at a time),
    and every unresolved reference."""
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
            problems += check_dataset(root, group, folder, block_bytes)
    return problems
