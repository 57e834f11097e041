"""Crosswalks: metadata XML in a known format -> :class:`~ir_ingest.schema.Record`.

Crosswalk files live in ``crosswalks/`` (shipped) and in directories users add; each is loaded
once (:mod:`~ir_ingest.crosswalk.catalog`) and found by its ``format`` (the OAI metadataPrefix)
or, when no prefix is given, by the namespace and name of the metadata's root element
(:mod:`~ir_ingest.crosswalk.choice`).  This module makes the record.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec

from ir_ingest import xmlsafe
from ir_ingest.crosswalk.catalog import (
    add_crosswalk_dir,
    check_crosswalk_name,
    crosswalk_dirs,
    registry,
)
from ir_ingest.crosswalk.choice import (
    check_reader,
    for_element,
    is_envelope,
    precedence,
    reads_what,
    richest_format,
)
from ir_ingest.crosswalk.engine import Applied, apply_crosswalk
from ir_ingest.crosswalk.identifiers import scheme_detectors
from ir_ingest.crosswalk.normalise import read_language_table
from ir_ingest.crosswalk.post import STEPS
from ir_ingest.entry import Issue, Severity
from ir_ingest.errors import ConfigError, CrosswalkError
from ir_ingest.schema import Record, Source, record_id

if TYPE_CHECKING:
    from collections.abc import Callable

    from lxml import etree

    from ir_ingest.crosswalk.definition import Crosswalk

__all__ = [
    "COAR_OTHER",
    "CrosswalkResult",
    "add_crosswalk_dir",
    "check_crosswalk_name",
    "check_reader",
    "content_id",
    "crosswalk_dirs",
    "crosswalk_record",
    "for_element",
    "is_envelope",
    "precedence",
    "reads_what",
    "registry",
    "richest_format",
    "warm_up",
]

COAR_OTHER = {
    "uri": "http://purl.org/coar/resource_type/c_1843",
    "label": "other",
    "general": "other research product",
}


@dataclass(slots=True)
class CrosswalkResult:
    """The record a crosswalk made, the issues it found, and where each field came from."""

    record: Record
    issues: list[Issue] = field(default_factory=list)
    lineage: dict[str, list[str]] = field(default_factory=dict)
    source_values: int = 0
    consumed_values: int = 0


def _read_crosswalk_files(name: str | None) -> None:
    """Compile the rules of the crosswalk ``name``, or (``None``, or a name no file has: the
    records' root elements choose) of all."""
    with contextlib.suppress(ConfigError):  # said by the first record that needs it, as before
        crosswalks = registry()
        crosswalks.load(name if name in crosswalks else None)


def warm_up(name: str | None = None) -> tuple[Callable[[], object], ...]:
    """What crosswalking a first record reads, in steps, the quickest first: the language
    table (25 ms), the crosswalk files (the rules of ``name``, the crosswalk records are read
    with, where known: the shipped files read and oai_dc's rules compiled, 17-25 ms; all
    three compiled, 54 ms) and idutils' patterns (0.2 s).  A
    harvest takes them while its first pages are on their way, and stops taking them when a
    page has come (a run with nothing new need not wait for idutils); the crosswalk process
    takes them all."""
    return (read_language_table, functools.partial(_read_crosswalk_files, name), scheme_detectors)


def crosswalk_record(
    xml: bytes | etree._Element, prefix: str | None = None, source: Source | None = None
) -> CrosswalkResult:
    """Crosswalk one metadata element (or its bytes) into a record.

    ``source`` is the provenance from the OAI header; without it (offline use) a provenance of
    ``urn:ir-ingest:offline`` is recorded and the id derives from a hash of the content.
    """
    root = xmlsafe.parse(xml).root if isinstance(xml, bytes) else xml
    crosswalk = for_element(root, prefix, source.crosswalk if source else None)
    applied = apply_crosswalk(crosswalk, root)
    source = source or _offline_source(root, crosswalk)
    if crosswalk.format != source.metadata_prefix:
        # Said on the record: reprocess must make it with the same crosswalk again, and the
        # store ranks copies by the crosswalk that made them.
        source = msgspec.structs.replace(source, crosswalk=crosswalk.format)
    data = applied.data
    data["source"] = {**msgspec.to_builtins(source), **data.get("source", {})}
    data["id"] = record_id(source.repository, source.oai_identifier)
    _ensure_type(applied)
    for step in crosswalk.postprocess:
        STEPS[step](applied)
    applied.issues.extend(_limits(crosswalk, data))
    try:
        record = msgspec.convert(data, Record)
    except msgspec.ValidationError as exc:
        raise CrosswalkError(
            f"crosswalk {crosswalk.path.name} produced an invalid record: {exc}",
            code="crosswalk.invalid_output",
        ) from exc
    return CrosswalkResult(
        record, applied.issues, applied.lineage, applied.source_values, applied.consumed_values
    )


def content_id(metadata: etree._Element) -> str:
    """The name of a record that has no OAI identifier: the hash of its metadata."""
    return "urn:sha256:" + hashlib.sha256(xmlsafe.to_bytes(metadata)).hexdigest()


def _offline_source(root: etree._Element, crosswalk: Crosswalk) -> Source:
    """Provenance for a record crosswalked outside any harvest: named by its content."""
    return Source(
        repository="urn:ir-ingest:offline",
        oai_identifier=content_id(root),
        metadata_prefix=crosswalk.format,
    )


#: Issues are immutable: the ones that say the same of every record they are on are made once.
_UNMAPPED_TYPE = Issue(
    code="crosswalk.unmapped_type",
    message="no source type maps to a COAR resource type; recorded as 'other'",
    severity=Severity.WARNING,
    path="resource_type",
)


def _ensure_type(applied: Applied) -> None:
    """Every record has a COAR type: 'other', with an issue, when no source type mapped."""
    found = applied.data.get("resource_type", {})
    if "uri" in found:
        return
    # Only source labels were found (rules may add them before any type is known).
    applied.data["resource_type"] = {**COAR_OTHER, **found}
    applied.lineage.setdefault("resource_type", []).append("(no source type maps to COAR: other)")
    applied.issues.append(_UNMAPPED_TYPE)


def _limits(crosswalk: Crosswalk, data: dict[str, Any]) -> list[Issue]:
    """Say what this format could not tell us about a record of this type."""
    type_uri = str(data["resource_type"].get("uri", ""))
    issues = []
    for limit in crosswalk.limits:
        if limit.types and not type_uri.endswith(limit.types):
            continue
        holder: Any = data
        for part in limit.parts:
            holder = holder.get(part) if isinstance(holder, dict) else None
        if holder in (None, "", [], {}):  # ``peer_reviewed: false`` is said, not missing
            issues.append(limit.issue)
    return issues
