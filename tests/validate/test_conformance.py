"""Cross-dataset conformance rules (issue #11 item 2) on hand-built deliveries."""

from __future__ import annotations

import pandas as pd
import pytest

from cdiscmm.validate.catalogue import load_catalogue
from cdiscmm.validate.delivery import build_delivery
from cdiscmm.validate.engine import validate
from tests.validate.helpers import dm, findings, frame

PMDA_REJECT = {"CT2001", "CT2004", "SD0002", "SD0056", "SD0064", "SD1020", "AD0001"}


def test_catalogue_has_every_pmda_reject_rule_at_reject_severity():
    rules = {rule.id: rule for rule in load_catalogue()}
    assert {rule_id for rule_id, rule in rules.items() if rule.pmda == "Reject"} == PMDA_REJECT
    assert all(rules[rule_id].severity == "Reject" for rule_id in PMDA_REJECT)


def test_subject_not_in_dm_is_a_reject_finding():
    ae = frame([{"USUBJID": "S1-001", "AESEQ": 1}, {"USUBJID": "S1-999", "AESEQ": 1}], STUDYID="S1", DOMAIN="AE")
    assert findings("SD0064", {"DM": dm("S1-001"), "AE": ae})["USUBJID"].tolist() == ["S1-999"]


def test_missing_dm_is_reported_and_rules_needing_dm_do_not_run_with_the_reason():
    ae = frame([{"USUBJID": "S1-001", "AESEQ": 1, "AESTDTC": "2021-01-01", "AESTDY": 1.0}], STUDYID="S1", DOMAIN="AE")
    result = validate(build_delivery({"AE": ae}), load_catalogue())
    assert result.outcomes["SD1020"].status == "FAIL"
    assert result.outcomes["SD0064"].status == "NOT RUN"
    assert result.outcomes["SD0064"].reason == "DM dataset absent"
    assert result.outcomes["AD0001"].reason == "no ADaM folder given"


def test_duplicate_seq_within_a_subject():
    lb = frame(
        [{"USUBJID": "A", "LBSEQ": 1}, {"USUBJID": "A", "LBSEQ": 1}, {"USUBJID": "B", "LBSEQ": 1}],
        STUDYID="S1",
        DOMAIN="LB",
    )
    assert findings("SD0005", {"LB": lb})["ROW"].tolist() == [1, 2]


def test_study_day_against_rfstdtc_no_day_zero_and_none_for_a_partial_date():
    ae = frame(
        [
            {"AESEQ": 1, "AESTDTC": "2021-01-10", "AESTDY": 10.0},  # right: 10 Jan is day 10 from 1 Jan
            {"AESEQ": 2, "AESTDTC": "2020-12-31", "AESTDY": 0.0},  # wrong: the day before day 1 is day -1
            {"AESEQ": 3, "AESTDTC": "2021-01", "AESTDY": 5.0},  # a partial date has no study day
            {"AESEQ": 4, "AESTDTC": "2021-01-01", "AESTDY": 1.0},
        ],
        STUDYID="S1",
        DOMAIN="AE",
        USUBJID="S1-001",
    )
    people = dm("S1-001", RFSTDTC=["2021-01-01"])
    assert findings("SD1086", {"DM": people, "AE": ae})["SEQ"].tolist() == [2, 3]
    assert findings("SD0038", {"DM": people, "AE": ae})["SEQ"].tolist() == [2]


def test_visit_and_visitnum_one_to_one_both_ways():
    lb = frame(
        [
            {"LBSEQ": 1, "VISITNUM": 1.0, "VISIT": "BASELINE"},
            {"LBSEQ": 2, "VISITNUM": 1.0, "VISIT": "SCREENING"},
            {"LBSEQ": 3, "VISITNUM": 2.0, "VISIT": "WEEK 2"},
        ],
        STUDYID="S1",
        DOMAIN="LB",
        USUBJID="A",
    )
    assert findings("SD0051", {"LB": lb})["SEQ"].tolist() == [1, 2]
    assert findings("SD0052", {"LB": lb}).empty


def test_exposure_outside_the_reference_exposure_dates():
    ex = frame(
        [
            {"EXSEQ": 1, "EXSTDTC": "2021-01-01", "EXENDTC": "2021-01-01"},
            {"EXSEQ": 2, "EXSTDTC": "2021-02-01", "EXENDTC": "2021-02-03"},
        ],
        STUDYID="S1",
        DOMAIN="EX",
        USUBJID="S1-001",
    )
    people = dm("S1-001", RFXSTDTC=["2021-01-01"], RFXENDTC=["2021-02-01"])
    found = findings("SD1207", {"DM": people, "EX": ex})
    assert found[["SEQ", "VARIABLE"]].values.tolist() == [[2, "EXENDTC"]]


