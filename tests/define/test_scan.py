"""The scan of a dataset block by block is the scan of it whole: hand-built records with multibyte text, missing
values, partial dates, value levels by where-clause, and the questions define asks (a hit, a first value)."""

from __future__ import annotations

from functools import reduce
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cdiscmm.define.scan import DatasetScan, LevelMeasure, Questions, scan_block, scan_file
from cdiscmm.define.shapes import Measure, Shape
from cdiscmm.io.xpt.read import read_xpt, read_xpt_blocks
from cdiscmm.io.xpt.write import write_xpt
from cdiscmm.metadata.model import Dataset, DatasetMeta, ValueLevelMeta, VariableMeta, WhereCondition


def _where(variable: str, *values: str, comparator: str = "EQ") -> tuple[WhereCondition, ...]:
    return (WhereCondition(variable=variable, comparator=comparator, values=values),)


def _level(qnam: str, type_: str | None) -> ValueLevelMeta:
    return ValueLevelMeta(where=list(_where("QNAM", qnam)), type=type_)


VARIABLES = [
    VariableMeta(name="QNAM", label="Qualifier", type="Char", order=1),
    VariableMeta(
        name="QVAL",
        label="Value",
        type="Char",
        order=2,
        value_level=[_level("AGE", "integer"), _level("WT", "float"), _level("NOTE", None), _level("NONE", "text")],
    ),
    VariableMeta(name="AESTDTC", label="Start", type="Char", order=3),
    VariableMeta(name="AEDUR", label="Duration", type="Char", order=4),
    VariableMeta(name="AVAL", label="Value", type="Num", order=5),
    VariableMeta(name="ADT", label="Date", type="Num", order=6, display_format="DATE9."),
]
META = DatasetMeta(
    name="XX",
    label="Scan test",
    class_="FINDINGS",
    structure="One record per value",
    standard="SDTMIG 3.4",
    keys=["QNAM"],
    variables=VARIABLES,
)
#: Some record has AVAL below -100 (only the third); no record has QNAM ZZZ; the first NOTE's QVAL is 发热 high.
HIT, MISS = _where("AVAL", "-100", comparator="LT"), _where("QNAM", "ZZZ")
FIRST = (_where("QNAM", "NOTE"), "QVAL")
QUESTIONS = Questions(hits=(HIT, MISS), firsts=(FIRST,))
RECORDS = pd.DataFrame(
    {
        "QNAM": ["AGE", "NOTE", "AGE", "WT", "NOTE", "WT", ""],
        "QVAL": ["42", "发热 high", "7", "70.25", "Nausée", "-3.5", ""],
        "AESTDTC": ["2024-01-02", "", "2024-01", "2024-01-02T10:00", "", "2024-02-03", "2024-03-01T08:00:00"],
        "AEDUR": ["P3D", "", "PT2H", "", "P1W", "", ""],
        "AVAL": [1.0, np.nan, -105.0, 12.5, 0.1 + 0.2, np.nan, 3.0],
        "ADT": pd.to_datetime(["2024-01-02", None, "2024-01-05", None, None, "2024-02-01", None]),
    }
)


def _blocks(frame: pd.DataFrame, size: int) -> list[pd.DataFrame]:
    """``frame`` in runs of ``size`` records, with an empty run first (the merge's neutral scan)."""
    return [frame.iloc[:0], *(frame.iloc[start : start + size] for start in range(0, len(frame), size))]


def test_the_whole_scan_reads_what_the_shape_rules_need() -> None:
    scan = scan_block(RECORDS, META, QUESTIONS)
    shapes = {variable.name: scan.variables[variable.name].shape(variable) for variable in VARIABLES}
    assert shapes == {
        "QNAM": Shape("text", length=4),
        "QVAL": Shape("text", length=11),  # 发热 is 6 bytes in UTF-8
        "AESTDTC": Shape("partialDatetime"),
        "AEDUR": Shape("durationDatetime"),
        "AVAL": Shape("float", length=5, significant_digits=1),  # -105 and .3: 4 whole digits with sign + 1
        "ADT": Shape("date", display_format="DATE9."),
    }
    assert [scan.levels[("QVAL", number)].rows for number in (1, 2, 3, 4)] == [2, 2, 2, 0]
    assert scan.levels[("QVAL", 2)].measure.shape(VARIABLES[4]) == Shape("float", length=4, significant_digits=2)
    assert scan.hits == {HIT: True, MISS: False}
    assert scan.firsts == {FIRST: "发热 high"}


@pytest.mark.parametrize("size", [1, 2, 3, 6])
def test_runs_of_records_merge_into_the_whole_scan(size: int) -> None:
    merged = reduce(DatasetScan.merge, (scan_block(block, META, QUESTIONS) for block in _blocks(RECORDS, size)))
    assert merged == scan_block(RECORDS, META, QUESTIONS)


def test_a_first_value_is_the_first_block_s() -> None:
    """Both NOTE records are found, in their own blocks; the earlier one's QVAL is the answer."""
    first, second = (scan_block(RECORDS.iloc[[row]], META, QUESTIONS) for row in (1, 4))
    assert first.merge(second).firsts == {FIRST: "发热 high"}
    assert second.merge(first).firsts == {FIRST: "Nausée"}


def test_a_level_without_records_stays_empty_across_blocks() -> None:
    merged = reduce(DatasetScan.merge, (scan_block(block, META) for block in _blocks(RECORDS, 1)))
    assert merged.levels[("QVAL", 4)] == LevelMeasure(0, Measure())


def test_a_file_read_a_record_or_so_at_a_time_scans_as_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "xx.xpt"
    write_xpt(Dataset(META, pd.concat([RECORDS, RECORDS.iloc[::-1]] * 20, ignore_index=True)), path)
    assert len(list(read_xpt_blocks(path, None, 1))) > 3
    whole = scan_block(read_xpt(path).data, META, QUESTIONS)
    assert scan_file(path, META, QUESTIONS, block_bytes=1) == whole
    assert whole.variables["AESTDTC"].shape(VARIABLES[2]) == Shape("partialDatetime")
    assert whole.firsts == {FIRST: "发热 high"}
