"""Generate ISA-like cohorts, run every pipeline stage on each as a measured child, and time the I/O floor."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from cdiscmm.bench.measure import StageTiming, python_module, run_child
from cdiscmm.core import progress
from cdiscmm.metadata.study import select_studies

STUDY = "ISA-OBS-RRMM"
SEED = 7
SIZES: tuple[int, ...] = (1_200, 10_000, 100_000)
QUICK_SIZES: tuple[int, ...] = (1_200,)
#: Pipeline stages in order; those after ``read`` run when the command line has their subcommand.
PIPELINE: tuple[str, ...] = ("sdtm", "adam", "define", "validate", "package")
#: Exit codes that mean the stage finished (validate exits 1 when it has findings).
FINISHED = {0, 1}
#: The watchdog's default limit on a stage's resident memory: the 8 GB target of issue #13.
RSS_LIMIT_MB = 8 * 1024.0
_STAMP = ".bench-cohort"


class BenchOptions(BaseModel):
    """How the stages run: ``chunk_subjects`` passed to sdtm, adam, validate and package (None: whole study),
    ``workers`` with it to the same stages, their chunks on that many worker processes (None: one process),
    the watchdog's limit."""

    chunk_subjects: int | None = None
    workers: int | None = None
    rss_limit_mb: float = RSS_LIMIT_MB


class CohortResult(BaseModel):
    """One cohort: its generation, every stage, and the floor (CPU net of its set-up; None when not timed)."""

    subjects: int
    generate: StageTiming
    stages: list[StageTiming]
    floor: StageTiming | None
    floor_cpu_s: float = 0.0
    chunk_subjects: int | None = None
    workers: int | None = None

    def stage(self, name: str) -> StageTiming | None:
        """The timing of ``name``, or None when it did not run."""
        return next((timing for timing in self.stages if timing.stage == name), None)

    def stopped(self) -> bool:
        """True when the watchdog stopped the generation or a pipeline stage of this cohort. The floor is not the
        pipeline: pandas holding every collected form at once can pass the limit on a cohort the stages finish
        (100,000 subjects), and that says nothing about the stages."""
        return any(timing.stopped for timing in [self.generate, *self.stages])


def _generate(root: Path, subjects: int, logs: Path, rss_limit_mb: float) -> StageTiming:
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
    timing = run_child("generate", subjects, command, logs / "generate.log", rss_limit_mb)
    if timing.exit_code == 0:
        (raw / _STAMP).write_text(stamp, encoding="utf-8")
    return timing


def _floor(root: Path, subjects: int, logs: Path, rss_limit_mb: float) -> tuple[StageTiming, float]:
    """The floor as a measured child, minus the CPU it reports for loading the datasets it then writes; 0.0 (no
    ratios) when it did not finish: a floor cut short by the watchdog is not the floor."""
    study = root / STUDY
    scratch = root / "floor-scratch"
    folders = [str(folder) for folder in (study / "sdtm", study / "adam") if folder.is_dir()]
    command = python_module("cdiscmm.bench.probe", "floor", str(study / "raw"), str(scratch), *folders)
    timing = run_child("floor", subjects, command, logs / "floor.log", rss_limit_mb)
    shutil.rmtree(scratch, ignore_errors=True)
    lines = (logs / "floor.log").read_text(encoding="utf-8").strip().splitlines()
    if timing.exit_code != 0 or not lines:
        return timing, 0.0
    return timing, round(timing.cpu_s - json.loads(lines[-1])["setup_cpu_s"], 2)


#: Stages that take ``--chunk-subjects``, and ``--workers`` with it (their chunks on worker processes).
CHUNKED_STAGES = ("sdtm", "adam", "validate", "package")


def _stage_command(stage: str, root: Path, options: BenchOptions) -> list[str]:
    command = python_module("cdiscmm", stage, "--study", STUDY, "--out", str(root), "-q")
    if stage == "package":
        command += ["--region", select_studies([STUDY])[0].config.region.lower()]
    if stage in CHUNKED_STAGES and options.chunk_subjects is not None:
        command += ["--chunk-subjects", str(options.chunk_subjects)]
        if options.workers is not None:
            command += ["--workers", str(options.workers)]
    return command


def run_cohort(out: Path, subjects: int, stages: Sequence[str], options: BenchOptions) -> CohortResult:
    """Generate (or reuse) the cohort of ``subjects``, then read, every stage in ``stages``, and the floor.

    A stage that fails or that the watchdog stops ends the cohort; the floor is not timed then (it would read
    the datasets of an earlier run)."""
    root = out / "cohorts" / f"n{subjects}"
    logs = out / "logs" / f"n{subjects}"
    limit = options.rss_limit_mb
    generated = _generate(root, subjects, logs, limit)
    result = CohortResult(
        subjects=subjects,
        generate=generated,
        stages=[],
        floor=None,
        chunk_subjects=options.chunk_subjects,
        workers=options.workers if options.chunk_subjects is not None else None,
    )
    if generated.stopped:
        progress.info(f"bench: generate of {subjects} subjects stopped: {generated.stopped}")
        return result
    if generated.exit_code != 0:
        raise RuntimeError(f"raw generate failed for {subjects} subjects, see {logs / 'generate.log'}")
    raw = root / STUDY / "raw"
    read = python_module("cdiscmm.bench.probe", "read", str(raw))
    result.stages.append(run_child("read", subjects, read, logs / "read.log", limit))
    for stage in stages:
        progress.info(f"bench: {subjects} subjects, {stage}")
        timing = run_child(stage, subjects, _stage_command(stage, root, options), logs / f"{stage}.log", limit)
        result.stages.append(timing)
        if timing.exit_code not in FINISHED:
            why = timing.stopped or f"exited {timing.exit_code}"
            progress.info(f"bench: {stage} {why}, see {logs / (stage + '.log')}")
            return result
    result.floor, result.floor_cpu_s = _floor(root, subjects, logs, limit)
    return result


def run_bench(
    out: Path, sizes: Sequence[int], available: Sequence[str], options: BenchOptions | None = None
) -> list[CohortResult]:
    """Every cohort in ``sizes`` (smallest first) through the pipeline stages that the command line offers
    (``available``); once the watchdog stops a cohort, the larger ones are not run (they would pass it too)."""
    options = options or BenchOptions()
    stages = [stage for stage in PIPELINE if stage in available]
    results: list[CohortResult] = []
    for subjects in sorted(sizes):
        if results and results[-1].stopped():
            progress.info(f"bench: cohort of {subjects} subjects not run, the watchdog stopped a smaller one")
            continue
        progress.info(f"bench: cohort of {subjects} subjects ({STUDY}, seed {SEED})")
        results.append(run_cohort(out, subjects, stages, options))
    return results
