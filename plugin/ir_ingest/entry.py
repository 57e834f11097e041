"""The entry: the envelope one harvested record travels in through the pipeline.

An entry carries the harvested record (OAI header fields and the raw XML), the crosswalked
:class:`~ir_ingest.schema.Record`, every :class:`Issue` a stage found, and the outcome the store
reported.  Stages append issues instead of raising, so one bad record never stops a run.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ir_ingest.schema import Source

if TYPE_CHECKING:
    from lxml import etree

    from ir_ingest.schema import Record


class Severity(enum.StrEnum):
    """How bad an issue is: ``error`` keeps the record from being stored as valid."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class Outcome(enum.StrEnum):
    """What the run did with an entry; the report counts entries per outcome."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DELETED = "deleted"
    #: A deletion of a record the store never held (a first harvest meets the source's
    #: deletions of old): its tombstone is stored, so later runs know the record is gone, but
    #: nothing was removed.  A tombstone's first version.
    TOMBSTONE_ONLY = "tombstone_only"
    #: A new version of a record the source had deleted (the store held its tombstone and,
    #: before it, the record): live again.  Stored invalid, it is ``invalid`` as any new
    #: version is; after a ``tombstone_only``, it is ``created``.
    RESTORED = "restored"
    INVALID = "invalid"
    FAILED = "failed"
    #: Not stored: the store holds a newer version of the record (a later datestamp), or the
    #: same one in a richer format.
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in one record.

    ``code`` is stable and dotted by stage (``xml.illegal_characters``, ``crosswalk.unmapped_type``,
    ``validate.missing_title``); tests and reports key on it, never on ``message``.  ``path`` says
    where: a source XPath-like path for parse and crosswalk issues, a record field for validation.
    """

    code: str
    message: str
    severity: Severity = Severity.WARNING
    path: str | None = None

    def to_dict(self) -> dict[str, str]:
        """Return the JSON form used in reports."""
        out = {"code": self.code, "severity": self.severity.value, "message": self.message}
        if self.path:
            out["path"] = self.path
        return out


#: The longest datestamp the store keeps whole: its datestamp columns are ``varchar(64)``, which
#: PostgreSQL enforces (a longer value failed the whole page, and so the run).  Widening them
#: would not reach databases created before, as there are no migrations; a longer one is cut
#: in those columns instead, kept whole in the record JSON and the raw XML, with an issue.
DATESTAMP_LENGTH = 64


def stored_datestamp(datestamp: str) -> str:
    """``datestamp`` as the store's datestamp columns hold it (see :data:`DATESTAMP_LENGTH`)."""
    return datestamp[:DATESTAMP_LENGTH]


@dataclass(frozen=True, slots=True)
class HarvestedRecord:
    """An OAI-PMH record as it came from the source: header fields plus the raw XML.

    ``raw`` is the serialised ``<record>`` element (header and metadata) or, for a file import,
    the file's bytes.  ``datestamp`` is kept as the string the endpoint sent, because endpoints send
    odd ones (``20210311``, fractional seconds) and we never want to lose or reinterpret it; it
    is ``""`` for a record without an OAI header (the store's datestamp columns hold it so), and
    its record's ``source`` then has none.
    """

    repository: str
    identifier: str
    datestamp: str
    metadata_prefix: str
    raw: bytes
    set_specs: tuple[str, ...] = ()
    deleted: bool = False
    #: The crosswalk to read the metadata with, when not the one the prefix names.
    crosswalk: str | None = None
    #: The already-parsed ``<record>`` element when the page was parsed anyway (saves a re-parse).
    tree: etree._Element | None = field(default=None, compare=False, repr=False)

    def to_source(self, raw_sha256: str | None = None) -> Source:
        """The record's ``source`` block: where and when it was harvested, and in what format."""
        return Source(
            repository=self.repository,
            oai_identifier=self.identifier,
            datestamp=self.datestamp,
            metadata_prefix=self.metadata_prefix,
            set_specs=list(self.set_specs),
            deleted=self.deleted,
            raw_sha256=raw_sha256,
            crosswalk=self.crosswalk,
        )


@dataclass(slots=True)
class Entry:
    """The envelope of one harvested record through parse, crosswalk, validate and store."""

    harvested: HarvestedRecord
    record: Record | None = None
    issues: list[Issue] = field(default_factory=list)
    outcome: Outcome | None = None
    #: Record field -> the source paths its values came from (``crosswalk --explain``).
    lineage: dict[str, list[str]] = field(default_factory=dict)
    #: The record fields a new version changed (set by the store on ``updated`` entries).
    changed_fields: list[str] = field(default_factory=list)
    #: Each changed field's value before and after, shortened for a report (set with
    #: ``changed_fields``; see :func:`ir_ingest.store.changes.shown_change`).
    changed_values: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: The title of the record a deletion made a tombstone of, as the store held it (set by
    #: the store on ``deleted`` entries, which carry no record, for the run's report).
    tombstoned_title: str | None = None
    #: The copy in the run's own format this one was kept over (a per-record format fallback,
    #: :mod:`ir_ingest.oai.fallback`): a reject's raw XML is still written as a reject row.
    replaced: Entry | None = None

    @property
    def has_errors(self) -> bool:
        """True when any issue is an error, i.e. the record must not be stored as valid."""
        return any(issue.severity is Severity.ERROR for issue in self.issues)
