"""A fourth study with its own collected layout is mapped with YAML only (issue #3).

The raw forms are shaped unlike the bundled studies: the subject is ``PATIENT_NO``, dates are ``YYYY-MM-DD`` in
one column and ``DD/MM/YYYY`` in another, severity is coded 1/2/3, and a questionnaire is one wide row per
visit (unpivoted to one QS record per item). Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cdiscmm.io.write import write_outputs
from cdiscmm.io.xpt.read import read_xpt
from cdiscmm.metadata.study import load_study
from cdiscmm.sdtm.build import build_datasets
from tests.sdtm.conftest import read_csv_form

STUDY_YAML = """\
studyid: FOURTH-01
title: A fourth study
sponsor: Test sponsor
region: FDA
language: en
design:
  arm: {armcd: ISA, arm: Isatuximab}
  reference_dates:
    RFICDTC: {pick: first, sources: [{form: patients, subject: PATIENT_NO, date: CONSENTED, format: DD/MM/YYYY}]}
    RFSTDTC: {pick: first, sources: [{form: dosing, subject: PATIENT_NO, date: GIVEN_ON, format: YYYY-MM-DD}]}
    RFXSTDTC: {pick: first, sources: [{form: dosing, subject: PATIENT_NO, date: GIVEN_ON, format: YYYY-MM-DD}]}
    RFXENDTC: {pick: last, sources: [{form: dosing, subject: PATIENT_NO, date: GIVEN_ON, format: YYYY-MM-DD}]}
  epochs:
    - {epoch: SCREENING, start: RFICDTC}
    - {epoch: TREATMENT, start: RFXSTDTC}
    - {epoch: FOLLOW-UP, start: RFXENDTC, offset_days: 1}
trial_summary:
  - {parmcd: STYPE, value: OBSERVATIONAL, codelist: C99077}
  - {parmcd: SSTDTC, derive: earliest_consent}
"""

DM_YAML = """\
domain: DM
sources:
  - form: patients
    subject: PATIENT_NO
    variables:
      SUBJID: {assign_no_ct: {field: PATIENT_NO}}
      SITEID: {assign_no_ct: {field: CENTRE}}
      SEX: {assign_ct: {field: GENDER, codelist: C66731, map: {"1": M, "2": F}}}
      BRTHDTC: {assign_datetime: {date: BORN, format: YYYY-MM-DD}}
      COUNTRY: {hardcode_no_ct: {value: FRA}}
derive:
  AGE: {derive_age: {birth: BRTHDTC, reference: RFICDTC}}
"""

AE_YAML = """\
domain: AE
sources:
  - form: tox
    subject: PATIENT_NO
    variables:
      AETERM: {assign_no_ct: {field: WHAT}}
      AEDECOD: {assign_no_ct: {field: WHAT, upper: true}}
      AESEV: {assign_ct: {field: SEV, codelist: C66769, map: {"1": MILD, "2": MODERATE, "3": SEVERE}}}
      AESTDTC: {assign_datetime: {date: FROM, format: YYYY-MM-DD}}
      AEENDTC: {assign_datetime: {date: UNTIL, format: DD/MM/YYYY}}
derive:
  AESEQ: {derive_seq: {by: [AESTDTC, AETERM]}}
  AESTDY: {derive_study_day: {dtc: AESTDTC}}
  EPOCH: {derive_epoch: {dtc: AESTDTC}}
"""

QS_YAML = """\
domain: QS
sources:
  - form: diary
    subject: PATIENT_NO
    unpivot: {columns: [PAIN, SLEEP], name: ITEM, value: SCORE}
    variables:
      QSTESTCD: {assign_no_ct: {field: ITEM}}
      QSTEST: {assign_no_ct: {field: ITEM}}
      QSCAT: {hardcode_no_ct: {value: PATIENT DIARY}}
      QSORRES: {assign_no_ct: {field: SCORE}}
      QSSTRESC: {assign_no_ct: {field: SCORE}}
      QSSTRESN: {assign_no_ct: {field: SCORE}}
      QSDTC: {assign_datetime: {date: FILLED, format: YYYY-MM-DD}}
derive:
  QSSEQ: {derive_seq: {by: [QSDTC, QSTESTCD]}}
  QSDY: {derive_study_day: {dtc: QSDTC}}
