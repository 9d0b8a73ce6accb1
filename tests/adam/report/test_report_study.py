"""Endpoint report of a bundled study (EQUE-CN-RWS, N = 40) as ``cdiscmm adam`` writes it, cross-checked.

The report's CSV files are compared with computations made here from the written ADaM XPT files: exact
binomial CIs from scipy, a plain-Python Kaplan–Meier, and subject counts of ADAE done with Python sets.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

from cdiscmm.adam.report.build import build_report, read_report_inputs
from cdiscmm.adam.sdtm_input import read_sdtm_folder
from cdiscmm.io.xpt.read import read_xpt
from tests.adam.report.test_report_small import plain_km, plain_rate
from tests.conftest import SMALL_STUDY

pytestmark = pytest.mark.slow


def _adam(out: Path, name: str) -> pd.DataFrame:
    return read_xpt(out / SMALL_STUDY / "adam" / f"{name}.xpt").data


def _report(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / SMALL_STUDY / "adam" / "report" / f"{name}.csv", keep_default_na=False, na_values=[""])


def test_response_rates_match_scipy(small_study_out: Path) -> None:
    adrs = _adam(small_study_out, "adrs")
    estimates = _report(small_study_out, "endpoints").set_index("PARAMCD")
    for paramcd in ["RSP", "VGPRRSP", "CRRSP"]:
        values = adrs.loc[adrs["PARAMCD"] == paramcd, "AVALC"].tolist()
        responders = values.count("Y")
        interval = stats.binomtest(responders, len(values)).proportion_ci(method="exact")
        row = estimates.loc[paramcd]
        assert (row["N"], row["EVENTS"]) == (len(values), responders)
        assert row["LCL"] == pytest.approx(interval.low, abs=1e-6)
        assert row["UCL"] == pytest.approx(interval.high, abs=1e-6)


def test_km_rates_and_at_risk_match_plain_python(small_study_out: Path) -> None:
    adtte = _adam(small_study_out, "adtte")
    estimates = _report(small_study_out, "endpoints")
    at_risk = _report(small_study_out, "km_at_risk")
    for paramcd in ["PFS", "OS"]:
        records = adtte.loc[adtte["PARAMCD"] == paramcd]
        times, events = records["AVAL"].tolist(), (records["CNSR"] == 0).tolist()
        rate = estimates.loc[estimates["ENDPOINT"].str.startswith("6-month") & estimates["PARAMCD"].eq(paramcd)]
        if max(times) >= 6:
            assert rate["ESTIMATE"].iloc[0] == pytest.approx(plain_rate(times, events, 6.0), abs=1e-6)
        grid = at_risk.loc[at_risk["PARAMCD"] == paramcd]
        assert grid["N_RISK"].tolist() == [sum(1 for t in times if t >= point) for point in grid["TIME"]]
        curve = _report(small_study_out, "km_curves")
        steps = curve.loc[(curve["PARAMCD"] == paramcd) & (curve["N_EVENT"] > 0)]
        expected = plain_km(times, events)
        assert steps["SURV"].tolist() == pytest.approx([row[2] for row in expected], abs=1e-6)
        assert steps["LCL"].tolist() == pytest.approx([row[4] for row in expected], abs=1e-6, nan_ok=True)


def test_crs_grades_and_adr_counts_match_plain_counts(small_study_out: Path) -> None:
    adae = _adam(small_study_out, "adae")
    adsl = _adam(small_study_out, "adsl")
    n_safety = len(set(adsl.loc[adsl["SAFFL"] == "Y", "USUBJID"]))
    crs = adae.loc[(adae["TRTEMFL"] == "Y") & (adae["CRSFL"] == "Y")]
    highest: dict[str, float] = {}
    for subject, grade in zip(crs["USUBJID"], crs["AETOXGRN"], strict=True):
        if not math.isnan(grade):
            highest[subject] = max(highest.get(subject, 0), grade)
    grades = _report(small_study_out, "astct_grades").set_index(["EVENT", "GRADE"])
    assert grades.loc[("CRS", "Any grade"), "N"] == len(set(crs["USUBJID"]))
    for grade in range(1, 6):
        assert grades.loc[("CRS", f"Grade {grade}"), "N"] == sum(1 for g in highest.values() if g == grade)
    adr = adae.loc[(adae["TRTEMFL"] == "Y") & (adae["ADRFL"] == "Y")]
    table = _report(small_study_out, "adr_soc_pt")
    first = table.iloc[0]
    assert first["N"] == len(set(adr["USUBJID"]))
    assert first["PCT"] == pytest.approx(100 * first["N"] / n_safety, abs=1e-6)
    assert first["N_SERIOUS"] == len(set(adr.loc[adr["SADRFL"] == "Y", "USUBJID"]))


def test_report_page_opens_with_every_section(small_study_out: Path) -> None:
    page = (small_study_out / SMALL_STUDY / "adam" / "report" / "endpoint-report.html").read_text(encoding="utf-8")
    for title in [
        "Best overall response",
        "Kaplan-Meier curves",
        "CRS and ICANS",
        "Hospitalisation",
        "change from baseline",
    ]:
        assert title in page
    assert page.count("data:image/png;base64,") >= 7


def test_the_report_columns_read_back_give_the_tables_of_the_whole_datasets(small_study_out: Path) -> None:
    folder = small_study_out / SMALL_STUDY / "adam"
    whole = build_report(dict(read_sdtm_folder(folder)))
    read_back, _ = read_report_inputs(folder, None)
    assert len(read_back["ADQS"].columns) < len(read_sdtm_folder(folder)["ADQS"].columns)
    cut = build_report(read_back)
    assert [section.name for section in cut.sections] == [section.name for section in whole.sections]
    assert (cut.studyid, cut.missing) == (whole.studyid, whole.missing)
    for ours, theirs in zip(cut.sections, whole.sections, strict=True):
        pd.testing.assert_frame_equal(ours.table, theirs.table)
