"""The chunks of a subject-chunked SDTM build (``--chunk-subjects N --workers K``) mapped on a local Dask cluster.

What runs where (docs/scaling.md, "Running the chunks on Dask"): the client reads the forms, builds DM and cuts the
chunks as the single-process build does (:func:`cdiscmm.sdtm.build.build_datasets`); the finisher (mappings,
standards, DM) is sent once to every worker; each worker maps one chunk at a time
(:meth:`~cdiscmm.sdtm.build.Finisher.map_chunk`), writes its finished pieces to Parquet files in the client's
:class:`~cdiscmm.io.spill.PieceStore` folder (:class:`~cdiscmm.io.spill.ChunkPieces`) and sends back only their
summaries, its events and its lineage. The client adds the summaries to the store in chunk order, so the global
steps (value-level metadata, SUPP-- QNAM order, lengths, TS, rejects, reconciliation) and the appending writer see
the same pieces in the same order as in one process: the files are byte-identical.

Dask (``pip install 'cdiscmm[dask]'``) is imported only when a cluster is asked for; without it, one clear
message (exit 2).
"""

from __future__ import annotations

import tempfile
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from cdiscmm.core import progress
from cdiscmm.core.errors import CdiscmmError, Location, UsageError
from cdiscmm.io.spill import ChunkPieces, Piece, PieceStore
from cdiscmm.sdtm.build import ChunkOutput, ChunkRunner, Finisher, in_process
from cdiscmm.sdtm.partition import Chunk

if TYPE_CHECKING:
    from distributed import Client, Future

#: Chunks sent ahead per worker: enough to keep every worker busy, few enough that the client holds only a few
#: chunks' raw rows at a time.
AHEAD_PER_WORKER = 2


def map_on_worker(
    finisher: Finisher, domains: Sequence[str], folder: Path, quiet: bool, chunk: Chunk
) -> tuple[ChunkOutput, list[tuple[str, Piece]]] | CdiscmmError:
    """In a worker: map ``chunk``, spill its pieces into ``folder``; the chunk's output and its pieces' summaries.
    A problem the user can fix is returned, to be raised by the client as one message (a raised one would also be
    logged by the worker with its traceback)."""
    progress.set_quiet(quiet)
    pieces = ChunkPieces(folder, chunk.number)
    try:
        output = replace(finisher, pieces={}, store=pieces).map_chunk(chunk, domains)
    except CdiscmmError as error:
        return error
    return output, pieces.written


def dask_runner(client: Client, quiet: bool = False) -> ChunkRunner:
    """A :data:`~cdiscmm.sdtm.build.ChunkRunner` mapping the chunks on ``client``'s workers, outputs in chunk order.
    The build must spill to a :class:`PieceStore` on storage every worker sees (here: the same machine)."""
    ahead = AHEAD_PER_WORKER * max(1, len(client.scheduler_info()["workers"]))

    def run(finisher: Finisher, chunks: Iterable[Chunk], domains: Sequence[str]) -> Iterator[ChunkOutput]:
        store = finisher.store
        if not isinstance(store, PieceStore):
            raise TypeError("the Dask runner needs a chunked build that spills to a PieceStore")
        shipped = client.scatter(replace(finisher, pieces={}, store=None), broadcast=True, hash=False)
        pending: deque[Future] = deque()

        def collect() -> ChunkOutput:
            future = pending.popleft()
            result = future.result()
            future.release()
            if isinstance(result, CdiscmmError):
                raise result
            output, written = result
            for key, piece in written:
                store.add(key, piece)
            return output

        for chunk in chunks:  # the raw rows go straight to a worker, not into the task graph through the scheduler
            rows = client.scatter(chunk, hash=False)
            pending.append(client.submit(map_on_worker, shipped, list(domains), store.folder, quiet, rows, pure=False))
            if len(pending) > ahead:
                yield collect()
        while pending:
            yield collect()

    return run


@contextmanager
def chunk_runner(workers: int | None, quiet: bool = False) -> Iterator[ChunkRunner]:
    """The runner of a build: :func:`~cdiscmm.sdtm.build.in_process` without ``workers``; else a local Dask cluster
    of ``workers`` processes of one thread each, shut down at the end."""
    if workers is None:
        yield in_process
        return
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise UsageError(
            "--workers needs Dask, which is not installed",
            Location(field="--workers"),
            expected="pip install 'cdiscmm[dask]', or no --workers (one process)",
        ) from None
    with (
        tempfile.TemporaryDirectory(prefix="cdiscmm-dask-") as scratch,
        # The scheduler's and workers' scratch space, removed after. No statistical profiler sampling each worker's
        # stack every 10 ms (for a dashboard nobody looks at). Dask's worker environment but MALLOC_TRIM_THRESHOLD_,
        # whose eager trimming doubled the workers' system time (10,000 subjects, one worker: 10.6 s -> 4.8 s).
        dask.config.set(
            {
                "temporary-directory": scratch,
                "distributed.worker.profile.enabled": False,
                "distributed.nanny.pre-spawn-environ": {
                    "OMP_NUM_THREADS": 1,
                    "MKL_NUM_THREADS": 1,
                    "OPENBLAS_NUM_THREADS": 1,
                },
            }
        ),
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        yield dask_runner(client, quiet)
