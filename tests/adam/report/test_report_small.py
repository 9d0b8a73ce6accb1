"""Endpoint report on a hand-made six-subject ADaM: every table against hand counts or an independent computation.

Independent computations live in this file: exact binomial CIs from ``scipy.stats.binomtest`` and a plain-Python
Kaplan–Meier (one event time at a time, Greenwood variance, log(-log) CI with ``scipy.stats.norm``).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

from cdiscmm.adam.report import efficacy, pro, safety
from cdiscmm.adam.report.build import build_report
from cdiscmm.adam.report.render import REPORT_HTML, write_report

STUDY = "TEST-RPT"
SUBJECTS = [f"S{i}" for i in range(1, 7)]


def plain_km(times: list[float], events: list[bool]) -> list[tuple[float, int, float, float, float, float]]:
    """(event time, at risk, S, Greenwood SE, lower, upper) at each event time; one subject at a time."""
    z = stats.norm.ppf(0.975)
    surv, greenwood, rows = 1.0, 0.0, []
    for time in sorted({t for t, e in zip(times, events, strict=True) if e}):
        at_risk = sum(1 for t in times if t >= time)
        died = sum(1 for t, e in zip(times, events, strict=True) if e and t == time)
        surv *= 1 - died / at_risk
        greenwood += died / (at_risk * (at_risk - died)) if at_risk > died else 0.0
        if 0 < surv < 1:
            shift = z * math.sqrt(greenwood) / math.log(surv)
            lower, upper = surv ** math.exp(-shift), surv ** math.exp(shift)
        else:
            lower = upper = math.nan
        rows.append((time, at_risk, surv, surv * math.sqrt(greenwood), lower, upper))
    return rows


def plain_rate(times: list[float], events: list[bool], at: float) -> float:
    steps = [row for row in plain_km(times, events) if row[0] <= at]
    return steps[-1][2] if steps else 1.0


def plain_median(times: list[float], events: list[bool]) -> float:
    return next((row[0] for row in plain_km(times, events) if row[2] <= 0.5), math.nan)


# PFS (months): events at 2, 4, 4, 9; censored at 5 and 12.
PFS = {"S1": (2, 0), "S2": (4, 0), "S3": (4, 0), "S4": (5, 1), "S5": (9, 0), "S6": (12, 1)}
# OS (months): one death at 7; the others censored.
OS = {"S1": (7, 0), "S2": (8, 1), "S3": (10, 1), "S4": (11, 1), "S5": (12, 1), "S6": (12, 1)}


def adam_frames() -> dict[str, pd.DataFrame]:
    adsl = pd.DataFrame({"USUBJID": SUBJECTS, "SAFFL": ["Y"] * 5 + ["N"]})
    best = ["sCR", "CR", "VGPR", "PR", "SD", ""]
    flags = {"RSP": "YYYYNN", "VGPRRSP": "YYYNNN", "CRRSP": "YYNNNN"}
    adrs = pd.concat(
        [pd.DataFrame({"USUBJID": SUBJECTS, "PARAMCD": "CBOR", "AVALC": best})]
        + [pd.DataFrame({"USUBJID": SUBJECTS, "PARAMCD": code, "AVALC": list(v)}) for code, v in flags.items()],
        ignore_index=True,
    )
    tte = []
    for paramcd, values in {"PFS": PFS, "OS": OS}.items():
        for subject, (aval, cnsr) in values.items():
            tte.append((subject, paramcd, f"{paramcd} (Months)", aval, "MONTHS", cnsr))
    # TTR: responders S1-S4 at 1, 2, 2, 3 months; S5, S6 censored. TTCR: S1 at 3, S2 at 5.
    for subject, aval, cnsr in [("S1", 1, 0), ("S2", 2, 0), ("S3", 2, 0), ("S4", 3, 0), ("S5", 9, 1), ("S6", 12, 1)]:
        tte.append((subject, "TTR", "Time to Response", aval, "MONTHS", cnsr))
    for subject, aval, cnsr in [("S1", 3, 0), ("S2", 5, 0), ("S3", 4, 1)]:
        tte.append((subject, "TTCR", "Time to CR", aval, "MONTHS", cnsr))
    adtte = pd.DataFrame(tte, columns=["USUBJID", "PARAMCD", "PARAM", "AVAL", "AVALU", "CNSR"])
    ae_columns = ["USUBJID", "TRTEMFL", "CRSFL", "ICANSFL", "AETOXGRN", "ONSLDDY", "ADURN", "AETOCI", "AECORT"]
    ae_columns += ["AEOUT", "ADRFL", "SADRFL", "AEBODSYS", "AEDECOD"]
    imm, nerv, blood = "Immune system disorders", "Nervous system disorders", "Blood and lymphatic system disorders"
    ae = [
        # S1: two CRS (grades 1 and 2 -> highest 2), the second treated with tocilizumab and a steroid
        ("S1", "Y", "Y", None, 1, 1, 2, "N", "N", "RECOVERED/RESOLVED", "Y", "N", imm, "Cytokine release syndrome"),
        ("S1", "Y", "Y", None, 2, 3, 4, "Y", "Y", "RECOVERED/RESOLVED", "Y", "Y", imm, "Cytokine release syndrome"),
        # S2: CRS grade 1; S3: ICANS grade 3 (serious ADR), also neutropenia not related
        ("S2", "Y", "Y", None, 1, 2, 1, "N", "N", "RECOVERED/RESOLVED", "Y", "N", imm, "Cytokine release syndrome"),
        ("S3", "Y", None, "Y", 3, 5, 6, "N", "Y", "NOT RECOVERED/NOT RESOLVED", "Y", "Y", nerv, "ICANS"),
        ("S3", "Y", None, None, 3, 8, 10, None, None, "RECOVERED/RESOLVED", "N", "N", blood, "Neutropenia"),
        # S4: CRS before the first dose (not treatment-emergent): counted nowhere; anaemia related
        ("S4", None, "Y", None, 2, None, 3, "N", "N", "RECOVERED/RESOLVED", "Y", "N", imm, "Cytokine release syndrome"),
        ("S4", "Y", None, None, 1, 9, 20, None, None, "RECOVERED/RESOLVED", "Y", "N", blood, "Anaemia"),
    ]
    adae = pd.DataFrame(ae, columns=ae_columns)
    qs = []
    # GHS: S1 50 -> 60 (+10) at week 12, S2 40 -> 30 (-10) and 60 (+20) at week 24; S3 has no baseline (no CHG)
    for subject, visit, day, aval, base in [
        ("S1", "BASELINE", 1, 50, 50),
        ("S1", "WEEK 12", 85, 60, 50),
        ("S2", "BASELINE", 1, 40, 40),
        ("S2", "WEEK 12", 84, 30, 40),
        ("S2", "WEEK 24", 168, 60, 40),
        ("S3", "WEEK 12", 86, 70, None),
    ]:
        chg = None if base is None or visit == "BASELINE" else aval - base
        flag = "Y" if visit == "BASELINE" else None
        qs.append((subject, "QLQ-C30", "GHS", "Global health status", 1, visit, day, flag, aval, base, chg))
    qs_columns = ["USUBJID", "PARCAT1", "PARAMCD", "PARAM", "PARAMN", "AVISIT", "ADY", "ABLFL", "AVAL", "BASE", "CHG"]
    adqs = pd.DataFrame(qs, columns=qs_columns)
    frames = {"ADSL": adsl, "ADRS": adrs, "ADTTE": adtte, "ADAE": adae, "ADQS": adqs}
    return {name: frame.assign(STUDYID=STUDY) for name, frame in frames.items()}


def ho_frame() -> pd.DataFrame:
    # S1: ward stay days 3-9 (7 days) and ICU days 10-11 (2 days); S2: ward stay before day 1 (not counted);
    # S3: outpatient visit (not a stay)
    rows = [
        ("S1", "GENERAL WARD STAY", 3, 9, "CRS"),
        ("S1", "INTENSIVE CARE UNIT STAY", 10, 11, "CRS"),
        ("S2", "GENERAL WARD STAY", -5, -1, "Pneumonia"),
        ("S3", "OUTPATIENT CLINIC VISIT", 4, 4, None),
    ]
    return pd.DataFrame(rows, columns=["USUBJID", "HODECOD", "HOSTDY", "HOENDY", "HOINDC"])


def test_response_rates_match_scipy_exact_binomial() -> None:
    report = build_report(adam_frames())
    estimates = report.sections[0].table.set_index("PARAMCD")
    for paramcd, responders in {"RSP": 4, "VGPRRSP": 3, "CRRSP": 2}.items():
        row = estimates.loc[paramcd]
        interval = stats.binomtest(responders, 6).proportion_ci(confidence_level=0.95, method="exact")
        assert (row["N"], row["EVENTS"]) == (6, responders)
        assert row["ESTIMATE"] == pytest.approx(responders / 6)
        assert row["LCL"] == pytest.approx(interval.low, abs=1e-9)
        assert row["UCL"] == pytest.approx(interval.high, abs=1e-9)


def test_best_response_distribution_in_imwg_order_with_missing_last() -> None:
    table = efficacy.tabulate_best_response(adam_frames()["ADRS"])
    assert table["RESPONSE"].tolist() == ["sCR", "CR", "VGPR", "PR", "MR", "SD", "PD", "NE", "Missing"]
    assert table["N"].tolist() == [1, 1, 1, 1, 0, 1, 0, 0, 1]
    assert table["PCT"].iloc[0] == pytest.approx(100 / 6)


@pytest.mark.parametrize("paramcd", ["PFS", "OS"])
def test_km_curve_matches_plain_python_km(paramcd: str) -> None:
    values = {"PFS": PFS, "OS": OS}[paramcd]
    times = [float(aval) for aval, _ in values.values()]
    events = [cnsr == 0 for _, cnsr in values.values()]
    curves = efficacy.km_curves(adam_frames()["ADTTE"])
    steps = curves.loc[curves["PARAMCD"].eq(paramcd) & curves["N_EVENT"].gt(0)]
    expected = plain_km(times, events)
    assert steps["TIME"].tolist() == [row[0] for row in expected]
    assert steps["N_RISK"].tolist() == [row[1] for row in expected]
    for column, index in [("SURV", 2), ("STDERR", 3), ("LCL", 4), ("UCL", 5)]:
        assert steps[column].tolist() == pytest.approx([row[index] for row in expected], nan_ok=True)


def test_six_month_rates_and_medians_match_plain_python_km() -> None:
    estimates = build_report(adam_frames()).sections[0].table
    pfs_times = [float(a) for a, _ in PFS.values()]
    pfs_events = [c == 0 for _, c in PFS.values()]
    rate = estimates.loc[estimates["ENDPOINT"].str.startswith("6-month progression")].iloc[0]
    # by hand: S(2) = 5/6, S(4) = 5/6 * 3/5 = 1/2; S(6) = 1/2
    assert rate["ESTIMATE"] == pytest.approx(plain_rate(pfs_times, pfs_events, 6.0)) == pytest.approx(0.5)
    median = estimates.loc[estimates["ENDPOINT"].eq("Median progression-free survival")].iloc[0]
    assert median["ESTIMATE"] == plain_median(pfs_times, pfs_events) == 4.0


def test_numbers_at_risk_every_three_months() -> None:
    at_risk = efficacy.tabulate_at_risk(adam_frames()["ADTTE"])
    pfs = at_risk.loc[at_risk["PARAMCD"].eq("PFS")]
    # AVAL 2, 4, 4, 5, 9, 12: >= 0: 6; >= 3: 5; >= 6: 2; >= 9: 2; >= 12: 1. Events up to t: 0, 1, 3, 4, 4
    assert pfs["TIME"].tolist() == [0, 3, 6, 9, 12]
    assert pfs["N_RISK"].tolist() == [6, 5, 2, 2, 1]
    assert pfs["N_EVENTS_BY"].tolist() == [0, 1, 3, 4, 4]


def test_ttr_and_ttcr_among_responders() -> None:
    table = efficacy.tabulate_responder_times(adam_frames()["ADTTE"]).set_index("PARAMCD")
    assert table.loc["TTR", ["N", "N_EVENT", "MEDIAN", "MIN", "MAX"]].tolist() == [6, 4, 2.0, 1.0, 3.0]
    assert table.loc["TTCR", ["N", "N_EVENT", "MEDIAN", "MIN", "MAX"]].tolist() == [3, 2, 4.0, 3.0, 5.0]


def test_crs_icans_by_highest_grade_over_the_safety_set() -> None:
    grades = safety.tabulate_astct_grades(adam_frames()["ADAE"], 5).set_index(["EVENT", "GRADE"])
    # CRS: S1 (highest 2), S2 (1); S4's CRS is not treatment-emergent. ICANS: S3 grade 3.
    assert grades.loc[("CRS", "Any grade"), "N"] == 2
    assert grades.loc[("CRS", "Grade 1"), "N"] == 1
    assert grades.loc[("CRS", "Grade 2"), "N"] == 1
    assert grades.loc[("ICANS", "Grade 3"), "PCT"] == pytest.approx(20.0)


def test_crs_onset_duration_treatment_and_outcome_over_events() -> None:
    course = safety.tabulate_astct_course(adam_frames()["ADAE"]).set_index(["EVENT", "MEASURE"])
    onset = course.loc[("CRS", "Time to onset after last dose (days)")]
    assert onset[["N", "MEDIAN", "MIN", "MAX"]].tolist() == [3, 2.0, 1.0, 3.0]
    assert course.loc[("CRS", "Duration (days)"), "MEDIAN"] == 2.0
    management = safety.tabulate_astct_management(adam_frames()["ADAE"]).set_index(["EVENT", "VALUE"])
    assert management.loc[("CRS", "Tocilizumab"), ["EVENTS", "N"]].tolist() == [3, 1]
    assert management.loc[("ICANS", "Corticosteroids"), "PCT"] == pytest.approx(100.0)
    assert management.loc[("ICANS", "NOT RECOVERED/NOT RESOLVED"), "N"] == 1


def test_adr_by_soc_and_pt_counts_subjects_once_with_seriousness() -> None:
    table = safety.tabulate_adr(adam_frames()["ADAE"], 5)
    rows = {(soc, pt): (n, serious) for soc, pt, n, serious in table[["AEBODSYS", "AEDECOD", "N", "N_SERIOUS"]].values}
    # ADRs: S1 CRS x2 (one serious), S2 CRS, S3 ICANS (serious), S4 anaemia; S4's pre-dose CRS not emergent
    assert rows[("Any adverse drug reaction", "")] == (4, 2)
    assert rows[("Immune system disorders", "Cytokine release syndrome")] == (2, 1)
    assert rows[("Nervous system disorders", "All terms")] == (1, 1)
    assert ("Blood and lymphatic system disorders", "Neutropenia") not in rows
    assert table["AEBODSYS"].iloc[1] == "Immune system disorders"  # the most frequent SOC first


def test_hospital_stays_from_day_one() -> None:
    table = safety.tabulate_hospitalisation(ho_frame(), 5).set_index(["CATEGORY", "VALUE"])
    assert table.loc[("All", "Any inpatient stay"), ["N_SUBJECTS", "N_STAYS", "MEDIAN_DAYS"]].tolist() == [1, 2, 4.5]
    assert table.loc[("Type", "INTENSIVE CARE UNIT STAY"), "MEDIAN_DAYS"] == 2
    assert table.loc[("Reason", "CRS"), "PCT"] == pytest.approx(20.0)


def test_change_from_baseline_by_visit() -> None:
    table = pro.tabulate_change_from_baseline(adam_frames()["ADQS"])
    # week 12: CHG +10 and -10 (S3 has no baseline) -> mean 0, SD sqrt(200); week 24: +20 (n = 1, SD missing)
    assert table["AVISIT"].tolist() == ["WEEK 12", "WEEK 24"]
    assert table["N"].tolist() == [2, 1]
    assert table["MEAN_CHG"].tolist() == [0.0, 20.0]
    assert table["SD_CHG"].iloc[0] == pytest.approx(math.sqrt(200))
    assert math.isnan(table["SE_CHG"].iloc[1])


def test_report_files_hold_the_tables_and_embedded_figures(tmp_path: Path) -> None:
    report = build_report(adam_frames(), ho_frame())
    paths = write_report(report, tmp_path)
    page = (tmp_path / REPORT_HTML).read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 1 + 2 + 2 + 1  # BOR, PFS + OS curves, CRS + ICANS, QLQ
    assert {path.name for path in paths} >= {"endpoints.csv", "km_at_risk.csv", "adr_soc_pt.csv", "hospitalisation.csv"}
    at_risk = pd.read_csv(tmp_path / "km_at_risk.csv")
    assert at_risk.loc[at_risk["PARAMCD"].eq("OS"), "N_RISK"].tolist() == [6, 6, 6, 4, 2]
    again = tmp_path / "again"
    write_report(build_report(adam_frames(), ho_frame()), again)
    assert (again / REPORT_HTML).read_bytes() == (tmp_path / REPORT_HTML).read_bytes()
