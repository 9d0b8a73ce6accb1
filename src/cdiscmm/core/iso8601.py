"""ISO 8601 text as SDTM stores it (partial values kept exact): components, complete dates, bounds, formatting.

SDTMIG 3.4 §4.4.4 (use of ISO 8601 for dates and times) and §4.4.5 (partial dates): a component that was not
collected is left out at the right end (``2024-03``, ``2019``) and shown as a single hyphen inside the value
(``2003---15`` = 15th of an unknown month of 2003; ``2003-12-15T-:15``; ``--12-15`` = unknown year). The one
place that reads ISO 8601 text: each distinct value is parsed once (:func:`compute_on_distinct`) with one
format-directed pattern, and the result taken back to every record.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.core.distinct import compute_on_distinct

#: ISO 8601 components in order, and the separator written before each.
COMPONENTS: tuple[str, ...] = ("year", "month", "day", "hour", "minute", "second")
SEPARATORS: tuple[str, ...] = ("", "-", "-", "T", ":", ":")
_ISO_PATTERN = (
    r"^(?P<year>\d{4}|-)"
    r"(?:-(?P<month>\d{2}|-)(?:-(?P<day>\d{2}|-))?)?"
    r"(?:T(?P<hour>\d{2}|-)(?::(?P<minute>\d{2}|-)(?::(?P<second>\d{2}))?)?)?$"
)


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


def extract_fixed_width(
    text: pd.Series, pattern: str, fixed_pattern: str, slices: dict[str, tuple[int, int]]
) -> pd.DataFrame:
    """``text.str.extract(pattern)`` (one column per named group), with a fast path for fixed-width values.

    Values that match ``fixed_pattern`` (ASCII only, e.g. ``\\d{2} [A-Z]{3} \\d{4}``) have each group at a known
    offset: they are cut by Arrow for all such values at once, a group left out when the value is shorter than
    its slice. ``fixed_pattern`` must only match values for which ``pattern`` gives exactly these slices; every
    other value goes through ``pattern`` (Python ``re``), so the result is what ``pattern`` alone gives.
    """
    text = text.astype("string")
    fixed = text.str.fullmatch(fixed_pattern).fillna(False).astype(bool)
    length = text.str.len()
    parts = pd.DataFrame(
        {name: text.str.slice(start, stop).where(fixed & length.ge(stop)) for name, (start, stop) in slices.items()},
        index=text.index,
    )
    rest = text.notna() & ~fixed
    if rest.any():
        parts.loc[rest] = text[rest].str.extract(pattern)
    return parts.astype("string")


#: Values with every component in ASCII digits (``2024-03-12T14:30``) are fixed width; the others (a hyphen for
#: an unknown component, a time after a partial date, anything unparsable) go through :data:`_ISO_PATTERN`.
_FULL_PATTERN = r"^\d{4}(?:-\d{2}(?:-\d{2}(?:T\d{2}(?::\d{2}(?::\d{2})?)?)?)?)?$"
_SLICES: dict[str, tuple[int, int]] = dict(
    zip(COMPONENTS, ((0, 4), (5, 7), (8, 10), (11, 13), (14, 16), (17, 19)), strict=True)
)


def _parse_distinct(values: pd.Series) -> pd.DataFrame:
    parts = extract_fixed_width(values, _ISO_PATTERN, _FULL_PATTERN, _SLICES)
    return parts.mask(parts == "-")


def parse_iso8601(values: pd.Series) -> pd.DataFrame:
    """ISO 8601 text → components (string columns, NA where not known); unparsable text gives all NA."""
    return compute_on_distinct(_parse_distinct, values)


def _dtc_date_distinct(iso: pd.Series) -> pd.Series:
    parts = _parse_distinct(iso)
    complete = parts[["year", "month", "day"]].notna().all(axis=1)
    text = (parts["year"] + "-" + parts["month"] + "-" + parts["day"]).where(complete)
    return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")


def compute_dtc_date(iso: pd.Series) -> pd.Series:
    """The calendar date of ISO 8601 values that have a complete date; NaT for partial or missing dates."""
    return compute_on_distinct(_dtc_date_distinct, iso)


def _dtc_bounds_distinct(iso: pd.Series) -> tuple[pd.Series, pd.Series]:
    parts = _parse_distinct(iso)
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
    # components are two ASCII digits (or unknown, filled): seconds summed as integers, the Timedelta that
    # "HH:MM:SS" text parses to, without parsing each value in Python
    seconds = sum(
        parts[name].fillna(last).astype("int64") * scale
        for name, last, scale in (("hour", "23", 3600), ("minute", "59", 60), ("second", "59", 1))
    )
    clock = pd.Series(pd.to_timedelta(seconds.to_numpy(), unit="s").astype("timedelta64[us]"), index=parts.index)
    return low, day + clock


def compute_dtc_bounds(iso: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The earliest and the latest instant a (partial) ISO 8601 value can mean, for ordering only.

    ``2024-03`` spans 2024-03-01T00:00 … 2024-03-31T23:59:59. The bounds order candidates (first/last
    exposure); they are never written as values. Values with an unknown year give NaT.
    """
    return compute_on_distinct(_dtc_bounds_distinct, iso)
