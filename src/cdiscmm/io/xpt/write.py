"""Write a Dataset as a SAS XPORT version 5 file with names, labels and formats from its metadata.

Rules applied (FDA Study Data TCG; PMDA TCG; SAS TS-140 transport format v5, layout in :mod:`.layout`):
- dataset and variable names ≤ 8 characters, labels ≤ 40 bytes, character values ≤ 200 bytes;
- character lengths are the maximum actual length in the data (TCG since 2015), at least 1;
- numeric dates are SAS dates (days since 1960-01-01) with the variable's display format (e.g. DATE9.);
- numbers are IBM doubles (precision and range in :mod:`.ibm`); a value out of range is an error, not a 0.
A value that breaks a rule raises InputError naming the dataset, row and variable; nothing is truncated.

Reproducible bytes: the two header datetimes ("created", "modified") come from :func:`header_timestamp`, never
from the clock, so two runs on the same input give identical files. The file is written to a temporary file in
the same folder and renamed into place, so a failed write leaves no partial file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from cdiscmm.core.errors import InputError, Location
from cdiscmm.io.atomic import replace_file
from cdiscmm.io.xpt.blocks import char_width, numeric_block, put_text
from cdiscmm.io.xpt.layout import (
    DESCRIPTOR_HEADER,
    LIBRARY_HEADER,
    MEMBER_HEADER,
    NAMESTR,
    NAMESTR_HEADER_HEAD,
    NAMESTR_HEADER_TAIL,
    OBS_HEADER,
    SAS_OS,
    SAS_VERSION,
    header_datetime,
    padding,
)
from cdiscmm.metadata.model import Dataset, DatasetMeta, VariableMeta

SAS_EPOCH = pd.Timestamp("1960-01-01")
#: Header datetime when SOURCE_DATE_EPOCH is unset and the caller gives none: the Unix epoch, 1970-01-01T00:00:00
#: UTC, i.e. what SOURCE_DATE_EPOCH=0 gives (reproducible-builds.org/specs/source-date-epoch).
DEFAULT_TIMESTAMP = datetime(1970, 1, 1, tzinfo=UTC)
_FORMAT_NAME = "ABCDEFGHIJKLMNOPQRSTUVWXYZ_$"
#: Bytes of a numeric value in an observation (an IBM double, TS-140).
NUMERIC_LENGTH = 8


def header_timestamp(cutoff: datetime | None = None) -> datetime:
    """The datetime written in the XPT headers: ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) when set, else
    ``cutoff`` (e.g. the data cut-off date) when given, else :data:`DEFAULT_TIMESTAMP`."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise InputError(
                "SOURCE_DATE_EPOCH is not a whole number of seconds",
                Location(field="SOURCE_DATE_EPOCH"),
                found=epoch,
                expected="seconds since 1970-01-01 UTC, e.g. 1735689600",
            )
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return cutoff or DEFAULT_TIMESTAMP


def sas_numbers(values: pd.Series, display_format: str | None) -> np.ndarray:
    """Numbers stay numbers; datetimes become SAS datetimes (seconds since 1960) when the display format is a
    DATETIME format, SAS dates (days since 1960) otherwise (SAS TS-140: both count from 1960-01-01)."""
    is_date_format = (display_format or "").upper().startswith(("DATE", "E8601D"))
    if is_date_format and not pd.api.types.is_datetime64_any_dtype(values):
        values = pd.to_datetime(values)  # date objects or Timestamps held in an object column
    if pd.api.types.is_datetime64_any_dtype(values):
        elapsed = (values.dt.tz_localize(None) if values.dt.tz is not None else values) - SAS_EPOCH
        seconds = elapsed.dt.total_seconds()
        numbers = seconds if (display_format or "").upper().startswith("DATETIME") else seconds / 86400.0
        return numbers.to_numpy(dtype=np.float64, na_value=np.nan)
    return pd.to_numeric(values, errors="raise").to_numpy(dtype=np.float64, na_value=np.nan)


def _format_fields(display_format: str | None) -> tuple[bytes, int, int]:
    """NAMESTR nform, nfl, nfd of a format such as ``DATE9.`` or ``8.2`` (TS-140 stores name, width, decimals)."""
    text = (display_format or "").strip().upper()
    name = text.rstrip("0123456789.")
    while name and name[-1] not in _FORMAT_NAME:
        name = name[:-1]
    width, _, decimals = text[len(name) :].partition(".")
    return name.encode("ascii"), int(width or 0), int(decimals or 0)


def _namestrs(variables: list[VariableMeta], lengths: list[int]) -> np.ndarray:
    records = np.zeros(len(variables), dtype=NAMESTR)
    formats = [_format_fields(variable.display_format if variable.type == "Num" else None) for variable in variables]
    numeric = np.array([variable.type == "Num" for variable in variables], dtype=bool)
    records["ntype"] = np.where(numeric, 1, 2)
    records["nlng"] = lengths
    records["nvar0"] = np.arange(1, len(variables) + 1)
    records["nname"] = [variable.name.encode("ascii").ljust(8) for variable in variables]
    records["nlabel"] = [variable.label.encode("utf-8").ljust(40) for variable in variables]
    records["nform"] = [name.ljust(8) for name, _, _ in formats]
    records["nfl"] = [width for _, width, _ in formats]
    records["nfd"] = [decimals for _, _, decimals in formats]
    records["nfj"] = numeric.astype(int)
    records["niform"] = b" " * 8
    records["npos"] = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(int)
    return records


