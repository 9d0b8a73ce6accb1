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

Each rule reads a maximum, a count, an "every value" or a "some value" of the values, so the data are measured as
:class:`Measure`s of any runs of records, merged (:meth:`Measure.merge`) into the measure of all of them: a
dataset is measured block by block, the same as whole.
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


@dataclass(frozen=True)
class Measure:
    """What the shape rules read of some values of a variable; two runs of records merge into the measure of
    both (maxima, sums, "every" as and, "some" as or), so the merged measure of a dataset's blocks is its own.
    An empty run is the neutral measure: no values, every "every" true, every "some" false."""

    #: values measured: the non-missing numbers, the non-empty texts
    values: int = 0
    #: numbers: most whole digits, sign included; text: most UTF-8 bytes
    width: int = 0
    #: numbers: most decimals (after rounding to MAX_DECIMALS)
    decimals: int = 0
    #: texts: every value a complete date / a complete datetime / starts with P (an ISO 8601 duration)
    dates: bool = True
    datetimes: bool = True
    durations: bool = True
    #: texts: some value has a time part ('T')
    timed: bool = False
    #: the column is datetime64 (a numeric with a SAS date format, as read)
    datetime_column: bool = False

    def merge(self, other: Measure) -> Measure:
        """The measure of this measure's values and ``other``'s."""
        return Measure(
            values=self.values + other.values,
            width=max(self.width, other.width),
            decimals=max(self.decimals, other.decimals),
            dates=self.dates and other.dates,
            datetimes=self.datetimes and other.datetimes,
            durations=self.durations and other.durations,
            timed=self.timed or other.timed,
            datetime_column=self.datetime_column or other.datetime_column,
        )

    def shape(self, variable: VariableMeta) -> Shape:
        """The Define-XML shape of ``variable`` whose written values measure this (see the module docstring)."""
        if variable.type == "Num":
            formatted = _numeric_type(variable.display_format)
            if self.datetime_column or formatted is not None:
                return Shape(formatted or "date", display_format=variable.display_format)
            if self.values == 0:
                return Shape("integer", length=1)
            if self.decimals == 0:
                return Shape("integer", length=self.width)
            # the w.d that fits every value: the most whole digits (sign included) plus the most decimals
            return Shape("float", length=self.width + self.decimals, significant_digits=self.decimals)
        name = variable.name
        if name.endswith("DTC") and self.values:
            if self.dates:
                return Shape("date")
            if self.datetimes:
                return Shape("datetime")
            return Shape("partialDatetime" if self.timed else "partialDate")
        if name.endswith("DUR") and self.values and self.durations:
            return Shape("durationDatetime")
        # byte length of the UTF-8 value (Define-XML Length of text is in bytes, as XPT stores it)
        return Shape("text", length=max(self.width, 1))


#: The merge of no measures.
NOTHING = Measure()


def _numeric_measure(column: pd.Series) -> Measure:
    values = pd.to_numeric(column, errors="coerce").dropna().to_numpy(dtype="float64")
    values = np.round(values, MAX_DECIMALS)
    if values.size == 0:
        return NOTHING
    whole_digits = np.floor(np.log10(np.maximum(np.abs(np.trunc(values)), 1.0))).astype(int) + 1
    signs = (values < 0).astype(int)
    width, decimals = int((whole_digits + signs).max()), int(_decimals(values).max())
    return Measure(values=int(values.size), width=width, decimals=decimals)


def _text(column: pd.Series) -> pa.Array:
    """The non-empty values of a character column as one Arrow string array (vectorised, no per-value Python)."""
    text = pa.array(column.astype("string").fillna(""), type=pa.large_string())
    return text.filter(pc.not_equal(text, ""))


def _character_measure(column: pd.Series, name: str) -> Measure:
    text = _text(column)
    if not len(text):
        return NOTHING
    dates = datetimes = durations = True
    timed = False
    if name.endswith("DTC"):
        dates = pc.all(pc.match_substring_regex(text, _COMPLETE_DATE)).as_py()
        # a complete date is no complete datetime and has no time part
        datetimes = not dates and pc.all(pc.match_substring_regex(text, _COMPLETE_DATETIME)).as_py()
        timed = datetimes or (not dates and pc.any(pc.match_substring(text, "T")).as_py())
    if name.endswith("DUR"):
        durations = pc.all(pc.starts_with(text, "P")).as_py()
    longest = pc.max(pc.binary_length(text)).as_py()
    return Measure(len(text), int(longest), 0, dates, datetimes, durations, timed)


def stored_text_measure(stored: np.ndarray) -> Measure:
    """What the shape rules read of a character variable that is neither --DTC nor --DUR, from the (n, length)
    uint8 bytes of n records as the XPT file stores them: the same as :func:`measure` of those values decoded,
    without decoding them. A value is its bytes without trailing blanks and NULs (as the reader strips them), so
    it is empty when only those are left, and its UTF-8 length is the stored length up to its last other byte."""
    rows, length = stored.shape
    if not rows or not length:
        return NOTHING
    values = stored.view(f"S{length}")[:, 0].copy()  # one fixed-width item a record, contiguous
    values.view(np.uint8)[values.view(np.uint8) == ord(" ")] = 0  # a fixed-width item ends at its last non-NUL
    lengths = np.strings.str_len(values)
    count = int(np.count_nonzero(lengths))
    return Measure(values=count, width=int(lengths.max())) if count else NOTHING


def measure(column: pd.Series, variable: VariableMeta) -> Measure:
    """What the shape rules read of ``column``, some or all written values of ``variable``."""
    if variable.type == "Num":
        if pd.api.types.is_datetime64_any_dtype(column):
            return Measure(datetime_column=True)
        if _numeric_type(variable.display_format) is not None:
            return NOTHING  # the format decides the shape
        return _numeric_measure(column)
    return _character_measure(column, variable.name)


def shape_of(column: pd.Series, variable: VariableMeta) -> Shape:
    """The Define-XML shape of ``column``, the written values of ``variable`` (see the module docstring)."""
    return measure(column, variable).shape(variable)
