"""Which crosswalk ``reprocess`` makes a stored record with: its own, or the one its source's
configuration (or ``reprocess --crosswalk``) names.

A record says which crosswalk made it (``source.crosswalk``; none: the one its prefix names),
and reprocess makes it with that one again unless a choice covers it.  A configured source
that names a crosswalk (``crosswalk = "pure_dc"``) covers the records kept under its
repository, in its prefix (any, for ``auto``) and its set: once the manager sets or changes
it, ``reprocess`` makes those records as the source's next harvest would, and records a
one-off ``harvest --crosswalk`` made go back to the configured crosswalk.  ``reprocess
--source S --crosswalk NAME`` covers every record of S instead, whatever the config says.

A choice switches only the records its crosswalk reads (a root element in common with the
crosswalk that made them): MODS records of a source now configured with an oai_dc crosswalk
keep theirs.  So do records two configured sources claim with two different crosswalks.  The
run's report counts both, and the records switched, per source.

A source kept under its URL, read from a variable (``url_env``) that is not set where
reprocess runs, cannot say which records are its own: its choice is skipped, and the report
says so, rather than the run failing for a source it may not even be about.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ir_ingest.crosswalk import check_crosswalk_name, reads_what, registry
from ir_ingest.entry import HarvestedRecord, Issue, Severity
from ir_ingest.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from ir_ingest.config import Config, SourceConfig
    from ir_ingest.report.model import RunReport

#: Who chose a crosswalk given on the command line, as the report says it.
COMMAND_LINE = "--crosswalk"


@dataclass(frozen=True, slots=True)
class CrosswalkChoice:
    """A crosswalk to make some stored records with, instead of the one each was made with."""

    #: The name the records are kept under (None: not known here, see ``unknown``).
    repository: str | None
    crosswalk: str
    #: Who chose it, for the report: ``[sources.NAME]`` or :data:`COMMAND_LINE`.
    origin: str
    #: Only records harvested in this format (None: any).
    prefix: str | None = None
    #: Only records in this set (None: any).
    set_spec: str | None = None
    #: Why the repository is not known: the choice covers no record, and the run says why.
    unknown: str | None = None
    #: What an error about the choice names (the config file too); None: ``origin``.
    where: str | None = None

    def covers(self, harvested: HarvestedRecord) -> bool:
        """Whether this choice is about ``harvested``: its repository, format and set."""
        return (
            harvested.repository == self.repository
            and self.prefix in (None, harvested.metadata_prefix)
            and (self.set_spec is None or self.set_spec in harvested.set_specs)
        )


def choices(
    config: Config, repository: str | None = None, crosswalk: str | None = None
) -> list[CrosswalkChoice]:
    """The choices of a reprocess: ``crosswalk`` for the records of ``repository`` when both
    are given (``reprocess --source S --crosswalk NAME``), else the config's (a run of one
    ``repository`` uses those whose repository it is)."""
    if crosswalk is not None and repository is not None:
        return [CrosswalkChoice(repository, crosswalk, COMMAND_LINE)]
    return configured_choices(config)


def configured_choices(config: Config) -> list[CrosswalkChoice]:
    """A choice for each source of the config that names a crosswalk, in the file's order;
    one whose repository cannot be known here (see the module docstring) covers nothing."""
    return [
        _configured(source, source.crosswalk)
        for source in config.sources.values()
        if source.crosswalk is not None
    ]


def _configured(source: SourceConfig, crosswalk: str) -> CrosswalkChoice:
    origin = f"[sources.{source.name}]"
    try:
        repository, unknown = source.stored_name(), None
    except ConfigError as exc:  # its URL is in a variable not set, or set to no URL
        # The message names the source, as the run issue's origin does already.
        repository, unknown = None, str(exc).removeprefix(f"{source.where}: ")
    return CrosswalkChoice(
        repository=repository,
        crosswalk=crosswalk,
        origin=origin,
        prefix=source.named_prefix,
        set_spec=source.set_spec,
        unknown=unknown,
        where=source.where,
    )


def check_choices(choices: Iterable[CrosswalkChoice]) -> None:
    """Load the crosswalks (a broken file raises :class:`ConfigError`), and refuse a choice
    that names none of them, saying who chose it."""
    registry()
    for choice in choices:
        try:
            check_crosswalk_name(choice.crosswalk)
        except ConfigError as exc:
            raise ConfigError(f"{choice.where or choice.origin}: {exc}") from exc


class Chooser:
    """Gives each record the crosswalk the choices say, counting what it switched and what it
    could not, for the run's report."""

    def __init__(self, choices: Sequence[CrosswalkChoice]) -> None:
        self.choices = choices
        #: (code, severity, origin, message to follow the count) -> records.
        self.counts: Counter[tuple[str, Severity, str, str]] = Counter()

    def __call__(self, harvested: HarvestedRecord) -> HarvestedRecord:
        """``harvested``, to be made with the chosen crosswalk when one covers it."""
        covering = [choice for choice in self.choices if choice.covers(harvested)]
        if not covering:
            return harvested
        own = harvested.crosswalk or harvested.metadata_prefix
        records = f"record(s) of {harvested.repository} made with {own}"
        if len({choice.crosswalk for choice in covering}) > 1:
            named = " and ".join(f"{choice.origin} ({choice.crosswalk})" for choice in covering)
            self._note_issue(
                "reprocess.crosswalk_kept",
                Severity.WARNING,
                " and ".join(choice.origin for choice in covering),
                f"{records} were made with it again: {named} name two crosswalks for them",
            )
            return harvested
        choice = covering[0]
        if choice.crosswalk == own:
            return harvested
        if not reads_what(choice.crosswalk, own):
            self._note_issue(
                "reprocess.crosswalk_kept",
                Severity.WARNING,
                choice.origin,
                f"{records} were made with it again: {choice.crosswalk}, named for them, does "
                "not read their format",
            )
            return harvested
        self._note_issue(
            "reprocess.crosswalk_switched",
            Severity.INFO,
            choice.origin,
            f"{records} were crosswalked again with {choice.crosswalk}",
        )
        # The crosswalk the prefix names is no record's own (as in a harvest).
        chosen = None if choice.crosswalk == harvested.metadata_prefix else choice.crosswalk
        return replace(harvested, crosswalk=chosen)

    def _note_issue(self, code: str, severity: Severity, origin: str, message: str) -> None:
        self.counts[code, severity, origin, message] += 1

    def report(self, report: RunReport) -> None:
        """Add what was switched, and what was not, to ``report`` as run issues."""
        for choice in self.choices:
            if choice.unknown is not None:
                message = (
                    f"the crosswalk it names, {choice.crosswalk}, was not applied to its "
                    "records (each was made with the crosswalk that made it before): the name "
                    f"they are kept under, its URL, is not known here ({choice.unknown})"
                )
                issue = Issue("reprocess.source_url_unknown", message, Severity.WARNING)
                report.add_run_issue(issue, choice.origin)
        for (code, severity, origin, message), count in sorted(self.counts.items()):
            report.add_run_issue(Issue(code, f"{count} {message}", severity), origin)
