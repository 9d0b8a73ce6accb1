"""``EPOCH``: the trial epoch a record's date falls in (``derive_epoch``)."""

from __future__ import annotations

import pandas as pd
from pydantic import Field

from cdiscmm.core.iso8601 import compute_dtc_date
from cdiscmm.sdtm.verbs.base import DomainContext, VerbArgs, domain_verb
from cdiscmm.sdtm.verbs.study_day import compute_subject_date


class DeriveEpochArgs(VerbArgs):
    """``derive_epoch: {dtc: AESTDTC}``: the date that places the record in an epoch."""

    dtc: str = Field(description="The --DTC or --STDTC variable of this domain")


@domain_verb(DeriveEpochArgs)
def derive_epoch(frame: pd.DataFrame, args: DeriveEpochArgs, context: DomainContext) -> pd.Series:
    """The last epoch, in design order, that has started on the record's date (SDTMIG 3.4 §4.1.3.1, EPOCH C99079).

    Epochs follow one another in the order the design lists them; each starts on a DM reference date plus an
    offset (or, with no reference, at the beginning), compared at date precision. An epoch whose start date is
    unknown for the subject has not started. Records after ``epochs_end`` or with a partial date get a null
    EPOCH (no imputation); so do records before the first epoch's start.
    """
    date = compute_dtc_date(frame[args.dtc])
    epoch = pd.Series(pd.NA, index=frame.index, dtype="string")
    for step in context.epochs:
        if step.reference is None:
            started = date.notna()
        else:
            start = compute_subject_date(frame["USUBJID"], context.dm, step.reference)
            start = start + pd.Timedelta(days=step.offset_days)
            started = start.notna() & date.notna() & (start <= date)
        epoch = epoch.mask(started, step.epoch)
    if context.epochs_end:
        end = compute_subject_date(frame["USUBJID"], context.dm, context.epochs_end)
        epoch = epoch.mask(end.notna() & (date > end))
    return epoch
