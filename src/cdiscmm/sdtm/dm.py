"""DM rules that no single collected field gives: reference dates, death, arm variables, AGEU, one row per subject.

Sources (SDTMIG 3.4 DM specification and assumptions):
- RFSTDTC/RFENDTC, RFXSTDTC/RFXENDTC (first/last exposure), RFICDTC (informed consent), RFPENDTC (end of
  participation), DTHDTC come from the study design's reference-date rules (``study.yaml``): the first or last
  of candidate collected dates per subject (assumptions 8 and 9; for non-interventional studies "a different
  protocol milestone may be chosen" for RFSTDTC). Partial dates stay partial: candidates are ordered by the
  earliest (``first``) or latest (``last``) instant they can mean, a more complete value winning a tie.
- DTHFL = "Y" when the subject has a death record, else null (DM: DTHFL is Y or null; NY codelist C66742).
- Arm variables (assumption 4): ARM/ARMCD/ACTARM/ACTARMCD come from TA; "if ARMCD is null, ARM must be null
  and ARMNRS must be populated with the reason" (Arm Null Reason C142179). A non-interventional study assigns no
  treatment by protocol, so its design gives ``arm_null_reason: NOT ASSIGNED``; a single-arm design gives
  ``arm`` and subjects without exposure get ACTARMCD/ACTARM null with ARMNRS "ASSIGNED, NOT TREATED".
  ACTARMUD (unplanned actual arm) stays null: no planned arm can be departed from.
- AGEU = "YEARS" where AGE is known, null otherwise (AGEU C66781 qualifies AGE only).
"""

from __future__ import annotations

import pandas as pd

from cdiscmm.core.iso8601 import compute_dtc_bounds, compute_dtc_date
from cdiscmm.metadata.model import Dataset
from cdiscmm.metadata.study import Design, ReferenceDate
from cdiscmm.sdtm.iso8601 import compute_iso8601
from cdiscmm.sdtm.rejects import make_events
from cdiscmm.sdtm.verbs.base import clean_text
from cdiscmm.sdtm.verbs.condition import condition_add


def _candidates(rule: ReferenceDate, raws: dict[str, pd.DataFrame], studyid: str) -> pd.DataFrame:
    """USUBJID and ISO value of every candidate row (valid or unknown dates; invalid ones are left out)."""
    parts = []
    for source in rule.sources:
        raw = raws[source.form]
        selected = pd.Series(True, index=raw.index)
        for condition in source.condition_add:
            selected &= condition_add(raw, condition)
        rows = raw.loc[selected]
        time = rows[source.time] if source.time else None
        iso, problem = compute_iso8601(rows[source.date], time, source.format)
        parts.append(
            pd.DataFrame({"USUBJID": studyid + "-" + clean_text(rows[source.subject]), "DTC": iso}).loc[problem.isna()]
        )
    return pd.concat(parts, ignore_index=True).dropna(subset=["USUBJID"])


