"""Each real defect CDISC CORE found on the bundled SDTM (issue #11 item 6) is caught by a rule: hand-built cases."""

from __future__ import annotations

import pandas as pd
import pytest

from cdiscmm.validate.catalogue import load_catalogue
from cdiscmm.validate.checks_records import is_in
from cdiscmm.validate.delivery import build_delivery
from cdiscmm.validate.engine import validate
from tests.validate.helpers import dm, findings, frame


def test_bodsys_filled_without_its_meddra_code_is_a_finding():
    ae = frame(
        [
            {"AESEQ": 1, "AEBODSYS": "Cardiac disorders", "AEBDSYCD": None},
            {"AESEQ": 2, "AEBODSYS": "Cardiac disorders", "AEBDSYCD": 10007541.0},
        ],
        STUDYID="S1",
        DOMAIN="AE",
        USUBJID="S1-001",
    )
    found = findings("CORE-000024", {"AE": ae, "DM": dm("S1-001")})
    assert found[["ROW", "USUBJID", "SEQ"]].values.tolist() == [[1, "S1-001", 1]]


def test_unknown_code_in_orres_with_empty_stresc_is_a_finding_but_a_standardised_one_is_not():
    rs = frame(
        [
            {"RSSEQ": 1, "RSORRES": "99", "RSSTRESC": ""},
            {"RSSEQ": 2, "RSORRES": "CR", "RSSTRESC": "CR"},
            {"RSSEQ": 3, "RSORRES": "", "RSSTRESC": ""},
        ],
        STUDYID="S1",
        DOMAIN="RS",
        USUBJID="S1-001",
    )
    found = findings("CORE-000021", {"RS": rs})
    assert found[["ROW", "VALUE"]].values.tolist() == [[1, "99"]]


@pytest.mark.parametrize("domain", ["EX", "CM"])
def test_dose_without_unit_is_a_finding(domain):
    data = frame(
        [
            {f"{domain}SEQ": 1, f"{domain}DOSE": 10.0, f"{domain}DOSU": ""},
            {f"{domain}SEQ": 2, f"{domain}DOSE": 10.0, f"{domain}DOSU": "mg"},
            {f"{domain}SEQ": 3, f"{domain}DOSE": None, f"{domain}DOSU": ""},
        ],
        STUDYID="S1",
        DOMAIN=domain,
        USUBJID="S1-001",
    )
    found = findings("SD0035", {domain: data})
    assert found["SEQ"].tolist() == [1]


def test_blank_epoch_is_a_finding():
    rs = frame(
        [{"RSSEQ": 1, "EPOCH": ""}, {"RSSEQ": 2, "EPOCH": "TREATMENT"}], STUDYID="S1", DOMAIN="RS", USUBJID="S1-001"
    )
    assert findings("CDM-EPOCHBLANK", {"RS": rs})["SEQ"].tolist() == [1]


def test_not_done_without_reason_is_a_finding_also_when_reasnd_is_not_in_the_dataset():
    qs = frame(
        [{"QSSEQ": 1, "QSSTAT": "NOT DONE"}, {"QSSEQ": 2, "QSSTAT": ""}], STUDYID="S1", DOMAIN="QS", USUBJID="S1-001"
    )
    assert findings("SD1124", {"QS": qs})["SEQ"].tolist() == [1]
    qs["QSREASND"] = ["PATIENT REFUSED", ""]
    assert findings("SD1124", {"QS": qs}).empty


def test_mh_study_days_absent_though_dates_exist_is_a_finding():
    mh = frame([{"MHSEQ": 1, "MHSTDTC": "2020-01-05", "MHENDTC": ""}], STUDYID="S1", DOMAIN="MH", USUBJID="S1-001")
    found = findings("CDM-DYABSENT", {"MH": mh})
    assert found["VARIABLE"].tolist() == ["MHSTDY"]  # MHENDTC is never filled, so MHENDY is not asked for


def test_entpt_without_enrtpt_is_a_finding():
    mh = frame(
        [
            {"MHSEQ": 1, "MHENTPT": "2020-01-05", "MHENRTPT": ""},
            {"MHSEQ": 2, "MHENTPT": "2020-01-05", "MHENRTPT": "BEFORE"},
        ],
        STUDYID="S1",
        DOMAIN="MH",
        USUBJID="S1-001",
    )
    assert findings("CORE-000106", {"MH": mh})["SEQ"].tolist() == [1]


