"""Store pages in a background thread while the caller crosswalks the next one.

The other half of :mod:`ir_ingest.oai.prefetch`: with the next page fetched ahead, the thread
that crosswalks was busy nine tenths of a harvest, a third of it writing (SQL and the commit's
I/O, most of which runs without the GIL).  Handing each processed page to a writer thread lets
that thread's I/O overlap the next page's crosswalk.

Items are written one at a time, in the order they were submitted, by the one ``write``
callable (for a harvest: a page and its checkpoint in one transaction).  At most ``depth`` wait,
so memory stays bounded by pages.  A process killed with items waiting loses only what was not
committed, and a checkpoint never runs ahead of the records it follows.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType

T = TypeVar("T")
log = logging.getLogger(__name__)

_STOP = object()


class WriteBehind(Generic[T]):
    """A writer thread over a bounded queue; use as a context manager.

    The first error ``write`` raises is raised in the caller's thread, by the next
    :meth:`submit` or :meth:`flush` or on leaving the ``with`` block; items after it are
    dropped unwritten.  Leaving the block, even on an error, writes what was submitted first:
    those pages were crosswalked, and storing them moves the checkpoint on.
    """

    def __init__(self, write: Callable[[T], None], depth: int = 1) -> None:
        self._write = write
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="store-writer", daemon=True)

    def __enter__(self) -> WriteBehind[T]:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._queue.put(_STOP)
        self._thread.join()
        if exc is None:
            self._raise()
        elif self._error is not None:  # the caller's error goes on; this one must not vanish
            log.error("writing failed too: %s: %s", type(self._error).__name__, self._error)

    def submit(self, item: T) -> None:
        """Queue ``item`` for writing; blocks while ``depth`` items wait."""
        self._raise()
        self._queue.put(item)

    def flush(self) -> None:
        """Return once everything submitted is written (before reading what it wrote)."""
        self._queue.join()
        self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is _STOP:
                    return
                if self._error is None:
                    self._write(item)  # type: ignore[arg-type]  # only T is ever submitted
            except BaseException as exc:  # raised in the caller's thread
                self._error = exc
            finally:
                self._queue.task_done()
