"""The ``ir-ingest`` app, its global options, and what every command shares: the settings
(store, configuration) and turning a run failure into one line on stderr."""

from __future__ import annotations

import contextlib
import math
import os
import re
import shlex
import signal
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path  # noqa: TC003  # Typer reads the options' annotations at run time
from typing import TYPE_CHECKING, Annotated

import typer

from ir_ingest import __version__
from ir_ingest.cli.group import NO_CONFIG, Group
from ir_ingest.config import Config, load_config
from ir_ingest.console import err, out
from ir_ingest.crosswalk import add_crosswalk_dir
from ir_ingest.crosswalk.lookups import add_lookup_dir, check_lookup_dir
from ir_ingest.encodable import encodable
from ir_ingest.errors import IngestError, Terminated, UnreachableError, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from types import FrameType

    from ir_ingest.store import Store


app = typer.Typer(
    cls=Group,
    help=(
        "Harvest OAI-PMH records, crosswalk Dublin Core and MODS into one record schema, "
        "validate and store them.\n\nStart with:  ir-ingest demo"
    ),
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@dataclass(slots=True)
class Settings:
    """Global options, shared by every command."""

    #: ``--db`` as given (None: ``$IR_INGEST_DB`` or the default, see :attr:`db_url`).
    db: str | None
    config_path: Path | None

    @property
    def db_url(self) -> str:
        """The store's database URL."""
        from ir_ingest.store import default_db_url

        return self.db or default_db_url()

    @property
    def again(self) -> str:
        """What begins another command on this store, as a hint prints it: ``--db`` as given
        (its password masked), so that the hint does not show another store's run."""
        from ir_ingest.store import redact_url

        return f"ir-ingest --db {shlex.quote(redact_url(self.db))}" if self.db else "ir-ingest"

    def no_run(self, run_id: int) -> IngestError:
        """The error for a run id the store does not hold, with the command that lists those
        it does (on this store: ``--db`` as given)."""
        return IngestError(f"no run {run_id} in the store ({self.again} report --list shows them)")

    def store(self, *, existing: bool = False) -> Store:
        """Open the store the options name; ``existing`` for commands that only read it.

        Reading a SQLite file that is not there would create an empty store and show it: a
        mistyped ``--db`` looked like a store with nothing in it.  A SQLite database of another
        program's is refused by every command: one had a store's tables made in it.  An
        in-memory SQLite database (``sqlite:///``, as ``sqlite:///$UNSET`` gives) is refused: a
        harvest into it said "completed" and left nothing.
        """
        from ir_ingest.store import Store, redact_url
        from ir_ingest.store.engine import foreign_sqlite_tables, is_in_memory, missing_sqlite_file

        if is_in_memory(self.db_url):
            raise IngestError(
                f"{self.db_url} is an in-memory SQLite database, gone when the command ends: "
                "name a file, such as sqlite:///ir-ingest.sqlite3"
            )
        if existing:
            path = missing_sqlite_file(self.db_url)
            if path is not None:
                raise IngestError(
                    f"no store at {path} (harvest or import first, or give --db or IR_INGEST_DB)"
                )
        foreign = foreign_sqlite_tables(self.db_url)
        if foreign:  # opened, it would have had a store's tables made in it
            instead = "the store's" if existing else "the store's, or a new file's"
            raise IngestError(
                f"{redact_url(self.db_url)} is another program's database (its tables: "
                f"{', '.join(foreign[:5])}), not an ir-ingest store: give --db {instead}"
            )
        return Store(self.db_url)

    def store_if_any(self) -> Store | None:
        """The store the options name, or ``None`` where it is a SQLite file not made yet:
        for a look before the command has anything to put in it (``import --endpoint`` had
        left an empty store behind when the endpoint was down)."""
        from ir_ingest.store.engine import missing_sqlite_file

        return None if missing_sqlite_file(self.db_url) is not None else self.store()

    def refuse_store_as_output(self, output: Path | None, option: str = "-o") -> None:
        """Refuse ``option`` (``-o``, ``--report``, a folder's ``--archive``) naming the
        store's own SQLite file (or one SQLite keeps beside it): ``export -o ir-ingest.sqlite3``
        had emptied the store before reading it, every record lost, and ended in a traceback;
        ``report -o`` and ``reprocess --report`` wrote a report over it; ``demo --report-dir``
        and ``harvest --archive`` made a folder where SQLite keeps its journal, and every
        command after said "disk I/O error"."""
        from ir_ingest.store.engine import store_files

        if output is not None and _one_of(output, store_files(self.db_url)):
            raise UsageError(
                f"{option} {output} is the store's own database file: writing there would "
                "destroy the store; name another file"
            )

    def config(self) -> Config:
        """Load and check the configuration file."""
        return load_config(self.config_path)

    def stored_name(self, source: str) -> str:
        """The name the records and runs of ``source`` are kept under: a config source's
        repository, or its URL; for a URL, the name of the source it is the endpoint of, else
        the URL as harvested (without the password it may hold, as stored); or ``source``
        itself (a name given with ``harvest --repository``)."""
        from ir_ingest.oai.baseurl import repository_name

        config = self.config()
        configured = config.sources.get(source)
        if configured is None and "://" in source:
            configured = config.source_at(source)
        if configured is not None:
            return configured.stored_name()
        return repository_name(source) if "://" in source else source


def _one_of(path: Path, files: set[Path]) -> bool:
    """Whether ``path`` is one of ``files`` (resolved): by its name, a symbolic link's
    target, or as a hard link to one (the same file by another name: ``export -o`` to one
    had emptied the store, as to its own name)."""
    if path.resolve() in files:
        return True
    for file in files:
        with contextlib.suppress(OSError):  # either is not there: no file to write over
            if path.samefile(file):
                return True
    return False


def _version(value: bool) -> None:
    if value:
        out.print(f"ir-ingest {__version__}")
        raise typer.Exit


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="URL",
            help="SQLAlchemy database URL (env IR_INGEST_DB; default sqlite:///ir-ingest.sqlite3).",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", metavar="FILE", help="TOML configuration file (default ./ir-ingest.toml)."
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Global options."""
    settings = Settings(db=db, config_path=config)
    ctx.obj = settings
    if ctx.meta.get(NO_CONFIG):
        return  # a config file in error must not hide the help, nor the codes' meanings
    with fail_cleanly():
        for folder in settings.config().crosswalk_dirs:
            add_crosswalk_dir(folder)
            if (folder / "lookups").is_dir():
                add_lookup_dir(folder / "lookups")
                check_lookup_dir(folder / "lookups")


#: A whole number as the command line takes it: ASCII digits, perhaps signed.
_WHOLE = re.compile(r"[+-]?[0-9]+")
#: The largest whole number a store's integer columns hold (a run id, a limit).
_LARGEST = 2**63 - 1


def whole_number(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """The ``parser`` of an option or argument that takes a whole number from ``minimum`` to
    ``maximum``: Typer's own check said "Input should be a valid integer" without the value
    given (``--run abc``), and a ``min=`` is not applied to a value a parser gives.  ASCII
    digits only: ``int()`` also reads other scripts' digits, ``_`` and white space, and
    ``--run ٣`` (an Arabic-Indic three) had been run 3."""

    def parse(value: str) -> int:
        # Typer gives the option's default through the parser too: an int, not a str.
        if not _WHOLE.fullmatch(str(value)):
            raise typer.BadParameter(f"{value!r} is not a whole number: give ASCII digits 0-9")
        number = int(value)
        if maximum is None and number > _LARGEST:  # had ended in a traceback (OverflowError)
            raise typer.BadParameter(f"{number}; use {minimum} to {_LARGEST}")
        if number < minimum or (maximum is not None and number > maximum):
            allowed = f"{minimum} to {maximum}" if maximum is not None else f"{minimum} or more"
            raise typer.BadParameter(f"{number}; use {allowed}")
        return number

    return parse


def seconds(maximum: float) -> Callable[[str], float]:
    """The ``parser`` of an option that takes a number of seconds, from 0 to ``maximum``:
    Typer's own check named no value, took ``nan`` for a number below 0, and let ``inf``
    through to a traceback (a time out of range)."""

    def parse(value: str) -> float:
        # float() reads other scripts' digits, "_" and white space too ("--delay \u0661" was 1 s).
        # The option's default comes through here too, a float.
        text = str(value)
        unreadable = not text.isascii() or "_" in text or text != text.strip()
        try:
            number = float("x" if unreadable else text)
        except ValueError:
            raise typer.BadParameter(
                f"{value!r} is not a number of seconds: give ASCII digits, such as 1.5"
            ) from None
        if not math.isfinite(number) or not 0 <= number <= maximum:
            raise typer.BadParameter(f"{value}; use 0 to {maximum:,g} seconds")
        return number

    return parse


#: A harvest's pages stay stored with their checkpoint (the run is marked "failed").
RESUMES = "; the same command continues from the last page stored"


def _user_agent(value: str | None) -> str | None:
    # A line break had been sent to requests, which refused it (InvalidHeader) once the run
    # had begun: a failed run kept, for a command line to fix.  HTTP/1.1 sends a header as
    # Latin-1 (http.client): "Łódź" ended in a traceback (a review).
    if value is None:
        return None
    if not value.strip() or not value.isprintable() or not encodable(value, "latin-1"):
        raise typer.BadParameter(
            f"{value!r}; give printable Latin-1 text, such as 'my-harvester/1.0'"
        )
    return value


#: ``--user-agent``: what harvest and check send.
UserAgentOption = Annotated[
    str | None,
    typer.Option(
        "--user-agent", metavar="UA", callback=_user_agent, help="User-Agent header to send."
    ),
]

#: The longest ``--delay``: a day between two requests (longer, the run would never end, and
#: ``inf`` had ended it in a traceback).
MAX_DELAY = 86_400.0
DelayOption = Annotated[
    float,
    typer.Option(
        "--delay",
        parser=seconds(MAX_DELAY),
        metavar="SECONDS",
        help="Seconds between two requests (politeness), all parallel windows together.",
    ),
]


#: The ``then`` of each :func:`fail_cleanly` the command is in, innermost last: what a second
#: signal, which ends the process at once, says of the work.
_THEN: list[str] = []


#: The signals the process stops on (see :func:`stop_on_signals`).
_STOPPING: list[signal.Signals] = []


def stop_on_signals() -> None:
    """Ctrl-C and SIGTERM (``kill``, systemd stopping a service, a job runner's timeout): the
    first raises KeyboardInterrupt or :class:`Terminated`, and :func:`fail_cleanly` closes the
    run as failed; a second, of either, while that goes on ends the process at once.

    A signal the process was started with ignored stays ignored: a script's ``harvest … &``
    ignores Ctrl-C, which is then the terminal's foreground job's, not the harvest's.
    """
    _STOPPING[:] = [
        number
        for number in (signal.SIGINT, signal.SIGTERM)
        if signal.getsignal(number) is not signal.SIG_IGN
    ]
    for number in _STOPPING:
        signal.signal(number, _first_signal)


def _first_signal(signum: int, frame: FrameType | None) -> None:
    for number in _STOPPING:
        signal.signal(number, _second_signal)
    raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt


def _second_signal(signum: int, frame: FrameType | None) -> None:
    # A manager pressing Ctrl-C again, a supervisor repeating SIGTERM: the closing the first
    # one started (a crosswalk process slow to end, a store slow to answer) is not waited for.
    # What is not committed is rolled back by the store (the page in progress: its checkpoint
    # is the last page's), and the next harvest of the source closes the run left "running".
    name = "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
    then = _THEN[-1] if _THEN else ""
    line = f"stopped at once ({name} again): what was not stored is rolled back{then}\n"
    # Not the console: the signal may have come in the middle of one of its writes.  The
    # progress bar hid the terminal's cursor, and nothing is left to show it again.
    cursor = "\x1b[?25h" if os.isatty(2) else ""
    try:
        os.write(2, (cursor + line).encode())
    finally:  # stderr a closed pipe (a log reader gone) must not keep the process alive
        os._exit(128 + signum)


def print_failure(exc: IngestError) -> None:
    """The one line a run failure is said in on stderr, and what became of the work."""
    err.print(f"error: {exc}")
    for note in getattr(exc, "__notes__", ()):  # what became of the work (add_note)
        err.print(f"  {note}")
    if isinstance(exc, UnreachableError):  # the next step: is it the URL, or the endpoint?
        check = exc.check_with or "URL (as given, with its credentials), or a source's name"
        err.print(f"  check the URL, or run: ir-ingest check {check}")


@contextmanager
def fail_cleanly(then: str = "") -> Iterator[None]:
    """Turn a run failure into one line on stderr and exit status 1 (2 for a
    :class:`UsageError`, as Typer exits for an option it refuses); Ctrl-C and SIGTERM into
    a line and 128 + the signal's number, the line ending with ``then``: what becomes of the
    work, where it is kept (:data:`RESUMES`)."""
    _THEN.append(then)
    try:
        yield
    except UsageError as exc:  # a line to fix, not a run to retry: as Typer's own refusals
        print_failure(exc)
        raise typer.Exit(2) from exc
    except IngestError as exc:
        print_failure(exc)
        raise typer.Exit(1) from exc
    except KeyboardInterrupt as exc:
        stopped = "stopped (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"
        done = "".join(f": {note}" for note in getattr(exc, "__notes__", ()))
        err.print(stopped + done + then)
        # The shell's status for a process ended by the signal: 128 + its number.
        number = signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT
        raise typer.Exit(128 + number) from exc
    finally:
        _THEN.pop()
