"""XPT v5 round trip: pyreadstat and pandas read back names, labels, values and date formats."""

from pathlib import Path

import pandas as pd
import pytest

from cdiscmm.core.errors import InputError
from cdiscmm.io.xpt.read import read_xpt
from cdiscmm.io.xpt.write import write_xpt
from cdiscmm.metadata.model import Dataset, DatasetMeta, VariableMeta


def meta() -> DatasetMeta:
    return DatasetMeta(
        name="ADSL",
        label="Subject-Level Analysis Dataset",
        **{"class": "SUBJECT LEVEL ANALYSIS DATASET"},
        standard="ADaMIG 1.3",
        variables=[
            VariableMeta(name="USUBJID", label="Unique Subject Identifier", type="Char", order=1),
            VariableMeta(name="AGE", label="Age", type="Num", order=2),
            VariableMeta(
                name="TRTSDT", label="Date of First Exposure to Treatment", type="Num", order=3, display_format="DATE9."
            ),
        ],
    )


def test_round_trip_keeps_labels_values_and_dates(tmp_path: Path) -> None:
    data = pd.DataFrame(
        {
            "USUBJID": ["S-001", "S-002"],
            "AGE": [61, None],
            "TRTSDT": pd.to_datetime(["2024-03-12", None]),
        }
    )
    path = write_xpt(Dataset(meta(), data), tmp_path / "adsl.xpt")
    back = read_xpt(path)
    assert back.name == "ADSL" and back.label == "Subject-Level Analysis Dataset"
    assert back.labels["TRTSDT"] == "Date of First Exposure to Treatment"
    assert back.data["USUBJID"].tolist() == ["S-001", "S-002"]
    assert back.data["AGE"].iloc[0] == 61 and pd.isna(back.data["AGE"].iloc[1])
    assert back.data["TRTSDT"].iloc[0] == pd.Timestamp("2024-03-12")
    assert back.formats["TRTSDT"] == "DATE9."
    sas = pd.read_sas(path, format="xport", encoding="utf-8")
    assert sas["TRTSDT"].iloc[0] == 23447.0  # days from 1960-01-01 to 2024-03-12


def test_value_over_200_bytes_names_row_and_variable(tmp_path: Path) -> None:
    data = pd.DataFrame({"USUBJID": ["S-001", "あ" * 67], "AGE": [1, 2], "TRTSDT": pd.to_datetime([None, None])})
    with pytest.raises(InputError) as caught:
        write_xpt(Dataset(meta(), data), tmp_path / "adsl.xpt")
    assert "row 2" in str(caught.value) and "USUBJID" in str(caught.value)


def test_date_variable_held_as_object_column_is_written_as_sas_date(tmp_path: Path) -> None:
    """Regression: ISA ADQS ADT arrived as an object column of Timestamps and the writer raised TypeError."""
    data = pd.DataFrame(
        {
            "USUBJID": ["S-001", "S-002"],
            "AGE": [1, 2],
            "TRTSDT": pd.Series([pd.Timestamp("2024-03-12"), None], dtype=object),
        }
    )
    back = read_xpt(write_xpt(Dataset(meta(), data), tmp_path / "adsl.xpt"))
    assert back.data["TRTSDT"].iloc[0] == pd.Timestamp("2024-03-12") and pd.isna(back.data["TRTSDT"].iloc[1])
