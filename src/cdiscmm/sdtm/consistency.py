"""Consistency findings on mapped records: facts the data contradict, reported for a query, never changed.

Each check returns events (``issues.csv`` findings naming form, row and variable); the records stay as collected,
since SDTM submits what was collected and a contradiction is resolved at the site, not by the programmer.
"""

from __future__ import annotations

import pandas as pd

from cdiscmm.sdtm.assemble import FORM_COLUMN, ROW
from cdiscmm.sdtm.iso8601 import compute_dtc_bounds
from cdiscmm.sdtm.rejects import make_events


def check_end_not_before_start(frame: pd.DataFrame, domain: str, studyid: str) -> pd.DataFrame:
    """A finding for each record whose --ENDTC is certainly before its --STDTC (SDTMIG 3.4 §4.4.4; the
    Pinnacle 21 / CDISC CORE rule "start date must be before or equal to end date").

    Partial dates are compared by the instants they can mean: only an end whose latest possible instant comes
    before the start's earliest possible instant is reported (``2024-03`` against ``2024-03-15`` is no finding).
    """
    start, end = f"{domain}STDTC", f"{domain}ENDTC"
    if start not in frame or end not in frame or frame.empty:
        return pd.DataFrame()
    start_low, _ = compute_dtc_bounds(frame[start])
    _, end_high = compute_dtc_bounds(frame[end])
    wrong = (end_high < start_low).fillna(False).astype(bool)
    if not wrong.any():
        return pd.DataFrame()
    rows = frame.loc[wrong]
    problems = pd.DataFrame(
        {
            "FIELD": end,
            "VALUE": rows[end].astype("object"),
            "RULE": "end_before_start",
            "REASON": end
            + " "
            + rows[end].astype(str)
            + " is before "
            + start
            + " "
            + rows[start].astype(str)
            + "; submitted as collected, query the site",
        },
        index=rows.index,
    )
    return pd.concat(
        [
            make_events(studyid, form, domain, part[ROW], problems.loc[part.index], "finding")
            for form, part in rows.groupby(FORM_COLUMN)
        ],
        ignore_index=True,
    )
