"""Decode the bytes of a SAS XPORT v5 file into columns, vectorised with numpy and pyarrow (no per-value Python).

Layout: SAS TS-140 ("Record Layout of a SAS Version 5 or 6 Data Set in SAS Transport (XPORT) Format", October
2021; constants in :mod:`.layout`): the member header records, one NAMESTR per variable (type, length, name, label,
format, position), the OBS header, then observations of the summed variable lengths, the last record padded with
blanks. A numeric value is an IBM double of 2-8 bytes (:func:`cdiscmm.io.xpt.ibm.from_ibm`, missing ``.``, ``._``,
``.A``-``.Z`` as NaN); a character value is the column's bytes with trailing blanks (and NULs) stripped, as
ReadStat strips them, decoded as UTF-8.

The result matches what pyreadstat 1.3 (``read_xport(path, encoding="utf-8")``) gives, so the tests compare the two
on every bundled file: character columns as pandas ``str`` ('' for missing), numerics as float64; a numeric with a
SAS date format as dates, with a datetime format as ``datetime64[us]``, with a time format as ``datetime.time``
(pyreadstat's format lists, ``_readstat_parser.pyx``). The file must have passed the strict checker's structure
rules (:func:`cdiscmm.io.xpt.check.require_readable`): this module trusts the layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cdiscmm.io.xpt.check import MEMBER, MEMBER_DATA, MEMBER_LABEL, NAMESTR_HEAD
from cdiscmm.io.xpt.ibm import from_ibm
from cdiscmm.io.xpt.layout import HEADER_PREFIX, NAMESTR, RECORD, padding

#: The SAS formats pyreadstat 1.3 turns into dates, datetimes and times (``_readstat_parser.pyx``).
DATE_FORMATS = frozenset(
    [
        "WEEKDATE",
        "MMDDYY",
        "DDMMYY",
        "YYMMDD",
        "DATE",
        "DDMMYYB",
        "DDMMYYC",
        "DDMMYYD",
        "DDMMYYN",
        "DDMMYYP",
        "DDMMYYS",
        "MMDDYYB",
        "MMDDYYC",
        "MMDDYYD",
        "MMDDYYN",
        "MMDDYYP",
        "MMDDYYS",
        "WEEKDATX",
        "DTDATE",
        "IS8601DA",
        "E8601DA",
        "B8601DA",
        "MMDDYYN",
        "YYMMDDB",
        "YYMMDDC",
        "YYMMDDD",
        "YYMMDDN",
        "YYMMDDP",
        "YYMMDDS",
    ]
)
DATETIME_FORMATS = frozenset(["DATETIME", "E8601DT", "DATEAMPM", "MDYAMPM", "IS8601DT", "B8601DT", "B8601DN"])
TIME_FORMATS = frozenset(["TIME", "HHMM", "TOD", "TIMEAMPM", "IS8601TM", "E8601TM", "B8601TM"])
#: The date formats :func:`cdiscmm.io.xpt.read.read_xpt` returns as datetime64 (the others stay ``datetime.date``).
DATETIME64_DATES = ("DATE", "YYMMDD", "E8601DA")
_FORMAT_NAME = re.compile(r"^\$?([A-Z_]+?)\d*$")
#: 1960-01-01, day 0 and second 0 of SAS dates and datetimes, in days and seconds since 1970-01-01.
SAS_EPOCH_DAYS = -3653
SAS_EPOCH_SECONDS = SAS_EPOCH_DAYS * 86400
#: The pandas dtype of a character column (pandas' default string dtype, as pyreadstat returns).
STRING = pd.StringDtype("pyarrow", na_value=np.nan)


@dataclass
class Decoded:
    """A decoded XPT member: the data frame and the descriptive fields of its headers and NAMESTRs."""

    data: pd.DataFrame
    name: str
    label: str
    labels: dict[str, str]
    formats: dict[str, str]  # variable -> NAMEw.d as stored (only variables with a format name)


def _text(raw: bytes) -> str:
    return raw.rstrip(b" \x00").decode("utf-8", errors="replace")


def _format(record: np.void) -> str:
    """The variable's display format as ReadStat spells it from the NAMESTR: name, width, '.', decimals."""
    name, width, decimals = _text(bytes(record["nform"])), int(record["nfl"]), int(record["nfd"])
    return f"{name}{width or ''}.{decimals or ''}" if name or width or decimals else ""


