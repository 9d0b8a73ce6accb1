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


def _first_row(mask: np.ndarray, row_offset: int = 0) -> int:
    return row_offset + int(np.flatnonzero(mask)[0]) + 1


def _encoded(values: pd.Series) -> tuple[pa.LargeBinaryArray, np.ndarray]:
    """The UTF-8 bytes of ``values`` (missing as empty) and their offsets."""
    text = pa.array(values.astype("string").fillna(""), type=pa.large_string())
    if isinstance(text, pa.ChunkedArray):  # pandas' pyarrow-backed strings come as chunks
        text = text.combine_chunks()
    encoded = pc.fill_null(text, "").cast(pa.large_binary())
    offsets = np.frombuffer(encoded.buffers()[1], dtype=np.int64)[encoded.offset : encoded.offset + len(encoded) + 1]
    return encoded, offsets


def _checked_sizes(sizes: np.ndarray, what: str, path: Path, field: str, row_offset: int) -> None:
    if (sizes > MAX_CHAR_BYTES).any():
        raise InputError(
            f"{what} has a value over {MAX_CHAR_BYTES} bytes",
            Location(file=str(path), row=_first_row(sizes > MAX_CHAR_BYTES, row_offset), field=field),
            expected="values split into SUPP-- or shortened before writing",
        )


def char_width(
    values: pd.Series, what: str, path: Path, field: str, row_offset: int = 0, *, checked: bool = True
) -> int:
    """The longest value of ``values`` in UTF-8 bytes (0 when there is none), the length a character variable
    gets in an XPT v5 file (at least 1, :func:`char_block`). When ``checked``, a value over 200 bytes is an
    InputError naming its row (``row_offset`` rows come before ``values`` in the dataset)."""
    _, offsets = _encoded(values)
    sizes = np.diff(offsets)
    if checked:
        _checked_sizes(sizes, what, path, field, row_offset)
    return int(sizes.max(initial=0))


def put_text(block: np.ndarray, values: pd.Series, what: str, path: Path, field: str, row_offset: int = 0) -> None:
    """Write the UTF-8 bytes of ``values`` at the start of their rows of ``block``, an (n, width) uint8 view of the
    records already blank (missing values stay blanks). A value over 200 bytes is an InputError naming its row
    (``row_offset`` rows come before ``values``); a value longer than the width (the whole dataset's, when
    ``values`` is one piece of it) is a ValueError."""
    encoded, offsets = _encoded(values)
    sizes = np.diff(offsets)
    _checked_sizes(sizes, what, path, field, row_offset)
    longest = int(sizes.max(initial=0))
    if block.shape[1] < longest:
        raise ValueError(f"{what}: width {block.shape[1]} is shorter than a value of {longest} bytes")
    data = np.frombuffer(encoded.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    # The cells a value fills, taken row by row, are exactly the value bytes in order: one masked assignment.
    block[np.arange(block.shape[1]) < sizes[:, None]] = data


def numeric_block(values: np.ndarray, what: str, path: Path, field: str, row_offset: int = 0) -> np.ndarray:
    """An (n, 8) uint8 block of IBM doubles; NaN is missing. A value with no IBM double is an InputError naming its
    row (``row_offset`` rows come before ``values`` in the dataset)."""
    bad = out_of_range(values)
    if bad.any():
        raise InputError(
            f"{what} has a number outside the SAS XPORT range",
            Location(file=str(path), row=_first_row(bad, row_offset), field=field),
            found=float(values[bad][0]),
            expected="0 or a magnitude between 5.4e-79 and 7.2e75 (IBM double, SAS TS-140)",
        )
    return to_ibm(values)
