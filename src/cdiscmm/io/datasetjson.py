"""Write and read a Dataset as CDISC Dataset-JSON v1.1 (the JSON alternative to SAS XPORT v5).

Source: CDISC Dataset-JSON v1.1 specification and JSON Schema (github.com/cdisc-org/DataExchange-DatasetJson,
doc/dataset-json1-1.md and schema/dataset.schema.json; the schema is kept in specs/datasetjson/). Followed here:
- top level: datasetJSONCreationDateTime, datasetJSONVersion "1.1.0", itemGroupOID (``IG.<name>``, as in our
  define.xml), records, name, label, columns, rows; originator and sourceSystem say who wrote the file;
- a column per variable in metadata order: itemOID ``IT.<dataset>.<name>``, name, label, dataType, length for
  text (the longest value in UTF-8 bytes, at least 1, as in the XPT), keySequence for keys, displayFormat;
- "Supported Column Data Type Combinations": text is ``string``; a numeric SAS date (DATE/E8601DA format) is
  dataType ``date`` with targetDataType ``integer`` and an ISO 8601 date string as value, a SAS datetime
  (DATETIME format) ``datetime``/``integer`` with ``YYYY-MM-DDThh:mm:ss``; other numbers are ``integer`` when
  every value is whole, else ``double`` (written with the shortest repr that reads back to the same double);
- "Missing values are represented by null. Empty strings are represented by ''": numeric missing is null; text,
  which XPT cannot tell missing from empty, is ``""``.
The values are the same SAS numbers the XPT writer stores (:func:`cdiscmm.io.xpt.write.sas_numbers`), so a
dataset written both ways reads back equal. The creation datetime is the XPT header datetime (reproducible).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cdiscmm import __version__
from cdiscmm.core.errors import InputError, Location
from cdiscmm.io.atomic import replace_file
from cdiscmm.io.xpt.read import XptContent
from cdiscmm.io.xpt.write import SAS_EPOCH, header_timestamp, sas_numbers
from cdiscmm.metadata.model import Dataset, VariableMeta

VERSION = "1.1.0"
#: The largest whole number a double holds exactly (2^53): beyond it a number is written as a double.
EXACT_INTEGER = 2.0**53


def _logical_type(variable: VariableMeta) -> str:
    display = (variable.display_format or "").upper()
    if variable.type == "Char":
        return "string"
    if display.startswith("DATETIME"):
        return "datetime"
    if display.startswith(("DATE", "E8601DA", "YYMMDD")):
        return "date"
    return "number"


def _text(values: pd.Series) -> tuple[pd.Series, int]:
    text = values.astype("string").fillna("")
    encoded = pa.array(text, type=pa.large_string())
    longest = pc.max(pc.binary_length(encoded.cast(pa.large_binary()))).as_py()
    return text.astype(object), max(1, longest or 0)


def _column(variable: VariableMeta, values: pd.Series, dataset: str, keys: list[str]) -> tuple[dict, pd.Series]:
    """The column's Dataset-JSON description and its values as JSON-ready Python objects (None for missing)."""
    column: dict[str, object] = {"itemOID": f"IT.{dataset}.{variable.name}", "name": variable.name}
    column["label"] = variable.label
    logical = _logical_type(variable)
    if logical == "string":
        out, length = _text(values)
        column |= {"dataType": "string", "length": length}
    else:
        numbers = sas_numbers(values, variable.display_format)
        missing = np.isnan(numbers)
        if logical in ("date", "datetime"):
            unit, pattern = ("D", "%Y-%m-%d") if logical == "date" else ("s", "%Y-%m-%dT%H:%M:%S")
            moments = SAS_EPOCH + pd.to_timedelta(pd.Series(numbers), unit=unit)
            out = moments.dt.strftime(pattern).astype(object).where(~missing, None)
            column |= {"dataType": logical, "targetDataType": "integer"}
        elif np.all(missing | ((numbers == np.round(numbers)) & (np.abs(numbers) < EXACT_INTEGER))):
            out = pd.Series(numbers).astype("Int64").astype(object).where(~missing, None)
            column["dataType"] = "integer"
        else:
            out = pd.Series(numbers, dtype=object).where(~missing, None)
            column["dataType"] = "double"
        if variable.display_format:
            column["displayFormat"] = variable.display_format
    if variable.name in keys:
        column["keySequence"] = keys.index(variable.name) + 1
    return column, out


def dataset_json(dataset: Dataset, created: datetime | None = None) -> dict[str, object]:
    """The Dataset-JSON v1.1 object of ``dataset`` (creation datetime from :func:`header_timestamp`)."""
    meta = dataset.meta
    variables = sorted(meta.variables, key=lambda variable: variable.order)
    columns, values = [], {}
    for variable in variables:
        column, out = _column(variable, dataset.data[variable.name].reset_index(drop=True), meta.name, meta.keys)
        columns.append(column)
        values[variable.name] = out.reset_index(drop=True)
    rows = pd.DataFrame(values, index=range(len(dataset.data))).to_numpy(dtype=object).tolist() if values else []
    return {
        "datasetJSONCreationDateTime": header_timestamp(created).strftime("%Y-%m-%dT%H:%M:%S"),
        "datasetJSONVersion": VERSION,
        "originator": "cdiscmm",
        "sourceSystem": {"name": "cdiscmm", "version": __version__},
        "itemGroupOID": f"IG.{meta.name}",
        "records": len(dataset.data),
        "name": meta.name,
        "label": meta.label,
        "columns": columns,
        "rows": rows,
    }


def write_dataset_json(dataset: Dataset, path: Path, created: datetime | None = None) -> Path:
    """Write ``dataset`` to ``path`` as Dataset-JSON v1.1 (UTF-8, compact, one file replaced atomically)."""
    missing = [name for name in dataset.meta.names() if name not in dataset.data.columns]
    if missing:
        raise InputError(
            f"{dataset.meta.name} has no column {missing[0]}",
            Location(file=str(path), field=missing[0]),
            expected="every variable declared in the metadata",
        )
    text = json.dumps(dataset_json(dataset, created), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return replace_file(path, text.encode("utf-8"))


def read_dataset_json(path: Path) -> XptContent:
    """Read a Dataset-JSON v1.1 file into the shape :func:`cdiscmm.io.xpt.read.read_xpt` returns: text as str
    with '' for missing, numbers as float, dates and datetimes as datetime64."""
    try:
        content = json.loads(path.read_bytes())
        columns = content["columns"]
        frame = pd.DataFrame(content["rows"], columns=[column["name"] for column in columns], dtype=object)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"not a readable Dataset-JSON file ({exc})", Location(file=str(path))) from None
    for column in columns:
        name, kind = column["name"], column["dataType"]
        if kind in ("date", "datetime"):
            frame[name] = pd.to_datetime(frame[name], format="ISO8601")
        elif kind in ("integer", "double", "float", "decimal"):
            frame[name] = pd.to_numeric(frame[name]).astype("float64")
        else:
            frame[name] = frame[name].fillna("").astype(object)
    return XptContent(
        data=frame,
        name=content["name"],
        label=content["label"],
        labels={column["name"]: column["label"] for column in columns},
        formats={column["name"]: column["displayFormat"] for column in columns if "displayFormat" in column},
    )
