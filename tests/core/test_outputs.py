"""Atomic stage outputs: a failed or interrupted run leaves the previous outputs exactly as they were."""

from __future__ import annotations

import errno
import hashlib
import shutil
from pathlib import Path

import pytest

from cdiscmm.cli import main
from cdiscmm.core.errors import UsageError
from cdiscmm.core.outputs import staged_folder

STUDY = "EQUE-CN-RWS"  # the smallest bundled study with a local-language (zh/) copy


def checksums(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``folder`` (hidden staging folders included)."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_success_replaces_the_whole_folder(tmp_path: Path) -> None:
    target = tmp_path / "sdtm"
    target.mkdir()
    (target / "old.xpt").write_text("old")
    with staged_folder(target) as staging:
        (staging / "new.xpt").write_text("new")
        assert (target / "old.xpt").exists() and not (target / "new.xpt").exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["sdtm"]
    assert [path.name for path in target.iterdir()] == ["new.xpt"]


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()])
def test_failure_or_interrupt_keeps_the_previous_folder(tmp_path: Path, failure: BaseException) -> None:
    target = tmp_path / "sdtm"
    target.mkdir()
    (target / "ae.xpt").write_text("previous")
    before = checksums(tmp_path)
    with pytest.raises(type(failure)), staged_folder(target) as staging:
        (staging / "ae.xpt").write_text("half")
        raise failure
    assert checksums(tmp_path) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["sdtm"]


def test_target_or_parent_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("a file")
    with (
        pytest.raises(UsageError, match=r"out, field --out: exists and is not a folder"),
        staged_folder(tmp_path / "out" / "S1" / "sdtm"),
    ):
        pass


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny EQUE-CN-RWS (8 subjects) taken through raw, sdtm and adam."""
    out = tmp_path_factory.mktemp("atomic")
    raw = out / STUDY / "raw"
    assert main(["raw", "generate", "--study", STUDY, "--subjects", "8", "--seed", "1", "--out", str(raw), "-q"]) == 0
    assert main(["sdtm", "--study", STUDY, "--out", str(out), "-q"]) == 0
    assert main(["adam", "--study", STUDY, "--out", str(out), "-q"]) == 0
    return out


def fail_after(count: int, real):  # type: ignore[no-untyped-def]
    """A writer that writes ``count`` files, then fails as a full disk would."""
    calls = {"n": 0}

    def writer(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] > count:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    return writer


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["sdtm", "adam"])
def test_writer_failing_mid_way_leaves_previous_outputs(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    """Issue #9: a failure while writing left new XPT files beside the old rejects, issues and reconciliation."""
    from cdiscmm.io import write as io_write

    out = tmp_path / "out"
    shutil.copytree(built, out)
    before = checksums(out)
    suffix, writer = io_write.WRITERS["xpt"]
    monkeypatch.setitem(io_write.WRITERS, "xpt", (suffix, fail_after(3, writer)))
    assert main([stage, "--study", STUDY, "--out", str(out), "-q"]) != 0
    assert checksums(out) == before


@pytest.mark.slow
def test_local_language_folder_existing_as_a_file_gives_a_consistent_delivery(built: Path, tmp_path: Path) -> None:
    """Issue #9: ``sdtm/zh`` existing as a file made the run fail half-way, leaving a mixed delivery."""
    out = tmp_path / "out"
    shutil.copytree(built, out)
    sdtm = out / STUDY / "sdtm"
    shutil.rmtree(sdtm / "zh")
    (sdtm / "zh").write_text("in the way")
    expected = checksums(built / STUDY / "sdtm")
    assert main(["sdtm", "--study", STUDY, "--out", str(out), "-q"]) == 0
    after = checksums(sdtm)
    assert after.keys() == expected.keys()
    assert (sdtm / "zh").is_dir() and sorted(path.name for path in (out / STUDY).iterdir()) == ["adam", "raw", "sdtm"]
