"""Endpoint summary on a hand-built five-subject ADaM (ADRS responder records, ADTTE in months).

Every expected value below is worked out by hand in the comment beside it. Clopper–Pearson bounds for x/5 are
the beta quantiles Beta(0.025; x, 5 - x + 1) and Beta(0.975; x + 1, 5 - x).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from cdiscmm import cli
from cdiscmm.adam.endpoints import (
    ENDPOINT_COLUMNS,
    compute_clopper_pearson,
    compute_landmark_time,
    summarise_endpoints,
)
from cdiscmm.core.errors import InputError
from cdiscmm.io.xpt.write import write_xpt
from cdiscmm.metadata.model import Dataset, DatasetMeta
from tests.adam.test_adsl import sdtm_frames
from tests.adam.test_sdtm_input import xpt_dataset

STUDY = "TEST-EP"
Z = 1.959963984540054


def dataset(name: str, frame: pd.DataFrame) -> Dataset:
    meta = DatasetMeta(name=name, label=name, **{"class": "BASIC DATA STRUCTURE"}, standard="ADaMIG 1.3", variables=[])
    return Dataset(meta, frame.assign(STUDYID=STUDY))


def adrs_frame() -> pd.DataFrame:
    # RSP: S1, S2, S3 respond (3/5); VGPRRSP: S1, S2 (2/5); CRRSP: S1 (1/5). OVR records must be ignored.
    flags = {"RSP": "YYYNN", "VGPRRSP": "YYNNN", "CRRSP": "YNNNN"}
    rows = [(f"S{i + 1}", paramcd, value) for paramcd, values in flags.items() for i, value in enumerate(values)]
    rows += [("S1", "OVR", "PR"), ("S4", "OVR", "SD")]
    return pd.DataFrame(rows, columns=["USUBJID", "PARAMCD", "AVALC"])


def adtte_frame(unit: str = "MONTHS") -> pd.DataFrame:
    records = {
        # PFS: events at 3, 7, 8; censored at 5, 10
        "PFS": [(3, 0), (5, 1), (7, 0), (8, 0), (10, 1)],
        # OS: events at 4 and 2; censored at 12, 9, 11
        "OS": [(12, 1), (4, 0), (9, 1), (2, 0), (11, 1)],
        # DOR, responders S1-S3: events at 2 and 1, censored at 4
        "DOR": [(2, 0), (4, 1), (1, 0)],
        # TTNT: everyone censored
        "TTNT": [(6, 1), (7, 1), (8, 1), (9, 1), (10, 1)],
        # TTR: responses at 1, 2, 4; S4, S5 censored at 5 and 3
        "TTR": [(1, 0), (2, 0), (4, 0), (5, 1), (3, 1)],
        # TTCR: S1 reached CR at 3
        "TTCR": [(3, 0), (5, 1), (7, 1), (8, 1), (10, 1)],
    }
    rows = [
        (f"S{i + 1}", paramcd, float(aval), unit, cnsr)
        for paramcd, values in records.items()
        for i, (aval, cnsr) in enumerate(values)
    ]
    return pd.DataFrame(rows, columns=["USUBJID", "PARAMCD", "AVAL", "AVALU", "CNSR"])


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return summarise_endpoints({"ADRS": dataset("ADRS", adrs_frame()), "ADTTE": dataset("ADTTE", adtte_frame())})


@pytest.fixture(scope="module")
def summary(table: pd.DataFrame) -> pd.DataFrame:
    return table.set_index("ENDPOINT")


def test_layout_and_order(table: pd.DataFrame, summary: pd.DataFrame) -> None:
    assert list(table.columns) == ENDPOINT_COLUMNS
    assert list(summary["PARAMCD"]) == ["RSP", "VGPRRSP", "CRRSP", "PFS", "OS", "PFS", "OS", "DOR", "TTNT", "TTR",
                                        "TTCR"]  # fmt: skip
    assert set(summary["STUDYID"]) == {STUDY}


def test_response_rates_and_exact_ci(summary: pd.DataFrame) -> None:
    rates = summary.loc[summary["UNIT"].eq("PROPORTION") & summary["TIMEPOINT"].isna()]
    assert list(rates["N"]) == [5, 5, 5]  # one responder record per subject; OVR records not counted
    assert list(rates["EVENTS"]) == [3, 2, 1]
    assert list(rates["ESTIMATE"]) == [0.6, 0.4, 0.2]
    assert list(rates["LCL"].round(6)) == [0.146633, 0.052745, 0.005051]
    assert list(rates["UCL"].round(6)) == [0.947255, 0.853367, 0.716418]
    assert rates["CENSORED"].isna().all()


def test_six_month_pfs_rate(summary: pd.DataFrame) -> None:
    row = summary.loc["6-month progression-free survival rate"]
    # events before 6: one at 3 with 5 at risk -> S(6) = 4/5; Greenwood sigma^2 = 1 / (5 * 4) = 0.05
    assert (row["N"], row["EVENTS"], row["CENSORED"], row["TIMEPOINT"]) == (5, 3, 2, 6.0)
    assert row["ESTIMATE"] == pytest.approx(0.8)
    shift = Z * math.sqrt(0.05) / math.log(0.8)  # = -1.96407
    assert row["LCL"] == pytest.approx(0.8 ** math.exp(-shift))  # 0.2038
    assert row["UCL"] == pytest.approx(0.8 ** math.exp(shift))  # 0.9692
    assert (round(row["LCL"], 4), round(row["UCL"], 4)) == (0.2038, 0.9692)
    assert "3 at risk at t" in row["METHOD"]  # AVAL >= 6: 7, 8, 10


def test_six_month_os_rate(summary: pd.DataFrame) -> None:
    row = summary.loc["6-month overall survival rate"]
    # deaths at 2 (5 at risk) and 4 (4 at risk): S(6) = 4/5 * 3/4 = 0.6; sigma^2 = 1/20 + 1/12 = 2/15
    assert (row["N"], row["EVENTS"], row["CENSORED"]) == (5, 2, 3)
    assert row["ESTIMATE"] == pytest.approx(0.6)
    shift = Z * math.sqrt(2 / 15) / math.log(0.6)
    assert row["LCL"] == pytest.approx(0.6 ** math.exp(-shift))
    assert row["UCL"] == pytest.approx(0.6 ** math.exp(shift))


def test_km_medians(summary: pd.DataFrame) -> None:
    pfs = summary.loc["Median progression-free survival"]
    # S(3) = 0.8, S(7) = 0.8 * 2/3 = 0.533, S(8) = 0.533 * 1/2 = 0.267 -> first S <= 0.5 at 8
    assert (pfs["ESTIMATE"], pfs["UNIT"]) == (8.0, "MONTHS")
    assert math.isnan(summary.loc["Median overall survival", "ESTIMATE"])  # S stays at 0.6: not reached
    dor = summary.loc["Median duration of response"]
    # S(1) = 2/3, S(2) = 1/3 -> median 2
    assert (dor["N"], dor["EVENTS"], dor["CENSORED"], dor["ESTIMATE"]) == (3, 2, 1, 2.0)
    ttnt = summary.loc["Median time to next treatment"]
    assert (ttnt["EVENTS"], ttnt["CENSORED"]) == (0, 5)
    assert math.isnan(ttnt["ESTIMATE"]) and math.isnan(ttnt["LCL"]) and math.isnan(ttnt["UCL"])


def test_medians_among_responders(summary: pd.DataFrame) -> None:
    ttr = summary.loc["Median time to response among responders"]
    assert (ttr["N"], ttr["EVENTS"], ttr["CENSORED"], ttr["ESTIMATE"]) == (5, 3, 2, 2.0)  # median of 1, 2, 4
    assert math.isnan(ttr["LCL"])
    ttcr = summary.loc["Median time to CR or better among CR responders"]
    assert (ttcr["EVENTS"], ttcr["ESTIMATE"]) == (1, 3.0)


def test_landmark_in_days_is_182_625() -> None:
    # 6 months of 30.4375 days: an event on day 182 counts, one on day 183 does not
    assert compute_landmark_time(6, "DAYS") == 182.625
    assert compute_landmark_time(6, "MONTHS") == 6
    assert compute_landmark_time(6, "YEARS") == 0.5
    frame = pd.DataFrame(
        {"USUBJID": ["A", "B", "C"], "PARAMCD": "PFS", "AVAL": [182.0, 183.0, 200.0], "AVALU": "DAYS", "CNSR": 0}
    )
    row = summarise_endpoints({"ADTTE": dataset("ADTTE", frame)}).iloc[0]
    assert (row["TIMEPOINT"], row["ESTIMATE"]) == (182.625, pytest.approx(2 / 3))


def test_unknown_unit_is_an_input_error() -> None:
    with pytest.raises(InputError, match="AVALU"):
        compute_landmark_time(6, "FORTNIGHTS")


def test_without_adrs_only_time_to_event_rows() -> None:
    summary = summarise_endpoints({"ADTTE": dataset("ADTTE", adtte_frame())})
    assert "RSP" not in set(summary["PARAMCD"])
    assert len(summary) == 8


def test_clopper_pearson_matches_newcombe_1998() -> None:
    # Newcombe RG, Stat Med 1998;17:857, Table II, method 5 (exact): 81/263, 15/148, 0/20, 1/29
    published = {(81, 263): (0.2527, 0.3676), (15, 148): (0.0578, 0.1617), (0, 20): (0.0, 0.1684),
                 (1, 29): (0.0009, 0.1776)}  # fmt: skip
    for (events, n), bounds in published.items():
        assert tuple(round(bound, 4) for bound in compute_clopper_pearson(events, n)) == bounds
    assert compute_clopper_pearson(3, 3)[1] == 1.0
    assert all(math.isnan(bound) for bound in compute_clopper_pearson(0, 0))


def write_sdtm(folder: Path) -> Path:
    """The five-subject SDTM of test_adsl as XPT files, RS overall responses marked as IMWG investigator reads."""
    for name, frame in sdtm_frames().items():
        if name == "RS":
            overall = frame["RSTESTCD"].eq("OVRLRESP")
            frame = frame.assign(
                RSCAT=frame.get("RSCAT", overall.map({True: "KUMAR IMWG 2016", False: "ISS"})),
                RSEVAL=frame.get("RSEVAL", overall.map({True: "INVESTIGATOR", False: ""})),
            )
        write_xpt(xpt_dataset(name, frame), folder / f"{name.lower()}.xpt")
    return folder


def test_run_adam_writes_endpoints_csv(tmp_path: Path) -> None:
    sdtm = write_sdtm(tmp_path / "delivery")
    assert cli.main(["adam", "--sdtm", str(sdtm), "--out", str(tmp_path / "out"), "-q"]) == 0
    folder = next((tmp_path / "out").iterdir()) / "adam"
    assert (folder / "adsl.xpt").is_file() and (folder / "adtte.xpt").is_file()
    written = pd.read_csv(folder / "endpoints.csv")
    assert list(written.columns) == ENDPOINT_COLUMNS
    assert "OS" in set(written["PARAMCD"])
