"""Headless Chromium for the tests that open a page as a reader would (define.html, the QA report).

Debian's ``chromium`` is the browser; ``.ci/run`` installs it when missing, so CI always runs these tests, and a
developer's machine without it skips them with the reason.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest

#: The browser on PATH (Debian installs /usr/bin/chromium), or None.
CHROMIUM = shutil.which("chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

#: Marks a test that needs the browser.
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian chromium (.ci/run installs it)")


def dump_dom(page: Path, profile: Path, timeout: int = 180) -> str:
    """The DOM Chromium builds from ``page`` after running its scripts (``--dump-dom``), as HTML text."""
    if CHROMIUM is None:
        raise RuntimeError("chromium is not installed")
    result = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return result.stdout


def rendered_dom(page: Path, profile: Path) -> lxml.html.HtmlElement:
    """The DOM Chromium builds from ``page``, parsed."""
    return lxml.html.fromstring(dump_dom(page, profile))
