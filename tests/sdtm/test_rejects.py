"""Rejects and reconciliation: duplicates, read = mapped + rejected, an unexplained row is an engine bug."""

from __future__ import annotations

import pandas as pd
import pytest

from cdiscmm.sdtm.rejects import ReconciliationError, empty_events, make_events, reconcile, reject_duplicates


def test_exact_duplicates_name_the_first_row() -> None:
    raw = pd.DataFrame({"RAWROW": [1, 2, 3, 4], "A": ["x", "y", "x", "x"], "B": ["1", "1", "1", "2"]})
    unique, events = reject_duplicates("S", "ae", raw)
    assert list(unique["RAWROW"]) == [1, 2, 4]
    assert events[["ROW", "REASON", "RULE"]].values.tolist() == [[3, "exact duplicate of row 1", "duplicate"]]


def events_for(rows: list[int], rule: str, kind: str, domain: str = "AE") -> pd.DataFrame:
    problems = pd.DataFrame({"FIELD": "F", "VALUE": "v", "RULE": rule, "REASON": f"{rule} reason"}, index=rows)
    return make_events("S", "ae", domain, pd.Series(rows), problems, kind)


def test_reconcile_counts_each_row_once() -> None:
    read = {"ae": pd.Series([1, 2, 3, 4, 5])}
    mapped = pd.DataFrame({"FORM": ["ae", "ae", "ae"], "ROW": [1, 2, 2]})  # row 2 feeds two domains
    events = pd.concat(
        [
            events_for([3], "invalid_date", "reject"),
            events_for([4], "condition", "exclude"),
            events_for([1], "condition", "exclude", "CE"),  # excluded from CE but mapped to AE: not a reject
            events_for([2], "invalid_date", "reject", "CE"),  # mapped to AE, rejected from CE: partly rejected
            events_for([5], "not_in_codelist", "finding"),
            events_for([5], "invalid_date", "reject"),
        ]
    )
    rejects, issues, table = reconcile("S", read, mapped, events)
    row = table.iloc[0]
    assert (row["ROWS_READ"], row["ROWS_MAPPED"], row["ROWS_REJECTED"], row["ROWS_PARTLY_REJECTED"]) == (5, 2, 3, 1)
    assert (row["invalid_date"], row["condition"], row["duplicate"]) == (2, 1, 0)
    assert sorted(rejects["ROW"]) == [2, 3, 4, 5]
    assert list(issues["ROW"]) == [5]


def test_reconcile_raises_when_a_row_is_lost() -> None:
    with pytest.raises(ReconciliationError, match="ae row 2"):
        reconcile("S", {"ae": pd.Series([1, 2])}, pd.DataFrame({"FORM": ["ae"], "ROW": [1]}), empty_events())


def test_header_only_form_stays_in_reconciliation_with_zero_rows() -> None:
    """Issue #9: a form read with no rows dropped out of reconciliation.csv without a word."""
    read = {"ae": pd.Series([1]), "cm": pd.Series([], dtype="int64")}
    _, _, table = reconcile("S", read, pd.DataFrame({"FORM": ["ae"], "ROW": [1]}), empty_events())
    assert table[["FORM", "ROWS_READ", "ROWS_MAPPED", "ROWS_REJECTED"]].values.tolist() == [
        ["ae", 1, 1, 0],
        ["cm", 0, 0, 0],
    ]
