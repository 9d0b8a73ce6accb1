"""``cdiscmm define``: a study's folders by default, any folder with --sdtm/--adam, and its error exits."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdiscmm import cli
from cdiscmm.core.errors import EXIT_BAD_INPUT
from tests.define.study import adam_datasets, sdtm_datasets, write_study

BUNDLED = "ELRA-JP-PMS"


def test_any_sdtm_and_adam_folder(tmp_path: Path) -> None:
    sdtm = write_study(tmp_path / "s", sdtm_datasets())
    adam = write_study(tmp_path / "a", adam_datasets())
    assert cli.main(["define", "--sdtm", str(sdtm), "--adam", str(adam), "-q"]) == 0
    for folder in (sdtm, adam):
        assert {path.name for path in folder.glob("define*")} == {"define.xml", "define.html", "define2-1.xsl"}


def test_a_bundled_study_under_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["define", "--study", BUNDLED, "--out", str(tmp_path), "-q"]) == EXIT_BAD_INPUT
    assert "no sdtm/ or adam/ folder" in capsys.readouterr().err
    write_study(tmp_path / BUNDLED / "adam", adam_datasets())  # only adam/ is there: that one is defined
    assert cli.main(["define", "--study", BUNDLED, "--out", str(tmp_path), "-q"]) == 0
    assert (tmp_path / BUNDLED / "adam" / "define.xml").is_file()


def test_folder_without_metadata_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sdtm = write_study(tmp_path / "delivery", sdtm_datasets(), metadata=False)
    assert cli.main(["define", "--sdtm", str(sdtm), "-q"]) == 0
    assert "has no metadata.json: define.xml made from the IG specs" in capsys.readouterr().err


def test_missing_folder_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["define", "--adam", str(tmp_path / "nowhere")]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"cdiscmm: error: {tmp_path / 'nowhere'}: folder not found; expected a folder of .xpt files"]
