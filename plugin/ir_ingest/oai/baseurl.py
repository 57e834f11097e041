"""An OAI-PMH base URL (§3.1.1): what a request URL pasted whole must lose, and what can be none."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from ir_ingest.errors import ConfigError
from ir_ingest.secrets import public_url, refuse_unsendable_url
from ir_ingest.urls import is_http_url

#: The OAI-PMH arguments of a request URL (§3.1.1): what is left is the endpoint's base URL.
OAI_ARGUMENTS = frozenset(
    {"verb", "identifier", "metadataPrefix", "set", "from", "until", "resumptionToken"}
)


def without_oai_arguments(url: str) -> str:
    """``url`` without its OAI-PMH arguments and fragment, the rest as written (an endpoint's
    own ``?apikey=…`` stays, and the case of the scheme, as :func:`plain_base_url` keeps it:
    a GetRecord URL's records are named as a harvest of its base URL names them)."""
    base, mark, query = url.partition("#")[0].partition("?")
    pieces = query.split("&")
    first = next((i for i, p in enumerate(pieces) if p.partition("=")[0] in OAI_ARGUMENTS), None)
    # The base URL's own query is what comes before the first OAI argument, as written (an
    # empty piece too: "?apikey=1&", as a harvest of it names it); after it, what the client
    # added ("&verb=...&apikey=1&") is its own non-empty pieces.
    kept = pieces if first is None else pieces[:first]
    if first is not None:
        kept += [p for p in pieces[first:] if p and p.partition("=")[0] not in OAI_ARGUMENTS]
    return plain_base_url(f"{base}{mark}{'&'.join(kept)}")


def repository_name(url: str) -> str:
    """The name the records of the endpoint at base URL ``url`` are kept under when no
    ``--repository`` names them: ``url`` without its credentials (:func:`public_url`), its
    OAI arguments, its fragment or an empty query.  ``http://h/oai?`` and ``http://h/oai#x``
    had each been a second source of ``http://h/oai`` (its records second copies, its runs
    and checkpoints apart): a fragment is never sent, and a ``?`` alone asks nothing."""
    return public_url(plain_base_url(url))


def plain_base_url(url: str) -> str:
    """``url`` without its fragment or an empty query (``?``, ``?&``), else as written: the
    case of its scheme too, which :func:`urlunsplit` would change, and with it the name of
    every source harvested so far."""
    url = url.partition("#")[0]
    base, mark, query = url.partition("?")
    return base if mark and not query.strip("&") else url


def check_base_url(url: str) -> None:
    """Refuse what cannot be an OAI-PMH base URL (§3.1.1) with what to give instead.

    A request URL pasted whole had its verb sent twice (``badVerb: Illegal verb
    ['ListRecords', 'ListRecords']``); an ``ftp://`` URL failed deep in requests
    (``InvalidSchema: No connection adapters``).
    """
    refuse_unsendable_url(url)
    if not is_http_url(url):
        raise ConfigError(
            f"{public_url(url)} is no OAI-PMH base URL: it must begin with http:// or https:// "
            "and name a host"
        )
    asked = [name for name, _ in parse_qsl(urlsplit(url).query) if name in OAI_ARGUMENTS]
    if asked:
        raise ConfigError(
            f"{public_url(url)} is an OAI-PMH request, not a base URL: give "
            f"{public_url(without_oai_arguments(url))} (ir-ingest adds {', '.join(asked)} "
            "itself; the format goes in --prefix)"
        )
