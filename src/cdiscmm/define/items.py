"""ItemGroupDef, ItemDef, ValueListDef/WhereClauseDef, MethodDef and def:CommentDef of one folder's datasets.

Every attribute comes from the dataset metadata the stage built the data with, except what the written data
decide (DataType, Length, SignificantDigits: :mod:`cdiscmm.define.shapes`, from the scan of the data,
:mod:`cdiscmm.define.scan`). Nothing is derived again.
Define-XML 2.1 specification sections: ItemGroupDef §5.3.5, ItemRef §5.3.6, ItemDef §5.3.9, def:Origin §5.3.11,
ValueListDef §5.3.7, WhereClauseDef §5.3.8, MethodDef §5.3.14, def:CommentDef §5.3.15.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from cdiscmm.define.scan import DatasetScan, LevelMeasure, level_variable
from cdiscmm.define.shapes import Shape
from cdiscmm.define.xmlkit import describe, element, item_group_oid, item_oid, leaf_id, sub
from cdiscmm.io.metadata import variable_codelist
from cdiscmm.metadata.model import DatasetMeta, ValueLevelMeta, VariableMeta, WhereCondition

#: def:Origin/@Source when the metadata leave it open: who supplies values of each origin type (Define-XML 2.1
#: §5.3.11.2: Collected data come from the investigator's CRF; Derived, Assigned and Protocol values from the
#: sponsor). A Predecessor carries no Source: its predecessor variable says where it comes from.
DEFAULT_ORIGIN_SOURCE = {
    "Collected": "Investigator",
    "Derived": "Sponsor",
    "Assigned": "Sponsor",
    "Protocol": "Sponsor",
}


@dataclass(frozen=True)
class WrittenDataset:
    """A dataset as written: its metadata, the scan of the data read back from its file, and the file name."""

    meta: DatasetMeta
    scan: DatasetScan
    file: str


@dataclass
class Parts:
    """The MetaDataVersion children gathered while walking the datasets, each list in document order."""

    value_lists: list[etree._Element] = field(default_factory=list)
    where_clauses: list[etree._Element] = field(default_factory=list)
    item_groups: list[etree._Element] = field(default_factory=list)
    items: list[etree._Element] = field(default_factory=list)
    methods: list[etree._Element] = field(default_factory=list)
    comments: list[etree._Element] = field(default_factory=list)
    #: codelist OID -> the DataTypes of the ItemDefs that reference it (the CodeList's DataType must match).
    codelist_types: dict[str, set[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """What the item builders need besides the dataset: codelist OIDs by variable, documents."""

    codelist_oids: dict[str, str]
    dictionary_oids: dict[str, str]
    collected_document: str | None
    standard_oid: str


def ig_class(name: str) -> str:
    """The def:Class name of a dataset class: upper case, hyphen as space (Define-XML 2.1 ItemGroupClass C103329)."""
    return name.upper().replace("-", " ")


def _comment(parts: Parts, oid: str, text: str | None) -> str | None:
    if not text:
        return None
    comment = element("def:CommentDef", OID=oid)
    describe(comment, text)
    parts.comments.append(comment)
    return oid


def _method(parts: Parts, oid: str, origin: str | None, method: str | None, source: str | None) -> str | None:
    """A MethodDef for a Derived value: its method text, else the source text (what the stage states)."""
    text = method or source
    if origin != "Derived" or not text:
        return None
    method_def = element("MethodDef", OID=oid, Name=f"Algorithm for {oid.removeprefix('MT.')}", Type="Computation")
    describe(method_def, text)
    parts.methods.append(method_def)
    return oid


def _origin(
    item: etree._Element,
    origin: str | None,
    origin_source: str | None,
    source: str | None,
    method: str | None,
    context: Context,
) -> None:
    if origin is None:
        return
    node = sub(item, "def:Origin", Type=origin, Source=origin_source or DEFAULT_ORIGIN_SOURCE.get(origin))
    text = source if origin != "Derived" else None
    if origin == "Assigned":
        text = source or method
    if text:
        describe(node, text)
    if origin == "Collected" and context.collected_document:
        sub(node, "def:DocumentRef", leafID=context.collected_document)


def _level_origins(item: etree._Element, levels: list[ValueLevelMeta], context: Context) -> None:
    """The def:Origin elements of a variable described only per where-clause (SUPP-- QVAL by QNAM, TS TSVAL by
    TSPARMCD): one per distinct origin type and source its value levels state, in their order (Define-XML 2.1
    §5.3.9 allows several def:Origin on an ItemDef; each value level's own ItemDef carries the detail)."""
    for origin, origin_source in dict.fromkeys((level.origin, level.origin_source) for level in levels):
        _origin(item, origin, origin_source, None, None, context)


def _codelist_ref(item: etree._Element, parts: Parts, oid: str | None, data_type: str) -> None:
    if oid:
        sub(item, "CodeListRef", CodeListOID=oid)
        parts.codelist_types.setdefault(oid, set()).add(data_type)


def _item_def(oid: str, name: str, shape: Shape, comment_oid: str | None) -> etree._Element:
    return element(
        "ItemDef",
        OID=oid,
        Name=name,
        DataType=shape.data_type,
        Length=shape.length,
        SignificantDigits=shape.significant_digits,
        SASFieldName=name,
        def_DisplayFormat=shape.display_format,
        def_CommentOID=comment_oid,
    )


def where_clause(parts: Parts, oid: str, dataset: str, where: list[WhereCondition]) -> str:
    """Add a def:WhereClauseDef (a RangeCheck per condition, ANDed) and return its OID."""
    clause = element("def:WhereClauseDef", OID=oid)
    for condition in where:
        check = sub(
            clause,
            "RangeCheck",
            Comparator=condition.comparator,
            SoftHard="Soft",
            def_ItemOID=item_oid(dataset, condition.variable),
        )
        for value in condition.values:
            sub(check, "CheckValue").text = value
    parts.where_clauses.append(clause)
    return oid


def _effective(variable: VariableMeta, level: ValueLevelMeta) -> tuple[str | None, str | None, str | None, str | None]:
    """Origin, origin source, source and method of a value level: its own when it states an origin, else the
    variable's (a value level's None fields inherit the parent variable's, :class:`ValueLevelMeta`)."""
    if level.origin is None:
        return (
            variable.origin,
            level.origin_source or variable.origin_source,
            level.source or variable.source,
            level.method or variable.method,
        )
    return level.origin, level.origin_source, level.source, level.method


def _level_shape(records: LevelMeasure, variable: VariableMeta, level: ValueLevelMeta, parent: Shape) -> Shape:
    """The shape of a value level's records: numbers measured as numbers when the level says integer/float (e.g.
    a numeric QVAL), the stated DataType when the data alone would say otherwise, the parent's when no record."""
    if not records.rows:
        return parent
    shape = records.measure.shape(level_variable(variable, level))
    if level.type is None or level.type == shape.data_type:
        return shape
    measured = level.type in ("text", "integer", "float")
    digits = (shape.significant_digits or 0) if level.type == "float" else None
    return Shape(level.type, shape.length if measured else None, digits, shape.display_format)


def _value_level(parts: Parts, written: WrittenDataset, variable: VariableMeta, parent: Shape, context: Context) -> str:
    """The ValueListDef of ``variable``: one ItemRef + WhereClauseDef + ItemDef per value level."""
    dataset = written.meta.name
    list_oid = f"VL.{dataset}.{variable.name}"
    value_list = element("def:ValueListDef", OID=list_oid)
    for number, level in enumerate(variable.value_level, start=1):
        oid = f"{item_oid(dataset, variable.name)}.{number}"
        shape = _level_shape(written.scan.levels[(variable.name, number)], variable, level, parent)
        origin, _, source, method = _effective(variable, level)
        method_oid = _method(parts, f"MT.{dataset}.{variable.name}.{number}", origin, method, source)
        ref = sub(value_list, "ItemRef", ItemOID=oid, OrderNumber=number, Mandatory="No", MethodOID=method_oid)
        sub(
            ref,
            "def:WhereClauseRef",
            WhereClauseOID=where_clause(parts, f"WC.{dataset}.{variable.name}.{number}", dataset, level.where),
        )
        parts.items.append(_level_item(parts, oid, variable, level, shape, context, dataset, number))
    parts.value_lists.append(value_list)
    return list_oid


def _level_item(
    parts: Parts,
    oid: str,
    variable: VariableMeta,
    level: ValueLevelMeta,
    shape: Shape,
    context: Context,
    dataset: str,
    number: int,
) -> etree._Element:
    comment_oid = _comment(parts, f"COM.{dataset}.{variable.name}.{number}", level.comment)
    item = _item_def(oid, variable.name, shape, comment_oid)
    describe(item, level.label or variable.label)
    codelist = level.codelist
    _codelist_ref(item, parts, context.codelist_oids.get(codelist) if codelist else None, shape.data_type)
    _origin(item, *_effective(variable, level), context)
    return item


def _variable_item(parts: Parts, written: WrittenDataset, variable: VariableMeta, context: Context) -> str | None:
    """Add the ItemDef (and value list) of ``variable``; return its MethodOID."""
    dataset = written.meta.name
    oid = item_oid(dataset, variable.name)
    shape = written.scan.variables[variable.name].shape(variable)
    comment_oid = _comment(parts, f"COM.{dataset}.{variable.name}", variable.comment)
    item = _item_def(oid, variable.name, shape, comment_oid)
    describe(item, variable.label)
    governing = variable_codelist(variable)
    dictionary = context.dictionary_oids.get(variable.name) if variable.type == "Char" else None
    codelist_oid = dictionary or (context.codelist_oids.get(governing) if governing else None)
    _codelist_ref(item, parts, codelist_oid, shape.data_type)
    if variable.origin is None and variable.value_level:
        _level_origins(item, variable.value_level, context)
    else:
        _origin(item, variable.origin, variable.origin_source, variable.source, variable.method, context)
    parts.items.append(item)  # before its value-level ItemDefs, so the document reads parent first
    if variable.value_level:
        sub(item, "def:ValueListRef", ValueListOID=_value_level(parts, written, variable, shape, context))
    return _method(parts, f"MT.{dataset}.{variable.name}", variable.origin, variable.method, variable.source)


def _repeating(meta: DatasetMeta) -> str:
    """'No' for one record per subject (ADSL, DM), 'Yes' otherwise (ODM 1.3.2 ItemGroupDef/@Repeating)."""
    return "No" if meta.structure.strip().lower() == "one record per subject" else "Yes"


def add_dataset(parts: Parts, written: WrittenDataset, context: Context) -> None:
    """Add the ItemGroupDef of ``written`` with its ItemRefs, ItemDefs, methods, comments and def:leaf."""
    meta = written.meta
    tabulation = meta.purpose == "Tabulation"
    group = element(
        "ItemGroupDef",
        OID=item_group_oid(meta.name),
        Name=meta.name,
        Repeating=_repeating(meta),
        IsReferenceData="Yes" if ig_class(meta.class_) == "TRIAL DESIGN" else "No",
        SASDatasetName=meta.name,
        Domain=meta.name if tabulation else None,
        Purpose=meta.purpose,
        def_Structure=meta.structure,
        def_ArchiveLocationID=leaf_id(meta.name),
        def_StandardOID=context.standard_oid,
        def_CommentOID=_comment(parts, f"COM.{meta.name}", meta.comment),
    )
    describe(group, meta.label)
    for order, variable in enumerate(sorted(meta.variables, key=lambda v: v.order), start=1):
        method_oid = _variable_item(parts, written, variable, context)
        sub(
            group,
            "ItemRef",
            ItemOID=item_oid(meta.name, variable.name),
            OrderNumber=order,
            Mandatory="Yes" if variable.core == "Req" else "No",
            KeySequence=meta.keys.index(variable.name) + 1 if variable.name in meta.keys else None,
            MethodOID=method_oid,
            Role=variable.role if tabulation and variable.role else None,
        )
    class_node = sub(group, "def:Class", Name=ig_class(meta.class_))
    if meta.subclass:
        sub(class_node, "def:SubClass", Name=meta.subclass.upper())
    leaf = sub(group, "def:leaf", ID=leaf_id(meta.name), xlink_href=written.file)
    sub(leaf, "def:title").text = written.file
    parts.item_groups.append(group)
