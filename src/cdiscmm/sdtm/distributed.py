"""The chunks of a subject-chunked SDTM build (``--chunk-subjects N --workers K``) mapped on a local Dask cluster.

What runs where (docs/scaling.md, "Running the chunks on Dask"): the client reads the forms, builds DM and cuts the
chunks as the single-process build does (:func:`cdiscmm.sdtm.build.build_datasets`); the finisher (mappings,
standards, DM) is sent once to every worker; each worker maps one chunk at a time
(:meth:`~cdiscmm.sdtm.build.Finisher.map_chunk`), writes its finished pieces to Parquet files in the client's
:class:`~cdiscmm.io.spill.PieceStore` folder (:class:`~cdiscmm.io.spill.ChunkPieces`) and sends back only their
summaries, its events and its lineage. The client adds the summaries to the store in chunk order
(:func:`cdiscmm.core.cluster.in_order`), so the global steps (value-level metadata, SUPP-- QNAM order, lengths,
TS, rejects, reconciliation) and the appending writer see the same pieces in the same order as in one process:
the files are byte-identical.

Dask (``pip install 'cdiscmm[dask]'``) is imported only when a cluster is asked for; without it, one clear
message (exit 2).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING

from cdiscmm.core.cluster import in_order, local_client, require_dask
from cdiscmm.io.spill import ChunkPieces, Piece, PieceStore
from cdiscmm.sdtm.build import ChunkOutput, ChunkRunner, Finisher, in_process
from cdiscmm.sdtm.partition import Chunk

if TYPE_CHECKING:
    from distributed import Client


def map_on_worker(
    domains: Sequence[str], folder: Path, finisher: Finisher, chunk: Chunk
) -> tuple[ChunkOutput, list[tuple[str, Piece]]]:
    """In a worker: map ``chunk``, spill its pieces into ``folder``; the chunk's output and its pieces' summaries."""
    pieces = ChunkPieces(folder, chunk.number)
    output = replace(finisher, pieces={}, store=pieces).map_chunk(chunk, domains)
    return output, pieces.written


def dask_runner(client: Client, quiet: bool = False) -> ChunkRunner:
    """A :data:`~cdiscmm.sdtm.build.ChunkRunner` mapping the chunks on ``client``'s workers, outputs in chunk order.
    The build must spill to a :class:`PieceStore` on storage every worker sees (here: the same machine)."""

    def run(finisher: Finisher, chunks: Iterable[Chunk], domains: Sequence[str]) -> Iterator[ChunkOutput]:
        store = finisher.store
        if not isinstance(store, PieceStore):
            raise TypeError("the Dask runner needs a chunked build that spills to a PieceStore")
        task = partial(map_on_worker, list(domains), store.folder)
        # the raw rows of each chunk go straight to a worker, not into the task graph through the scheduler
        for output, written in in_order(client, task, replace(finisher, pieces={}, store=None), chunks, quiet=quiet):
            for key, piece in written:
                store.add(key, piece)
            yield output

    return run


@contextmanager
def chunk_runner(workers: int | None, quiet: bool = False) -> Iterator[ChunkRunner]:
    """The runner of a build: :func:`~cdiscmm.sdtm.build.in_process` without ``workers``; else one mapping the
    chunks of a build of more than one chunk on a local Dask cluster of ``workers`` processes
    (:func:`cdiscmm.core.cluster.local_client`, started at the first such build, shut down at the end) and a build
    of one chunk in this process (a cluster would only add its start; the files are the same either way)."""
    if workers is None:
        yield in_process
        return
    require_dask()
    with ExitStack() as stack:
        clients: list[Client] = []

        def run(finisher: Finisher, chunks: Iterable[Chunk], domains: Sequence[str]) -> Iterator[ChunkOutput]:
            rest = iter(chunks)
            first = list(islice(rest, 2))
            if len(first) < 2:
                yield from in_process(finisher, first, domains)
                return
            if not clients:
                clients.append(stack.enter_context(local_client(workers)))
            yield from dask_runner(clients[0], quiet)(finisher, chain(first, rest), domains)

        yield run
