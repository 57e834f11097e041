"""A fault-injecting OAI-PMH server: pyoai's server behind a WSGI layer that misbehaves on cue.

Each fault is one way real endpoints fail (``anchors.md`` §c): 500 without ``Retry-After``, 503
with ``Retry-After`` as seconds or as an HTTP date, 429, a connection dropped before the
answer, a body cut short (with an honest or a lying ``Content-Length``), characters XML 1.0
forbids, an expired resumption token, a page that hands back the token it was asked with (a
token loop), an answer slower than the client's read timeout, a maintenance page in well-formed
XHTML with status 200, an OAI-PMH error with a code §3.6 does not define (a server's own
failure, a stack trace its message) or with none. A
:class:`FaultPlan` names the faults per ListRecords page (page 0 is the request without a
token); each request for that page takes the next fault from its list, so
``{1: ["503-seconds", "503-seconds"]}`` fails the second page twice and then serves it.
"""

from __future__ import annotations

import email.utils
import gzip
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlencode
from xml.sax.saxutils import escape

from lxml import etree
from sqlalchemy import func, select

from ir_ingest.oai.provider import ProvidedRecord, RecordRepository, make_oai_server, wsgi_app
from ir_ingest.store import tables as t

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ir_ingest.oai.provider import StartResponse, WSGIApp
    from ir_ingest.store import Store

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"

FAULTS = (
    "500",
    "503-seconds",
    "503-date",
    "429",
    "drop",
    "truncate",
    "cut",
    "illegal-chars",
    "cp1252",
    "latin1-declared",
    "gzip-unlabelled",
    "expired-token",
    "token-loop",
    "slow",
    "html-page",
    "login-page",
    "undefined-error",
    "empty-code",
)

_MAINTENANCE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
    b"<head><title>Maintenance</title></head><body><p>Back soon.</p></body></html>"
)
#: A single sign-on page in front of the endpoint: HTML5, not well-formed XML.
_LOGIN = (
    b"<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>Sign in &ndash; "
    b"University\x1b[2J</title></head><body><form><input name=user><br></form></body></html>"
)
_TOKEN = re.compile(rb"(<resumptionToken[^>]*>)[^<]*(</resumptionToken>)")
_ERROR = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
    "<responseDate>{now}</responseDate><request>{url}</request>"
    '<error code="{code}">{said}</error></OAI-PMH>'
)
#: A server's own failure said as an OAI-PMH error: a code §3.6 does not define, its message a
#: Java stack trace over many lines.  U+009B (CSI, ESC [ in one character: "erase the screen"
#: here) is a character XML 1.0 allows, and a terminal obeys.  sickle's ``undefinedError``
#: fixture (mloesch/sickle) has a code and no message at all.
_STACK_TRACE = 'java.lang.NullPointerException: \x9b2JCannot invoke "Item.getID()"\n' + "".join(
    f"\tat org.example.oai.Frame{n}.call(Frame{n}.java:{n})\n" for n in range(60)
)
_ERRORS = {
    "expired-token": ("badResumptionToken", "The resumptionToken has expired."),
    "undefined-error": ("InternalException", escape(_STACK_TRACE)),
    "empty-code": ("", ""),
}


@dataclass
class FaultPlan:
    """Faults to inject per page, and what the server saw (for assertions)."""

    faults: dict[int, list[str]] = field(default_factory=dict)
    batch_size: int = 10
    #: Seconds every ListRecords answer takes (a remote endpoint's round trip and query time).
    latency: float = 0.0
    slow_seconds: float = 0.6
    retry_after: int = 1
    #: Arguments of list requests the endpoint does not apply, as if they were not sent:
    #: ``from`` and ``until`` (IQSS/dataverse.harvard.edu#243), ``set`` (SobekCM's tokens).
    ignores: tuple[str, ...] = ()
    #: Compare from/until to the microsecond, datestamps served to the second (see
    #: :class:`~ir_ingest.oai.provider.RecordRepository`).
    sub_second: bool = False
    #: ``(monotonic time, query string, fault or "")`` of every ListRecords request.
    seen: list[tuple[float, str, str]] = field(default_factory=list)
    user_agents: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, page: int) -> str:
        """The fault for the next request of ``page`` ("" for none), consumed."""
        with self.lock:
            queued = self.faults.get(page)
            return queued.pop(0) if queued else ""

    def queries(self) -> list[str]:
        """The query strings of the ListRecords requests, in order."""
        return [query for _, query, _ in self.seen]


