"""``harvest --all``: every source of the config in turn, for a cron job."""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

from ir_ingest.cli.common import RESUMES, Settings, fail_cleanly, print_failure
from ir_ingest.cli.runs import EXIT_RECORDS, configured, run_one, show_summary
from ir_ingest.config import DEFAULT_CONFIG
from ir_ingest.console import out
from ir_ingest.crosswalk import registry
from ir_ingest.errors import ConfigError, IngestError

if TYPE_CHECKING:
    from ir_ingest.config import SourceConfig
    from ir_ingest.oai.plan import HarvestOptions
    from ir_ingest.store import Store


def refuse_with_all(given: list[str]) -> None:
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


def harvest_all(settings: Settings, asked: HarvestOptions, strict: bool) -> None:
    """Harvest every source of the config in turn, a failure of one not stopping the next;
    then a line a source, and exit with the worst status."""
    with fail_cleanly(RESUMES):
        sources = list(_every_source(settings).values())
        # A crosswalk file in error fails every source alike (the registry reads them all):
        # said once, before any, not as each source's failure with no run kept.
        registry()
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
    settings: Settings, source: SourceConfig, asked: HarvestOptions, strict: bool
) -> _Outcome:
    """Harvest ``source`` as ``harvest NAME`` would, its failure said and returned, not
    raised (Ctrl-C and SIGTERM are)."""
    try:
        with closing(settings.store()) as store:
            before = _newest_run(store)
            try:
                report = run_one(store, configured(source), asked)
            except IngestError as exc:
                print_failure(exc)
                return _Outcome(source.name, _run_since(store, before), "failed", 1)
    except IngestError as exc:  # the store could not be opened, or closed
        print_failure(exc)
        return _Outcome(source.name, None, "failed", 1)
    faulted = show_summary(report, None, strict, settings.again)
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