def _check_label(text: str, what: str, path: Path, field: str | None) -> None:
    if len(text.encode("utf-8")) > 40:
        raise InputError(
            f"{what} label is over 40 bytes",
            Location(file=str(path), field=field),
            found=text,
            expected="a label of at most 40 bytes (SAS TS-140 NAMESTR nlabel)",
        )


def _headers(name: str, label: str, variable_count: int, stamp: bytes) -> bytes:
    real = b"SAS     SAS     SASLIB  " + SAS_VERSION.ljust(8) + SAS_OS.ljust(8) + b" " * 24 + stamp
    member = b"SAS     " + name.encode("ascii").ljust(8) + b"SASDATA " + SAS_VERSION.ljust(8) + SAS_OS.ljust(8)
    member += b" " * 24 + stamp
    described = stamp + b" " * 16 + label.encode("utf-8").ljust(40) + b" " * 8
    count = f"{variable_count:04d}".encode("ascii")
    return b"".join(
        [
            LIBRARY_HEADER,
            real,
            stamp.ljust(80),
            MEMBER_HEADER,
            DESCRIPTOR_HEADER,
            member,
            described,
            NAMESTR_HEADER_HEAD + count + NAMESTR_HEADER_TAIL,
        ]
    )


def checked_variables(meta: DatasetMeta, columns: Iterable[str], path: Path) -> list[VariableMeta]:
    """The variables of ``meta`` in file order, after checking that ``columns`` hold every one and that the
    dataset and variable labels fit the 40 bytes of TS-140 (InputError naming the file and variable)."""
    present = set(columns)
    missing = [name for name in meta.names() if name not in present]
    if missing:
        raise InputError(
            f"{meta.name} has no column {missing[0]}",
            Location(file=str(path), field=missing[0]),
            expected="every variable declared in the metadata",
        )
    _check_label(meta.label, meta.name, path, None)
    variables = sorted(meta.variables, key=lambda variable: variable.order)
    for variable in variables:
        _check_label(variable.label, f"{meta.name}.{variable.name}", path, variable.name)
    return variables


def observation_records(
    variables: list[VariableMeta],
    data: pd.DataFrame,
    name: str,
    path: Path,
    lengths: Mapping[str, int] | None = None,
    row_offset: int = 0,
) -> tuple[np.ndarray, list[int]]:
    """The observation records of ``data`` as one (n, record length) uint8 array, and each variable's length: each
    variable's fixed-width value at its NAMESTR npos, no separator (TS-140), an IBM double or UTF-8 blank-padded
    to the variable's length in ``lengths``, else to its longest value here (at least 1). Each column is written
    straight into its field of the records, one column at a time (no block per variable joined after).
    ``row_offset`` rows of the dataset come before ``data`` (for the row named in an error); variables are checked
    in order, as they are written."""
    columns = {variable.name: data[variable.name].reset_index(drop=True) for variable in variables}
    sizes = [
        NUMERIC_LENGTH
        if variable.type == "Num"
        else lengths[variable.name]
        if lengths is not None
        else max(1, char_width(columns[variable.name], "", path, variable.name, checked=False))
        for variable in variables
    ]
    records = np.full((len(data), sum(sizes)), 0x20, dtype=np.uint8)
    start = 0
    for variable, size in zip(variables, sizes, strict=True):
        block, what = records[:, start : start + size], f"{name}.{variable.name}"
        if variable.type == "Num":
            values = sas_numbers(columns[variable.name], variable.display_format)
            block[...] = numeric_block(values, what, path, variable.name, row_offset)
        else:
            put_text(block, columns[variable.name], what, path, variable.name, row_offset)
        start += size
    return records, sizes


def xpt_head(meta: DatasetMeta, variables: list[VariableMeta], lengths: list[int], created: datetime | None) -> bytes:
    """Everything of the file before the observations: library, member and descriptor headers, the NAMESTR
    records of ``variables`` with their ``lengths`` (padded to 80 bytes) and the OBS header (TS-140)."""
    stamp = header_datetime(*header_timestamp(created).timetuple()[:6])
    namestrs = _namestrs(variables, lengths).tobytes()
    return b"".join(
        [_headers(meta.name, meta.label, len(variables), stamp), namestrs, b" " * padding(len(namestrs)), OBS_HEADER]
    )


def xpt_bytes(dataset: Dataset, path: Path, created: datetime | None = None) -> bytes:
    """The bytes of ``dataset`` as an XPT v5 file (``path`` only names the file in messages): the head, the
    observation records, blanks to the end of the last 80-byte record."""
    meta = dataset.meta
    variables = checked_variables(meta, dataset.data.columns, path)
    records, sizes = observation_records(variables, dataset.data, meta.name, path)
    head = xpt_head(meta, variables, sizes, created)
    # the records' buffer joined as it is (C order: row after row), not copied to a bytes object first
    return b"".join([head, records, b" " * padding(records.nbytes)])


def write_xpt(dataset: Dataset, path: Path, created: datetime | None = None) -> Path:
    """Write ``dataset`` to ``path`` as XPT v5 (header datetime from :func:`header_timestamp` of ``created``);
    return the path. The bytes go to a temporary file beside ``path`` that is renamed over it when complete."""
    return replace_file(path, xpt_bytes(dataset, path, created))
