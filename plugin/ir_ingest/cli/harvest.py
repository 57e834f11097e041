"""The commands that run a harvest or a reprocess: harvest (one source, or --all), reprocess."""

from __future__ import annotations

import os
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from ir_ingest.cli.common import (
    RESUMES,
    DelayOption,
    Settings,
    UserAgentOption,
    app,
    fail_cleanly,
    whole_number,
)
from ir_ingest.cli.every_source import harvest_all, refuse_with_all
from ir_ingest.cli.runs import (
    ReprocessStrictOption,
    StrictOption,
    Where,
    check_given_crosswalk,
    refuse_blank,
    resolved,
    run_one,
    show_run,
)
from ir_ingest.console import harvest_progress
from ir_ingest.errors import IngestError
from ir_ingest.oai.fallback import MAX_FALLBACKS, check_fallback
from ir_ingest.oai.windows import MAX_PARALLEL, WINDOW_SIZES
from ir_ingest.report import render
from ir_ingest.report.model import MAX_LISTED_ENTRIES


def _report_file(path: Path | None) -> Path | None:
    """Check ``--report`` before the run: a harvest that stored everything must not end as a
    failure (a cron job's alarm) over a mistyped folder or suffix."""
    if path is None:
        return None
    if path.suffix.lower() not in render.SUFFIXES:
        # From the table the report is written by: ".htm" is taken, and had not been named.
        *others, last = render.SUFFIXES
        named = f"{', '.join(others)} or {last}"
        suffix = path.suffix or "no suffix"
        raise typer.BadParameter(f"{path} ends in {suffix}; name a {named} file")
    try:
        is_dir, parent_is_dir = path.is_dir(), path.parent.is_dir()
    except OSError as exc:  # a name too long for the file system had been a traceback
        raise typer.BadParameter(f"{path}: {exc.strerror}") from None
    if is_dir or not parent_is_dir:
        what = "is a folder" if is_dir else f"is in {path.parent}, which does not exist"
        raise typer.BadParameter(f"{path} {what}")
    # A folder or a file this user cannot write: the run stored everything, then ended as a
    # failure (exit 1) saying "Permission denied".
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise typer.BadParameter(f"{path} is in {path.parent}, which cannot be written to")
    if path.exists() and not os.access(path, os.W_OK):
        raise typer.BadParameter(f"{path} cannot be written to")
    return path


def _window(value: str | None) -> str | None:
    """Checked as Typer checks its own options, with the same exit status (2)."""
    if value is not None and value not in WINDOW_SIZES:
        raise typer.BadParameter(f"{value!r}; use {' or '.join(WINDOW_SIZES)}")
    return value


def _archive(value: str | None) -> str | None:
    # Read as a path, an empty value is ".": the raw pages would land among the user's files.
    if value is not None and not value.strip():
        raise typer.BadParameter("name a directory for the raw pages")
    return value


