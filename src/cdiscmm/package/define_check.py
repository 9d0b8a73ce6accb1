"""Define-XML against the package folder it sits in: what a gateway checks about define.xml and its neighbours.

Rules (PMDA Define-XML rules as parsed in the project's regulatory notes §1.2; FDA TCG §3.3):

- OD0011: define.xml is well-formed XML declared in UTF-8, UTF-16 or ISO-8859-1 (Reject: unreadable).
- DD0085: the stylesheet named by its ``xml-stylesheet`` instruction exists in the same folder (Error).
- Every ``def:leaf`` ``xlink:href`` names a file of the folder or one the package writes there later (the
  reviewer's guide): a missing dataset is a Reject (the reviewer cannot open it), a missing document (e.g. the
  annotated CRF) an Error; every dataset file of the folder is named by a leaf (Error: a dataset the define
  does not describe).
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from cdiscmm.package.findings import Finding

XLINK = "http://www.w3.org/1999/xlink"
DEF = "http://www.cdisc.org/ns/def/v2.1"
_ENCODINGS = {"UTF-8", "UTF-16", "ISO-8859-1"}


def check_define(folder: Path, where: str, coming: frozenset[str] = frozenset()) -> list[Finding]:
    """Findings of ``folder/define.xml`` (``where``: the folder's path in the package, for the messages);
    ``coming`` names files the package adds to the folder after this check."""
    path = folder / "define.xml"
    name = f"{where}/define.xml"
    if not path.is_file():
        return []
    try:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return [Finding("OD0011", "Reject", name, "", f"define.xml is not well-formed XML ({exc})")]
    findings = []
    encoding = (tree.docinfo.encoding or "").upper()
    if encoding not in _ENCODINGS:
        findings.append(Finding("OD0011", "Reject", name, "", f"encoding {encoding!r} is not UTF-8/UTF-16/ISO-8859-1"))
    instructions = [
        node for node in tree.getroot().itersiblings(preceding=True) if isinstance(node, etree._ProcessingInstruction)
    ]
    stylesheets = [
        re.search(r'href="([^"]+)"', node.text or "") for node in instructions if node.target == "xml-stylesheet"
    ]
    for match in [match for match in stylesheets if match]:
        if not (folder / match.group(1)).is_file():
            findings.append(Finding("DD0085", "Error", name, "", f"stylesheet {match.group(1)} not in the folder"))
    leaves = {leaf.get(f"{{{XLINK}}}href") for leaf in tree.iter(f"{{{DEF}}}leaf")}
    for href in sorted(leaf for leaf in leaves if leaf and leaf not in coming and not (folder / leaf).is_file()):
        severity = "Reject" if href.endswith(".xpt") else "Error"
        findings.append(Finding("PKG-LEAF", severity, name, "", f"def:leaf {href} names no file of the folder"))
    for dataset in sorted(path.name for path in folder.glob("*.xpt")):
        if dataset not in leaves:
            findings.append(
                Finding("PKG-LEAF", "Error", f"{where}/{dataset}", "", "dataset not described by define.xml")
            )
    return findings
