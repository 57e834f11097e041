"""The pipeline's crosswalk stage in a process of its own, so a harvest uses a second core.

A harvest is CPU-bound once pages come quicker than it reads, crosswalks, validates and stores
them, and a process's threads share one core (the GIL).  A :class:`CrosswalkWorker` reads pages
and runs :func:`ir_ingest.pipeline.process` over their records in a child process while the
harvest stores the pages before them; the harvest still commits pages one by one, in order,
each with its checkpoint (``bench/harvest.py`` measures what it gains).

- The child is spawned, not forked: a harvest (and the test suite) has threads, which fork()
  does not carry over, so a lock one of them held would stay held in the child for good.
- It warms up (imports, crosswalk files, idutils' patterns: about half a second) while the
  harvest goes on without it (``--crosswalk-process`` waits for it); :attr:`CrosswalkWorker.ready`
  says when it can take pages.
- Records and entries cross the pipe as msgpack (:mod:`ir_ingest.worker.wire`); the child's
  side is :mod:`ir_ingest.worker.__main__`.
- The child reads until its pipe closes: when the harvest's process ends, however it ends
  (``kill -9`` too), the child ends, without a word once it finds nobody to answer.  When
  the child dies, or sends what cannot be read, :class:`CrosswalkWorker` raises
  :class:`~ir_ingest.errors.HarvestError` (again at each call: nothing more is waited for),
  and the pages stored so far stand.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
from typing import IO, TYPE_CHECKING

from ir_ingest.entry import Entry, Issue
from ir_ingest.errors import ConfigError, HarvestError
from ir_ingest.worker.wire import (
    ENCODE,
    REPLY,
    Done,
    PageMessage,
    Processed,
    Ready,
    from_wire,
    issue_data,
    issues_from_wire,
    read_message,
    to_wire,
    write_message,
)

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from ir_ingest.oai.responses import Page

#: How long :meth:`CrosswalkWorker.close` waits for the child to end on SIGTERM before it is
#: killed.
_EXIT_WAIT = 5.0

#: Where the crosswalk process fails, what the harvest can do instead.
_WITHOUT = "; --no-crosswalk-process harvests without it"

#: What the reader thread hands over: an answer; or, last, why there are no more (``None``:
#: the child has gone).
_Reply = Ready | list[Entry] | ConfigError | HarvestError | None


class CrosswalkWorker:
    """A child process that processes pages of records, in the order they are sent.

    A thread of this process reads the child's answers as they come, so that neither side
    ever waits on a full pipe, however many pages are in flight.
    """

    def __init__(self, crosswalk_dirs: Sequence[Path], lookup_dirs: Sequence[Path]) -> None:
        """Start the child; ``*_dirs`` are the user folders this process was given, searched
        first (as :func:`~ir_ingest.crosswalk.add_crosswalk_dir` left them)."""
        # The child imports what this process imports: its path is this one's, in this order
        # (a checkout's package, a folder a script put first), and -P keeps ``-m`` from putting
        # the working folder before it, where a user's csv.py or ir_ingest/ would be run.
        path = os.pathsep.join(os.path.abspath(entry) for entry in sys.path)
        folders = [f"--crosswalks={folder}" for folder in crosswalk_dirs]
        folders += [f"--lookups={folder}" for folder in lookup_dirs]
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-P", "-m", "ir_ingest.worker", *folders],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                bufsize=0,
                env={**os.environ, "PYTHONPATH": path},
                # Out of the terminal's process group: Ctrl-C is the harvest's to act on, and
                # the child ends when the harvest closes the pipe (a traceback would confuse).
                start_new_session=True,
            )
        except OSError as exc:  # the interpreter removed meanwhile, no processes left
            raise HarvestError(f"cannot start the crosswalk process ({exc}){_WITHOUT}") from exc
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        for pipe in (self._process.stdin, self._process.stdout):
            _widen(pipe)
        self._to_child: IO[bytes] = self._process.stdin
        self._replies: queue.SimpleQueue[_Reply] = queue.SimpleQueue()
        self._reader = threading.Thread(
            target=_read_replies,
            args=(self._process.stdout, self._replies),
            name="ir-ingest-crosswalk-reader",
            daemon=True,
        )
        self._reader.start()
        self._ready = False
        self._failure: HarvestError | None = None
        self.in_flight = 0

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self._process.pid

    @property
    def exit_code(self) -> int | None:
        """The child's exit status once it has ended (negative: the signal that ended it)."""
        return self._process.returncode

    @property
    def ready(self) -> bool:
        """True once the child has warmed up (never waits); raises :class:`HarvestError`
        when it could not."""
        if not self._ready and not self._replies.empty():
            self.wait_ready()
        return self._ready

    def wait_ready(self) -> None:
        """Wait for the child to warm up; raises :class:`HarvestError` when it could not."""
        if not self._ready:
            self._ready = isinstance(self._next(), Ready)

    @property
    def unanswered(self) -> int:
        """Pages sent whose answers have not come yet (never waits)."""
        return self.in_flight - self._replies.qsize()

    def send(self, page: Page, crosswalk: str | None = None) -> None:
        """Hand a page over, to be read there if it is unread, and its records crosswalked
        (with ``crosswalk`` when given); :meth:`receive` gets their entries."""
        assert self._ready, "not warmed up yet"
        if page.unread is not None:
            repository, prefix = page.unread
            sent = PageMessage(crosswalk, page.body, repository, prefix)
        else:
            records = [
                (
                    to_wire(h),
                    [issue_data(i) for i in page.issues_by_identifier.get(h.identifier, ())],
                )
                for h in page.records
            ]
            sent = PageMessage(crosswalk, records=records)
        try:
            write_message(self._to_child, ENCODE.encode(sent))
        except OSError as exc:  # BrokenPipeError: the child has died
            self._failure = self._failure or self._died()
            raise self._failure from exc
        self.in_flight += 1

    def receive(self) -> list[Entry]:
        """The entries of the first page sent and not received yet, in its order; waits.

        Raises :class:`ConfigError` for a crosswalk or lookup file the child could not read,
        and :class:`HarvestError` when the child has died or what it sent cannot be read.
        """
        if self._failure is not None:
            raise self._failure  # said again, as by every call once the child has gone
        assert self.in_flight, "nothing was sent"
        self.in_flight -= 1
        reply = self._next()
        if isinstance(reply, ConfigError):
            raise reply
        assert isinstance(reply, list)
        return reply

    def close(self) -> None:
        """End the child, at once: nothing it still has is wanted (the harvest has taken its
        answers, or is stopping, and pages left unanswered are fetched again).

        Not waited for until it leaves its loop: one still warming up would finish that first,
        and a harvest of a few pages waited half a second or more for a process it never used.
        """
        self._to_child.close()
        self._process.terminate()
        try:
            self._process.wait(_EXIT_WAIT)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._reader.join(_EXIT_WAIT)

    def __enter__(self) -> CrosswalkWorker:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _next(self) -> Ready | list[Entry] | ConfigError:
        """The next answer; once there are none, why (said again, never waited for)."""
        if self._failure is None:
            reply = self._replies.get()
            if reply is not None and not isinstance(reply, HarvestError):
                return reply
            self._failure = reply or self._died()
        raise self._failure

    def _died(self) -> HarvestError:
        """The child's end, said as it came; what became of the run's pages is said with the
        run's failure (:func:`~ir_ingest.oai.harvest.run_harvest`)."""
        try:
            how = _how_it_ended(self._process.wait(_EXIT_WAIT))
        except subprocess.TimeoutExpired:
            how = "it stopped answering"
        return HarvestError(f"the crosswalk process ended unexpectedly ({how}){_WITHOUT}")


