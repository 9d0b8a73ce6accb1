"""Progress on stderr for steps that take longer than a second; silent for quick ones."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

#: Steps shorter than this print nothing.
THRESHOLD_SECONDS = 1.0

_quiet = False


def set_quiet(quiet: bool) -> None:
    """Silence all progress output (``--quiet``)."""
    global _quiet
    _quiet = quiet


@contextmanager
def step(description: str) -> Iterator[None]:
    """Announce ``description`` on stderr once it has run for a second, and its duration when done."""
    started = time.perf_counter()
    announced = threading.Event()

    def announce() -> None:
        if not _quiet:
            print(f"cdiscmm: {description} ...", file=sys.stderr, flush=True)
            announced.set()

    timer = threading.Timer(THRESHOLD_SECONDS, announce)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        if announced.is_set():
            elapsed = time.perf_counter() - started
            print(f"cdiscmm: {description} done in {elapsed:.1f}s", file=sys.stderr, flush=True)


def info(message: str) -> None:
    """One line of information on stderr (results summary, files written)."""
    if not _quiet:
        print(f"cdiscmm: {message}", file=sys.stderr, flush=True)


def warn(message: str) -> None:
    """One line on stderr about something the user must act on; printed even with ``-q``."""
    print(f"cdiscmm: warning: {message}", file=sys.stderr, flush=True)
