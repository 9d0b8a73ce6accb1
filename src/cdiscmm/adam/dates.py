"""ADaM dates: ISO 8601 to date, partial-date imputation with --DTF flags, paired start/end rules, durations.

Conventions follow admiral (``derive_vars_dt()``, ``compute_duration()``, vignette "Date and Time Imputation")
and ADaMIG 1.3 §3.1.3 (``*DTF`` imputation flag: ``D`` day imputed, ``M`` month and day, ``Y`` year, month and
day). Dates are pandas ``datetime64`` values at midnight; SDTM ``--DTC`` values are ISO 8601 text.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from cdiscmm.adam.checks import assert_columns
from cdiscmm.core.distinct import compute_on_distinct
from cdiscmm.core.errors import InputError

Imputation = Literal["n", "D", "M", "Y"]
DateImputation = Literal["first", "last"]
DurationUnit = Literal["days", "weeks", "months", "years"]

#: Days per output unit: a month is 365.25 / 12 = 30.4375 days and a year 365.25 days (lubridate ``dmonths``,
#: ``dyears``, as used by admiral ``compute_duration()``).
DAYS_PER_UNIT: dict[str, float] = {"days": 1.0, "weeks": 7.0, "months": 30.4375, "years": 365.25}

_DATE_PARTS = r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?"
_LEVELS = {"n": 0, "D": 1, "M": 2, "Y": 3}


def _dt_from_dtc_distinct(dtc: pd.Series) -> pd.Series:
    text = dtc.astype("str").str.extract(r"^(\d{4}-\d{2}-\d{2})", expand=False)
    return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce").astype("datetime64[us]")


def compute_dt_from_dtc(dtc: pd.Series) -> pd.Series:
    """Convert ISO 8601 ``--DTC`` text to a date; only complete dates (``YYYY-MM-DD``, any time part ignored).

    Partial dates (``2024-03``, ``2024``), empty text and impossible dates (``2023-02-30``) give NaT: use
    :func:`derive_vars_dt` when partial dates are to be imputed. Each distinct value is converted once.
    """
    return compute_on_distinct(_dt_from_dtc_distinct, dtc)


def _possible_range(dtc: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Missing-part level (0 complete, 1 day, 2 month, 3 year) and first/last possible date of each value."""
    return compute_on_distinct(_possible_range_distinct, dtc)


