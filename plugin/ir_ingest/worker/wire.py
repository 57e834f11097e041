"""What the harvest and its crosswalk process say to each other, and how.

Each message is msgpack (pickling a Record costs ten times more) framed by its length; the
harvest sends pages (:class:`PageMessage`), the child answers once :class:`Ready`, then with a
:class:`Done` for each page, in the order they came.
"""

from __future__ import annotations

from functools import lru_cache
from typing import IO

import msgspec

from ir_ingest.entry import HarvestedRecord, Issue, Severity
from ir_ingest.schema import Record  # noqa: TC001  # msgspec reads the annotations at run time

#: Bytes of a message's length on the pipes.
_LENGTH = 8
#: A length no message comes near (a page's answer is megabytes): bytes that say more are
#: no message but something else written to the pipe.
_LONGEST = 1 << 32

IssueData = tuple[str, str, Severity, str | None]


class Harvested(msgspec.Struct, array_like=True):
    """A :class:`HarvestedRecord` on the pipe (without its parsed tree)."""

    repository: str
    identifier: str
    datestamp: str
    metadata_prefix: str
    raw: bytes
    set_specs: tuple[str, ...]
    deleted: bool
    crosswalk: str | None


class PageMessage(msgspec.Struct, array_like=True):
    """A page to process: its response still to read (``body``, from ``repository`` in
    ``prefix``), or its records read already, each with the issues reading found."""

    crosswalk: str | None
    body: bytes | None = None
    repository: str = ""
    prefix: str = ""
    records: list[tuple[Harvested, list[IssueData]]] = []


class Processed(msgspec.Struct, array_like=True):
    """A record's entry, without its lineage: a harvest keeps none (``crosswalk --explain``
    shows it, crosswalking in its own process), and it was 11% of the bytes sent (a
    synthetic oai_dc record: 1,754 bytes with it, 1,556 without).  ``issues`` are places in
    its page's :attr:`Done.issues`."""

    harvested: Harvested
    record: Record | None
    issues: list[int]


class Ready(msgspec.Struct, tag=True, array_like=True):
    """The child has warmed up and takes pages."""


class Done(msgspec.Struct, tag=True, array_like=True):
    """A page's entries, in the order of its records, and the issues they have, each once;
    or why there are none: a broken crosswalk or lookup file, the run's problem
    (:class:`ConfigError`).

    The issues are sent once a page, not with each record: most records have the same few (a
    synthetic oai_dc record, six: 764 of its 2,324 bytes), each of whose texts the harvest
    then read anew and hashed to find its issue again.
    """

    entries: list[Processed]
    issues: list[IssueData] = []
    config_error: str | None = None


REPLY = msgspec.msgpack.Decoder(Ready | Done)
PAGE = msgspec.msgpack.Decoder(PageMessage)
ENCODE = msgspec.msgpack.Encoder()


def write_message(stream: IO[bytes], payload: bytes) -> None:
    """One message: its length (8 bytes, big-endian), then its bytes.

    Written whole on an unbuffered pipe too, whose write a signal can cut short (it returns
    the bytes it wrote before the signal came).
    """
    message = memoryview(len(payload).to_bytes(_LENGTH, "big") + payload)
    while message:
        message = message[stream.write(message) :]


def read_message(stream: IO[bytes]) -> bytes | None:
    """The next message, or ``None`` at the end of the stream (the other side has gone)."""
    head = _read_exactly(stream, _LENGTH)
    if head is None:
        return None
    size = int.from_bytes(head, "big")
    if size > _LONGEST:
        raise ValueError(f"{head!r} is no message's length: something else wrote to the pipe")
    return _read_exactly(stream, size)


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def issue_data(issue: Issue) -> IssueData:
    return (issue.code, issue.message, issue.severity, issue.path)


def issues_from_wire(issues: list[IssueData]) -> list[Issue]:
    return list(map(_issue, issues))


class IssueTable:
    """The issues of one page's entries, each once, for :attr:`Done.issues`; each entry's
    are its places in it (:meth:`places`).

    Found by identity: the crosswalk and the rules make each issue once and give every record
    the same object, which is found so without hashing its texts (an issue's own hash is
    Python code: 1-2 µs a record for six).  Each issue is kept here, so that no other object
    takes its id while the table is in use.
    """

    def __init__(self) -> None:
        self.issues: list[IssueData] = []
        self._kept: list[Issue] = []
        self._place: dict[int, int] = {}

    def places(self, issues: list[Issue]) -> list[int]:
        """The places of ``issues`` in the table, added where new."""
        return [
            self._add(issue) if (at := self._place.get(id(issue))) is None else at
            for issue in issues
        ]

    def _add(self, issue: Issue) -> int:
        at = self._place[id(issue)] = len(self.issues)
        self.issues.append(issue_data(issue))
        self._kept.append(issue)
        return at


#: Issues kept for reuse: the same few recur on most records (a code's message seldom names
#: a value), and an issue is frozen.  Each made anew, turning a page's answer into entries
#: cost the harvest's reader thread 9-10 µs a record (synthetic oai_dc, 6 issues each), and
#: left six more objects a record for the garbage collector to go through; 5.5-7 µs so.
@lru_cache(maxsize=4096)
def _issue(data: IssueData) -> Issue:
    return Issue(*data)


def to_wire(h: HarvestedRecord) -> Harvested:
    return Harvested(
        h.repository,
        h.identifier,
        h.datestamp,
        h.metadata_prefix,
        h.raw,
        h.set_specs,
        h.deleted,
        h.crosswalk,
    )


def from_wire(h: Harvested) -> HarvestedRecord:
    return HarvestedRecord(*msgspec.structs.astuple(h))
