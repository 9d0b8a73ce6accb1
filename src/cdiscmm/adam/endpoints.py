"""Endpoint summary of one study from its ADaM datasets: response rates, KM rates and medians, event counts.

One row per endpoint (:data:`ENDPOINT_COLUMNS`), from ADRS (responder parameters) and ADTTE (time-to-event
parameters); an endpoint whose dataset or parameter was not built is left out. Rules:

- Response rates (confirmed, IMWG 2016, ``specs/adam/adrs.yaml``): ORR = RSP, >=VGPR = VGPRRSP, >=CR = CRRSP.
  Denominator N = the subjects with a record of the parameter, i.e. the analysis set ADRS uses: ADRS holds
  one responder record per ADSL subject (:func:`cdiscmm.adam.imwg.derive_param_response`; a subject without
  an assessment is a non-responder, AVALC 'N'). EVENTS = responders (AVALC 'Y'). ESTIMATE = EVENTS / N with
  the exact Clopper–Pearson CI (Clopper CJ, Pearson ES, Biometrika 1934;26:404; method 5 of Newcombe RG,
  Stat Med 1998;17:857).
- Kaplan–Meier rates at 6 months for PFS and OS (:func:`cdiscmm.adam.km.estimate_km_rate`, log(-log) CI).
  The time point is in the parameter's AVALU: 6 when AVALU is MONTHS; otherwise 6 months of 30.4375 days
  converted to the unit (:data:`cdiscmm.adam.dates.DAYS_PER_UNIT`, the month ADTTE's AVAL uses), e.g.
  182.625 when AVALU is DAYS (AVAL <= 182.625 days, i.e. ADT - STARTDT + 1 <= 182).
- Kaplan–Meier medians of PFS, OS, DOR and TTNT (:func:`cdiscmm.adam.km.estimate_km_median`, Brookmeyer–
  Crowley CI); missing when not reached.
- Median TTR and TTCR among responders: the plain median of AVAL over the records with CNSR = 0 (subjects
  who reached the response); descriptive, no CI, because time to response among responders is conditional on
  responding and is not a survival curve.
- Every time-to-event row gives its parameter's N (records), EVENTS (CNSR = 0) and CENSORED (CNSR != 0).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from cdiscmm.adam.checks import assert_columns
from cdiscmm.adam.dates import DAYS_PER_UNIT
from cdiscmm.adam.km import estimate_km_median, estimate_km_rate
from cdiscmm.core.errors import InputError, Location
from cdiscmm.metadata.model import Dataset

ENDPOINT_COLUMNS: list[str] = [
    "STUDYID",
    "ENDPOINT",
    "PARAMCD",
    "N",
    "EVENTS",
    "CENSORED",
    "TIMEPOINT",
    "ESTIMATE",
    "LCL",
    "UCL",
    "UNIT",
    "METHOD",
]
#: The ADaM datasets the summary reads (any other is ignored).
ENDPOINT_SOURCES: tuple[str, ...] = ("ADRS", "ADTTE")
#: Months of the landmark KM rates (PFS and OS at 6 months).
LANDMARK_MONTHS = 6.0
#: Confidence level of every interval.
CONF_LEVEL = 0.95

#: Responder parameters of ADRS summarised as rates: PARAMCD -> endpoint name.
RESPONSE_RATES: dict[str, str] = {
    "RSP": "Overall response rate (confirmed PR or better)",
    "VGPRRSP": "VGPR or better rate (confirmed)",
    "CRRSP": "CR or better rate (confirmed)",
}
#: ADTTE parameters summarised by a KM rate at :data:`LANDMARK_MONTHS`: PARAMCD -> endpoint name.
KM_RATES: dict[str, str] = {"PFS": "6-month progression-free survival rate", "OS": "6-month overall survival rate"}
#: ADTTE parameters summarised by the KM median: PARAMCD -> endpoint name.
KM_MEDIANS: dict[str, str] = {
    "PFS": "Median progression-free survival",
    "OS": "Median overall survival",
    "DOR": "Median duration of response",
    "TTNT": "Median time to next treatment",
}
#: ADTTE parameters summarised by the median among responders (CNSR = 0): PARAMCD -> endpoint name.
RESPONDER_MEDIANS: dict[str, str] = {
    "TTR": "Median time to response among responders",
    "TTCR": "Median time to CR or better among CR responders",
}

_RATE_METHOD = "Proportion of subjects with AVALC = 'Y' among all ADRS subjects; exact Clopper-Pearson 95% CI"
_KM_RATE_METHOD = "Kaplan-Meier S(t) at t = 6 months; Greenwood variance; log(-log) 95% CI"
_KM_MEDIAN_METHOD = "Kaplan-Meier median (smallest event time with S(t) <= 0.5); Brookmeyer-Crowley log(-log) 95% CI"
_RESPONDER_METHOD = "Median of AVAL among subjects with the event (CNSR = 0); descriptive; no CI"


def _binomial_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p), summed in log space."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    i = np.arange(k + 1)
    m = np.arange(1, k + 1)
    log_choose = np.concatenate([[0.0], np.cumsum(np.log(n - m + 1) - np.log(m))])
    return float(np.exp(log_choose + i * np.log(p) + (n - i) * np.log1p(-p)).sum())


def _solve_decreasing(target: float, function: Callable[[float], float]) -> float:
    """The p in (0, 1) where the decreasing ``function(p)`` equals ``target``, by bisection (to 1e-12)."""
    low, high = 0.0, 1.0
    while high - low > 1e-12:
        middle = (low + high) / 2
        if function(middle) > target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def compute_clopper_pearson(events: int, n: int, conf_level: float = CONF_LEVEL) -> tuple[float, float]:
    """Exact (Clopper–Pearson) CI of a binomial proportion ``events / n``.

    Rule: the lower bound is the p with P(X >= events | p) = alpha / 2 (0 when events = 0), the upper bound
    the p with P(X <= events | p) = alpha / 2 (1 when events = n), alpha = 1 - ``conf_level``. Both are
    found by bisection on the binomial distribution function (equal to the beta-quantile form). n = 0: both
    missing.
    """
    if n <= 0:
        return np.nan, np.nan
    alpha = 1 - conf_level
    lower = 0.0 if events == 0 else _solve_decreasing(1 - alpha / 2, lambda p: _binomial_cdf(events - 1, n, p))
    upper = 1.0 if events == n else _solve_decreasing(alpha / 2, lambda p: _binomial_cdf(events, n, p))
    return lower, upper


def compute_landmark_time(months: float, avalu: str) -> float:
    """``months`` expressed in ADTTE's AVALU (MONTHS, DAYS, WEEKS, YEARS), with a month of 30.4375 days."""
    unit = avalu.strip().lower()
    if unit not in DAYS_PER_UNIT:
        raise InputError(
            f"ADTTE AVALU {avalu!r} is not a time unit",
            Location(file="ADTTE", field="AVALU"),
            found=avalu,
            expected=", ".join(name.upper() for name in DAYS_PER_UNIT),
        )
    return months * DAYS_PER_UNIT["months"] / DAYS_PER_UNIT[unit]