def _how_it_ended(code: int) -> str:
    if code >= 0:
        return f"exit status {code}"
    with contextlib.suppress(ValueError):
        return f"killed by {signal.Signals(-code).name}"
    return f"killed by signal {-code}"


#: The size a pipe to or from the child is given: Linux's default ``pipe-max-size``.
_PIPE_SIZE = 1 << 20


def _widen(pipe: IO[bytes]) -> None:
    """Let ``pipe`` hold a whole page or answer (some hundreds of kilobytes) where the system
    allows it.

    A pipe holds 64 KiB by default: the child would stop mid-answer until this process's
    reader thread had taken each 64 KiB, and that thread waits its turn at the GIL (up to
    5 ms) after every read.  Elsewhere (another system, a lower limit) pipes stay as they
    are: slower, no less correct.
    """
    # No fcntl (Windows), no F_SETPIPE_SZ (not Linux), a lower limit: nothing to do.
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_SIZE)


def _read_replies(stream: IO[bytes], replies: queue.SimpleQueue[_Reply]) -> None:
    """The reader thread: each answer as it comes; then ``None`` when the child has gone, or
    the error that what it sent cannot be read."""
    with stream:
        try:
            while (message := read_message(stream)) is not None:
                replies.put(_reply(REPLY.decode(message)))
        except Exception as exc:  # whatever it is, the harvest must not wait for ever
            cause = f"{type(exc).__name__}: {exc}"
            failure = f"the crosswalk process sent an answer that cannot be read ({cause})"
            replies.put(HarvestError(failure + _WITHOUT))
            return
    replies.put(None)


def _reply(reply: Ready | Done) -> Ready | list[Entry] | ConfigError:
    if isinstance(reply, Ready):
        return reply
    if reply.config_error is not None:
        return ConfigError(reply.config_error)
    issues = issues_from_wire(reply.issues)
    return [_entry(done, issues) for done in reply.entries]


def _entry(done: Processed, issues: list[Issue]) -> Entry:
    return Entry(
        from_wire(done.harvested),
        record=done.record,
        issues=[issues[at] for at in done.issues],
    )
