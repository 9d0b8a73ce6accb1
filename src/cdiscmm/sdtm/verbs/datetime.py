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


@record_verb(AssignDatetimeArgs, origin="Collected")
def assign_datetime(raw: pd.DataFrame, args: AssignDatetimeArgs, context: MapContext) -> Mapped:
    """Build an ISO 8601 date/time keeping the collected precision; never impute (SDTMIG 3.4 §4.4.4, §4.4.5).

    ``UN MAR 2024`` → ``2024-03``; ``UN UNK UNKN`` → null. A date that is not a calendar date (``31 FEB 2024``)
    or cannot be read rejects the row with a reason naming the field: a wrong date must be queried, not guessed.
    """
    time = raw[args.time] if args.time else None
    iso, problem = compute_iso8601(raw[args.date], time, args.format)
    bad_date = problem.isin(["unparsable date", "not a calendar date"])
    bad_time = problem == "unparsable time"
    problems = pd.concat(
        [
            problems_where(
                bad_date, args.date, clean_text(raw[args.date]), "invalid_date", f"{args.date}: " + problem, reject=True
            ),
            problems_where(
                bad_time,
                args.time or args.date,
                clean_text(raw[args.time]) if args.time else clean_text(raw[args.date]),
                "invalid_date",
                f"{args.time}: " + problem,
                reject=True,
            ),
        ]
    )
    return Mapped(values=iso, problems=problems)
