"""The ``ir-ingest`` command line: a thin layer over the library.

Each command parses its arguments, calls one library function, and prints what happened.
Run failures (:class:`~ir_ingest.errors.IngestError`) become one clear line on stderr and exit
status 1; per-record problems are in the report, never tracebacks.

The store (SQLAlchemy) and the harvester (requests, pyoai) are imported by the commands that
use them: ``--help`` starts in half the time (1.2 s before), and ``crosswalk`` opens no store.
"""

from __future__ import annotations

import errno
import re
import sys

from typer._click.utils import PacifyFlushWrapper

# Importing the command modules registers their commands, in the order --help lists them.
from ir_ingest.cli import (  # noqa: F401
    check,
    demo,
    harvest,
    records,
    records_export,
    report,
    report_codes,
)
from ir_ingest.cli.common import app, stop_on_signals
from ir_ingest.console import (
    err,
    output_lost,
    reader_gone,
    refuse_unwritable_stdout,
    show_library_warnings,
)
from ir_ingest.errors import IngestError

__all__ = ["GLOBAL_OPTIONS", "app", "global_first", "main"]


#: The options of ``ir-ingest`` itself, each with a value.
GLOBAL_OPTIONS = ("--db", "--config")
_EXAMPLES = {"--db": "sqlite:///ir-ingest.sqlite3", "--config": "ir-ingest.toml"}


def main() -> None:
    """Console-script entry point."""
    stop_on_signals()
    refuse_unwritable_stdout()
    show_library_warnings()
    try:
        args = global_first(sys.argv[1:])
    except IngestError as exc:
        err.print(f"error: {exc}")
        raise SystemExit(2) from exc  # as Typer exits for a usage error
    try:
        app(args=args)
    except SystemExit as exc:
        # Click ends a help its reader left (``--help | head -1``) with status 1, "a run
        # failed", having put this wrapper on stdout: it is the reader gone, as elsewhere.
        if exc.code == 1 and isinstance(sys.stdout, PacifyFlushWrapper):
            reader_gone()
        raise
    except OSError as exc:
        # A write there was no room for: stdout on a full disk (export > records.jsonl), a
        # quota, a file too big.  Click says a closed pipe itself; these were a traceback.
        if exc.errno not in _NO_ROOM:
            raise
        output_lost(exc)
    except UnicodeEncodeError as exc:
        # An argument in bytes that are not UTF-8 (a Latin-1 "é" from a script): Python keeps
        # each such byte as a lone surrogate, which SQLite cannot take (--source, --set,
        # --repository, a URL had each been a traceback).  A file name in such bytes is read
        # and written as given.
        undecoded = [arg for arg in args if _UNDECODED.search(arg)]
        if not undecoded or exc.reason != "surrogates not allowed":
            raise
        err.print(f"error: {undecoded[0]!r} is not UTF-8 text: give it in UTF-8")
        raise SystemExit(2) from exc


#: The errors of a write there is no room for.
_NO_ROOM = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
#: What Python makes of a byte of an argument that is not UTF-8 (PEP 383's surrogateescape).
_UNDECODED = re.compile("[\udc80-\udcff]")


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
    tail = args[command + 1 :]
    index = 0
    while index < len(tail):
        arg = tail[index]
        value = tail[index + 1] if index + 1 < len(tail) else None
        if arg == "--":
            rest += tail[index:]
            break
        name, equals, given = arg.partition("=")
        if name in GLOBAL_OPTIONS:
            if not equals:
                given = value if value is not None and not value.startswith("-") else ""
            _check_value(name, given)
            moved += [arg] if equals else [arg, given]
            index += 1 if equals else 2
            continue
        rest.append(arg)
        index += 1
    for before, arg in enumerate(args[:command]):
        name, equals, given = arg.partition("=")
        if name in GLOBAL_OPTIONS:
            _check_value(name, given if equals else args[before + 1])
    return [*args[:command], *moved, args[command], *rest]


def _check_value(name: str, given: str) -> None:
    # "--db=", "--db ''" or no value at all: Typer took "" for the default store.
    if not given.strip():
        raise IngestError(f"{name} needs a value, e.g. {name} {_EXAMPLES[name]}")


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
