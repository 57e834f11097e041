"""Prefetching: order per producer, errors handed over, and no wait for a stuck worker."""

from __future__ import annotations

import threading
import time
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

    with pytest.raises(ValueError, match="fell over"):
        list(prefetched([failing, later, later], workers=1))
    time.sleep(0.2)  # a worker that went on would have started the next producer by now
    assert started == [0]
