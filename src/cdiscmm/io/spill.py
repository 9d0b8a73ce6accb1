"""Finished dataset pieces spilled to Parquet files, so a subject-chunked build holds one chunk, not the study.

A chunked stage (``--chunk-subjects``) finishes each dataset a chunk of subjects at a time. :class:`PieceStore`
writes each finished piece to its own Parquet file in a temporary folder (Arrow keeps the pandas dtypes: ``string``
text, ``Float64`` numbers) and keeps only what the global steps need, all small: the piece's metadata, its row
count, its per-variable character maxima in bytes (phase 1 of :mod:`cdiscmm.io.xpt.append`) and the distinct rows
of the columns the caller names (e.g. the value-level keys). :meth:`PieceStore.take` gives a
:class:`SpilledDataset`: the final metadata and the piece files in order, which the writer step reads back one at a
time. The folder is removed when the store is closed. A worker process of a distributed run
(:mod:`cdiscmm.sdtm.distributed`) writes one chunk's pieces into the same folder with :class:`ChunkPieces` and sends
back only their summaries (:class:`Piece`), which the store adds in chunk order (:meth:`PieceStore.add`).
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


@dataclass(frozen=True)
class Piece:
    """One spilled piece: its Parquet file, metadata, character maxima in bytes, distinct rows of the value-level
    columns and row count (all small but the file)."""

    file: Path
    meta: DatasetMeta
    lengths: dict[str, int]
    distinct: pd.DataFrame
    rows: int


def spill_piece(path: Path, dataset: Dataset, distinct: Sequence[str] = ()) -> Piece:
    """Write ``dataset``'s records to the Parquet file ``path``; its summary, with the distinct rows of the
    ``distinct`` columns it has (in order of first appearance)."""
    dataset.data.to_parquet(path, index=False)
    lengths = piece_lengths(dataset.meta, dataset.data, path, checked=False)
    columns = [name for name in distinct if name in dataset.data.columns]
    return Piece(path, dataset.meta, lengths, dataset.data[columns].drop_duplicates(), len(dataset.data))


def _stem(key: str) -> str:
    """A file name part for a dataset key (``zh/AE`` -> ``zh-ae``)."""
    return key.replace("/", "-").lower()


@dataclass
class ChunkPieces:
    """One chunk's pieces, written by a worker process into a store's ``folder`` (file names carry the chunk
    ``number``, so workers never collide); ``written`` keeps each key and piece summary in the order put."""

    folder: Path
    number: int
    written: list[tuple[str, Piece]] = field(default_factory=list)

    def put(self, key: str, dataset: Dataset, distinct: Sequence[str] = ()) -> None:
        """Spill ``dataset`` as this chunk's piece of ``key`` (:func:`spill_piece`)."""
        path = self.folder / f"chunk{self.number:05d}-{len(self.written):03d}-{_stem(key)}.parquet"
        self.written.append((key, spill_piece(path, dataset, distinct)))


class PieceStore:
    """Dataset pieces in Parquet files of a temporary folder (in ``parent``, else the system's), keyed by dataset
    (e.g. ``AE`` or ``zh/AE``), in the order they are put. Use as a context manager: the folder goes at the end."""

    def __init__(self, parent: Path | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent))
        self._pieces: dict[str, list[Piece]] = {}

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
        """Spill ``dataset`` as the next piece of ``key``; keep its summary (:func:`spill_piece`)."""
        path = self.folder / f"{_stem(key)}-{len(self._pieces.get(key, [])):05d}.parquet"
        self.add(key, spill_piece(path, dataset, distinct))

    def add(self, key: str, piece: Piece) -> None:
        """Keep ``piece`` (already written in :attr:`folder`, e.g. by :class:`ChunkPieces`) as the next of ``key``."""
        self._pieces.setdefault(key, []).append(piece)

    def __iter__(self) -> Iterator[str]:
        """The keys in the order their first piece was put."""
        return iter(list(self._pieces))

    def __contains__(self, key: object) -> bool:
        return key in self._pieces

    def metas(self, key: str) -> list[DatasetMeta]:
        """The metadata of each piece of ``key``, in order."""
        return [piece.meta for piece in self._pieces[key]]

    def distinct(self, key: str) -> pd.DataFrame:
        """The pieces' distinct rows of the ``distinct`` columns, piece after piece: the first appearance of a value
        and the set of values seen with it are those of the concatenated records."""
        return pd.concat([piece.distinct for piece in self._pieces[key]], ignore_index=True)

    def take(self, key: str, meta: DatasetMeta) -> SpilledDataset:
        """``key``'s pieces as one dataset with the final ``meta`` (the pieces stay on disk until :meth:`close`)."""
        pieces = self._pieces[key]
        files = tuple(piece.file for piece in pieces)
        return SpilledDataset(
            meta, files, merge_lengths([piece.lengths for piece in pieces]), sum(p.rows for p in pieces)
        )
