"""Run one stage as a child process and measure it: wall time, CPU (user + system) and peak resident memory,
stopping it when its resident memory passes the watchdog's limit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pydantic import BaseModel

#: ``ru_maxrss`` is in kilobytes on Linux.
_RSS_UNIT_BYTES = 1024
#: How often the watchdog reads the child's resident memory.
_POLL_S = 0.5
#: Exit code reported for a child the watchdog stopped (killed by SIGKILL).
STOPPED_EXIT = -int(signal.SIGKILL)


class StageTiming(BaseModel):
    """One stage on one cohort: what it cost and whether it finished (exit 0, or 1 = findings for validate);
    ``stopped`` says why the watchdog ended it (None when it ran to its end)."""

    stage: str
    subjects: int
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    exit_code: int
    command: list[str]
    stopped: str | None = None


def _group_rss_mb(pid: int) -> float:
    """Resident memory (MB) of ``pid`` and every process of its session (a stage may start helpers); 0 once gone.

    Read from ``/proc/<pid>/statm`` (resident pages) of each process whose session id is ``pid``.
    """
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if os.getsid(int(entry.name)) != pid:
                continue
            with open(f"/proc/{entry.name}/statm", encoding="ascii") as statm:
                total += int(statm.read().split()[1]) * page
        except (OSError, ValueError, IndexError):  # the process ended between listing and reading
            continue
    return total / 2**20


def run_child(
    stage: str, subjects: int, command: list[str], log: Path, rss_limit_mb: float | None = None
) -> StageTiming:
    """Run ``command`` with stdout and stderr to ``log``; the child's own rusage comes from ``os.wait4``.

    ``wait4`` reports the resources of that one child and of the processes it waited for (Linux: a stage's worker
    processes included), so every stage has its own CPU (the ``RUSAGE_CHILDREN`` maximum would keep the largest
    of all children so far). With ``rss_limit_mb``, a watchdog reads the resident memory of the child's session
    every 0.5 s and kills the session when it passes the limit, so a cohort too big for the machine is stopped
    and reported (``stopped``) instead of swapping. The peak RSS is the larger of the child's own maximum (exact)
    and the largest sum over its session the watchdog saw: a stage with worker processes holds their memory at
    once, which ``ru_maxrss`` (the largest single process) would not show.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    stopped = None
    session_peak = 0.0
    with log.open("wb") as sink:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
        while True:
            pid, status, usage = os.wait4(child.pid, 0 if rss_limit_mb is None else os.WNOHANG)
            if pid == child.pid:
                break
            rss = _group_rss_mb(child.pid)
            session_peak = max(session_peak, rss)
            if rss_limit_mb is not None and rss > rss_limit_mb and stopped is None:
                stopped = f"resident memory {rss:,.0f} MB passed the watchdog limit {rss_limit_mb:,.0f} MB"
                os.killpg(child.pid, signal.SIGKILL)
            time.sleep(_POLL_S)
        wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return StageTiming(
        stage=stage,
        subjects=subjects,
        wall_s=round(wall, 2),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 2),
        peak_rss_mb=round(max(usage.ru_maxrss * _RSS_UNIT_BYTES / 2**20, session_peak), 1),
        exit_code=child.returncode,
        command=command,
        stopped=stopped,
    )


def python_module(module: str, *arguments: str) -> list[str]:
    """``python -m module arguments`` with the interpreter that runs the bench."""
    return [sys.executable, "-m", module, *arguments]
