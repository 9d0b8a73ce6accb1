"""What define reads of a dataset's records, gathered block by block: one pass over the file, a block in memory.

Per variable the :class:`~cdiscmm.define.shapes.Measure` of its values; per value level the number of records its
where-clause selects and the measure of the variable's values there (a level typed integer or float measures
them as numbers); and the answers to the :class:`Questions` asked of the dataset: whether some record meets a
where-clause (analysis results), the first value of a variable on the records a where-clause selects (TS TITLE).
Each block's :class:`DatasetScan` merges with the next one's (:meth:`DatasetScan.merge`): sums, maxima and the
first block's first value, so the scan of the blocks is the scan of the whole dataset.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path

import pandas as pd

from cdiscmm.core.errors import InputError, Location
from cdiscmm.define.shapes import Measure, measure
from cdiscmm.io.metadata import METADATA_FILE, WhereRows
from cdiscmm.io.xpt.read import BLOCK_BYTES, read_xpt_blocks
from cdiscmm.metadata.model import DatasetMeta, ValueLevelMeta, VariableMeta, WhereCondition

#: A where-clause: its conditions, ANDed (Define-XML 2.1 section 5.3.7).
Where = tuple[WhereCondition, ...]


@dataclass(frozen=True)
class Questions:
    """What a dataset is asked besides its measures: does some record meet each of ``hits``; the first value of
    the variable of each of ``firsts`` on the records its where-clause selects."""

    hits: tuple[Where, ...] = ()
    firsts: tuple[tuple[Where, str], ...] = ()


@dataclass(frozen=True)
class LevelMeasure:
    """The records a value level's where-clause selects: how many, and the measure of the variable's values."""

    rows: int
    measure: Measure

    def merge(self, other: LevelMeasure) -> LevelMeasure:
        """The level's records of both runs of records."""
        return LevelMeasure(self.rows + other.rows, self.measure.merge(other.measure))


@dataclass(frozen=True)
class DatasetScan:
    """What define reads of some records of a dataset (module docstring); ``levels`` by (variable, level number
    from 1), ``firsts`` only for the questions some record answers."""

    variables: dict[str, Measure]
    levels: dict[tuple[str, int], LevelMeasure] = field(default_factory=dict)
    hits: dict[Where, bool] = field(default_factory=dict)
    firsts: dict[tuple[Where, str], object] = field(default_factory=dict)

    def merge(self, later: DatasetScan) -> DatasetScan:
        """The scan of these records followed by ``later``'s (a first value found here wins)."""
        return DatasetScan(
            variables={name: found.merge(later.variables[name]) for name, found in self.variables.items()},
            levels={key: found.merge(later.levels[key]) for key, found in self.levels.items()},
            hits={where: found or later.hits[where] for where, found in self.hits.items()},
            firsts={**later.firsts, **self.firsts},
        )


def level_variable(variable: VariableMeta, level: ValueLevelMeta) -> VariableMeta:
    """``variable`` as a value level's values are measured: a number without display format when the level
    says integer or float (e.g. a numeric QVAL), else as the variable."""
    if level.type in ("integer", "float"):
        return variable.model_copy(update={"type": "Num", "display_format": None})
    return variable


def _level_measure(data: pd.DataFrame, where: WhereRows, variable: VariableMeta, level: ValueLevelMeta) -> LevelMeasure:
    rows = where.mask(level.where)
    values = data.loc[rows, variable.name]
    measured = level_variable(variable, level)
    if measured is not variable:
        values = pd.to_numeric(values, errors="coerce")
    return LevelMeasure(int(rows.sum()), measure(values, measured))


def _first(data: pd.DataFrame, rows: WhereRows, where: Where, name: str) -> dict[tuple[Where, str], object]:
    if name not in data.columns:
        return {}
    values = data.loc[rows.mask(where), name]
    return {(where, name): values.iloc[0]} if len(values) else {}


def scan_block(data: pd.DataFrame, meta: DatasetMeta, questions: Questions | None = None) -> DatasetScan:
    """The scan of ``data``, some records of the dataset ``meta`` describes (every declared variable a column),
    answering ``questions`` (none when not given)."""
    questions = questions or Questions()
    rows = WhereRows(data)
    firsts: dict[tuple[Where, str], object] = {}
    for where, name in questions.firsts:
        firsts |= _first(data, rows, where, name)
    return DatasetScan(
        variables={variable.name: measure(data[variable.name], variable) for variable in meta.variables},
        levels={
            (variable.name, number): _level_measure(data, rows, variable, level)
            for variable in meta.variables
            for number, level in enumerate(variable.value_level, start=1)
        },
        hits={where: bool(rows.mask(where).any()) for where in questions.hits},
        firsts=firsts,
    )


def _declared(blocks: Iterable[pd.DataFrame], meta: DatasetMeta, path: Path) -> Iterable[pd.DataFrame]:
    """``blocks``, each checked to have every variable ``meta`` declares (else InputError naming the file)."""
    for block in blocks:
        missing = [name for name in meta.names() if name not in block.columns]
        if missing:
            raise InputError(
                f"{path.name} has no variable {missing[0]} that {METADATA_FILE} declares",
                Location(file=str(path), field=missing[0]),
            )
        yield block


def scan_file(
    path: Path, meta: DatasetMeta, questions: Questions | None = None, block_bytes: int = BLOCK_BYTES
) -> DatasetScan:
    """The scan of the XPT file ``path`` of the dataset ``meta``: its declared variables read about
    ``block_bytes`` of the file at a time (:func:`cdiscmm.io.xpt.read.read_xpt_blocks`), each block scanned
    and merged into the scan of the blocks before it; InputError when the file or a declared variable is missing."""
    blocks = _declared(read_xpt_blocks(path, meta.names(), block_bytes), meta, path)
    return reduce(DatasetScan.merge, (scan_block(block, meta, questions) for block in blocks))
