"""Collected date and time → ISO 8601 ``--DTC`` at the collected precision (``assign_datetime``)."""

from __future__ import annotations

import pandas as pd
from pydantic import Field

from cdiscmm.metadata.vocabulary import DateFormat
from cdiscmm.sdtm.iso8601 import compute_iso8601
from cdiscmm.sdtm.verbs.base import MapContext, Mapped, VerbArgs, clean_text, problems_where, record_verb


class AssignDatetimeArgs(VerbArgs):
    """``assign_datetime: {date: AESTDAT, time: AESTTIM}``; ``format`` names the collected date layout."""

    date: str = Field(description="Raw date field")
    time: str | None = Field(None, description="Raw time field (HH:MM), joined to the date")
    format: DateFormat = Field("DD MON YYYY", description="Layout of the collected date")

    def fields(self) -> list[str]:
        return [self.date] + ([self.time] if self.time else [])


#: The problems of :func:`cdiscmm.sdtm.iso8601.compute_iso8601` that make a value unusable.
INVALID: tuple[str, ...] = ("unparsable date", "not a calendar date", "unparsable time")
QUERY = "; not submitted, query the site"


@record_verb(AssignDatetimeArgs, origin="Collected")
def assign_datetime(raw: pd.DataFrame, args: AssignDatetimeArgs, context: MapContext) -> Mapped:
    """Build an ISO 8601 date/time keeping the collected precision; never impute (SDTMIG 3.4 §4.4.4, §4.4.5).

    ``UN MAR 2024`` → ``2024-03``; ``UN UNK UNKN`` → null. A date that is not a calendar date (``31 FEB 2024``)
    or cannot be read is never guessed: it is reported with a reason naming the field for a query, and the row
    is rejected when the variable is Required; otherwise the variable is left null and the record kept (an
    impossible end date must not lose an adverse event).
    """
    time = raw[args.time] if args.time else None
    iso, problem = compute_iso8601(raw[args.date], time, args.format)
    reject = context.core is None or context.core == "Req"
    if not reject:
        problem = problem.where(~problem.isin(INVALID), problem + QUERY)
        iso = iso.mask(problem.str.endswith(QUERY).fillna(False).astype(bool))
    bad_date = problem.str.removesuffix(QUERY).isin(["unparsable date", "not a calendar date"])
    bad_time = (problem.str.removesuffix(QUERY) == "unparsable time").fillna(False).astype(bool)
    problems = pd.concat(
        [
            problems_where(
                bad_date,
                args.date,
                clean_text(raw[args.date]),
                "invalid_date",
                f"{args.date}: " + problem[bad_date],
                reject=reject,
            ),
            problems_where(
                bad_time,
                args.time or args.date,
                clean_text(raw[args.time]) if args.time else clean_text(raw[args.date]),
                "invalid_date",
                f"{args.time}: " + problem[bad_time],
                reject=reject,
            ),
        ]
    )
    return Mapped(values=iso, problems=problems)