def synthetic_records(
    count: int, start: datetime | None = None, step: timedelta = timedelta(minutes=1)
) -> list[ProvidedRecord]:
    """``count`` small oai_dc records, ``step`` apart from ``start`` (default 2024-01-01)."""
    first = start or datetime(2024, 1, 1, tzinfo=UTC)
    records = []
    for n in range(count):
        dc = etree.Element(f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC})
        for name, value in (
            ("title", f"Synthetic record {n}"),
            ("creator", f"Author, Number {n % 97}"),
            ("date", f"{2000 + n % 25}-0{1 + n % 9}-1{n % 10}"),
            ("type", "info:eu-repo/semantics/article"),
            ("language", "eng"),
            ("identifier", f"https://doi.org/10.1234/synthetic.{n}"),
        ):
            etree.SubElement(dc, f"{{{DC}}}{name}").text = value
        records.append(
            ProvidedRecord(
                identifier=f"oai:synthetic:{n}",
                datestamp=first + n * step,
                prefix="oai_dc",
                metadata=dc,
            )
        )
    return records


#: MODS's namespace, for :func:`mods_record`.
MODS = "http://www.loc.gov/mods/v3"


def mods_record(n: int, kind: str) -> ProvidedRecord:
    """Record ``oai:x:n``, ``n`` minutes after 2024-01-01, in MODS: ``good`` (valid),
    ``invalid`` (no creator: validate.missing_creator) or ``broken`` (a root no MODS
    crosswalk reads: a reject)."""
    if kind == "broken":
        root = etree.Element("{urn:x}other")
        etree.SubElement(root, "{urn:x}t").text = "x"
    else:
        root = etree.Element(f"{{{MODS}}}mods")
        info = etree.SubElement(root, f"{{{MODS}}}titleInfo")
        etree.SubElement(info, f"{{{MODS}}}title").text = f"Record {n} in MODS"
        origin = etree.SubElement(root, f"{{{MODS}}}originInfo")
        etree.SubElement(origin, f"{{{MODS}}}dateIssued").text = "2020-12-18"
        if kind == "good":
            name = etree.SubElement(root, f"{{{MODS}}}name", type="personal")
            etree.SubElement(name, f"{{{MODS}}}namePart").text = "Imani, Yassaman"
    start = datetime(2024, 1, 1, tzinfo=UTC)
    return ProvidedRecord(f"oai:x:{n}", start + timedelta(minutes=n), "mods", metadata=root)


def page_number(query: str, batch_size: int) -> int:
    """Which page a ListRecords request asks for, from pyoai's token (its cursor)."""
    tokens = parse_qs(query).get("resumptionToken")
    if not tokens:
        return 0
    inner = parse_qs(unquote(tokens[0]))
    return int(inner.get("cursor", ["0"])[0]) // batch_size


def faulty_endpoint(records: list[ProvidedRecord], plan: FaultPlan) -> Callable[[str], WSGIApp]:
    """App factory for :func:`~ir_ingest.oai.provider.serve_in_background`."""

    def factory(base_url: str) -> WSGIApp:
        repository = RecordRepository(records, sub_second=plan.sub_second)
        repository.base_url = base_url
        inner = wsgi_app(make_oai_server(repository, plan.batch_size))

        def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
            if environ.get("REQUEST_METHOD") == "POST":  # pyoai's own client POSTs (§3.1.1.2)
                length = int(environ.get("CONTENT_LENGTH") or 0)
                environ["QUERY_STRING"] = environ["wsgi.input"].read(length).decode()
                environ["REQUEST_METHOD"] = "GET"
            query = environ.get("QUERY_STRING", "")
            if "verb=ListRecords" not in query:
                return inner(environ, start_response)
            fault = plan.take(page_number(query, plan.batch_size))
            with plan.lock:
                plan.seen.append((time.monotonic(), query, fault))
                plan.user_agents.append(environ.get("HTTP_USER_AGENT", ""))
            if plan.latency:
                time.sleep(plan.latency)
            if plan.ignores:
                asked = parse_qs(query)
                environ["QUERY_STRING"] = urlencode(
                    {k: v[0] for k, v in asked.items() if k not in plan.ignores}
                )
            return _inject(fault, inner, environ, start_response, plan, base_url)

        return app

    return factory


