"""The commands that run a harvest or a reprocess: demo, harvest, reprocess."""

from __future__ import annotations

from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ir_ingest.cli.common import RESUMES, Settings, app, fail_cleanly, write_text
from ir_ingest.console import err, harvest_progress, out, print_run
from ir_ingest.errors import ConfigError, IngestError
from ir_ingest.oai.windows import MAX_PARALLEL, WINDOW_SIZES
from ir_ingest.report import render
from ir_ingest.report.model import MAX_LISTED_ENTRIES

if TYPE_CHECKING:
    from ir_ingest.report.model import RunReport


@app.command()
def demo(
    ctx: typer.Context,
    report_dir: Annotated[
        Path,
        typer.Option("--report-dir", file_okay=False, help="Where to write the HTML report."),
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
        fail_cleanly(RESUMES),
        closing(settings.store()) as store,
        harvest_progress("demo harvest") as on_page,
    ):
        result = run_demo(store, report_dir, on_page)
    out.print(f"Harvested the demo endpoint, {result.endpoint} (served for this run only)")
    print_run(result.report)
    out.print(f"Store: {redact_url(settings.db_url)}")
    out.print(f"Report: {result.report_path}")
    out.print("Next: ir-ingest export --format jsonl")


def _report_file(path: Path | None) -> Path | None:
    """Check ``--report`` before the run: a harvest that stored everything must not end as a
    failure (a cron job's alarm) over a mistyped folder or suffix."""
    if path is None:
        return None
    if path.suffix.lower() not in render.SUFFIXES:
        raise typer.BadParameter(
            f"{path} ends in {path.suffix or 'no suffix'}; name a .html, .json or .txt file"
        )
    if path.is_dir() or not path.parent.is_dir():
        what = "is a folder" if path.is_dir() else f"is in {path.parent}, which does not exist"
        raise typer.BadParameter(f"{path} {what}")
    return path


def _window(value: str | None) -> str | None:
    """Checked as Typer checks its own options, with the same exit status (2)."""
    if value is not None and value not in WINDOW_SIZES:
        raise typer.BadParameter(f"{value!r}; use {' or '.join(WINDOW_SIZES)}")
    return value


def _parallel(value: int) -> int:
    if not 1 <= value <= MAX_PARALLEL:
        raise typer.BadParameter(f"{value}; use 1 to {MAX_PARALLEL}")
    return value


ReportOption = Annotated[
    Path | None,
    typer.Option(
        "--report",
        help="Also write the run report here: .html or .json list the records with warnings "
        f"or errors (the first {MAX_LISTED_ENTRIES:,}; notes are counted), .txt is the summary.",
        callback=_report_file,
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
        typer.Option(
            "--window", callback=_window, help="Harvest in date windows: monthly or daily."
        ),
    ] = None,
    parallel: Annotated[
        int,
        typer.Option(
            "--parallel",
            callback=_parallel,
            help=f"Date windows fetched at once (1-{MAX_PARALLEL}; needs --window).",
        ),
    ] = 1,
    archive: Annotated[
        Path | None,
        typer.Option(
            "--archive",
            file_okay=False,
            help="Keep every raw page, gzip-compressed, under this directory.",
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
    crosswalk_process: Annotated[
        bool | None,
        typer.Option(
            "--crosswalk-process/--no-crosswalk-process",
            help="Crosswalk in a second process, on a second core (default: where the "
            "harvest may use more than one core, once it proves long and its pages wait for "
            "it: 2,000 records or more to come by the endpoint's completeListSize, else 500 "
            "records in; at once with --parallel).",
            show_default=False,
        ),
    ] = None,
    strict: StrictOption = False,
) -> None:
    """Harvest one OAI-PMH endpoint into the store (one run, checkpointed after every page).

    Without --from, a run asks only for what changed since the last completed run began.
    An interrupted run (even killed) is continued from its checkpoint by the next run.

    Example:  ir-ingest harvest https://research.example.ac.uk/ws/oai --prefix oai_dc --set openaire
    """
    from ir_ingest.oai.harvest import AUTO_PREFIX, run_harvest
    from ir_ingest.oai.transport import TransportPolicy
    from ir_ingest.secrets import public_url

    settings: Settings = ctx.obj
    with fail_cleanly(RESUMES):
        if prefix == "":
            raise IngestError("--prefix must name a format, or be auto")
        sources = settings.config().sources
        source = sources.get(url)
        if source is not None:
            url, prefix = source.endpoint(), prefix or source.prefix
            set_spec = set_spec or source.set_spec
            if crosswalk is None and source.crosswalk is not None:
                _check_source_crosswalk(f"[sources.{source.name}]", source.crosswalk)
            crosswalk = crosswalk or source.crosswalk
            repository = repository or source.repository
        elif "://" not in url:
            known = ", ".join(sorted(sources)) or "none configured"
            raise IngestError(
                f"{url!r} is neither an http(s) URL nor a source in the config (sources: {known})"
            )
        if parallel > 1 and window is None:  # a usage error, said as Typer says its own
            raise typer.BadParameter(
                "needs --window monthly or --window daily", param_hint="'--parallel'"
            )
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
                crosswalk_process=crosswalk_process,
            )
    _show_run(report, report_path, strict)


def _check_source_crosswalk(origin: str, name: str) -> None:
    """Refuse a source's crosswalk no crosswalk has, saying it is the config's word."""
    from ir_ingest.crosswalk import check_crosswalk_name

    try:
        check_crosswalk_name(name)
    except ConfigError as exc:
        raise ConfigError(f"{origin}: {exc}") from exc


StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Exit with status 3 when the run ended but was cut short (records left unasked "
        "for), records failed (kept as rejects) or are invalid, the set asked for is one the "
        "endpoint does not list, or (reprocess) a source's url_env is not set: for cron jobs "
        "that must notice.",
    ),
]
#: Exit status of a --strict run that ended incomplete, with records failed or invalid, or
#: with one of :data:`STRICT_RUN_ISSUES`.
EXIT_RECORDS = 3
#: Run issues --strict fails on: those a run can end (a set spelt right, a variable set).
#: Not records gone from the source, which every --full run lists again while they are
#: stored, nor a reprocess's crosswalk kept, which no run changes: a cron line would fail
#: every night with nothing to do about it.
STRICT_RUN_ISSUES = frozenset({"harvest.unknown_set", "reprocess.source_url_unknown"})


def _show_run(report: RunReport, report_path: Path | None, strict: bool = False) -> None:
    """Print the run's summary, and write its whole report where ``--report`` asked; with
    ``strict``, exit with :data:`EXIT_RECORDS` when the run was cut short, records failed or
    are invalid, or the run has one of :data:`STRICT_RUN_ISSUES`."""
    print_run(report)
    if report_path is not None:
        fmt = render.SUFFIXES[report_path.suffix.lower()]
        with fail_cleanly():
            write_text(report_path, render.RENDERERS[fmt](report))
        out.print(f"Report: {report_path}")
    failed = report.counts["failed"]
    invalid = report.counts["invalid"] + report.unchanged_invalid
    warned = sorted({i["code"] for i in report.run_issues} & STRICT_RUN_ISSUES)
    if strict and (failed or invalid or warned or report.status == "incomplete"):
        cut = "the run was cut short; " if report.status == "incomplete" else ""
        said = f"; run issues: {', '.join(warned)}" if warned else ""
        err.print(f"--strict: {cut}records failed: {failed}, invalid: {invalid}{said}")
        raise typer.Exit(EXIT_RECORDS)


@app.command()
def reprocess(
    ctx: typer.Context,
    source: Annotated[
        str | None,
        typer.Option("--source", help="Only this repository (its base URL or stored name)."),
    ] = None,
    crosswalk: Annotated[
        str | None,
        typer.Option(
            "--crosswalk",
            help="Make the records of --source with this crosswalk (default: the one the config "
            "names for their source, else the one that made each).",
        ),
    ] = None,
    report_path: ReportOption = None,
    strict: StrictOption = False,
) -> None:
    """Crosswalk and validate the stored raw XML again, without harvesting.

    Run it after a crosswalk or validation change: records that come out different get a new
    version, the others stay as they are.  Each record is made with the crosswalk its
    source in the config names (crosswalk = ...; not for a source whose url_env variable is
    not set here, as the report says), else with the one that made it.  Rejects
    are tried first (the newest of each record): those that now crosswalk are stored, those
    the store holds as new or newer (deleted, or in the reject's format) are forgotten, the
    rest stay rejects.

    Example:  ir-ingest reprocess --source https://research.example.ac.uk/ws/oai
    """
    from ir_ingest.jobs.crosswalk_choice import choices
    from ir_ingest.jobs.reprocess import reprocess as reprocess_store

    settings: Settings = ctx.obj
    if crosswalk is not None and source is None:  # a usage error, said as Typer says its own
        raise typer.BadParameter("needs --source", param_hint="'--crosswalk'")
    with (
        fail_cleanly("; what was reprocessed is stored, and the same command does it all again"),
        closing(settings.store(existing=True)) as store,
        harvest_progress("reprocess") as on_batch,
    ):
        repository = settings.stored_name(source) if source is not None else None
        if repository is not None and not store.holds(repository):
            names = ", ".join(sorted(store.repositories())) or "none"
            raise IngestError(f"the store holds no records of {repository!r} (it holds: {names})")
        chosen = choices(settings.config(), repository, crosswalk)
        report = reprocess_store(store, repository, on_batch, chosen)
    _show_run(report, report_path, strict)
