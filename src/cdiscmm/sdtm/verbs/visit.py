"""VISITNUM and VISIT of unscheduled visits: placed in time among the planned visits
(``derive_unscheduled_visitnum``, ``derive_unscheduled_visit``)."""

from __future__ import annotations

import pandas as pd
from pydantic import Field

from cdiscmm.core.iso8601 import compute_dtc_date
from cdiscmm.sdtm.verbs.base import DomainContext, VerbArgs, clean_text, domain_verb

#: Unscheduled visits after one planned visit are numbered in hundredths: 3.01, 3.02, … 3.99.
_STEP = 100


class DeriveUnscheduledVisitnumArgs(VerbArgs):
    """``derive_unscheduled_visitnum: {dtc: LBDTC}``: renumbers the records collected with the unscheduled code."""

    dtc: str = Field(description="The --DTC variable of this domain (its date places the visit)")
    code: float = Field(99, description="VISITNUM the mapping gives every unscheduled record")


class DeriveUnscheduledVisitArgs(VerbArgs):
    """``derive_unscheduled_visit: {label: UNSCHEDULED}``: VISIT of a renumbered unscheduled record."""

    label: str = Field("UNSCHEDULED", description="VISIT value the collected unscheduled records carry")
    code: float = Field(99, description="VISITNUM the mapping gives every unscheduled record")


@domain_verb(DeriveUnscheduledVisitnumArgs)
def derive_unscheduled_visitnum(
    frame: pd.DataFrame, args: DeriveUnscheduledVisitnumArgs, context: DomainContext
) -> pd.Series:
    """Unscheduled VISITNUM = previous planned VISITNUM + 0.01 × the visit's order after it (sponsor rule).

    SDTMIG 3.4 VISITNUM: "Clinical encounter number. Numeric version of VISIT, used for sorting."; SDTM v2.1 SV
    VISITNUM: "Decimal numbering may be useful for inserting unplanned visits." A record whose VISITNUM is the
    unscheduled ``code`` is placed by its --DTC date among the subject's planned visits in this domain (records
    with any other VISITNUM and a complete date): the previous planned VISITNUM is the highest one collected on
    or before that date (0 before any). The subject's distinct unscheduled dates after the same planned visit
    are numbered 1, 2, … in date order, so every record of one subject and date shares one number (3.01, 3.02;
    0.01 before the first planned visit). A record without a complete date cannot be placed and keeps ``code``,
    as does a 100th unscheduled date after one planned visit (it would collide with the next planned number).
    Planned records are unchanged.
    """
    visitnum = pd.to_numeric(frame["VISITNUM"], errors="coerce").astype("Float64")
    date = compute_dtc_date(frame[args.dtc])
    unscheduled = visitnum.eq(args.code).fillna(False).astype(bool)
    planned = visitnum.notna() & ~unscheduled & date.notna()
    reached = (
        pd.DataFrame({"USUBJID": frame.loc[planned, "USUBJID"], "__DATE": date[planned], "__PREV": visitnum[planned]})
        .astype({"__PREV": "float64"})
        .sort_values(["USUBJID", "__DATE", "__PREV"], kind="stable")
    )
    reached["__PREV"] = reached.groupby("USUBJID", sort=False)["__PREV"].cummax()
    reached = reached.drop_duplicates(["USUBJID", "__DATE"], keep="last").sort_values("__DATE", kind="stable")
    visits = (
        pd.DataFrame({"USUBJID": frame.loc[unscheduled, "USUBJID"], "__DATE": date[unscheduled]})
        .dropna(subset=["__DATE"])
        .drop_duplicates()
        .sort_values("__DATE", kind="stable")
    )
    placed = pd.merge_asof(visits, reached, on="__DATE", by="USUBJID", direction="backward")
    placed["__PREV"] = placed["__PREV"].fillna(0.0)
    placed = placed.sort_values(["USUBJID", "__DATE"], kind="stable")
    order = placed.groupby(["USUBJID", "__PREV"], sort=False).cumcount() + 1
    placed["__NEW"] = ((placed["__PREV"] * _STEP).round() + order).div(_STEP).where(order < _STEP)
    records = pd.DataFrame({"USUBJID": frame.loc[unscheduled, "USUBJID"], "__DATE": date[unscheduled]})
    renumbered = records.merge(placed[["USUBJID", "__DATE", "__NEW"]], on=["USUBJID", "__DATE"], how="left")
    new = pd.Series(renumbered["__NEW"].to_numpy(), index=records.index, dtype="Float64").reindex(frame.index)
    return visitnum.mask(new.notna(), new)


@domain_verb(DeriveUnscheduledVisitArgs)
def derive_unscheduled_visit(
    frame: pd.DataFrame, args: DeriveUnscheduledVisitArgs, context: DomainContext
) -> pd.Series:
    """VISIT 'UNSCHEDULED 3.01' for an unscheduled record renumbered by ``derive_unscheduled_visitnum`` (sponsor).

    Runs after ``derive_unscheduled_visitnum``. A record whose VISIT is ``label`` and whose VISITNUM is no
    longer ``code`` gets ``label`` followed by its VISITNUM with two decimals, so each unplanned visit has its own
    VISIT, one to one with VISITNUM (SDTMIG 3.4: VISIT is the description of the clinical encounter, VISITNUM its
    numeric version). Every other record keeps its collected VISIT.
    """
    visit = clean_text(frame["VISIT"])
    visitnum = pd.to_numeric(frame["VISITNUM"], errors="coerce").astype("Float64")
    renumbered = visit.eq(args.label).fillna(False) & visitnum.notna() & visitnum.ne(args.code).fillna(False)
    cents = (visitnum * _STEP).round().astype("Int64")
    number = (cents // _STEP).astype("string") + "." + (cents % _STEP).astype("string").str.zfill(2)
    return visit.mask(renumbered.astype(bool), args.label + " " + number)
