"""Write one XPT v5 dataset from pieces of its records (e.g. chunks of subjects) without holding it whole.

SAS TS-140 lays a member out as headers, one NAMESTR record per variable (its length ``nlng`` and offset
``npos`` in the observation), then the observations: fixed-width records of the variables' values side by side,
one after the other, with blanks only after the last one, up to the end of its 80-byte record. So the file is
the head, then every piece's records in order, then the padding once; nothing of one piece depends on another
but the lengths of the character variables, each the longest value of the whole dataset in bytes (at least 1;
FDA/PMDA TCG), which the NAMESTRs state before any record.

Hence two phases: :func:`piece_lengths` gives a piece's per-variable maxima (phase 1, while the piece is at hand;
:func:`merge_lengths` reduces them), :func:`write_xpt_pieces` writes the head with the merged lengths, then each
piece's records blank-padded to them (phase 2). The bytes are those :func:`cdiscmm.io.xpt.write.write_xpt` writes
for the concatenated pieces (the same steps: :func:`checked_variables`, :func:`observation_records`,
:func:`xpt_head`); the file is replaced atomically (:func:`cdiscmm.io.atomic.replacing`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path

import pandas as pd

from cdiscmm.io.atomic import replacing
from cdiscmm.io.xpt.blocks import char_width
from cdiscmm.io.xpt.layout import padding
from cdiscmm.io.xpt.write import NUMERIC_LENGTH, checked_variables, observation_records, xpt_head
from cdiscmm.metadata.model import DatasetMeta


def piece_lengths(
    meta: DatasetMeta, data: pd.DataFrame, path: Path, row_offset: int = 0, *, checked: bool = True
) -> dict[str, int]:
    """Phase 1 for one piece: each character variable's longest value in UTF-8 bytes (0 when none). When
    ``checked``, a value over 200 bytes is an InputError naming its row in the dataset (``row_offset`` rows come
    before ``data``); else phase 2 finds it."""
    variables = checked_variables(meta, data.columns, path)
    what = meta.name + "."
    return {
        variable.name: char_width(
            data[variable.name], what + variable.name, path, variable.name, row_offset, checked=checked
        )
        for variable in variables
        if variable.type != "Num"
    }


def merge_lengths(lengths: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """The per-variable maxima of several pieces' :func:`piece_lengths` (the reduction of phase 1)."""
    merged: dict[str, int] = {}
    for piece in lengths:
        for name, length in piece.items():
            merged[name] = max(merged.get(name, 0), length)
    return merged


def dataset_lengths(meta: DatasetMeta, pieces: Iterable[pd.DataFrame], path: Path) -> dict[str, int]:
    """Phase 1 over ``pieces``: the merged character lengths of the dataset they make up."""
    found: list[dict[str, int]] = []
    rows = 0
    for data in pieces:
        found.append(piece_lengths(meta, data, path, rows))
        rows += len(data)
    return merge_lengths(found)


def write_xpt_pieces(
    meta: DatasetMeta,
    pieces: Iterable[pd.DataFrame],
    lengths: Mapping[str, int],
    path: Path,
    created: datetime | None = None,
) -> Path:
    """Phase 2: write ``path`` as the XPT v5 file of the records of ``pieces`` in order (each read once, then
    dropped), character variables ``lengths`` bytes long (at least 1: a variable without a value has length 1, as
    in a whole write); return the path. A piece with a longer value than its length is a ValueError."""
    variables = checked_variables(meta, meta.names(), path)
    widths = {variable.name: max(1, lengths.get(variable.name, 0)) for variable in variables}
    sizes = [NUMERIC_LENGTH if variable.type == "Num" else widths[variable.name] for variable in variables]
    with replacing(path) as stream:
        stream.write(xpt_head(meta, variables, sizes, created))
        written = rows = 0
        for data in pieces:
            checked_variables(meta, data.columns, path)
            records, _ = observation_records(variables, data, meta.name, path, widths, rows)
            stream.write(records)  # the array's bytes, row after row (C order), not copied to a bytes object
            written += records.nbytes
            rows += len(data)
        stream.write(b" " * padding(written))
    return path
