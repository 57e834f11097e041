"""The pipeline's crosswalk stage in a process of its own, so a harvest uses a second core.

A harvest is CPU-bound once pages come quicker than a page's processing: parsing,
crosswalking and validating a record cost some 250 µs, storing it 130 µs, and a process's
threads share one core (the GIL).  A :class:`CrosswalkWorker` runs
:func:`ir_ingest.pipeline.process` over a page's records in a child process while the harvest
stores the page before; the harvest still commits pages one by one, in order, each with its
checkpoint.

- The child is spawned, not forked: a harvest (and the test suite) has threads, which fork()
  does not carry over, so a lock one of them held would stay held in the child for good.
- It warms up (imports, crosswalk files, idutils' patterns: about a second) while the harvest
  goes on without it; :attr:`CrosswalkWorker.ready` says when it can take pages.
- Records and entries cross the pipe as msgpack: pickling a Record costs ten times more.
- The child reads until its pipe closes: when the harvest's process ends, however it ends
  (``kill -9`` too), the child ends.  When the child dies, :meth:`CrosswalkWorker.receive`
  raises :class:`~ir_ingest.errors.HarvestError`, and the pages stored so far stand.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import select
import subprocess
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING

import msgspec

from ir_ingest.entry import Entry, HarvestedRecord, Issue, Severity
from ir_ingest.errors import ConfigError, HarvestError
from ir_ingest.schema import Record  # noqa: TC001  # msgspec reads the annotations at run time

if TYPE_CHECKING:
    from collections.abc import Sequence

#: How long :meth:`CrosswalkWorker.close` waits for the child to end before it is killed.
_EXIT_WAIT = 5.0

#: Bytes of a message's length on the pipes.
_LENGTH = 8

_IssueData = tuple[str, str, Severity, str | None]


class _Job(msgspec.Struct, array_like=True):
    """One record to process, with the issues earlier stages found (a page's repairs)."""

    repository: str
    identifier: str
    datestamp: str
    metadata_prefix: str
    raw: bytes
    set_specs: tuple[str, ...]
    deleted: bool
    crosswalk: str | None
    issues: list[_IssueData]


class _Processed(msgspec.Struct, array_like=True):
    record: Record | None
    issues: list[_IssueData]
    lineage: dict[str, list[str]]


class _Ready(msgspec.Struct, tag=True, array_like=True):
    """The child has warmed up and takes pages."""


class _Done(msgspec.Struct, tag=True, array_like=True):
    """A page's entries, in the order of its records; or why there are none: a broken
    crosswalk or lookup file, the run's problem (:class:`ConfigError`)."""

    entries: list[_Processed]
    config_error: str | None = None


_REPLY = msgspec.msgpack.Decoder(_Ready | _Done)
_JOBS = msgspec.msgpack.Decoder(list[_Job])
_ENCODE = msgspec.msgpack.Encoder()


class CrosswalkWorker:
    """A child process that processes pages of records; one page at a time in flight."""

    def __init__(self, crosswalk_dirs: Sequence[Path], lookup_dirs: Sequence[Path]) -> None:
        """Start the child; ``*_dirs`` are the user folders this process was given, searched
        first (as :func:`~ir_ingest.crosswalk.add_crosswalk_dir` left them)."""
        package_root = str(Path(__file__).resolve().parents[1])
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                [package_root, *filter(None, [os.environ.get("PYTHONPATH")])]
            ),
        }
        folders = [f"--crosswalks={folder}" for folder in crosswalk_dirs]
        folders += [f"--lookups={folder}" for folder in lookup_dirs]
        self._process = subprocess.Popen(
            [sys.executable, "-m", "ir_ingest.worker", *folders],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
            env=env,
            # Out of the terminal's process group: Ctrl-C is the harvest's to act on, and the
            # child ends when the harvest closes the pipe (a traceback from it would confuse).
            start_new_session=True,
        )
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._to_child: IO[bytes] = self._process.stdin
        self._from_child: IO[bytes] = self._process.stdout
        self._ready = False
        self._sent: list[HarvestedRecord] | None = None

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
        """True once the child has warmed up (never waits)."""
        if not self._ready and select.select([self._from_child], [], [], 0)[0]:
            self._ready = isinstance(self._reply(), _Ready)
        return self._ready

    def wait_ready(self) -> None:
        """Wait for the child to warm up."""
        if not self._ready:
            self._ready = isinstance(self._reply(), _Ready)

    @property
    def busy(self) -> bool:
        """True while a page sent has not been received back."""
        return self._sent is not None

    def send(self, records: Sequence[tuple[HarvestedRecord, Sequence[Issue]]]) -> None:
        """Hand a page's records over; :meth:`receive` gets their entries."""
        assert self._ready, "not warmed up yet"
        assert self._sent is None, "one page at a time"
        jobs = [
            _Job(
                h.repository,
                h.identifier,
                h.datestamp,
                h.metadata_prefix,
                h.raw,
                h.set_specs,
                h.deleted,
                h.crosswalk,
                [_issue_data(issue) for issue in issues],
            )
            for h, issues in records
        ]
        try:
            write_message(self._to_child, _ENCODE.encode(jobs))
        except OSError as exc:  # BrokenPipeError: the child has died
            raise self._died() from exc
        self._sent = [h for h, _ in records]

    def receive(self) -> list[Entry]:
        """The entries of the page sent last, in its order; waits for them.

        Raises :class:`ConfigError` for a crosswalk or lookup file the child could not read,
        and :class:`HarvestError` when the child has died.
        """
        assert self._sent is not None, "nothing was sent"
        sent, self._sent = self._sent, None
        reply = self._reply()
        assert isinstance(reply, _Done)
        if reply.config_error is not None:
            raise ConfigError(reply.config_error)
        return [
            Entry(
                harvested,
                record=done.record,
                issues=[Issue(*issue) for issue in done.issues],
                lineage=done.lineage,
            )
            for harvested, done in zip(sent, reply.entries, strict=True)
        ]

    def close(self) -> None:
        """End the child: its input closes and it leaves its loop; killed if it does not."""
        self._to_child.close()
        try:
            self._process.wait(_EXIT_WAIT)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._from_child.close()

    def __enter__(self) -> CrosswalkWorker:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _reply(self) -> _Ready | _Done:
        message = read_message(self._from_child)
        if message is None:
            raise self._died()
        return _REPLY.decode(message)

    def _died(self) -> HarvestError:
        try:
            code = self._process.wait(_EXIT_WAIT)
        except subprocess.TimeoutExpired:
            code = None
        return HarvestError(
            f"the crosswalk process ended unexpectedly (exit code {code}); the pages stored "
            "so far stand, and harvesting the source again continues from the last one"
        )