@pytest.mark.parametrize(
    ("rule_id", "expected"),
    [("CORE-000252", ["S1-002"]), ("CORE-000679", ["S1-003"])],
)
def test_death_flag_agrees_with_ds(rule_id, expected):
    ds = frame([{"USUBJID": "S1-001", "DSDECOD": "DEATH"}, {"USUBJID": "S1-002", "DSDECOD": "DEATH"}], DOMAIN="DS")
    people = dm("S1-001", "S1-002", "S1-003", DTHFL=["Y", "", "Y"])
    assert findings(rule_id, {"DM": people, "DS": ds})["USUBJID"].tolist() == expected


def test_aeser_consistent_with_its_criteria():
    ae = frame(
        [
            {"AESEQ": 1, "AESER": "N", "AESHOSP": "Y"},
            {"AESEQ": 2, "AESER": "Y", "AESHOSP": "N"},
            {"AESEQ": 3, "AESER": "Y", "AESHOSP": "Y"},
        ],
        STUDYID="S1",
        DOMAIN="AE",
        USUBJID="A",
    )
    assert findings("CORE-000022", {"AE": ae})["SEQ"].tolist() == [1]
    assert findings("CDM-AESERNOCRIT", {"AE": ae})["SEQ"].tolist() == [2]


def test_supp_records_resolve_to_their_parent_by_seq_or_to_dm():
    ae = frame([{"USUBJID": "A", "AESEQ": 1.0}], STUDYID="S1", DOMAIN="AE")
    supp = frame(
        [
            {"RDOMAIN": "AE", "USUBJID": "A", "IDVAR": "AESEQ", "IDVARVAL": "1"},
            {"RDOMAIN": "AE", "USUBJID": "A", "IDVAR": "AESEQ", "IDVARVAL": "2"},
            {"RDOMAIN": "DM", "USUBJID": "A", "IDVAR": "", "IDVARVAL": ""},
            {"RDOMAIN": "DM", "USUBJID": "Z", "IDVAR": "", "IDVARVAL": ""},
        ],
        STUDYID="S1",
        QNAM="X",
        QLABEL="X",
        QVAL="1",
    )
    found = findings("SD0077", {"DM": dm("A"), "AE": ae, "SUPPAE": supp})
    assert found["ROW"].tolist() == [2, 4]


def test_epoch_must_match_the_subject_element_of_the_date_when_se_exists():
    se = frame(
        [
            {"SESTDTC": "2021-01-01", "SEENDTC": "2021-01-10", "EPOCH": "SCREENING"},
            {"SESTDTC": "2021-01-10", "SEENDTC": "", "EPOCH": "TREATMENT"},
        ],
        STUDYID="S1",
        DOMAIN="SE",
        USUBJID="A",
    )
    lb = frame(
        [
            {"LBSEQ": 1, "LBDTC": "2021-01-05", "EPOCH": "SCREENING"},
            {"LBSEQ": 2, "LBDTC": "2021-01-10", "EPOCH": "SCREENING"},
            {"LBSEQ": 3, "LBDTC": "2021-02-01", "EPOCH": "SCREENING"},
        ],
        STUDYID="S1",
        DOMAIN="LB",
        USUBJID="A",
    )
    assert findings("CDM-EPOCHSE", {"SE": se, "LB": lb})["SEQ"].tolist() == [3]


def test_adsl_one_record_per_dm_subject():
    adsl = pd.DataFrame({"STUDYID": "S1", "USUBJID": ["A", "A", "C"]})
    found = findings("CDM-ADSLDM", {"DM": dm("A", "B")}, {"ADSL": adsl})
    assert found[["DATASET", "USUBJID"]].values.tolist() == [["ADSL", "C"], ["DM", "B"]]
    assert findings("CDM-ADSLDUP", {"DM": dm("A", "B")}, {"ADSL": adsl})["ROW"].tolist() == [1, 2]


def test_adam_srcdom_srcseq_resolve_to_sdtm_and_adam_records():
    ae = frame([{"USUBJID": "A", "AESEQ": 1.0}], STUDYID="S1", DOMAIN="AE")
    adrs = pd.DataFrame({"USUBJID": ["A"], "ASEQ": [4.0]})
    adtte = pd.DataFrame(
        {
            "USUBJID": "A",
            "SRCDOM": ["AE", "AE", "ADRS", "ADSL"],
            "SRCSEQ": [1.0, 2.0, 4.0, None],
            "CNSR": [0.0, 1, 0, 2],
        }
    )
    found = findings("CDM-SRCSEQ", {"AE": ae, "DM": dm("A")}, {"ADTTE": adtte, "ADRS": adrs})
    assert found["ROW"].tolist() == [2]
    assert findings("AD0169", {"DM": dm("A")}, {"ADTTE": adtte})["ROW"].tolist() == [4]
