"""Render a clean form the way the EDC exports it: every value as text.

Dates ``DD MON YYYY`` (upper-case English month), times ``HH:MM``, integers without decimals, floats with at
most three decimals and no trailing zeros, codes and text as they are; missing values are empty. Values are
formatted once per distinct value (factorised), so millions of rows render in seconds.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from cdiscmm.simulate.forms import FieldType, Form

MONTHS: tuple[str, ...] = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
MONTH_NUMBER = {name: number for number, name in enumerate(MONTHS, start=1)}


def _by_distinct(values: pd.Series, format_one: Callable[[object], str]) -> np.ndarray:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    formatted = np.array([*(format_one(value) for value in uniques), ""], dtype=object)
    return formatted[codes]


def _date(value: object) -> str:
    stamp = pd.Timestamp(value)
    return f"{stamp.day:02d} {MONTHS[stamp.month - 1]} {stamp.year:04d}"


def _time(value: object) -> str:
    stamp = pd.Timestamp(value)
    return f"{stamp.hour:02d}:{stamp.minute:02d}"


def _float(value: object) -> str:
    text = f"{float(value):.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _integer(value: object) -> str:
    return str(int(value))


def _text(values: pd.Series) -> np.ndarray:
    return values.astype(object).where(values.notna(), "").astype(str).to_numpy(dtype=object)


RENDERERS: dict[FieldType, Callable[[pd.Series], np.ndarray]] = {
    "date": lambda values: _by_distinct(pd.to_datetime(values).dt.floor("D"), _date),
    "time": lambda values: _by_distinct(pd.to_datetime(values).dt.floor("min"), _time),
    "float": lambda values: _by_distinct(pd.to_numeric(values), _float),
    "integer": lambda values: _by_distinct(pd.to_numeric(values), _integer),
    "text": _text,
    "code": _text,
}


def render_frame(form: Form, data: pd.DataFrame) -> pd.DataFrame:
    """``data`` (columns of ``form``'s fields, possibly with extra internal columns) with every field as text."""
    out = data.copy()
    for field in form.fields:
        out[field.name] = RENDERERS[field.type](data[field.name])
    return out


def format_date(days: np.ndarray) -> np.ndarray:
    """Epoch days as ``DD MON YYYY`` text."""
    return _by_distinct(pd.Series(pd.to_datetime(days, unit="D")), _date)


def parse_date(text: pd.Series) -> np.ndarray:
    """Complete ``DD MON YYYY`` text as epoch days (float; NaN when partial or empty)."""
    parts = text.str.extract(r"^(\d{2}) ([A-Z]{3}) (\d{4})$")
    month = parts[1].map(MONTH_NUMBER)
    stamp = pd.to_datetime(
        {"year": pd.to_numeric(parts[2]), "month": month, "day": pd.to_numeric(parts[0])}, errors="coerce"
    )
    return ((stamp - pd.Timestamp("1970-01-01")).dt.days).to_numpy(dtype=float)
