"""DataType, Length and SignificantDigits from written values: hand-written columns and what Define-XML says."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdiscmm.define.shapes import Shape, measure, shape_of, stored_text_measure
from cdiscmm.metadata.model import VariableMeta


def _variable(name: str, type_: str, display_format: str | None = None) -> VariableMeta:
    return VariableMeta(name=name, label=name, type=type_, order=1, display_format=display_format)


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        ("AETERM", ["Headache", "", "Nausée"], Shape("text", length=8)),  # é is 2 bytes: 7 characters, 8 bytes
        ("AETERM", ["", ""], Shape("text", length=1)),  # an empty column still has length 1
        ("AETERM", ["发热", None, "ab"], Shape("text", length=6)),  # 3 bytes per CJK character in UTF-8; None is empty
        ("AESTDTC", ["2024-01-02", "2024-01-02x"], Shape("partialDate")),  # a complete date is the whole value
        ("AESTDTC", ["2024-01-02", "2024-02-03"], Shape("date")),
        ("AESTDTC", ["2024-01-02T10:00", "2024-02-03T11:30:05"], Shape("datetime")),
        ("AESTDTC", ["2024-01-02", "2024-02"], Shape("partialDate")),
        ("AESTDTC", ["2024-01-02T10:00", "2024-02"], Shape("partialDatetime")),
        ("AEDUR", ["P3D", "PT2H"], Shape("durationDatetime")),
    ],
)
def test_character_shapes(name: str, values: list[str], expected: Shape) -> None:
    assert shape_of(pd.Series(values), _variable(name, "Char")) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.0, 12.0, np.nan], Shape("integer", length=2)),
        ([-105.0, 3.0], Shape("integer", length=4)),  # the sign counts
        ([1.25, 12.5, 3.0], Shape("float", length=4, significant_digits=2)),  # 12.50 -> 2 + 2 digits
        ([0.1 + 0.2], Shape("float", length=2, significant_digits=1)),  # 0.30000000000000004 is 0.3
        ([np.nan], Shape("integer", length=1)),
    ],
)
def test_numeric_shapes(values: list[float], expected: Shape) -> None:
    assert shape_of(pd.Series(values, dtype="float64"), _variable("AVAL", "Num")) == expected


@pytest.mark.parametrize(
    ("display_format", "expected"),
    [("DATE9.", "date"), ("DATETIME20.", "datetime"), ("TIME8.", "time"), ("E8601DA.", "date")],
)
def test_formatted_numerics_are_dates_without_length(display_format: str, expected: str) -> None:
    values = pd.Series(pd.to_datetime(["2024-01-02", None]))
    assert shape_of(values, _variable("ADT", "Num", display_format)) == Shape(expected, display_format=display_format)


@pytest.mark.parametrize(
    "values",
    [
        [b"Headache  ", b"          ", b"Naus\xc3\xa9e   "],  # blank padded; an empty value; 2 bytes for one é
        [b"  a b     ", b"\xe5\x8f\x91\xe7\x83\xad\x00\x00\x00\x00", b"x         "],  # leading blanks kept; NULs
        [b"          ", b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"],  # no value at all
        [b"0123456789"],  # the whole stored length
    ],
)
def test_stored_text_is_measured_as_its_decoded_values(values: list[bytes]) -> None:
    """Records of 13 bytes: 2 bytes before the 10 of the text, 1 after; the bytes stand for the decoded values
    (trailing blanks and NULs stripped, UTF-8)."""
    stored = np.frombuffer(b"".join(b"XY" + value + b"Z" for value in values), dtype=np.uint8).reshape(-1, 13)
    decoded = pd.Series([value.rstrip(b" \x00").decode("utf-8") for value in values])
    expected = measure(decoded, _variable("AETERM", "Char"))
    assert stored_text_measure(stored[:, 2:12]) == expected
    assert stored_text_measure(stored[:0, 2:12]) == measure(decoded[:0], _variable("AETERM", "Char"))
