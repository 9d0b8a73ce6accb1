"""Decode a collected CSV export in its declared encoding and count its records from the bytes, not the parser.

The export contract (RFC 4180, one record per line, as EDC systems export forms):

- the file is text in the study's declared encoding (``study.yaml`` ``encoding``); a UTF-8 byte-order mark is
  allowed with UTF-8 and dropped; any byte that does not decode is an error naming line, column and field;
- records end with LF (or CR LF); a lone CR, a NUL byte, a blank line between records, or a line break inside a
  quoted field is an error: a parser would silently join, split or skip rows there;
- quotes are balanced on every line (a quote opens and closes a field, ``""`` is a literal quote), and every
  record has as many fields as the header, whose names are present and unique.

The scan is vectorised with numpy over the raw bytes. Counting LF, CR, ``"`` and ``,`` bytes is exact for the
three allowed encodings: UTF-8, CP932/Shift_JIS and GB18030 never use bytes 0x0A, 0x0D, 0x22 or 0x2C inside a
multi-byte character (their trail bytes are >= 0x30), so a byte with one of those values is that character.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cdiscmm.core.errors import InputError, Location

_LF, _CR, _QUOTE, _COMMA = 0x0A, 0x0D, 0x22, 0x2C
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class Records:
    """A decoded export: its text (BOM removed), header names and number of data records (header excluded)."""

    text: str
    header: list[str]
    records: int


@dataclass(frozen=True)
class _Bytes:
    """The raw bytes and the sorted positions of its LF, CR, quote and comma bytes."""

    data: bytes
    lf: np.ndarray
    cr: np.ndarray
    quote: np.ndarray
    comma: np.ndarray
    path: Path
    encoding: str

    def line_of(self, positions: np.ndarray | int) -> np.ndarray:
        """0-based line of each byte position (an LF belongs to the line it ends)."""
        return np.searchsorted(self.lf, positions, side="left")

    def quoted(self, positions: np.ndarray | int) -> np.ndarray:
        """Whether each (non-quote) byte position lies inside a quoted field: an odd number of quotes before it."""
        return (np.searchsorted(self.quote, positions, side="right") & 1).astype(bool)

    def where(self, position: int, field: str | None = None) -> Location:
        """File, 1-based line and character column of byte ``position``, and the field it belongs to."""
        start = self.data.rfind(b"\n", 0, position) + 1
        column = len(self.data[start:position].decode(self.encoding, errors="replace")) + 1
        return Location(file=str(self.path), line=int(self.line_of(position)) + 1, column=column, field=field)

    def field_at(self, position: int, header: list[str]) -> str | None:
        """The header name of the field byte ``position`` is in (commas outside quotes before it on its line)."""
        start = self.data.rfind(b"\n", 0, position) + 1
        commas = self.comma[(self.comma >= start) & (self.comma < position)]
        index = int(np.count_nonzero(~self.quoted(commas)))
        return header[index] if index < len(header) else None


def _read_bytes(path: Path, encoding: str) -> bytes:
    if not path.is_file():
        raise InputError("file not found", Location(file=str(path)), expected="a CSV form of the EDC export")
    data = path.read_bytes()
    if not data:
        raise InputError("file is empty (0 bytes)", Location(file=str(path)), expected="a header line of field names")
    if data.startswith(_UTF16_BOMS):
        raise InputError(
            "file starts with a UTF-16 byte-order mark",
            Location(file=str(path), line=1, column=1),
            expected=f"text in {encoding} (study.yaml encoding)",
        )
    if data.startswith(_UTF8_BOM):
        if encoding != "utf-8":
            raise InputError(
                f"file starts with a UTF-8 byte-order mark but the study declares encoding {encoding}",
                Location(file=str(path), line=1, column=1),
                expected="the encoding declared in study.yaml",
            )
        data = data[len(_UTF8_BOM) :]
    return data


def _header_names(data: bytes, encoding: str) -> list[str]:
    first = data.split(b"\n", 1)[0].split(b"\r", 1)[0].decode(encoding, errors="replace")
    return next(csv.reader([first], strict=False), [])


def _scan(data: bytes, path: Path, encoding: str) -> _Bytes:
    array = np.frombuffer(data, dtype=np.uint8)
    positions = [np.flatnonzero(array == byte) for byte in (_LF, _CR, _QUOTE, _COMMA)]
    return _Bytes(data, *positions, path=path, encoding=encoding)


def _decode(scan: _Bytes, header: list[str]) -> str:
    try:
        return scan.data.decode(scan.encoding)
    except UnicodeDecodeError as exc:
        bad = scan.data[exc.start]
        raise InputError(
            f"byte 0x{bad:02X} does not decode as {scan.encoding}",
            scan.where(exc.start, scan.field_at(exc.start, header)),
            expected=f"text in the encoding study.yaml declares ({scan.encoding})",
        ) from None


def _check_bytes(scan: _Bytes, header: list[str]) -> None:
    """NUL, lone CR, and quotes not closed on the line they open (unclosed quote or quoted line break)."""
    nul = scan.data.find(b"\x00")
    if nul >= 0:
        raise InputError("NUL byte (binary data, or UTF-16 text?)", scan.where(nul, scan.field_at(nul, header)))
    cr_before_lf = np.isin(scan.cr + 1, scan.lf)
    lone_cr = scan.cr[~cr_before_lf & ~scan.quoted(scan.cr)]
    if lone_cr.size:
        raise InputError(
            "carriage return without line feed", scan.where(int(lone_cr[0])), expected="records ending in LF or CR LF"
        )
    open_at_lf = scan.lf[scan.quoted(scan.lf)]
    if open_at_lf.size == 0 and scan.quote.size % 2 == 0:
        return
    stop = int(open_at_lf[0]) if open_at_lf.size else len(scan.data)
    opening = int(scan.quote[np.searchsorted(scan.quote, stop) - 1])
    closing = scan.quote[scan.quote > opening]
    end = int(closing[0]) if closing.size else len(scan.data) - 1
    joined = int(scan.line_of(end) - scan.line_of(opening))
    raise InputError(
        f"quote not closed on its line: a parser would join the next {joined} line(s) into this row",
        scan.where(opening, scan.field_at(opening, header)),
        expected='a closing " on the same line (a line break inside a quoted field is not allowed)',
    )


def _check_lines(scan: _Bytes, header: list[str]) -> int:
    """Every line has the header's number of fields; no blank line between records. Returns the data records."""
    size = len(scan.data)
    lines = len(scan.lf) + int(scan.data[-1:] != b"\n")
    starts = np.concatenate([[0], scan.lf + 1])[:lines]
    ends = np.append(scan.lf, size)[:lines]
    content = ends - starts - np.isin(ends - 1, scan.cr)
    blank = content <= 0
    if blank[0]:
        raise InputError("the first line is empty", Location(file=str(scan.path), line=1), expected="the header line")
    last = int(np.flatnonzero(~blank)[-1])
    inner_blank = np.flatnonzero(blank[: last + 1])
    if inner_blank.size:
        raise InputError(
            "blank line between records",
            Location(file=str(scan.path), line=int(inner_blank[0]) + 1),
            expected="one record per line",
        )
    unquoted = scan.comma[~scan.quoted(scan.comma)]
    fields = np.bincount(scan.line_of(unquoted), minlength=lines)[: last + 1] + 1
    ragged = np.flatnonzero(fields != len(header))
    if ragged.size:
        row = int(ragged[0])
        found = int(fields[row])
        missing = header[found] if found < len(header) else None
        raise InputError(
            f"row has {found} fields, the header has {len(header)}",
            Location(file=str(scan.path), line=row + 1, row=row, field=missing),
            expected=f"{len(header)} comma-separated fields ({', '.join(header[:3])}, ...)",
        )
    return last


def _check_header(path: Path, header: list[str]) -> None:
    seen: dict[str, int] = {}
    for index, name in enumerate(header, start=1):
        if not name.strip():
            raise InputError(f"header column {index} has no name", Location(file=str(path), line=1))
        if name in seen:
            raise InputError(
                f"column {name} appears twice in the header (columns {seen[name]} and {index})",
                Location(file=str(path), line=1, field=name),
            )
        seen[name] = index


def read_records(path: Path, encoding: str = "utf-8") -> Records:
    """Decode ``path`` and count its records from the bytes; any breach of the export contract is an InputError
    naming the file, line (and column and field where there is one)."""
    data = _read_bytes(path, encoding)
    header = _header_names(data, encoding)
    scan = _scan(data, path, encoding)
    _check_bytes(scan, header)
    text = _decode(scan, header)
    _check_header(path, header)
    records = _check_lines(scan, header)
    return Records(text=text, header=header, records=records)
