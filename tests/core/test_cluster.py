"""``cdiscmm.core.cluster``: tasks on a Dask cluster, results in the order given, a user's problem raised once."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

import pytest

from cdiscmm.core.cluster import in_order
from cdiscmm.core.errors import InputError, Location, UsageError
from cdiscmm.sdtm import build, distributed
from cdiscmm.validate import chunk_work
from cdiscmm.validate import distributed as validate_distributed


class Done:
    """A finished task (the part of ``distributed.Future`` the runner uses)."""

    def __init__(self, value: object) -> None:
        self.value = value

    def result(self) -> object:
        return self.value

    def release(self) -> None:
        """Nothing to free."""


def no_cluster(workers: int) -> None:
    """A stand-in for :func:`cdiscmm.core.cluster.local_client` where no cluster may start."""
    raise AssertionError("a cluster was started")


@dataclass
class InlineClient:
    """The part of ``distributed.Client`` :func:`in_order` uses, with ``workers`` workers, each task run at once in
    this process; ``order`` records each task submitted (its item named by ``name``) and ``broadcast`` the values
    sent to every worker. A test appends its own steps to ``order``."""

    workers: int = 1
    name: Callable[[object], str] = str
    order: list[str] = field(default_factory=list)
    broadcast: list[object] = field(default_factory=list)

    def scheduler_info(self) -> dict[str, dict[str, object]]:
        return {"workers": {f"tcp://{n}": {} for n in range(self.workers)}}

    def scatter(self, value: object, hash: bool, broadcast: bool = False) -> object:
        if broadcast:
            self.broadcast.append(value)
        return value

    def submit(self, function: Callable[..., object], *args: object, pure: bool) -> Done:
        self.order.append(f"submit {self.name(args[-1])}")  # the item
        return Done(function(*args))


def _times(shared: int, item: int) -> int:
    if item == 3:
        raise InputError("no such field", Location(file="ae.csv", row=3, field="AETERM"))
    return shared * item


def test_results_come_in_the_order_given_the_shared_value_sent_once() -> None:
    client = InlineClient(workers=1)
    results = in_order(client, _times, 10, [1, 2, 4, 5], scatter=False)
    client.order.append("take")
    assert list(results) == [10, 20, 40, 50]
    assert client.broadcast == [10]
    # one worker: three tasks (the next and two ahead) submitted at once, before any result is asked for
    assert client.order == ["submit 1", "submit 2", "submit 4", "take", "submit 5"]


def test_ahead_bounds_the_tasks_submitted_before_a_result_is_taken() -> None:
    client = InlineClient(workers=2)
    results = in_order(client, _times, 1, [1, 2, 4], ahead=0)
    assert client.order == ["submit 1"]
    assert next(results) == 1 and client.order == ["submit 1"]  # the next is sent once this one is taken
    assert list(results) == [2, 4] and client.order == ["submit 1", "submit 2", "submit 4"]


def test_a_users_problem_in_a_task_is_raised_by_the_client() -> None:
    results = in_order(InlineClient(), _times, 1, [1, 2, 3, 4], scatter=False)
    assert next(results) == 1 and next(results) == 2
    with pytest.raises(InputError, match=r"ae\.csv, row 3, field AETERM: no such field"):
        next(results)


@pytest.mark.parametrize(
    ("runner", "alone"),
    [(distributed.chunk_runner, build.in_process), (validate_distributed.part_runner, chunk_work.in_process)],
)
def test_without_dask_workers_is_one_clear_error_and_one_process_needs_no_dask(
    monkeypatch: pytest.MonkeyPatch,
    runner: Callable[[int | None], AbstractContextManager[object]],
    alone: Callable[..., Iterator[object]],
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` raises ImportError
    with runner(None) as in_this_process:
        assert in_this_process is alone
    with pytest.raises(UsageError, match=r"--workers needs Dask, which is not installed.*cdiscmm\[dask\]"), runner(2):
        pass
