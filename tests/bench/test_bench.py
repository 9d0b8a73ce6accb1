"""The bench's measurement of a child process and its targets as pass / fail / not run rows."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pyreadstat

from cdiscmm.bench.measure import STOPPED_EXIT, StageTiming, run_child
from cdiscmm.bench.report import evaluate_targets, write_report
from cdiscmm.bench.run import BenchOptions, CohortResult, _stage_command


def _timing(stage: str, subjects: int, cpu: float, rss: float = 100.0, wall: float | None = None) -> StageTiming:
    return StageTiming(
        stage=stage,
        subjects=subjects,
        wall_s=cpu if wall is None else wall,
        cpu_s=cpu,
        peak_rss_mb=rss,
        exit_code=0,
        command=["x"],
    )


def _cohort(subjects: int, stages: dict[str, float], floor: float, rss: float = 100.0) -> CohortResult:
    return CohortResult(
        subjects=subjects,
        generate=_timing("generate", subjects, 1.0),
        stages=[_timing(name, subjects, cpu, rss) for name, cpu in stages.items()],
        floor=_timing("floor", subjects, floor + 1.0),
        floor_cpu_s=floor,
    )


def test_run_child_reports_the_childs_own_cpu_and_exit_code(tmp_path: Path) -> None:
    burn = "import sys; sum(i * i for i in range(3_000_000)); sys.exit(3)"
    timing = run_child("burn", 1, [sys.executable, "-c", burn], tmp_path / "burn.log")
    assert timing.exit_code == 3
    assert timing.cpu_s > 0
    assert timing.peak_rss_mb > 1


def test_watchdog_stops_a_child_past_the_rss_limit(tmp_path: Path) -> None:
    hog = "import time; block = bytearray(400 * 2**20); block[::4096] = b'x' * len(block[::4096]); time.sleep(60)"
    timing = run_child("hog", 1, [sys.executable, "-c", hog], tmp_path / "hog.log", rss_limit_mb=150)
    assert timing.stopped is not None and "150 MB" in timing.stopped
    assert timing.exit_code == STOPPED_EXIT
    assert timing.wall_s < 30


def test_peak_rss_is_the_sum_over_the_childs_processes(tmp_path: Path) -> None:
    hold = "block = bytearray(200 * 2**20); block[::4096] = b'x' * len(block[::4096]); import time; time.sleep(2)"
    both = f"import subprocess, sys; worker = subprocess.Popen([sys.executable, '-c', {hold!r}]); {hold}; worker.wait()"
    timing = run_child("pair", 1, [sys.executable, "-c", both], tmp_path / "pair.log", rss_limit_mb=8_000)
    assert timing.exit_code == 0
    assert timing.peak_rss_mb > 380  # two processes of 200 MB each at once; either alone is about 210 MB


def test_a_stopped_cohort_fails_the_large_targets() -> None:
    large = _cohort(100_000, {"read": 50.0, "sdtm": 60.0}, floor=500.0)
    large.stages[-1].stopped = "resident memory 9,000 MB passed the watchdog limit 8,192 MB"
    mid = _cohort(10_000, {"read": 5.0, "sdtm": 50.0}, floor=50.0)
    rows = {row.target: row.status for row in evaluate_targets([mid, large])}
    assert rows["CPU(100,000) / CPU(10,000): sdtm"] == "fail"  # 60 / 50 would pass, but sdtm did not finish
    assert rows["CPU(100,000) / CPU(10,000): read"] == "pass"
    assert rows["100,000: end-to-end wall s"] == "fail"
    assert rows["100,000: peak RSS MB"] == "fail"


def test_a_floor_stopped_by_the_watchdog_leaves_the_pipeline_targets_and_has_no_ratios(tmp_path: Path) -> None:
    mid = _cohort(10_000, {"sdtm": 50.0, "adam": 20.0}, floor=50.0)
    large = _cohort(100_000, {"sdtm": 300.0, "adam": 200.0}, floor=0.0)
    assert large.floor is not None
    large.floor.cpu_s, large.floor.stopped = 250.0, "resident memory 8,300 MB passed the watchdog limit 8,192 MB"
    rows = {row.target: (row.value, row.status) for row in evaluate_targets([mid, large])}
    assert rows["100,000: end-to-end wall s"] == (500.0, "pass")
    assert rows["CPU(100,000) / CPU(10,000): sdtm"] == (6.0, "pass")
    text = write_report([mid, large], tmp_path)[0].read_text(encoding="utf-8")
    assert "| 100,000 | whole |  | sdtm | 300.0 | 300.0 | 100 |  |" in text
    assert "| 100,000 | whole |  | floor (stopped by the RSS watchdog) | 1.0 | 250.0 | 100 |  |" in text


def test_targets_pass_fail_and_not_run() -> None:
    results = [
        _cohort(1_200, {"read": 1.0, "sdtm": 10.0, "adam": 5.0}, floor=10.0),
        _cohort(10_000, {"read": 5.0, "sdtm": 50.0, "adam": 20.0}, floor=50.0),
        _cohort(100_000, {"read": 50.0, "sdtm": 600.0, "adam": 200.0}, floor=500.0, rss=9000.0),
    ]
    rows = {row.target: (row.value, row.status) for row in evaluate_targets(results)}
    assert rows["1,200: (sdtm + adam CPU) / floor CPU"] == (1.5, "pass")
    assert rows["1,200: validate CPU s"] == (None, "not run")
    assert rows["1,200: validate wall s"] == (None, "not run")
    assert rows["100,000: end-to-end wall s"] == (800.0, "fail")
    assert rows["100,000: peak RSS MB"] == (9000.0, "fail")
    assert rows["CPU(100,000) / CPU(10,000): read"] == (10.0, "pass")
    assert rows["CPU(100,000) / CPU(10,000): sdtm"] == (12.0, "fail")
    assert rows["CPU(100,000) / CPU(10,000): adam"] == (10.0, "pass")


def test_quick_run_has_no_large_cohort_targets(tmp_path: Path) -> None:
    results = [_cohort(1_200, {"read": 1.0, "sdtm": 30.0, "adam": 20.0}, floor=10.0)]
    rows = {row.target: row.status for row in evaluate_targets(results)}
    assert rows["1,200: (sdtm + adam CPU) / floor CPU"] == "fail"
    assert rows["100,000: peak RSS MB"] == "not run"
    markdown, data = write_report(results, tmp_path)
    assert "| 1,200 | whole |  | sdtm | 30.0 | 30.0 | 100 | 3.00 |" in markdown.read_text(encoding="utf-8")
    assert '"floor_cpu_s": 10.0' in data.read_text(encoding="utf-8")


def test_probes_read_the_collected_forms_and_time_the_floor(tmp_path: Path) -> None:
    from cdiscmm.bench.probe import floor, read_collected
    from cdiscmm.metadata.study import select_studies
    from cdiscmm.simulate.generate import generate_study

    raw = tmp_path / "raw"
    generate_study(select_studies(["ISA-OBS-RRMM"])[0], raw, subjects=3, seed=7)
    assert read_collected(raw) > 0
    datasets = tmp_path / "sdtm"
    datasets.mkdir()
    dm = pd.DataFrame({"USUBJID": ["S1", "S2"], "AGE": [50.0, 60.0]})
    pyreadstat.write_xport(dm, datasets / "dm.xpt", file_format_version=5, table_name="DM")
    summary = floor(raw, tmp_path / "scratch", [datasets])
    assert summary["datasets"] == 1
    assert [path.name for path in (tmp_path / "scratch").iterdir()] == ["0-dm.xpt"]


def test_validate_is_held_to_10_s_wall_and_its_cpu_is_shown() -> None:
    small = _cohort(1_200, {"sdtm": 10.0, "adam": 5.0}, floor=10.0)
    small.stages.append(_timing("validate", 1_200, 12.0, wall=8.0))  # GX beside the checks: CPU > wall
    rows = {row.target: (row.value, row.status) for row in evaluate_targets([small])}
    assert rows["1,200: validate wall s"] == (8.0, "pass")
    assert rows["1,200: validate CPU s"] == (12.0, "fail")


def test_chunk_subjects_is_passed_to_every_chunked_stage(tmp_path: Path) -> None:
    options = BenchOptions(chunk_subjects=500)
    for stage in ("sdtm", "adam", "validate", "package"):
        assert _stage_command(stage, tmp_path, options)[-2:] == ["--chunk-subjects", "500"]
    assert "--chunk-subjects" not in _stage_command("define", tmp_path, options)


def test_workers_go_only_to_the_stages_that_map_chunks_on_workers(tmp_path: Path) -> None:
    options = BenchOptions(chunk_subjects=500, workers=2)
    for stage in ("sdtm", "adam", "validate", "package"):
        assert _stage_command(stage, tmp_path, options)[-4:] == ["--chunk-subjects", "500", "--workers", "2"]
    assert "--workers" not in _stage_command("define", tmp_path, options)
    assert "--workers" not in _stage_command("sdtm", tmp_path, BenchOptions(workers=2))
