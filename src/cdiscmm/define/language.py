"""A second language in define.xml: a ``TranslatedText xml:lang="<lang>"`` beside each English description.

Rule (ODM 1.3.2 §3.1.4, Define-XML 2.1 §2.3: a Description holds one TranslatedText per language, each with its
own ``xml:lang``, P21 DD0062 refuses a duplicate language): the English text stays first, since the English
description must equal the CDISC label (PMDA DD0136/DD0137); the local text follows it. From
``specs/translations/<lang>.yaml``: dataset descriptions (ItemGroupDef) take the dataset label translations;
variable descriptions (ItemDef, value levels included) the variable label and value-level (QLABEL, --TEST,
PARAM) translations; codelist decodes (CodeListItem/Decode) the decode translations; derivation texts
(MethodDef) and comments (def:CommentDef) the method and comment translations; origin texts (def:Origin) the
origin translations, a collected one its form and fields in the collected pattern; the analysis results texts
(arm:ResultDisplay, arm:AnalysisResult and arm:Documentation descriptions) the analysis translations. NMPA:
descriptions, codelists, derivations, comments, origins and analysis results in Chinese in the data definition
file (CDE 2020 No. 16); PMDA: the define of the Japanese datasets may explain in Japanese (TCG 2015).
A Predecessor's variable reference (``ADSL.AGE``) is a technical reference, the same in every language: it stays
as written and is not reported. The programming code (arm:Code) is code, not a description.
An English text without a translation keeps its English text only and is returned, never filled in.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from cdiscmm.define.xmlkit import PREFIXES, XML_LANG, qname
from cdiscmm.metadata.translations import Translations

#: The analysis results elements whose Description the analysis translations give (ARM 1.0 §3).
_ANALYSIS = ("arm:ResultDisplay", "arm:AnalysisResult", "arm:Documentation")
#: A Predecessor's description naming only its variable, ``DATASET.VARIABLE`` (Define-XML 2.1 §5.3.11).
_REFERENCE = re.compile(r"[A-Z][A-Z0-9]*\.[A-Z][A-Z0-9_]*")


def _english(description: etree._Element) -> etree._Element | None:
    return next(
        (text for text in description.iterfind("odm:TranslatedText", PREFIXES) if text.get(XML_LANG) == "en"), None
    )


def _add(node: etree._Element, translate: Callable[[str], str | None], language: str, tag: str) -> str | None:
    """Add the ``language`` text after the English one of ``node``'s ``tag`` (Description, Decode); the English
    text when the translations have none (None when there is nothing to translate or it is there already)."""
    description = node.find(f"odm:{tag}", PREFIXES)
    english = _english(description) if description is not None else None
    if english is None or not english.text:
        return None
    if node.tag == qname("def:Origin") and node.get("Type") == "Predecessor" and _REFERENCE.fullmatch(english.text):
        return None
    if any(text.get(XML_LANG) == language for text in description.iterfind("odm:TranslatedText", PREFIXES)):
        return None
    local = translate(english.text)
    if local is None:
        return english.text
    added = etree.Element(qname("TranslatedText"))
    added.set(XML_LANG, language)
    added.text = local
    english.addnext(added)
    return None


def add_language(root: etree._Element, translations: Translations) -> list[str]:
    """Add ``translations``' language to the descriptions, decodes, methods, comments, origins and analysis
    results of the define ``root`` (module rule); return the English texts left without a translation, sorted,
    each once."""
    missing: set[str] = set()
    items = {**translations.values, **translations.variables}
    parts: tuple[tuple[str, Callable[[str], str | None], str], ...] = (
        (qname("ItemGroupDef"), translations.datasets.get, "Description"),
        (qname("ItemDef"), items.get, "Description"),
        (qname("CodeListItem"), translations.decodes.get, "Decode"),
        (qname("MethodDef"), translations.methods.get, "Description"),
        (qname("def:CommentDef"), translations.comments.get, "Description"),
        (qname("def:Origin"), translations.origin, "Description"),
        *((qname(name), translations.analysis.get, "Description") for name in _ANALYSIS),
    )
    for element, translate, tag in parts:
        for node in root.iter(element):
            left = _add(node, translate, translations.language, tag)
            if left is not None:
                missing.add(left)
    return sorted(missing)
