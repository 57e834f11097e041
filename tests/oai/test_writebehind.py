"""The writer thread: order kept, writes done before flush returns, errors raised to the caller."""

from __future__ import annotations

import threading

import pytest

from ir_ingest.oai.writebehind import WriteBehind


def test_items_are_written_in_order_in_another_thread() -> None:
    written: list[int] = []
    threads: set[str] = set()

    def write(item: int) -> None:
        threads.add(threading.current_thread().name)
        written.append(item)

    with WriteBehind(write) as writer:
        for item in range(50):
            writer.submit(item)
    assert written == list(range(50))
    assert threads == {"store-writer"}


def test_flush_returns_once_everything_submitted_is_written() -> None:
    written: list[int] = []
    gate = threading.Event()

    def write(item: int) -> None:
        gate.wait(timeout=5)
        written.append(item)

    with WriteBehind(write, depth=2) as writer:
        writer.submit(1)
        writer.submit(2)
        assert written == []  # held at the gate
        gate.set()
        writer.flush()
        assert written == [1, 2]


def test_the_writers_error_is_raised_by_the_next_call_and_later_items_are_dropped() -> None:
    written: list[int] = []

    def write(item: int) -> None:
        if item == 2:
            raise OSError("disk full")
        written.append(item)

    def submit_all() -> None:
        with WriteBehind(write) as writer:
            for item in range(1, 6):
                writer.submit(item)
            writer.flush()

    with pytest.raises(OSError, match="disk full"):
        submit_all()
    assert written == [1]


def test_an_error_at_the_end_is_raised_on_leaving() -> None:
    def write(item: int) -> None:
        raise OSError("database is locked")

    with pytest.raises(OSError, match="locked"), WriteBehind(write) as writer:
        writer.submit(1)


def test_leaving_on_the_callers_error_still_writes_what_was_submitted() -> None:
    written: list[int] = []
    gate = threading.Event()

    def write(item: int) -> None:
        gate.wait(timeout=5)
        written.append(item)

    def fail_after_two() -> None:
        with WriteBehind(write, depth=3) as writer:
            writer.submit(1)
            writer.submit(2)
            gate.set()
            raise RuntimeError("the endpoint failed for good")

    with pytest.raises(RuntimeError, match="endpoint"):
        fail_after_two()
    assert written == [1, 2]
