"""Read a SAS XPORT file (ours or anyone's) into a DataFrame with its labels."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyreadstat

from cdiscmm.core.errors import InputError, Location
from cdiscmm.io.xpt.check import require_readable


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


def read_xpt(path: Path) -> XptContent:
    """Read ``path``; character columns come back as str with '' for missing, numerics as float. The file is first
    checked for TS-140 structure (:func:`cdiscmm.io.xpt.check.require_readable`).

    Numeric variables with a SAS date format are returned as datetime64 (pyreadstat converts them).
    """
    require_readable(path)  # a truncated or corrupt file is named as such, not left to pyreadstat's message
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
