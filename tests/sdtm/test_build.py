"""A whole build with shared mapping, study override, local-language text, SUPP-- and text over 200 bytes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from cdiscmm.core.errors import SpecError
from cdiscmm.core.paths import specs_dir
from cdiscmm.io.write import write_datasets
from cdiscmm.io.xpt.read import read_xpt
from cdiscmm.metadata.model import DatasetMeta
from cdiscmm.metadata.standards import load_sdtmig
from cdiscmm.metadata.study import load_study
from cdiscmm.sdtm.build import Standards, build_datasets
from cdiscmm.sdtm.verbs import DOMAIN_VERBS
from tests.sdtm.conftest import AGEU, SEV, Registry, ae_meta, read_csv_form, variables

STUDY = """\
studyid: JP-1
title: t
sponsor: s
region: PMDA
language: ja
design:
  arm_null_reason: NOT ASSIGNED
  reference_dates:
    RFSTDTC: {pick: first, sources: [{form: ae, date: AESTDAT}]}
"""
SHARED_DM = """\
domain: DM
sources:
  - form: dm
    variables:
      SUBJID: {assign_no_ct: {field: SUBJID}}
      AGE: {assign_no_ct: {field: AGE}}
"""
SHARED_AE = """\
domain: AE
sources:
  - form: ae
    variables:
      AETERM: {assign_no_ct: {field: AETERM}}
      AEDECOD: {assign_no_ct: {field: AEDECOD}}
      AESEV: {assign_ct: {field: AESEV, codelist: C66769}}
      AESTDTC: {assign_datetime: {date: AESTDAT}}
derive:
  AESEQ: {derive_seq: {by: [AESTDTC]}}
"""
STUDY_AE = """\
domain: AE
sources:
  - form: ae
    variables:
      AETERM: {assign_no_ct: {field: AETERM_EN, local: AETERM}}
    supp:
      AETOCI: {supp_qual: {qlabel: Tocilizumab Given, qorig: CRF, value: {assign_no_ct: {field: TOCI}}}}
