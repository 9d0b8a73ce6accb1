"""The fixed-width fast path of ISO 8601 parsing gives exactly what the pattern alone gives."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdiscmm.core.iso8601 import _ISO_PATTERN, parse_iso8601


def _pattern_only(values: pd.Series) -> pd.DataFrame:
    parts = values.astype("string").str.extract(_ISO_PATTERN)
    return parts.mask(parts == "-").astype("string")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-12T14:30:05", ["2024", "03", "12", "14", "30", "05"]),
        ("2024-03-12T14:30", ["2024", "03", "12", "14", "30", None]),
        ("2024-03", ["2024", "03", None, None, None, None]),
        ("2003---15", ["2003", None, "15", None, None, None]),  # unknown month inside the value
        ("2024T10", ["2024", None, None, "10", None, None]),  # time after a year only: not fixed width
        ("2024-03-12T14:30:05.123", [None] * 6),  # fractions are not SDTM precision
        ("2024-3-12", [None] * 6),
    ],
)
def test_components(value: str, expected: list[str | None]) -> None:
    parts = parse_iso8601(pd.Series([value]))
    assert [None if pd.isna(part) else part for part in parts.iloc[0]] == expected


_PIECE = st.sampled_from(["2024", "-03", "-12", "T14", ":30", ":05", "-", "T", ":", "--", "x", " ", "3"])


@settings(deadline=None, max_examples=60)
@given(st.lists(st.lists(_PIECE, max_size=7).map("".join), min_size=1, max_size=20))
def test_fast_path_equals_pattern(values: list[str]) -> None:
    series = pd.Series(values)
    pd.testing.assert_frame_equal(parse_iso8601(series), _pattern_only(series))
