"""The writer step: a stage's Datasets and report tables become the files of one output folder.

Stages return Datasets; only this step (called by the CLI) turns them into files, so every stage's output is
written one way: each dataset as ``<name>.xpt`` (SAS XPORT v5, the default) and/or ``<name>.json`` (CDISC
Dataset-JSON v1.1), lower-case name (a key such as ``ja/AE`` is the local-language copy ``ja/ae.xpt``), after
removing the files of an earlier run (a dataset the run no longer yields must not look like part of it); beside
them ``metadata.json``, the model the datasets were built from (:mod:`cdiscmm.io.metadata`, what define, validate
and package read); each report table as ``<name>.csv`` (UTF-8, no index). ``--format`` chooses the formats.

A dataset spilled piece by piece (:mod:`cdiscmm.io.spill`, a chunked build) is written as XPT by appending its
pieces read back one at a time (:mod:`cdiscmm.io.xpt.append`: the same bytes as the whole write), and its
``metadata.json`` codelist values are read a piece at a time; Dataset-JSON, one JSON document, gets it joined.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pandas as pd

from cdiscmm.core.errors import Location, UsageError
from cdiscmm.io.datasetjson import write_dataset_json
from cdiscmm.io.metadata import METADATA_FILE, write_metadata
from cdiscmm.io.spill import SpilledDataset
from cdiscmm.io.xpt.append import write_xpt_pieces
from cdiscmm.io.xpt.write import write_xpt
from cdiscmm.metadata.model import Dataset

Writer = Callable[[Dataset, Path], Path]
#: Format name -> (file suffix, writer).
WRITERS: dict[str, tuple[str, Writer]] = {"xpt": (".xpt", write_xpt), "json": (".json", write_dataset_json)}
DEFAULT_FORMATS = ("xpt",)
#: A dataset to write: in memory, or spilled piece by piece.
Writable = Dataset | SpilledDataset


def parse_formats(text: str) -> tuple[str, ...]:
    """``"xpt"``, ``"json"`` or ``"xpt,json"`` as a tuple of format names; UsageError for an unknown one."""
    formats = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [name for name in formats if name not in WRITERS]
    if unknown or not formats:
        raise UsageError(
            "unknown dataset format", Location(field="--format"), found=text, expected=f"one or more of {list(WRITERS)}"
        )
    return formats


def remove_stale(folder: Path, formats: Iterable[str]) -> list[Path]:
    """Delete the dataset files of ``formats`` an earlier run left in ``folder`` and its language subfolders, so
    a dataset the current run no longer yields cannot look like part of it (``metadata.json`` is kept)."""
    stale: list[Path] = []
    for name in formats:
        suffix = WRITERS[name][0]
        found = sorted(folder.glob(f"*{suffix}")) + sorted(folder.glob(f"*/*{suffix}")) if folder.is_dir() else []
        stale += [path for path in found if path.name != METADATA_FILE]
    for path in stale:
        path.unlink()
    return stale


def write_dataset(dataset: Writable, path: Path, format_name: str) -> Path:
    """Write one dataset to ``path`` in ``format_name``; a spilled one as XPT by appending its pieces."""
    if isinstance(dataset, Dataset):
        return WRITERS[format_name][1](dataset, path)
    if format_name == "xpt":
        return write_xpt_pieces(dataset.meta, dataset.frames(), dataset.lengths, path)
    return WRITERS[format_name][1](dataset.joined(), path)


def write_datasets(
    datasets: Mapping[str, Writable], folder: Path, formats: Iterable[str] = DEFAULT_FORMATS
) -> list[Path]:
    """Write every dataset of ``datasets`` (key: name, or ``<lang>/<name>``) into ``folder`` in each format, after
    removing the files of an earlier run; return the paths."""
    formats = tuple(formats)
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale(folder, formats)
    return [
        write_dataset(dataset, folder / f"{key.lower()}{WRITERS[name][0]}", name)
        for name in formats
        for key, dataset in datasets.items()
    ]


def write_tables(tables: Mapping[str, pd.DataFrame], folder: Path) -> list[Path]:
    """Write each report table as ``<folder>/<name>.csv`` (UTF-8, ``\n`` line ends); return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in tables.items():
        path = folder / f"{name}.csv"
        table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        paths.append(path)
    return paths


def write_outputs(
    datasets: Mapping[str, Writable],
    tables: Mapping[str, pd.DataFrame],
    folder: Path,
    formats: Iterable[str] = DEFAULT_FORMATS,
) -> list[Path]:
    """The writer step of a stage: its datasets in each format, the ``metadata.json`` of the datasets of the folder
    itself, one ``<lang>/metadata.json`` per local-language folder (its copies: the define of the PMDA Japanese
    datasets is made from it), then its report tables; return the paths in that order."""
    paths = write_datasets(datasets, folder, formats)
    own = [dataset for key, dataset in datasets.items() if "/" not in key]
    languages = sorted({key.split("/", 1)[0] for key in datasets if "/" in key})
    for stale in [path for path in folder.glob(f"*/{METADATA_FILE}") if path.parent.name not in languages]:
        stale.unlink()  # a language folder of an earlier run: its datasets are gone (write_datasets)
    local = [
        write_metadata(
            [dataset for key, dataset in datasets.items() if key.startswith(f"{language}/")], folder / language
        )
        for language in languages
    ]
    return [*paths, write_metadata(own, folder), *local, *write_tables(tables, folder)]