def write_message(stream: IO[bytes], payload: bytes) -> None:
    """One message: its length (8 bytes, big-endian), then its bytes."""
    stream.write(len(payload).to_bytes(_LENGTH, "big") + payload)


def read_message(stream: IO[bytes]) -> bytes | None:
    """The next message, or ``None`` at the end of the stream (the other side has gone)."""
    head = _read_exactly(stream, _LENGTH)
    if head is None:
        return None
    return _read_exactly(stream, int.from_bytes(head, "big"))


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _issue_data(issue: Issue) -> _IssueData:
    return (issue.code, issue.message, issue.severity, issue.path)


def main(argv: Sequence[str] | None = None) -> None:
    """The child: warm up, say so, then process pages until its input ends."""
    # Imported here, not at the top: the harvest imports this module for the class above.
    import idutils  # noqa: F401  # its patterns take most of the warm-up; not one page

    from ir_ingest.crosswalk import add_crosswalk_dir, registry
    from ir_ingest.crosswalk.lookups import add_lookup_dir
    from ir_ingest.pipeline import process

    parser = argparse.ArgumentParser(prog="python -m ir_ingest.worker")
    parser.add_argument("--crosswalks", type=Path, action="append", default=[])
    parser.add_argument("--lookups", type=Path, action="append", default=[])
    args = parser.parse_args(argv)
    for folder in reversed(args.lookups):
        add_lookup_dir(folder)
    for folder in reversed(args.crosswalks):
        add_crosswalk_dir(folder)
    with contextlib.suppress(ConfigError):
        registry()  # a broken file is said with the first page, as in one process
    # The pipe to the harvest is a copy of stdout; stdout itself goes to stderr, so that
    # nothing a library prints can break a message.
    stdin, stdout = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    write_message(stdout, _ENCODE.encode(_Ready()))
    stdout.flush()
    while (message := read_message(stdin)) is not None:
        jobs = _JOBS.decode(message)
        try:
            entries = [process(_harvested(job), [Issue(*i) for i in job.issues]) for job in jobs]
        except ConfigError as exc:
            write_message(stdout, _ENCODE.encode(_Done([], str(exc))))
        else:
            done = [
                _Processed(e.record, [_issue_data(i) for i in e.issues], e.lineage) for e in entries
            ]
            write_message(stdout, _ENCODE.encode(_Done(done)))
        stdout.flush()


def _harvested(job: _Job) -> HarvestedRecord:
    return HarvestedRecord(
        repository=job.repository,
        identifier=job.identifier,
        datestamp=job.datestamp,
        metadata_prefix=job.metadata_prefix,
        raw=job.raw,
        set_specs=job.set_specs,
        deleted=job.deleted,
        crosswalk=job.crosswalk,
    )


if __name__ == "__main__":
    main()