def compute_reference_date(rule: ReferenceDate, raws: dict[str, pd.DataFrame], studyid: str) -> pd.Series:
    """The first or last candidate date per USUBJID, kept at its collected precision.

    Complete dates decide (SDTMIG 3.4 DM assumption 8: RFSTDTC/RFXSTDTC is the date of first exposure, which a
    partial date cannot establish): the earliest (``first``) or latest (``last``) complete date is taken, and a
    partial date replaces it only when it is certainly earlier (``first``: its latest possible instant comes
    before) or certainly later (``last``: its earliest possible instant comes after). A subject with partial
    dates only takes the partial date that can mean the earliest (latest) instant, a more complete value
    winning a tie. So a dose dated ``2025----`` never becomes RFSTDTC ahead of a dose on 2025-03-21.
    """
    first = rule.pick == "first"
    candidates = _candidates(rule, raws, studyid).dropna(subset=["DTC"])
    low, high = compute_dtc_bounds(candidates["DTC"])
    candidates = candidates.assign(
        KEY=low if first else high,
        SURE=high if first else low,
        PRECISION=candidates["DTC"].str.len(),
        COMPLETE=compute_dtc_date(candidates["DTC"]).notna(),
    ).dropna(subset=["KEY"])
    ordered = candidates.sort_values(["KEY", "PRECISION"], ascending=[first, False], kind="stable")
    complete = ordered.loc[ordered["COMPLETE"]].groupby("USUBJID", sort=False).first()
    partial = ordered.loc[~ordered["COMPLETE"]].sort_values("SURE", ascending=first, kind="stable")
    partial = partial.groupby("USUBJID", sort=False).first()
    chosen = complete["DTC"].reindex(complete.index.union(partial.index))
    # certainly beyond: the partial date's latest (first) / earliest (last) instant passes the complete date
    gap = partial["SURE"] - complete["KEY"].reindex(partial.index)
    beyond = (gap < pd.Timedelta(0)) if first else (gap > pd.Timedelta(0))
    only_partial = ~partial.index.isin(complete.index)
    earliest_partial = ordered.loc[~ordered["COMPLETE"]].groupby("USUBJID", sort=False)["DTC"].first()
    chosen.loc[partial.index[beyond.to_numpy()]] = partial.loc[beyond, "DTC"]
    chosen.loc[partial.index[only_partial]] = earliest_partial.reindex(partial.index[only_partial])
    return chosen


#: ``attrs`` key of the DM frame: FORM/ROW of later-source rows merged into subject records (mapped rows).
MERGED_ROWS = "merged_rows"
_HIDDEN = ("USUBJID", "__FORM", "__ROW", "__ORDER")


def _merge_later_sources(frame: pd.DataFrame, studyid: str) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """DM from several forms: the first source's form gives the subject records; a row of a later source
    (e.g. ``ic`` carrying SUPPDM ENRLTYP) fills that subject's still-empty variables. A later row for a
    subject the first form lacks, or a second one for the same subject, is rejected.
    """
    forms = list(dict.fromkeys(frame["__FORM"]))
    if len(forms) < 2:
        return frame, []
    main = frame.loc[frame["__FORM"] == forms[0]].copy()
    first = main.drop_duplicates("USUBJID").set_index("USUBJID")
    events: list[pd.DataFrame] = []
    merged: list[pd.DataFrame] = []
    for form in forms[1:]:
        rows = frame.loc[frame["__FORM"] == form]
        repeat = rows.duplicated("USUBJID", keep="first")
        orphan = ~rows["USUBJID"].isin(first.index)
        bad = repeat | orphan
        reason = ("subject " + rows["USUBJID"] + f" has no {forms[0]} record").where(
            orphan, "subject already given by " + form
        )
        problems = pd.DataFrame(
            {
                "FIELD": "USUBJID",
                "VALUE": rows.loc[bad, "USUBJID"],
                "RULE": pd.Series("duplicate_subject", index=rows.index).mask(orphan, "subject_not_in_dm")[bad],
                "REASON": reason[bad],
            }
        )
        if bad.any():
            events.append(make_events(studyid, form, "DM", rows.loc[bad, "__ROW"], problems, "reject"))
        good = rows.loc[~bad].set_index("USUBJID")
        for column in [column for column in good.columns if column not in _HIDDEN]:
            extra = main["USUBJID"].map(good[column])
            main[column] = main[column].fillna(extra) if column in main else extra
        merged.append(pd.DataFrame({"FORM": form, "ROW": good["__ROW"].to_numpy()}))
    main.attrs[MERGED_ROWS] = pd.concat(merged, ignore_index=True)
    return main, events


