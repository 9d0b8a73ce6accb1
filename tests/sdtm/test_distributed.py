"""``sdtm --chunk-subjects N --workers K``: the chunks mapped on a local Dask cluster write the same files."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import psutil
import pytest

from cdiscmm.cli import main
from cdiscmm.core.errors import Location, SpecError
from cdiscmm.io.spill import ChunkPieces, PieceStore
from cdiscmm.metadata.model import Dataset, DatasetMeta, VariableMeta
from cdiscmm.sdtm import distributed
from cdiscmm.sdtm.build import ChunkOutput
from cdiscmm.sdtm.distributed import dask_runner
from cdiscmm.sdtm.partition import Chunk
from tests.conftest import SMALL_STUDY
from tests.core.test_cluster import InlineClient, no_cluster
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


def test_a_build_of_one_chunk_starts_no_cluster(
    small_study_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(distributed, "local_client", no_cluster)
    raw = small_study_out / SMALL_STUDY / "raw"
    args = ["sdtm", "--study", SMALL_STUDY, "--raw", str(raw), "--out", str(tmp_path), "--chunk-subjects", "1000"]
    assert main([*args, "--workers", "2", "-q"]) == 0
    assert_same_sdtm(small_study_out / SMALL_STUDY / "sdtm", tmp_path / SMALL_STUDY / "sdtm")


def test_workers_need_chunks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sdtm", "--study", SMALL_STUDY, "--out", str(tmp_path), "--workers", "2"]) == 2
    assert "--workers maps chunks of subjects on a cluster; expected --chunk-subjects N" in capsys.readouterr().err


def test_the_command_line_starts_without_dask() -> None:
    code = "import sys; from cdiscmm import cli; cli.build_parser(); print({'dask', 'distributed'} & {*sys.modules})"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "set()"


@dataclass
class OnePieceEach:
    """A finisher whose chunk ``n`` puts one piece of ``n`` records in AE, and a SpecError for chunk ``failing``."""

    failing: int | None = None
    pieces: dict[str, list[Dataset]] = field(default_factory=dict)
    store: PieceStore | ChunkPieces | None = None

    def map_chunk(self, chunk: Chunk, domains: Sequence[str]) -> ChunkOutput:
        if chunk.number == self.failing:
            raise SpecError("form ae has no field AETERM", Location(file="ae.yaml", line=4))
        meta = DatasetMeta.model_validate(
            {
                "name": "AE",
                "label": "Adverse Events",
                "class": "EVENTS",
                "standard": "SDTMIG 3.4",
                "variables": [VariableMeta(name="USUBJID", label="Subject", type="Char", order=1)],
            }
        )
        data = pd.DataFrame({"USUBJID": [f"S{chunk.number}"] * chunk.number}, dtype="string")
        assert self.store is not None
        self.store.put("AE", Dataset(meta, data))
        return [pd.DataFrame({"CHUNK": [chunk.number]})], []


def test_the_runner_adds_the_workers_pieces_in_chunk_order_and_raises_their_problems(tmp_path: Path) -> None:
    chunks = [Chunk(number, 5, {}) for number in range(1, 6)]
    client = InlineClient(name=lambda chunk: str(chunk.number))
    with PieceStore(tmp_path) as store:
        run = dask_runner(client)
        outputs = []
        for output in run(OnePieceEach(store=store), chunks, ["AE"]):
            client.order.append("take")
            outputs.append(output)
        assert [events[0]["CHUNK"].item() for events, _lineage in outputs] == [1, 2, 3, 4, 5]
        assert client.order[:4] == [
            "submit 1",
            "submit 2",
            "submit 3",
            "take",
        ]  # one worker: two chunks ahead of the one taken
        spilled = store.take("AE", store.metas("AE")[0])
        assert spilled.rows == 15
        assert spilled.joined().data["USUBJID"].tolist() == [f"S{n}" for n in range(1, 6) for _ in range(n)]
        with pytest.raises(SpecError, match=r"ae\.yaml:4: form ae has no field AETERM"):
            list(run(OnePieceEach(failing=2, store=store), chunks, ["AE"]))
