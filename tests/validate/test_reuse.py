"""A stored validate-stage report stands for a fresh validation only when it provably gives the same outcome."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdiscmm.validate import reuse
from cdiscmm.validate.provenance import provenance
from cdiscmm.validate.report import REPORT_VERSION
from cdiscmm.validate.reuse import stored_outcome
from cdiscmm.validate.run import Inputs

#: One SDTM rule failing on DM, one collected rule failing on the collected form ae.
RULES = [
    {"id": "SD0002", "scope": "SDTM", "severity": "Error", "status": "FAIL", "fda": "Warning", "pmda": None},
    {"id": "SD0001", "scope": "SDTM", "severity": "Error", "status": "PASS", "fda": None, "pmda": None},
    {"id": "RAW-REQUIRED", "scope": "collected", "severity": "Error", "status": "FAIL", "fda": None, "pmda": None},
]
FINDINGS = [
    {"RULE": "SD0002", "DATASET": "DM", "VARIABLE": "AGE", "MESSAGE": "null"},
    {"RULE": "RAW-REQUIRED", "DATASET": "ae", "VARIABLE": "AETERM", "MESSAGE": "empty"},
]


def _stage(root: Path) -> tuple[Inputs, Path]:
    """A delivery (sdtm/dm.xpt, its define.xml, a collected export of one form) and the report the validate stage
    wrote for it; returns the inputs of a run on the datasets and define alone, and the report's path."""
    sdtm, raw = root / "sdtm", root / "raw"
    sdtm.mkdir()
    raw.mkdir()
    (sdtm / "dm.xpt").write_bytes(b"DM records")
    (sdtm / "define.xml").write_bytes(b"<ODM/>")
    for name in ("data_dictionary.csv", "codelists.csv", "ae.csv"):
        (raw / name).write_text("A\n1\n", encoding="utf-8")
    stage = Inputs(sdtm, None, sdtm / "define.xml", raw)
    report = {
        "report_version": REPORT_VERSION,
        "inputs": {**stage.described(), "engine": "gx", "region": "none"},
        "provenance": provenance(stage, ["ae"], catalogue_given=False),
        "rules": RULES,
        "datasets": [{"name": "DM", "kind": "SDTM"}, {"name": "ae", "kind": "collected"}],
        "findings": FINDINGS,
    }
    path = root / "report.json"
    path.write_text(json.dumps(report, indent=1), encoding="utf-8")  # spaces and line breaks between the entries
    return Inputs(sdtm, None, sdtm / "define.xml"), path


def _edit(path: Path, section: str, key: str, value: object) -> None:
    report = json.loads(path.read_text(encoding="utf-8"))
    report[section][key] = value
    path.write_text(json.dumps(report), encoding="utf-8")


@pytest.mark.parametrize("block", [5, 1 << 16])
def test_same_files_give_the_report_without_the_collected_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    monkeypatch.setattr(reuse, "HEAD_BLOCK", block)  # the head of the report read a few characters at a time
    inputs, path = _stage(tmp_path)
    outcome, why = stored_outcome(path, inputs)
    assert outcome is not None and why.startswith("reusing") and "the same 2 files" in why
    assert outcome.counts == {"PASS": 1, "FAIL": 1, "NOT RUN": 1}
    assert outcome.findings.to_dict("records") == [FINDINGS[0]]
    assert outcome.kinds == {"DM": "SDTM"}
    assert [rule["status"] for rule in outcome.rules] == ["FAIL", "PASS", "NOT RUN"]


def test_a_dataset_changed_by_one_byte_is_validated_again(tmp_path: Path) -> None:
    inputs, path = _stage(tmp_path)
    (tmp_path / "sdtm" / "dm.xpt").write_bytes(b"DM recordZ")  # same size
    why = f"the validate stage's report {path} does not match the package's dm.xpt (SHA-256)"
    assert stored_outcome(path, inputs) == (None, why)


@pytest.mark.parametrize(
    ("section", "key", "value", "why"),
    [
        ("provenance", "rule_catalogue", "sha256:0", "was checked with another rule catalogue version"),
        ("provenance", "specs", "sha256:0", "was checked against other specs"),
        ("provenance", "cdiscmm", {"release": "0.0.1", "source_sha256": "0"}, "was written by other cdiscmm code"),
        ("inputs", "region", "fda", "ran on engine gx with region fda"),
        ("inputs", "engine", "native", "ran on engine native with region none"),
    ],
)
def test_other_versions_or_settings_are_validated_again(
    tmp_path: Path, section: str, key: str, value: object, why: str
) -> None:
    inputs, path = _stage(tmp_path)
    _edit(path, section, key, value)
    outcome, message = stored_outcome(path, inputs)
    assert outcome is None and why in message


def test_a_file_read_by_one_run_only_rules_the_report_out(tmp_path: Path) -> None:
    inputs, path = _stage(tmp_path)
    (tmp_path / "sdtm" / "ae.xpt").write_bytes(b"AE records")
    assert "did not read the package's sdtm/ae.xpt" in stored_outcome(path, inputs)[1]
    _edit(path, "provenance", "files", {"sdtm/metadata.json": {"sha256": "0", "bytes": 1}})
    assert (
        "also read sdtm/metadata.json, which the package's validation does not read" in stored_outcome(path, inputs)[1]
    )


@pytest.mark.parametrize(
    "content", [b"{not json", b"[]", b'{"report_version": 3, "provenance": 5}', b"\xff\xfe", b'{"report_version": 3,']
)
def test_an_unreadable_report_is_named_not_raised(tmp_path: Path, content: bytes) -> None:
    inputs, path = _stage(tmp_path)
    path.write_bytes(content)
    outcome, why = stored_outcome(path, inputs)
    assert outcome is None and why.startswith(f"the validate stage's report {path} is unreadable (")


def test_no_report_is_said(tmp_path: Path) -> None:
    inputs, path = _stage(tmp_path)
    path.unlink()
    assert stored_outcome(path, inputs) == (None, f"no validate stage report at {path}")


def test_the_stage_report_stands_for_a_package_of_the_same_bytes_checked_against_the_stage_metadata(
    tmp_path: Path,
) -> None:
    inputs, path = _stage(tmp_path)
    stage = inputs.sdtm
    (stage / "metadata.json").write_text('{"studyid": "S"}', encoding="utf-8")
    stage_inputs = Inputs(stage, None, stage / "define.xml", tmp_path / "raw")
    report = json.loads(path.read_text(encoding="utf-8"))
    report["provenance"] = provenance(stage_inputs, ["ae"], catalogue_given=False)
    path.write_text(json.dumps(report), encoding="utf-8")
    package = tmp_path / "package"
    package.mkdir()
    for name in ("dm.xpt", "define.xml"):
        (package / name).write_bytes((stage / name).read_bytes())
    packaged = Inputs(package, None, package / "define.xml", sdtm_metadata=stage / "metadata.json")
    outcome, why = stored_outcome(path, packaged)
    assert outcome is not None and "the same 3 files" in why
    assert (
        "also read sdtm/metadata.json, which the package's validation does not read"
        in stored_outcome(path, Inputs(package, None, package / "define.xml"))[1]
    )
    (stage / "metadata.json").write_text('{"studyid": "T"}', encoding="utf-8")  # same size, other bytes
    assert stored_outcome(path, packaged)[1].endswith("does not match the package's metadata.json (SHA-256)")
