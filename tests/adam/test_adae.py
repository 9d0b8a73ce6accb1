"""ADAE from hand-built AE (SUPPAE already merged, as read_sdtm_folder delivers it), EX and ADSL.

Subjects: A1 first dose 2024-01-10 09:30, last dose 2024-02-07; A2 one CAR-T infusion 2024-01-15, died
2024-05-20; A3 never treated. Expected values worked out by hand from the rules in adae.yaml.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cdiscmm.adam.adae_steps import NoArgs
from cdiscmm.adam.build import build_dataset
from cdiscmm.adam.registry import Inputs
from cdiscmm.adam.spec import load_adam_spec
from cdiscmm.core.errors import InputError
from tests.adam.test_adrs import assert_spec_layout

STUDY = "TEST-STUDY"
CRS = "Cytokine release syndrome"
ICANS = "Immune effector cell-associated neurotoxicity syndrome"


def _dates(values: list[str | None]) -> pd.Series:
    return pd.to_datetime(pd.Series(values)).astype("datetime64[us]")


def adsl_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "STUDYID": STUDY,
            "USUBJID": ["A1", "A2", "A3"],
            "SUBJID": ["1", "2", "3"],
            "SITEID": "01",
            "AGE": [60, 65, 70],
            "AGEGR1": ["<65", ">=65", ">=65"],
            "SEX": ["M", "F", "M"],
            "REGION1": "ASIA",
            "SAFFL": ["Y", "Y", "N"],
            "TRT01A": ["ELRA", "EQUE", None],
            "TRTSDT": _dates(["2024-01-10", "2024-01-15", None]),
            "TRTEDT": _dates(["2024-02-07", "2024-01-15", None]),
            "DTHDT": _dates([None, "2024-05-20", None]),
        }
    )


def ae_frame() -> pd.DataFrame:
    columns = ["USUBJID", "AESEQ", "AEDECOD", "AEBODSYS", "AESTDTC", "AEENDTC", "AETOXGR", "AEREL", "AESER"]
    columns += ["AETOCI", "AECORT"]
    rows = [
        ("A1", 1, CRS, "IMMUNE SYSTEM DISORDERS", "2024-01-11T02:00", "2024-01-14", "2", "RELATED", "N", "Y", "N"),
        ("A1", 2, "Neutropenia", "BLOOD", "2024-01", "2024-01-20", "4", "NOT RELATED", "Y", None, None),
        ("A1", 3, "Fatigue", "GENERAL", "2024", "2024-01-05", "1", "NOT RELATED", "N", None, None),
        ("A2", 1, ICANS, "NERVOUS SYSTEM DISORDERS", "2024-01-20", "2024-05", "3", "RELATED", "Y", "N", "Y"),
        ("A2", 2, "Pneumonia", "INFECTIONS", "2024-03-01", None, "5", "NOT RELATED", "Y", None, None),
        ("A3", 1, "Anaemia", "BLOOD", "2024-02-01", "2024-02-10", "1", None, "N", None, None),
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.assign(
        STUDYID=STUDY,
        AETERM=frame["AEDECOD"].str.upper(),
        AECAT=None,
        AESDTH=np.where(frame["AETOXGR"].eq("5"), "Y", "N"),
        AEOUT="RECOVERED/RESOLVED",
        AEACN="NOT APPLICABLE",
        AEOTHTRT=None,
    )


def ex_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "STUDYID": STUDY,
            "USUBJID": ["A1", "A1", "A2"],
            "EXSEQ": [1, 2, 1],
            "EXSTDTC": ["2024-01-10T09:30", "2024-02-07", "2024-01-15"],
        }
    )


@pytest.fixture(scope="module")
def adae() -> pd.DataFrame:
    dataset = build_dataset("ADAE", {"AE": ae_frame(), "EX": ex_frame()}, {"ADSL": adsl_frame()})
    assert dataset is not None
    return dataset.data


def test_dates_imputation_and_duration(adae: pd.DataFrame) -> None:
    columns = ["USUBJID", "AESEQ", "ASTDT", "ASTDTF", "AENDT", "AENDTF", "ASTDY", "ADURN", "ADURU", "TRTEMFL"]
    rows = [
        # complete dates: 01-11 is day 2 (01-10 is day 1); 01-11..01-14 = 3 days + 1
        ("A1", 1, "2024-01-11", None, "2024-01-14", None, 2, 4.0, "DAYS", "Y"),
        # start 2024-01 in the month of first dose: not before 01-10 -> 01-10 (day imputed), day 1; 11 days
        ("A1", 2, "2024-01-10", "D", "2024-01-20", None, 1, 11.0, "DAYS", "Y"),
        # start 2024 (month and day missing): 01-10 by the first-dose rule, but never after the complete end
        # 01-05 -> 01-05; day 01-05 - 01-10 = -5; ended before treatment: not treatment-emergent
        ("A1", 3, "2024-01-05", "M", "2024-01-05", None, -5, 1.0, "DAYS", None),
        # end 2024-05 imputed to the month end 05-31 but not after death 05-20; day 01-20 - 01-15 + 1 = 6;
        # 01-20..05-20 = 11 + 29 + 31 + 30 + 20 = 121 days + 1; start within last dose + 30 days (02-14)
        ("A2", 1, "2024-01-20", None, "2024-05-20", "D", 6, 122.0, "DAYS", "Y"),
        # start 03-01 after last dose + 30 days (02-14): not treatment-emergent; day 16 + 29 + 1 + 1 = 47
        ("A2", 2, "2024-03-01", None, None, None, 47, np.nan, None, None),
        # never treated: no study day, not treatment-emergent
        ("A3", 1, "2024-02-01", None, "2024-02-10", None, None, 10.0, "DAYS", None),
    ]
    expected = pd.DataFrame(rows, columns=columns)
    expected = expected.assign(
        ASTDT=pd.to_datetime(expected["ASTDT"]).astype("datetime64[us]"),
        AENDT=pd.to_datetime(expected["AENDT"]).astype("datetime64[us]"),
        ASTDY=expected["ASTDY"].astype("Int64"),
    )
    assert_frame_equal(adae.loc[:, columns], expected, check_dtype=False)


def test_flags_treatment_and_onset(adae: pd.DataFrame) -> None:
    columns = ["AESEQ", "AETOXGRN", "ADRFL", "SADRFL", "CRSFL", "CRSG3FL", "ICANSFL", "ICANG3FL", "AETOCI"]
    columns += ["LDOSESEQ", "ONSLDDY", "ONSLDHR", "AOCCFL", "AOCCSFL", "AOCCPFL", "SRCDOM", "SRCSEQ"]
    rows = [
        # CRS grade 2 treated with tocilizumab; onset 01-11 02:00, 16.5 hours after the dose of 01-10 09:30
        (1, 2, "Y", "N", "Y", None, None, None, "Y", 1, 1, 16.5, None, "Y", "Y", "AE", 1),
        # onset date partial: no last dose; first TE record of A1 (ASTDT 01-10 before 01-11)
        (2, 4, "N", "N", None, None, None, None, None, None, None, np.nan, "Y", "Y", "Y", "AE", 2),
        (3, 1, "N", "N", None, None, None, None, None, None, None, np.nan, None, None, None, "AE", 3),
        # ICANS grade 3 (ASTCT), related and serious: serious ADR; 5 days after the infusion (no times)
        (1, 3, "Y", "Y", None, None, "Y", "Y", "N", 1, 5, np.nan, "Y", "Y", "Y", "AE", 1),
        (2, 5, "N", "N", None, None, None, None, None, 1, 46, np.nan, None, None, None, "AE", 2),
        # causality missing counts as related (cannot be ruled out); no dose for A3
        (1, 1, "Y", "N", None, None, None, None, None, None, None, np.nan, None, None, None, "AE", 1),
    ]
    expected = pd.DataFrame(rows, columns=columns).astype(
        {"AETOXGRN": "Int64", "LDOSESEQ": "Int64", "ONSLDDY": "Int64", "SRCSEQ": "Int64"}
    )
    expected = expected.astype({name: "str" for name in expected.columns if expected[name].dtype == object})
    assert_frame_equal(adae.loc[:, columns], expected, check_dtype=False)


def test_variables_in_spec_order_with_spec_labels() -> None:
    dataset = build_dataset("ADAE", {"AE": ae_frame(), "EX": ex_frame()}, {"ADSL": adsl_frame()})
    assert dataset is not None
    assert_spec_layout(dataset, load_adam_spec("ADAE"))
    assert not dataset.data.duplicated(["USUBJID", "AESEQ"]).any()
    assert len(dataset.data) == len(ae_frame())  # one record per AE record


def test_without_suppae_qualifiers_they_are_missing() -> None:
    dataset = build_dataset(
        "ADAE", {"AE": ae_frame().drop(columns=["AETOCI", "AECORT"]), "EX": ex_frame()}, {"ADSL": adsl_frame()}
    )
    assert dataset is not None
    assert dataset.data[["AETOCI", "AECORT"]].isna().all().all()


def test_without_ae_adae_is_skipped() -> None:
    assert build_dataset("ADAE", {"EX": ex_frame()}, {"ADSL": adsl_frame()}) is None


def test_ae_without_a_needed_variable_names_it() -> None:
    with pytest.raises(InputError, match="AE has no variable AEREL"):
        build_dataset("ADAE", {"AE": ae_frame().drop(columns="AEREL"), "EX": ex_frame()}, {"ADSL": adsl_frame()})


def test_event_before_the_first_dose_on_the_same_day_is_not_treatment_emergent() -> None:
    """First dose 2024-01-10T10:00 (time collected). A: onset 08:30 that day → before dose; B: 11:15 → after;
    C: same day without a time → the day decides (after); D: dose time imputed (TRTSTMF 'H') → the day decides."""
    from cdiscmm.adam.adae_steps import compute_predose

    adsl = pd.DataFrame(
        {
            "USUBJID": ["A", "B", "C", "D"],
            "TRTSDTM": pd.to_datetime(["2024-01-10T10:00"] * 4),
            "TRTSTMF": [None, None, None, "H"],
        }
    )
    adae = pd.DataFrame(
        {
            "USUBJID": ["A", "B", "C", "D"],
            "AESTDTC": ["2024-01-10T08:30", "2024-01-10T11:15", "2024-01-10", "2024-01-10T08:30"],
        }
    )
    assert compute_predose(adae, adsl).tolist() == [True, False, False, False]


def test_duration_is_missing_when_the_end_is_before_the_start() -> None:
    from cdiscmm.adam.adae_steps import derive_vars_duration

    frame = pd.DataFrame(
        {"ASTDT": pd.to_datetime(["2024-01-20", "2024-01-01"]), "AENDT": pd.to_datetime(["2024-01-05", "2024-01-05"])}
    )
    got = derive_vars_duration(frame, Inputs({}, {}), load_adam_spec("ADAE"), NoArgs())
    assert pd.isna(got["ADURN"].iloc[0]) and got["ADURN"].iloc[1] == 5 and got["ADURU"].tolist()[1] == "DAYS"
