"""The bench's targets (issue #13) as pass/fail rows, and its Markdown and JSON reports."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from pydantic import BaseModel

from cdiscmm.bench.run import CHUNKED_STAGES, PIPELINE, RSS_LIMIT_MB, SEED, STUDY, CohortResult

#: Targets of issue #13: sdtm + adam within 2x the floor (CPU, 1,200), 100,000 end to end within 10 minutes and
#: 8 GB, every stage scaling 10k -> 100k by at most 11x, validation of 1,200 in under 10 s (wall; CPU shown too: the
#: GX suites run in a second process beside the checks, so CPU can exceed wall).
FLOOR_RATIO_LIMIT = 2.0
END_TO_END_LIMIT_S = 600.0
SCALING_LIMIT = 11.0
VALIDATE_LIMIT_S = 10.0


class Target(BaseModel):
    """One target: what is measured, the figure, the limit, and pass / fail / not run."""

    target: str
    value: float | None
    limit: float
    status: str


def _row(target: str, value: float | None, limit: float, *, stopped: bool = False) -> Target:
    """A target's row; ``stopped``: the watchdog ended a stage it measures, so it fails whatever the figure."""
    status = "fail" if stopped else "not run" if value is None else ("pass" if value <= limit else "fail")
    return Target(target=target, value=None if value is None else round(value, 2), limit=limit, status=status)


def _cohort(results: list[CohortResult], subjects: int) -> CohortResult | None:
    return next((result for result in results if result.subjects == subjects), None)


def evaluate_targets(results: list[CohortResult]) -> list[Target]:
    """The targets as rows; a target whose cohort or stage did not run is 'not run'."""
    small, mid, large = (_cohort(results, subjects) for subjects in (1_200, 10_000, 100_000))
    rows = []
    pair = [small.stage(name) for name in ("sdtm", "adam")] if small else [None]
    ratio = sum(t.cpu_s for t in pair) / small.floor_cpu_s if small and all(pair) and small.floor_cpu_s else None
    rows.append(_row("1,200: (sdtm + adam CPU) / floor CPU", ratio, FLOOR_RATIO_LIMIT))
    validate = small.stage("validate") if small else None
    rows.append(_row("1,200: validate CPU s", validate.cpu_s if validate else None, VALIDATE_LIMIT_S))
    rows.append(_row("1,200: validate wall s", validate.wall_s if validate else None, VALIDATE_LIMIT_S))
    pipeline = [timing for timing in large.stages if timing.stage in PIPELINE] if large else []
    stopped = bool(large and large.stopped())
    wall = sum(t.wall_s for t in pipeline) if pipeline else None
    rows.append(_row("100,000: end-to-end wall s", wall, END_TO_END_LIMIT_S, stopped=stopped))
    rss = max(t.peak_rss_mb for t in pipeline) if pipeline else None
    rows.append(_row("100,000: peak RSS MB", rss, RSS_LIMIT_MB, stopped=stopped))
    ran = {timing.stage for result in results for timing in result.stages}
    for stage in [name for name in ("read", *PIPELINE) if name in ran]:
        low, high = (mid.stage(stage) if mid else None), (large.stage(stage) if large else None)
        scaling = high.cpu_s / low.cpu_s if low and high and low.cpu_s else None
        cut = bool((low and low.stopped) or (high and high.stopped))  # a stopped stage's CPU is not its cost
        rows.append(_row(f"CPU(100,000) / CPU(10,000): {stage}", scaling, SCALING_LIMIT, stopped=cut))
    return rows


def _table(results: list[CohortResult]) -> pd.DataFrame:
    rows = []
    for result in results:
        for timing in [result.generate, *result.stages, *([result.floor] if result.floor else [])]:
            cpu = result.floor_cpu_s if timing.stage == "floor" and result.floor_cpu_s else timing.cpu_s
            status = "" if timing.exit_code in (0, 1) else f" (exit {timing.exit_code})"
            rows.append(
                {
                    "subjects": f"{result.subjects:,}",
                    "chunk": f"{result.chunk_subjects:,}" if result.chunk_subjects else "whole",
                    "workers": str(result.workers) if timing.stage in CHUNKED_STAGES and result.workers else "",
                    "stage": timing.stage + (" (stopped by the RSS watchdog)" if timing.stopped else status),
                    "wall s": f"{timing.wall_s:.1f}",
                    "CPU s": f"{cpu:.1f}",
                    "peak RSS MB": f"{timing.peak_rss_mb:,.0f}",
                    "CPU / floor": f"{cpu / result.floor_cpu_s:.2f}"
                    if result.floor_cpu_s and not timing.stage.startswith("generate")
                    else "",
                }
            )
    return pd.DataFrame(rows)


def _markdown(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(str(value) for value in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def write_report(results: list[CohortResult], out: Path) -> tuple[Path, Path]:
    """``bench.md`` (stage table, targets) and ``bench.json`` (every figure) in ``out``."""
    targets = evaluate_targets(results)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    host = f"{os.cpu_count()} cores, Python {platform.python_version()}, pandas {pd.__version__}"
    target_frame = pd.DataFrame(
        [
            {"target": t.target, "value": "" if t.value is None else t.value, "limit": t.limit, "status": t.status}
            for t in targets
        ]
    )
    text = "\n\n".join(
        [
            f"# cdiscmm bench ({when})",
            f"{STUDY}-like cohorts (`cdiscmm raw generate --seed {SEED}`), {host}. CPU = user + system seconds of "
            "the stage's process and the worker processes it waited for; peak RSS = the larger of its largest "
            "process and the largest sum over its processes seen every 0.5 s; the floor is pandas reading the "
            "collected CSVs plus pyreadstat writing the same final SDTM and ADaM datasets. Other work on the "
            "machine shifts wall time; compare CPU. chunk: subjects per chunk of sdtm and adam (`--chunk-"
            "subjects`), whole = the study at once; workers: processes the stage mapped its chunks on "
            "(`--workers`), blank = one. A stage whose resident memory passes the watchdog's limit is stopped and"
            " shown as such.",
            _markdown(_table(results)),
            "## Targets (issue #13)",
            _markdown(target_frame),
        ]
    )
    out.mkdir(parents=True, exist_ok=True)
    markdown, data = out / "bench.md", out / "bench.json"
    markdown.write_text(text + "\n", encoding="utf-8")
    payload = {
        "generated": when,
        "host": host,
        "study": STUDY,
        "seed": SEED,
        "cohorts": [result.model_dump() for result in results],
        "targets": [target.model_dump() for target in targets],
    }
    data.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return markdown, data
