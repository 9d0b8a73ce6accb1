"""Write the endpoint report: one self-contained HTML page (figures as base64 PNG) and one CSV per table.

The HTML prints each table from the same frame its CSV holds (numbers rounded to 4 decimals on the page, 6 in
the CSV), so the page and the CSV never disagree. Nothing time-dependent is written: a rerun on the
same ADaM gives the same bytes.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import numpy as np
import pandas as pd

from cdiscmm.adam.report.build import Report, Section, build_report, read_report_inputs

REPORT_HTML = "endpoint-report.html"
_STYLE = """
body{font-family:DejaVu Sans,Arial,sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:20px}h2{font-size:16px;border-bottom:1px solid #ccc;padding-bottom:3px;margin-top:28px}
table{border-collapse:collapse;font-size:12px;margin:6px 0}
th,td{border:1px solid #bbb;padding:2px 6px;text-align:left}th{background:#eef3f8}
td{text-align:right}p.note{font-size:12px;color:#555}img{max-width:100%;margin:6px 0}
"""


def _csv_frame(table: pd.DataFrame) -> pd.DataFrame:
    floats = [name for name in table.columns if pd.api.types.is_float_dtype(table[name])]
    return table.assign(**{name: table[name].round(6) for name in floats})


def _table_html(table: pd.DataFrame) -> str:
    """The table as HTML: floats with 4 decimals, every missing value (NaN, NA) as an empty cell."""
    shown = table.astype(object)
    for name in table.columns:
        if pd.api.types.is_float_dtype(table[name]):
            shown[name] = np.char.mod("%.4f", table[name].to_numpy(dtype="float64"))
    shown = shown.where(table.notna(), "")
    return shown.to_html(index=False, border=0, escape=True)


def _section_html(section: Section) -> str:
    parts = [
        f'<h2 id="{section.name}">{html.escape(section.title)}</h2>',
        f'<p class="note">{html.escape(section.note)}',
    ]
    parts.append(f' Data: <a href="{section.name}.csv">{section.name}.csv</a></p>')
    for caption, png in section.figures:
        encoded = base64.b64encode(png).decode("ascii")
        parts.append(f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{encoded}"></figure>')
    if section.in_page:
        parts.append(_table_html(section.table))
    return "\n".join(parts)


def render_html(report: Report) -> str:
    """The report page: title, contents, each section (note, figures, table), the datasets that were absent."""
    title = f"Endpoint report {report.studyid}"
    contents = "".join(
        f'<li><a href="#{section.name}">{html.escape(section.title)}</a></li>' for section in report.sections
    )
    absent = "".join(f"<li>{html.escape(item)}</li>" for item in report.missing)
    body = "\n".join(_section_html(section) for section in report.sections)
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        '<p class="note">Built from the study\'s ADaM datasets (and SDTM HO for hospitalisation). '
        "Every figure draws the table below it; each table is also a CSV file beside this page.</p>",
        f"<ul>{contents}</ul>",
        f'<p class="note">Not available for this study:</p><ul>{absent}</ul>' if absent else "",
        body,
        "</body></html>",
        "",
    ]
    return "\n".join(lines)


def write_report(report: Report, folder: Path) -> list[Path]:
    """Write ``endpoint-report.html`` and ``<section>.csv`` for every section into ``folder``; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for section in report.sections:
        path = folder / f"{section.name}.csv"
        _csv_frame(section.table).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        paths.append(path)
    page = folder / REPORT_HTML
    page.write_text(render_html(report), encoding="utf-8")
    return [page, *paths]


def run_report(adam_folder: Path, sdtm_folder: Path | None, folder: Path) -> list[Path]:
    """Read the ADaM folder (and HO of ``sdtm_folder``), build the report and write it into ``folder``."""
    adam, ho = read_report_inputs(adam_folder, sdtm_folder)
    return write_report(build_report(adam, ho), folder)
