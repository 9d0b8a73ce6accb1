"""A chunk of subjects' SDTM records read as one slice of each XPT file: the same frames as cutting the whole."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cdiscmm.adam.chunk_input import ChunkedDelivery, SubjectSlice
from cdiscmm.adam.sdtm_input import read_sdtm_folder
from cdiscmm.core.errors import InputError
from cdiscmm.io.chunks import chunk_spans
from cdiscmm.io.xpt.read import read_xpt, read_xpt_blocks, read_xpt_rows
from cdiscmm.io.xpt.write import write_xpt
from tests.adam.test_sdtm_input import supp, xpt_dataset

SUBJECTS = pd.Index(["S1", "S2", "S3", "S4", "S5"])


def _spans(rows: list[tuple[int, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["FIRST", "STOP", "RECORDS"])


def test_spans_give_each_chunk_its_run_of_rows_and_zero_for_a_chunk_without_records() -> None:
    # S3 has no record; X9 is not a DM subject; chunks of 2: (S1, S2), (S3, S4), (S5,)
    usubjid = pd.Series(["S1", "S1", "S2", "S4", "S4", "X9", "S5"])
    expected = _spans([(0, 3, 3), (3, 5, 2), (6, 7, 1)])
    pd.testing.assert_frame_equal(chunk_spans([usubjid], SUBJECTS, 2), expected)
    pd.testing.assert_frame_equal(chunk_spans([usubjid[:2], usubjid[2:4], usubjid[4:]], SUBJECTS, 2), expected)
    expected = _spans([(0, 1, 1), (0, 0, 0), (0, 0, 0)])
    pd.testing.assert_frame_equal(chunk_spans([pd.Series(["S1"])], SUBJECTS, 2), expected)


def test_a_run_holding_other_subjects_counts_only_the_chunks_records() -> None:
    usubjid = pd.Series(["S1", "X0", None, "S3", "S2"])  # not sorted, a subject not in DM, a missing USUBJID
    pd.testing.assert_frame_equal(chunk_spans([usubjid], SUBJECTS, 2), _spans([(0, 5, 2), (3, 4, 1), (0, 0, 0)]))


def test_read_xpt_reads_a_slice_of_rows_and_read_xpt_rows_the_same_from_those_bytes_alone(tmp_path: Path) -> None:
    frame = pd.DataFrame({"USUBJID": ["S1", "S2", "S3", "S4"], "AESEQ": [1.0, 2.0, 3.0, 4.0]})
    write_xpt(xpt_dataset("AE", frame), tmp_path / "ae.xpt")
    assert read_xpt(tmp_path / "ae.xpt", rows=slice(1, 3)).data.to_dict("list") == {
        "USUBJID": ["S2", "S3"],
        "AESEQ": [2.0, 3.0],
    }
    assert read_xpt(tmp_path / "ae.xpt", rows=slice(0, 0)).data.columns.tolist() == ["USUBJID", "AESEQ"]
    assert len(read_xpt(tmp_path / "ae.xpt", rows=2).data) == 2
    for rows in (slice(0, 4), slice(1, 3), slice(3, 4), slice(2, 2)):
        expected = read_xpt(tmp_path / "ae.xpt", rows=rows)
        alone = read_xpt_rows(tmp_path / "ae.xpt", rows)
        pd.testing.assert_frame_equal(alone.data, expected.data)
        assert (alone.name, alone.label, alone.labels, alone.formats) == (
            expected.name,
            expected.label,
            expected.labels,
            expected.formats,
        )


def _delivery(folder: Path, ae_subjects: list[str]) -> None:
    dm = pd.DataFrame({"STUDYID": "ST", "USUBJID": list(SUBJECTS), "AGE": [50.0, 51.0, 52.0, 53.0, 54.0]})
    seq = [float(number) for number in range(1, len(ae_subjects) + 1)]
    ae = pd.DataFrame({"STUDYID": "ST", "USUBJID": ae_subjects, "AESEQ": seq, "AETERM": "T"})
    # QNAM AETRTEM only for S1 (chunk 0), AESOSP only for S5 (chunk 2): chunk 1 has neither
    suppae = supp([("S1", "AESEQ", "1", "AETRTEM", "Y"), ("S5", "AESEQ", str(len(seq)), "AESOSP", "rash")])
    ts = pd.DataFrame({"STUDYID": ["ST"], "TSPARMCD": ["SSTDTC"], "TSVAL": ["2024-01-01"]})
    for name, frame in {"DM": dm, "AE": ae, "SUPPAE": suppae, "TS": ts}.items():
        write_xpt(xpt_dataset(name, frame), folder / f"{name.lower()}.xpt")


@pytest.mark.parametrize(
    "ae_subjects",
    [["S1", "S1", "S2", "S4", "S5"], ["S1", "S4", "X0", "S2", "S5"]],  # sorted with S3 absent; unsorted, X0 not in DM
    ids=["sorted", "unsorted"],
)
def test_chunks_read_as_slices_equal_the_whole_datasets_cut_by_subject(tmp_path: Path, ae_subjects: list[str]) -> None:
    _delivery(tmp_path, ae_subjects)
    sdtm = read_sdtm_folder(tmp_path)
    delivery = ChunkedDelivery(sdtm, SUBJECTS, 2)
    assert delivery.chunks() == 3
    for number in range(3):
        subjects = SUBJECTS[number * 2 : (number + 1) * 2]
        chunk, cut = delivery.chunk(number), SubjectSlice(read_sdtm_folder(tmp_path), subjects)
        for name in ("DM", "AE", "TS"):
            pd.testing.assert_frame_equal(chunk[name], cut[name])
        assert chunk["AE"].columns[-2:].tolist() == ["AESOSP", "AETRTEM"]
    assert delivery.chunk(1)["AE"]["AETRTEM"].isna().all()
    assert delivery.chunk(0)["TS"] is delivery.chunk(2)["TS"]
    assert sorted(delivery.chunk(0)) == ["AE", "DM", "TS"]


def test_a_supp_without_usubjid_is_an_input_error_naming_it(tmp_path: Path) -> None:
    _delivery(tmp_path, ["S1", "S2"])
    bad = supp([("S1", "AESEQ", "1", "AETRTEM", "Y")]).drop(columns="USUBJID")
    write_xpt(xpt_dataset("SUPPAE", bad), tmp_path / "suppae.xpt")
    with pytest.raises(InputError, match=r"suppae\.xpt has no variable USUBJID"):
        ChunkedDelivery(read_sdtm_folder(tmp_path), SUBJECTS, 2).chunk(0)["AE"]


@pytest.mark.parametrize("block_bytes", [1, 80, 200, 1 << 20])
def test_read_xpt_blocks_concatenated_give_what_read_xpt_gives(tmp_path: Path, block_bytes: int) -> None:
    ids = [f"S{number:03d}" for number in range(301)]  # 13-byte observations: blocks of 1,040 bytes or more
    frame = pd.DataFrame({"USUBJID": ids, "AESEQ": [float(n) for n in range(301)], "QNAM": ["Q"] * 300 + [""]})
    write_xpt(xpt_dataset("AE", frame), tmp_path / "ae.xpt")
    # one character variable, the last value blank: an observation of blanks in the final record is padding
    write_xpt(xpt_dataset("XX", frame[["QNAM"]]), tmp_path / "xx.xpt")
    for name, columns in (("ae", ["USUBJID", "QNAM"]), ("ae", ["NOPE"]), ("xx", ["QNAM"])):
        expected = read_xpt(tmp_path / f"{name}.xpt", columns=columns).data
        got = pd.concat(list(read_xpt_blocks(tmp_path / f"{name}.xpt", columns, block_bytes)), ignore_index=True)
        pd.testing.assert_frame_equal(got, expected)
    assert len(read_xpt(tmp_path / "xx.xpt").data) == 300
