"""define.html: define.xml rendered once with the project's stylesheet, for browsers that no longer run XSLT."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from cdiscmm.core.errors import InputError, Location

#: The stylesheet shipped beside this module and copied beside every define.xml.
STYLESHEET = "define2-1.xsl"
STYLESHEET_PATH = Path(__file__).with_name(STYLESHEET)


def render_html(define: Path, stylesheet: Path, html: Path) -> Path:
    """Apply ``stylesheet`` to ``define`` and write the result to ``html`` (UTF-8); return its path."""
    try:
        transform = etree.XSLT(etree.parse(str(stylesheet)))
        result = transform(etree.parse(str(define)))
    except (etree.XSLTError, etree.XMLSyntaxError) as exc:
        raise InputError(f"cannot render define.html ({exc})", Location(file=str(define))) from None
    html.write_bytes(etree.tostring(result, method="html", encoding="UTF-8", doctype="<!DOCTYPE html>"))
    return html
