"""Findings and rule outcomes: what a check returns, one row per offending record, vectorised."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

Severity = Literal["Reject", "Error", "Warning", "Notice"]
#: Severities from worst to mildest; a finding of the first two makes ``cdiscmm validate`` exit 1.
SEVERITIES: tuple[str, ...] = ("Reject", "Error", "Warning", "Notice")
FAILING: frozenset[str] = frozenset({"Reject", "Error"})
Status = Literal["PASS", "FAIL", "NOT RUN"]

#: One row per offending record (or per dataset/variable for structure rules); ROW is the 1-based record number.
FINDING_COLUMNS: tuple[str, ...] = ("DATASET", "VARIABLE", "ROW", "USUBJID", "SEQ", "VALUE", "DETAIL")


class NotRun(Exception):  # noqa: N818 - a rule outcome, raised by a check that cannot run
    """A check cannot run on this delivery (dataset or variable absent); the message is the reason."""


_EMPTY = pd.DataFrame({column: pd.Series(dtype=object) for column in FINDING_COLUMNS})


def empty_findings() -> pd.DataFrame:
    """A findings table with no rows (one shared frame: findings tables are never changed in place)."""
    return _EMPTY


#: While set (by :mod:`cdiscmm.validate.chunked`), the size of every findings table made by :func:`record_findings`
#: and :func:`dataset_finding` is appended here in call order: a check's findings cut back into its parts.
PART_SIZES: ContextVar[list[int] | None] = ContextVar("PART_SIZES", default=None)


def _tallied(found: pd.DataFrame) -> pd.DataFrame:
    sizes = PART_SIZES.get()
    if sizes is not None:
        sizes.append(len(found))
    return found


def seq_variable(dataset: str, frame: pd.DataFrame) -> str | None:
    """The record's sequence variable: ``<prefix>SEQ`` (SDTM), ASEQ (ADaM), or None."""
    for name in (f"{dataset[:2]}SEQ", "ASEQ", f"{dataset}SEQ"):
        if name in frame.columns:
            return name
    return None


def record_findings(
    dataset: str,
    frame: pd.DataFrame,
    mask: pd.Series | np.ndarray,
    variable: str,
    detail: str | pd.Series,
    value: pd.Series | None = None,
) -> pd.DataFrame:
    """Findings for the records of ``frame`` where ``mask`` holds: USUBJID, --SEQ and the value of ``variable``.

    ``frame`` must have a default RangeIndex (record ``i`` is ROW ``i + 1``); ``value`` defaults to the
    column ``variable`` (empty when the dataset lacks it).
    """
    mask = np.asarray(mask, dtype=bool)
    rows = np.flatnonzero(mask)
    if not len(rows):
        return _tallied(empty_findings())
    picked = frame.iloc[rows]
    seq = seq_variable(dataset, frame)
    if value is None:
        value = frame[variable] if variable in frame.columns else pd.Series("", index=frame.index)
    details = detail.iloc[rows].to_numpy() if isinstance(detail, pd.Series) else detail
    found = pd.DataFrame(
        {
            "DATASET": dataset,
            "VARIABLE": variable,
            "ROW": rows + 1,
            "USUBJID": picked["USUBJID"].to_numpy() if "USUBJID" in frame.columns else "",
            "SEQ": picked[seq].to_numpy() if seq else np.nan,
            "VALUE": value.iloc[rows].astype(str).to_numpy(),
            "DETAIL": details,
        }
    )
    return _tallied(found)


def dataset_finding(dataset: str, variable: str, detail: str) -> pd.DataFrame:
    """One finding about a dataset or a variable as a whole (a missing dataset or variable)."""
    found = pd.DataFrame(
        {
            "DATASET": [dataset],
            "VARIABLE": [variable],
            "ROW": [np.nan],
            "USUBJID": [""],
            "SEQ": [np.nan],
            "VALUE": [""],
            "DETAIL": [detail],
        }
    )
    return _tallied(found)


@dataclass
class RuleOutcome:
    """What one rule gave on one delivery: its findings, or the reason it could not run anywhere."""

    status: Status
    findings: pd.DataFrame = field(default_factory=empty_findings)
    reason: str = ""
    #: Datasets the rule ran on and those it skipped with why ("AE: AESER absent").
    ran_on: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
