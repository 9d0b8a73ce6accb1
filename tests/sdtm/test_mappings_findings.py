"""The AE/RS/LB/QS/HO mappings of the bundled studies, checked by hand on a few records of a small generated study.

Each expectation re-reads the raw row a record came from and compares field by field: the CRS page's ASTCT grade
and tocilizumab answer reach AE/SUPPAE, IMWG responses keep the CT case (``sCR``), every questionnaire item is a
record (a blank item with QSSTAT NOT DONE), and LB values and units are the collected ones.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cdiscmm.cli import main
from cdiscmm.metadata.study import StudyRef, bundled_studies
from cdiscmm.sdtm.build import StudyBuild, build_datasets

SUBJECTS = 40
SEED = 3


def _study(studyid: str) -> StudyRef:
    return next(study for study in bundled_studies() if study.studyid == studyid)


@pytest.fixture(scope="session")
def findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, StudyBuild]]:
    """EQUE-CN-RWS (CRS/ICANS, SPM, EQ-5D-5L, MRU) and ISA-OBS-RRMM (QLQ-MY20): raw N=40 and the SDTM build."""
    root = tmp_path_factory.mktemp("findings")
    result = {}
    for studyid in ("EQUE-CN-RWS", "ISA-OBS-RRMM"):
        raw_dir = root / studyid / "raw"
        args = ["raw", "generate", "--study", studyid, "--subjects", str(SUBJECTS), "--seed", str(SEED)]
        assert main([*args, "--out", str(raw_dir), "-q"]) == 0
        result[studyid] = (raw_dir, build_datasets(_study(studyid), raw_dir))
    return result


def _raw(raw_dir: Path, form: str) -> pd.DataFrame:
    frame = pd.read_csv(raw_dir / f"{form}.csv", dtype=str, keep_default_na=False)
    return frame.apply(lambda column: column.str.strip())


def test_crs_ae_carries_astct_grade_and_tocilizumab_from_its_page(findings: dict) -> None:
    raw_dir, build = findings["EQUE-CN-RWS"]
    ae, supp = build.datasets["AE"].data, build.datasets["SUPPAE"].data
    crs = _raw(raw_dir, "crs")
    crs = crs[crs["CRSGR"].isin(list("12345")) & crs["CRSTOCI"].isin(["Y", "N"])]
    mapped = ae.assign(SUBJID=ae["USUBJID"].str.removeprefix("EQUE-CN-RWS-")).merge(
        crs, on=["SUBJID", "AESPID"], how="inner"
    )
    assert not mapped.empty
    assert (mapped["AEDECOD"] == "Cytokine release syndrome").all()
    assert (mapped["AETOXGR"] == mapped["CRSGR"]).all()
    record = mapped.iloc[0]
    qval = supp[
        (supp["USUBJID"] == record["USUBJID"])
        & (supp["IDVARVAL"] == str(int(record["AESEQ"])))
        & (supp["QNAM"] == "AETOCI")
    ]
    assert qval["QVAL"].tolist() == [record["CRSTOCI"]]
    assert qval["QLABEL"].tolist() == ["Tocilizumab Given for Event"]
    assert qval["IDVAR"].tolist() == ["AESEQ"]


def test_crs_pages_are_not_ae_records_of_their_own(findings: dict) -> None:
    _raw_dir, build = findings["EQUE-CN-RWS"]
    ae = build.datasets["AE"].data
    rows = build.reconciliation.set_index("FORM")
    assert rows.loc["crs", "ROWS_MAPPED"] > 0
    # every AE record comes from one ae row: no more records than ae rows mapped
    assert len(ae) == rows.loc["ae", "ROWS_MAPPED"]


def test_imwg_response_keeps_the_ct_case(findings: dict) -> None:
    _raw_dir, build = findings["EQUE-CN-RWS"]
    rs = build.datasets["RS"].data
    response = rs[rs["RSTESTCD"] == "OVRLRESP"]
    assert set(response["RSCAT"]) == {"KUMAR IMWG 2016"}
    assert set(response["RSEVAL"]) == {"INVESTIGATOR"}
    scr = response[response["RSORRES"].str.strip().str.upper() == "SCR"]
    assert not scr.empty
    assert set(scr["RSSTRESC"]) == {"sCR"}
    assert set(response["RSSTRESC"].dropna()) - {""} <= {"sCR", "CR", "VGPR", "PR", "MR", "SD", "PD", "NE"}
    not_done = response[response["RSSTAT"] == "NOT DONE"]
    assert (not_done["RSORRES"].fillna("") == "").all()


def test_baseline_ecog_iss_riss_in_rs(findings: dict) -> None:
    raw_dir, build = findings["ISA-OBS-RRMM"]
    rs = build.datasets["RS"].data
    mmdx = _raw(raw_dir, "mmdx").drop_duplicates("SUBJID")
    subject = mmdx[mmdx["ECOG"].isin(list("01234")) & mmdx["ISS"].isin(["I", "II", "III"])].iloc[0]
    mine = rs[rs["USUBJID"] == f"ISA-OBS-RRMM-{subject['SUBJID']}"].set_index("RSTESTCD")
    assert mine.loc["ECOG101", "RSSTRESC"] == subject["ECOG"]
    assert mine.loc["ECOG101", "RSCAT"] == "ECOG"
    assert mine.loc["ISSSTG", "RSSTRESC"] == subject["ISS"]


def test_qs_item_count_per_visit_and_not_done_item(findings: dict) -> None:
    raw_dir, build = findings["ISA-OBS-RRMM"]
    qs = build.datasets["QS"].data
    c30 = qs[qs["QSCAT"] == "EORTC QLQ-C30 V3.0"]
    per_visit = c30.groupby(["USUBJID", "VISIT", "QSDTC"]).size()
    assert set(per_visit) == {30}
    my20 = qs[qs["QSCAT"] == "EORTC QLQ-MY20"]
    assert set(my20.groupby(["USUBJID", "VISIT", "QSDTC"]).size()) == {20}
    assert set(my20["QSTESTCD"]) == {f"EOR19{n:02d}" for n in range(1, 21)}
    raw = _raw(raw_dir, "qlqc30")
    items = [f"Q{n:02d}" for n in range(1, 31)]
    answered = raw[items].ne("").sum(axis=1)
    partial = raw[(answered > 0) & (answered < 30)].iloc[0]
    blank = items[[partial[item] == "" for item in items].index(True)]
    record = c30[
        (c30["USUBJID"] == f"ISA-OBS-RRMM-{partial['SUBJID']}")
        & (c30["VISIT"] == partial["VISIT"])
        & (c30["QSTESTCD"] == f"EOR01{blank[1:]}")
    ]
    assert record["QSSTAT"].tolist() == ["NOT DONE"]
    assert record["QSORRES"].isna().all() or (record["QSORRES"].fillna("") == "").all()


def test_eq5d_vas_and_levels(findings: dict) -> None:
    _raw_dir, build = findings["EQUE-CN-RWS"]
    qs = build.datasets["QS"].data
    eq = qs[qs["QSCAT"] == "EQ-5D-5L"]
    assert set(eq["QSTESTCD"]) <= {f"EQ5D020{n}" for n in range(1, 7)}
    levels = eq.loc[eq["QSTESTCD"] != "EQ5D0206", "QSSTRESN"].dropna()
    assert levels.between(1, 5).all()
    assert eq.loc[eq["QSTESTCD"] == "EQ5D0206", "QSSTRESN"].dropna().between(0, 100).all()


def test_lb_value_and_unit_equal_the_raw_row(findings: dict) -> None:
    raw_dir, build = findings["ISA-OBS-RRMM"]
    lb = build.datasets["LB"].data
    raw = _raw(raw_dir, "lbmm")
    row = raw[(raw["SMPROT"] != "") & (raw["VISIT"] == "BASELINE")].iloc[0]
    record = lb[
        (lb["USUBJID"] == f"ISA-OBS-RRMM-{row['SUBJID']}")
        & (lb["VISIT"] == "BASELINE")
        & (lb["LBTESTCD"] == "MCPROT")
        & (lb["LBSPEC"] == "SERUM")
        & lb["LBMETHOD"].isna()
    ]
    assert record["LBORRES"].tolist() == [row["SMPROT"]]
    assert record["LBORRESU"].tolist() == ["g/dL"]
    assert record["LBSTRESN"].tolist() == [float(row["SMPROT"])]
    assert set(record["LBCAT"]) == {"MYELOMA RESPONSE"}
    ife = lb[
        (lb["USUBJID"] == f"ISA-OBS-RRMM-{row['SUBJID']}")
        & (lb["VISIT"] == "BASELINE")
        & (lb["LBMETHOD"] == "IMMUNOFIXATION ELECTROPHORESIS")
        & (lb["LBSPEC"] == "SERUM")
    ]
    assert ife["LBSTRESC"].tolist() == [{"POS": "POSITIVE", "NEG": "NEGATIVE"}[row["SIFE"].upper()]]


def test_mru_rows_go_to_exactly_one_domain(findings: dict) -> None:
    raw_dir, build = findings["EQUE-CN-RWS"]
    ho = build.datasets["HO"].data
    assert {"EMERGENCY ROOM VISIT", "OUTPATIENT CLINIC VISIT"} <= set(ho["HODECOD"])
    assert set(ho["HODECOD"]) <= {
        "EMERGENCY ROOM VISIT",
        "OUTPATIENT CLINIC VISIT",
        "GENERAL WARD STAY",
        "INTENSIVE CARE UNIT STAY",
    }
    raw = _raw(raw_dir, "mru")
    visits = raw["MRUTYPE"].str.upper().isin(["EMERGENCY VISIT", "OUTPATIENT VISIT"])
    assert len(ho[ho["HODECOD"].isin(["EMERGENCY ROOM VISIT", "OUTPATIENT CLINIC VISIT"])]) <= int(visits.sum())


# Engine additions these mappings needed (regression tests named after what was missing).


def test_join_adds_detail_page_fields_once_and_rejects_repeated_links() -> None:
    from cdiscmm.sdtm.source_rows import JOIN_PREFIX, _join
    from cdiscmm.sdtm.spec import Join

    rows = pd.DataFrame({"RAWROW": [1, 2, 3], "SUBJID": ["A", "A", "B"], "AESPID": ["1", "2", "1"]})
    detail = pd.DataFrame(
        {"RAWROW": [1, 2, 3], "SUBJID": ["A", "A ", "C"], "AESPID": ["2", "2", "1"], "CRSGR": ["3", "4", "1"]}
    )
    joined, kept, events = _join(rows, detail, Join(form="crs", by=["AESPID"]), "SUBJID", "S", "AE")
    assert joined["CRSGR"].isna().tolist() == [True, False, True]
    assert joined.loc[1, "CRSGR"] == "3"
    assert joined[JOIN_PREFIX + "crs"].dropna().astype(int).tolist() == [1]
    assert events["ROW"].tolist() == [2]  # second page for A/2
    assert kept["RAWROW"].tolist() == [1, 3]


def test_unpivot_keep_blank_keeps_unanswered_items_of_a_filled_page() -> None:
    from cdiscmm.sdtm.source_rows import _unpivot
    from cdiscmm.sdtm.spec import Unpivot

    rows = pd.DataFrame({"RAWROW": [1, 2], "Q1": ["1", ""], "Q2": ["", ""]})
    long, all_blank = _unpivot(rows, Unpivot(columns=["Q1", "Q2"], keep_blank=True))
    assert long[["RAWROW", "ITEM", "VALUE"]].values.tolist() == [[1, "Q1", "1"], [1, "Q2", ""]]
    assert all_blank.tolist() == [False, True]


def test_hardcode_when_and_assign_prefer(context) -> None:
    from cdiscmm.sdtm.verbs.assign import AssignNoCtArgs, assign_no_ct
    from cdiscmm.sdtm.verbs.hardcode import HardcodeNoCtArgs, hardcode_no_ct

    raw = pd.DataFrame({"AESPM": ["Y", "n", ""], "GR": ["1", "2", "3"], "CRSGR": ["", "4", None]})
    cat = hardcode_no_ct(raw, HardcodeNoCtArgs(value="SPM", when={"field": "AESPM", "equals": "y"}), context)
    assert cat.values.fillna("-").tolist() == ["SPM", "-", "-"]
    grade = assign_no_ct(raw, AssignNoCtArgs(field="GR", prefer=["CRSGR"]), context)
    assert grade.values.tolist() == ["1", "4", "3"]
