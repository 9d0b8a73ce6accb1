"""Read a SAS XPORT v5 file (ours or anyone's, SAS TS-140) into a DataFrame with its labels and formats."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa

from cdiscmm.core.errors import InputError, Location
from cdiscmm.io.xpt.check import XptFinding, byte_owners, high_byte_rows, require_readable
from cdiscmm.io.xpt.decode import (
    FIXED_HEAD,
    Decoded,
    decode_block,
    decode_rows,
    decode_xpt,
    head_length,
    member_header_at,
    observation_width,
    observations,
    spans,
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
    about ``block_bytes`` of the file at a time, not the file: :func:`read_xpt_records` decoded."""
    for head, block in read_xpt_records(path, block_bytes):
        frame = decode_records(path, head, block, columns)
        del head, block  # the last block's bytes are not held while the caller holds its frame
        yield frame


def read_xpt_records(path: Path, block_bytes: int = BLOCK_BYTES) -> Iterator[tuple[bytes, np.ndarray]]:
    """The observations of ``path`` as consecutive (n, width) uint8 arrays, undecoded, each with the file's head
    (its bytes before the first observation), holding about ``block_bytes`` of the file at a time. The head is
    checked first (:func:`cdiscmm.io.xpt.check.require_readable`); the observations are read block by block,
    whole records and observations, so no member header record is cut; the last block (the file's end, or up to a
    second member's header) is checked with the head as :func:`read_xpt` checks a file, and its blank padding is
    no observation. A file whose head cannot be read is read whole and checked, which says what is wrong."""
    if not path.is_file():
        require_readable(path)  # the error naming the file
    size = path.stat().st_size
    with path.open("rb") as stream:
        try:
            head = _head(stream)
            width = observation_width(head)
        except (ValueError, IndexError):  # not a readable head: the check of the whole file says why
            width = 0
        if not width:
            yield _last(path, path.read_bytes())
            return
        require_readable(path, content=head)
        step = math.lcm(width, RECORD) * max(1, block_bytes // math.lcm(width, RECORD))
        done = len(head)
        while done + step < size:
            block = stream.read(step)
            done += step
            end = member_header_at(block)
            if end >= 0:
                yield _last(path, head + block[:end])
                return
            yield head, np.frombuffer(block, dtype=np.uint8).reshape(-1, width)
        yield _last(path, head + stream.read())


def _last(path: Path, content: bytes) -> tuple[bytes, np.ndarray]:
    """The head and observations of ``content`` (a head and the file's last observations), checked."""
    require_readable(path, content=content)
    return content, observations(content)


def decode_records(path: Path, head: bytes, block: np.ndarray, columns: list[str] | None = None) -> pd.DataFrame:
    """The observations ``block`` of ``path`` (from :func:`read_xpt_records`) decoded as :func:`read_xpt` decodes
    them: every variable, or those of ``columns``; a value that cannot be decoded is an InputError naming the file."""
    return _content(path, partial(decode_block, head, block, columns)).data


def non_ascii_values(path: Path, head: bytes, block: np.ndarray, names: list[str]) -> dict[str, pd.Series]:
    """Per character variable of ``names`` with values holding a byte >= 0x80 (UTF-8 codes every non-ASCII
    character in such bytes only) among the observations ``block`` of ``path`` (:func:`read_xpt_records`): those
    values, in file order, decoded by :func:`decode_records` (a value that is not UTF-8 is an InputError naming
    the file, as when the whole block is decoded). Only those records are decoded."""
    where = spans(head)
    owner = byte_owners([where[name][:2] for name in names], block.shape[1])
    return {
        names[index]: decode_records(path, head, block[rows], [names[index]])[names[index]]
        for index, rows in high_byte_rows(block, owner).items()
    }


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