def test_blank_aeser_is_a_finding():
    ae = frame([{"AESEQ": 1, "AESER": ""}, {"AESEQ": 2, "AESER": "N"}], STUDYID="S1", DOMAIN="AE", USUBJID="S1-001")
    assert findings("CDM-AESERBLANK", {"AE": ae})["SEQ"].tolist() == [1]


def test_death_flag_without_a_fatal_ae_is_a_warning_finding_and_a_fatal_ae_clears_it():
    ae = frame([{"AESEQ": 1, "AEOUT": "FATAL"}], STUDYID="S1", DOMAIN="AE", USUBJID="S1-002")
    people = dm("S1-001", "S1-002", "S1-003", DTHFL=["Y", "Y", ""])
    assert findings("CDM-DTHNOAE", {"DM": people, "AE": ae})["USUBJID"].tolist() == ["S1-001"]


@pytest.mark.parametrize(
    ("start", "end", "flagged"),
    [
        ("2021-03-10", "2021-03-01", True),
        ("2021-03", "2021-02-15", True),  # partial start: the months differ
        ("2021-03", "2021-03-10", False),  # same month: cannot tell
        ("2021", "2020-12-31", True),
        ("2021-03-10T10:00", "2021-03-10T09:00", True),
        ("2021-03-10", "2021-03-10", False),
        ("2021-03-10", "", False),
    ],
)
@pytest.mark.parametrize("domain", ["AE", "CM", "HO", "MH"])
def test_start_after_end_is_a_finding_at_the_precision_both_dates_have(domain, start, end, flagged):
    data = frame(
        [{f"{domain}SEQ": 1, f"{domain}STDTC": start, f"{domain}ENDTC": end}],
        STUDYID="S1",
        DOMAIN=domain,
        USUBJID="S1-001",
    )
    assert len(findings("SD0013", {domain: data})) == int(flagged)


def test_mh_bodsys_is_not_compared_with_an_mhsoc_sdtmig_34_mh_does_not_have():
    """CORE's false positive: MHBODSYS against MHSOC. MH's MedDRA codes are permissible and MH has no MHSOC."""
    mh = frame(
        [{"MHSEQ": 1, "MHBODSYS": "Cardiac disorders", "MHBDSYCD": None}], STUDYID="S1", DOMAIN="MH", USUBJID="S1-001"
    )
    result = validate(build_delivery({"DM": dm("S1-001"), "MH": mh}), load_catalogue())
    mh_findings = pd.concat([outcome.findings for outcome in result.outcomes.values()], ignore_index=True)
    assert mh_findings.loc[mh_findings["DATASET"].eq("MH"), "VARIABLE"].isin(["MHBODSYS", "MHSOC"]).sum() == 0


def test_no_findings_about_rule_fires_without_fa_or_relrec():
    """CORE's false positive: a Findings About rule failing on a delivery that has neither FA nor RELREC."""
    ae = frame([{"AESEQ": 1, "AETERM": "Rash", "AEDECOD": "Rash"}], STUDYID="S1", DOMAIN="AE", USUBJID="S1-001")
    result = validate(build_delivery({"DM": dm("S1-001"), "AE": ae}), load_catalogue())
    failing = [rule for rule, outcome in result.outcomes.items() if outcome.status == "FAIL"]
    about_fa = [rule.id for rule in result.rules if {"FA", "RELREC"} & set(rule.datasets)]
    assert not set(failing) & set(about_fa)
    found = pd.concat([outcome.findings for outcome in result.outcomes.values()], ignore_index=True)
    assert set(found["DATASET"]) <= {"DM", "AE"}


@pytest.mark.parametrize("dtype", ["str", object])
def test_is_in_is_isin_on_text_and_other_columns(dtype: object) -> None:
    values = pd.Series(["S1", "S9", None, "", "s1"], index=[5, 6, 7, 8, 9], dtype=dtype)
    allowed = pd.Series(["S1", "S2", ""], dtype=dtype)
    found = is_in(values, allowed)
    assert found.tolist() == [True, False, False, True, False]
    assert found.index.tolist() == [5, 6, 7, 8, 9]
