"""Per-record frames derived from a dataset, which the suites of both engines check in one expectation each.

``bytes``: the UTF-8 byte length of each record's longest character value (the 200-byte XPT v5 limit, SAS TS-140);
``text``: each record's character values joined by a unit separator (U+001F), checked at once for printable ASCII.
A failing record is then named by the variable(s) that made it fail, so findings read as for a single variable.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cdiscmm.validate.findings import empty_findings, record_findings
from cdiscmm.validate.suites import ASCII, LONGEST, MAX_BYTES, NUMERIC_KINDS, TEXT, TEXT_SEPARATOR


def character_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of ``frame`` that hold text (an XPT character variable)."""
    return [c for c in frame.columns if frame[c].dtype.kind not in NUMERIC_KINDS]


def _byte_lengths(values: pd.Series) -> np.ndarray:
    """The UTF-8 byte length of every value (a null as 0), in one Arrow kernel."""
    text = pa.array(values.astype("str"), type=pa.large_string())
    return pc.binary_length(text).fill_null(0).to_numpy().astype(np.int64)


def bytes_view(frame: pd.DataFrame) -> pd.DataFrame:
    """Per record, the UTF-8 byte length of its longest character value (``MAXBYTES``) and the variable holding it
    (``LONGEST``; the first such variable on a tie)."""
    character = character_columns(frame)
    if not character:
        return pd.DataFrame({MAX_BYTES: np.zeros(len(frame), dtype=int), LONGEST: ""}, index=frame.index)
    lengths = np.column_stack([_byte_lengths(frame[c]) for c in character])
    longest = lengths.argmax(axis=1)
    return pd.DataFrame(
        {MAX_BYTES: lengths[np.arange(len(frame)), longest], LONGEST: np.asarray(character, dtype=object)[longest]},
        index=frame.index,
    )


def text_view(frame: pd.DataFrame) -> pd.DataFrame:
    """Per record, its character values joined by U+001F (``TEXT``; a null value as empty), in one Arrow kernel."""
    arrays = [pa.array(frame[c].astype("str")).cast(pa.large_string()) for c in character_columns(frame)]
    if not arrays:
        return pd.DataFrame({TEXT: pd.Series("", index=frame.index, dtype="str")})
    separator = pa.scalar(TEXT_SEPARATOR, pa.large_string())
    joined = pc.binary_join_element_wise(*arrays, separator, null_handling="replace", null_replacement="")
    text = pd.Series(joined.to_pandas(types_mapper=pd.ArrowDtype), dtype="str")
    return pd.DataFrame({TEXT: text.set_axis(frame.index)})


def bytes_findings(dataset: str, frame: pd.DataFrame, lengths: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """Findings for the records of ``mask`` whose longest value (``lengths``: :func:`bytes_view`) is too long."""
    found = record_findings(dataset, frame, mask, LONGEST, lengths[MAX_BYTES].astype(str) + " bytes")
    if len(found):
        rows = np.flatnonzero(mask)
        longest = lengths[LONGEST].to_numpy()[rows]
        found["VARIABLE"] = longest
        values = frame.to_numpy()[rows, frame.columns.get_indexer(longest)]
        found["VALUE"] = pd.Series(values).astype(str).to_numpy()
    return found


def text_findings(dataset: str, frame: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """One finding per value that is not printable ASCII, in the records of ``mask`` (those the ``text`` check
    failed), each naming its variable."""
    rows = np.flatnonzero(mask)
    if not len(rows):
        return empty_findings()
    picked = frame.iloc[rows]
    parts = []
    for column in character_columns(frame):
        bad = np.zeros(len(frame), dtype=bool)
        bad[rows] = ~picked[column].astype(str).str.contains(ASCII, regex=True).to_numpy(dtype=bool)
        if bad.any():
            parts.append(record_findings(dataset, frame, bad, column, f"does not match {ASCII}"))
    return pd.concat(parts, ignore_index=True).sort_values("ROW", kind="stable") if parts else empty_findings()
