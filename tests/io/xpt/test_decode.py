"""The project's own XPT v5 reader (:mod:`cdiscmm.io.xpt.decode`) gives exactly what pyreadstat, the independent
reader, gives: values, NaN positions, dtypes, labels and formats, on every file of a built study and on edge cases
of SAS TS-140 (special missing values, numerics shorter than 8 bytes, time formats, blank padding)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from cdiscmm.core.errors import InputError
from cdiscmm.io.xpt.check import check_xpt
from cdiscmm.io.xpt.layout import NAMESTR_LENGTH, RECORD, padding
from cdiscmm.io.xpt.read import canonical_format, read_xpt
from cdiscmm.io.xpt.write import write_xpt
from cdiscmm.metadata.model import Dataset, DatasetMeta, VariableMeta
from tests.conftest import SMALL_STUDY


def assert_same_as_pyreadstat(path: Path) -> None:
    """``read_xpt`` equals pyreadstat's frame (after read_xpt's own date conversion), labels, formats and names."""
    ours = read_xpt(path)
    data, meta = pyreadstat.read_xport(str(path), encoding="utf-8")
    formats = {name: canonical_format(fmt) for name, fmt in meta.original_variable_types.items() if fmt}
    for name, fmt in formats.items():
        if fmt.startswith(("DATE", "YYMMDD", "E8601DA")) and data[name].dtype == object:
            data[name] = pd.to_datetime(data[name])
    pd.testing.assert_frame_equal(ours.data, data, check_exact=True)
    assert list(ours.data.dtypes) == list(data.dtypes)
    assert ours.labels == dict(meta.column_names_to_labels)
    assert ours.formats == formats
    assert (ours.name, ours.label) == (meta.table_name, meta.file_label)


def test_every_file_of_a_built_study_reads_as_pyreadstat_reads_it(small_study_out: Path) -> None:
    paths = sorted((small_study_out / SMALL_STUDY).rglob("*.xpt"))
    assert len(paths) > 20 and any(path.parent.name == "zh" for path in paths)
    for path in paths:
        assert_same_as_pyreadstat(path)


def sample(rows: int = 4) -> Dataset:
    meta = DatasetMeta(
        name="LB",
        label="Laboratory Test Results",
        **{"class": "FINDINGS"},
        standard="SDTMIG 3.4",
        variables=[
            VariableMeta(name="LBTEST", label="Lab Test", type="Char", order=1),
            VariableMeta(name="LBSTRESN", label="Result", type="Num", order=2),
            VariableMeta(name="LBDT", label="Date", type="Num", order=3, display_format="DATE9."),
            VariableMeta(name="LBDTM", label="Datetime", type="Num", order=4, display_format="DATETIME20."),
        ],
    )
    data = pd.DataFrame(
        {
            "LBTEST": ["  leading kept", "", "頭痛", "x" * 200][:rows],
            "LBSTRESN": [1.5, np.nan, -0.1, 7.0][:rows],
            "LBDT": pd.to_datetime(["2024-02-29", None, "1959-12-31", "1960-01-01"][:rows]),
            "LBDTM": pd.to_datetime(["2024-03-12 08:30:05", None, "1960-01-01 00:00:01", None][:rows]),
        }
    )
    return Dataset(meta, data)


def _observations(content: bytes) -> int:
    """Byte offset of the first observation (after 8 header records, the NAMESTRs and the OBS header)."""
    count = int(content[7 * RECORD + 54 : 7 * RECORD + 58])
    return 8 * RECORD + count * NAMESTR_LENGTH + padding(count * NAMESTR_LENGTH) + RECORD


def test_special_missing_values_are_nan(tmp_path: Path) -> None:
    path = write_xpt(sample(), tmp_path / "lb.xpt")
    content = bytearray(path.read_bytes())
    start = _observations(bytes(content))
    width = 200 + 8 + 8 + 8
    for row, first in ((0, b"A"), (2, b"_"), (3, b"Z")):  # .A, ._ and .Z in LBSTRESN (TS-140 "Missing Values")
        at = start + row * width + 200
        content[at : at + 8] = first + b"\0" * 7
    path.write_bytes(bytes(content))
    assert read_xpt(path).data["LBSTRESN"].isna().tolist() == [True, True, True, True]
    assert_same_as_pyreadstat(path)


def test_values_dates_and_blank_padding_match(tmp_path: Path) -> None:
    for rows in (1, 2, 3, 4):  # short datasets leave most of the last record as blank padding
        path = write_xpt(sample(rows), tmp_path / "lb.xpt")
        assert_same_as_pyreadstat(path)
        assert len(read_xpt(path).data) == rows


def test_columns_and_rows_select_part_of_the_file(tmp_path: Path) -> None:
    path = write_xpt(sample(), tmp_path / "lb.xpt")
    whole = read_xpt(path).data
    part = read_xpt(path, columns=["LBDT", "LBTEST"], rows=2).data
    assert list(part.columns) == ["LBTEST", "LBDT"]  # file order
    pd.testing.assert_frame_equal(part, whole[["LBTEST", "LBDT"]].iloc[:2], check_exact=True)


def test_checker_and_reader_take_bytes_already_read(tmp_path: Path) -> None:
    path = write_xpt(sample(), tmp_path / "lb.xpt")
    content = path.read_bytes()
    assert check_xpt(path, content=content) == check_xpt(path) == []
    path.unlink()  # nothing is read from disk when the bytes are given
    assert read_xpt(path, content=content).data["LBTEST"].tolist()[:2] == ["  leading kept", ""]
    with pytest.raises(InputError, match="not a valid SAS XPORT"):
        read_xpt(path, content=content[: len(content) - 7])


def test_a_value_that_is_not_utf8_is_an_input_error(tmp_path: Path) -> None:
    path = write_xpt(sample(), tmp_path / "lb.xpt")
    content = bytearray(path.read_bytes())
    content[_observations(bytes(content))] = 0xFF
    path.write_bytes(bytes(content))
    with pytest.raises(InputError, match="not a readable SAS XPORT file"):
        read_xpt(path)
