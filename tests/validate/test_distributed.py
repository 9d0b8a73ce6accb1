"""``validate --chunk-subjects N --workers K``: the chunks checked on a local Dask cluster give the same report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import psutil
import pytest

from cdiscmm.cli import main
from cdiscmm.validate import distributed
from tests.conftest import SMALL_STUDY
from tests.core.test_cluster import no_cluster


def _without_timings(folder: Path) -> tuple[dict, str]:
    """report.json and report.html of a validation folder without the run's timings."""
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    report.pop("timings_seconds")
    html = (folder / "report.html").read_text(encoding="utf-8")
    html = re.sub(r'<li>time: [^<]*</li>|"timings_seconds": \{[^}]*\}', "", html)
    return report, html


def test_chunks_on_a_dask_cluster_give_the_report_of_one_process(small_study_out: Path, tmp_path: Path) -> None:
    home = small_study_out / SMALL_STUDY
    delivery = ["--sdtm", str(home / "sdtm"), "--adam", str(home / "adam"), "--define", str(home / "sdtm/define.xml")]
    args = ["validate", "--study", SMALL_STUDY, *delivery, "--raw", str(home / "raw"), "--chunk-subjects", "7", "-q"]
    one_process = main([*args, "--out", str(tmp_path / "one")])
    assert main([*args, "--out", str(tmp_path / "two"), "--workers", "2"]) == one_process
    one, two = (_without_timings(tmp_path / out / SMALL_STUDY / "validation") for out in ("one", "two"))
    assert one[0]["summary"]["rules"]["FAIL"] > 0 and len(one[0]["findings"]) > 0  # findings in several chunks
    assert len({finding["USUBJID"] for finding in one[0]["findings"]}) > 7
    assert one == two
    # the cluster's processes (scheduler in this one, a nanny and a worker each) have ended; multiprocessing's
    # resource tracker, started once, stays until this interpreter exits
    left = [process.cmdline() for process in psutil.Process().children(recursive=True)]
    assert [cmdline for cmdline in left if "multiprocessing.resource_tracker" not in " ".join(cmdline)] == []


def test_workers_need_chunks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for stage in (["validate"], ["package", "--region", "fda"]):
        assert main([*stage, "--study", SMALL_STUDY, "--out", str(tmp_path), "--workers", "2"]) == 2
        assert "--workers maps chunks of subjects on a cluster; expected --chunk-subjects N" in capsys.readouterr().err


def test_a_delivery_of_one_chunk_starts_no_cluster(
    small_study_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(distributed, "local_client", no_cluster)
    sdtm = small_study_out / SMALL_STUDY / "sdtm"
    args = ["validate", "--sdtm", str(sdtm), "--engine", "native", "--out", str(tmp_path), "-q"]
    assert main([*args, "--chunk-subjects", "40", "--workers", "2"]) == main([*args, "--chunk-subjects", "40"])
    assert "a cluster was started" not in capsys.readouterr().err
    main([*args, "--chunk-subjects", "39", "--workers", "2"])  # 40 subjects in chunks of 39: two chunks
    assert "a cluster was started" in capsys.readouterr().err
