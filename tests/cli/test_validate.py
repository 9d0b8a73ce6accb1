"""``cdiscmm validate`` on folders it did not build: exit 0 when clean, 1 on an error finding, 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cdiscmm import cli
from cdiscmm.core.errors import EXIT_BAD_INPUT, EXIT_OK, EXIT_VALIDATION
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
