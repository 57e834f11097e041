"""Prefetching: order per producer, errors handed over, and no wait for a stuck worker."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest

from ir_ingest.oai.prefetch import prefetched

if TYPE_CHECKING:
    from collections.abc import Iterator


def test_items_of_each_producer_keep_their_order() -> None:
    producers = [lambda n=n: iter(range(n * 10, n * 10 + 5)) for n in range(3)]
    got = list(prefetched(producers, workers=2))
    for index in range(3):
        assert [v for i, v in got if i == index] == list(range(index * 10, index * 10 + 5))


def test_a_producers_error_is_raised_to_the_consumer() -> None:
    def failing() -> Iterator[int]:
        yield 1
        raise ValueError("endpoint fell over")

    with pytest.raises(ValueError, match="fell over"):
        list(prefetched([failing], workers=1))


def test_closing_does_not_wait_for_a_stuck_worker() -> None:
    release = threading.Event()
    finished = threading.Event()

    def slow() -> Iterator[int]:
        yield 1
        release.wait(timeout=5)  # a response that does not come
        finished.set()
        yield 2

    items = prefetched([slow], workers=1)
    assert next(items) == (0, 1)
    items.close()  # the consumer gives up (an error, Ctrl-C): this must not wait for the worker
    assert not finished.is_set(), "close() waited for the stuck worker"
    release.set()


def test_after_a_producers_error_no_other_producer_starts() -> None:
    started: list[int] = []

    def failing() -> Iterator[int]:
        started.append(0)
        yield from ()  # a generator, like the others, that fails on its first request
        raise ValueError("endpoint fell over")

    def later() -> Iterator[int]:
        started.append(1)
        yield 1

    before = set(threading.enumerate())
    with pytest.raises(ValueError, match="fell over"):
        list(prefetched([failing, later, later], workers=1))
    # Once its worker has ended (it may have already), a worker that went on would have
    # started the next producer.
    for worker in set(threading.enumerate()) - before:
        worker.join(10)
        assert not worker.is_alive()
    assert started == [0]


def test_steps_meanwhile_are_taken_while_nothing_has_come() -> None:
    taken: list[str] = []
    asked = threading.Event()

    def waiting() -> Iterator[int]:
        asked.wait(timeout=5)  # the first page comes only after the last step
        yield 1

    def files() -> None:
        taken.append("files")
        asked.set()

    steps = [lambda: taken.append("table"), files]
    assert list(prefetched([waiting], meanwhile=steps)) == [(0, 1)]
    assert taken == ["table", "files"]


def test_steps_meanwhile_stop_once_an_item_has_come() -> None:
    taken: list[str] = []
    go, handed = threading.Event(), threading.Event()

    def quick() -> Iterator[int]:
        go.wait(timeout=5)
        yield 1
        handed.set()  # the worker asks for the next item only once the first is handed over
        yield 2

    def first() -> None:
        taken.append("table")
        go.set()
        assert handed.wait(timeout=5)

    steps = [first, lambda: taken.append("patterns")]
    assert list(prefetched([quick], meanwhile=steps)) == [(0, 1), (0, 2)]
    assert taken == ["table"], "a step was taken with a page waiting"


def test_idle_work_is_done_only_while_the_next_item_has_not_come() -> None:
    """Where a harvest copies SQLite's log into the database: in time it would wait anyway,
    never with a page there to store."""
    seen: list[object] = []
    go, handed = threading.Event(), threading.Event()

    def paced() -> Iterator[int]:
        go.wait(timeout=5)  # the first item comes only once the wait has been used
        yield 1
        yield 2
        handed.set()  # asked for the third: the second has been handed over
        yield 3

    def idle() -> None:
        seen.append("idle")
        go.set()

    for item in prefetched([paced], idle=idle):
        seen.append(item)
        if item == (0, 1):
            assert handed.wait(timeout=5)
    assert seen[:3] == ["idle", (0, 1), (0, 2)], "idle work was done with an item waiting"
    assert (0, 3) in seen
