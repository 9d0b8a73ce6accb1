"""What the written data say about a variable: Define-XML DataType, Length, SignificantDigits and DisplayFormat.

Rules (Define-XML 2.1 specification §4.3.1 and §5.3.9; FDA Study Data TCG §4.1.1.2 lengths):
- a numeric variable with a SAS date/datetime/time display format is ``date``/``datetime``/``time`` and keeps
  the format as def:DisplayFormat; no Length;
- other numerics are ``integer`` when every value is whole (Length = most digits, sign included), else ``float``
  (SignificantDigits = most decimals, after rounding to :data:`MAX_DECIMALS`; Length = most whole digits plus
  SignificantDigits, the width every value fits in);
- a character ``--DTC`` is ``date``/``datetime`` when every value is complete, ``partialDate``/``partialDatetime``
  otherwise; ``--DUR`` is ``durationDatetime``; no Length for them;
- every other character variable is ``text`` with Length = the longest value in bytes (at least 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cdiscmm.metadata.model import VariableMeta

#: Decimals beyond this are IBM/IEEE conversion noise of an XPT round trip, not data.
MAX_DECIMALS = 8
_COMPLETE_DATE = r"^\d{4}-\d{2}-\d{2}$"
_COMPLETE_DATETIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"
#: SAS display format prefixes -> Define-XML DataType (SAS 9.4 Formats: date, datetime and time families).
_FORMAT_TYPES = (("DATETIME", "datetime"), ("E8601DT", "datetime"), ("TIME", "time"), ("E8601TM", "time"))
_DATE_FORMATS = ("DATE", "YYMMDD", "E8601DA", "MMDDYY", "DDMMYY")


@dataclass(frozen=True)
class Shape:
    """The ItemDef attributes the data decide."""

    data_type: str
    length: int | None = None
    significant_digits: int | None = None
    display_format: str | None = None


def _numeric_type(display_format: str | None) -> str | None:
    upper = (display_format or "").upper()
    for prefix, data_type in _FORMAT_TYPES:
        if upper.startswith(prefix):
            return data_type
    return "date" if upper.startswith(_DATE_FORMATS) else None


def _decimals(values: np.ndarray) -> np.ndarray:
    """The number of decimals each value needs (0..MAX_DECIMALS), vectorised over the values."""
    needed = np.full(values.shape, MAX_DECIMALS)
    for places in range(MAX_DECIMALS, -1, -1):
        exact = np.abs(np.round(values, places) - values) <= 1e-9 * np.maximum(1.0, np.abs(values))
        needed = np.where(exact, places, needed)
    return needed


def _numeric_shape(column: pd.Series, variable: VariableMeta) -> Shape:
    data_type = _numeric_type(variable.display_format)
    if data_type is not None:
        return Shape(data_type, display_format=variable.display_format)
    values = pd.to_numeric(column, errors="coerce").dropna().to_numpy(dtype="float64")
    values = np.round(values, MAX_DECIMALS)
    if values.size == 0:
        return Shape("integer", length=1)
    decimals = _decimals(values)
    whole_digits = np.floor(np.log10(np.maximum(np.abs(np.trunc(values)), 1.0))).astype(int) + 1
    signs = (values < 0).astype(int)
    if decimals.max() == 0:
        return Shape("integer", length=int((whole_digits + signs).max()))
    # the w.d that fits every value: the most whole digits (sign included) plus the most decimals
    return Shape(
        "float", length=int((whole_digits + signs).max() + decimals.max()), significant_digits=int(decimals.max())
    )


def _text(column: pd.Series) -> pa.Array:
    """The non-empty values of a character column as one Arrow string array (vectorised, no per-value Python)."""
    text = pa.array(column.astype("string").fillna(""), type=pa.large_string())
    return text.filter(pc.not_equal(text, ""))


def _character_shape(column: pd.Series, name: str) -> Shape:
    text = _text(column)
    if name.endswith("DTC") and len(text):
        if pc.all(pc.match_substring_regex(text, _COMPLETE_DATE)).as_py():
            return Shape("date")
        if pc.all(pc.match_substring_regex(text, _COMPLETE_DATETIME)).as_py():
            return Shape("datetime")
        return Shape("partialDatetime" if pc.any(pc.match_substring(text, "T")).as_py() else "partialDate")
    if name.endswith("DUR") and len(text) and pc.all(pc.starts_with(text, "P")).as_py():
        return Shape("durationDatetime")
    # byte length of the UTF-8 value (Define-XML Length of text is in bytes, as XPT stores it)
    longest = pc.max(pc.binary_length(text)).as_py() if len(text) else 1
    return Shape("text", length=max(int(longest), 1))


def shape_of(column: pd.Series, variable: VariableMeta) -> Shape:
    """The Define-XML shape of ``column``, the written values of ``variable`` (see the module docstring)."""
    if variable.type == "Num":
        if pd.api.types.is_datetime64_any_dtype(column):
            return Shape(_numeric_type(variable.display_format) or "date", display_format=variable.display_format)
        return _numeric_shape(column, variable)
    return _character_shape(column, variable.name)
