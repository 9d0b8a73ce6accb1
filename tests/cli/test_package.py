"""``cdiscmm package`` on bad usage and missing inputs: one line, exit 2 (built packages: tests/package)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdiscmm.cli import main


def test_unknown_region_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["package", "--region", "ema"])
    assert stopped.value.code == 2
    assert "invalid choice: 'ema'" in capsys.readouterr().err


def test_a_study_without_sdtm_output_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["package", "--region", "pmda", "--study", "ELRA-JP-PMS", "--out", str(tmp_path)]) == 2
    assert f"{tmp_path}/ELRA-JP-PMS/sdtm: folder not found" in capsys.readouterr().err


def test_verify_without_a_package_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["package", "--region", "fda", "--study", "ELRA-JP-PMS", "--out", str(tmp_path), "--verify"]) == 2
    assert "no manifest.json" in capsys.readouterr().err
