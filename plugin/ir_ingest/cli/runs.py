"""One harvest run as the commands start and show it: where and how it harvests, its
progress bar, its summary, and what ``--strict`` makes of it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Annotated

import typer

from ir_ingest.cli.common import fail_cleanly
from ir_ingest.cli.output import write_text
from ir_ingest.config import AUTO_PREFIX, is_auto
from ir_ingest.console import err, harvest_progress, out, print_run
from ir_ingest.errors import ConfigError, CrosswalkChoiceError, UsageError
from ir_ingest.oai.baseurl import check_base_url
from ir_ingest.report import render
from ir_ingest.secrets import (
    CREDENTIALS_IN_A_NAME,
    holds_credentials,
    public_url,
    refuse_padded_url,
    shown_value,
)

if TYPE_CHECKING:
    from pathlib import Path

    from ir_ingest.config import Config, SourceConfig
    from ir_ingest.oai.plan import HarvestOptions
    from ir_ingest.report.model import RunReport
    from ir_ingest.store import Store


@dataclass(frozen=True, slots=True)
class Where:
    """The endpoint a run harvests and what of it: a URL's options, or a source's config
    overridden by them (None: the default, ``auto`` for the prefix)."""

    url: str
    prefix: str | None
    set_spec: str | None
    crosswalk: str | None
    repository: str | None
    #: The format a record that fails in ``prefix`` is asked for again in (None: never).
    fallback_prefix: str | None = None


def configured(
    source: SourceConfig,
    prefix: str | None = None,
    set_spec: str | None = None,
    crosswalk: str | None = None,
    repository: str | None = None,
    fallback_prefix: str | None = None,
) -> Where:
    """Where ``source`` is harvested: its config, each setting replaced by the command line's
    when given (``None``: not given).  Raises :class:`ConfigError` for a url_env not set,
    or a crosswalk of the config's that no crosswalk is."""
    if crosswalk is None and source.crosswalk is not None:
        check_source_crosswalk(source.where, source.crosswalk)
    if fallback_prefix is None and source.fallback_prefix is not None:
        # The format's own crosswalk reads the fallback copies: one must have its name.
        check_source_crosswalk(source.where, source.fallback_prefix)
    return Where(
        url=source.endpoint(),
        prefix=prefix if prefix is not None else source.prefix,
        set_spec=set_spec if set_spec is not None else source.set_spec,
        crosswalk=crosswalk if crosswalk is not None else source.crosswalk,
        repository=repository if repository is not None else source.repository,
        fallback_prefix=fallback_prefix if fallback_prefix is not None else source.fallback_prefix,
    )


def resolved(config: Config, asked: Where) -> Where:
    """Where ``asked`` names: a source of the config, by its name or by its URL
    (:meth:`Config.source_at`), its settings replaced by those ``asked`` gives; or a URL
    that is no source's, as given.  Raises :class:`ConfigError` for a name that is neither,
    and :class:`UsageError` for one with white space around it (``" http://host/oai"`` had
    been harvested, its records kept under the name with the space: a second copy of each).
    """
    if not asked.url.strip():
        raise UsageError("URL must not be empty")
    refuse_padded_url(asked.url)
    source = config.sources.get(asked.url)
    if source is not None:
        return configured(source, *_overrides(asked))
    if "://" in asked.url:  # a URL, not a name: refused before the store is made
        check_base_url(asked.url)
    source = config.source_at(asked.url, asked.set_spec)
    if source is not None:
        where = configured(source, *_overrides(asked))
        # Credentials typed are the ones to send; without any, the source's (from url_env).
        return where if public_url(asked.url) == asked.url else replace(where, url=asked.url)
    if "://" not in asked.url:
        known = ", ".join(sorted(config.sources)) or "none configured"
        raise ConfigError(
            f"{asked.url!r} is neither an http(s) URL nor a source in the config (sources: {known})"
        )
    _say_sources_passed_over(config, asked)
    return asked


def _overrides(asked: Where) -> tuple[str | None, ...]:
    """What the command line gives, in :func:`configured`'s order after the source."""
    return (
        asked.prefix,
        asked.set_spec,
        asked.crosswalk,
        asked.repository,
        asked.fallback_prefix,
    )


