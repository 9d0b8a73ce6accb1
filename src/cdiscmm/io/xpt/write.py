"""Write a Dataset as a SAS XPORT version 5 file with names, labels and formats from its metadata.

Rules applied (FDA Study Data TCG; PMDA TCG; SAS TS-140 transport format v5):
- dataset and variable names ≤ 8 characters, labels ≤ 40 bytes, character values ≤ 200 bytes;
- character lengths are the maximum actual length in the data (TCG since 2015), at least 1;
- numeric dates are SAS dates (days since 1960-01-01) with the variable's display format (e.g. DATE9.).
A value that breaks a rule raises InputError naming the dataset, row and variable; nothing is truncated.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from cdiscmm.core.errors import InputError, Location
from cdiscmm.metadata.model import Dataset

MAX_CHAR_BYTES = 200
SAS_EPOCH = pd.Timestamp("1960-01-01")


def _as_sas_numeric(values: pd.Series, display_format: str | None) -> pd.Series:
    """Numbers stay numbers; datetimes become SAS datetimes (seconds since 1960) when the display format is a
    DATETIME format, SAS dates (days since 1960) otherwise (SAS TS-140: both count from 1960-01-01)."""
    is_date_format = (display_format or "").upper().startswith(("DATE", "E8601D"))
    if is_date_format and not pd.api.types.is_datetime64_any_dtype(values):
        values = pd.to_datetime(values)  # date objects or Timestamps held in an object column
    if pd.api.types.is_datetime64_any_dtype(values):
        elapsed = (values.dt.tz_localize(None) if values.dt.tz is not None else values) - SAS_EPOCH
        seconds = elapsed.dt.total_seconds()
        return seconds if (display_format or "").upper().startswith("DATETIME") else seconds / 86400.0
    return pd.to_numeric(values, errors="raise").astype("float64")


def _as_char(values: pd.Series, dataset: str, variable: str, path: Path) -> pd.Series:
    text = values.astype("string").fillna("")
    too_long = text.str.encode("utf-8").str.len() > MAX_CHAR_BYTES
    if too_long.any():
        row = int(np.flatnonzero(too_long.to_numpy())[0]) + 1
        raise InputError(
            f"{dataset}.{variable} has a value over {MAX_CHAR_BYTES} bytes",
            Location(file=str(path), row=row, field=variable),
            expected="values split into SUPP-- or shortened before writing",
        )
    return text.astype(object)


def write_xpt(dataset: Dataset, path: Path) -> Path:
    """Write ``dataset`` to ``path`` as XPT v5; return the path."""
    meta = dataset.meta
    missing = [name for name in meta.names() if name not in dataset.data.columns]
    if missing:
        raise InputError(
            f"{meta.name} has no column {missing[0]}",
            Location(file=str(path), field=missing[0]),
            expected="every variable declared in the metadata",
        )
    frame = pd.DataFrame(index=range(len(dataset.data)))
    formats: dict[str, str] = {}
    for variable in sorted(meta.variables, key=lambda v: v.order):
        column = dataset.data[variable.name].reset_index(drop=True)
        if variable.type == "Num":
            frame[variable.name] = _as_sas_numeric(column, variable.display_format)
            if variable.display_format:
                formats[variable.name] = variable.display_format
        else:
            frame[variable.name] = _as_char(column, meta.name, variable.name, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pyreadstat.write_xport(
        frame,
        str(path),
        file_label=meta.label,
        column_labels={variable.name: variable.label for variable in meta.variables},
        table_name=meta.name,
        file_format_version=5,
        variable_format=formats or None,
    )
    return path


def remove_stale_xpt(folder: Path) -> list[Path]:
    """Delete the XPT files a previous run left in ``folder`` and its language subfolders (``ja/``, ``zh/``), so
    that a dataset the current run no longer produces cannot be mistaken for part of it; return what was removed.
    Only ``*.xpt`` files are touched."""
    stale = sorted(folder.glob("*.xpt")) + sorted(folder.glob("*/*.xpt")) if folder.is_dir() else []
    for path in stale:
        path.unlink()
    return stale
