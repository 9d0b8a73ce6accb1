"""``EPOCH``: the trial epoch a record's date falls in, or its planned visit's epoch (``derive_epoch``)."""

from __future__ import annotations

import pandas as pd
from pydantic import Field

from cdiscmm.core.errors import SpecError
from cdiscmm.core.iso8601 import compute_dtc_bounds
from cdiscmm.sdtm.verbs.base import DomainContext, VerbArgs, domain_verb
from cdiscmm.sdtm.verbs.study_day import compute_subject_date


class DeriveEpochArgs(VerbArgs):
    """``derive_epoch: {dtc: RSDTC, visits: {BASELINE: BASELINE}}``: the date, and planned visits' epochs."""

    dtc: str = Field(description="The --DTC or --STDTC variable of this domain")
    visits: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "VISIT -> EPOCH of the trial design, for records whose date does not place them (no date, or a partial "
            "date spanning two epochs); each EPOCH must be one of study.yaml's epochs"
        ),
    )


def _epoch_on(date: pd.Series, usubjid: pd.Series, context: DomainContext) -> pd.Series:
    """The last epoch, in design order, started on ``date`` (date precision); null after ``epochs_end``."""
    epoch = pd.Series(pd.NA, index=date.index, dtype="string")
    for step in context.epochs:
        if step.reference is None:
            started = date.notna()
        else:
            start = compute_subject_date(usubjid, context, step.reference)
            start = start + pd.Timedelta(days=step.offset_days)
            started = start.notna() & date.notna() & (start <= date)
        epoch = epoch.mask(started, step.epoch)
    if context.epochs_end:
        end = compute_subject_date(usubjid, context, context.epochs_end)
        epoch = epoch.mask(end.notna() & (date > end))
    return epoch


@domain_verb(DeriveEpochArgs)
def derive_epoch(frame: pd.DataFrame, args: DeriveEpochArgs, context: DomainContext) -> pd.Series:
    """EPOCH of the record's date, else of its planned visit (SDTMIG 3.4 §4.1.3.1; EPOCH codelist C99079).

    Epochs follow one another in the order the design lists them; each starts on a DM reference date plus an
    offset (or, with no reference, at the beginning), compared at date precision, so the epoch never moves
    back as the date grows. A partial date gets an epoch only when its first and its last possible day fall
    in the same epoch: the date is then certainly within it, and no date is imputed. A record the date does
    not place (no date, or a partial date that spans an epoch change) takes the epoch the trial design plans
    for its VISIT (``visits``; e.g. the baseline ECOG/ISS of RS, collected without a date at VISIT BASELINE).
    Records after ``epochs_end``, before the first epoch's start, or of an unknown start stay null.
    """
    unknown = sorted(set(args.visits.values()) - {step.epoch for step in context.epochs})
    if unknown:
        raise SpecError(
            f"derive_epoch visits: {', '.join(unknown)} is not an epoch of the trial design",
            expected="an epoch listed under design: epochs in study.yaml",
        )
    low, high = compute_dtc_bounds(frame[args.dtc])
    first = _epoch_on(low.dt.normalize(), frame["USUBJID"], context)
    last = _epoch_on(high.dt.normalize(), frame["USUBJID"], context)
    certain = first.eq(last).fillna(False).astype(bool)
    epoch = first.where(certain)
    if not args.visits:
        return epoch
    outside = low.notna() & first.isna() & last.isna()  # the whole date range is outside every epoch
    planned = frame["VISIT"].map(args.visits).astype("string")
    return epoch.fillna(planned.where(~outside))
