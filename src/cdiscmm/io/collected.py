"""Read collected CSVs as the EDC exported them: every column as text, empty stays empty, RAWROW added.

RAWROW is the 1-based data row of the CSV (header not counted), the row number lineage and the defect
manifest use. A column the data dictionary lists for the form but the file lacks is an InputError.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cdiscmm.core.errors import InputError, Location

RAWROW = "RAWROW"
#: The export's data dictionary (one row per form field) and its collected codelists.
DICTIONARY_FILE = "data_dictionary.csv"
CODELISTS_FILE = "codelists.csv"
DICTIONARY_COLUMNS: tuple[str, ...] = ("FORM", "FIELD", "LABEL", "TYPE", "CODELIST")
CODELIST_COLUMNS: tuple[str, ...] = ("CODELIST", "CODE", "DECODE")


def _read_text(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputError("file not found", Location(file=str(path)))
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")


def _require(frame: pd.DataFrame, columns: list[str] | tuple[str, ...], path: Path) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise InputError(
            "column missing", Location(file=str(path), field=missing[0]), expected=f"columns {', '.join(columns)}"
        )


def read_dictionary(raw_dir: Path) -> pd.DataFrame:
    """``data_dictionary.csv``: FORM, FIELD, LABEL, TYPE, CODELIST (all text)."""
    path = raw_dir / DICTIONARY_FILE
    frame = _read_text(path)
    _require(frame, DICTIONARY_COLUMNS, path)
    return frame


def read_codelists(raw_dir: Path) -> pd.DataFrame:
    """``codelists.csv``: CODELIST, CODE, DECODE (all text)."""
    path = raw_dir / CODELISTS_FILE
    frame = _read_text(path)
    _require(frame, CODELIST_COLUMNS, path)
    return frame


def read_form(raw_dir: Path, form: str) -> pd.DataFrame:
    """``<form>.csv`` with every column as text and ``RAWROW``; the dictionary's fields must all be there."""
    path = raw_dir / f"{form}.csv"
    dictionary = read_dictionary(raw_dir)
    fields = dictionary.loc[dictionary["FORM"] == form, "FIELD"].tolist()
    if not fields:
        raise InputError(f"form {form} is not in {DICTIONARY_FILE}", Location(file=str(raw_dir / DICTIONARY_FILE)))
    frame = _read_text(path)
    _require(frame, fields, path)
    frame[RAWROW] = range(1, len(frame) + 1)
    return frame