def _characters(block: np.ndarray) -> pd.Series:
    """A ``str`` Series of the (n, width) byte block: trailing blanks and NULs stripped, UTF-8 decoded."""
    rows, width = block.shape
    fixed = pa.Array.from_buffers(pa.binary(width), rows, [None, pa.py_buffer(np.ascontiguousarray(block))])
    text = pc.utf8_rtrim(fixed.cast(pa.binary()).cast(pa.string()), characters=" \x00")
    return pd.Series(pd.array(text, dtype=STRING))


def _numbers(block: np.ndarray, fmt: str) -> pd.Series:
    """A numeric column of the (n, width) IBM block, as date, datetime or time after its SAS format."""
    values = from_ibm(block)
    found = _FORMAT_NAME.match(fmt.split(".")[0]) if fmt else None
    kind = found.group(1) if found else ""
    if kind in DATE_FORMATS:
        days = np.where(np.isnan(values), np.nan, np.floor(values) + SAS_EPOCH_DAYS)
        dates = pd.Series(days.astype("datetime64[D]").astype("datetime64[s]"))
        return dates if kind.startswith(DATETIME64_DATES) else pd.Series(dates.dt.date, dtype=object)
    if kind in DATETIME_FORMATS:
        micro = np.round((values + SAS_EPOCH_SECONDS) * 1e6)
        return pd.Series(np.where(np.isnan(micro), np.iinfo(np.int64).min, micro).astype("int64").view("M8[us]"))
    if kind in TIME_FORMATS:
        clock = pd.Series(np.round(values * 1e6).astype("timedelta64[us]") + np.datetime64(0, "us"))
        return pd.Series(clock.dt.time.where(~np.isnan(values), None), dtype=object)
    return pd.Series(values)


#: Bytes of the header records before the NAMESTRs, with the NAMESTR header (enough for :func:`head_length`).
FIXED_HEAD = NAMESTR_HEAD + RECORD


def head_length(head: bytes) -> int:
    """Bytes before the first observation (headers, NAMESTRs, OBS header), from the first :data:`FIXED_HEAD`."""
    count = int(head[NAMESTR_HEAD + 54 : NAMESTR_HEAD + 58])
    size = int(head[MEMBER + 75 : MEMBER + 78])  # 140, or 136 on VAX/VMS (TS-140, item 3)
    return FIXED_HEAD + count * size + padding(count * size) + RECORD


def _namestrs(head: bytes) -> tuple[np.ndarray, list[str], int]:
    """The NAMESTR records, the variable names and the observation width in bytes."""
    count = int(head[NAMESTR_HEAD + 54 : NAMESTR_HEAD + 58])
    size = int(head[MEMBER + 75 : MEMBER + 78])
    raw = np.frombuffer(head, dtype=np.uint8, count=count * size, offset=FIXED_HEAD).reshape(count, size)
    full = np.zeros((count, NAMESTR.itemsize), dtype=np.uint8)
    full[:, :size] = raw
    records = full.view(NAMESTR).reshape(count)
    names = [_text(bytes(name)) for name in records["nname"]]
    return records, names, int(records["nlng"].astype(np.int64).sum())


def observation_width(head: bytes) -> int:
    """Bytes of one observation (the variables' lengths summed) of the member whose head is ``head``."""
    return _namestrs(head)[2]


