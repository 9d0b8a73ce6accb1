"""The writer step's per-format dispatch: a Dataset becomes ``<name>.xpt`` (SAS XPORT v5, the default) and/or
``<name>.json`` (CDISC Dataset-JSON v1.1), lower-case name; ``--format`` on sdtm and adam chooses the formats."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from cdiscmm.core.errors import Location, UsageError
from cdiscmm.io.datasetjson import write_dataset_json
from cdiscmm.io.metadata import METADATA_FILE
from cdiscmm.io.xpt.write import write_xpt
from cdiscmm.metadata.model import Dataset

Writer = Callable[[Dataset, Path], Path]
#: Format name -> (file suffix, writer).
WRITERS: dict[str, tuple[str, Writer]] = {"xpt": (".xpt", write_xpt), "json": (".json", write_dataset_json)}
DEFAULT_FORMATS = ("xpt",)


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


def write_datasets(
    datasets: Mapping[str, Dataset], folder: Path, formats: Iterable[str] = DEFAULT_FORMATS
) -> list[Path]:
    """Write every dataset of ``datasets`` (key: name, or ``<lang>/<name>``) into ``folder`` in each format, after
    removing the files of an earlier run; return the paths."""
    formats = tuple(formats)
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale(folder, formats)
    return [
        WRITERS[name][1](dataset, folder / f"{key.lower()}{WRITERS[name][0]}")
        for name in formats
        for key, dataset in datasets.items()
    ]
