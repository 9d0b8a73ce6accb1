"""ADAE flags: treatment emergence (admiral cases), ADR / serious ADR, CRS/ICANS, onset from the last dose."""

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cdiscmm.adam.occurrence import (
    Aesi,
    derive_var_adrfl,
    derive_var_aesi_flags,
    derive_var_sadrfl,
    derive_var_trtemfl,
    derive_vars_onset_from_last_dose,
)
from cdiscmm.core.errors import InputError

#: The AESIs of specs/adam/adae.yaml (CRS and ICANS, grade 3 or higher severe).
CAR_T_AESIS = (
    Aesi("CRSFL", "Cytokine release syndrome", "CRSG3FL", 3),
    Aesi("ICANSFL", "Immune effector cell-associated neurotoxicity syndrome", "ICANG3FL", 3),
)


def dates(values: list[str | None]) -> pd.Series:
    return pd.to_datetime(pd.Series(values))


def test_trtemfl_cases_in_admiral_order() -> None:
    # Treatment 2024-01-10 to 2024-03-01, window 30 days -> last emergent start 2024-03-31.
    adae = pd.DataFrame(
        {
            "ASTDT": dates(
                [
                    "2024-01-01",
                    "2024-01-10",
                    "2024-03-31",
                    "2024-04-01",
                    None,
                    None,
                    "2024-01-05",
                    "2024-01-05",
                    "2024-02-01",
                ]
            ),
            "AENDT": dates(["2024-01-05", None, None, None, "2024-01-02", None, "2024-01-20", "2024-01-20", None]),
            "TRTSDT": dates(["2024-01-10"] * 8 + [None]),
            "TRTEDT": dates(["2024-03-01"] * 9),
            "AEITOXGRN": [1, 1, 1, 1, 1, 1, 1, 2, 1],
            "AETOXGRN": [1, 1, 1, 1, 1, 1, 3, 2, 1],
        }
    )
    got = derive_var_trtemfl(adae, initial_intensity="AEITOXGRN", intensity="AETOXGRN")
    want = [
        "",  # ended 01-05, before treatment start: not emergent
        "Y",  # starts on treatment day 1
        "Y",  # starts 03-31 = treatment end + 30 days
        "",  # starts 04-01, after the window
        "",  # no start date but ended 01-02, before treatment
        "Y",  # no dates at all: conservative Y
        "Y",  # started before treatment, ongoing on it, worsened from grade 1 to 3
        "",  # started before treatment, not worsened (2 -> 2)
        "",  # subject not treated
    ]
    assert got["TRTEMFL"].fillna("").tolist() == want


def test_adrfl_codelist_missing_as_related_and_sadrfl() -> None:
    adae = pd.DataFrame(
        {"AEREL": ["RELATED", "possibly related", "NOT RELATED", None, "RELATED"], "AESER": ["Y", "N", "Y", "Y", None]}
    )
    got = derive_var_sadrfl(derive_var_adrfl(adae))
    want = adae.assign(
        ADRFL=pd.Series(["Y", "Y", "N", "Y", "Y"], dtype="str"),
        # serious and ADR -> Y; ADR not serious -> N; serious not ADR -> N; missing causality = related -> Y;
        # seriousness unknown -> missing.
        SADRFL=pd.Series(["Y", "N", "N", "Y", None], dtype="str"),
    )
    assert_frame_equal(got, want)
    assert derive_var_adrfl(adae, missing_as_related=False)["ADRFL"].isna().tolist() == [
        False,
        False,
        False,
        True,
        False,
    ]


def test_adrfl_unknown_causality_is_an_input_error() -> None:
    with pytest.raises(InputError, match="AEREL"):
        derive_var_adrfl(pd.DataFrame({"AEREL": ["MAYBE"]}))


