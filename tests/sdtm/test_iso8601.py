"""ISO 8601 at the collected precision: hand-built cases and round-trip properties."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdiscmm.core.iso8601 import (
    COMPONENTS,
    compute_dtc_bounds,
    compute_dtc_date,
    format_iso8601,
    parse_iso8601,
)
from cdiscmm.sdtm.iso8601 import compute_iso8601


@pytest.mark.parametrize(
    ("date", "time", "iso", "problem"),
    [
        ("12 MAR 2024", "14:30", "2024-03-12T14:30", None),
        ("12 MAR 2024", "", "2024-03-12", None),
        ("UN MAR 2024", "", "2024-03", None),
        ("UN UNK 2019", "", "2019", None),
        ("UN UNK UNKN", "", None, None),
        ("12 mar 2024", "", "2024-03-12", None),  # lowercase month
        ("  12   MAR  2024 ", " 9:05 ", "2024-03-12T09:05", None),  # extra spaces, one-digit hour
        ("29 FEB 2024", "", "2024-02-29", None),  # leap year
        ("29 FEB 2023", "", None, "not a calendar date"),
        ("31 FEB 2024", "", None, "not a calendar date"),
        ("12 XYZ 2024", "", None, "unparsable date"),
        ("yesterday", "", None, "unparsable date"),
        ("12 MAR 2024", "25:00", None, "unparsable time"),
        ("12 UNK 2024", "", "2024---12", None),  # SDTMIG §4.4.4: missing inner component is a hyphen
        ("12 MAR 2024", "14:UN", "2024-03-12T14", None),
        ("", "", None, None),
    ],
)
def test_compute_iso8601_edc_dates(date: str, time: str, iso: str | None, problem: str | None) -> None:
    values, problems = compute_iso8601(pd.Series([date]), pd.Series([time]))
    assert (None if pd.isna(values[0]) else values[0]) == iso
    assert (None if pd.isna(problems[0]) else problems[0]) == problem


@pytest.mark.parametrize(
    ("date", "date_format", "iso"),
    [
        ("2024-03-12", "YYYY-MM-DD", "2024-03-12"),
        ("2024-03", "YYYY-MM-DD", "2024-03"),
        ("2024-UN-UN", "YYYY-MM-DD", "2024"),
        ("12/03/2024", "DD/MM/YYYY", "2024-03-12"),
        ("UN/03/2024", "DD/MM/YYYY", "2024-03"),
    ],
)
def test_compute_iso8601_other_layouts(date: str, date_format: str, iso: str) -> None:
    values, problems = compute_iso8601(pd.Series([date]), date_format=date_format)
    assert values[0] == iso and pd.isna(problems[0])


def test_sdtmig_partial_examples_parse_and_format_back() -> None:
    examples = pd.Series(["2003-12-15T13:-:17", "2003-12-15T-:15", "2003---15", "--12-15", "-----T07:15", "2003"])
    assert list(format_iso8601(parse_iso8601(examples))) == list(examples)


def test_compute_dtc_date_is_null_for_partial_dates() -> None:
    dates = compute_dtc_date(pd.Series(["2024-03-12T10:00", "2024-03", None]))
    assert dates[0] == pd.Timestamp("2024-03-12") and dates[1:].isna().all()


def test_compute_dtc_bounds_of_a_partial_month() -> None:
    low, high = compute_dtc_bounds(pd.Series(["2024-02"]))
    assert low[0] == pd.Timestamp("2024-02-01") and high[0] == pd.Timestamp("2024-02-29 23:59:59")


_component = {
    "year": st.integers(1900, 2100).map(lambda v: f"{v:04d}"),
    "month": st.integers(1, 12).map(lambda v: f"{v:02d}"),
    "day": st.integers(1, 28).map(lambda v: f"{v:02d}"),
    "hour": st.integers(0, 23).map(lambda v: f"{v:02d}"),
    "minute": st.integers(0, 59).map(lambda v: f"{v:02d}"),
    "second": st.integers(0, 59).map(lambda v: f"{v:02d}"),
}
components = st.fixed_dictionaries({name: st.one_of(st.none(), _component[name]) for name in COMPONENTS}).filter(
    lambda parts: any(value is not None for value in parts.values())
)


@given(components)
def test_format_then_parse_round_trips_full_and_partial_values(parts: dict[str, str | None]) -> None:
    frame = pd.DataFrame([parts], dtype="string")
    text = format_iso8601(frame)
    again = parse_iso8601(text)
    last = max(i for i, name in enumerate(COMPONENTS) if parts[name] is not None)
    expected = {name: (parts[name] if i <= last else None) for i, name in enumerate(COMPONENTS)}
    assert {name: (None if pd.isna(again.loc[0, name]) else again.loc[0, name]) for name in COMPONENTS} == expected
    assert format_iso8601(again)[0] == text[0]


@given(
    st.dates(min_value=pd.Timestamp("1900-01-01").date(), max_value=pd.Timestamp("2100-12-31").date()),
    st.sampled_from(["full", "month", "year"]),
)
def test_edc_date_keeps_collected_precision(day: object, precision: str) -> None:
    stamp = pd.Timestamp(day)
    collected = {
        "full": stamp.strftime("%d %b %Y").upper(),
        "month": "UN " + stamp.strftime("%b %Y").upper(),
        "year": "UN UNK " + stamp.strftime("%Y"),
    }[precision]
    expected = {"full": stamp.strftime("%Y-%m-%d"), "month": stamp.strftime("%Y-%m"), "year": stamp.strftime("%Y")}
    values, problems = compute_iso8601(pd.Series([collected]))
    assert values[0] == expected[precision] and pd.isna(problems[0])
