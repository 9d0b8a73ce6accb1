"""TS from study.yaml: TSPARM from CT, TSVALCD for coded values, several values, null flavors, derived SSTDTC."""

from __future__ import annotations

import pandas as pd
import pytest

from cdiscmm.core.errors import SpecError
from cdiscmm.metadata.standards import sdtm_ct, sdtmig
from cdiscmm.metadata.study import StudyConfig, select_studies
from cdiscmm.sdtm.ts import build_ts, study_start_date

DM = pd.DataFrame({"USUBJID": ["A-1", "A-2", "A-3"], "RFICDTC": ["2024-03-12", "2024-03", None]})


def test_bundled_study_trial_summary() -> None:
    study = select_studies(["ELRA-JP-PMS"])[0]
    ts = build_ts(study.config, DM, sdtm_ct(), sdtmig()["TS"]).data
    by = ts.set_index(["TSPARMCD", "TSSEQ"])
    assert by.loc[("STYPE", 1), ["TSPARM", "TSVAL", "TSVALCD", "TSVCDREF", "TSVCDVER"]].tolist() == [
        "Study Type",
        "OBSERVATIONAL",
        "C16084",
        "CDISC CT",
        "2025-03-28",  # the CT package date (SDTMIG 3.4 TS Example 1), not the package name
    ]
    assert by.loc[("TTYPE", 2), "TSVAL"] == "EFFICACY"
    assert pd.isna(by.loc[("AGEMAX", 1), "TSVAL"]) and by.loc[("AGEMAX", 1), "TSVALNF"] == "PINF"
    assert by.loc[("SSTDTC", 1), "TSVAL"] == "2024-03-12"  # earliest complete consent; partial 2024-03 ignored
    assert by.loc[("ACTSUB", 1), "TSVAL"] == "3"
    assert by.loc[("FCNTRY", 1), ["TSVALCD", "TSVCDREF"]].tolist() == ["JPN", "ISO 3166"]
    assert list(ts.columns[:4]) == ["STUDYID", "DOMAIN", "TSSEQ", "TSPARMCD"]


def ts_config(*parameters: dict[str, object]) -> StudyConfig:
    """A study of no design but the given trial-summary parameters."""
    return StudyConfig.model_validate(
        {
            "studyid": "X",
            "title": "t",
            "sponsor": "s",
            "region": "FDA",
            "design": {"arm_null_reason": "NOT ASSIGNED"},
            "trial_summary": list(parameters),
        }
    )


def test_value_outside_a_non_extensible_codelist_is_a_spec_error() -> None:
    config = ts_config({"parmcd": "STYPE", "value": "OBSERVATIONAL STUDY", "codelist": "C99077"})
    with pytest.raises(SpecError, match="not a term of codelist C99077"):
        build_ts(config, DM, sdtm_ct(), sdtmig()["TS"])


def test_parameter_needs_exactly_one_value_kind() -> None:
    with pytest.raises(ValueError, match="exactly one of value, values, null_flavor, derive"):
        StudyConfig.model_validate(
            {
                "studyid": "X",
                "title": "t",
                "sponsor": "s",
                "region": "FDA",
                "design": {"arm_null_reason": "NOT ASSIGNED"},
                "trial_summary": [{"parmcd": "AGEMAX", "value": "P99Y", "null_flavor": "PINF"}],
            }
        )


def _config(*parameters: dict[str, object]) -> StudyConfig:
    return StudyConfig.model_validate(
        {
            "studyid": "X",
            "title": "t",
            "sponsor": "s",
            "region": "FDA",
            "design": {"arm_null_reason": "NOT ASSIGNED"},
            "trial_summary": list(parameters),
        }
    )


