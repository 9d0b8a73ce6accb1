"""Strict SAS XPORT v5 checker: proves an XPT file (ours or a sponsor's) follows SAS TS-140 and the submission rules.

Layout facts come from SAS TS-140 ("Record Layout of a SAS Version 5 or 6 Data Set in SAS Transport (XPORT)
Format", October 2021; the constants are in :mod:`.layout`): five fixed header records, the NAMESTR records
(140 bytes; 136 on VAX/VMS), the OBS header, observations of the summed variable lengths, every record 80 bytes
padded with ASCII blanks. Submission rules come from the FDA Study Data Technical Conformance Guide (section 3.3.1,
v5 transport: names ≤ 8 characters, letters/digits/underscore starting with a letter, labels ≤ 40 characters,
character lengths ≤ 200, one dataset per file named after it) and PMDA's Technical Conformance Guide
(ASCII-only where a region profile says so, a parameter here).

Each problem is a :class:`XptFinding` with a rule id. ``structure`` findings (truncated or corrupt file) mean the
file cannot be read as XPT; :func:`require_readable` turns them into an InputError naming the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from cdiscmm.core.errors import InputError, Location
from cdiscmm.io.xpt.layout import (
    BLOCK_BYTES,
    DESCRIPTOR_HEADER,
    HEADER_PREFIX,
    LIBRARY_HEADER,
    NAMESTR,
    NAMESTR_HEADER_HEAD,
    NAMESTR_HEADER_TAIL,
    OBS_HEADER,
    RECORD,
    padding,
)

Kind = Literal["structure", "conformance"]
NAME = re.compile(rb"^[A-Z][A-Z0-9_]{0,7}$")
NAME_RULE = "breaks the name rule (≤ 8 characters, A-Z first, then A-Z 0-9 _)"
STAMP = re.compile(rb"^\d\d(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)\d\d:\d\d:\d\d:\d\d$")
MEMBER_HEADER_TEXT = HEADER_PREFIX + b"MEMBER  HEADER RECORD!!!!!!!" + b"0" * 16 + b"0160" + b"0" * 7
MAX_CHAR = 200
#: Byte offsets of the records before the NAMESTRs (TS-140 items 1-8, 80 bytes each).
LIBRARY, REAL, MODIFIED, MEMBER, DESCRIPTOR, MEMBER_DATA, MEMBER_LABEL, NAMESTR_HEAD = range(0, 640, RECORD)


@dataclass(frozen=True)
class XptFinding:
    """One departure from TS-140 or the submission rules: rule id, what is wrong, where (file, obs row, variable)."""

    rule: str
    message: str
    location: Location
    kind: Kind = "conformance"

    def __str__(self) -> str:
        return f"{self.location}: {self.rule} {self.message}"


class _Findings(list[XptFinding]):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def add(self, rule: str, message: str, *, kind: Kind = "conformance", row: int | None = None,
            field: str | None = None) -> None:  # fmt: skip
        self.append(XptFinding(rule, message, Location(file=str(self.path), row=row, field=field), kind))


def _text(raw: bytes) -> str:
    return raw.decode("latin-1").rstrip()


class _Source:
    """The bytes of the file being checked: in hand (``content``) or read from ``path`` a range at a time, so the
    observations of a file larger than memory are checked a block at a time."""

    def __init__(self, path: Path, content: bytes | None) -> None:
        self.path, self.content = path, content
        self.size = len(content) if content is not None else path.stat().st_size

    def read(self, start: int, stop: int) -> bytes:
        """Bytes ``start`` to ``stop`` (fewer at the end of the file)."""
        if self.content is not None:
            return self.content[start:stop]
        with self.path.open("rb") as handle:
            handle.seek(start)
            return handle.read(max(0, stop - start))

    def blocks(self, start: int, step: int) -> Iterator[tuple[int, bytes | memoryview]]:
        """(offset, bytes) from ``start`` to the end, ``step`` bytes at a time (views of ``content`` when in hand)."""
        if self.content is not None:
            whole = memoryview(self.content)
            for offset in range(start, self.size, step):
                yield offset, whole[offset : offset + step]
            return
        with self.path.open("rb") as handle:
            handle.seek(start)
            for offset in range(start, self.size, step):
                yield offset, handle.read(step)


def _find(pattern: bytes, block: bytes, offset: int, carry: bytes) -> int:
    """The file offset of the first ``pattern`` ending inside ``block`` (read at ``offset``; ``carry``: the last
    bytes of the block before, fewer than the pattern's), or -1. Only the block's first bytes are copied."""
    edge = (carry + block[: len(pattern) - 1]).find(pattern)
    if edge >= 0:
        return offset - len(carry) + edge
    inner = block.find(pattern)
    return offset + inner if inner >= 0 else -1


def _check_headers(content: bytes, found: _Findings) -> tuple[str, int, int] | None:
    """Header records 1-8: fixed texts, datetimes, member name; return (name, variables, namestr size)."""
    fixed = {LIBRARY: LIBRARY_HEADER, DESCRIPTOR: DESCRIPTOR_HEADER}
    for offset, expected in fixed.items():
        if content[offset : offset + RECORD] != expected:
            found.add("XPT002", f"header record at byte {offset} is not {_text(expected[:48])!r}", kind="structure")
            return None
    member = content[MEMBER : MEMBER + RECORD]
    if member not in (MEMBER_HEADER_TEXT + b"140  ", MEMBER_HEADER_TEXT + b"136  "):
        found.add("XPT002", f"member header at byte {MEMBER} is not the TS-140 text", kind="structure")
        return None
    namestr_size = int(member[75:78])
    real = content[REAL : REAL + RECORD]
    if real[:24] != b"SAS     SAS     SASLIB  ":
        found.add("XPT003", "first real header does not start 'SAS     SAS     SASLIB  '", kind="structure")
    for offset, stamp in ((REAL + 64, content[REAL + 64 : REAL + 80]), (MODIFIED, content[MODIFIED : MODIFIED + 16])):
        if not STAMP.match(stamp):
            found.add("XPT003", f"header datetime at byte {offset} is not ddMMMyy:hh:mm:ss", kind="structure")
    if content[MODIFIED + 16 : MODIFIED + RECORD].strip(b" "):
        found.add("XPT003", f"second real header at byte {MODIFIED} is not blank after the datetime")
    data = content[MEMBER_DATA : MEMBER_DATA + RECORD]
    if data[:8] != b"SAS     " or data[16:24] != b"SASDATA ":
        found.add("XPT004", "member header data do not read 'SAS     <name>SASDATA '", kind="structure")
        return None
    name = data[8:16].rstrip(b" ")
    if not NAME.match(name):
        found.add("XPT005", f"dataset name {_text(name)!r} {NAME_RULE}")
    label = content[MEMBER_LABEL + 32 : MEMBER_LABEL + 72]
    _check_label(label, found, None, "dataset")
    head = content[NAMESTR_HEAD : NAMESTR_HEAD + RECORD]
    count = head[len(NAMESTR_HEADER_HEAD) : len(NAMESTR_HEADER_HEAD) + 4]
    if not head.startswith(NAMESTR_HEADER_HEAD) or not head.endswith(NAMESTR_HEADER_TAIL) or not count.isdigit():
        found.add("XPT002", f"namestr header at byte {NAMESTR_HEAD} is not the TS-140 text", kind="structure")
        return None
    return _text(name), int(count), namestr_size


def _check_label(label: bytes, found: _Findings, field: str | None, what: str) -> None:
    try:
        label.decode("utf-8")
    except UnicodeDecodeError:
        found.add("XPT009", f"{what} label is not valid UTF-8 (cut inside a character at 40 bytes?)", field=field)


def _namestrs(source: _Source, count: int, size: int, found: _Findings) -> np.ndarray | None:
    start = NAMESTR_HEAD + RECORD
    end = start + count * size
    if source.size < end + padding(count * size) + RECORD:
        found.add("XPT001", f"file ends inside the {count} NAMESTR records (truncated)", kind="structure")
        return None
    content = source.read(start, end + padding(end - start))
    raw = np.frombuffer(content[: end - start], dtype=np.uint8).reshape(count, size)
    full = np.zeros((count, NAMESTR.itemsize), dtype=np.uint8)
    full[:, :size] = raw
    if content[end - start :].strip(b" "):
        found.add("XPT006", f"NAMESTR records are not padded with blanks at byte {end}")
    return full.view(NAMESTR).reshape(count)


def _check_variables(records: np.ndarray, found: _Findings) -> bool:
    """NAMESTR fields: type, hash, lengths, numbering, positions, names, labels; False if unusable."""
    names = [_text(name) for name in records["nname"]]
    usable = True
    for index, record in enumerate(records):
        field = names[index]
        kind, length = int(record["ntype"]), int(record["nlng"])
        if kind not in (1, 2):
            found.add("XPT007", f"ntype {kind} is neither 1 (numeric) nor 2 (character)", kind="structure", field=field)
            usable = False
        if kind == 1 and not 2 <= length <= 8:
            found.add("XPT007", f"numeric length {length} outside 2-8", kind="structure", field=field)
            usable = False
        if kind == 2 and not 1 <= length <= MAX_CHAR:
            found.add("XPT008", f"character length {length} outside 1-{MAX_CHAR}", field=field)
            usable = usable and length >= 1
        if int(record["nvar0"]) != index + 1:
            found.add("XPT007", f"nvar0 {int(record['nvar0'])} is not the variable number {index + 1}", field=field)
        if int(record["nhfun"]) != 0 or int(record["nfj"]) not in (0, 1):
            found.add("XPT007", "nhfun is not 0 or nfj is not 0/1", field=field)
        if not NAME.match(record["nname"].rstrip(b" ")):
            found.add("XPT005", f"variable name {field!r} {NAME_RULE}", field=field)
        _check_label(record["nlabel"], found, field, "variable")
    positions = np.concatenate([[0], np.cumsum(records["nlng"].astype(np.int64))[:-1]])
    moved = np.flatnonzero(records["npos"].astype(np.int64) != positions)
    if moved.size:
        found.add("XPT007", "npos is not the sum of the preceding lengths", kind="structure", field=names[moved[0]])
        usable = False
    if len(set(names)) != len(names):
        found.add("XPT005", "a variable name occurs twice")
    return usable


def byte_owners(spans: list[tuple[int, int]], width: int) -> np.ndarray:
    """Each byte of an observation of ``width`` bytes -> the index in ``spans`` ((position, length) of some of the
    variables) of the variable it belongs to, -1 for a byte of none of them."""
    owner = np.full(width, -1, dtype=np.int64)
    for index, (position, length) in enumerate(spans):
        owner[position : position + length] = index
    return owner


def high_byte_rows(block: np.ndarray, owner: np.ndarray) -> dict[int, np.ndarray]:
    """Per variable of ``owner`` (:func:`byte_owners`) holding a byte >= 0x80 (a non-ASCII character) in the (n,
    width) uint8 observations ``block``: the rows (0-based, ascending, each once) holding one. The bytes of other
    variables (an IBM number's, mostly >= 0x80) are masked out first: an all-ASCII block (the usual case) costs two
    contiguous passes."""
    rows, width = block.shape
    if not block.size:
        return {}
    high = np.bitwise_and(block, np.where(owner >= 0, 0x80, 0).astype(np.uint8)).reshape(-1)
    if high.max() == 0:
        return {}
    found = np.flatnonzero(high)
    keys = np.unique(owner[found % width] * rows + found // width)  # by variable, then row
    variables, at = np.unique(keys // rows, return_index=True)
    return {int(index): found % rows for index, found in zip(variables, np.split(keys, at[1:]), strict=True)}


def _first_non_ascii(block: bytes | memoryview, width: int, row_offset: int, owner: np.ndarray) -> np.ndarray:
    """Per character column: the first row (1-based, counted from the data's start) of the whole observations in
    ``block`` holding a byte >= 0x80, or 0. ``owner`` maps each byte of an observation to its character column's
    index (-1 for numeric bytes)."""
    rows = len(block) // width
    first = np.zeros(int(owner.max(initial=-1)) + 1, dtype=np.int64)
    observations = np.frombuffer(block[: rows * width], dtype=np.uint8).reshape(rows, width)
    for index, found in high_byte_rows(observations, owner).items():
        first[index] = row_offset + found[0] + 1
    return first


def _check_observations(
    source: _Source, start: int, records: np.ndarray, found: _Findings, ascii_only: bool, block_bytes: int
) -> None:
    """The data after the OBS header: whole observations, blank padding, one member, ASCII where required.

    The first member header after the OBS header ends the data when it starts on a record boundary. A file not in
    hand is read ``block_bytes`` (rounded to whole observations) at a time: the search carries the end of one
    block into the next, so a header across a block edge is found as in the whole file."""
    width = int(records["nlng"].astype(np.int64).sum())
    pattern = HEADER_PREFIX + b"MEMBER  HEADER RECORD"
    characters = [record for record in records if int(record["ntype"]) == 2] if ascii_only else []
    owner = byte_owners([(int(record["npos"]), int(record["nlng"])) for record in characters], width)
    member = source.content.find(pattern, start) if source.content is not None else -1
    searching = source.content is None
    step = max(1, block_bytes // width) * width if width else max(block_bytes, RECORD)
    carry, first = b"", np.zeros(len(characters), dtype=np.int64)
    for offset, block in source.blocks(start, step):
        if searching:
            member = _find(pattern, bytes(block), offset, carry)
            searching, carry = member < 0, bytes(block[-(len(pattern) - 1) :])
        if characters and width:
            here = _first_non_ascii(block, width, (offset - start) // width, owner)
            first = np.where(first > 0, first, here)
        ends_here = member >= 0 and offset + len(block) >= member and (member - start) % RECORD == 0
        if ends_here or not (characters or searching):
            break
    end = member if member >= 0 and (member - start) % RECORD == 0 else source.size
    if end < source.size:
        found.add("XPT010", "the file holds more than one member (dataset)")
    if width == 0:
        return
    rows, rest = divmod(end - start, width)
    tail = source.read(start + rows * width, end)
    if tail.strip(b" ") or rest >= RECORD:
        found.add("XPT001", f"file ends inside observation {rows + 1} (truncated)", kind="structure", row=rows + 1)
        return
    for record, row in zip(characters, first.tolist(), strict=True):
        if 0 < row <= rows:
            found.add("XPT011", "non-ASCII character value", row=row, field=_text(record["nname"]))


def check_xpt(
    path: Path, *, ascii_only: bool = False, content: bytes | None = None, block_bytes: int = BLOCK_BYTES
) -> list[XptFinding]:
    """All findings for the XPT file at ``path`` (its bytes ``content`` when already read, so a caller that also
    decodes the file reads it once; else the headers, then the observations ``block_bytes`` at a time);
    ``ascii_only`` when the region profile requires ASCII labels and values (e.g. FDA and PMDA English datasets).
    An empty list means the file passes every rule."""
    found = _Findings(path)
    source = _Source(path, content)
    head = source.read(0, NAMESTR_HEAD + RECORD)
    if not source.size:
        found.add("XPT001", "file is empty (0 bytes)", kind="structure")
        return list(found)
    if not head.startswith(LIBRARY_HEADER[:48]):
        found.add("XPT002", "not a SAS XPORT file (no library header record)", kind="structure")
        return list(found)
    if source.size % RECORD:
        found.add("XPT001", f"file size {source.size} is not a whole number of 80-byte records (truncated)",
                  kind="structure")  # fmt: skip
    elif source.size < NAMESTR_HEAD + 2 * RECORD:
        found.add("XPT001", f"file ends inside its header records at byte {source.size} (truncated)",
                  kind="structure")  # fmt: skip
    if source.size < NAMESTR_HEAD + RECORD:
        return list(found)
    header = _check_headers(head, found)
    if header is None:
        return list(found)
    name, count, size = header
    if path.stem.upper() != name:
        found.add("XPT012", f"file name {path.name!r} is not the dataset name {name!r} (lower-case + .xpt)")
    records = _namestrs(source, count, size, found)
    if records is None or not _check_variables(records, found):
        return list(found)
    if ascii_only:
        labels = [(None, head[MEMBER_LABEL + 32 : MEMBER_LABEL + 72])]
        labels += [(_text(record["nname"]), bytes(record["nlabel"])) for record in records]
        for field, label in labels:
            if not label.isascii():
                found.add("XPT011", "non-ASCII label", field=field)
    obs = NAMESTR_HEAD + RECORD + count * size
    obs += padding(count * size)
    if source.read(obs, obs + RECORD) != OBS_HEADER:
        found.add("XPT002", f"OBS header expected at byte {obs}", kind="structure")
        return list(found)
    _check_observations(source, obs + RECORD, records, found, ascii_only, block_bytes)
    return list(found)


def require_readable(path: Path, *, content: bytes | None = None, findings: list[XptFinding] | None = None) -> None:
    """Raise InputError naming ``path`` when it is not a file or is a truncated or corrupt XPT (structure finding).

    ``content``: the file's bytes when already read; ``findings``: :func:`check_xpt`'s when already checked."""
    if content is None and not path.is_file():
        raise InputError("file not found", Location(file=str(path)), expected="a SAS XPORT (.xpt) file")
    if findings is None:
        findings = check_xpt(path, content=content)
    broken = [finding for finding in findings if finding.kind == "structure"]
    if broken:
        error = InputError(
            f"not a valid SAS XPORT v5 file: {broken[0].rule} {broken[0].message}",
            broken[0].location,
            expected="a complete XPT v5 file (SAS TS-140)",
        )
        error.details = [str(finding) for finding in broken[1:]]
        raise error