"""
LONG_EN = " ".join(["headache"] * 30)  # 269 bytes
LONG_JA = "頭痛" * 40  # 80 characters, 240 bytes


def dm_meta() -> DatasetMeta:
    return DatasetMeta(
        name="DM",
        label="Demographics",
        **{"class": "SPECIAL PURPOSE"},
        standard="SDTMIG 3.4",
        variables=variables(
            ("STUDYID", "Char", "Req"),
            ("DOMAIN", "Char", "Req"),
            ("USUBJID", "Char", "Req"),
            ("SUBJID", "Char", "Req"),
            ("RFSTDTC", "Char", "Exp"),
            ("AGE", "Num", "Exp"),
            ("AGEU", "Char", "Exp"),
            ("ARMCD", "Char", "Exp"),
            ("ARMNRS", "Char", "Exp"),
            ("ACTARMUD", "Char", "Exp"),
        ),
    )


def standards() -> Standards:
    supp = DatasetMeta(
        name="SUPPQUAL",
        label="Supplemental Qualifiers",
        **{"class": "RELATIONSHIP"},
        standard="SDTMIG 3.4",
        variables=variables(
            *[
                (name, "Char", "Req")
                for name in (
                    "STUDYID",
                    "RDOMAIN",
                    "USUBJID",
                    "IDVAR",
                    "IDVARVAL",
                    "QNAM",
                    "QLABEL",
                    "QVAL",
                    "QORIG",
                    "QEVAL",
                )
            ]
        ),
    )
    ts = DatasetMeta(
        name="TS",
        label="Trial Summary",
        **{"class": "TRIAL DESIGN"},
        standard="SDTMIG 3.4",
        variables=variables(
            ("STUDYID", "Char", "Req"),
            ("DOMAIN", "Char", "Req"),
            ("TSSEQ", "Num", "Req"),
            ("TSPARMCD", "Char", "Req"),
            ("TSPARM", "Char", "Req"),
            ("TSVAL", "Char", "Exp"),
        ),
    )
    return Standards({"DM": dm_meta(), "AE": ae_meta(), "SUPPQUAL": supp, "TS": ts}, Registry(SEV, AGEU))


@pytest.fixture
def study(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "mappings"
    (root / "shared").mkdir(parents=True)
    (root / "jp1").mkdir()
    (root / "jp1" / "study.yaml").write_text(STUDY, encoding="utf-8")
    (root / "shared" / "dm.yaml").write_text(SHARED_DM, encoding="utf-8")
    (root / "shared" / "ae.yaml").write_text(SHARED_AE, encoding="utf-8")
    (root / "jp1" / "ae.yaml").write_text(STUDY_AE, encoding="utf-8")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "dm.csv").write_text("SUBJID,AGE\n001,61\n002,abc\n", encoding="utf-8")
    ae = pd.DataFrame(
        {
            "SUBJID": ["001", "001"],
            "AETERM": ["悪心", LONG_JA],
            "AETERM_EN": ["Nausea", LONG_EN],
            "AEDECOD": ["Nausea", "Headache"],
            "AESEV": ["MILD", "MODERATE"],
            "AESTDAT": ["12 MAR 2024", "10 MAR 2024"],
            "TOCI": ["Y", ""],
        }
    )
    ae.to_csv(raw / "ae.csv", index=False, encoding="utf-8")
    return root / "jp1", raw


def test_build_with_override_local_text_supp_and_long_text(study: tuple[Path, Path], tmp_path: Path) -> None:
    folder, raw = study
    build = build_datasets(load_study(folder), raw, standards=standards(), reader=read_csv_form)
    ae = build.datasets["AE"].data
    # sorted by AESTDTC: the long headache (03-10) is AESEQ 1, nausea (03-12) AESEQ 2
    assert list(ae["AESEQ"]) == [1, 2]
    assert ae.loc[0, "AETERM"] == " ".join(["headache"] * 22)  # 22 words = 197 bytes
    supp = build.datasets["SUPPAE"].data
    assert supp[["IDVARVAL", "QNAM", "QVAL"]].values.tolist() == [
        ["1", "AETERM1", " ".join(["headache"] * 8)],
        ["2", "AETOCI", "Y"],
    ]
    assert supp.loc[0, "QLABEL"] == "AETERM label"
    local_ae = build.local["ja/AE"].data
    assert list(local_ae["AETERM"]) == ["頭痛" * 33, "悪心"]  # 198 bytes kept; the rest in SUPPAE of ja/
    assert list(build.local["ja/SUPPAE"].data["QVAL"]) == ["頭痛" * 7, "Y"]  # 80 - 66 characters
    dm = build.datasets["DM"].data
    # 002's AGE "abc" is no number: AGE (Exp) is left null and queried, the subject stays
    assert list(dm["USUBJID"]) == ["JP-1-001", "JP-1-002"] and dm["AGE"].tolist()[0] == 61
    assert pd.isna(dm.loc[1, "AGE"]) and pd.isna(dm.loc[1, "AGEU"])
    assert list(dm.columns) == [
        "STUDYID",
        "DOMAIN",
        "USUBJID",
        "SUBJID",
        "RFSTDTC",
        "AGE",
        "AGEU",
        "ARMCD",
        "ARMNRS",
        "ACTARMUD",
    ]
    assert build.rejects.empty
    assert build.issues.loc[0, "REASON"] == "AGE: abc is not a number; not submitted, query the site"
    assert build.datasets["AE"].meta.variable("AETERM").origin == "Collected"

    out = tmp_path / "out"
    write_datasets(build.all_datasets(), out)
    assert read_xpt(out / "ja" / "ae.xpt").data["AETERM"].tolist() == ["頭痛" * 33, "悪心"]
    assert read_xpt(out / "suppae.xpt").data["QNAM"].tolist() == ["AETERM1", "AETOCI"]


def test_supp_qnam_filled_by_two_sources_is_written_once_per_record(study: tuple[Path, Path]) -> None:
    folder, raw = study
    (folder / "ae.yaml").write_text(
        STUDY_AE
        + """\
  - form: ae
    name: again
    variables:
      AETERM: {assign_no_ct: {field: AEDECOD}}
    supp:
      AETOCI: {supp_qual: {qlabel: Tocilizumab Given, qorig: CRF, value: {assign_no_ct: {field: TOCI}}}}
