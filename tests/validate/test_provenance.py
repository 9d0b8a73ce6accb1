"""The validate stage's report names every file it read, with its SHA-256 and size, and the versions that checked."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from cdiscmm.io.digest import rule_catalogue_version
from cdiscmm.io.xpt.write import write_xpt
from cdiscmm.validate.provenance import read_files
from cdiscmm.validate.run import Inputs, validate_study
from tests.adam.test_sdtm_input import xpt_dataset


def test_report_lists_each_file_read_with_its_hash_and_size(tmp_path: Path) -> None:
    sdtm = tmp_path / "sdtm"
    sdtm.mkdir()
    dm = pd.DataFrame({"STUDYID": "S", "DOMAIN": "DM", "USUBJID": ["S1", "S2"]})
    write_xpt(xpt_dataset("DM", dm), sdtm / "dm.xpt")
    (sdtm / "notes.txt").write_text("not a dataset", encoding="utf-8")
    report, folder = validate_study(Inputs(sdtm=sdtm), tmp_path / "out", engine="native")
    content = (sdtm / "dm.xpt").read_bytes()
    recorded = report["provenance"]
    assert recorded["files"] == {"sdtm/dm.xpt": {"sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}}
    assert recorded["rule_catalogue"] == rule_catalogue_version()
    assert "files read: 1, each with its SHA-256 and size" in (folder / "report.html").read_text(encoding="utf-8")
    rows = list(load_workbook(folder / "report.xlsx", read_only=True)["Provenance"].iter_rows(values_only=True))
    assert rows[-1] == ("sdtm/dm.xpt", len(content), hashlib.sha256(content).hexdigest())


def test_metadata_given_apart_is_read_under_the_role_of_the_one_beside_the_datasets(tmp_path: Path) -> None:
    stage, package = tmp_path / "stage", tmp_path / "package"
    for folder in (stage, package):
        folder.mkdir()
        (folder / "dm.xpt").write_bytes(b"DM")
    (stage / "metadata.json").write_text("{}", encoding="utf-8")
    assert read_files(Inputs(sdtm=stage)) == {
        "sdtm/dm.xpt": stage / "dm.xpt",
        "sdtm/metadata.json": stage / "metadata.json",
    }
    given = tmp_path / "elsewhere.json"
    given.write_text("{}", encoding="utf-8")
    apart = read_files(Inputs(sdtm=package, adam=stage, adam_metadata=given))
    assert apart == {
        "adam/dm.xpt": stage / "dm.xpt",
        "adam/metadata.json": given,  # given apart, it wins over the folder's own
        "sdtm/dm.xpt": package / "dm.xpt",
    }
    assert read_files(Inputs(sdtm=package, sdtm_metadata=given))["sdtm/metadata.json"] == given
