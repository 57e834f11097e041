"""A scripted OAI-PMH endpoint: a function from the request's arguments to the response body.

pyoai's server (``faults.py``) cannot misbehave in every way real endpoints do (a token that
changes while the page does not, an Identify that lies about the earliest datestamp, a
ListIdentifiers list in identifier order); these tests write the responses themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

if TYPE_CHECKING:
    from ir_ingest.oai.provider import StartResponse, WSGIApp


def _head(response_date: str | None = None) -> str:
    """The response's start; its responseDate is now (the endpoint's clock right) unless given."""
    now = response_date or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        f"<responseDate>{now}</responseDate><request>http://x/oai</request>"
    )


SECONDS = "YYYY-MM-DDThh:mm:ssZ"

Answer = Callable[[dict[str, str]], bytes]


def identify(
    granularity: str = SECONDS,
    earliest: str = "2000-01-01T00:00:00Z",
    response_date: str | None = None,
) -> bytes:
    """An Identify response (§4.2)."""
    return (
        f"{_head(response_date)}<Identify><repositoryName>x</repositoryName><baseURL>http://x/oai</baseURL>"
        "<protocolVersion>2.0</protocolVersion><adminEmail>a@example.org</adminEmail>"
        f"<earliestDatestamp>{earliest}</earliestDatestamp>"
        "<deletedRecord>persistent</deletedRecord>"
        f"<granularity>{granularity}</granularity></Identify></OAI-PMH>"
    ).encode()


def header(identifier: str, datestamp: str) -> str:
    """A record header (§2.5)."""
    return (
        f"<header><identifier>{identifier}</identifier><datestamp>{datestamp}</datestamp></header>"
    )


def record(identifier: str, datestamp: str, title: str = "A title") -> str:
    """A record with small oai_dc metadata."""
    return (
        f"<record>{header(identifier, datestamp)}<metadata>"
        "<oai_dc:dc xmlns:oai_dc='http://www.openarchives.org/OAI/2.0/oai_dc/' "
        "xmlns:dc='http://purl.org/dc/elements/1.1/'>"
        f"<dc:title>{title}</dc:title><dc:type>info:eu-repo/semantics/article</dc:type>"
        "<dc:date>2020</dc:date></oai_dc:dc></metadata></record>"
    )


def page(verb: str, items: Iterable[str], token: str | None = None, attrs: str = "") -> bytes:
    """A list response; ``attrs`` go on the resumption token (``cursor``, ``completeListSize``)."""
    tail = "" if token is None else f"<resumptionToken{attrs}>{token}</resumptionToken>"
    return f"{_head()}<{verb}>{''.join(items)}{tail}</{verb}></OAI-PMH>".encode()


def error(code: str, message: str = "scripted") -> bytes:
    """An OAI-PMH error response (§3.6)."""
    return f'{_head()}<error code="{code}">{message}</error></OAI-PMH>'.encode()


def scripted(
    answer: Answer, log: list[dict[str, str]] | None = None, identify_body: bytes | None = None
) -> Callable[[str], WSGIApp]:
    """App factory for ``serve_in_background``: Identify is answered here, the rest by
    ``answer``; every request's arguments are appended to ``log``."""

    def factory(_base_url: str) -> WSGIApp:
        def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
            query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
            params = {key: values[0] for key, values in query.items()}
            if log is not None:
                log.append(params)
            if params.get("verb") == "Identify":
                body = identify_body or identify()
            else:
                body = answer(params)
            start_response("200 OK", [("Content-Type", "text/xml")])
            return [body]

        return app

    return factory
