"""``cdiscmm package`` takes its validation from the validate stage's report only when that report validated the
very files the package validates (datasets, both define.xml, the stage's metadata.json): the package is then
byte-identical to one validated afresh."""

from __future__ import annotations

import json
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


def test_the_validate_stage_report_gives_the_package_a_fresh_validation_gives(
    small_study_out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / SMALL_STUDY
    shutil.copytree(small_study_out / SMALL_STUDY, home, ignore=shutil.ignore_patterns("package", "validation"))
    fresh, progress = _package(tmp_path, capsys)
    assert f"validation: no validate stage report at {home / 'validation' / 'report.json'}; validating" in progress
    manifest = read_manifest(home / "package" / "fda")
    # checked against the study's metadata.json: its keys and sponsor terms, not the standard's (CDM-KEY, CT2002)
    assert not {finding["rule"] for finding in manifest["findings"]} & {"CDM-KEY", "CT2002"}
    main(["validate", "--study", SMALL_STUDY, "--out", str(tmp_path), "-q"])
    report = json.loads((home / "validation" / "report.json").read_text(encoding="utf-8"))
    statuses = {rule["id"]: rule["status"] for rule in report["rules"]}
    assert statuses["CT2004"] != "NOT RUN" and statuses["CDM-KEY"] == "PASS"
    reused, progress = _package(tmp_path, capsys)
    assert "validation: reusing the validate stage's report" in progress and "validating the package" not in progress
    assert reused == fresh
    assert comparable(read_manifest(home / "package" / "fda")) == comparable(manifest)
