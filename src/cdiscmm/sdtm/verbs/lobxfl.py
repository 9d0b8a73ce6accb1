"""``--LOBXFL``: the last observation before first exposure, per subject and test (``derive_lobxfl``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import Field

from cdiscmm.core.distinct import compute_on_distinct
from cdiscmm.core.iso8601 import COMPONENTS, compute_dtc_bounds, parse_iso8601
from cdiscmm.sdtm.verbs.base import DomainContext, VerbArgs, clean_text, domain_verb
from cdiscmm.sdtm.verbs.seq import ORDER_COLUMN

#: Characters each ISO 8601 component takes (year 4, the others 2): a value's first k components are a prefix.
_WIDTHS: tuple[int, ...] = (4, 2, 2, 2, 2, 2)
#: Precision (number of leading known components) from which "on or before" is decided: a complete date.
_DAY = 3
_NOT_DONE = "NOT DONE"


class DeriveLobxflArgs(VerbArgs):
    """``derive_lobxfl: {dtc: LBDTC, by: [LBTESTCD, LBSPEC, LBMETHOD]}``: 'Y' on the last result before exposure."""

    dtc: str = Field(description="The --DTC variable of this domain (date/time of the observation)")
    by: list[str] = Field(
        default_factory=list, description="Variables naming the test within a subject, e.g. [LBTESTCD, LBSPEC]"
    )
    result: str | None = Field(None, description="Result variable that must be non-missing; default --ORRES")
    stat: str | None = Field(None, description="Completion status variable (NOT DONE: no result); default --STAT")
    reference: str = Field("RFXSTDTC", description="DM variable holding the first exposure")


def _precision(parts: pd.DataFrame) -> pd.Series:
    """How many components, from the year on, a value has before its first unknown one (0: no year)."""
    known = parts[list(COMPONENTS)].notna().to_numpy()
    return pd.Series(np.cumprod(known, axis=1).sum(axis=1), index=parts.index)


def _digits(parts: pd.DataFrame) -> pd.Series:
    """The components written one after another without separators (unknown ones left empty)."""
    text = pd.Series("", index=parts.index, dtype="string")
    for name in COMPONENTS:
        text = text + parts[name].fillna("")
    return text


def compute_on_or_before(dtc: pd.Series, reference: pd.Series) -> pd.Series:
    """True where ``dtc`` is on or before ``reference``, compared at the precision both values have.

    The common precision is the coarser of the two values' precisions (year, month, day, hour, minute, second).
    At day precision or finer the observation counts as before when it is on or before the reference at that
    precision, so a date-only observation on the reference date counts as before (by convention a same-day
    assessment precedes the first dose). At month or year precision only a period wholly before the reference's
    counts (``2024-02`` is before ``2024-03-12``; ``2024-03`` cannot be ordered against it). A value with no
    year on either side gives False.
    """
    own, ref = parse_iso8601(dtc), parse_iso8601(reference)
    common = np.minimum(_precision(own), _precision(ref))
    own_digits, ref_digits = _digits(own), _digits(ref)
    before = pd.Series(False, index=dtc.index)
    for level in range(1, len(COMPONENTS) + 1):
        width = sum(_WIDTHS[:level])
        left, right = own_digits.str[:width], ref_digits.str[:width]
        compared = (left <= right) if level >= _DAY else (left < right)
        before = before.mask(common == level, compared.fillna(False).astype(bool))
    return before


@domain_verb(DeriveLobxflArgs)
def derive_lobxfl(frame: pd.DataFrame, args: DeriveLobxflArgs, context: DomainContext) -> pd.Series:
    """'Y' on the last non-missing result on or before DM.RFXSTDTC per subject and test (SDTMIG 3.4 --LOBXFL).

    SDTMIG 3.4 (LB/QS/RS --LOBXFL, Last Observation Before Exposure Flag): "the last non-missing value prior to
    RFXSTDTC", "Y" or null. Candidates are records with a result (--ORRES not blank and --STAT not NOT DONE)
    whose --DTC is on or before RFXSTDTC at the precision both have (:func:`compute_on_or_before`: a date-only
    --DTC on the RFXSTDTC date counts as before exposure; a partial date that cannot be ordered against RFXSTDTC,
    a missing --DTC and a subject without RFXSTDTC give no candidate). Per USUBJID and ``by`` the candidate with
    the latest --DTC (the earliest instant a partial value can mean) is flagged; ties go to the last in --SEQ
    order. Every other record is null.
    """
    domain = context.domain
    result = clean_text(frame[args.result or f"{domain}ORRES"])
    stat_name = args.stat or f"{domain}STAT"
    not_done = frame[stat_name].astype("string").str.strip().eq(_NOT_DONE) if stat_name in frame else False
    reference = context.subject_values(frame["USUBJID"], args.reference)
    candidate = result.notna() & ~pd.Series(not_done, index=frame.index).fillna(False).astype(bool)
    candidate &= compute_on_distinct(compute_on_or_before, frame[args.dtc], reference)
    seq = next((name for name in (f"{domain}SEQ", ORDER_COLUMN) if name in frame), None)
    group = ["USUBJID", *args.by]
    chosen = frame.loc[candidate, group].assign(
        __WHEN=compute_dtc_bounds(frame.loc[candidate, args.dtc])[0],
        __TIE=frame.loc[candidate, seq] if seq else np.arange(int(candidate.sum())),
    )
    last = chosen.sort_values([*group, "__WHEN", "__TIE"], kind="stable").drop_duplicates(group, keep="last")
    flag = pd.Series(pd.NA, index=frame.index, dtype="string")
    flag.loc[last.index] = "Y"
    return flag
