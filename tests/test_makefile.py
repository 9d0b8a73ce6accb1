"""The README's commands parse: every documented make target dry-runs without a Makefile syntax error.

Regression: `validate: define` made GNU make read `define` as a target-specific variable directive
("Malformed target-specific variable definition"), so every target, `make test` included, failed at once.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ("raw", "sdtm", "adam", "define", "validate", "package", "bench", "test", "lint", "docs", "lock")


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("target", TARGETS)
def test_target_dry_runs(target: str) -> None:
    done = subprocess.run(
        ["make", "-n", "-C", str(ROOT), target, "STAMP=/dev/null"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "cdiscmm" in done.stdout or target in {"test", "lint", "docs", "lock"}
