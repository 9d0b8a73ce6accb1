"""The writer step: a stage's Datasets and report tables become the files of one output folder.

Stages return Datasets; only this step (called by the CLI) turns them into files, so every stage's output is
written one way: each dataset as ``<name>.xpt`` (SAS XPORT v5, lower-case name; a key such as ``ja/AE`` is the
local-language copy ``ja/ae.xpt``), after removing the XPT files of an earlier run (a dataset the run no longer
yields must not look like part of it), and beside them ``metadata.json``, the model the datasets were built from
(:mod:`cdiscmm.io.metadata`, what define, validate and package read); each report table as ``<name>.csv`` (UTF-8,
no index).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from cdiscmm.io.metadata import write_metadata
from cdiscmm.io.xpt.write import remove_stale_xpt, write_xpt
from cdiscmm.metadata.model import Dataset


def write_datasets(datasets: Mapping[str, Dataset], folder: Path) -> list[Path]:
    """Write every dataset of ``datasets`` (key: name, or ``<lang>/<name>``) into ``folder``, then the
    ``metadata.json`` of the datasets of the folder itself (not the local-language copies); return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_xpt(folder)
    paths = [write_xpt(dataset, folder / f"{name.lower()}.xpt") for name, dataset in datasets.items()]
    own = [dataset for name, dataset in datasets.items() if "/" not in name]
    return [*paths, write_metadata(own, folder)]


def write_tables(tables: Mapping[str, pd.DataFrame], folder: Path) -> list[Path]:
    """Write each report table as ``<folder>/<name>.csv`` (UTF-8, ``\\n`` line ends); return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in tables.items():
        path = folder / f"{name}.csv"
        table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        paths.append(path)
    return paths
