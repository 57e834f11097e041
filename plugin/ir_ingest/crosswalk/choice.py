"""Which crosswalk reads a record: by the name asked for, the prefix, or the root element;
and which of the formats an endpoint offers is the richest one a crosswalk reads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lxml import etree

from ir_ingest import xmlsafe
from ir_ingest.crosswalk.catalog import registry
from ir_ingest.errors import CrosswalkChoiceError, CrosswalkError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ir_ingest.crosswalk.definition import Crosswalk


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
    # Said as the document writes it, its namespace in words: "found {http://www.openarchives
    # .org/OAI/2.0/oai_dc/}dc" (lxml's Clark notation) had been said to repository managers.
    found = f"{root.prefix}:{qname.localname}" if root.prefix else qname.localname
    where = f"namespace {qname.namespace}" if qname.namespace else "no namespace"
    reader = next((c.format for c in registry().values() if root.tag in c.roots_clark), None)
    reads = f" does not read {reader} records: it" if reader is not None else ""
    return CrosswalkError(
        f"the crosswalk {expected.format!r}{reads} expects a {expected.root} root element, "
        f"found {found} (in {where})",
        code="crosswalk.wrong_root",
    )
