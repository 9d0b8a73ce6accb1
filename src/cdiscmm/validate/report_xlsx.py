"""The QA report as an XLSX workbook laid out like a Pinnacle 21 report: Issue Summary, Details, Rules, Datasets,
then the study's Explanations (Issue Summary also carries each group's explanation text, Details its id), and
Provenance (the code, rule catalogue and specs versions, each file read with its size and SHA-256).

As Pinnacle 21 does by default, Details lists at most :data:`ROWS_PER_RULE` records per rule (Issue Summary and
Rules count them all; report.json has every record): openpyxl writes about 2,000 rows a second.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from cdiscmm.validate.findings import SEVERITIES
from cdiscmm.validate.provenance import provenance_rows
from cdiscmm.validate.report import ROWS_PER_RULE, first_per_rule

_SHEETS: dict[str, list[tuple[str, str]]] = {
    "Issue Summary": [
        ("DATASET", "Dataset"),
        ("RULE", "Rule ID"),
        ("SEVERITY", "Severity"),
        ("MESSAGE", "Message"),
        ("count", "Found"),
        ("explained", "Explained"),
        ("explanation", "Explanation"),
    ],
    "Details": [
        ("DATASET", "Dataset"),
        ("RULE", "Rule ID"),
        ("SEVERITY", "Severity"),
        ("ROW", "Record"),
        ("USUBJID", "USUBJID"),
        ("SEQ", "SEQ"),
        ("VARIABLE", "Variables"),
        ("VALUE", "Values"),
        ("MESSAGE", "Message"),
        ("DETAIL", "Detail"),
        ("EXPLANATION", "Explanation"),
    ],
    "Rules": [
        ("id", "Rule ID"),
        ("status", "Status"),
        ("severity", "Severity"),
        ("findings", "Found"),
        ("message", "Message"),
        ("description", "Description"),
        ("reason", "Not run because"),
        ("p21", "Pinnacle 21 ID"),
        ("core", "CORE ID"),
        ("pmda", "PMDA class"),
        ("fda", "FDA class"),
        ("scope", "Scope"),
        ("datasets", "Ran on"),
        ("engine", "Engine"),
    ],
    "Datasets": [
        ("name", "Dataset"),
        ("kind", "Kind"),
        ("records", "Records"),
        ("source", "Metadata"),
        *((severity, severity) for severity in SEVERITIES),
    ],
    "Explanations": [
        ("id", "Explanation"),
        ("rule", "Rule ID"),
        ("dataset", "Dataset"),
        ("variable", "Variable"),
        ("findings", "Found"),
        ("explanation", "Text"),
    ],
    "Provenance": [("item", "Read"), ("bytes", "Bytes"), ("sha256", "SHA-256")],
}
_ROWS = {
    "Issue Summary": "issue_summary",
    "Details": "findings",
    "Rules": "rules",
    "Datasets": "datasets",
    "Explanations": "explanations",
}


def _detail_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    return first_per_rule(report["findings"], ROWS_PER_RULE)


def _dataset_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**entry, **entry["findings"]} for entry in report["datasets"]]


def _provenance_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    return provenance_rows(report["provenance"])


_BUILT = {"Datasets": _dataset_rows, "Details": _detail_rows, "Provenance": _provenance_rows}


def write_xlsx(report: dict[str, Any], path: Path) -> Path:
    """``report.xlsx`` (write-only mode: rows stream to the file, memory stays flat on 100,000 findings)."""
    workbook = Workbook(write_only=True)
    for title, columns in _SHEETS.items():
        sheet = workbook.create_sheet(title)
        header = []
        for _, label in columns:
            cell = WriteOnlyCell(sheet, value=label)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        rows = _BUILT[title](report) if title in _BUILT else report[_ROWS[title]]
        for row in rows:
            sheet.append([row.get(key) for key, _ in columns])
    workbook.save(path)
    return path
