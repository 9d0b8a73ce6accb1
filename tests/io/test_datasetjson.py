"""Dataset-JSON v1.1: valid against the published schema (specs/datasetjson/), read back equal to the XPT."""

import json
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest

from cdiscmm.core.errors import UsageError
from cdiscmm.io.datasetjson import read_dataset_json, write_dataset_json
from cdiscmm.io.write import parse_formats, write_datasets
from cdiscmm.io.xpt.read import read_xpt
from cdiscmm.metadata.model import Dataset, DatasetMeta, VariableMeta

SCHEMA = Path(__file__).resolve().parents[2] / "specs" / "datasetjson" / "dataset.schema.json"


def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft201909Validator(schema, format_checker=jsonschema.FormatChecker())


def adsl() -> Dataset:
    meta = DatasetMeta(
        name="ADSL",
        label="Subject-Level Analysis Dataset",
        **{"class": "SUBJECT LEVEL ANALYSIS DATASET"},
        standard="ADaMIG 1.3",
        keys=["USUBJID"],
        variables=[
            VariableMeta(name="USUBJID", label="Unique Subject Identifier", type="Char", order=1),
            VariableMeta(name="AGE", label="Age", type="Num", order=2),
            VariableMeta(name="BMIBL", label="Baseline BMI (kg/m^2)", type="Num", order=3),
            VariableMeta(name="TRTSDT", label="Date of First Exposure", type="Num", order=4, display_format="DATE9."),
            VariableMeta(
                name="TRTSDTM", label="Datetime of First Exposure", type="Num", order=5, display_format="DATETIME20."
            ),
            VariableMeta(name="DCSREAS", label="Reason for Discontinuation", type="Char", order=6),
        ],
    )
    data = pd.DataFrame(
        {
            "USUBJID": ["S-001", "S-002", "S-003"],
            "AGE": [61, None, 0],
            "BMIBL": [24.123456789012345, 1 / 3, None],
            "TRTSDT": pd.to_datetime(["2024-03-12", None, "1959-12-31"]),
            "TRTSDTM": pd.to_datetime(["2024-03-12 08:30:05", None, "1960-01-01 00:00:00"]),
            "DCSREAS": ["", "有害事象", None],
        }
    )
    return Dataset(meta, data)


def test_written_file_is_valid_dataset_json_1_1(tmp_path: Path) -> None:
    path = write_dataset_json(adsl(), tmp_path / "adsl.json")
    content = json.loads(path.read_text(encoding="utf-8"))
    validator().validate(content)
    assert content["datasetJSONVersion"] == "1.1.0" and content["records"] == 3
    columns = {column["name"]: column for column in content["columns"]}
    assert columns["USUBJID"] == {
        "itemOID": "IT.ADSL.USUBJID",
        "name": "USUBJID",
        "label": "Unique Subject Identifier",
        "dataType": "string",
        "length": 5,
        "keySequence": 1,
    }
    assert columns["DCSREAS"]["length"] == 12  # 4 characters of 3 UTF-8 bytes
    assert (columns["AGE"]["dataType"], columns["BMIBL"]["dataType"]) == ("integer", "double")
    assert columns["TRTSDT"] == {
        "itemOID": "IT.ADSL.TRTSDT",
        "name": "TRTSDT",
        "label": "Date of First Exposure",
        "dataType": "date",
        "targetDataType": "integer",
        "displayFormat": "DATE9.",
    }
    assert content["rows"][1] == ["S-002", None, 1 / 3, None, None, "有害事象"]
    assert content["rows"][2][3:5] == ["1959-12-31", "1960-01-01T00:00:00"]


def test_schema_rejects_what_the_standard_forbids() -> None:
    """The kept schema is the real one: a file without itemGroupOID or with version 1.0 fails it."""
    broken = {
        "datasetJSONCreationDateTime": "2025-01-01T00:00:00",
        "datasetJSONVersion": "1.0.0",
        "records": 0,
        "name": "DM",
        "label": "Demographics",
        "columns": [],
    }
    errors = sorted(error.message for error in validator().iter_errors(broken))
    assert any("itemGroupOID" in message for message in errors) and any("1.1" in message for message in errors)


def test_read_back_equal_to_the_xpt(tmp_path: Path) -> None:
    paths = write_datasets({"ADSL": adsl()}, tmp_path, parse_formats("xpt,json"))
    assert [path.name for path in paths] == ["adsl.xpt", "adsl.json"]
    xpt, dataset_json = read_xpt(tmp_path / "adsl.xpt"), read_dataset_json(tmp_path / "adsl.json")
    assert (dataset_json.name, dataset_json.label, dataset_json.labels) == (xpt.name, xpt.label, xpt.labels)
    assert dataset_json.formats == {"TRTSDT": "DATE9.", "TRTSDTM": "DATETIME20."} == xpt.formats
    assert list(dataset_json.data.columns) == list(xpt.data.columns)
    for name in xpt.data.columns:
        ours, theirs = dataset_json.data[name], xpt.data[name]
        if pd.api.types.is_datetime64_any_dtype(theirs):
            assert ours.astype("datetime64[s]").equals(theirs.astype("datetime64[s]")), name
        elif pd.api.types.is_numeric_dtype(theirs):
            np.testing.assert_array_equal(ours.to_numpy(dtype=float), theirs.to_numpy(dtype=float), err_msg=name)
        else:
            assert ours.tolist() == theirs.tolist(), name


def test_two_runs_give_identical_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    first = write_dataset_json(adsl(), tmp_path / "a" / "adsl.json").read_bytes()
    assert first == write_dataset_json(adsl(), tmp_path / "b" / "adsl.json").read_bytes()
    assert json.loads(first)["datasetJSONCreationDateTime"] == "2025-01-01T00:00:00"


def test_unknown_format_is_a_usage_error() -> None:
    assert parse_formats(" JSON ,xpt,json") == ("json", "xpt")
    with pytest.raises(UsageError, match="--format"):
        parse_formats("sas7bdat")