""",
        encoding="utf-8",
    )
    build = build_datasets(load_study(folder), raw, standards=standards(), reader=read_csv_form)
    supp = build.datasets["SUPPAE"].data
    toci = supp[supp["QNAM"] == "AETOCI"]
    assert len(build.datasets["AE"].data) == 4 and len(toci) == 2
    assert not toci.duplicated(["USUBJID", "IDVARVAL", "QNAM"]).any()


def test_supp_qualifier_outside_its_list_is_left_out_and_the_parent_record_kept(study: tuple[Path, Path]) -> None:
    """Regression: a bad TOCI code rejected the whole AE row. A SUPP-- record is Permissible (SDTMIG 3.4 §8.4):
    the qualifier is dropped and reported, the AE record stays."""
    folder, raw = study
    (folder / "ae.yaml").write_text(
        STUDY_AE.replace("value: {assign_no_ct: {field: TOCI}}", 'value: {assign_ct: {field: TOCI, map: {"Y": "Y"}}}'),
        encoding="utf-8",
    )
    ae = pd.read_csv(raw / "ae.csv", dtype=str, keep_default_na=False)
    ae.loc[0, "TOCI"] = "99"
    ae.to_csv(raw / "ae.csv", index=False, encoding="utf-8")
    build = build_datasets(load_study(folder), raw, standards=standards(), reader=read_csv_form)
    assert len(build.datasets["AE"].data) == 2
    assert "AETOCI" not in set(build.datasets["SUPPAE"].data["QNAM"])  # the only TOCI value was the bad one
    finding = build.issues[build.issues["FIELD"] == "TOCI"]
    assert len(finding) == 1 and finding["REASON"].iloc[0].endswith("qualifier left out, parent record kept")
    assert build.rejects[build.rejects["FORM"] == "ae"].empty


def test_mapping_keys_replace_the_ig_keys_and_must_be_domain_variables(study: tuple[Path, Path]) -> None:
    folder, raw = study
    shared = folder.parent / "shared" / "ae.yaml"
    shared.write_text(SHARED_AE + "keys: [STUDYID, USUBJID, AETERM, AESTDTC]\n", encoding="utf-8")
    build = build_datasets(load_study(folder), raw, standards=standards(), reader=read_csv_form)
    assert build.datasets["AE"].meta.keys == ["STUDYID", "USUBJID", "AETERM", "AESTDTC"]
    shared.write_text(SHARED_AE + "keys: [STUDYID, USUBJID, AEFOO]\n", encoding="utf-8")
    with pytest.raises(SpecError, match="keys: AEFOO is not a variable of AE"):
        build_datasets(load_study(folder), raw, standards=standards(), reader=read_csv_form)


def test_local_language_version_numbers_records_like_the_english_one(study: tuple[Path, Path]) -> None:
    """Regression: --SEQ of ja/ was derived from the Japanese text, so AESEQ 1 named another event than in English.
    Sorted by [AESTDTC, AETERM] on one date: Headache < Nausea in English; 悪心 (nausea) < 頭痛 in Japanese."""
    folder, raw = study
    shared = folder.parent / "shared" / "ae.yaml"
    shared.write_text(SHARED_AE.replace("by: [AESTDTC]", "by: [AESTDTC, AETERM]"), encoding="utf-8")
    ae = pd.read_csv(raw / "ae.csv", dtype=str, keep_default_na=False)
    ae["AESTDAT"] = "12 MAR 2024"
    ae.loc[1, ["AETERM", "AETERM_EN"]] = ["頭痛", "Headache"]
    ae.to_csv(raw / "ae.csv", index=False, encoding="utf-8")
    build = build_datasets(load_study(folder), raw, standards=standards(), reader=read_csv_form)
    english = build.datasets["AE"].data
    japanese = build.local["ja/AE"].data
    assert english[["AESEQ", "AETERM"]].values.tolist() == [[1, "Headache"], [2, "Nausea"]]
    assert japanese[["AESEQ", "AETERM"]].values.tolist() == [[1, "頭痛"], [2, "悪心"]]


def test_mapping_comments_reach_the_variable_metadata(study: tuple[Path, Path]) -> None:
    """The grading scale behind AETOXGR is named in metadata (Define-XML comment), not only in the docs."""
    folder, raw = study
    shared = folder.parent / "shared" / "ae.yaml"
    shared.write_text(SHARED_AE + "comments: {AESEV: Severity as judged by the investigator}\n", encoding="utf-8")
    build = build_datasets(load_study(folder), raw, standards=standards(), reader=read_csv_form)
    assert build.datasets["AE"].meta.variable("AESEV").comment == "Severity as judged by the investigator"
    shared.write_text(SHARED_AE + "comments: {AEFOO: x}\n", encoding="utf-8")
    with pytest.raises(SpecError, match="comments: AEFOO is not a variable of AE"):
        build_datasets(load_study(folder), raw, standards=standards(), reader=read_csv_form)


def test_built_dataset_carries_its_define_metadata(study: tuple[Path, Path]) -> None:
    """Origin, who supplied it, source, method and SUPP-- value level come from the mapping with the dataset."""
    folder, raw = study
    build = build_datasets(load_study(folder), raw, standards=standards(), reader=read_csv_form)
    ae = build.datasets["AE"].meta
    aeterm, aeseq = ae.variable("AETERM"), ae.variable("AESEQ")
    assert (aeterm.origin, aeterm.origin_source, aeterm.source) == (
        "Collected",
        "Investigator",
        "ae form, field AETERM_EN, AETERM",
    )
    assert (aeseq.origin, aeseq.origin_source, aeseq.source) == ("Derived", "Sponsor", None)
    assert aeseq.method == DOMAIN_VERBS["derive_seq"].doc
    qval = build.datasets["SUPPAE"].meta.variable("QVAL")
    described = {level.where[0].values[0]: level for level in qval.value_level}
    assert list(described) == ["AETERM1", "AETOCI"]
    assert [condition.variable for level in qval.value_level for condition in level.where] == ["QNAM", "QNAM"]
    assert (described["AETOCI"].label, described["AETOCI"].origin, described["AETOCI"].origin_source) == (
        "Tocilizumab Given",
        "Collected",
        "Investigator",
    )
    assert described["AETOCI"].source == "ae form, field TOCI"
    assert described["AETERM1"].label == aeterm.label


def test_labels_in_the_files_come_from_the_standard_spec(study: tuple[Path, Path], tmp_path: Path) -> None:
    """Nothing standard is restated in Python: labels changed in a copy of specs/ (a variable's, a SUPPQUAL
    variable's, the SUPP-- dataset label) are the labels of the XPT files written."""
    specs = tmp_path / "specs"
    shutil.copytree(specs_dir() / "sdtmig-3.4", specs / "sdtmig-3.4")
    edits = {
        "variables.csv": [
            (",AETERM,Reported Term for the Adverse Event,", ",AETERM,Verbatim AE Term,"),
            (",QLABEL,Qualifier Variable Label,", ",QLABEL,Qualifier Label,"),
        ],
        "datasets.csv": [("Supplemental Qualifiers for [domain name]", "Added Qualifiers for [domain name]")],
    }
    for name, replacements in edits.items():
        path = specs / "sdtmig-3.4" / name
        text = path.read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    folder, raw = study
    ig = Standards(load_sdtmig(specs), Registry(SEV, AGEU))
    build = build_datasets(load_study(folder), raw, standards=ig, reader=read_csv_form)
    out = tmp_path / "out"
    write_datasets(build.all_datasets(), out)
    assert read_xpt(out / "ae.xpt").labels["AETERM"] == "Verbatim AE Term"
    suppae = read_xpt(out / "suppae.xpt")
    assert suppae.label == "Added Qualifiers for AE"
    assert suppae.labels["QLABEL"] == "Qualifier Label"
    assert list(suppae.data.columns) == load_sdtmig(specs)["SUPPQUAL"].names()


def test_header_only_form_is_reported_and_kept_with_zero_rows(
    study: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue #9: a header-only form dropped out of reconciliation.csv without a word."""
    folder, raw = study
    (raw / "ae.csv").write_text("SUBJID,AETERM,AETERM_EN,AEDECOD,AESEV,AESTDAT,TOCI\n", encoding="utf-8")
    build = build_datasets(load_study(folder), raw, standards=standards(), reader=read_csv_form)
    table = build.reconciliation.set_index("FORM")
    assert table.loc["ae", ["ROWS_READ", "ROWS_MAPPED", "ROWS_REJECTED"]].tolist() == [0, 0, 0]
    assert "form ae has a header and no rows" in capsys.readouterr().err
