"""Fixtures shared by several test packages: one small bundled study built end to end with the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from cdiscmm.cli import main

# Property tests have no time limit: tests never assert on wall time (a loaded machine made the 200 ms default fail).
settings.register_profile("cdiscmm", deadline=None)
settings.load_profile("cdiscmm")

#: The smallest bundled study that has every endpoint family (QS, HO, CRS/ICANS, Chinese text): N = 40, seed 3.
SMALL_STUDY = "EQUE-CN-RWS"


@pytest.fixture(scope="session")
def small_study_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Output root holding ``EQUE-CN-RWS/{raw,sdtm,adam}`` built by ``cdiscmm raw generate | sdtm | adam | define``."""
    root = tmp_path_factory.mktemp("small-study")
    raw = root / SMALL_STUDY / "raw"
    steps = [
        ["raw", "generate", "--study", SMALL_STUDY, "--subjects", "40", "--seed", "3", "--out", str(raw)],
        ["sdtm", "--study", SMALL_STUDY, "--raw", str(raw), "--out", str(root)],
        ["adam", "--study", SMALL_STUDY, "--out", str(root)],
        ["define", "--study", SMALL_STUDY, "--out", str(root)],
    ]
    for step in steps:
        assert main([*step, "-q"]) == 0, step
    return root


@pytest.fixture(autouse=True)
def progress_not_quiet() -> None:
    """Each test starts with progress messages on: ``cdiscmm ... -q`` in an earlier test sets a process-wide flag."""
    from cdiscmm.core import progress

    progress.set_quiet(False)
