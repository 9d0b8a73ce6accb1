"""Fixed-width observation blocks of an XPT v5 file, built column-wise with numpy and pyarrow (no per-value
Python): character values blank-padded to the column's length in bytes, numbers as IBM doubles (SAS TS-140)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cdiscmm.core.errors import InputError, Location
from cdiscmm.io.xpt.ibm import out_of_range, to_ibm

MAX_CHAR_BYTES = 200


def _first_row(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0]) + 1


def char_block(values: pd.Series, what: str, path: Path, field: str) -> np.ndarray:
    """An (n, length) uint8 block of the UTF-8 bytes of ``values`` blank-padded to ``length``, the longest value
    in bytes (at least 1); missing values are blanks. A value over 200 bytes is an InputError naming its row."""
    text = pa.array(values.astype("string").fillna(""), type=pa.large_string())
    if isinstance(text, pa.ChunkedArray):  # pandas' pyarrow-backed strings come as chunks
        text = text.combine_chunks()
    encoded = pc.fill_null(text, "").cast(pa.large_binary())
    offsets = np.frombuffer(encoded.buffers()[1], dtype=np.int64)[encoded.offset : encoded.offset + len(encoded) + 1]
    sizes = np.diff(offsets)
    if (sizes > MAX_CHAR_BYTES).any():
        raise InputError(
            f"{what} has a value over {MAX_CHAR_BYTES} bytes",
            Location(file=str(path), row=_first_row(sizes > MAX_CHAR_BYTES), field=field),
            expected="values split into SUPP-- or shortened before writing",
        )
    width = max(1, int(sizes.max(initial=0)))
    block = np.full((len(sizes), width), 0x20, dtype=np.uint8)
    data = np.frombuffer(encoded.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    # The cells a value fills, taken row by row, are exactly the value bytes in order: one masked assignment.
    block[np.arange(width) < sizes[:, None]] = data
    return block


def numeric_block(values: np.ndarray, what: str, path: Path, field: str) -> np.ndarray:
    """An (n, 8) uint8 block of IBM doubles; NaN is missing. A value with no IBM double is an InputError."""
    bad = out_of_range(values)
    if bad.any():
        raise InputError(
            f"{what} has a number outside the SAS XPORT range",
            Location(file=str(path), row=_first_row(bad), field=field),
            found=float(values[bad][0]),
            expected="0 or a magnitude between 5.4e-79 and 7.2e75 (IBM double, SAS TS-140)",
        )
    return to_ibm(values)
