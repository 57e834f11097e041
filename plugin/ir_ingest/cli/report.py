"""The report command: a run's report, or the list of the latest runs."""

from __future__ import annotations

from contextlib import closing
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

import typer

from ir_ingest.cli.common import Settings, app, fail_cleanly, whole_number
from ir_ingest.cli.output import OutputOption, chosen_format, write_text
from ir_ingest.console import out, print_runs, write_out
from ir_ingest.errors import IngestError, UsageError
from ir_ingest.report import render
from ir_ingest.report.model import RunReport

if TYPE_CHECKING:
    from ir_ingest.store import Store
    from ir_ingest.store.run_reports import RunListed, RunShown, RunsOf

#: ``report --format``'s names, the default first.
FORMATS = ("text", "json", "html")


@app.command()
def report(
    ctx: typer.Context,
    run_id: Annotated[
        int | None,
        typer.Argument(
            metavar="RUN_ID", parser=whole_number(1), help="Run id (default: the latest run)."
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="text|json|html",
            help="text, json or html (default: the one -o's suffix names, .txt, .json or "
            ".html/.htm; else text).",
        ),
    ] = None,
    output: OutputOption = None,
    listed: Annotated[
        bool,
        typer.Option("--list", help="List the latest runs (harvests and reprocess) instead."),
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", metavar="N", parser=whole_number(1), help="Runs --list shows (default 20)."
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            metavar="URL_OR_NAME",
            help="Only the runs of this source, with --list: its base URL or the name its "
            "records are kept under (every run of the repository), or a source name from the "
            "config (the runs of its set and format); reprocess runs too.",
        ),
    ] = None,
) -> None:
    """Show the report of a run (a harvest or a reprocess), or --list the latest runs.

    Example:  ir-ingest report 12 -o run-12.html

    Example:  ir-ingest report --list --source pure --limit 5
    """
    settings: Settings = ctx.obj
    if listed:
        asked = run_id is not None or fmt is not None or output is not None
        _list_runs(settings, limit, source, asked)
        return
    shown = chosen_format(fmt, output, FORMATS, render.SUFFIXES)
    with fail_cleanly():
        for option, given in (("--limit", limit), ("--source", source)):
            if given is not None:
                raise UsageError(f"{option} goes with --list")
        settings.refuse_store_as_output(output)
        with closing(settings.store(existing=True)) as store:
            loaded = _loaded(settings, store, run_id)
    body = (
        render.to_text(loaded, settings.again)
        if shown == "text"
        else render.RENDERERS[shown](loaded)
    )
    if output is None:
        write_out(body)
        return
    with fail_cleanly():
        write_text(output, body)
    out.print(f"Report: {output}")


def _list_runs(
    settings: Settings, limit: int | None, source: str | None, report_asked: bool
) -> None:
    """Print the latest ``limit`` runs (default 20), of ``source`` if given (a URL, a stored
    name, or a source of the config); ``report_asked``: a RUN_ID, ``--format`` or ``-o``
    was given too, which only a run's report takes."""
    with fail_cleanly():
        if report_asked:
            raise UsageError("--list prints a table; it takes no RUN_ID, --format or -o")
    with fail_cleanly(), closing(settings.store(existing=True)) as store:
        repository = settings.stored_name(source) if source is not None else None
        runs = store.list_runs(limit or 20, repository, _runs_of(settings, source))
        if repository is not None and not runs:
            names = ", ".join(sorted(store.run_repositories())) or "none"
            raise IngestError(f"no run of {repository!r} in the store (runs of: {names})")
        print_runs([_checked(store, run) for run in runs])


def _runs_of(settings: Settings, source: str | None) -> RunsOf | None:
    """The set and format of ``source`` when it names a source of the config (a URL or a
    stored name stands for every source of the repository)."""
    from ir_ingest.jobs.reprocess import RUN_PREFIX
    from ir_ingest.store.run_reports import RunsOf

    configured = settings.config().sources.get(source) if source is not None else None
    if configured is None:
        return None
    return RunsOf(configured.set_spec, configured.named_prefix, RUN_PREFIX)


def _loaded(settings: Settings, store: Store, run_id: int | None) -> RunReport:
    """The report of run ``run_id`` (None: the latest), with the status the run has now;
    :class:`IngestError` when there is no such run, or it has kept no report yet."""
    found = store.run_shown(run_id)
    if found is None:
        raise settings.no_run(run_id) if run_id is not None else IngestError("no run yet")
    if _killed(store, found.status, found.metadata_prefix, found.source_key):
        # Shown, not stored: the next run of its source stores it failed.
        found = replace(found, status="failed", error=_KILLED)
    if found.report is None and found.status == "running":
        raise IngestError(f"run {found.id} has no report yet: it is running (just started)")
    if found.report is None:
        # Ended before it kept one (kill -9 on its first page): 0 records and why it ended,
        # as a run stopped by Ctrl-C before its first page has.
        ended = {"status": found.status, "error": found.error, "kind": _kind(found)}
        return RunReport.from_dict({**found.begun, **ended})
    loaded = RunReport.from_dict(found.report)
    if found.status != loaded.status:
        # A report kept while the run went on (report.keeper); the run has ended since, or
        # was found killed: its row (or _killed) says how.
        loaded.status, loaded.error = found.status, found.error
    return loaded


#: What ``report`` says of a run ``running`` that nothing holds (see :func:`_killed`), shown
#: as failed: its process is gone, whether killed or failing to close the run.
_KILLED = (
    "no process holds its source: stopped without finishing (killed?); the store says "
    "running until the next run of its source marks it failed"
)


def _checked(store: Store, run: RunListed) -> RunListed:
    """``run``, shown as failed if its process is gone (see :func:`_killed`), and with 0
    records if it ended before it counted any, as its report says (:func:`_loaded`); the
    list had left the count blank, as it does for a run still going (none counted yet)."""
    if _killed(store, run.status, run.metadata_prefix, run.source_key):
        run = replace(run, status="failed", error=_KILLED)
    if run.records is None and run.status != "running":
        run = replace(run, records=0)
    return run


def _kind(run: RunShown) -> str:
    """``reprocess`` or ``harvest``: which ``run`` is, as its report says."""
    from ir_ingest.jobs.reprocess import RUN_PREFIX

    return "reprocess" if run.metadata_prefix == RUN_PREFIX else "harvest"


def _killed(store: Store, status: str, prefix: str, key: str) -> bool:
    """Whether a run (of ``status``, metadata ``prefix`` and source ``key``) says
    ``running`` while nothing holds its source's lock: it was killed (the next run of its
    source marks it failed).  Reprocess runs all hold one lock."""
    from ir_ingest.jobs.reprocess import ALL_SOURCES, RUN_PREFIX
    from ir_ingest.store import source_key
    from ir_ingest.store.lock import held

    if status != "running":
        return False
    reprocess = prefix == RUN_PREFIX
    return held(store, source_key(ALL_SOURCES, RUN_PREFIX, None) if reprocess else key) is False
