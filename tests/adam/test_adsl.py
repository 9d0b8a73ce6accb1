"""ADSL from hand-built SDTM: five subjects, expected values worked out by hand from the rules in adsl.yaml.

Subjects:
- T-001 dosed twice (first dose with a time), alive, triple-class refractory, three prior lines;
- T-002 CAR-T infusion after lymphodepletion, died (death date 2024-05, day missing);
- T-003 never dosed (one EX record with dose 0), withdrew;
- T-004 only partial dates (consent, dose, death year);
- T-005 light-chain myeloma, completed study and treatment, baseline ISS on the day of first dose.
"""

from __future__ import annotations

import pandas as pd
import pytest

from cdiscmm.adam.build import build_dataset
from cdiscmm.adam.sdtm_input import combine_supp
from cdiscmm.adam.spec import load_adam_spec
from cdiscmm.core import progress
from cdiscmm.core.errors import InputError

STUDY = "TEST-STUDY"
SUBJECTS = ["T-001", "T-002", "T-003", "T-004", "T-005"]


def _frame(columns: list[str], rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    return frame.assign(STUDYID=STUDY)[["STUDYID", *columns]]


def _supp(rdomain: str, idvar: str, rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """SUPP-- from (USUBJID, IDVARVAL, QNAM, QVAL)."""
    frame = pd.DataFrame(rows, columns=["USUBJID", "IDVARVAL", "QNAM", "QVAL"])
    return frame.assign(STUDYID=STUDY, RDOMAIN=rdomain, IDVAR=idvar, QLABEL=frame["QNAM"], QORIG="CRF")[
        ["STUDYID", "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QLABEL", "QVAL", "QORIG"]
    ]


def sdtm_frames() -> dict[str, pd.DataFrame]:
    """The SDTM datasets of the five subjects, SUPP-- as separate datasets (as delivered)."""
    dm_columns = ["USUBJID", "SUBJID", "SITEID", "COUNTRY", "AGE", "AGEU", "SEX", "RACE", "ARM", "ACTARM"]
    dm_columns += ["RFICDTC", "RFSTDTC", "RFXSTDTC", "RFXENDTC", "DTHDTC", "DTHFL"]
    dm = _frame(
        dm_columns,
        [
            ("T-001", "001", "01", "JPN", 60, "YEARS", "M", "ASIAN", "ELRA", "ELRA", "2024-01-02", "2024-01-10T09:30",
             "2024-01-10T09:30", "2024-02-07", None, None),
            ("T-002", "002", "01", "CHN", 65, "YEARS", "F", "ASIAN", "EQUE", "EQUE", "2023-12-20", "2024-01-15",
             "2024-01-15", "2024-01-15", "2024-05", "Y"),
            ("T-003", "003", "02", "USA", 75, "YEARS", "F", "WHITE", "ISA", None, "2024-01-20", None, None, None,
             None, None),
            ("T-004", "004", "02", "FRA", 70, "YEARS", "M", "WHITE", "ISA", "ISA", "2024-01", "2024-02", None, None,
             "2025", "Y"),
            ("T-005", "005", "03", "BRA", 50, "YEARS", "M", "OTHER", "ISA", "ISA", "2024-02-20", "2024-03-01T14:05:30",
             "2024-03-01T14:05:30", "2024-03-30", None, None),
        ],
    )  # fmt: skip
    suppdm = _supp("DM", "", [("T-001", "", "ENRLTYP", "PROSPECTIVE"), ("T-002", "", "ENRLTYP", "RETROSPECTIVE")])
    ex = _frame(
        ["USUBJID", "EXSEQ", "EXTRT", "EXDOSE", "EXSTDTC", "EXENDTC"],
        [
            ("T-001", 1, "ELRANATAMAB", 76.0, "2024-01-10T09:30", "2024-01-10T09:30"),
            ("T-001", 2, "ELRANATAMAB", 76.0, "2024-02-07", None),
            ("T-002", 1, "EQUECABTAGENE AUTOLEUCEL", 1.0, "2024-01-15", "2024-01-15"),
            ("T-003", 1, "ISATUXIMAB", 0.0, "2024-02-01", "2024-02-01"),
            ("T-004", 1, "ISATUXIMAB", 10.0, "2024-02", None),
            ("T-005", 1, "ISATUXIMAB", 10.0, "2024-03-01T14:05:30", "2024-03-01"),
            ("T-005", 2, "ISATUXIMAB", 10.0, "2024-03-29", "2024-03-30"),
        ],
    )
    cm = _frame(
        ["USUBJID", "CMSEQ", "CMTRT", "CMDECOD", "CMCAT", "CMCLAS", "CMSTDTC", "CMENDTC"],
        [
            ("T-001", 1, "REVLIMID", "LENALIDOMIDE", "PRIOR ANTI-MYELOMA THERAPY", "IMMUNOMODULATORY DRUG",
             "2021-01", "2021-12"),
            ("T-001", 2, "VELCADE", "BORTEZOMIB", "PRIOR ANTI-MYELOMA THERAPY", None, "2022-01", "2022-12"),
            ("T-001", 3, "DARZALEX", "DARATUMUMAB", "PRIOR ANTI-MYELOMA THERAPY", None, "2023-01", "2023-11"),
            ("T-001", 4, "CARFILZOMIB", "CARFILZOMIB", "SUBSEQUENT ANTI-MYELOMA THERAPY", None, "2024-03-15", None),
            ("T-002", 1, "LENALIDOMIDE", "LENALIDOMIDE", "PRIOR ANTI-MYELOMA THERAPY", None, "2020-05", "2021-05"),
            ("T-002", 2, "BORTEZOMIB", "BORTEZOMIB", "PRIOR ANTI-MYELOMA THERAPY", None, "2021-06", "2022-06"),
            ("T-002", 3, "DARATUMUMAB", "DARATUMUMAB", "PRIOR ANTI-MYELOMA THERAPY", None, "2022-07", "2023-06"),
            ("T-002", 4, "FLUDARABINE", "FLUDARABINE", "LYMPHODEPLETING CHEMOTHERAPY", None, "2024-01-10",
             "2024-01-12"),
            ("T-002", 5, "CYCLOPHOSPHAMIDE", "CYCLOPHOSPHAMIDE", "LYMPHODEPLETING CHEMOTHERAPY", None, "2024-01-10",
             "2024-01-12"),
        ],
    )  # fmt: skip
    suppcm = _supp(
        "CM",
        "CMSEQ",
        [
            ("T-001", "1", "LINENUM", "1"), ("T-001", "1", "REFRFL", "Y"),
            ("T-001", "2", "LINENUM", "2"), ("T-001", "2", "REFRFL", "Y"),
            ("T-001", "3", "LINENUM", "3"), ("T-001", "3", "REFRFL", "Y"),
            ("T-002", "1", "LINENUM", "1"), ("T-002", "1", "REFRFL", "Y"),
            ("T-002", "2", "LINENUM", "2"), ("T-002", "2", "REFRFL", "Y"),
            ("T-002", "3", "LINENUM", "2"), ("T-002", "3", "REFRFL", "N"),
        ],
    )  # fmt: skip
    mh = _frame(
        ["USUBJID", "MHSEQ", "MHTERM", "MHCAT", "MHSTDTC"],
        [
            ("T-001", 1, "MULTIPLE MYELOMA", "MULTIPLE MYELOMA", "2020-11"),
            ("T-001", 2, "HYPERTENSION", "GENERAL MEDICAL HISTORY", "2015"),
            ("T-005", 1, "LIGHT CHAIN MYELOMA", "MULTIPLE MYELOMA", "2022-04-03"),
        ],
    )
    suppmh = _supp(
        "MH",
        "MHSEQ",
        [
            ("T-001", "1", "MMTYPE", "IGG"), ("T-001", "1", "CYTORISK", "HIGH"),
            ("T-005", "1", "MMTYPE", "LIGHT CHAIN"), ("T-005", "1", "CYTORISK", "STANDARD"),
        ],
    )  # fmt: skip
    rs = _frame(
        ["USUBJID", "RSSEQ", "RSTESTCD", "RSSTRESC", "RSDTC"],
        [
            ("T-001", 1, "ISSSTG", "II", "2024-01-05"),
            ("T-001", 2, "RISSSTG", "II", "2024-01-05"),
            ("T-001", 3, "ECOG101", "1", "2024-01-05"),
            ("T-001", 4, "ECOG101", "2", "2024-03-01"),
            ("T-001", 5, "OVRLRESP", "PR", "2024-02-15"),
            ("T-002", 1, "OVRLRESP", "NE", "2024-02-01"),
            ("T-003", 1, "ISSSTG", "I", "2024-01-20"),
            ("T-004", 1, "ISSSTG", "III", "2024-02"),
            ("T-004", 2, "OVRLRESP", "CR", "2024-04-01"),
            ("T-005", 1, "ISSSTG", "I", "2024-03-01"),
            ("T-005", 2, "ISSSTG", "II", "2024-03-15"),
            ("T-005", 3, "RISSSTG", "I", "2024-03"),
            ("T-005", 4, "OVRLRESP", "CR", "2024-04-01"),
        ],
    )
    rs["RSCAT"] = rs["RSTESTCD"].map({"OVRLRESP": "KUMAR IMWG 2016", "ECOG101": "ECOG", "ISSSTG": "ISS"})
    rs["RSEVAL"] = rs["RSTESTCD"].map({"OVRLRESP": "INVESTIGATOR"})
    ds = _frame(
        ["USUBJID", "DSSEQ", "DSCAT", "DSSCAT", "DSDECOD", "DSSTDTC"],
        [
            ("T-001", 1, "DISPOSITION EVENT", "STUDY TREATMENT", "PROGRESSIVE DISEASE", "2024-02-20"),
            ("T-002", 1, "DISPOSITION EVENT", "STUDY PARTICIPATION", "DEATH", "2024-05"),
            ("T-003", 1, "DISPOSITION EVENT", "STUDY PARTICIPATION", "WITHDRAWAL BY SUBJECT", "2024-02-10"),
            ("T-005", 1, "DISPOSITION EVENT", "STUDY TREATMENT", "COMPLETED", "2024-03-30"),
            ("T-005", 2, "DISPOSITION EVENT", "STUDY PARTICIPATION", "COMPLETED", "2024-09-01"),
            ("T-005", 3, "PROTOCOL MILESTONE", "STUDY PARTICIPATION", "INFORMED CONSENT OBTAINED", "2024-02-20"),
        ],
    )
    lb = _frame(["USUBJID", "LBSEQ", "LBTESTCD", "LBDTC"], [("T-005", 1, "MCPROT", "2024-08-15")])
    ss = _frame(
        ["USUBJID", "SSSEQ", "SSTESTCD", "SSSTRESC", "SSDTC"],
        [("T-001", 1, "SURVSTAT", "ALIVE", "2024-06-30"), ("T-003", 1, "SURVSTAT", "UNKNOWN", "2024-12-01")],
    )
    return {"DM": dm, "SUPPDM": suppdm, "EX": ex, "CM": cm, "SUPPCM": suppcm, "MH": mh, "SUPPMH": suppmh,
            "RS": rs, "DS": ds, "LB": lb, "SS": ss}  # fmt: skip


def combined(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The frames with each SUPP-- merged into its parent, as read_sdtm_folder gives them."""
    result = {name: frame for name, frame in frames.items() if not name.startswith("SUPP")}
    for name in [name for name in frames if name.startswith("SUPP")]:
        result[name[4:]] = combine_supp(result[name[4:]], frames[name], name)
    return result


@pytest.fixture(scope="module")
def adsl() -> pd.DataFrame:
    return build_dataset("ADSL", combined(sdtm_frames()), {}).data.set_index("USUBJID")


def _dates(values: list[str | None]) -> list[pd.Timestamp | None]:
    return [pd.Timestamp(value) if value else None for value in values]


def _column(adsl: pd.DataFrame, name: str) -> list[object]:
    return [None if pd.isna(value) else value for value in adsl.loc[SUBJECTS, name]]


def test_one_row_per_dm_subject_in_dm_order(adsl: pd.DataFrame) -> None:
    assert list(adsl.index) == SUBJECTS


def test_predecessors_are_copied_from_dm(adsl: pd.DataFrame) -> None:
    assert _column(adsl, "TRT01P") == ["ELRA", "EQUE", "ISA", "ISA", "ISA"]
    assert _column(adsl, "TRT01A") == ["ELRA", "EQUE", None, "ISA", "ISA"]
    assert _column(adsl, "STUDYID") == [STUDY] * 5


def test_agegr1_bounds_65_and_75_start_the_next_group(adsl: pd.DataFrame) -> None:
    assert _column(adsl, "AGEGR1") == ["<65", "65-74", ">=75", "65-74", "<65"]
    assert _column(adsl, "AGEGR1N") == [1, 2, 3, 2, 1]


def test_region1_from_country(adsl: pd.DataFrame) -> None:
    assert _column(adsl, "REGION1") == ["Asia", "Asia", "North America", "Europe", "Latin America"]


def test_enrltyp_from_suppdm_missing_where_not_collected(adsl: pd.DataFrame) -> None:
    assert _column(adsl, "ENRLTYP") == ["PROSPECTIVE", "RETROSPECTIVE", None, None, None]


def test_treatment_dates_use_complete_dates_of_doses_above_zero(adsl: pd.DataFrame) -> None:
    # T-003's only EX record has dose 0; T-004's only dose date is partial (2024-02): no TRTSDT.
    assert _column(adsl, "TRTSDT") == _dates(["2024-01-10", "2024-01-15", None, None, "2024-03-01"])
    # T-001's second dose has no end date: its start (2024-02-07) counts. T-005: EXENDTC 2024-03-30.
    assert _column(adsl, "TRTEDT") == _dates(["2024-02-07", "2024-01-15", None, None, "2024-03-30"])
    assert _column(adsl, "TRTDURD") == [29, 1, None, None, 30]


def test_trtsdtm_time_imputed_as_midnight_with_flag_h(adsl: pd.DataFrame) -> None:
    expected = ["2024-01-10 09:30", "2024-01-15 00:00", None, None, "2024-03-01 14:05:30"]
    assert _column(adsl, "TRTSDTM") == _dates(expected)
    assert _column(adsl, "TRTSTMF") == [None, "H", None, None, None]


def test_car_t_infusion_and_lymphodepletion_dates(adsl: pd.DataFrame) -> None:
    assert _column(adsl, "INFDT") == _dates([None, "2024-01-15", None, None, None])
    assert _column(adsl, "LDSTDT") == _dates([None, "2024-01-10", None, None, None])
    assert _column(adsl, "LDENDT") == _dates([None, "2024-01-12", None, None, None])


def test_analysis_set_flags(adsl: pd.DataFrame) -> None:
    # ENRLFL: consent date present (partial counts). SAFFL: a dose > 0 (T-004's partial-date dose counts).
    assert _column(adsl, "ENRLFL") == ["Y", "Y", "Y", "Y", "Y"]
    assert _column(adsl, "SAFFL") == ["Y", "Y", "N", "Y", "Y"]
    # EFFFL: T-002's only assessment is NE; T-004 has no TRTSDT so nothing is "after" it.
    assert _column(adsl, "EFFFL") == ["Y", "N", "N", "N", "Y"]


def test_baseline_iss_riss_ecog_last_on_or_before_first_dose(adsl: pd.DataFrame) -> None:
    # T-005: ISS I on the day of first dose counts, II two weeks later does not; R-ISS dated 2024-03 (partial,
    # the month of first dose) counts. T-003/T-004: no TRTSDT, no baseline.
    assert _column(adsl, "ISS") == ["II", None, None, None, "I"]
    assert _column(adsl, "RISS") == ["II", None, None, None, "I"]
    assert _column(adsl, "ECOGBL") == [1, None, None, None, None]


def test_myeloma_type_and_cytogenetic_risk_from_suppmh(adsl: pd.DataFrame) -> None:
    assert _column(adsl, "MMTYPE") == ["IGG", None, None, None, "LIGHT CHAIN"]
    assert _column(adsl, "CYTORISK") == ["HIGH", None, None, None, "STANDARD"]


def test_prior_lines_and_triple_class_refractory(adsl: pd.DataFrame) -> None:
    # T-001: refractory to lenalidomide (by CMCLAS), bortezomib and daratumumab (by CMDECOD).
    # T-002: not refractory to daratumumab (REFRFL N). Subjects without prior therapy: PRIORLN missing, TCRFL N.
    assert _column(adsl, "PRIORLN") == [3, 2, None, None, None]
    assert _column(adsl, "TCRFL") == ["Y", "N", "N", "N", "N"]


def test_death_date_imputed_to_first_day_with_flag(adsl: pd.DataFrame) -> None:
    assert _column(adsl, "DTHFL") == [None, "Y", None, "Y", None]
    assert _column(adsl, "DTHDT") == _dates([None, "2024-05-01", None, "2025-01-01", None])
    assert _column(adsl, "DTHDTF") == [None, "D", None, "M", None]


def test_new_anti_myeloma_therapy_date(adsl: pd.DataFrame) -> None:
    assert _column(adsl, "NACTDT") == _dates(["2024-03-15", None, None, None, None])


def test_last_known_alive_is_death_date_or_latest_complete_date(adsl: pd.DataFrame) -> None:
    # T-001: SS ALIVE 2024-06-30. T-003: DS 2024-02-10 (SS UNKNOWN does not count). T-005: DS 2024-09-01.
    expected = ["2024-06-30", "2024-05-01", "2024-02-10", "2025-01-01", "2024-09-01"]
    assert _column(adsl, "LSTALVDT") == _dates(expected)


def test_end_of_study_and_treatment_status(adsl: pd.DataFrame) -> None:
    assert _column(adsl, "EOSSTT") == ["ONGOING", "DISCONTINUED", "DISCONTINUED", "ONGOING", "COMPLETED"]
    assert _column(adsl, "DCSREAS") == [None, "DEATH", "WITHDRAWAL BY SUBJECT", None, None]
    # T-002's DS date is partial: EOSDT missing.
    assert _column(adsl, "EOSDT") == _dates([None, None, "2024-02-10", None, "2024-09-01"])
    # T-003 never dosed: EOTSTT missing; T-004 dosed without a DS treatment record: ongoing.
    assert _column(adsl, "EOTSTT") == ["DISCONTINUED", "ONGOING", None, "ONGOING", "COMPLETED"]
    assert _column(adsl, "DCTREAS") == ["PROGRESSIVE DISEASE", None, None, None, None]


def test_columns_follow_the_spec(adsl: pd.DataFrame) -> None:
    names = load_adam_spec("ADSL").to_dataset_meta().names()
    assert list(adsl.columns) == [name for name in names if name != "USUBJID"]


def test_optional_domains_absent_give_missing_variables_not_a_crash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "_quiet", False)  # a CLI test may have run with --quiet
    frames = {name: frame for name, frame in combined(sdtm_frames()).items() if name in {"DM", "EX"}}
    adsl = build_dataset("ADSL", frames, {}).data
    for name in ["PRIORLN", "TCRFL", "ISS", "ECOGBL", "CYTORISK", "LDSTDT", "NACTDT", "EOSSTT", "EOTSTT"]:
        assert adsl[name].isna().all(), name
    assert list(adsl["EFFFL"]) == ["N"] * 5
    assert "SDTM CM not in the input" in capsys.readouterr().err


def test_missing_dm_rfstdtc_names_dataset_and_variable() -> None:
    frames = combined(sdtm_frames())
    frames["DM"] = frames["DM"].drop(columns="RFSTDTC")
    with pytest.raises(InputError, match=r"DM has no variable RFSTDTC") as caught:
        build_dataset("ADSL", frames, {})
    assert caught.value.location.field == "RFSTDTC"


def test_missing_ex_is_an_input_error() -> None:
    frames = combined(sdtm_frames())
    del frames["EX"]
    with pytest.raises(InputError, match="SDTM dataset EX is missing"):
        build_dataset("ADSL", frames, {})


def test_undated_baseline_visit_record_counts_as_baseline() -> None:
    """Regression: ISS/R-ISS/ECOG are collected at baseline without an assessment date, and were null for every
    subject. A: undated BASELINE 'II' then a dated 'III' before first dose → III (dated records sort after);
    B: only the undated BASELINE 'I' → I; C: an undated record of another visit → missing."""
    from cdiscmm.adam.adsl_derivations import derive_var_record_value
    from cdiscmm.adam.spec import load_adam_spec

    spec = next(variable for variable in load_adam_spec("ADSL").variables if variable.name == "ISS")
    adsl = pd.DataFrame({"USUBJID": ["A", "B", "C"], "TRTSDT": pd.to_datetime(["2024-03-01"] * 3)})
    rs = pd.DataFrame(
        {
            "USUBJID": ["A", "A", "B", "C"],
            "RSSEQ": [1, 2, 1, 1],
            "RSTESTCD": "ISSSTG",
            "RSSTRESC": ["II", "III", "I", "II"],
            "RSDTC": [None, "2024-02-20", None, None],
            "VISIT": ["BASELINE", "SCREENING", "BASELINE", "WEEK 4"],
        }
    )
    got = derive_var_record_value(adsl, {"RS": rs}, spec)
    assert got["ISS"].tolist()[:2] == ["III", "I"] and pd.isna(got["ISS"].iloc[2])


def test_trt01_from_the_trial_summary_when_no_arm_is_assigned() -> None:
    """Non-interventional study: DM.ARM null (ARMNRS NOT ASSIGNED) → TRT01P is TS TRT for every subject, TRT01A
    for the exposed one only; a study with arms keeps DM.ARM/ACTARM."""
    from cdiscmm.adam.adsl_derivations import derive_vars_trt01

    adsl = pd.DataFrame({"USUBJID": ["A", "B"], "ARM": [None, None], "ACTARM": [None, None], "SAFFL": ["Y", "N"]})
    ts = pd.DataFrame({"TSPARMCD": ["TRT", "STYPE"], "TSVAL": ["ISATUXIMAB", "OBSERVATIONAL"]})
    got = derive_vars_trt01(adsl, {"TS": ts})
    assert got["TRT01P"].tolist() == ["ISATUXIMAB", "ISATUXIMAB"]
    assert got["TRT01A"].tolist()[0] == "ISATUXIMAB" and pd.isna(got["TRT01A"].iloc[1])
    armed = adsl.assign(ARM=["Drug A", "Drug B"], ACTARM=["Drug A", None])
    got = derive_vars_trt01(armed, {"TS": ts})
    assert got["TRT01P"].tolist() == ["Drug A", "Drug B"] and got["TRT01A"].tolist()[0] == "Drug A"


def test_enrolled_when_consent_is_given_or_waived() -> None:
    """Regression: subjects enrolled under a consent waiver (no RFICDTC, SUPPDM ICWAIV = Y) were ENRLFL 'N'."""
    from cdiscmm.adam.adsl_flags import derive_var_population_flag

    spec = next(variable for variable in load_adam_spec("ADSL").variables if variable.name == "ENRLFL")
    adsl = pd.DataFrame({"USUBJID": ["A", "B", "C"]})
    dm = pd.DataFrame({"USUBJID": ["A", "B", "C"], "RFICDTC": ["2024-01-05", None, None], "ICWAIV": [None, "Y", None]})
    assert derive_var_population_flag(adsl, {"DM": dm}, spec)["ENRLFL"].tolist() == ["Y", "Y", "N"]


def test_no_treatment_disposition_collected_leaves_eotstt_missing_not_ongoing() -> None:
    """Regression: after a single CAR-T infusion no end-of-treatment page exists; EOTSTT said ONGOING for all."""
    from cdiscmm.adam.adsl_derivations import derive_vars_disposition

    adsl = pd.DataFrame({"USUBJID": ["A", "B"], "SAFFL": ["Y", "Y"]})
    ds = pd.DataFrame(
        {
            "USUBJID": ["A"],
            "DSCAT": ["DISPOSITION EVENT"],
            "DSSCAT": ["STUDY PARTICIPATION"],
            "DSDECOD": ["DEATH"],
            "DSSTDTC": ["2024-05-01"],
        }
    )
    got = derive_vars_disposition(adsl, {"DS": ds}, "STUDY TREATMENT", ("EOTSTT", "DCTREAS", None), "SAFFL")
    assert got["EOTSTT"].isna().all()
    got = derive_vars_disposition(adsl, {"DS": ds}, "STUDY PARTICIPATION", ("EOSSTT", "DCSREAS", "EOSDT"))
    assert got["EOSSTT"].tolist() == ["DISCONTINUED", "ONGOING"] and got["DCSREAS"].tolist()[0] == "DEATH"


def test_imputed_death_date_is_not_before_a_known_alive_date() -> None:
    """Regression (ELRA J001-0006): death '2025-04' was imputed to 04-01 although an assessment is dated 04-06.
    A: imputed date moves to 04-06 (DTHDTF stays 'D'); B: a complete death date is never moved."""
    from cdiscmm.adam.adsl_dates import derive_var_dthdt_not_before_alive

    spec = next(variable for variable in load_adam_spec("ADSL").variables if variable.name == "LSTALVDT")
    adsl = pd.DataFrame(
        {
            "USUBJID": ["A", "B"],
            "DTHDT": pd.to_datetime(["2025-04-01", "2025-04-02"]).astype("datetime64[us]"),
            "DTHDTF": ["D", None],
        }
    )
    rs = pd.DataFrame({"USUBJID": ["A", "B"], "RSSEQ": [1, 1], "RSDTC": ["2025-04-06", "2025-04-09"]})
    got = derive_var_dthdt_not_before_alive(adsl, {"RS": rs}, spec)
    assert got["DTHDT"].dt.strftime("%Y-%m-%d").tolist() == ["2025-04-06", "2025-04-02"]
    assert got["DTHDTF"].iloc[0] == "D" and pd.isna(got["DTHDTF"].iloc[1])
