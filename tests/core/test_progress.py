"""Progress lines: one per counted item with its count and time; nothing with --quiet or when the item fails."""

from __future__ import annotations

import re

import pytest

from cdiscmm.core import progress


def test_counted_item_prints_its_count_and_time(capsys: pytest.CaptureFixture[str]) -> None:
    with progress.counted("S1: AE") as tally:
        tally.count = 917
    assert re.fullmatch(r"cdiscmm: S1: AE: 917 records in \d+\.\ds\n", capsys.readouterr().err)


def test_counted_item_is_silent_when_quiet_or_failed(capsys: pytest.CaptureFixture[str]) -> None:
    progress.set_quiet(True)
    try:
        with progress.counted("S1: AE") as tally:
            tally.count = 1
    finally:
        progress.set_quiet(False)
    with pytest.raises(ValueError), progress.counted("S1: CM"):
        raise ValueError("boom")
    assert capsys.readouterr().err == ""
