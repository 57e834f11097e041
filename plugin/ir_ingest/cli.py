"""The ``ir-ingest`` command line: a thin layer over the library.

Each command parses its arguments, calls one library function, and prints what happened.
Run failures (:class:`~ir_ingest.errors.IngestError`) become one clear line on stderr and exit
status 1; per-record problems are in the report, never tracebacks.

The store (SQLAlchemy) and the harvester (requests, pyoai) are imported by the commands that
use them: ``--help`` starts in half the time (1.2 s before), and ``crosswalk`` opens no store.
"""

from __future__ import annotations

import json
import sys
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from ir_ingest import __version__
from ir_ingest.config import Config, load_config
from ir_ingest.console import (
    err,
    harvest_progress,
    out,
    print_lineage,
    print_run,
    print_runs,
)
from ir_ingest.crosswalk import add_crosswalk_dir, check_crosswalk_name, registry
from ir_ingest.crosswalk.lookups import add_lookup_dir
from ir_ingest.errors import IngestError
from ir_ingest.report import render
from ir_ingest.report.model import RunReport

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ir_ingest.schema import Record
    from ir_ingest.store import Store


app = typer.Typer(
    help=(
        "Harvest OAI-PMH records, crosswalk Dublin Core and MODS into one record schema, "
        "validate and store them.\n\nStart with:  ir-ingest demo"
    ),
    no_args_is_help=True,
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

    def store(self, *, existing: bool = False) -> Store:
        """Open the store the options name; ``existing`` for commands that only read it.

        Reading a SQLite file that is not there would create an empty store and show it: a
        mistyped ``--db`` looked like a store with nothing in it.
        """
        from ir_ingest.store import Store
        from ir_ingest.store.engine import missing_sqlite_file

        if existing:
            path = missing_sqlite_file(self.db_url)
            if path is not None:
                raise IngestError(
                    f"no store at {path} (harvest or import first, or give --db or IR_INGEST_DB)"
                )
        return Store(self.db_url)

    def config(self) -> Config:
        """Load and check the configuration file."""
        return load_config(self.config_path)


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
            help="SQLAlchemy database URL (env IR_INGEST_DB; default sqlite:///ir-ingest.sqlite3).",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="TOML configuration file (default ./ir-ingest.toml)."),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Global options."""
    settings = Settings(db=db, config_path=config)
    ctx.obj = settings
    with _fail_cleanly():
        for folder in settings.config().crosswalk_dirs:
            add_crosswalk_dir(folder)
            if (folder / "lookups").is_dir():
                add_lookup_dir(folder / "lookups")


@app.command()
def demo(
    ctx: typer.Context,
    report_dir: Annotated[
        Path, typer.Option("--report-dir", help="Where to write the HTML report.")
    ] = Path("ir-ingest-report"),
) -> None:
    """Harvest the bundled demo records from a local OAI-PMH endpoint into the store.

    Serves 36 fixture records (4 pages, 4 deletions) with pyoai's server on 127.0.0.1,
    harvests them end to end, and writes the run's HTML report.  Nothing leaves this machine.

    Example:  ir-ingest demo   (run it twice: the second run finds every record unchanged)
    """
    from ir_ingest.jobs.demo import run_demo
    from ir_ingest.store import redact_url

    settings: Settings = ctx.obj
    with (
        _fail_cleanly(),
        closing(settings.store()) as store,
        harvest_progress("demo harvest") as on_page,
    ):
        result = run_demo(store, report_dir, on_page)
    out.print(f"Harvested the demo endpoint, {result.endpoint} (served for this run only)")
    print_run(result.report)
    out.print(f"Store: {redact_url(settings.db_url)}")
    out.print(f"Report: {result.report_path}")
    out.print("Next: ir-ingest export --format jsonl")


ReportOption = Annotated[
    Path | None,
    typer.Option(
        "--report",
        help="Also write the run report here: .html or .json list every record with issues, "
        ".txt is the summary.",
    ),
]


@app.command()
def harvest(
    ctx: typer.Context,
    url: Annotated[
        str,
        typer.Argument(metavar="URL", help="OAI-PMH base URL, or a source name from the config."),
    ],
    prefix: Annotated[
        str | None,
        typer.Option(
            "--prefix",
            help="metadataPrefix, e.g. mods; auto (the default) takes the richest format the "
            "endpoint offers that a crosswalk reads.",
        ),
    ] = None,
    set_spec: Annotated[str | None, typer.Option("--set", help="Harvest only this set.")] = None,
    crosswalk: Annotated[
        str | None,
        typer.Option(
            "--crosswalk",
            help="Read records with this crosswalk (default: the one the prefix names, else the "
            "one their root element names).",
        ),
    ] = None,
    repository: Annotated[
        str | None,
        typer.Option(
            "--repository",
            help="Name to keep records under (default: the URL); keeps ids when the URL changes.",
        ),
    ] = None,
    from_date: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Only records changed on or after: YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ "
            "(an offset such as +02:00 is turned into UTC).",
        ),
    ] = None,
    until_date: Annotated[
        str | None,
        typer.Option(
            "--until",
            help="Only records changed on or before, in the same forms; a date takes in the "
            "whole day.",
        ),
    ] = None,
    report_path: ReportOption = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full", help="Ask for everything, then list records gone from the source for review."
        ),
    ] = False,
    window: Annotated[
        str | None,
        typer.Option("--window", help="Harvest in date windows: monthly or daily."),
    ] = None,
    parallel: Annotated[
        int, typer.Option("--parallel", help="Date windows fetched at once (1-8; needs --window).")
    ] = 1,
    archive: Annotated[
        Path | None,
        typer.Option(
            "--archive", help="Keep every raw page, gzip-compressed, under this directory."
        ),
    ] = None,
    user_agent: Annotated[
        str | None, typer.Option("--user-agent", help="User-Agent header to send.")
    ] = None,
    delay: Annotated[
        float,
        typer.Option(
            "--delay", min=0, metavar="SECONDS", help="Seconds between two requests (politeness)."
        ),
    ] = 0.0,
    strict: StrictOption = False,
) -> None:
    """Harvest one OAI-PMH endpoint into the store (one run, checkpointed after every page).

    Without --from, a run asks only for what changed since the last completed run began.
    An interrupted run (even killed) is continued from its checkpoint by the next run.

    Example:  ir-ingest harvest https://research.example.ac.uk/ws/oai --prefix oai_dc --set openaire
    """
    from ir_ingest.oai.harvest import AUTO_PREFIX, run_harvest
    from ir_ingest.oai.transport import TransportPolicy, public_url

    settings: Settings = ctx.obj
    with _fail_cleanly():
        if prefix == "":
            raise IngestError("--prefix must name a format, or be auto")
        sources = settings.config().sources
        source = sources.get(url)
        if source is not None:
            url, prefix = source.url, prefix or source.prefix
            set_spec = set_spec or source.set_spec
            crosswalk = crosswalk or source.crosswalk
            repository = repository or source.repository
        elif "://" not in url:
            known = ", ".join(sorted(sources)) or "none configured"
            raise IngestError(
                f"{url!r} is neither an http(s) URL nor a source in the config (sources: {known})"
            )
        if parallel > 1 and window is None:
            raise IngestError("--parallel needs --window monthly or --window daily")
        polite = TransportPolicy(delay=delay)
        policy = replace(polite, user_agent=user_agent) if user_agent else polite
        with (
            closing(settings.store()) as store,
            harvest_progress(f"harvest {public_url(url)}") as on_page,
        ):
            report = run_harvest(
                url,
                prefix or AUTO_PREFIX,
                repository=repository,
                set_spec=set_spec,
                from_date=from_date,
                until_date=until_date,
                full=full,
                window=window,
                parallel=parallel,
                archive=archive,
                policy=policy,
                store=store,
                on_page=on_page,
                crosswalk=crosswalk,
            )
    _show_run(report, report_path, strict)


StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Exit with status 3 when the run ended but was cut short (records left unasked "
        "for) or records failed (kept as rejects) or are invalid: for cron jobs that must "
        "notice.",
    ),
]
#: Exit status of a --strict run that ended incomplete, or with records failed or invalid.
EXIT_RECORDS = 3


def _show_run(report: RunReport, report_path: Path | None, strict: bool = False) -> None:
    """Print the run's summary, and write its whole report where ``--report`` asked; with
    ``strict``, exit with :data:`EXIT_RECORDS` when the run was cut short or records failed
    or are invalid."""
    print_run(report)
    if report_path is not None:
        by_suffix = {".json": render.to_json, ".txt": render.to_text}
        with _fail_cleanly():
            _write_text(report_path, by_suffix.get(report_path.suffix, render.to_html)(report))
        out.print(f"Report: {report_path}")
    failed = report.counts["failed"]
    invalid = report.counts["invalid"] + report.unchanged_invalid
    if strict and (failed or invalid or report.status == "incomplete"):
        cut = "the run was cut short; " if report.status == "incomplete" else ""
        err.print(f"--strict: {cut}{failed} records failed and {invalid} are invalid")
        raise typer.Exit(EXIT_RECORDS)


@app.command()
def reprocess(
    ctx: typer.Context,
    source: Annotated[
        str | None,
        typer.Option("--source", help="Only this repository (its base URL or stored name)."),
    ] = None,
    report_path: ReportOption = None,
    strict: StrictOption = False,
) -> None:
    """Crosswalk and validate the stored raw XML again, without harvesting.

    Run it after a crosswalk or validation change: records that come out different get a new
    version, the others stay as they are.  Rejects are tried first (the newest of each
    record): those that now crosswalk are stored, those the store holds as new or newer
    (deleted, or in the reject's format) are forgotten, the rest stay rejects.

    Example:  ir-ingest reprocess --source https://research.example.ac.uk/ws/oai
    """
    from ir_ingest.jobs.reprocess import reprocess as reprocess_store

    settings: Settings = ctx.obj
    with (
        _fail_cleanly(),
        closing(settings.store(existing=True)) as store,
        harvest_progress("reprocess") as on_batch,
    ):
        repository = _stored_name(settings, source)
        if repository is not None and not store.holds(repository):
            names = ", ".join(sorted(store.repositories())) or "none"
            raise IngestError(f"the store holds no records of {repository!r} (it holds: {names})")
        report = reprocess_store(store, repository, on_batch)
    _show_run(report, report_path, strict)


def _stored_name(settings: Settings, source: str | None) -> str | None:
    """The name records of ``source`` are stored under: a config source's repository, or its
    URL, or a URL given as harvested (without the password it may hold, as stored)."""
    from ir_ingest.oai.transport import public_url

    if source is None:
        return None
    configured = settings.config().sources.get(source)
    if configured is not None:
        return configured.repository or public_url(configured.url)
    return public_url(source) if "://" in source else source


RecordFile = Annotated[
    Path,
    typer.Argument(
        metavar="FILE", help="An XML file: OAI-PMH response, record, metadata or collection."
    ),
]
FormatOption = Annotated[
    str | None,
    typer.Option(
        "--prefix", help="Format (a crosswalk's name); detected from the root element if omitted."
    ),
]

CrosswalkOption = Annotated[
    str | None,
    typer.Option(
        "--crosswalk",
        help="Read the records with this crosswalk (one of yours, say) instead of the one the "
        "format names; the record says which made it.",
    ),
]


def _known_format(prefix: str | None) -> str | None:
    """A format given to import or crosswalk names a crosswalk: a typo is an error, not a
    guess (a harvest's prefix is the endpoint's name, and may name none)."""
    if prefix is not None and prefix not in registry():
        known = ", ".join(sorted(registry()))
        raise IngestError(f"no crosswalk for format {prefix!r}; known formats: {known}")
    return prefix


@app.command("import")
def import_record(
    ctx: typer.Context,
    file: RecordFile,
    prefix: FormatOption = None,
    crosswalk: CrosswalkOption = None,
) -> None:
    """Import a record (or each record of a collection) from a file into the store.

    Example:  ir-ingest import fixtures/records/oai_dc/pure-chapter.xml
    """
    from ir_ingest.pipeline import process_file

    settings: Settings = ctx.obj
    with _fail_cleanly():
        check_crosswalk_name(crosswalk)
        entries = process_file(file, _known_format(prefix), crosswalk)
        for entry in entries:
            if entry.record is None and not entry.harvested.deleted:
                problems = "; ".join(issue.message for issue in entry.issues)
                raise IngestError(f"{file}: not imported: {problems}")
        with closing(settings.store()) as store:
            store.save_page(None, entries, None)
    for entry in entries:
        record = entry.record
        title = record.title.value if record and record.title else "(no title)"
        assert entry.outcome is not None
        out.print(f"{entry.outcome.value}: {title} ({entry.harvested.identifier})")
        for issue in entry.issues:
            out.print(f"  {issue.severity.value} {issue.code}: {issue.message}")


@app.command("crosswalk")
def crosswalk_command(
    file: RecordFile,
    prefix: FormatOption = None,
    crosswalk: CrosswalkOption = None,
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Show where each field came from and what went to extra."),
    ] = False,
) -> None:
    """Print the record JSON a file crosswalks to (offline: no network, no store).

    Issues go to stderr, so stdout is the JSON alone: one object, or an array for a file that
    holds a collection of records.  With --explain, print each field's source paths instead.

    Example:  ir-ingest crosswalk fixtures/records/mods/seed-chapter.xml --explain
    """
    from ir_ingest.pipeline import process_file

    with _fail_cleanly():
        # Deletions in a saved ListRecords page have no record to show; they are passed over.
        check_crosswalk_name(crosswalk)
        read = process_file(file, _known_format(prefix), crosswalk)
        entries = [e for e in read if not e.harvested.deleted]
        if not entries:
            raise IngestError(f"{file}: the file holds only deleted records")
        for entry in entries:
            if entry.record is None:
                problems = "; ".join(i.message for i in entry.issues)
                raise IngestError(f"{file}: {entry.harvested.identifier}: {problems}")
    if explain:
        for entry in entries:
            print_lineage(entry)
    else:
        records = [entry.record.to_dict() for entry in entries if entry.record]
        document = records[0] if len(records) == 1 else records
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    for entry in entries:
        for issue in entry.issues:
            err.print(f"{issue.severity.value} {issue.code}: {issue.message}")


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        str, typer.Option("--format", help="jsonl (one record a line) or json.")
    ] = "jsonl",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File (default stdout).")
    ] = None,
    valid_only: Annotated[
        bool,
        typer.Option("--valid-only", help="Leave out records that failed validation."),
    ] = False,
) -> None:
    """Write every stored record; deleted ones are tombstones with source.deleted true.

    Records that failed validation (no title, say) are included unless --valid-only is given;
    the run reports list them.

    Example:  ir-ingest export --format jsonl --valid-only -o records.jsonl
    """
    if fmt not in ("jsonl", "json"):
        err.print(f"--format must be jsonl or json, got {fmt!r}")
        raise typer.Exit(2)
    settings: Settings = ctx.obj
    with _fail_cleanly(), closing(settings.store(existing=True)) as store:
        records = store.iter_records(valid_only=valid_only)
        if output is None:
            _write_records(records, sys.stdout, fmt)
            return
        try:
            with output.open("w", encoding="utf-8") as handle:
                _write_records(records, handle, fmt)
        except OSError as exc:
            raise IngestError(f"cannot write {output}: {exc.strerror}") from exc


def _write_records(records: Iterator[Record], handle: TextIO, fmt: str) -> None:
    if fmt == "jsonl":
        for record in records:
            handle.write(record.to_json().decode() + "\n")
        return
    handle.write("[\n")
    for number, record in enumerate(records):
        handle.write(("" if number == 0 else ",\n") + record.to_json().decode())
    handle.write("\n]\n")


@app.command()
def report(
    ctx: typer.Context,
    run_id: Annotated[
        int | None, typer.Argument(metavar="RUN_ID", help="Run id (default: the latest run).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="text, json or html.")] = "text",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File (default stdout).")
    ] = None,
    listed: Annotated[
        bool,
        typer.Option("--list", help="List the latest runs (harvests and reprocess) instead."),
    ] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Runs --list shows (default 20).")
    ] = None,
) -> None:
    """Show the report of a run (a harvest or a reprocess), or --list the latest runs.

    Example:  ir-ingest report --format html -o last-run.html
    """
    settings: Settings = ctx.obj
    if listed:
        with _fail_cleanly(), closing(settings.store(existing=True)) as store:
            if run_id is not None or fmt != "text" or output is not None:
                raise IngestError("--list prints a table; it takes no RUN_ID, --format or -o")
            print_runs(store.list_runs(limit or 20))
        return
    with _fail_cleanly():
        if limit is not None:
            raise IngestError("--limit goes with --list")
        with closing(settings.store(existing=True)) as store:
            found = store.run_shown(run_id)
        if found is None:
            raise IngestError(
                f"no run {run_id} in the store" if run_id is not None else "no run yet"
            )
        if found.report is None:
            why = found.error or (
                "killed, or just started; the next harvest or reprocess marks a killed run "
                "failed, and a harvest of its source continues it"
            )
            raise IngestError(f"run {found.id} has no report yet: it is {found.status} ({why})")
    loaded = RunReport.from_dict(found.report)
    if found.status != loaded.status:
        # A report kept while the run went on (report.keeper); the run has ended since, or
        # was found killed: its row says how.
        loaded.status, loaded.error = found.status, found.error
    renderers = {"text": render.to_text, "json": render.to_json, "html": render.to_html}
    if fmt not in renderers:
        err.print(f"--format must be text, json or html, got {fmt!r}")
        raise typer.Exit(2)
    body = renderers[fmt](loaded)
    if output is None:
        sys.stdout.write(body)
        return
    with _fail_cleanly():
        _write_text(output, body)
    out.print(f"Report: {output}")


def _write_text(path: Path, text: str) -> None:
    """Write a file the user named; a folder that is missing is a clear error."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise IngestError(f"cannot write {path}: {exc.strerror}") from exc


@contextmanager
def _fail_cleanly() -> Iterator[None]:
    """Turn a run failure into one line on stderr and exit status 1."""
    try:
        yield
    except IngestError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(1) from exc
    except KeyboardInterrupt as exc:
        # The pages stored so far stay, with their checkpoint (a harvest: the run is "failed").
        err.print("interrupted; the same command continues from the last page stored")
        raise typer.Exit(130) from exc


def main() -> None:
    """Console-script entry point."""
    app()
