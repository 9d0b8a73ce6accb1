"""Subject-partitioned ADaM (``--chunk-subjects N``): the registered builders run on the SDTM records of N subjects
at a time, each chunk's datasets are spilled to Parquet pieces, and the pieces joined in subject order are the
whole build's datasets.

Why the join is exact: every ADaM record belongs to one subject and every builder reads the SDTM of that subject
only (ADSL one record per subject; ADAE, ADRS, ADTTE, ADQS join the subject's ADSL record; ASEQ is numbered within
a subject, ADaMIG 1.3 §3.2.8); datasets sort by USUBJID first and chunks are cut from the sorted DM subjects. A
chunk reads only its subjects' rows of each SDTM file (:mod:`cdiscmm.adam.chunk_input`); trial design datasets
without USUBJID (TS, TA, …) are given whole to every chunk. Value-level metadata comes from the dataset specs (by
PARAMCD), not from the records, so it is the same in every chunk: the first piece's metadata is the dataset's.

Each finished piece goes to a :class:`cdiscmm.io.spill.PieceStore` and is dropped, so the build holds one chunk;
the writer step appends the pieces to the XPT files (:mod:`cdiscmm.io.xpt.append`). What is global — the endpoint
summary — reads back only ADRS and ADTTE (:func:`endpoint_datasets`), a few records per subject.

With a Dask client (``--workers K``, :mod:`cdiscmm.core.cluster`) the chunks are built on the workers: the chunked
delivery (file paths, sorted subjects, DM, each file's chunk spans read once here) is sent once to each worker,
which reads its chunk's rows itself and writes the chunk's pieces into the store's folder
(:class:`cdiscmm.io.spill.ChunkPieces`); their summaries come back in chunk order and are added to the store as
one process adds them, so the written files are the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from cdiscmm.adam.build import Builder, build_adam
from cdiscmm.adam.chunk_input import ChunkedDelivery
from cdiscmm.adam.endpoints import ENDPOINT_SOURCES
from cdiscmm.adam.sdtm_input import require
from cdiscmm.core import progress
from cdiscmm.io.spill import ChunkPieces, Piece, PieceStore, SpilledDataset
from cdiscmm.metadata.model import Dataset

if TYPE_CHECKING:
    from distributed import Client


def build_adam_chunked(
    sdtm: Mapping[str, pd.DataFrame],
    chunk_subjects: int,
    store: PieceStore,
    builders: Mapping[str, Builder] | None = None,
    workers: int | None = None,
) -> dict[str, SpilledDataset]:
    """Every registered ADaM dataset built ``chunk_subjects`` DM subjects at a time (sorted USUBJID order), each
    chunk's datasets spilled to ``store``: the same datasets as :func:`cdiscmm.adam.build.build_adam` on the
    whole ``sdtm``, joined. With ``workers`` and more than one chunk, the chunks are built on a local Dask cluster
    of that many processes (module notes); one chunk is built here (a cluster would only add its start)."""
    subjects = pd.Index(sorted(require(sdtm, "DM", ["USUBJID"])["USUBJID"].dropna().unique()))
    delivery = ChunkedDelivery(sdtm, subjects, chunk_subjects)
    count = delivery.chunks()
    if workers is None or count < 2:
        for number in range(count):
            with progress.step(f"ADaM of subjects chunk {number + 1}/{count}"):
                built = build_adam(delivery.chunk(number), builders)
            for name, dataset in built.items():
                store.put(name, dataset)
    else:
        from cdiscmm.core.cluster import local_client

        delivery.index_files()
        with local_client(workers) as client:
            _build_on(client, delivery, count, store, builders)
    return {name: store.take(name, store.metas(name)[0]) for name in store}


def _build_on(
    client: Client, delivery: ChunkedDelivery, count: int, store: PieceStore, builders: Mapping[str, Builder] | None
) -> None:
    """The ``count`` chunks of ``delivery`` built on ``client``'s workers, their pieces added to ``store`` in chunk
    order (as one process adds them)."""
    from cdiscmm.core.cluster import in_order

    task = partial(build_on_worker, builders, store.folder)
    with progress.step(f"ADaM of {count} subjects chunks on {len(client.scheduler_info()['workers'])} workers"):
        for written in in_order(client, task, delivery, range(count), quiet=progress.is_quiet(), scatter=False):
            for name, piece in written:
                store.add(name, piece)


def build_on_worker(
    builders: Mapping[str, Builder] | None, folder: Path, delivery: ChunkedDelivery, number: int
) -> list[tuple[str, Piece]]:
    """In a worker: chunk ``number`` of ``delivery`` built and spilled into ``folder``; its pieces' summaries in the
    order the datasets were built (the order one process puts them in the store)."""
    pieces = ChunkPieces(folder, number)
    for name, dataset in build_adam(delivery.chunk(number), builders).items():
        pieces.put(name, dataset)
    return pieces.written


def endpoint_datasets(adam: Mapping[str, Dataset | SpilledDataset]) -> dict[str, Dataset]:
    """The datasets the endpoint summary reads (:data:`~cdiscmm.adam.endpoints.ENDPOINT_SOURCES`), a spilled one
    read back joined."""
    return {
        name: dataset if isinstance(dataset, Dataset) else dataset.joined()
        for name, dataset in adam.items()
        if name in ENDPOINT_SOURCES
    }
