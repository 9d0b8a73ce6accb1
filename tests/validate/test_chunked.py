"""``validate --chunk-subjects``: the same report as the whole run, on small hand-written XPT deliveries."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cdiscmm.io.xpt.write import write_xpt
from cdiscmm.validate.catalogue import REACH, load_catalogue
from cdiscmm.validate.chunks import ChunkedFiles, dm_subject_count, study_subjects
from cdiscmm.validate.report import records
from cdiscmm.validate.run import Inputs, _chunks, validate_study
from tests.adam.test_sdtm_input import xpt_dataset

#: S2 has no AE record; S3's second AE has no AETERM (row 4 of AE) and repeats its AESEQ; LB's test code CHOL is
#: named twice (S1 and S4, different chunks).
DATASETS = {
    "DM": pd.DataFrame(
        {
            "STUDYID": "S",
            "DOMAIN": "DM",
            "USUBJID": ["S1", "S2", "S3", "S4"],
            "RFSTDTC": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"],
        }
    ),
    "AE": pd.DataFrame(
        {
            "STUDYID": "S",
            "DOMAIN": "AE",
            "USUBJID": ["S1", "S1", "S3", "S3", "S4"],
            "AESEQ": [1.0, 2.0, 1.0, 1.0, 1.0],
            "AETERM": ["HEADACHE", "NAUSEA", "RASH", "", "COUGH"],
            "AESTDTC": ["2024-01-05", "2024-01-06", "2024-02-01", "2024-01-01", "2024-03-01"],
        }
    ),
    "LB": pd.DataFrame(
        {
            "STUDYID": "S",
            "DOMAIN": "LB",
            "USUBJID": ["S1", "S3", "S4"],
            "LBSEQ": [1.0, 1.0, 1.0],
            "LBTESTCD": ["CHOL", "HDL", "CHOL"],
            "LBTEST": ["Cholesterol", "HDL Cholesterol", "Total cholesterol"],
        }
    ),
    "TA": pd.DataFrame({"STUDYID": "S", "DOMAIN": "TA", "ARMCD": "A", "EPOCH": ["SCREENING", "TREATMENT"]}),
}


def _folder(root: Path) -> Path:
    """The SDTM folder of :data:`DATASETS` under ``root``, written once."""
    sdtm = root / "sdtm"
    if not sdtm.is_dir():
        sdtm.mkdir(parents=True)
        for name, frame in DATASETS.items():
            write_xpt(xpt_dataset(name, frame), sdtm / f"{name.lower()}.xpt")
    return sdtm


def _report(root: Path, chunk: int | None) -> dict:
    report, _ = validate_study(Inputs(sdtm=_folder(root)), root / str(chunk), engine="native", chunk_subjects=chunk)
    report["timings_seconds"] = sorted(report["timings_seconds"])  # the steps run, not their seconds
    return report | {"findings": records(report["findings"])}


def _rows(report: dict, rule: str) -> list[tuple]:
    return [(f["DATASET"], f["VARIABLE"], f["ROW"], f["USUBJID"]) for f in report["findings"] if f["RULE"] == rule]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[int | None, dict]:
    root = tmp_path_factory.mktemp("chunked")
    return {chunk: _report(root, chunk) for chunk in (None, 1, 2, 4)}


@pytest.mark.parametrize("chunk", [1, 2])
def test_chunked_report_is_the_whole_report(reports: dict, chunk: int) -> None:
    assert "chunks" in reports[chunk]["timings_seconds"]
    assert {**reports[chunk], "timings_seconds": None} == {**reports[None], "timings_seconds": None}


def test_one_chunk_of_every_subject_is_the_whole_run(reports: dict) -> None:
    # 4 subjects in chunks of 4: the whole run itself, its steps too
    assert reports[4] == reports[None]


def test_dm_decides_one_chunk_without_reading_every_dataset(tmp_path: Path) -> None:
    # DM has 4 subjects: chunks of 4 are the whole run, decided from DM alone; chunks of 3 read every USUBJID
    sdtm = _folder(tmp_path)
    assert dm_subject_count(sdtm) == 4
    assert _chunks(Inputs(sdtm=sdtm), 4) is None
    chunked = _chunks(Inputs(sdtm=sdtm), 3)
    assert chunked is not None and (list(chunked[0]), chunked[1]) == (["S1", "S2", "S3", "S4"], 3)
    assert dm_subject_count(tmp_path / "elsewhere") is None  # no DM: every dataset's USUBJID decides


def test_finding_in_a_later_chunk_keeps_its_whole_dataset_row(reports: dict) -> None:
    # S3 is in the second chunk of 2 subjects; its blank AETERM is the 4th record of the whole AE
    assert _rows(reports[2], "SD0002") == [("AE", "AETERM", 4, "S3")]
    # chunks of 1: S4's LBTEST (a suite's codelist expectation) is the 3rd record of LB, the 1st of its chunk
    assert _rows(reports[1], "CT2002") == [("LB", "LBTEST", 3, "S4")]


def test_datasets_no_longer_than_a_chunks_longest_run_are_read_whole(tmp_path: Path) -> None:
    # chunks of 2: AE's second chunk reads rows 3-5 (S3, S3, S4); LB has 3 records, DM 4; TA has no USUBJID
    sdtm = _folder(tmp_path)
    subjects = study_subjects(sdtm, None, None)
    assert list(subjects) == ["S1", "S2", "S3", "S4"]
    assert ChunkedFiles(sdtm, None, None, subjects, 2).fitting() == {"LB", "TA"}
    assert ChunkedFiles(sdtm, None, None, subjects, 1).fitting() == {"TA"}


def test_duplicate_seq_within_a_subject_is_found(reports: dict) -> None:
    assert _rows(reports[2], "SD0005") == [("AE", "AESEQ", 3, "S3"), ("AE", "AESEQ", 4, "S3")]


def test_rule_across_subjects_sees_every_chunk(reports: dict) -> None:
    # CHOL is named differently for S1 (chunk 1) and S4 (chunk 2): a rule over the whole dataset
    assert _rows(reports[2], "SD0040") == [("LB", "LBTESTCD", 1, "S1"), ("LB", "LBTESTCD", 3, "S4")]


def test_subject_absent_from_a_dataset_and_record_counts(reports: dict) -> None:
    # chunks of 1: S2's chunk has no AE or LB record; the record counts are those of the whole files
    assert {d["name"]: d["records"] for d in reports[1]["datasets"]} == {"AE": 5, "DM": 4, "LB": 3, "TA": 2}
    assert reports[1]["findings"] == reports[None]["findings"]


def test_every_registered_check_has_a_reach() -> None:
    assert {rule.check for rule in load_catalogue()} <= set(REACH)
    assert set(REACH.values()) <= {"subject", "dataset", "columns", "collected"}


@pytest.mark.slow
def test_chunked_gx_report_is_the_whole_gx_report(tmp_path: Path) -> None:
    whole, chunked = (
        validate_study(Inputs(sdtm=_folder(tmp_path)), tmp_path / str(chunk), engine="gx", chunk_subjects=chunk)[0]
        for chunk in (None, 2)
    )
    same = {"timings_seconds": None, "findings": None}
    assert {**whole, **same} == {**chunked, **same}
    assert records(whole["findings"]) == records(chunked["findings"])
