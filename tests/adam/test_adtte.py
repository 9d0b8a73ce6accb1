"""ADTTE from the ADRS of test_adrs (four subjects, treatment start 2024-01-01), values worked out by hand.

AVAL = (ADT - STARTDT + 1 days) / 30.4375 months. 2024 is a leap year: January 31, February 29, March 31,
April 30, May 31, June 30, July 31 days. Days from 2024-01-01 (+1): 01-20 -> 20, 02-01 -> 32, 03-01 -> 61,
03-20 -> 80, 04-01 -> 92, 06-01 -> 153, 08-01 -> 214.
"""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cdiscmm.adam.build import build_dataset
from cdiscmm.adam.spec import load_adam_spec
from tests.adam.test_adrs import SUBJECTS, adsl_frame, assert_spec_layout, rs_frame

MONTH = 30.4375
COLUMNS = ["USUBJID", "PARAMCD", "STARTDT", "ADT", "AVAL", "CNSR", "EVNTDESC", "CNSDTDSC", "SRCDOM", "SRCVAR", "SRCSEQ"]
LASTA = "LAST ADEQUATE ASSESSMENT"


@pytest.fixture(scope="module")
def adrs() -> pd.DataFrame:
    dataset = build_dataset("ADRS", {"RS": rs_frame()}, {"ADSL": adsl_frame()})
    assert dataset is not None
    return dataset.data


@pytest.fixture(scope="module")
def adtte(adrs: pd.DataFrame) -> pd.DataFrame:
    return build_dataset("ADTTE", {}, {"ADSL": adsl_frame(), "ADRS": adrs}).data


def _aseq(adrs: pd.DataFrame, subject: str, paramcd: str, adt: str) -> int:
    row = adrs.loc[adrs["USUBJID"].eq(subject) & adrs["PARAMCD"].eq(paramcd) & adrs["ADT"].eq(pd.Timestamp(adt))]
    return int(row.loc[row["AVALC"].ne("NE"), "ASEQ"].iloc[0])