def _unit_of(records: pd.DataFrame, paramcd: str) -> str:
    units = records["AVALU"].dropna().unique() if "AVALU" in records.columns else []
    if len(units) != 1:
        raise InputError(
            f"ADTTE {paramcd} must have one AVALU",
            Location(file="ADTTE", field="AVALU"),
            found=sorted(map(str, units)),
            expected="one unit per parameter",
        )
    return str(units[0])


def _row(endpoint: str, paramcd: str, **values: object) -> dict[str, object]:
    return {"ENDPOINT": endpoint, "PARAMCD": paramcd, **values}


def summarise_response_rates(adrs: pd.DataFrame, conf_level: float = CONF_LEVEL) -> list[dict[str, object]]:
    """Rows for ORR, >=VGPR and >=CR (:data:`RESPONSE_RATES`) from ADRS responder records (module rules)."""
    assert_columns(adrs, ["USUBJID", "PARAMCD", "AVALC"], "ADRS")
    responders = adrs.loc[adrs["PARAMCD"].isin(list(RESPONSE_RATES))]
    counts = responders.groupby("PARAMCD")["AVALC"].agg(N="size", EVENTS=lambda values: int(values.eq("Y").sum()))
    rows = []
    for paramcd, endpoint in RESPONSE_RATES.items():
        if paramcd not in counts.index:
            continue
        n, events = int(counts.loc[paramcd, "N"]), int(counts.loc[paramcd, "EVENTS"])
        lcl, ucl = compute_clopper_pearson(events, n, conf_level)
        values = {"ESTIMATE": events / n if n else np.nan, "LCL": lcl, "UCL": ucl}
        rows.append(_row(endpoint, paramcd, N=n, EVENTS=events, **values, UNIT="PROPORTION", METHOD=_RATE_METHOD))
    return rows


