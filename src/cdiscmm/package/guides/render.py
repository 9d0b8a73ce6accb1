"""Render a reviewer's guide as one HTML page and as PDF (fpdf2, fonts embedded, no browser).

PDF rules: A4 portrait, the guide's language decides the font — DejaVu Sans for English (Debian's, else the
copy matplotlib ships), a CJK TrueType
font for Chinese and Japanese (WenQuanYi Micro Hei, Debian ``fonts-wqy-microhei``, or Noto Sans CJK,
``fonts-noto-cjk``); a missing font is an InputError naming the Debian package, never a PDF of empty boxes.
Tables wrap their cells. The PDF's creation date is the one given (the package uses the creation date of the
study's DM dataset, the data the guide describes), so a rerun on the same data writes the same bytes.
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.enums import WrapMode
from fpdf.fonts import FontFace

from cdiscmm.core.errors import InputError, Location
from cdiscmm.package.guides.content import Guide, Table

#: Candidate font files per script, first found wins (Debian paths).
FONTS: dict[str, tuple[str, ...]] = {
    "latin": (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        str(Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"),
    ),
    "cjk": (
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    ),
}
_DEBIAN = {"latin": "fonts-dejavu-core", "cjk": "fonts-wqy-microhei"}
_STYLE = (
    "body{font-family:'DejaVu Sans','WenQuanYi Micro Hei','Noto Sans CJK SC',sans-serif;margin:28px;max-width:1100px}"
    "h1{font-size:22px}h2{font-size:16px;margin-top:22px}table{border-collapse:collapse;font-size:12px;margin:6px 0}"
    "th,td{border:1px solid #aaa;padding:2px 6px;text-align:left;vertical-align:top}th{background:#e8eef5}"
    "p{font-size:13px}"
)


def _table_html(table: Table) -> str:
    head = "".join(f"<th>{html.escape(column)}</th>" for column in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in table.rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(guide: Guide) -> str:
    """The guide as a self-contained HTML page in its language."""
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{guide.language}"><head><meta charset="utf-8"><title>{html.escape(guide.title)}</title>',
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(guide.title)}</h1><p>{html.escape(guide.subtitle)}</p>",
    ]
    for block in guide.blocks:
        parts.append(f"<h2>{html.escape(block.heading)}</h2>")
        parts += [f"<p>{html.escape(paragraph)}</p>" for paragraph in block.paragraphs]
        parts += [_table_html(table) for table in block.tables if table.rows]
    parts.append("</body></html>\n")
    return "\n".join(parts)


def font_file(script: str) -> Path:
    """The first installed font file for ``script`` ('latin' or 'cjk'); InputError naming the Debian package."""
    for candidate in FONTS[script]:
        if Path(candidate).is_file():
            return Path(candidate)
    raise InputError(
        f"no {script} font for the PDF guide",
        Location(file=FONTS[script][0]),
        expected=f"the Debian package {_DEBIAN[script]} installed",
    )


def _widths(table: Table) -> tuple[float, ...]:
    """Column widths proportional to the longest cell (bounded), summing to 1."""
    longest = [
        max([len(column), *(len(row[index]) for row in table.rows)]) for index, column in enumerate(table.columns)
    ]
    bounded = [min(max(length, 10), 40) for length in longest]
    return tuple(length / sum(bounded) for length in bounded)


def render_pdf(guide: Guide, created: datetime) -> bytes:
    """The guide as PDF bytes dated ``created`` (module rules)."""
    script = "latin" if guide.language == "en" else "cjk"
    # Chinese and Japanese have no spaces between words: lines break between characters, not at spaces only.
    wrap = WrapMode.WORD if script == "latin" else WrapMode.CHAR
    pdf = FPDF(orientation="portrait", format="A4")
    pdf.set_creation_date(created)
    pdf.set_title(guide.title)
    pdf.set_author("cdiscmm")
    pdf.set_lang(guide.language)
    pdf.add_font("guide", fname=str(font_file(script)))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("guide", size=18)
    pdf.multi_cell(0, 10, guide.title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("guide", size=11)
    pdf.multi_cell(0, 7, guide.subtitle, align="L", new_x="LMARGIN", new_y="NEXT")
    for block in guide.blocks:
        pdf.ln(3)
        pdf.set_font("guide", size=13)
        pdf.multi_cell(0, 8, block.heading, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("guide", size=9.5)
        for paragraph in block.paragraphs:
            pdf.multi_cell(0, 5, paragraph, align="L", new_x="LMARGIN", new_y="NEXT", wrapmode=wrap)
            pdf.ln(1)
        for table in block.tables:
            if not table.rows:
                continue
            pdf.set_font("guide", size=7.5)
            with pdf.table(
                col_widths=_widths(table),
                headings_style=FontFace(fill_color=(232, 238, 245)),
                line_height=4,
                text_align="LEFT",
                wrapmode=wrap,
            ) as rows:
                for values in [table.columns, *table.rows]:
                    row = rows.row()
                    for value in values:
                        row.cell(value)
            pdf.set_font("guide", size=9.5)
    return bytes(pdf.output())
