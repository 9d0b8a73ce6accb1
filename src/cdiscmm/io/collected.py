"""Read collected CSVs as the EDC exported them: every column as text, empty stays empty, RAWROW added.

RAWROW is the 1-based data row of the CSV (header not counted), the row number lineage and the defect
manifest use. The file is decoded in the study's declared encoding and its records are counted from its bytes
(:mod:`cdiscmm.io.records`); the parser must return exactly that many rows, so no row is lost silently.
A column the data dictionary lists for the form but the file lacks is an InputError.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from cdiscmm.core.errors import InputError, Location
from cdiscmm.io.records import read_records

RAWROW = "RAWROW"
#: The export's data dictionary (one row per form field), its collected codelists and its form titles.
DICTIONARY_FILE = "data_dictionary.csv"
CODELISTS_FILE = "codelists.csv"
FORMS_FILE = "forms.csv"
DICTIONARY_COLUMNS: tuple[str, ...] = ("FORM", "FIELD", "LABEL", "TYPE", "CODELIST")
CODELIST_COLUMNS: tuple[str, ...] = ("CODELIST", "CODE", "DECODE")
FORM_COLUMNS: tuple[str, ...] = ("FORM", "LABEL")


def read_text(path: Path, encoding: str = "utf-8") -> pd.DataFrame:
    """Every column of ``path`` as text; the row count is checked against the records counted in the bytes."""
    records = read_records(path, encoding)
    try:
        frame = pd.read_csv(io.StringIO(records.text), dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"not readable as CSV ({exc})", Location(file=str(path))) from None
    if len(frame) != records.records:
        raise InputError(
            f"the CSV parser read {len(frame)} rows but the file holds {records.records} records",
            Location(file=str(path)),
            expected="one record per line",
        )
    return frame


def _require(frame: pd.DataFrame, columns: list[str] | tuple[str, ...], path: Path) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise InputError(
            "column missing",
            Location(file=str(path), line=1, field=missing[0]),
            expected=f"columns {', '.join(columns)}",
        )


def read_dictionary(raw_dir: Path, encoding: str = "utf-8") -> pd.DataFrame:
    """``data_dictionary.csv``: FORM, FIELD, LABEL, TYPE, CODELIST (all text)."""
    path = raw_dir / DICTIONARY_FILE
    frame = read_text(path, encoding)
    _require(frame, DICTIONARY_COLUMNS, path)
    return frame


def read_codelists(raw_dir: Path, encoding: str = "utf-8") -> pd.DataFrame:
    """``codelists.csv``: CODELIST, CODE, DECODE (all text)."""
    path = raw_dir / CODELISTS_FILE
    frame = read_text(path, encoding)
    _require(frame, CODELIST_COLUMNS, path)
    return frame


def read_form_titles(raw_dir: Path, encoding: str = "utf-8") -> dict[str, str]:
    """``forms.csv``: form -> its title as the CRF shows it; an export without the file has no titles (``{}``)."""
    path = raw_dir / FORMS_FILE
    if not path.is_file():
        return {}
    frame = read_text(path, encoding)
    _require(frame, FORM_COLUMNS, path)
    return dict(zip(frame["FORM"], frame["LABEL"], strict=True))


def read_form(raw_dir: Path, form: str, encoding: str = "utf-8") -> pd.DataFrame:
    """``<form>.csv`` with every column as text and ``RAWROW``; the dictionary's fields must all be there.

    A header-only form gives an empty frame with the columns (the caller reports it; it stays in the counts)."""
    path = raw_dir / f"{form}.csv"
    dictionary = read_dictionary(raw_dir, encoding)
    fields = dictionary.loc[dictionary["FORM"] == form, "FIELD"].tolist()
    if not fields:
        raise InputError(
            f"form {form} is not in {DICTIONARY_FILE}",
            Location(file=str(raw_dir / DICTIONARY_FILE), field="FORM"),
            expected=f"rows describing the fields of {path.name}",
        )
    frame = read_text(path, encoding)
    _require(frame, fields, path)
    frame[RAWROW] = range(1, len(frame) + 1)
    return frame
