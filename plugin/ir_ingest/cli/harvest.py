"""The commands that run a harvest or a reprocess: demo, harvest, reprocess."""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ir_ingest.cli.common import (
    RESUMES,
    Settings,
    app,
    fail_cleanly,
    print_failure,
    write_text,
)
from ir_ingest.config import DEFAULT_CONFIG
from ir_ingest.console import err, harvest_progress, out, print_run
from ir_ingest.errors import ConfigError, IngestError
from ir_ingest.oai.windows import MAX_PARALLEL, WINDOW_SIZES
from ir_ingest.report import render
from ir_ingest.report.model import MAX_LISTED_ENTRIES

if TYPE_CHECKING:
    from ir_ingest.config import SourceConfig
    from ir_ingest.oai.transport import TransportPolicy
    from ir_ingest.report.model import RunReport
    from ir_ingest.store import Store


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
        str | None,
        typer.Argument(
            metavar="URL",
            help="OAI-PMH base URL, or a source name from the config (or --all).",
            show_default=False,
        ),
    ] = None,
    every_source: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Harvest every source in the config, one after another, in its order, each "
            "as its name alone would; one failing does not stop the others.",
        ),
    ] = False,
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

    --all harvests every source of the config in turn (for a cron job): each as its name
    alone would, with --full, --window, --parallel, --archive, --user-agent, --delay and
    --strict applied to each; the options one source's run needs (--prefix, --set,
    --crosswalk, --repository, --from, --until) and --report are refused with it.  It ends
    with a line a source (run, status) and the worst exit status: 1 if a source failed, else
    3 if --strict found fault with one, else 0.  Ctrl-C stops the source being harvested
    (its checkpoint kept) and the sources after it.

    Example:  ir-ingest harvest https://research.example.ac.uk/ws/oai --prefix oai_dc --set openaire

    Example:  ir-ingest harvest --all --strict   (a cron job's line)
    """
    from ir_ingest.oai.transport import TransportPolicy

    settings: Settings = ctx.obj
    if parallel > 1 and window is None:  # a usage error, said as Typer says its own
        raise typer.BadParameter(
            "needs --window monthly or --window daily", param_hint="'--parallel'"
        )
    polite = TransportPolicy(delay=delay)
    asked = _Asked(
        from_date=from_date,
        until_date=until_date,
        full=full,
        window=window,
        parallel=parallel,
        archive=archive,
        policy=replace(polite, user_agent=user_agent) if user_agent else polite,
        crosswalk_process=crosswalk_process,
    )
    if every_source:
        per_run = {
            "URL": url, "--prefix": prefix, "--set": set_spec, "--crosswalk": crosswalk,
            "--repository": repository, "--from": from_date, "--until": until_date,
            "--report": report_path,
        }  # fmt: skip
        _refuse_with_all([name for name, value in per_run.items() if value is not None])
        _harvest_all(settings, asked, strict)
        return
    if url is None:
        raise typer.BadParameter(  # as Typer says a missing argument, with --all beside it
            "give an OAI-PMH base URL or a source name from the config, or --all",
            param_hint="'URL'",
        )
    with fail_cleanly(RESUMES):
        if prefix == "":
            raise IngestError("--prefix must name a format, or be auto")
        sources = settings.config().sources
        source = sources.get(url)
        if source is not None:
            where = _configured(source, prefix, set_spec, crosswalk, repository)
        elif "://" not in url:
            known = ", ".join(sorted(sources)) or "none configured"
            raise IngestError(
                f"{url!r} is neither an http(s) URL nor a source in the config (sources: {known})"
            )
        else:
            where = _Where(url, prefix, set_spec, crosswalk, repository)
        with closing(settings.store()) as store:
            report = _run_one(store, where, asked)
    _show_run(report, report_path, strict)


@dataclass(frozen=True, slots=True)
class _Where:
    """The endpoint a run harvests and what of it: a URL's options, or a source's config
    overridden by them (None: the default, ``auto`` for the prefix)."""

    url: str
    prefix: str | None
    set_spec: str | None
    crosswalk: str | None
    repository: str | None


@dataclass(frozen=True, slots=True)
class _Asked:
    """How a run harvests, whichever endpoint: the options ``--all`` gives every source."""

    from_date: str | None
    until_date: str | None
    full: bool
    window: str | None
    parallel: int
    archive: Path | None
    policy: TransportPolicy
    crosswalk_process: bool | None


def _configured(
    source: SourceConfig,
    prefix: str | None = None,
    set_spec: str | None = None,
    crosswalk: str | None = None,
    repository: str | None = None,
) -> _Where:
    """Where ``source`` is harvested: its config, each setting replaced by the command line's
    when given.  Raises :class:`ConfigError` for a url_env not set, or a crosswalk of the
    config's that no crosswalk is."""
    if crosswalk is None and source.crosswalk is not None:
        _check_source_crosswalk(f"[sources.{source.name}]", source.crosswalk)
    return _Where(
        url=source.endpoint(),
        prefix=prefix or source.prefix,
        set_spec=set_spec or source.set_spec,
        crosswalk=crosswalk or source.crosswalk,
        repository=repository or source.repository,
    )


def _run_one(store: Store, where: _Where, asked: _Asked) -> RunReport:
    """One harvest run, with its progress bar."""
    from ir_ingest.oai.harvest import AUTO_PREFIX, run_harvest
    from ir_ingest.secrets import public_url

    with harvest_progress(f"harvest {public_url(where.url)}") as on_page:
        return run_harvest(
            where.url,
            where.prefix or AUTO_PREFIX,
            repository=where.repository,
            set_spec=where.set_spec,
            from_date=asked.from_date,
            until_date=asked.until_date,
            full=asked.full,
            window=asked.window,
            parallel=asked.parallel,
            archive=asked.archive,
            policy=asked.policy,
            store=store,
            on_page=on_page,
            crosswalk=where.crosswalk,
            crosswalk_process=asked.crosswalk_process,
        )


def _refuse_with_all(given: list[str]) -> None:
    """``--all`` harvests each source as its config says: a URL, a setting of one source's,
    a date range (a repair of one source's history) or one report file is a usage error."""
    if not given:
        return
    if given[0] == "URL":
        raise typer.BadParameter(
            "it harvests every source in the config: give no URL or source name with it",
            param_hint="'--all'",
        )
    report = " (each run's report: ir-ingest report RUN_ID -o FILE)" if "--report" in given else ""
    raise typer.BadParameter(
        f"{', '.join(given)} cannot be given with it: it harvests each source as the config "
        f"says; harvest one source by its name to use them{report}",
        param_hint="'--all'",
    )


@dataclass(frozen=True, slots=True)
class _Outcome:
    """How one source's harvest under ``--all`` ended."""

    name: str
    run_id: int | None
    status: str
    #: The exit status it alone would have given: 0, 1 (failed) or :data:`EXIT_RECORDS`.
    exit_code: int


def _harvest_all(settings: Settings, asked: _Asked, strict: bool) -> None:
    """Harvest every source of the config in turn, a failure of one not stopping the next;
    then a line a source, and exit with the worst status."""
    with fail_cleanly(RESUMES):
        sources = list(_every_source(settings).values())
        outcomes: list[_Outcome] = []
        for number, source in enumerate(sources):
            out.print(f"Source {source.name} ({number + 1} of {len(sources)}):")
            try:
                outcomes.append(_harvest_source(settings, source, asked, strict))
            except KeyboardInterrupt as exc:
                left = [later.name for later in sources[number + 1 :]]
                if left:  # said with the interruption, by fail_cleanly
                    exc.add_note(f"not harvested: {', '.join(left)}")
                raise
    out.print("Sources:")
    width = max(len(outcome.name) for outcome in outcomes)
    for outcome in outcomes:
        run = f"run {outcome.run_id}" if outcome.run_id is not None else "no run"
        strict_said = " (--strict)" if outcome.exit_code == EXIT_RECORDS else ""
        out.print(f"  {outcome.name:<{width}}  {run:<9}  {outcome.status}{strict_said}")
    codes = {outcome.exit_code for outcome in outcomes}
    # A failure (1) is worse than a run --strict finds fault with (3), whatever the numbers.
    worst = 1 if 1 in codes else EXIT_RECORDS if EXIT_RECORDS in codes else 0
    if worst:
        raise typer.Exit(worst)


def _every_source(settings: Settings) -> dict[str, SourceConfig]:
    """The config's sources, in its order; none is an error naming the file."""
    sources = settings.config().sources
    if sources:
        return sources
    path = settings.config_path or DEFAULT_CONFIG
    if settings.config_path is None and not path.exists():
        raise ConfigError(f"--all: there is no config file {path} (give --config FILE)")
    raise ConfigError(f"--all: the config file {path} names no sources ([sources.NAME] tables)")


def _harvest_source(
    settings: Settings, source: SourceConfig, asked: _Asked, strict: bool
) -> _Outcome:
    """Harvest ``source`` as ``harvest NAME`` would, its failure said and returned, not
    raised (Ctrl-C and SIGTERM are)."""
    try:
        with closing(settings.store()) as store:
            before = _newest_run(store)
            try:
                report = _run_one(store, _configured(source), asked)
            except IngestError as exc:
                print_failure(exc)
                return _Outcome(source.name, _run_since(store, before), "failed", 1)
    except IngestError as exc:  # the store could not be opened, or closed
        print_failure(exc)
        return _Outcome(source.name, None, "failed", 1)
    faulted = _show_summary(report, None, strict)
    return _Outcome(source.name, report.run_id, report.status, EXIT_RECORDS if faulted else 0)


def _newest_run(store: Store) -> int:
    """The id of the store's newest run, 0 when it has none."""
    newest = store.list_runs(1)
    return newest[0].id if newest else 0


def _run_since(store: Store, before: int) -> int | None:
    """The run a failed harvest kept (its id is newer than ``before``), None if it failed
    before beginning one (a url_env not set, a broken crosswalk)."""
    try:
        newest = _newest_run(store)
    except IngestError:
        return None  # the store that failed the run cannot say either
    return newest if newest > before else None


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
    if _show_summary(report, report_path, strict):
        raise typer.Exit(EXIT_RECORDS)


def _show_summary(report: RunReport, report_path: Path | None, strict: bool) -> bool:
    """What :func:`_show_run` does but exit: whether ``strict`` finds fault with the run,
    said on stderr."""
    print_run(report)
    if report_path is not None:
        fmt = render.SUFFIXES[report_path.suffix.lower()]
        with fail_cleanly():
            write_text(report_path, render.RENDERERS[fmt](report))
        out.print(f"Report: {report_path}")
    failed = report.counts["failed"]
    invalid = report.counts["invalid"] + report.unchanged_invalid
    warned = sorted({i["code"] for i in report.run_issues} & STRICT_RUN_ISSUES)
    if not (strict and (failed or invalid or warned or report.status == "incomplete")):
        return False
    cut = "the run was cut short; " if report.status == "incomplete" else ""
    said = f"; run issues: {', '.join(warned)}" if warned else ""
    err.print(f"--strict: {cut}records failed: {failed}, invalid: {invalid}{said}")
    return True


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
