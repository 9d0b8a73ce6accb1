"""Read a SAS XPORT v5 file (ours or anyone's, SAS TS-140) into a DataFrame with its labels and formats."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa

from cdiscmm.core.errors import InputError, Location
from cdiscmm.io.xpt.check import XptFinding, require_readable
from cdiscmm.io.xpt.decode import (
    FIXED_HEAD,
    Decoded,
    decode_rows,
    decode_xpt,
    head_length,
    member_header_at,
    observation_width,
)
from cdiscmm.io.xpt.layout import BLOCK_BYTES, RECORD


@dataclass
class XptContent:
    """What an XPT file holds: data, dataset name and label, variable labels and formats (canonical spelling)."""

    data: pd.DataFrame
    name: str
    label: str
    labels: dict[str, str]
    formats: dict[str, str]


#: A SAS format as SAS writes it: name, width, '.', decimals (SAS 9.4 Formats and Informats, "Syntax").
_SAS_FORMAT = re.compile(r"^\$?([A-Z_][A-Z0-9_]*?)(\d*)\.?(\d*)$")


def canonical_format(text: str) -> str:
    """A SAS format in its one canonical spelling, ``NAMEw.d`` with the period always there (``DATE9.``,
    ``DATETIME20.``, ``8.2``), whatever spelling a reader reports: pyreadstat 1.3.7 said ``DATE9``, 1.3.8 says
    ``DATE9.``; the XPT NAMESTR itself stores name, width and decimals apart (SAS TS-140)."""
    found = _SAS_FORMAT.match(text.strip().upper())
    if not found:
        return text.strip().upper()
    name, width, decimals = found.groups()
    return f"{'$' if text.strip().startswith('$') else ''}{name}{width}.{decimals}"


def read_xpt(
    path: Path,
    columns: list[str] | None = None,
    rows: int | slice | None = None,
    *,
    content: bytes | None = None,
    findings: list[XptFinding] | None = None,
) -> XptContent:
    """Read ``path`` (or its already-read bytes, ``content``): every variable or those of ``columns`` (file order),
    every observation, the first ``rows`` or the slice ``rows`` (step 1, e.g. one run of subjects). Character
    columns come back as str with '' for missing, numerics as float, a numeric with a SAS date format as datetime64
    (datetime format: ``datetime64[us]``). ``findings``: the strict checker's findings on ``content`` when the
    caller already has them (it is then not run again).

    The file is read from disk once, checked for TS-140 structure (:func:`cdiscmm.io.xpt.check.require_readable`)
    and decoded by the project's own vectorised reader (:mod:`cdiscmm.io.xpt.decode`), which the tests hold equal
    to pyreadstat on every bundled file.
    """
    if content is None and path.is_file():
        content = path.read_bytes()
    require_readable(path, content=content, findings=findings)
    assert content is not None  # require_readable raised for a missing file
    whole: bytes = content
    return _content(path, lambda: decode_xpt(whole, columns, rows))


def _head(stream: BinaryIO) -> bytes:
    head = stream.read(FIXED_HEAD)
    return head + stream.read(max(0, head_length(head) - len(head)))


def read_head(path: Path) -> bytes:
    """The bytes of a checked XPT file before its first observation (header records, NAMESTRs, OBS header): what
    its labels, names and types are read from, without the observations."""
    with path.open("rb") as stream:
        return _head(stream)


def read_xpt_rows(path: Path, rows: slice, columns: list[str] | None = None) -> XptContent:
    """What ``read_xpt(path, columns, rows)`` gives for a file :func:`read_xpt` has read (so checked) before and
    observations ``rows`` (``start:stop``, within the file's observations), reading from disk only the head and
    those observations' bytes (fixed width, TS-140), not the file: for one run of records of a large file."""
    with path.open("rb") as stream:
        head = _head(stream)
        width = observation_width(head)
        stream.seek(len(head) + rows.start * width)
        data = stream.read(max(0, rows.stop - rows.start) * width)
    return _content(path, lambda: decode_rows(head, data, columns))


def read_xpt_blocks(path: Path, columns: list[str] | None, block_bytes: int = BLOCK_BYTES) -> Iterator[pd.DataFrame]:
    """The records of ``read_xpt(path, columns).data`` in consecutive frames (concatenated, they are it), holding
    about ``block_bytes`` of the file at a time, not the file. The head is checked first
    (:func:`cdiscmm.io.xpt.check.require_readable`); the observations are read block by block, whole records
    and observations, so no member header record is cut; the last block (the file's end, or up to a second
    member's header) is checked and decoded with the head by :func:`read_xpt`: its structure, its blank padding.
    A file whose head cannot be read is read whole by :func:`read_xpt`, which says what is wrong."""
    if not path.is_file():
        yield read_xpt(path, columns).data  # the error naming the file
        return
    size = path.stat().st_size
    with path.open("rb") as stream:
        try:
            head = _head(stream)
            width = observation_width(head)
        except (ValueError, IndexError):  # not a readable head: read_xpt says why
            width = 0
        if not width:
            yield read_xpt(path, columns).data
            return
        require_readable(path, content=head)
        step = math.lcm(width, RECORD) * max(1, block_bytes // math.lcm(width, RECORD))
        done = len(head)
        while done + step < size:
            block = stream.read(step)
            done += step
            end = member_header_at(block)
            if end >= 0:
                yield read_xpt(path, columns, content=head + block[:end]).data
                return
            yield _content(path, partial(decode_rows, head, block, columns)).data
        yield read_xpt(path, columns, content=head + stream.read()).data


def _content(path: Path, decode: Callable[[], Decoded]) -> XptContent:
    """``decode()``'s member as XptContent (formats in canonical spelling); a decoding error is an InputError."""
    try:
        decoded = decode()
    except (ValueError, pa.ArrowInvalid) as exc:  # e.g. a character value that is not UTF-8
        raise InputError(f"not a readable SAS XPORT file ({exc})", Location(file=str(path))) from None
    return XptContent(
        data=decoded.data,
        name=decoded.name or path.stem.upper(),
        label=decoded.label,
        labels=decoded.labels,
        formats={name: canonical_format(fmt) for name, fmt in decoded.formats.items()},
    )
