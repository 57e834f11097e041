"""Manual import of records by their OAI identifiers (GetRecord, OAI-PMH 2.0 §4.1), or of what
a URL answers, through the same pipeline as a harvest (crosswalk, validate, store).

What a repository manager does after a record was fixed at the source, or to check one record
without harvesting the endpoint: the record keeps the id a harvest of the same endpoint (under
the same repository name) gives it, so importing it updates the harvested copy.  A record the
endpoint reports deleted becomes a tombstone, as in a harvest.
"""

from __future__ import annotations

import logging
from contextlib import closing
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from ir_ingest.config import AUTO_PREFIX, is_auto
from ir_ingest.crosswalk import check_crosswalk_name, check_reader
from ir_ingest.documents import all_read, process_document
from ir_ingest.errors import IngestError, OAIProtocolError, UsageError
from ir_ingest.oai.baseurl import without_oai_arguments
from ir_ingest.oai.client import OAIClient
from ir_ingest.oai.formats import richest_offered, with_formats_offered
from ir_ingest.oai.transport import Transport
from ir_ingest.pipeline import process
from ir_ingest.secrets import public_url
from ir_ingest.xmlsafe import OAI_NS, parse

if TYPE_CHECKING:
    from ir_ingest.entry import Entry
    from ir_ingest.oai.transport import TransportPolicy
    from ir_ingest.owners import Sources

log = logging.getLogger(__name__)


def fetch_by_identifiers(
    url: str,
    identifiers: list[str],
    *,
    prefix: str = AUTO_PREFIX,
    repository: str | None = None,
    crosswalk: str | None = None,
    policy: TransportPolicy | None = None,
) -> list[Entry]:
    """Fetch the records ``identifiers`` from the endpoint at ``url`` and process them, ready
    for :meth:`~ir_ingest.store.Store.save_page` (which sets their outcomes): all of them, or
    the first error.

    ``prefix`` ``auto`` takes the richest format the endpoint offers that a crosswalk (or
    ``crosswalk``) reads.  ``repository`` is the name the endpoint's records are kept under
    (default: ``url``, as a harvest).  Raises
    :class:`~ir_ingest.errors.OAIProtocolError` when the endpoint has no record of one
    (``idDoesNotExist``) or not in that format (``cannotDisseminateFormat``, with the formats
    it offers), :class:`~ir_ingest.errors.HarvestError` when it cannot be reached, and
    :class:`~ir_ingest.errors.IngestError` when a record cannot be read.
    """
    check_crosswalk_name(crosswalk)
    check_identifiers(identifiers)
    with OAIClient(url, policy, repository) as client:
        if is_auto(prefix):
            prefix = richest_offered(client, crosswalk)
        check_reader(crosswalk, prefix)
        # An identifier given twice is fetched, stored and said once (it had been twice).
        return [_fetched(client, one, prefix, crosswalk) for one in dict.fromkeys(identifiers)]


def check_identifiers(identifiers: list[str]) -> None:
    """Refuse an identifier given empty (``--identifier "$UNSET"``), a :class:`UsageError`
    naming it: sent empty, it came back as "idDoesNotExist: None" (pyoai's message of no
    text); ``import`` checks it before opening the store, which it had left made and empty."""
    for one in identifiers:
        if not one.strip():
            raise UsageError(
                f"--identifier must name a record, such as oai:example.org:123, got {one!r}"
            )


def _fetched(client: OAIClient, identifier: str, prefix: str, crosswalk: str | None) -> Entry:
    try:
        harvested = client.get_record(identifier, prefix)
    except OAIProtocolError as exc:
        failure = with_formats_offered(client, prefix, exc)
        if failure is exc:
            raise
        raise failure from exc
    repairs = client.last_repairs  # the record is stored as re-serialised, without them
    if crosswalk is not None and crosswalk != prefix:
        harvested = replace(harvested, crosswalk=crosswalk)
    return all_read([process(harvested, repairs)], identifier)[0]


def fetch_url(
    url: str,
    prefix: str | None = None,
    crosswalk: str | None = None,
    policy: TransportPolicy | None = None,
    sources: Sources | None = None,
    repository: str | None = None,
) -> list[Entry]:
    """What ``url`` answers, read as a file is and processed: all of its records, or an error;
    ``repository`` (``--repository``) names their repository, as :func:`process_document`
    takes it.

    An OAI-PMH answer's records are named by the URL's base (its OAI arguments taken out of
    the query as written, as a harvest names the endpoint by its URL as given), not by its
    ``<request>``, which a proxy may write otherwise.  Refused: a redirect to another host
    (the records would be named after the URL asked, and may come from anywhere), and a
    GetRecord URL answered with another record.
    """
    shown = public_url(url)
    raw = _answer(url, shown, policy)
    endpoint = public_url(without_oai_arguments(url))
    read = process_document(raw, shown, prefix, crosswalk, endpoint, sources, repository)
    entries = all_read(read, shown)
    if _list_goes_on(raw):
        # Said on stderr, as a retry is: the first page alone had been taken without a word,
        # as if the list were whole.
        log.warning(
            "%s: the list goes on (it ends in a resumptionToken): only its first page is read; "
            "ir-ingest harvest %s takes every page",
            shown,
            endpoint,
        )
    _check_record_asked(url, shown, entries)
    return entries


def _answer(url: str, shown: str, policy: TransportPolicy | None) -> bytes:
    """What ``url`` answers; refused when it redirected to another host (``shown``: the URL
    as messages name it)."""
    parts = urlsplit(url)
    with closing(Transport(url, policy)) as transport:
        raw = transport.get({})
        landed = urlsplit(transport.last_url)
    if (landed.hostname, landed.port) != (parts.hostname, parts.port):
        raise IngestError(
            f"{shown} redirected to another host ({landed.hostname}): import from there"
        )
    return raw


def _check_record_asked(url: str, shown: str, entries: list[Entry]) -> None:
    """Refuse the answer to a GetRecord URL that holds another record than it asks for."""
    asked = dict(parse_qsl(urlsplit(url).query))
    if asked.get("verb") == "GetRecord" and "identifier" in asked:
        wanted = asked["identifier"].strip()
        if any(entry.harvested.identifier != wanted for entry in entries):
            raise IngestError(f"{shown}: the answer holds another record than {wanted!r}")


def _list_goes_on(raw: bytes) -> bool:
    """Whether an OAI-PMH list answer (ListRecords) ends in a resumption token that leads on
    (§3.5: an empty one ends the list)."""
    token = parse(raw).root.find(f"{{{OAI_NS}}}*/{{{OAI_NS}}}resumptionToken")
    return token is not None and bool((token.text or "").strip())
