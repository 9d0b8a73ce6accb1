"""Run one stage as a child process and measure it: wall time, CPU (user + system) and peak resident memory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from pydantic import BaseModel

#: ``ru_maxrss`` is in kilobytes on Linux.
_RSS_UNIT_BYTES = 1024


class StageTiming(BaseModel):
    """One stage on one cohort: what it cost and whether it finished (exit 0, or 1 = findings for validate)."""

    stage: str
    subjects: int
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    exit_code: int
    command: list[str]


def run_child(stage: str, subjects: int, command: list[str], log: Path) -> StageTiming:
    """Run ``command`` with stdout and stderr to ``log``; the child's own rusage comes from ``os.wait4``.

    ``wait4`` reports the resources of that one child, so every stage has its own CPU and peak RSS (the
    ``RUSAGE_CHILDREN`` maximum would keep the largest of all children so far).
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as sink:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return StageTiming(
        stage=stage,
        subjects=subjects,
        wall_s=round(wall, 2),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 2),
        peak_rss_mb=round(usage.ru_maxrss * _RSS_UNIT_BYTES / 2**20, 1),
        exit_code=child.returncode,
        command=command,
    )


def python_module(module: str, *arguments: str) -> list[str]:
    """``python -m module arguments`` with the interpreter that runs the bench."""
    return [sys.executable, "-m", module, *arguments]
