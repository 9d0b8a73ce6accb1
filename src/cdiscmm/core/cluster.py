"""Tasks of a stage mapped on a local Dask cluster (``--workers K``), their results taken in submission order.

A stage that works chunk by chunk (sdtm, validate) hands its chunks to :func:`in_order` with what every chunk
needs (sent once to each worker, ``client.scatter(..., broadcast=True)``); each task runs on a worker and its
result comes back in the order the chunks were given, whichever worker finished first, so the stage folds them as
one process would. A problem the user can fix (:class:`~cdiscmm.core.errors.CdiscmmError`) raised in a task is
returned as a value and raised again here: one message, exit 2, no worker traceback in the log.

Dask (``pip install 'cdiscmm[dask]'``) is imported only when a cluster is asked for (:func:`local_client`);
without it, one clear message (exit 2). docs/scaling.md, "Running the chunks on Dask".
"""

from __future__ import annotations

import itertools
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from cdiscmm.core import progress
from cdiscmm.core.errors import CdiscmmError, Location, UsageError

if TYPE_CHECKING:
    from distributed import Client, Future

#: Tasks sent ahead per worker by default: enough to keep every worker busy, few enough that the client holds
#: only a few chunks' inputs at a time.
AHEAD_PER_WORKER = 2

Shared = TypeVar("Shared")
Item = TypeVar("Item")
Result = TypeVar("Result")


def _on_worker(
    function: Callable[[Shared, Item], Result], quiet: bool, shared: Shared, item: Item
) -> Result | CdiscmmError:
    """In a worker: ``function(shared, item)``, a CdiscmmError returned rather than raised (a raised one would also
    be logged by the worker with its traceback)."""
    progress.set_quiet(quiet)
    try:
        return function(shared, item)
    except CdiscmmError as error:
        return error


def in_order(
    client: Client,
    function: Callable[[Shared, Item], Result],
    shared: Shared,
    items: Iterable[Item],
    *,
    quiet: bool = False,
    scatter: bool = True,
    ahead: int | None = None,
) -> Iterator[Result]:
    """``function(shared, item)`` for each of ``items`` on ``client``'s workers, the results in the order of
    ``items``; ``shared`` is sent once to every worker. ``scatter``: each item is sent straight to a worker (big
    inputs stay out of the task graph through the scheduler). ``ahead``: how many tasks are submitted beyond the
    one whose result is taken next (default :data:`AHEAD_PER_WORKER` per worker); the first ``ahead + 1`` are
    submitted at once, before any result is asked for, so the caller may work meanwhile. ``function`` must be
    picklable (a module-level function, or a :func:`functools.partial` of one)."""
    if ahead is None:
        ahead = AHEAD_PER_WORKER * max(1, len(client.scheduler_info()["workers"]))
    shipped = client.scatter(shared, broadcast=True, hash=False)
    pending: deque[Future] = deque()
    rest = iter(items)

    def submit(item: Item) -> None:
        sent = client.scatter(item, hash=False) if scatter else item
        pending.append(client.submit(_on_worker, function, quiet, shipped, sent, pure=False))

    for item in itertools.islice(rest, ahead + 1):
        submit(item)

    def taken() -> Iterator[Any]:
        while pending:
            future = pending.popleft()
            result = future.result()
            future.release()
            if isinstance(result, CdiscmmError):
                raise result
            yield result
            for item in itertools.islice(rest, 1):
                submit(item)

    return taken()


def require_dask() -> None:
    """UsageError when Dask is not installed (``--workers`` needs it)."""
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise UsageError(
            "--workers needs Dask, which is not installed",
            Location(field="--workers"),
            expected="pip install 'cdiscmm[dask]', or no --workers (one process)",
        ) from None


@contextmanager
def local_client(workers: int) -> Iterator[Client]:
    """A client of a local Dask cluster of ``workers`` processes of one thread each, shut down at the end;
    UsageError when Dask is not installed."""
    require_dask()
    import dask
    from distributed import Client, LocalCluster

    with (
        tempfile.TemporaryDirectory(prefix="cdiscmm-dask-") as scratch,
        # The scheduler's and workers' scratch space, removed after. No statistical profiler sampling each worker's
        # stack every 10 ms (for a dashboard nobody looks at). Dask's worker environment but MALLOC_TRIM_THRESHOLD_,
        # whose eager trimming doubled the workers' system time (sdtm, 10,000 subjects, one worker: 10.6 s -> 4.8 s).
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
        yield client