ReportOption = Annotated[
    Path | None,
    typer.Option(
        "--report",
        metavar="FILE",
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
            metavar="PREFIX",
            help="metadataPrefix, e.g. mods; auto (the default) takes the richest format the "
            "endpoint offers that a crosswalk reads.",
        ),
    ] = None,
    set_spec: Annotated[
        str | None, typer.Option("--set", metavar="SET", help="Harvest only this set.")
    ] = None,
    crosswalk: Annotated[
        str | None,
        typer.Option(
            "--crosswalk",
            metavar="NAME",
            help="Read records with this crosswalk (default: the one the prefix names, else the "
            "one their root element names).",
        ),
    ] = None,
    repository: Annotated[
        str | None,
        typer.Option(
            "--repository",
            metavar="NAME",
            help="Name to keep records under (default: the URL); keeps ids when the URL changes.",
        ),
    ] = None,
    from_date: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="DATE",
            help="Only records changed on or after: YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ "
            "(an offset such as +02:00 is turned into UTC; a time without one is UTC).",
        ),
    ] = None,
    until_date: Annotated[
        str | None,
        typer.Option(
            "--until",
            metavar="DATE",
            help="Only records changed on or before, in the same forms; a date takes in the "
            "whole day.",
        ),
    ] = None,
    report_path: ReportOption = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Ask for everything (with --from, what changed since then), then list the "
            "records gone from the whole source for review.",
        ),
    ] = False,
    window: Annotated[
        str | None,
        typer.Option(
            "--window",
            metavar="monthly|daily",
            callback=_window,
            help="Harvest in date windows: monthly or daily.",
        ),
    ] = None,
    parallel: Annotated[
        int,
        typer.Option(
            "--parallel",
            metavar="N",
            parser=whole_number(1, MAX_PARALLEL),
            help=f"Date windows fetched at once (1-{MAX_PARALLEL}; needs --window).",
        ),
    ] = 1,
    archive: Annotated[
        str | None,
        typer.Option(
            "--archive",
            metavar="DIR",
            callback=_archive,
            help="Keep every raw page, gzip-compressed, under this directory.",
        ),
    ] = None,
    fallback_prefix: Annotated[
        str | None,
        typer.Option(
            "--fallback-prefix",
            metavar="PREFIX",
            help="Ask for each record that fails in --prefix (a reject, or invalid) again, "
            f"alone, in this simpler format (GetRecord; at most {MAX_FALLBACKS} a run), and "
            "store the better copy, saying so (harvest.format_fallback).",
        ),
    ] = None,
    user_agent: UserAgentOption = None,
    delay: DelayOption = 0.0,
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

    --all harvests every source of the config in turn (for a cron job): each as its name alone
    would, with --full, --window, --parallel, --archive, --user-agent, --delay,
    --[no-]crosswalk-process and --strict applied to each; the options one source's run needs
    (--prefix, --set, --crosswalk, --repository, --fallback-prefix, --from, --until) and
    --report are refused with
    it.  It ends with a line a source (run, status) and the worst exit status: 1 if a source
    failed, else 3 if --strict found fault with one, else 0.  Ctrl-C stops the source being
    harvested (its checkpoint kept) and the sources after it.

    Example:  ir-ingest harvest https://research.example.ac.uk/ws/oai --prefix oai_dc --set openaire

    Example:  ir-ingest harvest --all --strict   (a cron job's line)
    """
    from ir_ingest.oai.harvest import check_options
    from ir_ingest.oai.plan import HarvestOptions
    from ir_ingest.oai.transport import TransportPolicy

    settings: Settings = ctx.obj
    if parallel > 1 and window is None:  # a usage error, said as Typer says its own
        raise typer.BadParameter(
            "needs --window monthly or --window daily", param_hint="'--parallel'"
        )
    polite = TransportPolicy(delay=delay)
    # What the run asks for, whichever endpoint: what --all gives every source.
    asked = HarvestOptions(
        from_date=from_date,
        until_date=until_date,
        full=full,
        window=window,
        parallel=parallel,
        archive=Path(archive) if archive is not None else None,
        policy=replace(polite, user_agent=user_agent) if user_agent else polite,
        crosswalk_process=crosswalk_process,
    )
    with fail_cleanly():
        settings.refuse_store_as_output(report_path, "--report")
        settings.refuse_store_as_output(asked.archive, "--archive")
    if every_source:
        per_run = {
            "URL": url, "--prefix": prefix, "--set": set_spec, "--crosswalk": crosswalk,
            "--repository": repository, "--from": from_date, "--until": until_date,
            "--report": report_path, "--fallback-prefix": fallback_prefix,
        }  # fmt: skip
        refuse_with_all([name for name, value in per_run.items() if value is not None])
        with fail_cleanly():  # once, not once a source
            check_options(asked)
        harvest_all(settings, asked, strict)
        return
    if url is None:
        raise typer.BadParameter(  # as Typer says a missing argument, with --all beside it
            "give an OAI-PMH base URL or a source name from the config, or --all",
            param_hint="'URL'",
        )
    with fail_cleanly(RESUMES):
        refuse_blank(
            {
                "--prefix": prefix,
                "--crosswalk": crosswalk,
                "--repository": repository,
                "--fallback-prefix": fallback_prefix,
            }
        )
        check_given_crosswalk(crosswalk, prefix)  # before the store: a typo made an empty one
        check_given_crosswalk(fallback_prefix)
        if prefix is not None:
            check_fallback(fallback_prefix, prefix)
        check_options(replace(asked, set_spec=set_spec))
        asked_for = Where(url, prefix, set_spec, crosswalk, repository, fallback_prefix)
        where = resolved(settings.config(), asked_for)
        with closing(settings.store()) as store:
            report = run_one(store, where, asked)
    show_run(report, report_path, strict, settings.again)


@app.command()
def reprocess(
    ctx: typer.Context,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            metavar="URL_OR_NAME",
            help="Only this repository: its base URL, the name its records are kept under, "
            "or a source name from the config.",
        ),
    ] = None,
    crosswalk: Annotated[
        str | None,
        typer.Option(
            "--crosswalk",
            metavar="NAME",
            help="Make the records of --source with this crosswalk (default: the one the config "
            "names for their source, else the one that made each).",
        ),
    ] = None,
    report_path: ReportOption = None,
    strict: ReprocessStrictOption = False,
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
    with fail_cleanly():  # a name that names no crosswalk is the command line's: exit 2
        check_given_crosswalk(crosswalk)
        settings.refuse_store_as_output(report_path, "--report")
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
    show_run(report, report_path, strict, settings.again)