def _decoded(
    head: bytes, records: np.ndarray, names: list[str], block: np.ndarray, columns: list[str] | None
) -> Decoded:
    """The member of header ``head`` with the (n, width) observations ``block``: the variables of ``columns``."""
    wanted = set(columns) if columns is not None else set(names)
    frame: dict[str, pd.Series] = {}
    formats: dict[str, str] = {}
    for record, name in zip(records, names, strict=True):
        fmt = _format(record)
        if fmt:
            formats[name] = fmt
        if name not in wanted:
            continue
        position, length = int(record["npos"]), int(record["nlng"])
        part = block[:, position : position + length]
        frame[name] = _characters(part) if int(record["ntype"]) == 2 else _numbers(part, fmt)
    member = head[MEMBER_DATA : MEMBER_DATA + RECORD]
    return Decoded(
        data=pd.DataFrame(frame, columns=[name for name in names if name in wanted]),
        name=_text(member[8:16]),
        label=_text(head[MEMBER_LABEL + 32 : MEMBER_LABEL + 72]),
        labels={name: _text(bytes(record["nlabel"])) for record, name in zip(records, names, strict=True)},
        formats=formats,
    )


def member_header_at(content: bytes, start: int = 0) -> int:
    """Where the first member header record after ``start`` begins (a record boundary counted from ``start``),
    -1 when none: the end of a member's observations when a file holds another."""
    end = content.find(HEADER_PREFIX + b"MEMBER  HEADER RECORD", start)
    while end >= 0 and (end - start) % RECORD:
        end = content.find(HEADER_PREFIX + b"MEMBER  HEADER RECORD", end + 1)
    return end


def observations(content: bytes, rows: int | slice | None = None) -> np.ndarray:
    """The observations of the first member of the XPT ``content`` as an (n, width) uint8 array (a view of
    ``content``): every one, or the first ``rows``, or those of the slice ``rows`` (step 1)."""
    _, _, width = _namestrs(content)
    start = head_length(content)
    end = member_header_at(content, start)
    data = memoryview(content)[start : len(content) if end < 0 else end]
    total = len(data) // width if width else 0
    # A last observation of only blanks inside the final record's padding is padding, not data (TS-140: the
    # last record is blank-filled); ReadStat drops it the same way.
    while total and (len(data) - (total - 1) * width) <= RECORD and not bytes(data[(total - 1) * width :]).strip():
        total -= 1
    first, stop = (
        rows.indices(total)[:2] if isinstance(rows, slice) else (0, total if rows is None else min(total, rows))
    )
    count = max(0, stop - first)
    return np.frombuffer(data, dtype=np.uint8, count=count * width, offset=first * width).reshape(count, width)


def decode_xpt(content: bytes, columns: list[str] | None = None, rows: int | slice | None = None) -> Decoded:
    """The first member of the XPT ``content``: every variable, or those of ``columns`` (file order), and every
    observation, or the first ``rows``, or those of the slice ``rows`` (step 1; e.g. one run of subjects)."""
    return decode_block(content, observations(content, rows), columns)


def decode_block(head: bytes, block: np.ndarray, columns: list[str] | None = None) -> Decoded:
    """The member whose first :func:`head_length` bytes are ``head``, with the (n, width) uint8 observations
    ``block`` (some or all of its records): every variable, or those of ``columns``."""
    records, names, _ = _namestrs(head)
    return _decoded(head, records, names, block, columns)


def decode_rows(head: bytes, data: bytes, columns: list[str] | None = None) -> Decoded:
    """The member whose first :func:`head_length` bytes are ``head``, with the whole observations ``data`` (a run
    of its records read on its own; none is taken for padding): every variable, or those of ``columns``."""
    width = observation_width(head)
    count = len(data) // width if width else 0
    return decode_block(head, np.frombuffer(data, dtype=np.uint8, count=count * width).reshape(count, width), columns)


class Span(NamedTuple):
    """Where a variable's value is in an observation (bytes ``position`` to ``position + length``), and whether
    it is a character value."""

    position: int
    length: int
    character: bool


def spans(head: bytes) -> dict[str, Span]:
    """Each variable of the member whose head is ``head`` (file order) -> its :class:`Span`."""
    records, names, _ = _namestrs(head)
    return {
        name: Span(int(record["npos"]), int(record["nlng"]), int(record["ntype"]) == 2)
        for record, name in zip(records, names, strict=True)
    }