def _possible_range_distinct(dtc: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    parts = dtc.astype("str").str.extract(_DATE_PARTS)
    year, month, day = parts["year"], parts["month"], parts["day"]
    level = pd.Series(np.select([year.isna(), month.isna(), day.isna()], [3, 2, 1], 0), index=dtc.index)
    first_text = year + "-" + month.fillna("01") + "-" + day.fillna("01")
    first = pd.to_datetime(first_text, format="%Y-%m-%d", errors="coerce").astype("datetime64[us]")
    month_end = (first + pd.offsets.MonthEnd(0)).where(level.eq(1))
    year_end = pd.to_datetime(year + "-12-31", format="%Y-%m-%d", errors="coerce").where(level.eq(2))
    last = first.where(level.eq(0)).fillna(month_end).fillna(year_end).astype("datetime64[us]")
    return level, first, last


def derive_vars_dt(
    dataset: pd.DataFrame,
    new_vars_prefix: str,
    dtc: str,
    *,
    highest_imputation: Imputation = "n",
    date_imputation: DateImputation = "first",
    min_dates: list[str] | None = None,
    max_dates: list[str] | None = None,
) -> pd.DataFrame:
    """Add ``<prefix>DT`` from ``dtc`` with partial dates imputed, and ``<prefix>DTF`` when imputation is allowed.

    Rule (admiral ``derive_vars_dt()``; ADaMIG 1.3 §3.1.3):

    - Complete dates are taken as they are. A date missing more than ``highest_imputation`` allows
      (``n`` none, ``D`` day, ``M`` month and day, ``Y`` everything) stays NaT, as do impossible dates.
    - ``date_imputation="first"`` (start dates) takes the first possible date (day 01, month 01);
      ``"last"`` (end dates) the last possible date (month end, 31 December).
    - ``min_dates``: the imputed date is never before any of these dates, but only dates inside the range of
      possible dates count (e.g. AE start ``2024-03`` and first dose 2024-03-10 -> 2024-03-10; first dose in
      February -> 2024-03-01). ``max_dates``: likewise never after these dates (death, data cutoff). The
      maximum rule is applied after the minimum rule, so it wins when they conflict (admiral order).
    - ``Y`` imputation (year missing, usually an empty ``--DTC``) has no range of its own: ``first`` takes the
      latest ``min_dates`` value, ``last`` the earliest ``max_dates`` value.
    - ``<prefix>DTF`` is ``D``, ``M`` or ``Y`` after the missing parts, missing for complete dates; it is added
      whenever ``highest_imputation`` is not ``n`` (admiral ``flag_imputation = "auto"``).
    """
    min_dates, max_dates = min_dates or [], max_dates or []
    assert_columns(dataset, [dtc, *min_dates, *max_dates], "input dataset")
    if highest_imputation == "Y" and not (min_dates if date_imputation == "first" else max_dates):
        raise InputError(
            "highest_imputation='Y' needs min_dates for first or max_dates for last imputation",
            expected="min_dates with date_imputation='first' or max_dates with date_imputation='last'",
        )
    level, first, last = _possible_range(dataset[dtc])
    allowed = level.le(_LEVELS[highest_imputation])
    imputed = (first if date_imputation == "first" else last).copy()
    if highest_imputation == "Y":
        seed = dataset[min_dates].max(axis=1) if date_imputation == "first" else dataset[max_dates].min(axis=1)
        imputed = imputed.where(level.lt(3), seed)
    lower = first.where(level.lt(3), pd.Timestamp.min)
    upper = last.where(level.lt(3), pd.Timestamp.max)
    for column in min_dates:
        bound = dataset[column]
        clamp = bound.between(lower, upper) & level.gt(0) & (imputed < bound)
        imputed = imputed.where(~clamp, bound)
    for column in max_dates:
        bound = dataset[column]
        clamp = bound.between(lower, upper) & level.gt(0) & (imputed > bound)
        imputed = imputed.where(~clamp, bound)
    out = dataset.copy()
    out[f"{new_vars_prefix}DT"] = imputed.where(allowed).astype("datetime64[us]")
    if highest_imputation != "n":
        flag = pd.Series(np.select([level.eq(1), level.eq(2), level.eq(3)], ["D", "M", "Y"], ""), index=out.index)
        out[f"{new_vars_prefix}DTF"] = flag.where(allowed & level.gt(0) & out[f"{new_vars_prefix}DT"].notna())
        out[f"{new_vars_prefix}DTF"] = out[f"{new_vars_prefix}DTF"].astype("str")
    return out


def derive_vars_dt_start_end(
    dataset: pd.DataFrame,
    start_dtc: str,
    end_dtc: str,
    *,
    start_prefix: str = "AST",
    end_prefix: str = "AEN",
    highest_imputation: Imputation = "M",
    first_dose_date: str | None = "TRTSDT",
    end_limits: list[str] | None = None,
) -> pd.DataFrame:
    """Impute a start/end pair (AE, CM) together: ``ASTDT``/``ASTDTF`` and ``AENDT``/``AENDTF``.

    Paired rules, in this order (admiral imputation vignette; admiral issues #727 and #1020 ask for them):

    1. End date: last possible date, never after any of ``end_limits`` (e.g. ``DTHDT``, data cutoff) when
       that limit falls inside the end date's possible range.
    2. Start date: first possible date; if the first dose date falls inside the start's possible range and
       the imputed start is before it, the start is the first dose date (an event in the month of first
       dose is not assumed to predate treatment).
    3. The imputed start is never after the end date when the end date is complete (``end_dtc`` with day):
       this rule is applied last and wins over rule 2.
    """
    end_limits = end_limits or []
    with_end = derive_vars_dt(
        dataset,
        end_prefix,
        end_dtc,
        highest_imputation=highest_imputation,
        date_imputation="last",
        max_dates=end_limits,
    )
    with_end["_complete_end"] = compute_dt_from_dtc(dataset[end_dtc])
    both = derive_vars_dt(
        with_end,
        start_prefix,
        start_dtc,
        highest_imputation=highest_imputation,
        date_imputation="first",
        min_dates=[first_dose_date] if first_dose_date else None,
        max_dates=["_complete_end"],
    )
    return both.drop(columns="_complete_end")


def compute_duration(
    start: pd.Series, end: pd.Series, out_unit: DurationUnit = "days", *, add_one: bool = True
) -> pd.Series:
    """Duration from ``start`` to ``end`` in ``out_unit``; missing when either date is missing.

    Rule (admiral ``compute_duration()``): days = end - start, plus one day when ``add_one`` and the duration
    is not negative (so an event on the start date lasts 1 day); weeks = days / 7, months = days / 30.4375,
    years = days / 365.25 (:data:`DAYS_PER_UNIT`).
    """
    days = (end - start).dt.days.astype("Float64")
    if add_one:
        days = days + days.ge(0).astype("Float64")
    return (days / DAYS_PER_UNIT[out_unit]).astype("float64")


def derive_var_dy(
    dataset: pd.DataFrame, date: str = "ADT", *, new_var: str = "ADY", reference_date: str = "TRTSDT"
) -> pd.DataFrame:
    """Add the study day ``new_var`` of ``date`` relative to ``reference_date`` (admiral ``derive_vars_dy()``).

    Rule (ADaMIG 1.3 §3.3.3 ``*DY``): ``date - reference + 1`` when ``date >= reference`` (no day 0), else
    ``date - reference``; missing when either date is missing. Integer (``Int64``).
    """
    assert_columns(dataset, [date, reference_date], "input dataset")
    # Dates may arrive as object columns (e.g. all-missing after a merge); compare them as datetimes.
    days = compute_duration(pd.to_datetime(dataset[reference_date]), pd.to_datetime(dataset[date]), "days")
    return dataset.assign(**{new_var: days.round().astype("Int64")})