"""

FORMS = {
    "patients": "PATIENT_NO,CENTRE,GENDER,BORN,CONSENTED\n"
    "P1,01,1,1950-06-15,10/03/2024\n"
    "P2,01,2,1961-UN-UN,UN/03/2024\n",
    "dosing": "PATIENT_NO,GIVEN_ON\nP1,2024-03-12\nP1,2024-04-09\nP2,2024-03\n",
    # row 3 repeats row 1 exactly; row 4 has an impossible date; row 5 names a patient without DM record
    "tox": "PATIENT_NO,WHAT,SEV,FROM,UNTIL\n"
    "P1,Nausea,1,2024-03-12,14/03/2024\n"
    "P1,Headache,2,2024-03-11,\n"
    "P1,Nausea,1,2024-03-12,14/03/2024\n"
    "P1,Rash,1,2024-02-30,\n"
    "P9,Fatigue,1,2024-03-20,\n"
    "P2,Fatigue,3,2024-03-20,UN/04/2024\n"
    "P1,Cough,9,2024-05-01,\n",
    "diary": "PATIENT_NO,FILLED,PAIN,SLEEP\nP1,2024-03-13,3,\nP1,2024-03-20,,\n",
    "notes": "PATIENT_NO,TEXT\nP1,anything\n",
}


@pytest.fixture
def fourth(tmp_path: Path) -> tuple[Path, Path]:
    study_dir = tmp_path / "mappings" / "fourth"
    study_dir.mkdir(parents=True)
    (tmp_path / "mappings" / "shared").mkdir()  # an empty shared/ folder: no shared mappings (not the bundled ones)
    (study_dir / "study.yaml").write_text(STUDY_YAML, encoding="utf-8")
    for name, text in (("dm", DM_YAML), ("ae", AE_YAML), ("qs", QS_YAML)):
        (study_dir / f"{name}.yaml").write_text(text, encoding="utf-8")
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    for form, text in FORMS.items():
        (raw_dir / f"{form}.csv").write_text(text, encoding="utf-8")
    return study_dir, raw_dir


def test_fourth_study_maps_dm_ae_qs_from_yaml_only(fourth: tuple[Path, Path]) -> None:
    study_dir, raw_dir = fourth
    build = build_datasets(load_study(study_dir), raw_dir, reader=read_csv_form)
    dm = build.datasets["DM"].data.set_index("USUBJID")
    assert list(dm.index) == ["FOURTH-01-P1", "FOURTH-01-P2"]
    assert dm.loc["FOURTH-01-P1", "RFSTDTC"] == "2024-03-12"
    assert dm.loc["FOURTH-01-P1", "RFXENDTC"] == "2024-04-09"
    assert dm.loc["FOURTH-01-P2", "RFICDTC"] == "2024-03"  # UN/03/2024 stays partial
    assert dm.loc["FOURTH-01-P2", "BRTHDTC"] == "1961"
    # 1950-06-15 to 2024-03-10: 73 completed years; P2's birth date is partial → no AGE, no AGEU
    assert dm.loc["FOURTH-01-P1", "AGE"] == 73 and dm.loc["FOURTH-01-P1", "AGEU"] == "YEARS"
    assert pd.isna(dm.loc["FOURTH-01-P2", "AGE"]) and pd.isna(dm.loc["FOURTH-01-P2", "AGEU"])
    assert list(dm["SEX"]) == ["M", "F"]
    assert list(dm["ARMCD"]) == ["ISA", "ISA"] and list(dm["ACTARM"]) == ["Isatuximab", "Isatuximab"]

    ae = build.datasets["AE"].data
    # P1: Headache (03-11, day -1, SCREENING), Nausea (03-12, day 1, TREATMENT), Cough (05-01: 19 + 30 + 1 = 50
    # days after 03-12, day 51, after RFXENDTC 04-09 + 1: FOLLOW-UP; its AESEV 9 is no term: null, queried), Rash
    # (start 2024-02-30 is no date: AESTDTC null and queried, sorted last); P2: Fatigue (partial RFSTDTC)
    assert list(ae["AETERM"]) == ["Headache", "Nausea", "Cough", "Rash", "Fatigue"]
    assert list(ae["AESEQ"]) == [1, 2, 3, 4, 1]
    assert list(ae["AESTDY"].astype("object").where(ae["AESTDY"].notna(), None)) == [-1, 1, 51, None, None]
    assert list(ae["EPOCH"].astype("object").where(ae["EPOCH"].notna(), None)) == [
        "SCREENING",
        "TREATMENT",
        "FOLLOW-UP",
        None,
        None,
    ]
    assert list(ae["AEENDTC"].fillna("")) == ["", "2024-03-14", "", "", "2024-04"]
    assert list(ae["AESEV"].astype("object").where(ae["AESEV"].notna(), None)) == [
        "MODERATE",
        "MILD",
        None,
        "MILD",
        "SEVERE",
    ]

    qs = build.datasets["QS"].data
    assert list(qs["QSTESTCD"]) == ["PAIN"] and list(qs["QSSTRESN"]) == [3]

    ts = build.datasets["TS"].data.set_index("TSPARMCD")
    assert ts.loc["SSTDTC", "TSVAL"] == "2024-03-10"  # earliest complete consent date (UN/03/2024 is partial)
    assert ts.loc["STYPE", "TSVALCD"] == "C16084"


def test_fourth_study_rejects_and_reconciliation_add_up(fourth: tuple[Path, Path]) -> None:
    study_dir, raw_dir = fourth
    build = build_datasets(load_study(study_dir), raw_dir, reader=read_csv_form)
    rejects = build.rejects.set_index(["FORM", "ROW"])
    assert rejects.loc[("tox", 3), "REASON"] == "exact duplicate of row 1"
    assert rejects.loc[("tox", 5), "RULE"] == "subject_not_in_dm"
    # an impossible start date and a bad severity code keep the adverse event (both variables are not Required)
    issues = build.issues.set_index(["FORM", "ROW"])
    assert issues.loc[("tox", 4), "REASON"] == "FROM: not a calendar date; not submitted, query the site"
    assert issues.loc[("tox", 7), "REASON"].endswith("(AESEV); not submitted as collected, query the site")
    assert rejects.loc[("diary", 2), "RULE"] == "empty_items"
    assert rejects.loc[("notes", 1), "RULE"] == "unmapped_form"
    table = build.reconciliation.set_index("FORM")
    assert (table["ROWS_READ"] == table["ROWS_MAPPED"] + table["ROWS_REJECTED"]).all()
    assert table.loc["tox", ["ROWS_READ", "ROWS_MAPPED", "ROWS_REJECTED"]].tolist() == [7, 5, 2]
    assert table.loc["tox", ["duplicate", "invalid_date", "not_in_codelist", "subject_not_in_dm"]].tolist() == [
        1,
        0,
        0,
        1,
    ]
    assert table.loc["dosing", "ROWS_REJECTED"] == 3  # read for reference dates only: not in any domain


def test_fourth_study_writes_xpt_and_reports(fourth: tuple[Path, Path], tmp_path: Path) -> None:
    study_dir, raw_dir = fourth
    out = tmp_path / "out"
    build = build_datasets(load_study(study_dir), raw_dir, reader=read_csv_form)
    write_outputs(build.all_datasets(), build.tables(), out)
    assert {path.name for path in out.iterdir()} >= {
        "dm.xpt",
        "ae.xpt",
        "qs.xpt",
        "ts.xpt",
        "rejects.csv",
        "reconciliation.csv",
        "issues.csv",
    }
    ae = read_xpt(out / "ae.xpt")
    assert list(ae.data["AETERM"]) == ["Headache", "Nausea", "Cough", "Rash", "Fatigue"]


def test_field_coverage_names_where_every_collected_field_goes(fourth: tuple[Path, Path]) -> None:
    """fields.csv: tox.SEV → AE.AESEV; diary.PAIN (unpivoted) → the QS items; dosing.GIVEN_ON → reference dates;
    a field declared in not_submitted is 'not submitted'; WHERE names the test code of an unpivoted item."""
    study_dir, raw_dir = fourth
    (study_dir / "qs.yaml").write_text(
        QS_YAML.replace(
            "    variables:\n      QSTESTCD",
            "    not_submitted: {SLEEP: not a validated item}\n    variables:\n      QSTESTCD",
        ).replace("[PAIN, SLEEP]", "[PAIN]"),
        encoding="utf-8",
    )
    build = build_datasets(load_study(study_dir), raw_dir, reader=read_csv_form)
    fields = build.fields.set_index(["FORM", "FIELD"])
    assert fields.loc[("tox", "SEV"), ["TARGETS", "STATUS"]].tolist() == ["AE.AESEV", "mapped"]
    assert "QS.QSORRES" in fields.loc[("diary", "PAIN"), "TARGETS"]
    assert fields.loc[("diary", "PAIN"), "WHERE"] == "QSTESTCD = PAIN"  # the item column is the test code
    assert fields.loc[("tox", "SEV"), "WHERE"] == ""  # not a Findings result
    assert fields.loc[("diary", "SLEEP"), ["TARGETS", "STATUS"]].tolist() == [
        "not submitted: not a validated item",
        "not submitted",
    ]
    assert fields.loc[("dosing", "GIVEN_ON"), "TARGETS"] == "DM.RFSTDTC; DM.RFXENDTC; DM.RFXSTDTC"
    assert "notes" not in build.fields["FORM"].tolist()  # a form no mapping reads: every row in rejects.csv
