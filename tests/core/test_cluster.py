"""``cdiscmm.core.cluster``: tasks on a Dask cluster, results in the order given, a user's problem raised once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from cdiscmm.core.cluster import in_order
from cdiscmm.core.errors import InputError, Location


class Done:
    """A finished task (the part of ``distributed.Future`` the runner uses)."""

    def __init__(self, value: object) -> None:
        self.value = value

    def result(self) -> object:
        return self.value

    def release(self) -> None:
        """Nothing to free."""


@dataclass
class InlineClient:
    """The part of ``distributed.Client`` :func:`in_order` uses, with ``workers`` workers, each task run at once in
    this process; ``log`` records what was sent."""

    workers: int = 1
    log: list[str] = field(default_factory=list)

    def scheduler_info(self) -> dict[str, dict[str, object]]:
        return {"workers": {f"tcp://{n}": {} for n in range(self.workers)}}

    def scatter(self, value: object, hash: bool, broadcast: bool = False) -> object:
        self.log.append(f"broadcast {value}" if broadcast else f"scatter {value}")
        return value

    def submit(self, function: Callable[..., object], *args: object, pure: bool) -> Done:
        self.log.append(f"submit {args[-1]}")
        return Done(function(*args))


def _times(shared: int, item: int) -> int:
    if item == 3:
        raise InputError("no such field", Location(file="ae.csv", row=3, field="AETERM"))
    return shared * item


def test_results_come_in_the_order_given_the_shared_value_sent_once() -> None:
    client = InlineClient(workers=1)
    results = in_order(client, _times, 10, [1, 2, 4, 5], scatter=False)
    client.log.append("first taken")
    assert list(results) == [10, 20, 40, 50]
    # one worker: the shared value broadcast once, three tasks (the next and two ahead) submitted at once
    assert client.log[:5] == ["broadcast 10", "submit 1", "submit 2", "submit 4", "first taken"]


def test_ahead_bounds_the_tasks_submitted_before_a_result_is_taken() -> None:
    client = InlineClient()
    results = in_order(client, _times, 1, [1, 2, 4], ahead=0)
    assert client.log == ["broadcast 1", "scatter 1", "submit 1"]
    assert next(results) == 1 and client.log[-1] == "submit 1"  # the next is sent only once this one is taken
    assert list(results) == [2, 4] and client.log[-2:] == ["scatter 4", "submit 4"]


def test_a_users_problem_in_a_task_is_raised_by_the_client() -> None:
    results = in_order(InlineClient(), _times, 1, [1, 2, 3, 4], scatter=False)
    assert next(results) == 1 and next(results) == 2
    with pytest.raises(InputError, match=r"ae\.csv, row 3, field AETERM: no such field"):
        next(results)
