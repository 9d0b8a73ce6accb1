"""Consistency findings on hand-built mapped records; expected findings worked out by hand."""

from __future__ import annotations

import pandas as pd

from cdiscmm.sdtm.assemble import FORM_COLUMN, ROW
from cdiscmm.sdtm.consistency import check_end_not_before_start


def test_end_certainly_before_start_is_a_finding_and_partial_overlaps_are_not() -> None:
    frame = pd.DataFrame(
        {
            "AESTDTC": ["2025-07-26", "2024-03-15", "2024-03", "2024-05-01T10:00", None],
            "AEENDTC": ["2025-07-06", "2024-03", "2024-03-02", "2024-05-01T09:00", "2024-01-01"],
            FORM_COLUMN: ["ae", "ae", "ae", "crs", "ae"],
            ROW: [4, 5, 6, 7, 8],
        }
    )
    # row 4: 6 July < 26 July → finding. Row 5: March 2024 may end after the 15th → none. Row 6: a start in March
    # may be on the 1st → none. Row 7: 09:00 before 10:00 on the same day → finding. Row 8: no start → none.
    events = check_end_not_before_start(frame, "AE", "S")
    assert events[["FORM", "ROW", "FIELD", "RULE", "KIND"]].values.tolist() == [
        ["ae", 4, "AEENDTC", "end_before_start", "finding"],
        ["crs", 7, "AEENDTC", "end_before_start", "finding"],
    ]
    assert events.loc[0, "REASON"] == (
        "AEENDTC 2025-07-06 is before AESTDTC 2025-07-26; submitted as collected, query the site"
    )


def test_domain_without_both_dates_gives_no_finding() -> None:
    assert check_end_not_before_start(pd.DataFrame({"LBDTC": ["2024-01-01"]}), "LB", "S").empty


def test_death_cause_and_fatal_adverse_events_are_reconciled() -> None:
    """A: cause ADVERSE EVENT and a fatal AE → nothing. B: cause ADVERSE EVENT, no fatal AE → DD finding.
    C: cause PROGRESSIVE DISEASE but a fatal AE → AE finding. D: unreadable cause (null) → nothing."""
    from cdiscmm.sdtm.consistency import check_death_consistency

    dd = pd.DataFrame(
        {
            "USUBJID": ["A", "B", "C", "D"],
            "DDRESCAT": ["ADVERSE EVENT", "ADVERSE EVENT", "PROGRESSIVE DISEASE", None],
            FORM_COLUMN: "dth",
            ROW: [1, 2, 3, 4],
        }
    )
    ae = pd.DataFrame(
        {
            "USUBJID": ["A", "B", "C", "D"],
            "AEOUT": ["FATAL", "RECOVERED/RESOLVED", "FATAL", "FATAL"],
            FORM_COLUMN: "ae",
            ROW: [10, 11, 12, 13],
        }
    )
    events = check_death_consistency({"DD": dd, "AE": ae}, "S")
    assert events[["FORM", "ROW", "DOMAIN", "FIELD", "KIND"]].values.tolist() == [
        ["dth", 2, "DD", "DDRESCAT", "finding"],
        ["ae", 12, "AE", "AEOUT", "finding"],
    ]
