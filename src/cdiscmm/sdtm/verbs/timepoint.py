"""``--STTPT``/``--ENTPT``: the reference time point of a relative timing variable (``derive_time_point``)."""

from __future__ import annotations

import pandas as pd
from pydantic import Field

from cdiscmm.sdtm.verbs.base import DomainContext, VerbArgs, domain_verb


class DeriveTimePointArgs(VerbArgs):
    """``derive_time_point: {value: INFORMED CONSENT, relative: MHENRTPT}``."""

    value: str = Field(description="The reference time point: a description or an ISO 8601 date/time")
    relative: str = Field(description="The --STRTPT or --ENRTPT variable this time point anchors")


@domain_verb(DeriveTimePointArgs)
def derive_time_point(frame: pd.DataFrame, args: DeriveTimePointArgs, context: DomainContext) -> pd.Series:
    """The reference time point on exactly the records whose relative timing is filled (SDTMIG 3.4 §4.4.7).

    --ENTPT (--STTPT) names the point --ENRTPT (--STRTPT) is relative to, so one is submitted only with the
    other: where the collected answer gave no relative timing (blank, or unreadable and queried) the time point
    is null too (P21 SD0050 and CDISC CORE-000106 check the pair both ways).
    """
    return pd.Series(args.value, index=frame.index, dtype="string").where(frame[args.relative].notna())
