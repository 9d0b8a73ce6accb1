"""What the verbs share: problem rows, collected text cleaning, DM values looked up by subject."""

from __future__ import annotations

import pandas as pd

from cdiscmm.sdtm.verbs.base import DomainContext, clean_text, problems_where


def as_list(values: pd.Series) -> list[object]:
    return [None if pd.isna(value) else value for value in values]


def test_problems_where_takes_reasons_of_every_row_or_of_the_reported_rows() -> None:
    values = pd.Series(["1", "x", "3", "y"], index=[10, 4, 7, 2], dtype="string")
    bad = pd.Series([False, True, False, True], index=values.index)
    every = problems_where(bad, "F", values, "rule", "bad " + values, reject=True)
    reported = problems_where(bad, "F", values, "rule", "bad " + values[bad], reject=True)
    assert list(every.index) == list(reported.index) == [4, 2]
    assert as_list(every["REASON"]) == as_list(reported["REASON"]) == ["bad x", "bad y"]
    assert as_list(reported["VALUE"]) == ["x", "y"]


def test_clean_text_trims_nulls_blanks_and_keeps_labels() -> None:
    values = pd.Series([" a ", "", None, "\u3000b", " \t"], index=[3, 1, 9, 0, 5], name="AETERM")
    cleaned = clean_text(values)
    assert as_list(cleaned) == ["a", None, None, "b", None]
    assert list(cleaned.index) == [3, 1, 9, 0, 5]
    assert cleaned.name == "AETERM"
    assert cleaned.dtype == "string"
    assert as_list(clean_text(pd.Series([1.5, None]))) == ["1.5", None]


def test_subject_values_by_subject_for_each_usubjid_column() -> None:
    dm = pd.DataFrame({"USUBJID": ["S-2", "S-1"], "RFSTDTC": ["2024-02-01", "2024-01-01"], "AGE": [70, 60]})
    context = DomainContext("AE", dm)
    first = pd.Series(["S-1", "S-9", "S-2", "S-1"], index=[5, 6, 7, 8], name="USUBJID", dtype="string")
    assert as_list(context.subject_values(first, "RFSTDTC")) == ["2024-01-01", None, "2024-02-01", "2024-01-01"]
    ages = context.subject_values(first, "AGE")
    assert list(ages.index) == [5, 6, 7, 8]
    assert as_list(ages) == [60, None, 70, 60]
    other = pd.Series(["S-2", "S-2"], dtype="string")  # another column: its own DM rows, not the first's
    assert as_list(context.subject_values(other, "AGE")) == [70, 70]
