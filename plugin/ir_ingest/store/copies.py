"""Which of two copies of one record the store keeps.

Two writers may hold the same record: two sets of one repository harvested at once, parallel
date windows (a record changed during the harvest is in an early window and a late one), a file
imported while a harvest runs, two sources harvesting one repository in two formats.  The
store keeps:

1. the newest datestamp: an older copy is skipped with an issue, never written over a newer one;
2. of two with the same datestamp in different formats, a valid one over an invalid one;
3. then the one made by the richer crosswalk (its ``precedence``), so that a record does not
   flip between formats, gaining a version, at every run;
4. then the one whose prefix names its crosswalk (EPrints' ``oai_bibl`` is oai_dc by its
   namespace, but lists the works a record cites).

Copies under one prefix replace each other (the last harvest, or a changed crosswalk, wins).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ir_ingest.crosswalk import precedence
from ir_ingest.entry import Issue, Severity
from ir_ingest.oai.datestamp import parse_datestamp

if TYPE_CHECKING:
    from ir_ingest.entry import Entry


@dataclass(slots=True)
class StoredCopy:
    """A record's stored copy, as far as deciding what to do with another one needs it."""

    version: int
    content_hash: str
    deleted: bool
    datestamp: str
    metadata_prefix: str
    crosswalk: str | None
    valid: bool
    record_json: bytes | None


def older(datestamp: str, stored: str) -> bool:
    """Whether ``datestamp`` is before the ``stored`` one; unreadable ones are never older
    (a file imported without an OAI header has none, and the user asked for it).

    A day says nothing of the hour: ``2024-03-05`` (day granularity, OAI-PMH §3.3.1) is not
    older than ``2024-03-05T10:00:00Z``, so those two compare by their days.
    """
    if datestamp == stored:
        return False  # a record received again as it was: no need to read the two alike
    moment = parse_datestamp(datestamp)
    stored_moment = parse_datestamp(stored)
    if moment is None or stored_moment is None:
        return False
    if _DAY_ONLY.match(datestamp) or _DAY_ONLY.match(stored):
        return moment.date() < stored_moment.date()
    return moment < stored_moment


_DAY_ONLY = re.compile(r"^\s*\d{4}-?\d{2}-?\d{2}\s*$", re.ASCII)


def older_issue(datestamp: str, current: StoredCopy) -> Issue:
    state = "a deletion" if current.deleted else f"version {current.version}"
    return Issue(
        "store.older_than_stored",
        f"not stored: the store holds {state} of this record with the later datestamp "
        f"{current.datestamp}; this one is from {datestamp}",
        Severity.WARNING,
    )


def poorer(entry: Entry, current: StoredCopy) -> bool:
    """Whether ``entry`` is a copy of the stored live record, no newer, that is worse: invalid
    where the stored one is valid, or made by a crosswalk of lower precedence, or of the same
    precedence but read under a prefix that names another format (EPrints' ``oai_bibl`` is
    oai_dc, describing the works a record cites)."""
    harvested = entry.harvested
    if (
        entry.record is None
        or current.deleted
        or harvested.metadata_prefix == current.metadata_prefix
    ):
        return False
    if older(current.datestamp, harvested.datestamp):
        return False  # the source changed the record since: take it in whatever format
    if current.valid != (not entry.has_errors):
        return current.valid  # a valid copy beats an invalid one, whatever their formats
    ours = _richness(harvested.metadata_prefix, entry.record.source.crosswalk)
    stored = _richness(current.metadata_prefix, current.crosswalk)
    # A format whose richness nobody declared says nothing: the newest copy wins.
    return ours is not None and stored is not None and ours < stored


def _richness(prefix: str, crosswalk: str | None) -> tuple[int, bool] | None:
    """A copy's crosswalk's precedence (a source's own crosswalk that declares none has its
    prefix's), then whether its prefix named that crosswalk."""
    rank = precedence(crosswalk) if crosswalk is not None else None
    if rank is None:
        rank = precedence(prefix)
    return None if rank is None else (rank, crosswalk is None)


def poorer_issue(entry: Entry, current: StoredCopy) -> Issue:
    assert entry.record is not None
    ours = _made_by(entry.harvested.metadata_prefix, entry.record.source.crosswalk)
    stored = _made_by(current.metadata_prefix, current.crosswalk)
    stamp = current.datestamp or "(none)"
    errors = [issue for issue in entry.issues if issue.severity is Severity.ERROR]
    if errors and current.valid:
        # It lost on validity, not on richness: say why it is invalid, and how to get it in.
        return Issue(
            "store.valid_copy_stored",
            f"not stored: this copy in {ours} is invalid ({errors[0].code}: "
            f"{errors[0].message}); the store keeps its valid copy in {stored} with the same "
            f"datestamp {stamp}.  Once the cause is fixed, a --full harvest in {ours} stores it",
            Severity.WARNING,
        )
    return Issue(
        "store.richer_format_stored",
        f"not stored: the store holds this record in {stored}, a richer copy than this one in "
        f"{ours}, with the datestamp {stamp}",
        Severity.INFO,
    )


def _made_by(prefix: str, crosswalk: str | None) -> str:
    return prefix if crosswalk is None else f"{prefix} (read as {crosswalk})"
