"""``cdiscmm validate`` on folders it did not build: exit 0 when clean, 1 on an error finding, 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cdiscmm import cli
from cdiscmm.core.errors import EXIT_BAD_INPUT, EXIT_OK, EXIT_VALIDATION
from cdiscmm.io.datasetjson import write_dataset_json
from cdiscmm.io.xpt.write import write_xpt
from cdiscmm.metadata.model import Dataset
from cdiscmm.metadata.standards import sdtmig


def _write(folder: Path, name: str, frame: pd.DataFrame) -> None:
    standard = sdtmig()[name]
    meta = standard.model_copy(update={"variables": [v for v in standard.variables if v.name in frame.columns]})
    folder.mkdir(parents=True, exist_ok=True)
    write_xpt(Dataset(meta, frame[meta.names()]), folder / f"{name.lower()}.xpt")


def _dm(sex: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "STUDYID": ["S1"],
            "DOMAIN": ["DM"],
            "USUBJID": ["S1-001"],
            "SUBJID": ["001"],
            "SITEID": ["01"],
            "SEX": [sex],
            "COUNTRY": ["JPN"],
            "AGE": [60.0],
            "AGEU": ["YEARS"],
            "RFSTDTC": ["2021-01-01"],
            "RFENDTC": ["2021-06-01"],
            "ARMNRS": ["NOT ASSIGNED"],
            "DTHFL": [""],
            "RACE": ["ASIAN"],
            "ETHNIC": ["NOT HISPANIC OR LATINO"],
        }
    )


def test_clean_sdtm_folder_exits_0_and_writes_the_three_reports(tmp_path: Path) -> None:
    _write(tmp_path / "sdtm", "DM", _dm("F"))
    code = cli.main(["validate", "--sdtm", str(tmp_path / "sdtm"), "--out", str(tmp_path / "out"), "-q"])
    report = json.loads((tmp_path / "out" / "S1" / "validation" / "report.json").read_text(encoding="utf-8"))
    assert code == EXIT_OK, [r["id"] for r in report["rules"] if r["status"] == "FAIL"]
    assert sorted(p.name for p in (tmp_path / "out" / "S1" / "validation").iterdir()) == [
        "report.html",
        "report.json",
        "report.xlsx",
    ]
    not_run = {rule["id"]: rule["reason"] for rule in report["rules"] if rule["status"] == "NOT RUN"}
    assert not_run["AD0001"] == "no ADaM folder given"
    assert not_run["RAW-CODE"] == "no collected input given"


def test_value_outside_a_non_extensible_codelist_exits_1(tmp_path: Path) -> None:
    _write(tmp_path / "sdtm", "DM", _dm("X"))
    assert (
        cli.main(["validate", "--sdtm", str(tmp_path / "sdtm"), "--out", str(tmp_path / "out"), "-q"])
        == EXIT_VALIDATION
    )
    report = json.loads((tmp_path / "out" / "S1" / "validation" / "report.json").read_text(encoding="utf-8"))
    assert [(f["RULE"], f["VALUE"], f["USUBJID"]) for f in report["findings"] if f["SEVERITY"] == "Reject"] == [
        ("CT2001", "X", "S1-001")
    ]


def test_folder_without_datasets_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    assert cli.main(["validate", "--sdtm", str(tmp_path / "empty"), "--out", str(tmp_path)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "no .xpt files" in err and "Traceback" not in err


def test_dataset_json_delivery_is_validated_like_xpt(tmp_path: Path) -> None:
    standard = sdtmig()["DM"]
    frame = _dm("X")
    meta = standard.model_copy(update={"variables": [v for v in standard.variables if v.name in frame.columns]})
    (tmp_path / "sdtm").mkdir()
    write_dataset_json(Dataset(meta, frame[meta.names()]), tmp_path / "sdtm" / "dm.json")
    assert (
        cli.main(["validate", "--sdtm", str(tmp_path / "sdtm"), "--out", str(tmp_path / "out"), "-q"])
        == EXIT_VALIDATION
    )
    report = json.loads((tmp_path / "out" / "S1" / "validation" / "report.json").read_text(encoding="utf-8"))
    assert [(f["RULE"], f["VALUE"]) for f in report["findings"] if f["SEVERITY"] == "Reject"] == [("CT2001", "X")]


def _rules(out: Path) -> dict[str, dict]:
    report = json.loads(next(out.glob("*/validation/report.json")).read_text(encoding="utf-8"))
    return {rule["id"]: rule for rule in report["rules"]} | {"findings": report["findings"]}


def test_region_rules_run_only_under_their_region(tmp_path: Path) -> None:
    dm = _dm("F").assign(SITEID=["東京"])  # a non-ASCII value: a finding under FDA and PMDA, never replaced
    _write(tmp_path / "sdtm", "DM", dm)
    args = ["validate", "--sdtm", str(tmp_path / "sdtm"), "-q", "--engine", "native"]
    assert cli.main([*args, "--out", str(tmp_path / "none")]) == EXIT_OK
    rules = _rules(tmp_path / "none")
    assert rules["REG-ASCII"]["status"] == "NOT RUN" and "--region pmda, fda" in rules["REG-ASCII"]["reason"]
    assert cli.main([*args, "--out", str(tmp_path / "fda"), "--region", "fda"]) == EXIT_VALIDATION
    rules = _rules(tmp_path / "fda")
    assert rules["REG-ASCII"]["status"] == rules["XPT011"]["status"] == "FAIL"
    found = [(f["RULE"], f["VARIABLE"], f["ROW"], f["VALUE"]) for f in rules["findings"] if f["RULE"] == "REG-ASCII"]
    assert found == [("REG-ASCII", "SITEID", 1, "東京")]
    assert cli.main([*args, "--out", str(tmp_path / "nmpa"), "--region", "nmpa"]) == EXIT_OK
    assert _rules(tmp_path / "nmpa")["REG-LABEL-BYTES"]["status"] == "PASS"


def test_the_xpt_checker_runs_on_every_file_and_its_problems_are_findings(tmp_path: Path) -> None:
    _write(tmp_path / "sdtm", "DM", _dm("F"))
    (tmp_path / "sdtm" / "dm.xpt").rename(tmp_path / "sdtm" / "demog.xpt")  # not named after its dataset
    cli.main(["validate", "--sdtm", str(tmp_path / "sdtm"), "--out", str(tmp_path / "out"), "-q"])
    rules = _rules(tmp_path / "out")
    assert rules["XPT012"]["status"] == "FAIL" and rules["XPT005"]["status"] == "PASS"
    assert [f["DETAIL"] for f in rules["findings"] if f["RULE"] == "XPT012"] == [
        "demog.xpt: file name 'demog.xpt' is not the dataset name 'DM' (lower-case + .xpt)"
    ]


def test_chunk_subjects_gives_the_whole_runs_report(tmp_path: Path) -> None:
    _write(tmp_path / "sdtm", "DM", pd.concat([_dm("X"), _dm("F").assign(USUBJID="S1-002")], ignore_index=True))
    (tmp_path / "sdtm" / "dm.xpt").rename(tmp_path / "sdtm" / "demog.xpt")  # an XPT conformance finding too
    reports = []
    for chunk in ([], ["--chunk-subjects", "1"]):
        out = tmp_path / f"out{len(chunk)}"
        code = cli.main(["validate", "--sdtm", str(tmp_path / "sdtm"), "--out", str(out), "-q", *chunk])
        assert code == EXIT_VALIDATION
        reports.append(json.loads((out / "S1" / "validation" / "report.json").read_text(encoding="utf-8")))
        reports[-1].pop("timings_seconds")
    assert reports[0] == reports[1]
    assert {f["RULE"] for f in reports[1]["findings"]} >= {"CT2001", "XPT012"}


def test_chunk_subjects_on_a_dataset_json_delivery_is_bad_input_saying_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    standard = sdtmig()["DM"]
    frame = _dm("X")
    meta = standard.model_copy(update={"variables": [v for v in standard.variables if v.name in frame.columns]})
    (tmp_path / "sdtm").mkdir()
    write_dataset_json(Dataset(meta, frame[meta.names()]), tmp_path / "sdtm" / "dm.json")
    arguments = ["validate", "--sdtm", str(tmp_path / "sdtm"), "--out", str(tmp_path / "out"), "--chunk-subjects", "1"]
    assert cli.main(arguments) == EXIT_BAD_INPUT
    error = capsys.readouterr().err
    assert "validate Dataset-JSON without it" in error and "Traceback" not in error
