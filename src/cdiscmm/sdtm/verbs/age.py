"""``AGE``: completed years between birth and a reference date (``derive_age``)."""

from __future__ import annotations

import pandas as pd
from pydantic import Field

from cdiscmm.core.iso8601 import compute_dtc_date
from cdiscmm.sdtm.verbs.base import DomainContext, VerbArgs, domain_verb
from cdiscmm.sdtm.verbs.study_day import compute_subject_date


class DeriveAgeArgs(VerbArgs):
    """``derive_age: {birth: BRTHDTC, reference: RFICDTC}``: used where age is not collected."""

    birth: str = Field("BRTHDTC", description="DM birth date variable")
    reference: str = Field("RFICDTC", description="DM reference date variable the age is taken at")


@domain_verb(DeriveAgeArgs)
def derive_age(frame: pd.DataFrame, args: DeriveAgeArgs, context: DomainContext) -> pd.Series:
    """Completed years from BRTHDTC to the reference date (SDTMIG 3.4 DM: AGE "may be derived from RFSTDTC and
    BRTHDTC"); null unless both dates are complete. AGEU is set to YEARS where AGE is known (DM rules).
    """
    birth = compute_dtc_date(frame[args.birth])
    reference = compute_subject_date(frame["USUBJID"], context, args.reference)
    before_birthday = (reference.dt.month < birth.dt.month) | (
        (reference.dt.month == birth.dt.month) & (reference.dt.day < birth.dt.day)
    )
    years = reference.dt.year - birth.dt.year - before_birthday.astype("Int64")
    return years.where(birth.notna() & reference.notna()).astype("Int64")
