"""Progress on stderr: steps longer than a second announced, per-item lines with counts and time, summaries."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

#: Steps shorter than this print nothing.
THRESHOLD_SECONDS = 1.0

_quiet = False


def set_quiet(quiet: bool) -> None:
    """Silence all progress output (``--quiet``)."""
    global _quiet
    _quiet = quiet


def is_quiet() -> bool:
    """Whether progress output is silenced (``--quiet``)."""
    return _quiet


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


@dataclass
class Tally:
    """What a counted item produced, set by the caller before the item ends."""

    count: int = 0


@contextmanager
def counted(description: str, unit: str = "records") -> Iterator[Tally]:
    """One line when the item is done, whatever its length: ``<description>: <count> <unit> in <seconds>s``
    (a long stage shows each domain or dataset as it completes). Nothing is printed if the item fails."""
    started = time.perf_counter()
    tally = Tally()
    yield tally
    info(f"{description}: {tally.count} {unit} in {time.perf_counter() - started:.1f}s")


def info(message: str) -> None:
    """One line of information on stderr (results summary, files written)."""
    if not _quiet:
        print(f"cdiscmm: {message}", file=sys.stderr, flush=True)


def warn(message: str) -> None:
    """One line on stderr about something the user must act on; printed even with ``-q``."""
    print(f"cdiscmm: warning: {message}", file=sys.stderr, flush=True)
