"""The command line: one subcommand per stage, exit codes, one-line errors without tracebacks."""

import subprocess
import sys

import pytest

from cdiscmm import cli
from cdiscmm.core.errors import EXIT_BAD_INPUT

STAGES = ("raw", "sdtm", "adam", "validate")


def test_help_lists_one_subcommand_per_stage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    for stage in STAGES:
        assert stage in out


def test_unknown_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["nonsense"])
    assert caught.value.code == EXIT_BAD_INPUT
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize("stage", STAGES)
def test_unknown_study_exits_2_with_one_line(stage: str, capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    code = cli.main([stage, "--study", "NO-SUCH-STUDY", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert "unknown study NO-SUCH-STUDY" in err
    assert "Traceback" not in err


def test_help_imports_no_stage() -> None:
    """The CLI registers its subcommands explicitly and loads a stage only when it runs (fast start); nor pandas
    (regression: the define subcommand's translations import loaded the metadata model and pandas, 0.19 -> 0.49 s)."""
    code = (
        "import sys; from cdiscmm import cli; cli.build_parser(); "
        "print(sorted(m for m in sys.modules if m.split('.')[1:2] in (['sdtm'], ['adam'], ['simulate'], ['validate'])"
        " or m == 'pandas'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
