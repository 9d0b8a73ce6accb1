"""ISO 8601 dates as SDTM stores them: collected precision kept, partial dates never imputed.

SDTMIG 3.4 §4.4.4 (use of ISO 8601 for dates and times) and §4.4.5 (partial dates): a component that was not
collected is left out at the right end (``2024-03``, ``2019``) and shown as a single hyphen inside the value
(``2003---15`` = 15th of an unknown month of 2003; ``2003-12-15T-:15``; ``--12-15`` = unknown year). A value is
never completed by imputation in SDTM; imputation belongs to ADaM.

Collected dates come as an EDC exports them (``12 MAR 2024``, ``UN MAR 2024``, ``UN UNK 2019``, ``UN UNK UNKN``)
or in other layouts registered in :data:`DATE_FORMATS`. Every function works on whole columns.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from cdiscmm.metadata.vocabulary import DateFormat

#: ISO 8601 components in order, and the separator written before each.
COMPONENTS: tuple[str, ...] = ("year", "month", "day", "hour", "minute", "second")
SEPARATORS: tuple[str, ...] = ("", "-", "-", "T", ":", ":")
MONTHS: dict[str, str] = {
    name: f"{number:02d}"
    for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1
    )
}
#: Tokens an EDC writes for a date or time component that is not known.
UNKNOWN_TOKENS: frozenset[str] = frozenset({"UN", "UNK", "UNKN", "UK", "UNKNOWN", "--"})

_ISO_PATTERN = (
    r"^(?P<year>\d{4}|-)"
    r"(?:-(?P<month>\d{2}|-)(?:-(?P<day>\d{2}|-))?)?"
    r"(?:T(?P<hour>\d{2}|-)(?::(?P<minute>\d{2}|-)(?::(?P<second>\d{2}))?)?)?$"
)


def _blank_to_na(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def _unknown_to_na(values: pd.Series) -> pd.Series:
    return values.mask(values.str.upper().isin(UNKNOWN_TOKENS))


def _parse_dd_mon_yyyy(values: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """``12 MAR 2024``, ``UN MAR 2024``, ``UN UNK 2019``; case and spacing are not significant."""
    parts = values.str.upper().str.extract(
        r"^\s*(?P<day>\d{1,2}|[A-Z-]{2,7})[\s-]+(?P<month>[A-Z]{3}|[A-Z-]{2,7})[\s-]+(?P<year>\d{4}|[A-Z-]{2,7})\s*$"
    )
    day, month, year = (_unknown_to_na(parts[name]) for name in ("day", "month", "year"))
    bad_month = month.notna() & ~month.isin(MONTHS)
    bad_token = (day.notna() & ~day.str.fullmatch(r"\d{1,2}", na=False)) | (
        year.notna() & ~year.str.fullmatch(r"\d{4}", na=False)
    )
    unparsed = values.notna() & (parts["day"].isna() | bad_month | bad_token)
    frame = pd.DataFrame(
        {"year": year, "month": month.map(MONTHS).astype("string"), "day": day.str.zfill(2)}, index=values.index
    )
    return frame, unparsed


def _numeric_parts(parts: pd.DataFrame, values: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """Year, month and day columns from regex groups of a numeric layout (unknown parts become NA)."""
    unparsed = values.notna() & parts["year"].isna()
    frame = pd.DataFrame(
        {
            "year": _unknown_to_na(parts["year"]),
            "month": _unknown_to_na(parts["month"]).str.zfill(2),
            "day": _unknown_to_na(parts["day"]).str.zfill(2),
        },
        index=values.index,
    )
    return frame, unparsed


def _parse_yyyy_mm_dd(values: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """``2024-03-12``, ``2024-03``, ``2024``, with ``UN``/``UK`` for unknown parts (``2024-UN-UN``)."""
    parts = values.str.upper().str.extract(
        r"^\s*(?P<year>\d{4}|UNKN|UNK|UK|UN)(?:[-/](?P<month>\d{1,2}|UNK|UK|UN))?(?:[-/](?P<day>\d{1,2}|UNK|UK|UN))?\s*$"
    )
    return _numeric_parts(parts, values)


def _parse_dd_mm_yyyy(values: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """``12/03/2024`` (day first), ``UN/03/2024``, ``UN/UN/2024``."""
    parts = values.str.upper().str.extract(
        r"^\s*(?P<day>\d{1,2}|UNK|UK|UN)[/.](?P<month>\d{1,2}|UNK|UK|UN)[/.](?P<year>\d{4}|UNKN|UNK|UK)\s*$"
    )
    return _numeric_parts(parts, values)


#: Names of the collected date layouts (the ``format`` argument of ``assign_datetime``).
#: Collected date layouts by name.
DATE_FORMATS: dict[str, Callable[[pd.Series], tuple[pd.DataFrame, pd.Series]]] = {
    "DD MON YYYY": _parse_dd_mon_yyyy,
    "YYYY-MM-DD": _parse_yyyy_mm_dd,
    "DD/MM/YYYY": _parse_dd_mm_yyyy,
}


def _parse_time(values: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """``14:30``, ``14:30:05``, ``14:UN`` (minute unknown), ``UN:UN`` (time unknown)."""
    parts = values.str.upper().str.extract(
        r"^\s*(?P<hour>\d{1,2}|UNK|UK|UN)(?::(?P<minute>\d{2}|UNK|UK|UN))?(?::(?P<second>\d{2}|UNK|UK|UN))?\s*$"
    )
    hour, minute, second = (_unknown_to_na(parts[name]) for name in ("hour", "minute", "second"))
    hour = hour.str.zfill(2)
    out_of_range = (pd.to_numeric(hour, errors="coerce") > 23) | (pd.to_numeric(minute, errors="coerce") > 59)
    out_of_range |= pd.to_numeric(second, errors="coerce") > 59
    unparsed = values.notna() & (parts["hour"].isna() | out_of_range.fillna(False).astype(bool))
    return pd.DataFrame({"hour": hour, "minute": minute, "second": second}, index=values.index), unparsed


def _not_calendar_date(parts: pd.DataFrame) -> pd.Series:
    """True where day, month and year are all known but do not make a date (``31 FEB 2024``, ``29 FEB 2023``)."""
    complete = parts[["year", "month", "day"]].notna().all(axis=1)
    stamp = pd.to_datetime(
        parts["year"].fillna("") + "-" + parts["month"].fillna("") + "-" + parts["day"].fillna(""),
        format="%Y-%m-%d",
        errors="coerce",
    )
    month_ok = pd.to_numeric(parts["month"], errors="coerce").between(1, 12)
    day_ok = pd.to_numeric(parts["day"], errors="coerce").between(1, 31)
    bad_part = (parts["month"].notna() & ~month_ok.fillna(False).astype(bool)) | (
        parts["day"].notna() & ~day_ok.fillna(False).astype(bool)
    )
    return (complete & stamp.isna()) | bad_part


def format_iso8601(parts: pd.DataFrame) -> pd.Series:
    """Components (string columns ``year`` … ``second``, missing = NA) → ISO 8601 text, null when none is known.

    Missing components at the right end are left out; a missing component before a known one is one hyphen.
    """
    known = parts.reindex(columns=list(COMPONENTS)).notna().to_numpy()
    any_known = known.any(axis=1)
    last_known = np.where(any_known, known.shape[1] - 1 - np.argmax(known[:, ::-1], axis=1), -1)
    text = pd.Series("", index=parts.index, dtype="string")
    for position, (name, separator) in enumerate(zip(COMPONENTS, SEPARATORS, strict=True)):
        value = parts[name].astype("string") if name in parts else pd.Series(pd.NA, index=parts.index, dtype="string")
        piece = separator + value.fillna("-")
        text = text + piece.where(position <= last_known, "")
    return text.mask(~any_known)


def parse_iso8601(values: pd.Series) -> pd.DataFrame:
    """ISO 8601 text → components (string columns, NA where not known); unparsable text gives all NA."""
    parts = values.astype("string").str.extract(_ISO_PATTERN)
    return parts.mask(parts == "-").astype("string")


def compute_iso8601(
    date: pd.Series, time: pd.Series | None = None, date_format: DateFormat = "DD MON YYYY"
) -> tuple[pd.Series, pd.Series]:
    """Collected date (and time) → ISO 8601 at the collected precision, and the reason where it cannot be.

    Returns ``(iso, problem)``: ``iso`` is null where nothing is known (blank, ``UN UNK UNKN``) or the input is
    unusable; ``problem`` is NA where the input is fine, else ``"unparsable date"``, ``"not a calendar date"``
    or ``"unparsable time"``.
    """
    date_text = _blank_to_na(date)
    parts, unparsed = DATE_FORMATS[date_format](date_text)
    problem = pd.Series(pd.NA, index=date.index, dtype="string")
    problem = problem.mask(unparsed, "unparsable date")
    problem = problem.mask(problem.isna() & _not_calendar_date(parts), "not a calendar date")
    if time is not None:
        time_parts, bad_time = _parse_time(_blank_to_na(time))
        parts = parts.join(time_parts)
        problem = problem.mask(problem.isna() & bad_time, "unparsable time")
    iso = format_iso8601(parts).mask(problem.notna())
    return iso, problem


def compute_dtc_date(iso: pd.Series) -> pd.Series:
    """The calendar date of ISO 8601 values that have a complete date; NaT for partial or missing dates."""
    parts = parse_iso8601(iso)
    complete = parts[["year", "month", "day"]].notna().all(axis=1)
    text = (parts["year"] + "-" + parts["month"] + "-" + parts["day"]).where(complete)
    return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")


def compute_dtc_bounds(iso: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The earliest and the latest instant a (partial) ISO 8601 value can mean, for ordering only.

    ``2024-03`` spans 2024-03-01T00:00 … 2024-03-31T23:59:59. The bounds order candidates (first/last
    exposure); they are never written as values. Values with an unknown year give NaT.
    """
    parts = parse_iso8601(iso)
    year = parts["year"]
    low = pd.to_datetime(
        year
        + "-"
        + parts["month"].fillna("01")
        + "-"
        + parts["day"].fillna("01")
        + "T"
        + parts["hour"].fillna("00")
        + ":"
        + parts["minute"].fillna("00")
        + ":"
        + parts["second"].fillna("00"),
        format="%Y-%m-%dT%H:%M:%S",
        errors="coerce",
    )
    month_start = pd.to_datetime(year + "-" + parts["month"].fillna("12") + "-01", format="%Y-%m-%d", errors="coerce")
    last_day = month_start + pd.offsets.MonthEnd(0)
    day = pd.to_datetime(
        year + "-" + parts["month"].fillna("12") + "-" + parts["day"], format="%Y-%m-%d", errors="coerce"
    ).fillna(last_day)
    clock = pd.to_timedelta(
        parts["hour"].fillna("23") + ":" + parts["minute"].fillna("59") + ":" + parts["second"].fillna("59"),
        errors="coerce",
    )
    return low, day + clock
