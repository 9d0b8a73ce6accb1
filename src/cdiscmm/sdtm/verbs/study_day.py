"""``--DY``: the study day of a date relative to DM.RFSTDTC (``derive_study_day``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import Field

from cdiscmm.core.iso8601 import compute_dtc_date
from cdiscmm.sdtm.verbs.base import DomainContext, VerbArgs, domain_verb


class DeriveStudyDayArgs(VerbArgs):
    """``derive_study_day: {dtc: AESTDTC}``; the reference is DM.RFSTDTC unless named."""

    dtc: str = Field(description="The --DTC variable of this domain")
    reference: str = Field("RFSTDTC", description="DM reference date variable")


def compute_subject_date(usubjid: pd.Series, context: DomainContext, variable: str) -> pd.Series:
    """DM's complete ``variable`` date of each record's subject: DM's column parsed once
    (:meth:`DomainContext.subject_values`), joined as a date."""
    return context.subject_values(usubjid, variable, compute_dtc_date)


def compute_study_day(date: pd.Series, reference: pd.Series) -> pd.Series:
    """Days from ``reference`` to ``date``, counting the reference day as 1 and the day before as -1 (no day 0)."""
    delta = (date - reference).dt.days
    return pd.Series(np.where(delta >= 0, delta + 1, delta), index=date.index).where(delta.notna()).astype("Int64")


@domain_verb(DeriveStudyDayArgs)
def derive_study_day(frame: pd.DataFrame, args: DeriveStudyDayArgs, context: DomainContext) -> pd.Series:
    """--DY = date − RFSTDTC + 1 on or after RFSTDTC, date − RFSTDTC before it (SDTMIG 3.4 §4.4.4 study day).

    Both dates must be complete; a partial date on either side gives null, never an imputed day.
    """
    reference = compute_subject_date(frame["USUBJID"], context, args.reference)
    return compute_study_day(compute_dtc_date(frame[args.dtc]), reference)
