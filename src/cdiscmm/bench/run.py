"""Generate ISA-like cohorts, run every pipeline stage on each as a measured child, and time the I/O floor."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from cdiscmm.bench.measure import StageTiming, python_module, run_child
from cdiscmm.core import progress

STUDY = "ISA-OBS-RRMM"
SEED = 7
SIZES: tuple[int, ...] = (1_200, 10_000, 100_000)
QUICK_SIZES: tuple[int, ...] = (1_200,)
#: Pipeline stages in order; those after ``read`` run when the command line has their subcommand.
PIPELINE: tuple[str, ...] = ("sdtm", "adam", "define", "validate", "package")
#: Exit codes that mean the stage finished (validate exits 1 when it has findings).
FINISHED = {0, 1}
_STAMP = ".bench-cohort"


class CohortResult(BaseModel):
    """One cohort: its generation, every stage, and the floor (CPU net of its set-up)."""

    subjects: int
    generate: StageTiming
    stages: list[StageTiming]
    floor: StageTiming
    floor_cpu_s: float

    def stage(self, name: str) -> StageTiming | None:
        """The timing of ``name``, or None when it did not run."""
        return next((timing for timing in self.stages if timing.stage == name), None)


def _generate(root: Path, subjects: int, logs: Path) -> StageTiming:
    """``cdiscmm raw generate`` into ``root/STUDY/raw``; reused when an earlier bench made the same cohort."""
    raw = root / STUDY / "raw"
    stamp = f"{STUDY} {subjects} {SEED}"
    command = python_module(
        "cdiscmm", "raw", "generate", "--study", STUDY, "--subjects", str(subjects), "--seed", str(SEED)
    )
    command += ["--out", str(raw), "-q"]
    if (raw / _STAMP).is_file() and (raw / _STAMP).read_text(encoding="utf-8") == stamp:
        return StageTiming(
            stage="generate (reused)", subjects=subjects, wall_s=0, cpu_s=0, peak_rss_mb=0, exit_code=0, command=command
        )
    shutil.rmtree(raw, ignore_errors=True)
    timing = run_child("generate", subjects, command, logs / "generate.log")
    if timing.exit_code == 0:
        (raw / _STAMP).write_text(stamp, encoding="utf-8")
    return timing


def _floor(root: Path, subjects: int, logs: Path) -> tuple[StageTiming, float]:
    """The floor as a measured child, minus the CPU it reports for loading the datasets it then writes."""
    study = root / STUDY
    scratch = root / "floor-scratch"
    folders = [str(folder) for folder in (study / "sdtm", study / "adam") if folder.is_dir()]
    command = python_module("cdiscmm.bench.probe", "floor", str(study / "raw"), str(scratch), *folders)
    timing = run_child("floor", subjects, command, logs / "floor.log")
    shutil.rmtree(scratch, ignore_errors=True)
    lines = (logs / "floor.log").read_text(encoding="utf-8").strip().splitlines()
    setup = json.loads(lines[-1])["setup_cpu_s"] if timing.exit_code == 0 and lines else 0.0
    return timing, round(timing.cpu_s - setup, 2)


def run_cohort(out: Path, subjects: int, stages: Sequence[str]) -> CohortResult:
    """Generate (or reuse) the cohort of ``subjects``, then read, every stage in ``stages``, and the floor."""
    root = out / "cohorts" / f"n{subjects}"
    logs = out / "logs" / f"n{subjects}"
    generated = _generate(root, subjects, logs)
    if generated.exit_code != 0:
        raise RuntimeError(f"raw generate failed for {subjects} subjects, see {logs / 'generate.log'}")
    raw = root / STUDY / "raw"
    timings = [run_child("read", subjects, python_module("cdiscmm.bench.probe", "read", str(raw)), logs / "read.log")]
    for stage in stages:
        progress.info(f"bench: {subjects} subjects, {stage}")
        command = python_module("cdiscmm", stage, "--study", STUDY, "--out", str(root), "-q")
        timing = run_child(stage, subjects, command, logs / f"{stage}.log")
        timings.append(timing)
        if timing.exit_code not in FINISHED:
            progress.info(f"bench: {stage} exited {timing.exit_code}, see {logs / (stage + '.log')}")
            break
    floor, floor_cpu = _floor(root, subjects, logs)
    return CohortResult(subjects=subjects, generate=generated, stages=timings, floor=floor, floor_cpu_s=floor_cpu)


def run_bench(out: Path, sizes: Sequence[int], available: Sequence[str]) -> list[CohortResult]:
    """Every cohort in ``sizes`` through the pipeline stages that the command line offers (``available``)."""
    stages = [stage for stage in PIPELINE if stage in available]
    results = []
    for subjects in sizes:
        progress.info(f"bench: cohort of {subjects} subjects ({STUDY}, seed {SEED})")
        results.append(run_cohort(out, subjects, stages))
    return results