def _tte_counts(records: pd.DataFrame) -> dict[str, object]:
    analysed = records.dropna(subset=["AVAL", "CNSR"])
    events = int(analysed["CNSR"].eq(0).sum())
    return {"N": len(analysed), "EVENTS": events, "CENSORED": len(analysed) - events}


def summarise_tte(adtte: pd.DataFrame, conf_level: float = CONF_LEVEL) -> list[dict[str, object]]:
    """Rows for the KM rates, KM medians and responder medians of ADTTE's parameters (module rules)."""
    assert_columns(adtte, ["USUBJID", "PARAMCD", "AVAL", "AVALU", "CNSR"], "ADTTE")
    present = set(adtte["PARAMCD"].dropna().unique())
    rows: list[dict[str, object]] = []
    for paramcd, endpoint in KM_RATES.items():
        if paramcd not in present:
            continue
        records = adtte.loc[adtte["PARAMCD"].eq(paramcd)]
        unit = _unit_of(records, paramcd)
        time = compute_landmark_time(LANDMARK_MONTHS, unit)
        rate = estimate_km_rate(records, paramcd, time, conf_level)
        values = {"TIMEPOINT": time, "ESTIMATE": rate.surv, "LCL": rate.lcl, "UCL": rate.ucl, "UNIT": "PROPORTION"}
        method = f"{_KM_RATE_METHOD} ({time:g} {unit}); {rate.n_risk} at risk at t"
        rows.append(_row(endpoint, paramcd, **_tte_counts(records), **values, METHOD=method))
    for paramcd, endpoint in KM_MEDIANS.items():
        if paramcd not in present:
            continue
        records = adtte.loc[adtte["PARAMCD"].eq(paramcd)]
        median = estimate_km_median(records, paramcd, conf_level)
        values = {"ESTIMATE": median.median, "LCL": median.lcl, "UCL": median.ucl, "UNIT": _unit_of(records, paramcd)}
        rows.append(_row(endpoint, paramcd, **_tte_counts(records), **values, METHOD=_KM_MEDIAN_METHOD))
    for paramcd, endpoint in RESPONDER_MEDIANS.items():
        if paramcd not in present:
            continue
        records = adtte.loc[adtte["PARAMCD"].eq(paramcd)]
        reached = records.loc[records["CNSR"].eq(0), "AVAL"].dropna()
        values = {"ESTIMATE": float(reached.median()) if len(reached) else np.nan, "UNIT": _unit_of(records, paramcd)}
        rows.append(_row(endpoint, paramcd, **_tte_counts(records), **values, METHOD=_RESPONDER_METHOD))
    return rows


def _studyid(adam: Mapping[str, Dataset]) -> str | None:
    for dataset in adam.values():
        if "STUDYID" in dataset.data.columns:
            values = dataset.data["STUDYID"].dropna().unique()
            if len(values):
                return str(values[0])
    return None


def summarise_endpoints(adam: Mapping[str, Dataset], conf_level: float = CONF_LEVEL) -> pd.DataFrame:
    """One row per endpoint of the study (:data:`ENDPOINT_COLUMNS`), from ADRS and ADTTE when built.

    Order: response rates (ORR, >=VGPR, >=CR), 6-month PFS and OS rates, medians of PFS, OS, DoR, TTNT, then
    median TTR and TTCR among responders. ESTIMATE/LCL/UCL are proportions (0-1) for rates and AVALU
    (e.g. MONTHS) for medians; N, EVENTS and CENSORED count the parameter's records (see the module rules).
    """
    rows: list[dict[str, object]] = []
    if "ADRS" in adam:
        rows += summarise_response_rates(adam["ADRS"].data, conf_level)
    if "ADTTE" in adam:
        rows += summarise_tte(adam["ADTTE"].data, conf_level)
    summary = pd.DataFrame(rows, columns=ENDPOINT_COLUMNS).assign(STUDYID=_studyid(adam))
    return summary.astype({"N": "Int64", "EVENTS": "Int64", "CENSORED": "Int64"})


def compute_endpoint_table(adam: Mapping[str, Dataset]) -> pd.DataFrame:
    """:func:`summarise_endpoints` as the study's ``endpoints.csv`` gives it: estimates rounded to 6 decimals."""
    summary = summarise_endpoints(adam)
    numbers = ["TIMEPOINT", "ESTIMATE", "LCL", "UCL"]
    summary[numbers] = summary[numbers].astype("float64").round(6)
    return summary
