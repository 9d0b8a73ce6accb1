"""ISO 8601 dates as SDTM stores them: collected precision kept, partial dates never imputed.

SDTMIG 3.4 §4.4.4 and §4.4.5: a component that was not collected is left out at the right end or shown as a
single hyphen inside the value (:mod:`cdiscmm.core.iso8601` reads and writes ISO 8601 text). A value is never
completed by imputation in SDTM; imputation belongs to ADaM.

Collected dates come as an EDC exports them (``12 MAR 2024``, ``UN MAR 2024``, ``UN UNK 2019``, ``UN UNK UNKN``)
or in other layouts registered in :data:`DATE_FORMATS`. Every function works on whole columns.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from cdiscmm.core.distinct import compute_on_distinct
from cdiscmm.core.iso8601 import extract_fixed_width, format_iso8601
from cdiscmm.metadata.vocabulary import DateFormat
from cdiscmm.sdtm.verbs.base import clean_text

MONTHS: dict[str, str] = {
    name: f"{number:02d}"
    for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1
    )
}
#: Tokens an EDC writes for a date or time component that is not known.
UNKNOWN_TOKENS: frozenset[str] = frozenset({"UN", "UNK", "UNKN", "UK", "UNKNOWN", "--"})


def _unknown_to_na(values: pd.Series) -> pd.Series:
    return values.mask(values.str.upper().isin(UNKNOWN_TOKENS))


def _parse_dd_mon_yyyy(values: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """``12 MAR 2024``, ``UN MAR 2024``, ``UN UNK 2019``; case and spacing are not significant."""
    parts = extract_fixed_width(
        values.str.upper(),
        r"^\s*(?P<day>\d{1,2}|[A-Z-]{2,7})[\s-]+(?P<month>[A-Z]{3}|[A-Z-]{2,7})[\s-]+(?P<year>\d{4}|[A-Z-]{2,7})\s*$",
        r"^(?:\d{2}|[A-Z]{2}) [A-Z]{3} (?:\d{4}|[A-Z]{4})$",
        {"day": (0, 2), "month": (3, 6), "year": (7, 11)},
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
    parts = extract_fixed_width(
        values.str.upper(),
        r"^\s*(?P<year>\d{4}|UNKN|UNK|UK|UN)(?:[-/](?P<month>\d{1,2}|UNK|UK|UN))?(?:[-/](?P<day>\d{1,2}|UNK|UK|UN))?\s*$",
        r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$",
        {"year": (0, 4), "month": (5, 7), "day": (8, 10)},
    )
    return _numeric_parts(parts, values)


def _parse_dd_mm_yyyy(values: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """``12/03/2024`` (day first), ``UN/03/2024``, ``UN/UN/2024``."""
    parts = extract_fixed_width(
        values.str.upper(),
        r"^\s*(?P<day>\d{1,2}|UNK|UK|UN)[/.](?P<month>\d{1,2}|UNK|UK|UN)[/.](?P<year>\d{4}|UNKN|UNK|UK)\s*$",
        r"^\d{2}/\d{2}/\d{4}$",
        {"day": (0, 2), "month": (3, 5), "year": (6, 10)},
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
    parts = extract_fixed_width(
        values.str.upper(),
        r"^\s*(?P<hour>\d{1,2}|UNK|UK|UN)(?::(?P<minute>\d{2}|UNK|UK|UN))?(?::(?P<second>\d{2}|UNK|UK|UN))?\s*$",
        r"^\d{2}(?::\d{2}(?::\d{2})?)?$",
        {"hour": (0, 2), "minute": (3, 5), "second": (6, 8)},
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


def _iso8601_distinct(date: pd.Series, time: pd.Series, date_format: DateFormat) -> tuple[pd.Series, pd.Series]:
    date_text = clean_text(date)
    parts, unparsed = DATE_FORMATS[date_format](date_text)
    problem = pd.Series(pd.NA, index=date.index, dtype="string")
    problem = problem.mask(unparsed, "unparsable date")
    problem = problem.mask(problem.isna() & _not_calendar_date(parts), "not a calendar date")
    time_parts, bad_time = _parse_time(clean_text(time))
    parts = parts.join(time_parts)
    problem = problem.mask(problem.isna() & bad_time, "unparsable time")
    iso = format_iso8601(parts).mask(problem.notna())
    return iso, problem


def compute_iso8601(
    date: pd.Series, time: pd.Series | None = None, date_format: DateFormat = "DD MON YYYY"
) -> tuple[pd.Series, pd.Series]:
    """Collected date (and time) → ISO 8601 at the collected precision, and the reason where it cannot be.

    Returns ``(iso, problem)``: ``iso`` is null where nothing is known (blank, ``UN UNK UNKN``) or the input is
    unusable; ``problem`` is NA where the input is fine, else ``"unparsable date"``, ``"not a calendar date"``
    or ``"unparsable time"``. Each distinct (date, time) pair is converted once.
    """
    if time is None:
        time = pd.Series(pd.NA, index=date.index, dtype="string")
    return compute_on_distinct(lambda d, t: _iso8601_distinct(d, t, date_format), date, time)