def test_adtte_values(adtte: pd.DataFrame, adrs: pd.DataFrame) -> None:
    s1_pd = _aseq(adrs, "S1", "PD", "2024-06-01")
    s1_rsp = _aseq(adrs, "S1", "RSP", "2024-02-01")
    s1_cr = _aseq(adrs, "S1", "CRRSP", "2024-03-01")
    s2_lasta = _aseq(adrs, "S2", "OVR", "2024-03-01")  # the SD of 03-01, not the NE of the same day
    s3_lasta = _aseq(adrs, "S3", "OVR", "2024-03-01")
    start = "2024-01-01"
    rows = [
        # S1: confirmed PD 06-01 (153 days); alive on 08-01 (214 days); DoR from first response 02-01 to PD
        # 06-01 = 29 + 31 + 30 + 31 = 121 days + 1 = 122; TTR 32 days; TTCR 61 days; no new therapy
        ("S1", "PFS", start, "2024-06-01", 153, 0, "PD", None, "ADRS", "ADT", s1_pd),
        (
            "S1",
            "OS",
            start,
            "2024-08-01",
            214,
            1,
            "CENSORED AT LAST KNOWN ALIVE DATE",
            "LAST KNOWN ALIVE DATE",
            "ADSL",
            "LSTALVDT",
            None,
        ),
        ("S1", "DOR", "2024-02-01", "2024-06-01", 122, 0, "PD", None, "ADRS", "ADT", s1_pd),
        ("S1", "TTR", start, "2024-02-01", 32, 0, "RESPONSE (PR OR BETTER)", None, "ADRS", "ADT", s1_rsp),
        ("S1", "TTCR", start, "2024-03-01", 61, 0, "COMPLETE RESPONSE OR BETTER", None, "ADRS", "ADT", s1_cr),
        (
            "S1",
            "TTNT",
            start,
            "2024-08-01",
            214,
            1,
            "CENSORED AT LAST KNOWN ALIVE DATE",
            "LAST KNOWN ALIVE DATE",
            "ADSL",
            "LSTALVDT",
            None,
        ),
        # S2: death before PD on 03-20 (80 days) is the PFS, OS and TTNT event; no response: no DoR;
        # TTR/TTCR censored at the last adequate assessment 03-01 (61 days)
        ("S2", "PFS", start, "2024-03-20", 80, 0, "DEATH", None, "ADSL", "DTHDT", None),
        ("S2", "OS", start, "2024-03-20", 80, 0, "DEATH", None, "ADSL", "DTHDT", None),
        ("S2", "TTR", start, "2024-03-01", 61, 1, "CENSORED AT " + LASTA, LASTA, "ADRS", "ADT", s2_lasta),
        ("S2", "TTCR", start, "2024-03-01", 61, 1, "CENSORED AT " + LASTA, LASTA, "ADRS", "ADT", s2_lasta),
        ("S2", "TTNT", start, "2024-03-20", 80, 0, "DEATH", None, "ADSL", "DTHDT", None),
        # S3: new therapy 04-01: PFS censored at the last adequate assessment before it (03-01, 61 days);
        # alive on 06-01 (153 days); TTNT event at new therapy 04-01 (92 days)
        ("S3", "PFS", start, "2024-03-01", 61, 1, "CENSORED AT " + LASTA, LASTA, "ADRS", "ADT", s3_lasta),
        (
            "S3",
            "OS",
            start,
            "2024-06-01",
            153,
            1,
            "CENSORED AT LAST KNOWN ALIVE DATE",
            "LAST KNOWN ALIVE DATE",
            "ADSL",
            "LSTALVDT",
            None,
        ),
        ("S3", "TTR", start, "2024-03-01", 61, 1, "CENSORED AT " + LASTA, LASTA, "ADRS", "ADT", s3_lasta),
        ("S3", "TTCR", start, "2024-03-01", 61, 1, "CENSORED AT " + LASTA, LASTA, "ADRS", "ADT", s3_lasta),
        ("S3", "TTNT", start, "2024-04-01", 92, 0, "NEXT ANTI-MYELOMA THERAPY", None, "ADSL", "NACTDT", None),
        # S4: no assessment: PFS/TTR/TTCR censored at treatment start (1 day); alive on 01-20 (20 days)
        ("S4", "PFS", start, start, 1, 1, "CENSORED AT TREATMENT START", "TREATMENT START", "ADSL", "TRTSDT", None),
        (
            "S4",
            "OS",
            start,
            "2024-01-20",
            20,
            1,
            "CENSORED AT LAST KNOWN ALIVE DATE",
            "LAST KNOWN ALIVE DATE",
            "ADSL",
            "LSTALVDT",
            None,
        ),
        ("S4", "TTR", start, start, 1, 1, "CENSORED AT TREATMENT START", "TREATMENT START", "ADSL", "TRTSDT", None),
        ("S4", "TTCR", start, start, 1, 1, "CENSORED AT TREATMENT START", "TREATMENT START", "ADSL", "TRTSDT", None),
        (
            "S4",
            "TTNT",
            start,
            "2024-01-20",
            20,
            1,
            "CENSORED AT LAST KNOWN ALIVE DATE",
            "LAST KNOWN ALIVE DATE",
            "ADSL",
            "LSTALVDT",
            None,
        ),
    ]
    expected = pd.DataFrame(rows, columns=COLUMNS)
    expected = expected.assign(
        STARTDT=pd.to_datetime(expected["STARTDT"]).astype("datetime64[us]"),
        ADT=pd.to_datetime(expected["ADT"]).astype("datetime64[us]"),
        AVAL=expected["AVAL"] / MONTH,
        SRCSEQ=expected["SRCSEQ"].astype("Int64"),
    )
    assert_frame_equal(adtte.loc[:, COLUMNS].reset_index(drop=True), expected, check_dtype=False)
    assert adtte["AVALU"].eq("MONTHS").all()


def test_one_record_per_subject_and_parameter(adtte: pd.DataFrame) -> None:
    assert not adtte.duplicated(["USUBJID", "PARAMCD"]).any()
    for paramcd in ["PFS", "OS", "TTR", "TTCR", "TTNT"]:
        assert sorted(adtte.loc[adtte["PARAMCD"].eq(paramcd), "USUBJID"]) == SUBJECTS
    assert list(adtte.loc[adtte["PARAMCD"].eq("DOR"), "USUBJID"]) == ["S1"]  # responders only


def test_variables_in_spec_order_with_spec_labels(adrs: pd.DataFrame) -> None:
    spec = load_adam_spec("ADTTE")
    dataset = build_dataset("ADTTE", {}, {"ADSL": adsl_frame(), "ADRS": adrs})
    assert_spec_layout(dataset, spec)
    assert dict(zip(dataset.data["PARAMCD"], dataset.data["PARAMN"], strict=True)) == {
        parameter.paramcd: parameter.paramn for parameter in spec.parameters
    }


def test_without_adrs_only_the_parameters_that_do_not_read_it() -> None:
    adtte = build_dataset("ADTTE", {}, {"ADSL": adsl_frame()}).data
    assert sorted(adtte["PARAMCD"].unique()) == ["OS", "TTNT"]


def test_readme_shows_the_censoring_rules_of_the_spec() -> None:
    """The README's ADTTE table is the spec rendered (rules written once, in specs/adam/adtte.yaml)."""
    from pathlib import Path

    from cdiscmm.adam.adtte_steps import render_censoring_table

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    shown = readme.split("<!-- censoring-table:start -->\n")[1].split("<!-- censoring-table:end -->")[0]
    assert shown == render_censoring_table(load_adam_spec("ADTTE")), "paste render_censoring_table() into README.md"
    assert "| PFS | ADSL.TRTSDT |" in shown and "LAST ADEQUATE ASSESSMENT" in shown
