"""CodeList elements: CDISC CT and sponsor codelists with their terms, external dictionaries (Define-XML 2.1 §5.3.12).

A codelist whose terms all decode to themselves is a list of EnumeratedItem; otherwise every term is a
CodeListItem with a Decode (ODM 1.3.2 §4.4.7: Decode is required on CodeListItem). NCI codes are
``Alias Context="nci:ExtCodeID"`` on the codelist and on each CT term; a term without NCI code in a CT codelist
is a sponsor extension (``def:ExtendedValue="Yes"``, allowed only where the codelist is extensible).
"""

from __future__ import annotations

import re

from lxml import etree

from cdiscmm.define.spec import Dictionary
from cdiscmm.define.xmlkit import codelist_oid, describe, element, sub
from cdiscmm.metadata.model import Codelist

NCI_CONTEXT = "nci:ExtCodeID"
_NCI_CODE = re.compile(r"^C\d+$")


def standard_oid(package: str, version: str) -> str:
    """The def:Standard OID of a CT package, e.g. ``STD.CT.SDTM.2025-03-28``."""
    return f"STD.CT.{package.removesuffix(' CT').replace(' ', '')}.{version}"


def _data_type(referenced_as: set[str]) -> str:
    """'integer' or 'float' when every referencing ItemDef is that numeric type, else 'text'."""
    return referenced_as.pop() if len(referenced_as) == 1 and referenced_as <= {"integer", "float"} else "text"


def codelist_element(codelist: Codelist, referenced_as: set[str], standard: str | None) -> etree._Element:
    """The CodeList of a CT or sponsor codelist; ``standard`` is the def:StandardOID of its CT package."""
    is_ct = _NCI_CODE.match(codelist.code) is not None
    node = element(
        "CodeList",
        OID=codelist_oid(codelist.code),
        Name=codelist.long_name or codelist.name,
        DataType=_data_type(set(referenced_as)),
        def_StandardOID=standard if is_ct else None,
        def_IsNonStandard=None if is_ct else "Yes",
    )
    decoded = any(term.decode and term.decode != term.submission_value for term in codelist.terms)
    for order, term in enumerate(codelist.terms, start=1):
        extended = "Yes" if is_ct and codelist.extensible and term.code is None else None
        if decoded:
            item = sub(
                node, "CodeListItem", CodedValue=term.submission_value, OrderNumber=order, def_ExtendedValue=extended
            )
            describe(item, term.decode or term.submission_value, tag="Decode")
        else:
            item = sub(
                node, "EnumeratedItem", CodedValue=term.submission_value, OrderNumber=order, def_ExtendedValue=extended
            )
        if is_ct and term.code:
            sub(item, "Alias", Context=NCI_CONTEXT, Name=term.code)
    if is_ct:
        sub(node, "Alias", Context=NCI_CONTEXT, Name=codelist.code)
    return node


def dictionary_element(dictionary: Dictionary, referenced_as: set[str]) -> etree._Element:
    """The CodeList of an external dictionary: an ExternalCodeList naming it (and its version when stated)."""
    node = element(
        "CodeList", OID=codelist_oid(dictionary.id), Name=dictionary.dictionary, DataType=_data_type(set(referenced_as))
    )
    sub(node, "ExternalCodeList", Dictionary=dictionary.dictionary, Version=dictionary.version)
    return node
