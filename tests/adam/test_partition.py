"""Subject-partitioned ADaM (``--chunk-subjects``): the same files as the whole build; the subject slice."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cdiscmm.adam.chunk_input import SubjectSlice
from cdiscmm.cli import main
from cdiscmm.core import cluster
from tests.conftest import SMALL_STUDY
from tests.core.test_cluster import no_cluster


def test_chunked_adam_writes_the_same_files_as_the_whole_build(small_study_out: Path, tmp_path: Path) -> None:
    sdtm = small_study_out / SMALL_STUDY / "sdtm"
    args = ["adam", "--sdtm", str(sdtm), "--out", str(tmp_path), "--chunk-subjects", "7", "-q"]
    assert main(args) == 0
    whole, chunked = small_study_out / SMALL_STUDY / "adam", tmp_path / SMALL_STUDY / "adam"
    files = sorted(path.relative_to(chunked) for path in chunked.rglob("*") if path.is_file())
    assert len([name for name in files if name.suffix == ".xpt"]) >= 5
    assert "endpoints.csv" in {name.name for name in files}
    for name in files:
        assert (whole / name).read_bytes() == (chunked / name).read_bytes(), name


def test_chunks_built_on_a_dask_cluster_write_the_files_of_the_whole_build(
    small_study_out: Path, tmp_path: Path
) -> None:
    sdtm = small_study_out / SMALL_STUDY / "sdtm"
    args = ["adam", "--sdtm", str(sdtm), "--out", str(tmp_path), "--chunk-subjects", "7", "--workers", "2", "-q"]
    assert main(args) == 0
    whole, on_dask = small_study_out / SMALL_STUDY / "adam", tmp_path / SMALL_STUDY / "adam"
    files = sorted(path.relative_to(on_dask) for path in on_dask.rglob("*") if path.is_file())
    assert len([name for name in files if name.suffix == ".xpt"]) >= 5
    for name in files:
        assert (whole / name).read_bytes() == (on_dask / name).read_bytes(), name
    assert sorted(path.name for path in tmp_path.iterdir()) == [SMALL_STUDY]  # no pieces folder left


def test_adam_of_one_chunk_starts_no_cluster(
    small_study_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cluster, "local_client", no_cluster)
    sdtm = small_study_out / SMALL_STUDY / "sdtm"
    args = ["adam", "--sdtm", str(sdtm), "--out", str(tmp_path), "--chunk-subjects", "1000", "--workers", "2", "-q"]
    assert main(args) == 0
    whole, built = small_study_out / SMALL_STUDY / "adam", tmp_path / SMALL_STUDY / "adam"
    for name in (path.relative_to(built) for path in built.rglob("*.xpt")):
        assert (whole / name).read_bytes() == (built / name).read_bytes(), name


def test_adam_workers_need_chunks(small_study_out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sdtm = small_study_out / SMALL_STUDY / "sdtm"
    assert main(["adam", "--sdtm", str(sdtm), "--out", str(tmp_path), "--workers", "2"]) == 2
    assert "--workers maps chunks of subjects on a cluster; expected --chunk-subjects N" in capsys.readouterr().err


def test_subject_slice_cuts_subject_datasets_and_keeps_trial_design_whole() -> None:
    sdtm = {
        "AE": pd.DataFrame({"USUBJID": ["S1", "S2", "S3", "S2"], "AESEQ": [1, 1, 1, 2]}),
        "TS": pd.DataFrame({"TSPARMCD": ["SSTDTC"], "TSVAL": ["2024-01-01"]}),
    }
    cut = SubjectSlice(sdtm, pd.Index(["S2", "S3"]))
    assert cut["AE"].to_dict("list") == {"USUBJID": ["S2", "S3", "S2"], "AESEQ": [1, 1, 2]}
    assert cut["TS"] is sdtm["TS"]
    assert "AE" in cut and "LB" not in cut and sorted(cut) == ["AE", "TS"]
