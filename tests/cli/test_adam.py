"""``cdiscmm adam``: SDTM XPT files in, ADSL XPT out (round trip through files), and its error exits."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cdiscmm import cli
from cdiscmm.core.errors import EXIT_BAD_INPUT
from cdiscmm.io.xpt.read import read_xpt
from cdiscmm.io.xpt.write import write_xpt
from tests.adam.test_adsl import STUDY, SUBJECTS, sdtm_frames
from tests.adam.test_sdtm_input import xpt_dataset


def write_sdtm(folder: Path, drop: tuple[str, str] | None = None) -> Path:
    """The test SDTM as XPT files in ``folder`` (optionally without one variable: (dataset, variable))."""
    for name, frame in sdtm_frames().items():
        if drop and drop[0] == name:
            frame = frame.drop(columns=drop[1])
        write_xpt(xpt_dataset(name, frame), folder / f"{name.lower()}.xpt")
    return folder


def test_sdtm_folder_to_adsl_xpt(tmp_path: Path) -> None:
    sdtm = write_sdtm(tmp_path / "delivery")
    assert cli.main(["adam", "--sdtm", str(sdtm), "--out", str(tmp_path / "out"), "-q"]) == 0
    content = read_xpt(tmp_path / "out" / STUDY / "adam" / "adsl.xpt")
    adsl = content.data.set_index("USUBJID")
    assert list(adsl.index) == SUBJECTS
    assert content.name == "ADSL"
    assert content.label == "Subject-Level Analysis Dataset"
    assert content.formats["TRTSDT"] == "DATE9."
    assert content.labels["TRTSDT"] == "Date of First Exposure to Treatment"
    assert adsl.loc["T-001", "TRTSDT"] == pd.Timestamp("2024-01-10")
    assert pd.isna(adsl.loc["T-003", "TRTSDT"])
    assert adsl.loc["T-002", "DTHDT"] == pd.Timestamp("2024-05-01")
    assert list(adsl["SAFFL"]) == ["Y", "Y", "N", "Y", "Y"]
    assert adsl.loc["T-005", "MMTYPE"] == "LIGHT CHAIN"  # from SUPPMH, merged while reading


def test_study_given_must_match_dm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sdtm = write_sdtm(tmp_path / "delivery")
    code = cli.main(["adam", "--sdtm", str(sdtm), "--study", "OTHER", "--out", str(tmp_path / "out")])
    assert code == EXIT_BAD_INPUT
    assert f"DM STUDYID is {STUDY}, not OTHER" in capsys.readouterr().err


def test_missing_dm_rfstdtc_exits_2_naming_dataset_variable_and_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sdtm = write_sdtm(tmp_path / "delivery", drop=("DM", "RFSTDTC"))
    assert cli.main(["adam", "--sdtm", str(sdtm), "--out", str(tmp_path / "out")]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "SDTM DM has no variable RFSTDTC" in err
    assert str(sdtm / "dm.xpt") in err
    assert "Traceback" not in err


def test_bundled_study_without_sdtm_output_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["adam", "--study", "ELRA-JP-PMS", "--out", str(tmp_path)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "SDTM folder not found" in err
    assert str(tmp_path / "ELRA-JP-PMS" / "sdtm") in err


def test_bundled_study_reads_its_sdtm_folder(tmp_path: Path) -> None:
    frames = sdtm_frames()
    folder = tmp_path / "ELRA-JP-PMS" / "sdtm"
    for name, frame in frames.items():
        renamed = frame.assign(STUDYID="ELRA-JP-PMS")
        write_xpt(xpt_dataset(name, renamed), folder / f"{name.lower()}.xpt")
    assert cli.main(["adam", "--study", "ELRA-JP-PMS", "--out", str(tmp_path), "-q"]) == 0
    assert (tmp_path / "ELRA-JP-PMS" / "adam" / "adsl.xpt").is_file()


def test_trtsdtm_round_trips_as_a_sas_datetime(tmp_path: Path) -> None:
    sdtm = write_sdtm(tmp_path / "delivery")
    assert cli.main(["adam", "--sdtm", str(sdtm), "--out", str(tmp_path / "out"), "-q"]) == 0
    content = read_xpt(tmp_path / "out" / STUDY / "adam" / "adsl.xpt")
    assert content.formats["TRTSDTM"] == "DATETIME20."
    assert content.data.set_index("USUBJID").loc["T-001", "TRTSDTM"] == pd.Timestamp("2024-01-10 09:30")


def test_format_json_writes_dataset_json_equal_to_the_xpt_from_a_json_sdtm_folder(tmp_path: Path) -> None:
    """``--format json``: a Dataset-JSON SDTM delivery in, Dataset-JSON ADaM out, the same values as via XPT."""
    from cdiscmm.io.datasetjson import read_dataset_json, write_dataset_json

    delivery = tmp_path / "delivery-json"
    for name, frame in sdtm_frames().items():
        write_dataset_json(xpt_dataset(name, frame), delivery / f"{name.lower()}.json")
    via_json = ["adam", "--sdtm", str(delivery), "--out", str(tmp_path / "json"), "--format", "json", "-q"]
    assert cli.main(via_json) == 0
    via_xpt = ["adam", "--sdtm", str(write_sdtm(tmp_path / "delivery")), "--out", str(tmp_path / "xpt"), "-q"]
    assert cli.main(via_xpt) == 0
    adam_json, adam_xpt = tmp_path / "json" / STUDY / "adam", tmp_path / "xpt" / STUDY / "adam"
    assert sorted(path.stem for path in adam_json.glob("*.json") if path.name != "metadata.json") == sorted(
        path.stem for path in adam_xpt.glob("*.xpt")
    )
    assert not list(adam_json.glob("*.xpt"))
    ours, theirs = read_dataset_json(adam_json / "adsl.json"), read_xpt(adam_xpt / "adsl.xpt")
    assert ours.labels == theirs.labels and ours.formats == theirs.formats
    dates = {name: "datetime64[s]" for name in theirs.formats if theirs.formats[name].startswith("DATE")}
    pd.testing.assert_frame_equal(ours.data.astype(dates), theirs.data.astype(dates), check_dtype=False)


def test_unknown_format_exits_2(tmp_path: Path) -> None:
    sdtm = write_sdtm(tmp_path / "delivery")
    assert cli.main(["adam", "--sdtm", str(sdtm), "--out", str(tmp_path / "out"), "--format", "csv", "-q"]) == 2
