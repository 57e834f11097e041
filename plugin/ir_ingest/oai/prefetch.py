"""Fetch pages in background threads while the caller crosswalks and stores the previous one.

A page's resumption token is known as soon as the page is parsed, so the next request can be on
the wire while the page is processed.  Each producer (one date window) runs in a worker thread;
at most ``workers`` run at once, which is also the number of requests in flight to the endpoint
(the per-endpoint concurrency limit).  The hand-over queue holds ``workers`` pages, so memory is
bounded by a few pages, never by the harvest.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterator, Sequence

T = TypeVar("T")
_POLL = 0.1


@dataclass(frozen=True, slots=True)
class _Done:
    error: BaseException | None = None


@dataclass(frozen=True, slots=True)
class _Item(Generic[T]):
    value: T


def prefetched(
    producers: Sequence[Callable[[], Iterator[T]]],
    workers: int = 1,
    meanwhile: Sequence[Callable[[], object]] = (),
    idle: Callable[[], object] | None = None,
) -> Generator[tuple[int, T], None, None]:
    """Yield ``(producer index, item)`` as worker threads produce them.

    Items of one producer keep their order.  The first error a producer raises is raised here
    (after the other workers are told to stop); closing the generator stops the workers too.
    The steps of ``meanwhile`` are taken here, in order, once the workers have started, until
    the first item has come: work the caller will need done anyway, in time it would wait.
    ``idle`` is called here each time the next item has not come yet, before waiting for it:
    short work that would otherwise be done later, in time the caller would wait.
    """
    if not producers:
        return
    handover: queue.Queue[tuple[int, _Item[T] | _Done]] = queue.Queue(maxsize=max(1, workers))
    stop = threading.Event()
    pending: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(len(producers)):
        pending.put(index)
    # Daemon threads, not a pool: after an error or Ctrl-C the consumer returns at once, and a
    # worker still waiting on a slow response (up to the read timeout) cannot hold up the exit.
    for number in range(min(max(1, workers), len(producers))):
        threading.Thread(
            target=_work,
            args=(producers, pending, handover, stop),
            name=f"oai-prefetch-{number}",
            daemon=True,
        ).start()
    try:
        for step in meanwhile:
            if not handover.empty():
                break
            step()
        yield from _collect(len(producers), handover, idle)
    finally:
        stop.set()
        _empty(handover)


def _work(
    producers: Sequence[Callable[[], Iterator[T]]],
    pending: queue.SimpleQueue[int],
    handover: queue.Queue[tuple[int, _Item[T] | _Done]],
    stop: threading.Event,
) -> None:
    """Worker: run producers one after another until none is left or the consumer has gone."""
    while not stop.is_set():
        try:
            index = pending.get_nowait()
        except queue.Empty:
            return
        _drain(index, producers[index], handover, stop)


def _collect(
    count: int,
    handover: queue.Queue[tuple[int, _Item[T] | _Done]],
    idle: Callable[[], object] | None,
) -> Iterator[tuple[int, T]]:
    remaining = count
    while remaining:
        if idle is not None and handover.empty():
            idle()
        index, message = handover.get()
        if isinstance(message, _Done):
            if message.error is not None:
                raise message.error
            remaining -= 1
        else:
            yield index, message.value


def _drain(
    index: int,
    producer: Callable[[], Iterator[T]],
    handover: queue.Queue[tuple[int, _Item[T] | _Done]],
    stop: threading.Event,
) -> None:
    """Worker: run one producer to its end, handing each item over; report how it ended."""
    try:
        for value in producer():
            if not _put(handover, (index, _Item(value)), stop):
                return
    except BaseException as exc:  # handed to the consumer, which raises it
        _put(handover, (index, _Done(exc)), stop)
        # The run fails with it: no worker starts another window's requests meanwhile (they
        # reached the endpoint after the run had ended, and a test server counted them).
        stop.set()
    else:
        _put(handover, (index, _Done()), stop)


def _put(
    handover: queue.Queue[tuple[int, _Item[T] | _Done]],
    message: tuple[int, _Item[T] | _Done],
    stop: threading.Event,
) -> bool:
    """Block until there is room, or until the consumer has gone; False when it has gone."""
    while not stop.is_set():
        try:
            handover.put(message, timeout=_POLL)
        except queue.Full:
            continue
        return True
    return False


def _empty(handover: queue.Queue[tuple[int, _Item[T] | _Done]]) -> None:
    """Drop what is waiting, so no worker stays blocked on a full queue."""
    while True:
        try:
            handover.get_nowait()
        except queue.Empty:
            return
