"""Kaplan–Meier estimates over an ADTTE-shaped frame: survival curve, rate at a time point, median.

Input is ADTTE or any frame shaped like it: ``PARAMCD``, ``AVAL`` (time from STARTDT, in AVALU) and ``CNSR``
(0 = event, any other value = censored, ADaMIG 1.3 TTE convention). Records with a missing AVAL or CNSR are
not analysed. Every estimate is computed per PARAMCD with groupby / cumulative operations (no per-row loop).

Conventions (each stated where it is applied):

- Product-limit estimator (Kaplan E, Meier P, JASA 1958;53:457): S(t) = prod over event times t_j <= t of
  (1 - d_j / n_j), d_j events at t_j, n_j subjects at risk just before t_j (AVAL >= t_j).
- Ties: events are taken to occur before censorings at the same time, so a subject censored at t_j is still
  at risk at t_j (Kalbfleisch JD, Prentice RL, *The Statistical Analysis of Failure Time Data*, 2nd ed.
  2002, §1.4; the convention of R ``survival::survfit`` and SAS PROC LIFETEST).
- Variance: Greenwood's formula, Var(S(t)) = S(t)^2 * sum_{t_j <= t} d_j / (n_j (n_j - d_j)).
- Confidence interval: log(-log) transform ("exponential Greenwood", Kalbfleisch & Prentice 2002 §1.4; R
  ``survfit(conf.type = "log-log")``; SAS PROC LIFETEST default ``CONFTYPE=LOGLOG``): with
  sigma^2 = sum d_j / (n_j (n_j - d_j)) and z the normal quantile, the bounds are
  S^exp(-z sigma / log S) (lower) and S^exp(z sigma / log S) (upper). The transform is undefined at S = 1
  (before the first event) and S = 0: the bounds are then missing (as R gives NA).
- Median: the smallest event time t with S(t) <= 0.5 (Collett D, *Modelling Survival Data in Medical
  Research*, 3rd ed. 2015, §2.4; SAS PROC LIFETEST). R ``survfit`` differs only when S(t) equals 0.5
  exactly over an interval, where it takes the midpoint to the next event time. Not reached: missing.
  Its confidence interval (Brookmeyer R, Crowley J, Biometrics 1982;38:29, with the same log(-log)
  pointwise bounds, as R ``quantile.survfit`` and SAS): lower = smallest event time with lower bound
  <= 0.5, upper = smallest event time with upper bound <= 0.5; missing when never reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from cdiscmm.adam.checks import assert_columns

#: Columns of :func:`estimate_km`: one row per PARAMCD and distinct time (event or censoring).
KM_COLUMNS: list[str] = ["PARAMCD", "TIME", "N_RISK", "N_EVENT", "N_CENSOR", "SURV", "STDERR", "LCL", "UCL"]
_ADTTE = "ADTTE"


@dataclass(frozen=True)
class KmRate:
    """S(time) of one parameter with its Greenwood standard error, log(-log) CI and counts.

    ``n`` subjects analysed, ``events`` events over all follow-up, ``n_risk`` subjects still at risk at
    ``time`` (AVAL >= time).
    """

    paramcd: str
    time: float
    n: int
    events: int
    n_risk: int
    surv: float
    stderr: float
    lcl: float
    ucl: float
    conf_level: float


@dataclass(frozen=True)
class KmMedian:
    """The Kaplan–Meier median of one parameter and its Brookmeyer–Crowley CI (missing when not reached)."""

    paramcd: str
    n: int
    events: int
    median: float
    lcl: float
    ucl: float
    conf_level: float


def compute_normal_quantile(conf_level: float) -> float:
    """Two-sided standard normal quantile for ``conf_level`` (1.959964 for 0.95)."""
    if not 0 < conf_level < 1:
        raise ValueError(f"conf_level must be between 0 and 1, got {conf_level}")
    return NormalDist().inv_cdf(1 - (1 - conf_level) / 2)


def compute_km_loglog_ci(surv: pd.Series, greenwood_sum: pd.Series, z: float) -> tuple[pd.Series, pd.Series]:
    """Log(-log) confidence bounds of S from S and the Greenwood sum sigma^2 (see the module docstring).

    Rule: lower = S^exp(-z sigma / log S), upper = S^exp(z sigma / log S); missing where S is 0 or 1.
    """
    defined = (surv > 0) & (surv < 1)
    safe = surv.where(defined, 0.5)
    shift = z * np.sqrt(greenwood_sum.where(defined, 0.0)) / np.log(safe)
    lower = (safe ** np.exp(-shift)).where(defined)
    upper = (safe ** np.exp(shift)).where(defined)
    return lower, upper


def _analysed(adtte: pd.DataFrame, paramcd: str | None) -> pd.DataFrame:
    assert_columns(adtte, ["PARAMCD", "AVAL", "CNSR"], _ADTTE)
    rows = adtte.loc[:, ["PARAMCD", "AVAL", "CNSR"]].dropna(subset=["AVAL", "CNSR"])
    if paramcd is not None:
        rows = rows.loc[rows["PARAMCD"].eq(paramcd)]
    return rows.astype({"AVAL": "float64", "CNSR": "float64"})


def estimate_km(adtte: pd.DataFrame, paramcd: str | None = None, conf_level: float = 0.95) -> pd.DataFrame:
    """Kaplan–Meier table: one row per PARAMCD (or only ``paramcd``) and distinct AVAL, event or censoring.

    Columns :data:`KM_COLUMNS`: TIME (AVAL), N_RISK (AVAL >= TIME: events before censorings at a tie),
    N_EVENT (CNSR = 0 at TIME), N_CENSOR (CNSR != 0 at TIME), SURV (product-limit S(TIME)), STDERR
    (Greenwood; 0 once S reaches 0), LCL / UCL (log(-log), ``conf_level``). Rows at censoring-only times
    carry the survival of the last event time. Empty input gives an empty table with these columns.
    """
    z = compute_normal_quantile(conf_level)
    rows = _analysed(adtte, paramcd)
    if rows.empty:
        return pd.DataFrame({column: pd.Series(dtype="float64") for column in KM_COLUMNS}).astype(
            {"PARAMCD": "str", "N_RISK": "int64", "N_EVENT": "int64", "N_CENSOR": "int64"}
        )
    counts = (
        rows.assign(_event=rows["CNSR"].eq(0).astype("int64"))
        .groupby(["PARAMCD", "AVAL"], sort=True)
        .agg(N_EVENT=("_event", "sum"), _total=("_event", "size"))
        .reset_index()
        .rename(columns={"AVAL": "TIME"})
    )
    by_param = counts.groupby("PARAMCD", sort=False)["_total"]
    # at risk at TIME = all subjects of the parameter minus those whose AVAL is earlier
    counts["N_RISK"] = by_param.transform("sum") - (by_param.cumsum() - counts["_total"])
    counts["N_CENSOR"] = counts["_total"] - counts["N_EVENT"]
    risk, events = counts["N_RISK"].astype("float64"), counts["N_EVENT"].astype("float64")
    counts["SURV"] = (1 - events / risk).groupby(counts["PARAMCD"], sort=False).cumprod()
    survivors = risk - events
    term = pd.Series(
        np.divide(events, risk * survivors, out=np.full(len(counts), np.inf), where=survivors.to_numpy() > 0),
        index=counts.index,
    ).where(events > 0, 0.0)
    greenwood = term.groupby(counts["PARAMCD"], sort=False).cumsum()
    counts["STDERR"] = (counts["SURV"] * np.sqrt(greenwood.where(counts["SURV"] > 0, 0.0))).fillna(0.0)
    counts["LCL"], counts["UCL"] = compute_km_loglog_ci(counts["SURV"], greenwood, z)
    return counts.loc[:, KM_COLUMNS].astype({"N_RISK": "int64", "N_EVENT": "int64", "N_CENSOR": "int64"})


def estimate_km_rate(adtte: pd.DataFrame, paramcd: str, time: float, conf_level: float = 0.95) -> KmRate:
    """S(``time``) of ``paramcd``: the survival of the last event time <= ``time``, with SE, CI and counts.

    Rules: before the first event S = 1 (SE 0, CI missing: the log(-log) transform is undefined there).
    Beyond the last observed AVAL the curve is not defined unless it has reached 0 (R ``summary.survfit``
    with ``extend = FALSE``): then S, SE and CI are missing, except S = 0 (SE 0) after a last event that
    emptied the risk set. No records: n = 0 and everything missing.
    """
    rows = _analysed(adtte, paramcd)
    n, events = len(rows), int(rows["CNSR"].eq(0).sum())
    n_risk = int(rows["AVAL"].ge(time).sum())
    table = estimate_km(rows, paramcd, conf_level)
    reached = table.loc[table["TIME"].le(time) & table["N_EVENT"].gt(0)]
    if table.empty:
        surv, stderr, lcl, ucl = np.nan, np.nan, np.nan, np.nan
    elif reached.empty:
        surv, stderr, lcl, ucl = 1.0, 0.0, np.nan, np.nan
    else:
        last = reached.iloc[-1]
        surv, stderr, lcl, ucl = (float(last[name]) for name in ("SURV", "STDERR", "LCL", "UCL"))
        if time > table["TIME"].max() and surv > 0:
            surv, stderr, lcl, ucl = np.nan, np.nan, np.nan, np.nan
    return KmRate(paramcd, float(time), n, events, n_risk, surv, stderr, lcl, ucl, conf_level)


def _first_time_at_or_below(table: pd.DataFrame, column: str, level: float) -> float:
    hit = table.loc[table[column].le(level), "TIME"]
    return float(hit.iloc[0]) if len(hit) else np.nan


def estimate_km_median(adtte: pd.DataFrame, paramcd: str, conf_level: float = 0.95) -> KmMedian:
    """Median of ``paramcd``: the smallest event time with S(t) <= 0.5, and its Brookmeyer–Crowley CI.

    Rule (module docstring): median = first event time with SURV <= 0.5; lower bound = first event time
    with LCL <= 0.5; upper bound = first event time with UCL <= 0.5; each missing when never reached.
    Where S has reached 0 the bounds are taken as 0 (the log(-log) bounds are undefined there).
    """
    rows = _analysed(adtte, paramcd)
    table = estimate_km(rows, paramcd, conf_level)
    steps = table.loc[table["N_EVENT"].gt(0)]
    zero = steps["SURV"].le(0)
    steps = steps.assign(LCL=steps["LCL"].mask(zero, 0.0), UCL=steps["UCL"].mask(zero, 0.0))
    return KmMedian(
        paramcd=paramcd,
        n=len(rows),
        events=int(rows["CNSR"].eq(0).sum()),
        median=_first_time_at_or_below(steps, "SURV", 0.5),
        lcl=_first_time_at_or_below(steps, "LCL", 0.5),
        ucl=_first_time_at_or_below(steps, "UCL", 0.5),
        conf_level=conf_level,
    )
