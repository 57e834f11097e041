"""The ``ir-ingest`` command line: a thin layer over the library.

Each command parses its arguments, calls one library function, and prints what happened.
Run failures (:class:`~ir_ingest.errors.IngestError`) become one clear line on stderr and exit
status 1; per-record problems are in the report, never tracebacks.

The store (SQLAlchemy) and the harvester (requests, pyoai) are imported by the commands that
use them: ``--help`` starts in half the time (1.2 s before), and ``crosswalk`` opens no store.
"""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING

# Importing the command modules registers their commands, in the order --help lists them.
from ir_ingest.cli import harvest, records, report  # noqa: F401
from ir_ingest.cli.common import app
from ir_ingest.errors import Terminated

if TYPE_CHECKING:
    from types import FrameType

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    signal.signal(signal.SIGTERM, _terminate)
    app()


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated
