"""Chunks of subjects: consecutive runs of a sorted subject list, and where each chunk's records lie in a dataset.

A dataset sorted by USUBJID (SDTM by its keys, STUDYID and USUBJID first; ADaM by USUBJID) holds a chunk's records
as one run of rows; :func:`chunk_spans` finds each chunk's run from the USUBJID column, read a block at a time.
Shared by the stages that work a chunk of subjects at a time (sdtm, adam, validate).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd


def chunk_count(subjects: pd.Index, size: int) -> int:
    """How many chunks of ``size`` the sorted ``subjects`` make: at least 1 (an empty study is one empty chunk)."""
    return max(1, -(-len(subjects) // size))


#: The columns of :func:`chunk_spans`: a chunk's first row, the row after its last, and its number of records.
SPAN_COLUMNS = ["FIRST", "STOP", "RECORDS"]


def chunk_spans(blocks: Iterable[pd.Series], subjects: pd.Index, size: int) -> pd.DataFrame:
    """Per chunk of ``size`` consecutive ``subjects`` (index: chunk number from 0), the rows of a dataset's USUBJID
    column (given in consecutive ``blocks``, in file order) holding its subjects: FIRST, STOP (the run
    ``FIRST:STOP``, which may hold other subjects' rows too) and RECORDS (how many are the chunk's; 0, FIRST =
    STOP = 0 when none). Each block is reduced on its own, so the column is never whole."""
    parts = []
    offset = 0
    for usubjid in blocks:
        codes = subjects.get_indexer(usubjid)
        rows = np.flatnonzero(codes >= 0)
        found = pd.DataFrame({"CHUNK": codes[rows] // size, "ROW": rows + offset}).groupby("CHUNK")["ROW"]
        parts.append(pd.DataFrame({"FIRST": found.min(), "STOP": found.max() + 1, "RECORDS": found.size()}))
        offset += len(usubjid)
    joined = pd.concat(parts).groupby(level=0).agg({"FIRST": "min", "STOP": "max", "RECORDS": "sum"})
    return joined.reindex(pd.RangeIndex(chunk_count(subjects, size)), fill_value=0).astype("int64")
