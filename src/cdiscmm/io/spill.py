"""Finished dataset pieces spilled to Parquet files, so a subject-chunked build holds one chunk, not the study.

A chunked stage (``--chunk-subjects``) finishes each dataset a chunk of subjects at a time. :class:`PieceStore`
writes each finished piece to its own Parquet file in a temporary folder (Arrow keeps the pandas dtypes: ``string``
text, ``Float64`` numbers) and keeps only what the global steps need, all small: the piece's metadata, its row
count, its per-variable character maxima in bytes (phase 1 of :mod:`cdiscmm.io.xpt.append`) and the distinct rows
of the columns the caller names (e.g. the value-level keys). :meth:`PieceStore.take` gives a
:class:`SpilledDataset`: the final metadata and the piece files in order, which the writer step reads back one at a
time. The folder is removed when the store is closed.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import pandas as pd

from cdiscmm.io.xpt.append import merge_lengths, piece_lengths
from cdiscmm.metadata.model import Dataset, DatasetMeta

PREFIX = ".pieces-"


@dataclass(frozen=True)
class SpilledDataset:
    """A dataset whose records are Parquet pieces in order (concatenated, they are its data); ``lengths`` are its
    character variables' longest values in UTF-8 bytes, ``rows`` its record count."""

    meta: DatasetMeta
    files: tuple[Path, ...]
    lengths: dict[str, int]
    rows: int

    @property
    def name(self) -> str:
        """The dataset name."""
        return self.meta.name

    def frames(self, columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
        """Each piece's records (only ``columns`` when given, in the file's column order), one at a time."""
        for path in self.files:
            yield pd.read_parquet(path, columns=None if columns is None else list(columns))

    def joined(self) -> Dataset:
        """The whole dataset in memory (for what needs every record at once, e.g. Dataset-JSON, TS from DM)."""
        return Dataset(self.meta, pd.concat(list(self.frames()), ignore_index=True))


@dataclass
class _Pieces:
    files: list[Path] = field(default_factory=list)
    metas: list[DatasetMeta] = field(default_factory=list)
    lengths: list[dict[str, int]] = field(default_factory=list)
    distinct: list[pd.DataFrame] = field(default_factory=list)
    rows: int = 0


class PieceStore:
    """Dataset pieces in Parquet files of a temporary folder (in ``parent``, else the system's), keyed by dataset
    (e.g. ``AE`` or ``zh/AE``), in the order they are put. Use as a context manager: the folder goes at the end."""

    def __init__(self, parent: Path | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent))
        self._pieces: dict[str, _Pieces] = {}

    def __enter__(self) -> PieceStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Remove the folder and every piece."""
        shutil.rmtree(self.folder, ignore_errors=True)
        self._pieces.clear()

    def put(self, key: str, dataset: Dataset, distinct: Sequence[str] = ()) -> None:
        """Spill ``dataset`` as the next piece of ``key``; keep its metadata, row count, character maxima and the
        distinct rows of the ``distinct`` columns it has (in order of first appearance)."""
        pieces = self._pieces.setdefault(key, _Pieces())
        path = self.folder / f"{key.replace('/', '-').lower()}-{len(pieces.files):05d}.parquet"
        dataset.data.to_parquet(path, index=False)
        pieces.files.append(path)
        pieces.metas.append(dataset.meta)
        pieces.lengths.append(piece_lengths(dataset.meta, dataset.data, path, checked=False))
        columns = [name for name in distinct if name in dataset.data.columns]
        pieces.distinct.append(dataset.data[columns].drop_duplicates())
        pieces.rows += len(dataset.data)

    def __iter__(self) -> Iterator[str]:
        """The keys in the order their first piece was put."""
        return iter(list(self._pieces))

    def __contains__(self, key: object) -> bool:
        return key in self._pieces

    def metas(self, key: str) -> list[DatasetMeta]:
        """The metadata of each piece of ``key``, in order."""
        return list(self._pieces[key].metas)

    def distinct(self, key: str) -> pd.DataFrame:
        """The pieces' distinct rows of the ``distinct`` columns, piece after piece: the first appearance of a value
        and the set of values seen with it are those of the concatenated records."""
        return pd.concat(self._pieces[key].distinct, ignore_index=True)

    def take(self, key: str, meta: DatasetMeta) -> SpilledDataset:
        """``key``'s pieces as one dataset with the final ``meta`` (the pieces stay on disk until :meth:`close`)."""
        pieces = self._pieces[key]
        return SpilledDataset(meta, tuple(pieces.files), merge_lengths(pieces.lengths), pieces.rows)