def _say_sources_passed_over(config: Config, asked: Where) -> None:
    """Warn that the URL is configured sources' endpoint, but none of them is meant: its
    records are kept under the URL, beside the sources' own (a walkthrough's harvest of
    another set made second copies of four records without a word)."""
    if asked.repository is not None:
        return
    passed_over = config.sources_at(asked.url)
    if passed_over:
        names = ", ".join(f"[sources.{s.name}] (set {s.set_spec or 'none'})" for s in passed_over)
        err.print(
            f"note: {public_url(asked.url)} is the endpoint of {names}, none of them for set "
            f"{asked.set_spec or 'none'}: the records are kept under the URL, apart from the "
            "sources' (give --repository and a source's name to keep them together)"
        )


def refuse_blank(options: dict[str, str | None]) -> None:
    """Refuse options given empty (``--prefix "$UNSET"``) or with white space around them
    (``--set " openaire"``, asked for as such), and a ``--repository`` name holding a URL's
    credentials, as the config refuses such values."""
    for name, value in options.items():
        if value is not None and not value.strip():
            raise UsageError(_EMPTY.get(name, f"{name} must not be empty"))
        if value is not None and value != value.strip():
            raise UsageError(f"{name} has white space around it: {shown_value(value)}")
        if name == "--repository" and value is not None and holds_credentials(value):
            raise UsageError(f"{name} {CREDENTIALS_IN_A_NAME}, got {shown_value(value)}")


#: What an empty option is said to need, where more than "not empty".
_EMPTY = {"--prefix": "--prefix must name a format, or be auto"}


def run_one(store: Store, where: Where, asked: HarvestOptions) -> RunReport:
    """One harvest run, with its progress bar: at ``where``, as ``asked`` (its endpoint's
    settings, the set and the crosswalk, are ``where``'s)."""
    from ir_ingest.oai.harvest import run_harvest

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
            fallback_prefix=where.fallback_prefix,
        )


def check_given_crosswalk(crosswalk: str | None, prefix: str | None = None) -> None:
    """Refuse the command line's ``--crosswalk``, before any work, when no crosswalk has the
    name or (with a ``--prefix`` beside it) the crosswalk does not read that format: a line
    to fix, exit 2 (:class:`UsageError`), where the same choice in the config is a
    configuration error, 1.  A crosswalk file that cannot be read stays a ConfigError."""
    from ir_ingest.crosswalk import check_crosswalk_name, check_reader

    try:
        check_crosswalk_name(crosswalk)
        if prefix is not None and not is_auto(prefix):
            check_reader(crosswalk, prefix)
    except CrosswalkChoiceError as exc:
        raise UsageError(str(exc)) from exc


def check_source_crosswalk(origin: str, name: str) -> None:
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
        "for), records failed (kept as rejects) or are invalid, or the set asked for is one "
        "the endpoint does not list: for cron jobs that must notice.",
    ),
]
#: ``reprocess --strict``: what it finds fault with, said without a harvest's words (a
#: reprocess asks no endpoint for records or sets).
ReprocessStrictOption = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Exit with status 3 when records failed (they stay rejects) or are invalid, or a "
        "source that names a crosswalk has its url_env not set here: for cron jobs that must "
        "notice.",
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


def show_run(
    report: RunReport, report_path: Path | None, strict: bool, again: str = "ir-ingest"
) -> None:
    """Print the run's summary, and write its whole report where ``--report`` asked; with
    ``strict``, exit with :data:`EXIT_RECORDS` when the run was cut short, records failed or
    are invalid, or the run has one of :data:`STRICT_RUN_ISSUES`.  ``again`` begins a command
    on the same store (:attr:`~ir_ingest.cli.common.Settings.again`), for the hints."""
    if show_summary(report, report_path, strict, again):
        raise typer.Exit(EXIT_RECORDS)


def show_summary(
    report: RunReport, report_path: Path | None, strict: bool, again: str = "ir-ingest"
) -> bool:
    """What :func:`show_run` does but exit: whether ``strict`` finds fault with the run,
    said on stderr."""
    print_run(report, again)
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
    # In the summary's words: "invalid: 1" beside its "0 invalid (1 of them still invalid)"
    # had read as a contradiction; the records unchanged but invalid are said apart.
    still = report.unchanged_invalid
    unchanged = f" ({still} unchanged, still invalid)" if still else ""
    stored = report.counts["invalid"]
    err.print(f"--strict: {cut}{stored} invalid{unchanged}, {failed} failed{said}")
    return True
