"""The crosswalk process: ``python -m ir_ingest.worker`` (see :mod:`ir_ingest.worker`)."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import queue
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

from ir_ingest.collector import YOUNG_OBJECTS
from ir_ingest.errors import ConfigError
from ir_ingest.worker.wire import (
    ENCODE,
    PAGE,
    Done,
    IssueTable,
    PageMessage,
    Processed,
    Ready,
    from_wire,
    issues_from_wire,
    read_message,
    to_wire,
    write_message,
)

if TYPE_CHECKING:
    from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> None:
    """The child: warm up, say so, then process pages until its input ends; leave without a
    word when the harvest has gone (killed: nobody reads the answer, EPIPE)."""
    # The pipe to the harvest is a copy of stdout; stdout itself goes to stderr, before any
    # import, so that nothing a library prints can break a message.  Unbuffered: a message
    # is written whole by write_message, and nothing is left to flush after an EPIPE.
    stdin, stdout = sys.stdin.buffer, os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    # Imported here, not at the top: the harvest imports this module for the class above.
    from ir_ingest.crosswalk import add_crosswalk_dir, warm_up
    from ir_ingest.crosswalk.lookups import add_lookup_dir

    parser = argparse.ArgumentParser(prog="python -m ir_ingest.worker")
    parser.add_argument("--crosswalks", type=Path, action="append", default=[])
    parser.add_argument("--lookups", type=Path, action="append", default=[])
    args = parser.parse_args(argv)
    for folder in reversed(args.lookups):
        add_lookup_dir(folder)
    for folder in reversed(args.crosswalks):
        add_crosswalk_dir(folder)
    for step in warm_up():  # a broken crosswalk file is said with the first page, as in one process
        step()
    # What warming up made (crosswalks, lookup tables, idutils' patterns) lives as long as the
    # process: frozen, the collector no longer walks it in each full collection, which a page's
    # records set off (one took 50-90 ms, 6-8% of the time of 30 pages of oai_dc records).
    gc.freeze()
    # A page's entries are kept until its reply is sent, and then dropped together: a page of
    # 100 synthetic oai_dc records holds 3,500 objects at most, and the collector's default
    # 700 walked them again and again for nothing (137 young collections in 30 pages, 2-3% of
    # their time).  Cycles, which only a collection frees, still start one past this many.
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])
    with contextlib.suppress(BrokenPipeError), stdout:
        _serve(stdin, stdout)


def _serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """Say the child is ready, then answer each page in the order they come."""
    write_message(stdout, ENCODE.encode(Ready()))
    # A thread takes each page off the pipe as it comes, so the harvest never waits to hand
    # one over (a page is larger than a pipe holds) while this one is busy with the last.
    pages: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    threading.Thread(target=_read_pages, args=(stdin, pages), daemon=True).start()
    while (message := pages.get()) is not None:
        try:
            done = _process_page(PAGE.decode(message))
        except ConfigError as exc:
            done = Done([], config_error=str(exc))
        write_message(stdout, ENCODE.encode(done))


def _read_pages(stream: IO[bytes], pages: queue.SimpleQueue[bytes | None]) -> None:
    while (message := read_message(stream)) is not None:
        pages.put(message)
    pages.put(None)


def _process_page(sent: PageMessage) -> Done:
    """Read the page (unless read already) and process its records, as a harvest would."""
    from ir_ingest.oai.pages import read_page
    from ir_ingest.oai.responses import Page
    from ir_ingest.pipeline import process

    if sent.body is not None:
        page = Page([], None, body=sent.body, unread=(sent.repository, sent.prefix))
        read_page(page)
        records = [(h, page.issues_by_identifier.get(h.identifier, [])) for h in page.records]
    else:
        records = [(from_wire(h), issues_from_wire(issues)) for h, issues in sent.records]
    processed = []
    table = IssueTable()
    for harvested, issues in records:
        if sent.crosswalk is not None:
            harvested = replace(harvested, crosswalk=sent.crosswalk)
        entry = process(harvested, issues)
        processed.append(
            Processed(to_wire(entry.harvested), entry.record, table.places(entry.issues))
        )
    return Done(processed, table.issues)


if __name__ == "__main__":
    main()
