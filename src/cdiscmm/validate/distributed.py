"""The parts of a chunked validation (``validate --chunk-subjects N --workers K``) run on a local Dask cluster.

The client finds the subjects, lays out the files (:class:`~cdiscmm.validate.chunks.ChunkedFiles`: each
dataset's chunk spans, first record and metadata) and plans the suites as one process does; this
:class:`~cdiscmm.validate.chunk_work.ChunkWork` is sent once to every worker. Every part (each rule on whole
columns, each dataset read whole, each chunk, the schema expectations) is submitted at once; a worker reads its
part's rows from the files itself (only a part's kind and name or number travel), imports GX and makes its context
once, and sends back the part's findings, renumbered to the whole files' rows. Meanwhile the client runs the rules
on first records and checks the collected data. It takes the results in the order of the parts
(:func:`cdiscmm.core.cluster.in_order`) and folds them as one process does: the same report.

Dask (``pip install 'cdiscmm[dask]'``) is imported only when a cluster is asked for; without it, one clear
message (exit 2).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

from cdiscmm.core.cluster import in_order, local_client, require_dask
from cdiscmm.validate.chunk_work import ChunkWork, Part, PartResult, PartRunner, in_process

if TYPE_CHECKING:
    from distributed import Client


def dask_runner(client: Client, quiet: bool = False) -> PartRunner:
    """A :data:`~cdiscmm.validate.chunk_work.PartRunner` running every part on ``client``'s workers at once (a
    part's input is its name; its findings are what the client keeps anyway), results in the order of the parts."""

    def run(work: ChunkWork, parts: list[Part]) -> Iterator[PartResult]:
        return in_order(client, ChunkWork.run, work, parts, quiet=quiet, scatter=False, ahead=len(parts))

    return run


@contextmanager
def part_runner(workers: int | None, quiet: bool = False) -> Iterator[PartRunner]:
    """The runner of a chunked validation: :func:`~cdiscmm.validate.chunk_work.in_process` without ``workers``;
    else one running each delivery's parts on a local Dask cluster of ``workers`` processes
    (:func:`cdiscmm.core.cluster.local_client`), started when the delivery is checked in chunks (a delivery of one
    chunk is checked whole, in this process) and shut down once its last result is taken, before the report is
    built (idle workers would hold their memory). UsageError at once when Dask is not installed."""
    if workers is None:
        yield in_process
        return
    require_dask()
    with ExitStack() as clusters:  # any cluster still up (a failed run) is shut down here at the latest

        def run(work: ChunkWork, parts: list[Part]) -> Iterator[PartResult]:
            cluster = clusters.enter_context(ExitStack())
            results = dask_runner(cluster.enter_context(local_client(workers)), quiet)(work, parts)

            def taken() -> Iterator[PartResult]:
                yield from results
                cluster.close()

            return taken()

        yield run
