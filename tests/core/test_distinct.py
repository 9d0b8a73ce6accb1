"""compute_on_distinct gives exactly what the column function gives on the whole columns."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cdiscmm.core.distinct import compute_on_distinct
from cdiscmm.core.iso8601 import compute_dtc_bounds, compute_dtc_date, parse_iso8601


def _pair(left: pd.Series, right: pd.Series) -> tuple[pd.Series, pd.DataFrame]:
    joined = left.fillna("?") + "|" + right.fillna("?")
    return joined, pd.DataFrame({"LEN": joined.str.len(), "LEFT": left})


def test_rows_come_back_in_place_with_index_and_dtypes() -> None:
    left = pd.Series(["a", "b", "a", None, "a"], index=[10, 11, 12, 13, 14], dtype="string")
    right = pd.Series(["x", "x", "x", "y", None], index=[10, 11, 12, 13, 14], dtype="string")
    joined, frame = compute_on_distinct(_pair, left, right)
    assert joined.tolist() == ["a|x", "b|x", "a|x", "?|y", "a|?"]
    assert joined.index.tolist() == [10, 11, 12, 13, 14]
    assert frame["LEN"].tolist() == [3, 3, 3, 3, 3]
    assert frame["LEFT"].dtype == "string"


def test_empty_columns() -> None:
    empty = pd.Series([], dtype="string")
    assert compute_on_distinct(compute_dtc_date, empty).empty


_ISO = st.one_of(
    st.none(),
    st.sampled_from(["2024-03-12", "2024-03", "2024", "2003---15", "2024-02-30", "x", "", "2024-03-12T14:30"]),
    st.dates().map(lambda day: day.isoformat()),
)


@settings(deadline=None, max_examples=40)
@given(st.lists(_ISO, min_size=1, max_size=12))
def test_iso8601_per_distinct_value_equals_per_row(values: list[str | None]) -> None:
    series = pd.Series(values, dtype="string")
    rows = [series.iloc[[i]] for i in range(len(series))]
    pd.testing.assert_frame_equal(parse_iso8601(series), pd.concat([parse_iso8601(row) for row in rows]))
    pd.testing.assert_series_equal(compute_dtc_date(series), pd.concat([compute_dtc_date(row) for row in rows]))
    low, high = compute_dtc_bounds(series)
    pd.testing.assert_series_equal(low, pd.concat([compute_dtc_bounds(row)[0] for row in rows]))
    pd.testing.assert_series_equal(high, pd.concat([compute_dtc_bounds(row)[1] for row in rows]))
