"""Read a SAS XPORT file (ours or anyone's) into a DataFrame with its labels."""

from __future__ import annotations

import mmap
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyreadstat

from cdiscmm.core.errors import InputError, Location


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


#: SAS XPORT v5 is a sequence of 80-byte records opened by these header records, in this order (SAS TS-140).
RECORD_BYTES = 80
_HEADERS: tuple[bytes, ...] = tuple(
    b"HEADER RECORD*******" + name.ljust(8).encode() + b"HEADER RECORD!!!!!!!"
    for name in ("LIBRARY", "MEMBER", "DSCRPTR", "NAMESTR", "OBS")
)


def check_structure(path: Path) -> None:
    """A file that is empty, does not open with the XPORT library header, is not whole 80-byte records or lacks a
    member, descriptor, NAMESTR or OBS header is an InputError (a reader would fail later with a vaguer message,
    or read a truncated file without complaint)."""
    size = path.stat().st_size
    where = Location(file=str(path))
    if size == 0:
        raise InputError("file is empty (0 bytes)", where, expected="a SAS XPORT (.xpt) file")
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if data[: len(_HEADERS[0])] != _HEADERS[0]:
            raise InputError("not a SAS XPORT file (no library header record)", where, expected="SAS XPORT v5")
        if size % RECORD_BYTES:
            raise InputError(
                f"truncated SAS XPORT file ({size} bytes, not a whole number of {RECORD_BYTES}-byte records)", where
            )
        position = 0
        for header in _HEADERS[1:]:
            position = data.find(header, position)
            if position < 0:
                name = header[20:28].decode().strip()
                raise InputError(f"truncated SAS XPORT file (no {name} header record)", where)


def read_xpt(path: Path) -> XptContent:
    """Read ``path``; character columns come back as str with '' for missing, numerics as float.

    Numeric variables with a SAS date format are returned as datetime64 (pyreadstat converts them).
    """
    if not path.is_file():
        raise InputError("file not found", Location(file=str(path)), expected="a SAS XPORT (.xpt) file")
    check_structure(path)
    try:
        data, meta = pyreadstat.read_xport(str(path), encoding="utf-8")
    except Exception as exc:  # pyreadstat raises its own error types for malformed files
        raise InputError(f"not a readable SAS XPORT file ({exc})", Location(file=str(path))) from None
    formats = {name: canonical_format(fmt) for name, fmt in meta.original_variable_types.items() if fmt}
    for name, fmt in formats.items():
        if fmt.upper().startswith(("DATE", "YYMMDD", "E8601DA")) and data[name].dtype == object:
            data[name] = pd.to_datetime(data[name])
    return XptContent(
        data=data,
        name=meta.table_name or path.stem.upper(),
        label=meta.file_label or "",
        labels=dict(meta.column_names_to_labels),
        formats=formats,
    )
