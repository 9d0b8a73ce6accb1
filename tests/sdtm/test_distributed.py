"""``sdtm --chunk-subjects N --workers K``: the chunks mapped on a local Dask cluster write the same files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from cdiscmm.cli import main
from cdiscmm.core.errors import UsageError
from cdiscmm.sdtm.build import in_process
from cdiscmm.sdtm.distributed import chunk_runner
from tests.conftest import SMALL_STUDY
from tests.sdtm.conftest import assert_same_sdtm


def test_chunks_on_a_dask_cluster_write_the_files_of_one_process(
    small_study_out: Path, chunked_sdtm_out: Path, tmp_path: Path
) -> None:
    raw = small_study_out / SMALL_STUDY / "raw"
    args = ["sdtm", "--study", SMALL_STUDY, "--raw", str(raw), "--out", str(tmp_path), "--chunk-subjects", "7"]
    assert main([*args, "--workers", "2", "-q"]) == 0
    on_dask = tmp_path / SMALL_STUDY / "sdtm"
    files = assert_same_sdtm(small_study_out / SMALL_STUDY / "sdtm", on_dask)
    assert files == sorted(path.relative_to(chunked_sdtm_out) for path in chunked_sdtm_out.rglob("*") if path.is_file())
    for name in files:  # issues.csv too: listed chunk after chunk, as in one process
        assert (chunked_sdtm_out / name).read_bytes() == (on_dask / name).read_bytes(), name
    assert sorted(path.name for path in tmp_path.iterdir()) == [SMALL_STUDY]  # no pieces folder left
    assert sorted(path.name for path in (tmp_path / SMALL_STUDY).iterdir()) == ["sdtm"]
    # the cluster's processes (scheduler in this one, a nanny and a worker each) have ended; multiprocessing's
    # resource tracker, started once, stays until this interpreter exits
    left = [process.cmdline() for process in psutil.Process().children(recursive=True)]
    assert [cmdline for cmdline in left if "multiprocessing.resource_tracker" not in " ".join(cmdline)] == []


def test_workers_need_chunks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sdtm", "--study", SMALL_STUDY, "--out", str(tmp_path), "--workers", "2"]) == 2
    assert "--workers maps chunks of subjects on a cluster; expected --chunk-subjects N" in capsys.readouterr().err


def test_without_dask_workers_is_one_clear_error_and_one_process_needs_no_dask(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` raises ImportError
    with chunk_runner(None) as runner:
        assert runner is in_process
    with (
        pytest.raises(UsageError, match=r"--workers needs Dask, which is not installed.*cdiscmm\[dask\]"),
        chunk_runner(2),
    ):
        pass


def test_the_command_line_starts_without_dask() -> None:
    code = "import sys; from cdiscmm import cli; cli.build_parser(); print({'dask', 'distributed'} & {*sys.modules})"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "set()"