def failing_endpoint(
    records: list[ProvidedRecord],
    fail_at_cursor: int | None = None,
    failing: dict[str, bool] | None = None,
    log: list[str] | None = None,
    fail_verb: str | None = None,
    oai_error: bytes | None = None,
) -> Any:
    """App factory for :func:`~ir_ingest.oai.provider.serve_in_background`: pyoai's server,
    10 records a page, answering 500 (or the OAI-PMH error response ``oai_error``) to the page
    at ``fail_at_cursor`` and to every request of ``fail_verb`` while ``failing["on"]``, and
    adding each query string to ``log``."""

    def factory(base_url: str) -> Any:
        repository = RecordRepository(records)
        repository.base_url = base_url
        inner = wsgi_app(make_oai_server(repository, batch_size=10))

        def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            query = environ.get("QUERY_STRING", "")
            if log is not None:
                log.append(query)
            asked = f"cursor%253D{fail_at_cursor}" in query or f"verb={fail_verb}" in query
            if failing and failing["on"] and asked and oai_error is not None:
                start_response("200 OK", [("Content-Type", "text/xml")])
                return [oai_error]
            if failing and failing["on"] and asked:
                start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
                return [b"boom"]
            return inner(environ, start_response)

        return app

    return factory


def _inject(
    fault: str,
    inner: WSGIApp,
    environ: dict[str, Any],
    start_response: StartResponse,
    plan: FaultPlan,
    base_url: str,
) -> Iterable[bytes]:
    if fault == "500":  # a server's failure, with no pause asked for: the client's backoff
        start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
        return [b"failed"]
    if fault in ("503-seconds", "503-date", "429"):
        status = "429 Too Many Requests" if fault == "429" else "503 Service Unavailable"
        start_response(status, [("Retry-After", _retry_after(fault, plan.retry_after))])
        return [b"busy"]
    if fault == "drop":
        _socket(environ).shutdown(socket.SHUT_RDWR)
        start_response("200 OK", [])
        return []
    if fault in _ERRORS:
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        code, said = _ERRORS[fault]
        body = _ERROR.format(now=now, url=base_url, code=code, said=said).encode()
        start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))])
        return [body]
    if fault in ("html-page", "login-page"):
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [_MAINTENANCE if fault == "html-page" else _LOGIN]
    if fault == "slow":
        time.sleep(plan.slow_seconds)
    body = b"".join(inner(environ, lambda status, headers: None))
    if fault == "illegal-chars":
        body = body.replace(b"<dc:title>", b"<dc:title>\x0b", 1)
    if fault == "cp1252":  # a title pasted from a word processor into a UTF-8 page
        body = body.replace(b"<dc:title>", b"<dc:title>\x93Caf\xe9\x94: ", 1)
    if fault == "latin1-declared":  # UTF-8, declared otherwise
        body = body.replace(b"encoding='UTF-8'", b"encoding='ISO-8859-1'", 1)
    if fault == "gzip-unlabelled":  # compressed, with no Content-Encoding saying so
        body = gzip.compress(body)
    if fault == "token-loop":  # the page's token is the one that asked for it: a loop
        (asked,) = parse_qs(environ.get("QUERY_STRING", ""))["resumptionToken"]
        token = escape(asked).encode()
        body = _TOKEN.sub(lambda m: m[1] + token + m[2], body, count=1)
    if fault == "truncate":
        body = body[: len(body) // 2]
    length = len(body)
    if fault == "cut":
        body = body[: length // 2]
    start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(length))])
    if fault == "cut":
        return _then_hang_up(body, environ)
    return [body]


def _then_hang_up(body: bytes, environ: dict[str, Any]) -> Iterable[bytes]:
    yield body
    _socket(environ).shutdown(socket.SHUT_RDWR)


def _retry_after(fault: str, seconds: int) -> str:
    if fault == "503-date":
        # Whole seconds only: ask for one more so the wait is at least ``seconds``.
        when = datetime.now(UTC) + timedelta(seconds=seconds + 1)
        return email.utils.format_datetime(when, usegmt=True)
    return str(seconds)


def _socket(environ: dict[str, Any]) -> socket.socket:
    """The client connection under wsgiref's request stream (to drop it like a crashed proxy)."""
    sock: socket.socket = environ["wsgi.input"].raw._sock
    return sock


def assert_every_record_once(store: Store, records: list[ProvidedRecord]) -> None:
    """One row per source record, one version per record, no (record, content) stored twice."""
    with store.engine.connect() as conn:
        identifiers = [row[0] for row in conn.execute(select(t.records.c.oai_identifier))]
        duplicates = conn.execute(
            select(t.record_versions.c.record_id, t.record_versions.c.content_hash)
            .group_by(t.record_versions.c.record_id, t.record_versions.c.content_hash)
            .having(func.count() > 1)
        ).all()
        versions = conn.execute(select(func.count()).select_from(t.record_versions)).scalar()
    assert sorted(identifiers) == sorted(r.identifier for r in records)
    assert duplicates == []
    assert versions == len(records)
