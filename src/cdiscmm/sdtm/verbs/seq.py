"""``--SEQ``: a sequence number unique per subject within a domain (``derive_seq``)."""

from __future__ import annotations

import pandas as pd
from pydantic import Field

from cdiscmm.sdtm.verbs.base import DomainContext, VerbArgs, domain_verb

#: Hidden column holding each record's position in source order (form order, then raw row): the tie-breaker.
ORDER_COLUMN = "__ORDER"
#: Prefix of the hidden English copy of a text variable in a local-language version of a domain.
ENGLISH_PREFIX = "__EN_"


class DeriveSeqArgs(VerbArgs):
    """``derive_seq: {by: [AESTDTC, AETERM]}``: the order of records within a subject."""

    by: list[str] = Field(default_factory=list, description="Domain variables ordering the records of a subject")


@domain_verb(DeriveSeqArgs)
def derive_seq(frame: pd.DataFrame, args: DeriveSeqArgs, context: DomainContext) -> pd.Series:
    """Number the records of each USUBJID 1, 2, … in the order of ``by`` (SDTMIG 3.4 §4.1.9 / --SEQ).

    Without ``by``, the dataset's key variables (SDTMIG 3.4 domain specification) order the records.
    Nulls sort last; ties keep source order (form order, then collected row), so the numbering is
    reproducible run after run. In a local-language version a text variable sorts by its English value, so a
    record has the same --SEQ in both languages.
    """
    by = args.by or [key for key in context.keys if key in frame and key not in {"STUDYID", "USUBJID", "DOMAIN"}]
    by = [ENGLISH_PREFIX + name if ENGLISH_PREFIX + name in frame else name for name in by]
    order_by = ["USUBJID", *by, ORDER_COLUMN]
    # only the ordering columns are sorted (each named once), not every column of the domain
    ordered = frame[list(dict.fromkeys(order_by))].sort_values(order_by, kind="stable", na_position="last")
    seq = ordered.groupby("USUBJID", sort=False).cumcount() + 1
    return seq.reindex(frame.index).astype("Int64")
