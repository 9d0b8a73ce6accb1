"""Consistency findings on mapped records: facts the data contradict, reported for a query, never changed.

Each check returns events (``issues.csv`` findings naming form, row and variable); the records stay as collected,
since SDTM submits what was collected and a contradiction is resolved at the site, not by the programmer.
"""

from __future__ import annotations

import pandas as pd

from cdiscmm.core.iso8601 import compute_dtc_bounds
from cdiscmm.sdtm.assemble import FORM_COLUMN, ROW
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


def _findings(
    rows: pd.DataFrame, domain: str, field: str, values: pd.Series, reason: str, studyid: str
) -> pd.DataFrame:
    """Finding events for ``rows`` of one mapped domain (grouped by their source form)."""
    problems = pd.DataFrame(
        {"FIELD": field, "VALUE": values.astype("object"), "RULE": "death_inconsistent", "REASON": reason},
        index=rows.index,
    )
    return pd.concat(
        [
            make_events(studyid, form, domain, part[ROW], problems.loc[part.index], "finding")
            for form, part in rows.groupby(FORM_COLUMN)
        ]
        or [pd.DataFrame()],
        ignore_index=True,
    )


def check_death_consistency(frames: dict[str, pd.DataFrame], studyid: str) -> pd.DataFrame:
    """Findings where the death pages tell another story than the adverse events (reported for a query, data
    unchanged): a primary cause of death 'ADVERSE EVENT' (DD.DDRESCAT) without an AE whose outcome is FATAL, and a
    fatal AE (AEOUT 'FATAL') of a subject whose cause of death is not 'ADVERSE EVENT'. Both are routine
    pharmacovigilance reconciliation checks (death cause vs fatal SAE) that a reviewer of a safety study makes.
    """
    dd, ae = frames.get("DD"), frames.get("AE")
    if dd is None or ae is None or "DDRESCAT" not in dd or "AEOUT" not in ae:
        return pd.DataFrame()
    fatal_subjects = set(ae.loc[ae["AEOUT"].eq("FATAL").fillna(False).astype(bool), "USUBJID"])
    ae_cause = dd["DDRESCAT"].eq("ADVERSE EVENT").fillna(False).astype(bool)
    other_cause = set(dd.loc[dd["DDRESCAT"].notna() & ~ae_cause, "USUBJID"])
    no_fatal_ae = dd.loc[ae_cause & ~dd["USUBJID"].isin(fatal_subjects)]
    fatal_other = ae.loc[ae["AEOUT"].eq("FATAL").fillna(False).astype(bool) & ae["USUBJID"].isin(other_cause)]
    return pd.concat(
        [
            _findings(
                no_fatal_ae,
                "DD",
                "DDRESCAT",
                no_fatal_ae["DDRESCAT"],
                "cause of death ADVERSE EVENT but no adverse event with outcome FATAL; query the site",
                studyid,
            ),
            _findings(
                fatal_other,
                "AE",
                "AEOUT",
                fatal_other["AEOUT"],
                "adverse event with outcome FATAL but the primary cause of death is not ADVERSE EVENT; query the site",
                studyid,
            ),
        ],
        ignore_index=True,
    )
