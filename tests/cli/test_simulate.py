"""``cdiscmm raw``: exit codes and one-line messages for bad arguments and broken designs."""

import shutil
from pathlib import Path

import pytest

from cdiscmm import cli
from cdiscmm.core.errors import EXIT_BAD_INPUT


def test_unknown_study_names_the_allowed_ids(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = cli.main(["raw", "generate", "--study", "NOPE", "--subjects", "5", "--seed", "1", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert "unknown study NOPE" in err and "ELRA-JP-PMS, EQUE-CN-RWS, ISA-OBS-RRMM" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--subjects", "0", "below the minimum 1"),
        ("--seed", "-1", "below the minimum 0"),
        ("--subjects", "x", "not an integer"),
    ],
)
def test_bad_numbers_are_usage_errors(
    option: str, value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["raw", "generate", "--study", "ELRA-JP-PMS", option, value])
    assert caught.value.code == EXIT_BAD_INPUT
    assert message in capsys.readouterr().err


def test_explicit_out_needs_exactly_one_study(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = cli.main(["raw", "generate", "--subjects", "5", "--out", str(tmp_path)])
    assert code == EXIT_BAD_INPUT
    assert "exactly one --study" in capsys.readouterr().err


def test_generate_writes_into_out(tmp_path: Path) -> None:
    args = ["raw", "generate", "--study", "EQUE-CN-RWS", "--subjects", "8", "--seed", "2", "--out", str(tmp_path), "-q"]
    assert cli.main(args) == 0
    assert (tmp_path / "rs.csv").is_file() and (tmp_path / "defects.csv").is_file()


def test_raw_without_action_writes_default_size_per_study_folder(tmp_path: Path) -> None:
    assert cli.main(["raw", "--study", "EQUE-CN-RWS", "--out", str(tmp_path), "-q"]) == 0
    dm = (tmp_path / "EQUE-CN-RWS" / "raw" / "dm.csv").read_text(encoding="utf-8").splitlines()
    assert len(set(dm[1:])) == 150  # the design's default size (a duplicated row may be injected)


def test_broken_collection_yaml_names_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cdiscmm.core.paths import mappings_dir
    from cdiscmm.metadata import study

    root = tmp_path / "mappings"
    shutil.copytree(mappings_dir() / "isa-obs-rrmm", root / "isa-obs-rrmm")
    design = root / "isa-obs-rrmm" / "collection.yaml"
    lines = design.read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, start=1) if text.startswith("observation_days:"))
    lines[line - 1] = "observation_days: soon"
    design.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(study, "mappings_dir", lambda: root)
    code = cli.main(["raw", "generate", "--study", "ISA-OBS-RRMM", "--subjects", "5", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert f"{design}:{line}" in err and "observation_days" in err
