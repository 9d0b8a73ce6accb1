"""Kaplan–Meier estimator: a published textbook dataset, then small cases worked out by hand.

Published data: Freireich EJ et al., Blood 1963;21:699, remission times (weeks) of the 21 acute leukaemia
patients on 6-mercaptopurine (6-MP), as tabulated with their product-limit estimates in Kleinbaum DG, Klein M,
*Survival Analysis: A Self-Learning Text*, 3rd ed., Springer 2012, chapter 2 (also Kalbfleisch JD, Prentice
RL, *The Statistical Analysis of Failure Time Data*, 2nd ed., 2002, §1.1.1): S(6) = 0.857, S(7) = 0.807,
S(10) = 0.753, S(13) = 0.690, S(16) = 0.627, S(22) = 0.538, S(23) = 0.448; Greenwood SE at 6 weeks 0.0764;
median 23 weeks.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cdiscmm.adam.km import (
    KM_COLUMNS,
    compute_normal_quantile,
    estimate_km,
    estimate_km_median,
    estimate_km_rate,
)
from cdiscmm.core.errors import InputError

# 6-MP arm: * = censored (CNSR 1): 6,6,6,6*,7,9*,10,10*,11*,13,16,17*,19*,20*,22,23,25*,32*,32*,34*,35*
SIX_MP_TIMES = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
SIX_MP_CNSR = [0, 0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1]
PUBLISHED_SURVIVAL = {6: 0.857, 7: 0.807, 10: 0.753, 13: 0.690, 16: 0.627, 22: 0.538, 23: 0.448}


def adtte(times: list[float], cnsr: list[int], paramcd: str = "REM") -> pd.DataFrame:
    return pd.DataFrame({"USUBJID": [f"S{i}" for i in range(len(times))], "PARAMCD": paramcd, "AVAL": times,
                         "CNSR": cnsr})  # fmt: skip


@pytest.fixture(scope="module")
def six_mp() -> pd.DataFrame:
    return adtte(SIX_MP_TIMES, SIX_MP_CNSR)


def test_six_mp_survival_matches_the_published_estimates(six_mp: pd.DataFrame) -> None:
    table = estimate_km(six_mp).set_index("TIME")
    assert list(table.columns) == KM_COLUMNS[:1] + KM_COLUMNS[2:]
    events = table.loc[table["N_EVENT"].gt(0)]
    assert list(events.index) == list(PUBLISHED_SURVIVAL)
    for time, published in PUBLISHED_SURVIVAL.items():
        assert events.loc[time, "SURV"] == pytest.approx(published, abs=5e-4), time
    # risk sets of the published table: 21 at 6, 17 at 7, 15 at 10, 12 at 13, 11 at 16, 7 at 22, 6 at 23
    assert list(events["N_RISK"]) == [21, 17, 15, 12, 11, 7, 6]
    assert list(events["N_EVENT"]) == [3, 1, 1, 1, 1, 1, 1]


def test_six_mp_greenwood_se_and_log_log_ci_at_6_weeks(six_mp: pd.DataFrame) -> None:
    rate = estimate_km_rate(six_mp, "REM", 6)
    assert (rate.n, rate.events, rate.n_risk) == (21, 9, 21)
    assert rate.surv == pytest.approx(18 / 21)
    assert rate.stderr == pytest.approx(0.0764, abs=5e-5)  # published Greenwood SE
    # by hand: sigma^2 = 3 / (21 * 18); log S = log(6/7); shift = 1.959964 * sigma / log S = -1.13272
    # lower = S^exp(1.13272) = 0.6197, upper = S^exp(-1.13272) = 0.9516 (R survfit conf.type = "log-log")
    sigma = math.sqrt(3 / (21 * 18))
    shift = compute_normal_quantile(0.95) * sigma / math.log(18 / 21)
    assert rate.lcl == pytest.approx((18 / 21) ** math.exp(-shift))
    assert rate.ucl == pytest.approx((18 / 21) ** math.exp(shift))
    assert (round(rate.lcl, 4), round(rate.ucl, 4)) == (0.6197, 0.9516)


def test_six_mp_rate_between_event_times_is_the_last_step(six_mp: pd.DataFrame) -> None:
    rate = estimate_km_rate(six_mp, "REM", 12)  # last event time <= 12 is 10
    assert rate.surv == pytest.approx(0.753, abs=5e-4)
    assert rate.n_risk == 12  # AVAL >= 12: 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35
    # Greenwood at 10: 3/(21*18) + 1/(17*16) + 1/(15*14)
    assert rate.stderr == pytest.approx(rate.surv * math.sqrt(3 / 378 + 1 / 272 + 1 / 210))


def test_six_mp_median_is_23_weeks(six_mp: pd.DataFrame) -> None:
    median = estimate_km_median(six_mp, "REM")
    assert median.median == 23
    assert (median.n, median.events) == (21, 9)
    # lower bound: first event time whose lower log(-log) bound is <= 0.5 (the curve computed above)
    table = estimate_km(six_mp)
    steps = table.loc[table["N_EVENT"].gt(0)]
    assert median.lcl == steps.loc[steps["LCL"].le(0.5), "TIME"].iloc[0] == 13
    assert math.isnan(median.ucl)  # the upper bound of S never falls to 0.5


def test_rate_before_first_event_is_one_and_beyond_follow_up_is_missing(six_mp: pd.DataFrame) -> None:
    early = estimate_km_rate(six_mp, "REM", 5)
    assert (early.surv, early.stderr, early.n_risk) == (1.0, 0.0, 21)
    assert math.isnan(early.lcl) and math.isnan(early.ucl)  # log(-log) undefined at S = 1
    late = estimate_km_rate(six_mp, "REM", 36)  # last observation (35) is censored: curve undefined after it
    assert math.isnan(late.surv) and late.n_risk == 0


def test_tied_events() -> None:
    # times 1, 1, 2, 3, all events: S(1) = 1 - 2/4 = 0.5, S(2) = 0.5 * (1 - 1/2) = 0.25, S(3) = 0
    table = estimate_km(adtte([1, 1, 2, 3], [0, 0, 0, 0])).set_index("TIME")
    assert list(table["SURV"]) == [0.5, 0.25, 0.0]
    assert list(table["N_RISK"]) == [4, 2, 1]
    # Greenwood at 1: 0.5 * sqrt(2 / (4 * 2)) = 0.25; at 2: 0.25 * sqrt(1/4 + 1/2); at 3 (S = 0): 0
    assert table.loc[1, "STDERR"] == pytest.approx(0.25)
    assert table.loc[2, "STDERR"] == pytest.approx(0.25 * math.sqrt(0.75))
    assert table.loc[3, "STDERR"] == 0
    assert math.isnan(table.loc[3, "LCL"])
    # median: smallest t with S(t) <= 0.5 is 1 (S equals 0.5 there)
    assert estimate_km_median(adtte([1, 1, 2, 3], [0, 0, 0, 0]), "REM").median == 1
    assert estimate_km_rate(adtte([1, 1, 2, 3], [0, 0, 0, 0]), "REM", 10).surv == 0  # curve reached 0


def test_censoring_at_an_event_time_stays_at_risk() -> None:
    # times 2 (event), 2 (censored), 3 (event), 4 (censored). Events first: at 2, 4 at risk, S = 3/4;
    # at 3, 2 at risk (the subject censored at 2 has left), S = 3/4 * 1/2 = 0.375.
    frame = adtte([2, 2, 3, 4], [0, 1, 0, 1])
    table = estimate_km(frame).set_index("TIME")
    assert list(table["N_RISK"]) == [4, 2, 1]
    assert list(table["N_EVENT"]) == [1, 1, 0]
    assert list(table["N_CENSOR"]) == [1, 0, 1]
    assert list(table["SURV"]) == [0.75, 0.375, 0.375]
    # Greenwood at 3: 1/(4*3) + 1/(2*1) = 7/12
    assert table.loc[3, "STDERR"] == pytest.approx(0.375 * math.sqrt(7 / 12))
    assert estimate_km_median(frame, "REM").median == 3


def test_all_censored() -> None:
    frame = adtte([3, 5, 5, 8], [1, 1, 1, 1])
    table = estimate_km(frame)
    assert list(table["SURV"]) == [1.0, 1.0, 1.0]
    assert list(table["STDERR"]) == [0.0, 0.0, 0.0]
    median = estimate_km_median(frame, "REM")
    assert (median.n, median.events) == (4, 0)
    assert math.isnan(median.median) and math.isnan(median.lcl) and math.isnan(median.ucl)
    rate = estimate_km_rate(frame, "REM", 6)
    assert (rate.surv, rate.events, rate.n_risk) == (1.0, 0, 1)


def test_empty_input() -> None:
    empty = adtte([], [])
    assert list(estimate_km(empty).columns) == KM_COLUMNS
    assert estimate_km(empty).empty
    rate = estimate_km_rate(empty, "REM", 6)
    assert (rate.n, rate.events, rate.n_risk) == (0, 0, 0)
    assert math.isnan(rate.surv)
    assert math.isnan(estimate_km_median(empty, "REM").median)


def test_parameters_are_estimated_separately_and_missing_aval_is_ignored() -> None:
    frame = pd.concat(
        [adtte([1, 2], [0, 0], "A"), adtte([1, 2, np.nan], [1, 0, 0], "B")],
        ignore_index=True,
    )
    table = estimate_km(frame)
    assert list(table["PARAMCD"]) == ["A", "A", "B", "B"]
    assert list(table["SURV"]) == [0.5, 0.0, 1.0, 0.0]
    assert list(estimate_km(frame, "B")["N_RISK"]) == [2, 1]
    assert estimate_km_rate(frame, "B", 2).n == 2  # the record without AVAL is not analysed


def test_missing_column_names_it() -> None:
    with pytest.raises(InputError, match="CNSR"):
        estimate_km(pd.DataFrame({"PARAMCD": ["A"], "AVAL": [1.0]}))
