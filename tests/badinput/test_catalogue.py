"""Run every bad input of the catalogue through ``cdiscmm.cli.main``: exit 2, one line, naming the place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cdiscmm.cli import main
from cdiscmm.core.paths import mappings_dir
from tests.badinput.cases import CASES, Case, render
from tests.badinput.env import STUDY, Env

DOCS = Path(__file__).resolve().parents[2] / "docs" / "bad-inputs.md"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny ELRA-JP-PMS (8 subjects): its raw export and SDTM folder, the originals every case copies."""
    out = tmp_path_factory.mktemp("badinput")
    raw = out / STUDY / "raw"
    assert main(["raw", "generate", "--study", STUDY, "--subjects", "8", "--seed", "1", "--out", str(raw), "-q"]) == 0
    assert main(["sdtm", "--study", STUDY, "--out", str(out), "-q"]) == 0
    return out


def test_the_catalogue_has_at_least_40_cases_with_unique_ids() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) >= 40 and len(set(ids)) == len(ids)


def test_docs_list_the_catalogue() -> None:
    assert DOCS.read_text(encoding="utf-8") == render()


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_bad_input_gives_exit_2_and_one_line_naming_the_place(
    case: Case, built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env = Env.copy(built, mappings_dir(), tmp_path, monkeypatch)
    argv = case.make(env)
    capsys.readouterr()
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse's usage errors (one line, see cdiscmm.cli.Parser)
        code = stop.code
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    shown = err.replace(str(tmp_path), "<tmp>")
    assert code == 2, shown
    errors = [line for line in lines if line.startswith("cdiscmm: error: ")]
    # one error line; anything else is a warning the run printed before (e.g. a header-only form), no traceback
    others = [line for line in lines if line not in errors]
    assert len(errors) == 1 and all(line.startswith("cdiscmm: warning: ") for line in others), shown
    for expect in case.expect:
        assert re.search(expect, errors[0].replace(str(tmp_path), "<tmp>")), shown