def apply_dm_rules(
    frame: pd.DataFrame, design: Design, raws: dict[str, pd.DataFrame], studyid: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One record per subject, then reference dates, DTHFL and arm variables (rules in the module doc)."""
    frame, merge_events = _merge_later_sources(frame, studyid)
    repeat = frame.duplicated("USUBJID", keep="first")
    first_row = frame.groupby("USUBJID", sort=False)["__ROW"].transform("first")
    problems = pd.DataFrame(
        {
            "FIELD": "USUBJID",
            "VALUE": frame.loc[repeat, "USUBJID"],
            "RULE": "duplicate_subject",
            "REASON": "subject already in DM from "
            + frame.loc[repeat, "__FORM"]
            + " row "
            + first_row[repeat].astype(str),
        }
    )
    events = (
        pd.concat(
            [
                make_events(studyid, form, "DM", rows["__ROW"], problems.loc[rows.index], "reject")
                for form, rows in frame.loc[repeat].groupby("__FORM")
            ]
        )
        if repeat.any()
        else pd.DataFrame()
    )
    events = pd.concat([events, *merge_events]) if merge_events else events
    dm = frame.loc[~repeat].copy()
    dm.attrs[MERGED_ROWS] = frame.attrs.get(MERGED_ROWS, pd.DataFrame(columns=["FORM", "ROW"]))
    for variable, rule in design.reference_dates.items():
        dm[variable] = dm["USUBJID"].map(compute_reference_date(rule, raws, studyid)).astype("string")
    if "DTHDTC" in design.reference_dates:
        died = _candidates(design.reference_dates["DTHDTC"], raws, studyid)["USUBJID"]
        dm["DTHFL"] = pd.Series("Y", index=dm.index, dtype="string").where(dm["USUBJID"].isin(died))
    if design.arm is not None:
        treated = dm["RFXSTDTC"].notna() if "RFXSTDTC" in dm else pd.Series(False, index=dm.index)
        dm["ARMCD"], dm["ARM"] = design.arm.armcd, design.arm.arm
        dm["ACTARMCD"] = pd.Series(design.arm.armcd, index=dm.index, dtype="string").where(treated)
        dm["ACTARM"] = pd.Series(design.arm.arm, index=dm.index, dtype="string").where(treated)
        dm["ARMNRS"] = pd.Series("ASSIGNED, NOT TREATED", index=dm.index, dtype="string").mask(treated)
    else:
        for variable in ("ARMCD", "ARM", "ACTARMCD", "ACTARM", "ACTARMUD"):
            dm[variable] = pd.Series(pd.NA, index=dm.index, dtype="string")
        dm["ARMNRS"] = design.arm_null_reason
    return dm, events


def derive_ageu(dm: pd.DataFrame) -> pd.DataFrame:
    """AGEU = YEARS where AGE is known (collected or derived), null otherwise."""
    if "AGE" not in dm:
        return dm
    return dm.assign(AGEU=pd.Series("YEARS", index=dm.index, dtype="string").where(dm["AGE"].notna()))


def describe_reference_date(rule: ReferenceDate) -> str:
    """A reference-date rule in words, the MethodDef of its DM variable: which collected dates are candidates
    (form, date and time fields, row tests) and whether the first or the last of them is taken."""
    candidates = []
    for source in rule.sources:
        text = f"{source.form} form, field {source.date}" + (f" with time {source.time}" if source.time else "")
        tests = " and ".join(condition.describe() for condition in source.condition_add)
        candidates.append(text + (f" where {tests}" if tests else ""))
    return (
        f"Per subject, the {rule.pick} of the dates of: {'; '.join(candidates)}; partial dates kept at their "
        "collected precision (SDTMIG 3.4 DM assumptions 8 and 9)"
    )


def describe_reference_dates(dataset: Dataset, design: Design) -> Dataset:
    """DM whose reference-date variables state the design's rule as their method (:func:`describe_reference_date`)."""
    methods = {variable: describe_reference_date(rule) for variable, rule in design.reference_dates.items()}
    variables = [
        variable.model_copy(update={"method": methods[variable.name]})
        if variable.name in methods and variable.origin == "Derived"
        else variable
        for variable in dataset.meta.variables
    ]
    return Dataset(dataset.meta.model_copy(update={"variables": variables}), dataset.data)