def test_study_start_date_is_the_earliest_complete_consent() -> None:
    # Hand-worked: by earliest possible instant the partial dates come first (2024 = 2024-01-01, 2024-05 =
    # 2024-05-01), but neither says which day the study started, so both are ignored. Of the complete dates
    # 2024-06-03, 2024-05-20 and 2024-05-19 (its time 23:10 dropped) the earliest is 2024-05-19.
    consent = pd.Series(["2024-05", "2024-06-03", "2024-05-20", "2024", None, "", "2024-05-19T23:10"])
    assert study_start_date(consent) == "2024-05-19"
    dm = pd.DataFrame({"USUBJID": [f"X-{n}" for n in range(len(consent))], "RFICDTC": consent})
    ts = build_ts(_config({"parmcd": "SSTDTC", "derive": "earliest_consent"}), dm, sdtm_ct(), sdtmig()["TS"]).data
    assert ts["TSVAL"].tolist() == ["2024-05-19"] and "TSVALNF" not in ts  # Perm, left out when unused


def test_study_start_date_without_a_complete_consent_is_partial_and_reported(capsys: pytest.CaptureFixture) -> None:
    # No complete date: the earliest partial one (2023-11 starts 2023-11-01, before 2024) is kept and reported.
    assert study_start_date(pd.Series(["2024", "2023-11", None]), "X") == "2023-11"
    assert "warning: X: no complete informed-consent date" in capsys.readouterr().err
    assert study_start_date(pd.Series([None, ""], dtype="string")) is None


def test_iso_3166_values_are_their_own_codes_and_tsvcdref_is_a_dictnam_term() -> None:
    fcntry = {"parmcd": "FCNTRY", "values": ["JPN", "CHN"], "dictionary": "ISO 3166"}
    ts = build_ts(_config(fcntry), DM, sdtm_ct(), sdtmig()["TS"]).data
    assert ts[["TSVAL", "TSVALCD", "TSVCDREF"]].values.tolist() == [
        ["JPN", "JPN", "ISO 3166"],
        ["CHN", "CHN", "ISO 3166"],
    ]
    with pytest.raises(SpecError, match="TSVCDREF 'ISO 3166-1 alpha-3' is not a term of codelist C66788"):
        build_ts(_config({**fcntry, "dictionary": "ISO 3166-1 alpha-3"}), DM, sdtm_ct(), sdtmig()["TS"])
    with pytest.raises(SpecError, match="is its own code"):
        build_ts(_config({**fcntry, "values": ["Japan"]}), DM, sdtm_ct(), sdtmig()["TS"])


def test_bundled_studies_trial_summary_parameters() -> None:
    dictnam = set(sdtm_ct().get("C66788").values()) | {"ClinicalTrials.gov"}
    expected = {
        "ELRA-JP-PMS": ("P52W", "Y", None),
        "EQUE-CN-RWS": ("P24W", "N", None),
        "ISA-OBS-RRMM": ("P12M", "U", "NCT04458831"),
    }
    for study in select_studies(list(expected)):
        length, passind, regid = expected[study.studyid]
        ts = build_ts(study.config, DM, sdtm_ct(), sdtmig()["TS"]).data
        by = ts.set_index(["TSPARMCD", "TSSEQ"])
        assert by.loc[("TPHASE", 1), ["TSVAL", "TSVALCD"]].tolist() == ["PHASE IV TRIAL", "C15603"]
        assert by.loc[("INTTYPE", 1), ["TSVAL", "TSVALCD"]].tolist() == ["BIOLOGIC", "C307"]
        assert by.loc[("LENGTH", 1), "TSVAL"] == length
        assert by.loc[("PASSIND", 1), "TSVAL"] == passind
        for parmcd in ("INDIC", "THERAREA", "OBJPRIM", "OUTMSPRI"):
            assert pd.notna(by.loc[(parmcd, 1), "TSVAL"]), (study.studyid, parmcd)
        assert set(ts["TSVCDREF"].dropna()) <= dictnam
        fcntry = ts[ts["TSPARMCD"] == "FCNTRY"]
        assert (fcntry["TSVALCD"] == fcntry["TSVAL"]).all() and (fcntry["TSVCDREF"] == "ISO 3166").all()
        regids = ts.loc[ts["TSPARMCD"] == "REGID", "TSVAL"].tolist()
        assert regids == ([regid] if regid else []), study.studyid
        assert (ts["TSVAL"].dropna().str.encode("utf-8").str.len() <= 200).all()
