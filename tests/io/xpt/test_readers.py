"""Our XPT files as three independent readers see them: pyreadstat (ReadStat), pandas.read_sas and R's
foreign::read.xport; plus reproducible bytes and no partial file after a failed write."""

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cdiscmm.core.errors import InputError
from cdiscmm.io import atomic
from cdiscmm.io.xpt.read import read_xpt
from cdiscmm.io.xpt.write import write_xpt
from cdiscmm.metadata.model import Dataset, DatasetMeta, VariableMeta

SAS_EPOCH = pd.Timestamp("1960-01-01")
NUMBERS = [0.0, 1.0, -2.5, 0.1, 1 / 3, 5.4e-79, -7.2e75, 1e-300 * 1e222, 23447.0, np.nan]
TEXT = ["S-001", "", "頭痛 and 悪心", "x" * 200, "TRAILING", "a", "b", "c", "d", "e"]


def sample() -> Dataset:
    meta = DatasetMeta(
        name="LB",
        label="Laboratory Test Results",
        **{"class": "FINDINGS"},
        standard="SDTMIG 3.4",
        variables=[
            VariableMeta(name="LBTEST", label="Lab Test or Examination Name", type="Char", order=1),
            VariableMeta(name="LBSTRESN", label="Numeric Result/Finding in Std Units", type="Num", order=2),
            VariableMeta(name="LBDT", label="Date", type="Num", order=3, display_format="DATE9."),
            VariableMeta(name="LBDTM", label="Datetime", type="Num", order=4, display_format="DATETIME20."),
        ],
    )
    dates = pd.to_datetime(["1960-01-01", "1959-12-31", "2024-02-29", None, "1900-01-01"] * 2)
    times = pd.to_datetime(["2024-03-12 08:30:05", None, "1960-01-01 00:00:01", "1999-12-31 23:59:59", None] * 2)
    data = pd.DataFrame({"LBTEST": TEXT, "LBSTRESN": NUMBERS, "LBDT": dates, "LBDTM": times})
    return Dataset(meta, data)


def expected_numbers(data: pd.DataFrame) -> dict[str, np.ndarray]:
    """What a reader that returns raw SAS numbers must see: days and seconds since 1960-01-01."""
    return {
        "LBSTRESN": data["LBSTRESN"].to_numpy(dtype=float),
        "LBDT": ((data["LBDT"] - SAS_EPOCH).dt.days).to_numpy(dtype=float, na_value=np.nan),
        "LBDTM": ((data["LBDTM"] - SAS_EPOCH).dt.total_seconds()).to_numpy(dtype=float, na_value=np.nan),
    }


def test_pyreadstat_reads_values_exactly(tmp_path: Path) -> None:
    data = sample().data
    back = read_xpt(write_xpt(sample(), tmp_path / "lb.xpt"))
    assert back.data["LBTEST"].tolist() == TEXT
    np.testing.assert_array_equal(back.data["LBSTRESN"].to_numpy(dtype=float), data["LBSTRESN"].to_numpy())
    assert back.data["LBDT"].equals(data["LBDT"].astype(back.data["LBDT"].dtype))
    assert back.data["LBDTM"].equals(data["LBDTM"].astype(back.data["LBDTM"].dtype))
    assert back.formats == {"LBDT": "DATE9.", "LBDTM": "DATETIME20."}


def test_pandas_read_sas_reads_values_exactly(tmp_path: Path) -> None:
    path = write_xpt(sample(), tmp_path / "lb.xpt")
    back = pd.read_sas(path, format="xport", encoding="utf-8")
    assert back["LBTEST"].tolist() == TEXT
    for name, values in expected_numbers(sample().data).items():
        # pandas reads the IBM zero (all bytes 0, as SAS writes it) as 16^-65: pandas-dev/pandas#50670, open
        np.testing.assert_array_equal(back[name].to_numpy(dtype=float), np.where(values == 0, 16.0**-65, values))


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed (.ci/run installs it)")
def test_r_foreign_read_xport_reads_values_exactly(tmp_path: Path) -> None:
    path = write_xpt(sample(), tmp_path / "lb.xpt")
    out = tmp_path / "lb.csv"
    script = (
        "d <- foreign::read.xport(commandArgs(TRUE)[1]);"
        "for (n in names(d)) if (is.numeric(d[[n]])) d[[n]] <- sprintf('%.17g', d[[n]]);"
        "write.csv(d, commandArgs(TRUE)[2], row.names = FALSE, fileEncoding = 'UTF-8')"
    )
    subprocess.run(["Rscript", "-e", script, str(path), str(out)], check=True, capture_output=True)
    back = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8")
    assert back["LBTEST"].tolist() == TEXT
    for name, values in expected_numbers(sample().data).items():
        seen = back[name].replace("NA", "nan").astype(float).to_numpy()
        np.testing.assert_array_equal(seen, values)


def test_two_runs_give_identical_bytes_and_source_date_epoch_sets_the_header(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = write_xpt(sample(), tmp_path / "a" / "lb.xpt").read_bytes()
    second = write_xpt(sample(), tmp_path / "b" / "lb.xpt").read_bytes()
    assert first == second and first[144:160] == b"01JAN70:00:00:00"
    cutoff = write_xpt(sample(), tmp_path / "c" / "lb.xpt", created=datetime(2025, 3, 31, tzinfo=UTC))
    assert cutoff.read_bytes()[144:160] == b"31MAR25:00:00:00"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    assert write_xpt(sample(), tmp_path / "d" / "lb.xpt").read_bytes()[144:160] == b"01JAN25:00:00:00"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(InputError, match="SOURCE_DATE_EPOCH"):
        write_xpt(sample(), tmp_path / "e" / "lb.xpt")


def test_failed_write_leaves_the_previous_file_and_no_partial_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xpt(sample(), tmp_path / "lb.xpt")
    before = path.read_bytes()
    bad = sample()
    bad.data.loc[3, "LBTEST"] = "x" * 201
    with pytest.raises(InputError, match="row 4"):
        write_xpt(bad, path)

    def interrupted(source: str, target: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", interrupted)
    with pytest.raises(OSError):
        write_xpt(sample(), tmp_path / "new.xpt")
    assert path.read_bytes() == before and sorted(os.listdir(tmp_path)) == ["lb.xpt"]


@pytest.mark.parametrize("value", [1e76, -1e76, 1e-80, np.inf, -np.inf])
def test_number_outside_the_ibm_range_is_an_input_error(tmp_path: Path, value: float) -> None:
    bad = sample()
    bad.data.loc[2, "LBSTRESN"] = value
    with pytest.raises(InputError, match="outside the SAS XPORT range") as caught:
        write_xpt(bad, tmp_path / "lb.xpt")
    assert "row 3" in str(caught.value) and "LBSTRESN" in str(caught.value)
    assert not (tmp_path / "lb.xpt").exists()


def test_label_over_40_bytes_is_an_input_error_not_truncated(tmp_path: Path) -> None:
    bad = sample()
    bad.meta.variables[0].label = "検査名" * 5  # 15 characters, 45 bytes
    with pytest.raises(InputError, match="over 40 bytes"):
        write_xpt(bad, tmp_path / "lb.xpt")
