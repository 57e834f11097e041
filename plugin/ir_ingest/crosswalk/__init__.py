"""Crosswalks: metadata XML in a known format -> :class:`~ir_ingest.schema.Record`.

Crosswalk files live in ``crosswalks/`` (shipped) and in directories users add; each is loaded
once and found by its ``format`` (the OAI metadataPrefix) or, when no prefix is given, by the
namespace and name of the metadata's root element.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec
from lxml import etree

from ir_ingest import xmlsafe
from ir_ingest.crosswalk.catalog import Crosswalks, Unread
from ir_ingest.crosswalk.definition import Crosswalk, load_crosswalk
from ir_ingest.crosswalk.engine import Applied, apply_crosswalk
from ir_ingest.crosswalk.identifiers import scheme_detectors
from ir_ingest.crosswalk.normalise import read_language_table
from ir_ingest.crosswalk.post import STEPS
from ir_ingest.entry import Issue, Severity
from ir_ingest.errors import ConfigError, CrosswalkChoiceError, CrosswalkError
from ir_ingest.resources import bundled
from ir_ingest.schema import Record, Source, record_id

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

COAR_OTHER = {
    "uri": "http://purl.org/coar/resource_type/c_1843",
    "label": "other",
    "general": "other research product",
}

_user_dirs: list[Path] = []


@dataclass(slots=True)
class CrosswalkResult:
    """The record a crosswalk made, the issues it found, and where each field came from."""

    record: Record
    issues: list[Issue] = field(default_factory=list)
    lineage: dict[str, list[str]] = field(default_factory=dict)
    source_values: int = 0
    consumed_values: int = 0


def add_crosswalk_dir(path: Path) -> None:
    """Make the crosswalk files in ``path`` available; they win over shipped ones of a format.

    A folder added again is not read twice (each command adds the config's folders anew).
    """
    _user_dirs[:] = [folder for folder in _user_dirs if folder.resolve() != path.resolve()]
    _user_dirs.insert(0, path)
    registry.cache_clear()


def crosswalk_dirs() -> tuple[Path, ...]:
    """The user folders added so far, the one searched first first."""
    return tuple(_user_dirs)


@cache
def registry() -> Crosswalks:
    """All crosswalks by format; a user's file overrides the shipped one of its format.

    An overriding file that declares no ``precedence`` keeps the one of the file it replaces:
    a user's copy of mods.yaml must not fall below oai_dc.  Raises :class:`ConfigError` for a
    file that cannot be loaded, and for two files of one format among the user's folders (or
    among the shipped files): which one won depended on their names.  A shipped file's rules
    are compiled when first looked up (:mod:`ir_ingest.crosswalk.catalog`).
    """
    shipped = _by_format([bundled("crosswalks")], Unread.read)
    found: dict[str, Crosswalk | Unread] = dict(shipped)
    for name, crosswalk in _by_format(reversed(_user_dirs), load_crosswalk).items():
        replaced = shipped.get(name)
        if crosswalk.precedence is None and replaced is not None:
            crosswalk = replace(crosswalk, precedence=replaced.precedence)
        found[name] = crosswalk
    return Crosswalks(found)


_Found = TypeVar("_Found", Crosswalk, Unread)


def _by_format(folders: Iterable[Path], read: Callable[[Path], _Found]) -> dict[str, _Found]:
    """The crosswalk files of these folders by their ``format:``, each format once."""
    found: dict[str, _Found] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")):
            crosswalk = read(path)
            other = found.get(crosswalk.format)
            if other is not None:
                raise ConfigError(
                    f"{other.path} and {path} both say format: {crosswalk.format}, and a "
                    "crosswalk is named by its format: key: give one of them another format "
                    "(a source's crosswalk = names it), or move its rules into the other file"
                )
            found[crosswalk.format] = crosswalk
    return found


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


def check_crosswalk_name(name: str | None) -> None:
    """Refuse, before any work, a crosswalk name no crosswalk has (a typing error), with
    :class:`CrosswalkChoiceError`; a crosswalk file that cannot be read raises
    :class:`ConfigError`.

    A crosswalk is named by its ``format:`` key; a file named like ``name`` is pointed out
    (``pure_dc.yaml`` saying ``format: oai_dc`` is the crosswalk ``oai_dc``).
    """
    if name is None and not _user_dirs:
        # The shipped files (which the tests read) are read when the first page is processed:
        # a harvest's first request need not wait for them (87 ms, mostly the MODS rules).
        # A user's are read now: a harvest they would stop sends no request.
        return
    crosswalks = registry()
    if name is None or name in crosswalks:
        return
    known = ", ".join(sorted(crosswalks))
    files = [cw for cw in crosswalks.values() if cw.path.stem == name]
    unread = sorted(path for folder in _user_dirs for path in folder.glob("*.yml"))
    hint = (
        f"; {files[0].path} is the crosswalk {files[0].format!r} (its format: key names it)"
        if files
        else f"; only *.yaml files are read, not {unread[0]}"
        if unread
        else ""
    )
    raise CrosswalkChoiceError(f"no crosswalk is named {name!r}; known: {known}{hint}")


def check_reader(crosswalk: str | None, prefix: str) -> None:
    """Refuse a crosswalk that does not read the prefix's records, with
    :class:`CrosswalkChoiceError`: every record would fail ``crosswalk.wrong_root`` (a fourth
    walkthrough's config)."""
    if crosswalk is not None and crosswalk != prefix and not reads_what(crosswalk, prefix):
        raise CrosswalkChoiceError(
            f"the crosswalk {crosswalk!r} does not read {prefix} records (its root element is "
            f"not theirs): give a crosswalk for {prefix}, or the prefix of the format it reads"
        )


def reads_what(chosen: str, own: str) -> bool:
    """Whether the crosswalk ``chosen`` reads what the crosswalk ``own`` reads (a root element
    of both); True when no crosswalk is named ``own`` (a format no crosswalk names, or one
    gone): a record it cannot read then fails on its own, as it would anyway."""
    crosswalks = registry()
    made_by = crosswalks.get(own)
    return made_by is None or bool(crosswalks[chosen].roots_clark & made_by.roots_clark)


def precedence(name: str) -> int | None:
    """How rich the format the crosswalk ``name`` reads is (its ``precedence``); None when no
    crosswalk has that name (``swepub_mods``) or it does not say."""
    return registry().precedence(name)


def richest_format(offered: Iterable[tuple[str, str]], reader: str | None = None) -> str | None:
    """Of the ``(metadataPrefix, metadataNamespace)`` pairs an endpoint offers (OAI-PMH 2.0
    §4.4), the prefix of the richest format a crosswalk (or the crosswalk ``reader``) reads.

    A prefix is read by the crosswalk of its name or, failing that, by the one whose root is
    in its namespace (LibreCat's ``swepub_mods`` is MODS); of equally rich ones the prefix
    that names its crosswalk wins (EPrints' ``oai_bibl`` is oai_dc, but describes the works a
    record cites), then the endpoint's order (:func:`_precedence` for a DSpace's MODS).  None
    when no offered format is read.
    """
    offered = list(offered)
    crosswalks = registry()
    readers = list(crosswalks.values()) if reader is None else [crosswalks[reader]]
    by_name = {crosswalk.format: crosswalk for crosswalk in readers}
    by_namespace = {
        etree.QName(root).namespace: crosswalk
        for crosswalk in reversed(readers)  # the first of a namespace wins
        for root in crosswalk.roots_clark
    }
    best: tuple[int, bool] | None = None
    chosen = None
    for prefix, namespace in offered:
        crosswalk = by_name.get(prefix) or by_namespace.get(namespace)
        if crosswalk is None:
            continue
        rank = (_precedence(crosswalk, namespace, offered), prefix in by_name)
        if best is None or rank > best:
            best, chosen = rank, prefix
    return chosen


#: DSpace's qualified DC: an endpoint that offers a format in this namespace is a DSpace's.
_DSPACE_QDC = "http://dspace.org/qualifieddc/"
_MODS = "http://www.loc.gov/mods/v3"


def _precedence(crosswalk: Crosswalk, namespace: str, offered: list[tuple[str, str]]) -> int:
    """How rich a format read by ``crosswalk`` is, among the formats ``offered``.

    The crosswalk's precedence, but a DSpace's MODS ranks last: its OAI module makes it from
    the item's DC (oai_metadataFormats_mods.xsl), with no publisher, no contributor but the
    authors and no dc.relation, where its qdc says all of these (a harvest with --prefix auto
    had taken the MODS).
    """
    if namespace == _MODS and any(ns == _DSPACE_QDC for _, ns in offered):
        return -1
    return crosswalk.precedence or 0


#: The OAI-PMH elements around a record's metadata (a metadata root wrongly put in the OAI
#: namespace, as one OJS export does with ``dc``, is no envelope: its format is unknown).
_ENVELOPE = frozenset(
    f"{{{xmlsafe.OAI_NS}}}{name}"
    for name in ("OAI-PMH", "GetRecord", "ListRecords", "record", "header", "metadata")
)


def is_envelope(element: etree._Element) -> bool:
    """Whether ``element`` is part of OAI-PMH's envelope, which no crosswalk reads."""
    # The tag looked up as it is: making an etree.QName cost a microsecond, for every record.
    tag: Any = element.tag  # a comment's is a function
    if not isinstance(tag, str):  # etree.QName refuses a comment, as it always did
        tag = etree.QName(element).text
    return tag in _ENVELOPE


def for_element(
    root: etree._Element, prefix: str | None, crosswalk: str | None = None
) -> Crosswalk:
    """Choose the crosswalk for a metadata element: ``crosswalk`` when given, else by prefix,
    else by its root element.

    A metadataPrefix names a format only within its repository (OAI-PMH 2.0 §3.4): one that
    names no crosswalk (LibreCat's ``swepub_mods``) is recognised by the root element, as is
    a record given without a prefix.  A ``crosswalk`` named (a source's own, or the one a
    stored record was made with) must exist: another would make another record.
    """
    crosswalks = registry()
    if is_envelope(root):  # said to a developer: the commands read envelopes before this
        raise CrosswalkError(
            f"<{etree.QName(root).localname}> is OAI-PMH's envelope, not a metadata record: "
            "crosswalk the element inside its <metadata>, or read the file with "
            "ir_ingest.documents.process_file (as the crosswalk command does), which unwraps it",
            code="crosswalk.wrong_root",
        )
    if crosswalk is not None and crosswalk not in crosswalks:
        raise CrosswalkError(
            f"no crosswalk is named {crosswalk!r} (known: {', '.join(sorted(crosswalks))}); "
            "is the folder that holds it among the config's crosswalk_dirs?",
            code="crosswalk.unknown_format",
        )
    chosen = crosswalks.get(crosswalk or prefix or "")
    if chosen is not None:
        if root.tag not in chosen.roots_clark:
            raise _wrong_root(root, chosen)
        return chosen
    for candidate in crosswalks.values():
        if root.tag in candidate.roots_clark:
            return candidate
    local = etree.QName(root).localname
    for candidate in crosswalks.values():
        if any(etree.QName(name).localname == local for name in candidate.roots_clark):
            raise _wrong_root(root, candidate)
    if local.lower() == "html":
        raise CrosswalkError(
            f"the document is an HTML page (its root element is {root.tag}), not a record",
            code="crosswalk.unknown_format",
        )
    qname = etree.QName(root)
    if not qname.namespace and f"{{{xmlsafe.OAI_NS}}}{local}" in _ENVELOPE:
        raise CrosswalkError(  # not read as a response: said, not "a OAI-PMH element"
            f"an <{local}> element in no namespace: an OAI-PMH response declares "
            f'xmlns="{xmlsafe.OAI_NS}" on it, and this one does not (a copy edited by hand?); '
            "add it to read the file",
            code="crosswalk.unknown_format",
        )
    unnamed = "" if prefix is None else f"no crosswalk is named {prefix!r}, and "
    where = f"namespace {qname.namespace}" if qname.namespace else "no namespace"
    raise CrosswalkError(
        f"{unnamed}cannot tell the format of <{local}> (in {where}) "
        f"(known formats: {', '.join(sorted(crosswalks))})",
        code="crosswalk.unknown_format",
    )


def _wrong_root(root: etree._Element, expected: Crosswalk) -> CrosswalkError:
    qname = etree.QName(root)
    for name in expected.roots_clark:
        wanted = etree.QName(name)
        if qname.localname == wanted.localname:
            # A root: of one's own without a prefix is an element in no namespace.
            uses = (
                f"uses {wanted.namespace}"
                if wanted.namespace
                else f"expects it in no namespace (its root:, {name}, has no prefix)"
            )
            return CrosswalkError(
                f"a {qname.localname} element in namespace {qname.namespace or '(none)'}; "
                f"format {expected.format!r} {uses}",
                code="crosswalk.wrong_namespace",
            )
    return CrosswalkError(
        f"format {expected.format!r} expects a {expected.root} root element, found {root.tag}",
        code="crosswalk.wrong_root",
    )


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
