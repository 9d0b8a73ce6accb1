"""TS from study.yaml: TSPARM from CT, TSVALCD for coded values, several values, null flavors, derived SSTDTC."""

from __future__ import annotations

import pandas as pd
import pytest

from cdiscmm.errors import SpecError
from cdiscmm.metadata.standards import sdtm_ct, sdtmig
from cdiscmm.metadata.study import StudyConfig, select_studies
from cdiscmm.sdtm.ts import build_ts

DM = pd.DataFrame({"USUBJID": ["A-1", "A-2", "A-3"], "RFICDTC": ["2024-03-12", "2024-03", None]})


def test_bundled_study_trial_summary() -> None:
    study = select_studies(["ELRA-JP-PMS"])[0]
    ts = build_ts(study.config, DM, sdtm_ct(), sdtmig()["TS"]).data
    by = ts.set_index(["TSPARMCD", "TSSEQ"])
    assert by.loc[("STYPE", 1), ["TSPARM", "TSVAL", "TSVALCD", "TSVCDREF"]].tolist() == [
        "Study Type",
        "OBSERVATIONAL",
        "C16084",
        "CDISC CT",
    ]
    assert by.loc[("TTYPE", 2), "TSVAL"] == "EFFICACY"
    assert pd.isna(by.loc[("AGEMAX", 1), "TSVAL"]) and by.loc[("AGEMAX", 1), "TSVALNF"] == "PINF"
    assert by.loc[("SSTDTC", 1), "TSVAL"] == "2024-03"  # earliest consent, partial kept
    assert by.loc[("ACTSUB", 1), "TSVAL"] == "3"
    assert by.loc[("FCNTRY", 1), ["TSVALCD", "TSVCDREF"]].tolist() == ["JPN", "ISO 3166-1 alpha-3"]
    assert list(ts.columns[:4]) == ["STUDYID", "DOMAIN", "TSSEQ", "TSPARMCD"]


def test_value_outside_a_non_extensible_codelist_is_a_spec_error() -> None:
    config = StudyConfig.model_validate(
        {
            "studyid": "X",
            "title": "t",
            "sponsor": "s",
            "region": "FDA",
            "design": {"arm_null_reason": "NOT ASSIGNED"},
            "trial_summary": [{"parmcd": "STYPE", "value": "OBSERVATIONAL STUDY", "codelist": "C99077"}],
        }
    )
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
