"""The ``ir-ingest`` command line: a thin layer over the library.

Each command parses its arguments, calls one library function, and prints what happened.
Run failures (:class:`~ir_ingest.errors.IngestError`) become one clear line on stderr and exit
status 1; per-record problems are in the report, never tracebacks.

The store (SQLAlchemy) and the harvester (requests, pyoai) are imported by the commands that
use them: ``--help`` starts in half the time (1.2 s before), and ``crosswalk`` opens no store.
"""

from __future__ import annotations

import signal
import sys
from typing import TYPE_CHECKING

# Importing the command modules registers their commands, in the order --help lists them.
from ir_ingest.cli import harvest, records, report  # noqa: F401
from ir_ingest.cli.common import app
from ir_ingest.errors import Terminated

if TYPE_CHECKING:
    from types import FrameType

__all__ = ["GLOBAL_OPTIONS", "app", "global_first", "main"]


#: The options of ``ir-ingest`` itself, each with a value.
GLOBAL_OPTIONS = ("--db", "--config")


def main() -> None:
    """Console-script entry point."""
    signal.signal(signal.SIGTERM, _terminate)
    app(args=global_first(sys.argv[1:]))


def global_first(args: list[str]) -> list[str]:
    """``ir-ingest export --db x`` as ``ir-ingest --db x export``: Typer reads the options of
    ``ir-ingest`` itself only before the command, and said "No such option: --db" after it.

    No command has an option of those names, so moving one changes nothing else; a value
    after ``--`` stays where it is.
    """
    command = _command_index(args)
    if command is None:
        return args
    moved: list[str] = []
    rest: list[str] = []
    tail = iter(args[command + 1 :])
    for arg in tail:
        if arg == "--":
            rest += [arg, *tail]
        elif arg in GLOBAL_OPTIONS:
            moved += [arg, next(tail, "")]
        elif arg.startswith(tuple(f"{name}=" for name in GLOBAL_OPTIONS)):
            moved.append(arg)
        else:
            rest.append(arg)
    return [*args[:command], *moved, args[command], *rest]


def _command_index(args: list[str]) -> int | None:
    """Where the command's name is: the first argument that is no option or option value."""
    index = 0
    while index < len(args):
        if args[index] in GLOBAL_OPTIONS:
            index += 2
        elif args[index].startswith("-"):
            index += 1
        else:
            return index
    return None


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated
