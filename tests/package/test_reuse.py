"""``cdiscmm package`` takes its validation from the validate stage's report only when that report validated the
very files the package validates: the package is then byte-identical to one validated afresh."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cdiscmm.cli import main
from cdiscmm.package.manifest import MANIFEST_FILE, comparable, read_manifest
from tests.conftest import SMALL_STUDY

pytestmark = pytest.mark.slow


def _package(out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, bytes], str]:
    """Build the FDA package; every file's bytes but the manifest's (its timestamp differs), and the progress."""
    capsys.readouterr()
    main(["package", "--region", "fda", "--study", SMALL_STUDY, "--out", str(out)])
    root = out / SMALL_STUDY / "package" / "fda"
    files = {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()}
    del files[MANIFEST_FILE]
    return files, capsys.readouterr().err


def test_a_report_of_the_package_files_gives_the_same_package(
    small_study_out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / SMALL_STUDY
    shutil.copytree(small_study_out / SMALL_STUDY, home, ignore=shutil.ignore_patterns("package", "validation"))
    fresh, progress = _package(tmp_path, capsys)
    assert f"validation: no validate stage report at {home / 'validation' / 'report.json'}; validating" in progress
    manifest = comparable(read_manifest(home / "package" / "fda"))
    kept = tmp_path / "fresh"
    shutil.copytree(home / "package" / "fda", kept)
    tree = kept / "m5" / "datasets" / SMALL_STUDY.lower()
    sdtm, adam = tree / "tabulations" / "sdtm", tree / "analysis" / "adam" / "datasets"
    paths = ["--sdtm", sdtm, "--adam", adam, "--define", sdtm / "define.xml", "--raw", home / "raw"]
    main(["validate", "--study", SMALL_STUDY, *map(str, paths), "--out", str(tmp_path), "-q"])
    reused, progress = _package(tmp_path, capsys)
    assert "validation: reusing the validate stage's report" in progress and "validating the package" not in progress
    assert reused == fresh
    assert comparable(read_manifest(home / "package" / "fda")) == manifest