def test_aesi_flags_crs_icans_with_grade() -> None:
    adae = pd.DataFrame(
        {
            "AEDECOD": [
                "Cytokine release syndrome",
                "CYTOKINE RELEASE SYNDROME",
                "Immune effector cell-associated neurotoxicity syndrome",
                "Pyrexia",
            ],
            "AETOXGR": ["1", "3", "4", "3"],
        }
    )
    got = derive_var_aesi_flags(adae, CAR_T_AESIS).fillna({"CRSFL": "", "CRSG3FL": "", "ICANSFL": "", "ICANG3FL": ""})
    assert got["CRSFL"].tolist() == ["Y", "Y", "", ""]
    assert got["CRSG3FL"].tolist() == ["", "Y", "", ""]
    assert got["ICANSFL"].tolist() == ["", "", "Y", ""]
    assert got["ICANG3FL"].tolist() == ["", "", "Y", ""]


def test_onset_from_last_dose_days_and_hours() -> None:
    ex = pd.DataFrame(
        {
            "USUBJID": ["A", "A", "A", "B"],
            "EXSTDTC": ["2024-01-01T09:00", "2024-01-08T09:00", "2024-01-15", "2024-01-01T10:00"],
            "EXSEQ": [1, 2, 3, 1],
        }
    )
    ae = pd.DataFrame(
        {
            "USUBJID": ["A", "A", "A", "A", "B"],
            "AESTDTC": ["2024-01-09T21:30", "2024-01-08T08:00", "2024-01-15", "2023-12-31", "2024-01"],
        }
    )
    got = derive_vars_onset_from_last_dose(ae, ex)
    want = ae.assign(
        LDOSEDTM=pd.to_datetime(["2024-01-08 09:00", "2024-01-01 09:00", "2024-01-15 00:00", None, None]).astype(
            "datetime64[us]"
        ),
        LDOSESEQ=pd.array([2, 1, 3, None, None], dtype="Int64"),
        # 01-09 21:30 - 01-08 09:00 = 1 day, 36.5 hours; 01-08 08:00 is before that day's 09:00 dose -> dose 1,
        # 7 days, 167 hours; onset 01-15 without time, dose 01-15 without time -> same day, hours unknown;
        # onset before any dose, and a partial onset date -> missing.
        ONSLDDY=pd.array([1, 7, 0, None, None], dtype="Int64"),
        ONSLDHR=[36.5, 167.0, None, None, None],
    )
    assert_frame_equal(got, want)


def test_trtemfl_window_does_not_end_for_a_cell_therapy() -> None:
    """Single infusion on 01-10 (TRTSDT = TRTEDT): an AE on 03-01 is 51 days later, outside the 30-day window
    for a repeated-dose drug (A) but treatment-emergent after a CAR-T infusion (B, open window)."""
    from cdiscmm.adam.occurrence import derive_var_trtemfl

    dates = pd.to_datetime(["2024-01-10", "2024-01-10"])
    frame = pd.DataFrame(
        {
            "ASTDT": pd.to_datetime(["2024-03-01", "2024-03-01"]),
            "AENDT": pd.to_datetime([None, None]),
            "TRTSDT": dates,
            "TRTEDT": dates,
            "CELL": [False, True],
        }
    )
    got = derive_var_trtemfl(frame, open_window="CELL")["TRTEMFL"]
    assert pd.isna(got.iloc[0]) and got.iloc[1] == "Y"


def test_an_end_date_before_the_events_own_start_neither_excludes_nor_gives_a_negative_duration() -> None:
    """Treatment from 01-10. A: 01-20 to 01-05 (end before its own start: a data error) → still emergent.
    B: 01-01 to 01-05, ended before treatment → not emergent."""
    from cdiscmm.adam.occurrence import derive_var_trtemfl

    frame = pd.DataFrame(
        {
            "ASTDT": pd.to_datetime(["2024-01-20", "2024-01-01"]),
            "AENDT": pd.to_datetime(["2024-01-05", "2024-01-05"]),
            "TRTSDT": pd.to_datetime(["2024-01-10"] * 2),
            "TRTEDT": pd.to_datetime(["2024-03-01"] * 2),
        }
    )
    got = derive_var_trtemfl(frame)["TRTEMFL"]
    assert got.iloc[0] == "Y" and pd.isna(got.iloc[1])
