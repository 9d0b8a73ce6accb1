"""The XML vocabulary of define.xml: namespaces, element helpers and the OIDs every part refers by."""

from __future__ import annotations

from lxml import etree

ODM = "http://www.cdisc.org/ns/odm/v1.3"
DEF = "http://www.cdisc.org/ns/def/v2.1"
ARM = "http://www.cdisc.org/ns/arm/v1.0"
XLINK = "http://www.w3.org/1999/xlink"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NAMESPACES = {None: ODM, "def": DEF, "arm": ARM, "xlink": XLINK}
PREFIXES = {"odm": ODM, "def": DEF, "arm": ARM, "xlink": XLINK}


def qname(name: str) -> str:
    """``def:leaf`` -> ``{http://www.cdisc.org/ns/def/v2.1}leaf``; an unprefixed name is in the ODM namespace."""
    prefix, _, local = name.rpartition(":")
    return f"{{{PREFIXES[prefix or 'odm']}}}{local}"


def element(name: str, **attributes: str | int | None) -> etree._Element:
    """A new element ``name`` with the attributes that are not None (``def_X`` -> ``def:X``, ``xlink_X``)."""
    created = etree.Element(qname(name), nsmap=NAMESPACES if name == "ODM" else None)
    for key, value in attributes.items():
        if value is not None:
            created.set(qname(key.replace("_", ":", 1)) if "_" in key else key, str(value))
    return created


def sub(parent: etree._Element, name: str, **attributes: str | int | None) -> etree._Element:
    """Append a new element ``name`` (see :func:`element`) to ``parent`` and return it."""
    child = element(name, **attributes)
    parent.append(child)
    return child


def describe(parent: etree._Element, text: str, tag: str = "Description") -> etree._Element:
    """``<Description><TranslatedText xml:lang="en">text</TranslatedText></Description>`` (ODM 1.3.2 §3.1.4)."""
    element = sub(parent, tag)
    translated = sub(element, "TranslatedText")
    translated.set(XML_LANG, "en")
    translated.text = text
    return element


def item_group_oid(dataset: str) -> str:
    return f"IG.{dataset}"


def item_oid(dataset: str, variable: str) -> str:
    return f"IT.{dataset}.{variable}"


def codelist_oid(code: str) -> str:
    return f"CL.{code}"


def leaf_id(dataset: str) -> str:
    return f"LF.{dataset}"
