"""Messages between a harvest and its crosswalk process: framed, and written whole."""

from __future__ import annotations

import io
import os
import signal
import threading

import pytest

from ir_ingest.entry import Issue, Severity
from ir_ingest.worker.wire import IssueTable, issue_data, read_message, write_message


def test_messages_are_read_back_as_written_and_the_end_is_none() -> None:
    stream = io.BytesIO()
    for payload in (b"one", b"", b"x" * 70_000):
        write_message(stream, payload)
    stream.seek(0)
    assert [read_message(stream) for _ in range(4)] == [b"one", b"", b"x" * 70_000, None]


def test_a_message_cut_short_is_the_end() -> None:
    stream = io.BytesIO()
    write_message(stream, b"whole message")
    assert read_message(io.BytesIO(stream.getvalue()[:-3])) is None


def test_bytes_that_are_no_message_s_length_are_refused() -> None:
    # What a sitecustomize printed at the child's start-up, read as a length.
    with pytest.raises(ValueError, match="is no message's length"):
        read_message(io.BytesIO(b"hello world, this is no frame"))


def test_a_message_is_written_whole_when_a_signal_cuts_a_write_short() -> None:
    # A write to a full pipe that a signal interrupts returns what it wrote so far: the rest
    # of the message must follow, or the other side reads garbage.
    reading, writing = os.pipe()
    got: list[bytes | None] = []
    signalled = threading.Event()

    def read() -> None:
        signalled.wait()  # the pipe stays full until the write is cut short
        with os.fdopen(reading, "rb") as stream:
            got.append(read_message(stream))

    previous = signal.signal(signal.SIGUSR1, lambda *_: signalled.set())
    reader = threading.Thread(target=read)
    reader.start()
    main = threading.get_ident()
    interrupt = threading.Timer(0.1, signal.pthread_kill, (main, signal.SIGUSR1))
    interrupt.start()
    payload = os.urandom(1 << 20)  # more than a pipe holds
    try:
        with os.fdopen(writing, "wb", buffering=0) as stream:
            write_message(stream, payload)
    finally:
        signal.signal(signal.SIGUSR1, previous)
        interrupt.join()
        signalled.set()
        reader.join()
    assert [len(message or b"") for message in got] == [len(payload)]
    assert got == [payload]


def test_a_page_s_issues_are_sent_once_each_and_its_entries_name_their_places() -> None:
    shared = Issue("validate.missing_subject", "no subject", Severity.INFO, "subjects")
    error = Issue("crosswalk.invalid_output", "invalid", Severity.ERROR)
    # Equal to the first, but another object: found by identity, it has a place of its own,
    # and the entry still gets back an issue equal to its own.
    alike = Issue("validate.missing_subject", "no subject", Severity.INFO, "subjects")
    table = IssueTable()
    places = [table.places([shared, error]), table.places([]), table.places([alike, shared])]
    assert places == [[0, 1], [], [2, 0]]
    assert table.issues == [issue_data(shared), issue_data(error), issue_data(alike)]
    sent = [[Issue(*table.issues[at]) for at in entry] for entry in places]
    assert sent == [[shared, error], [], [alike, shared]]
