"""The HTTP transport: Retry-After in both forms, retries, gzip, User-Agent."""

from __future__ import annotations

import gzip
import re
import socket
import socketserver
import struct
import threading
import time
import zlib
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest
import requests

from ir_ingest.errors import ConfigError, HarvestError
from ir_ingest.oai import pacing as pacing_module
from ir_ingest.oai import transport as transport_module
from ir_ingest.oai.provider import serve_in_background
from ir_ingest.oai.transport import Transport, TransportPolicy, retry_after_seconds
from tests.oai.faults import FaultPlan, faulty_endpoint, synthetic_records

if TYPE_CHECKING:
    from collections.abc import Iterable

FAST = TransportPolicy(retries=3, backoff=0.01, max_wait=0.05)


def test_retry_after_as_seconds_and_as_http_date() -> None:
    now = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("120", now) == 120
    assert retry_after_seconds("\u00b2", now) is None  # a digit to str.isdigit, not to float()
    assert retry_after_seconds("Sat, 28 Nov 2026 12:00:30 GMT", now) == 30
    assert retry_after_seconds("Sat, 28 Nov 2026 11:00:00 GMT", now) == 0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


def _flaky(statuses: list[int], seen: list[dict[str, Any]]) -> Any:
    def factory(_: str) -> Any:
        def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            seen.append(environ)
            status = statuses.pop(0) if statuses else 200
            if status != 200:
                start_response(f"{status} Busy", [("Retry-After", "0")])
                return [b"busy"]
            body = gzip.compress(b"<ok/>")
            start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Encoding", "gzip")])
            return [body]

        return app

    return factory


def test_transient_statuses_are_retried_and_gzip_is_decoded() -> None:
    seen: list[dict[str, Any]] = []
    with serve_in_background(_flaky([503, 429, 500], seen)) as url:
        transport = Transport(url, FAST)
        assert transport.get({"verb": "Identify"}) == b"<ok/>"
        transport.close()
    assert len(seen) == 4
    assert seen[0]["HTTP_USER_AGENT"].startswith("ir-ingest/")
    assert "gzip" in seen[0]["HTTP_ACCEPT_ENCODING"]


def test_the_retry_budget_ends_with_a_clear_error() -> None:
    seen: list[dict[str, Any]] = []
    with serve_in_background(_flaky([503] * 10, seen)) as url:
        transport = Transport(url, FAST)
        with pytest.raises(HarvestError, match=r"failed 4 times; last problem: HTTP 503"):
            transport.get({"verb": "Identify"})
    assert len(seen) == 4


def test_a_failure_names_the_request_to_send_again_without_credentials() -> None:
    token = "t" * 200
    with serve_in_background(_flaky([503] * 10, [])) as url:
        secret = url.replace("http://", "http://harvester:s3cret@") + "?apikey=k3y"
        with pytest.raises(HarvestError) as caught:
            Transport(secret, FAST).get({"verb": "ListRecords", "resumptionToken": token})
    said = str(caught.value)
    assert said.startswith(
        f"{url}?apikey=***&verb=ListRecords&resumptionToken={'t' * 80}... failed 4 times"
    ), said
    assert "s3cret" not in said
    assert "k3y" not in said


def test_a_client_error_is_not_retried() -> None:
    seen: list[dict[str, Any]] = []
    with (
        serve_in_background(_flaky([404], seen)) as url,
        pytest.raises(HarvestError, match="HTTP 404: nothing is at this address"),
    ):
        Transport(url, FAST).get({"verb": "Identify"})
    assert len(seen) == 1


def test_a_redirect_to_a_url_that_cannot_be_read_is_a_harvest_error() -> None:
    # requests let urllib's ValueError ("Invalid IPv6 URL") out: a traceback in every command.
    def factory(_base_url: str) -> Any:
        def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            start_response("302 Found", [("Location", "http://[::1")])
            return [b""]

        return app

    with (
        serve_in_background(factory) as url,
        pytest.raises(
            HarvestError,
            match="redirected to a URL that cannot be read: Invalid IPv6 URL",
        ),
    ):
        Transport(url, FAST).get({"verb": "Identify"})


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (401, "the endpoint wants credentials; give the URL with them through the source's"),
        (403, "the endpoint refuses this client"),
    ],
)
def test_a_refusal_says_what_to_do(status: int, said: str) -> None:
    with (
        serve_in_background(_flaky([status], [])) as url,
        pytest.raises(HarvestError, match=f"HTTP {status}: {said}"),
    ):
        Transport(url, FAST).get({"verb": "Identify"})


_BODY = b"<r>" + b" " * 5_000_000 + b"</r>"


@pytest.mark.parametrize(
    ("encoding", "bomb"),
    [
        ("gzip", gzip.compress(_BODY)),
        ("gzip, gzip", gzip.compress(gzip.compress(_BODY))),  # inflated twice over
        ("deflate", zlib.compress(_BODY)),
        (None, gzip.compress(_BODY)),  # no Content-Encoding names it: unzipped by the transport
    ],
)
def test_a_gzip_bomb_is_refused_before_it_unfolds(encoding: str | None, bomb: bytes) -> None:
    seen: list[dict[str, Any]] = []
    headers = [("Content-Type", "text/xml")]
    if encoding is not None:
        headers.append(("Content-Encoding", encoding))

    def factory(_: str) -> Any:
        def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            seen.append(environ)
            start_response("200 OK", headers)
            return [bomb]

        return app

    policy = TransportPolicy(retries=3, backoff=0.01, max_bytes=1_000_000)
    with (
        serve_in_background(factory) as url,
        pytest.raises(HarvestError, match="over 1,000,000 bytes"),
    ):
        Transport(url, policy).get({"verb": "Identify"})
    assert len(bomb) < 10_000
    assert len(seen) == 1, "refused, not fetched again"


def test_a_refused_connection_is_said_in_the_systems_words() -> None:
    # 127.0.0.1:9 (discard) refuses connections.
    with pytest.raises(HarvestError) as caught:
        Transport("http://127.0.0.1:9/oai", FAST).get({"verb": "Identify"})
    assert str(caught.value).endswith("last problem: ConnectionError: Connection refused")


def test_a_body_cut_short_is_said_without_urllib3s_tuple() -> None:
    # A third walkthrough saw "ProtocolError: ('Connection broken: IncompleteRead(…)',
    # IncompleteRead(…))" at every retry.
    plan = FaultPlan({0: ["cut"]})
    with (
        serve_in_background(faulty_endpoint(synthetic_records(5), plan)) as url,
        pytest.raises(HarvestError) as caught,
    ):
        Transport(url, TransportPolicy(retries=0)).get({"verb": "ListRecords"})
    said = str(caught.value)
    assert re.search(
        r" failed once; last problem: ProtocolError: Connection broken: "
        r"IncompleteRead\(\d+ bytes read, \d+ more expected\)$",
        said,
    ), said


def test_a_connection_reset_mid_body_is_said_in_the_systems_words() -> None:
    # A review: "Connection broken: ConnectionResetError(104," was all that was left.
    class Reset(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            self.request.recv(65536)
            self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 9000\r\n\r\n<OAI-PMH>")
            # An RST instead of a FIN: SO_LINGER on, with no time to linger.
            self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.request.close()  # now: socketserver would send a FIN first

    with socketserver.TCPServer(("127.0.0.1", 0), Reset) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/oai"
        with pytest.raises(HarvestError) as caught:
            Transport(url, TransportPolicy(retries=0)).get({"verb": "Identify"})
        server.shutdown()
    # Mid-body as a rule; while the headers are read if the reset overtakes the bytes.
    said = str(caught.value)
    assert re.search(
        r"failed once; last problem: (ProtocolError: Connection broken|ConnectionError): "
        r"Connection reset by peer$",
        said,
    ), said


def test_an_answer_dripping_in_is_bounded_as_a_whole() -> None:
    # Found by a security review: a byte a second never trips the read timeout, which bounds
    # each read; the answer as a whole has a deadline of its own.
    def factory(_: str) -> Any:
        def drip(environ: dict[str, Any], start_response: Any) -> Any:
            # With its length announced: a read of a fixed size waits for all of it.
            start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", "40")])
            for _ in range(40):
                time.sleep(0.05)
                yield b" "

        return drip

    slow = TransportPolicy(read_timeout=5, answer_timeout=0.5, retries=1, backoff=0.01)
    with serve_in_background(factory) as url, pytest.raises(HarvestError) as caught:
        Transport(url, slow).get({"verb": "Identify"})
    assert str(caught.value).endswith(
        "last problem: ReadTimeout: the answer took over 0.5 s to arrive"
    )


def test_credentials_in_the_url_are_sent_but_never_shown() -> None:
    seen: list[dict[str, Any]] = []
    with serve_in_background(_flaky([503] * 10, seen)) as url:
        secret = url.replace("http://", "http://harvester:s3cret@")
        transport = Transport(secret, FAST)
        with pytest.raises(HarvestError) as caught:
            transport.get({"verb": "Identify"})
    assert seen[0]["HTTP_AUTHORIZATION"].startswith("Basic ")
    assert "s3cret" not in str(caught.value)
    assert transport.base_url == url


@pytest.mark.parametrize(
    "url",
    [
        "https://harvester:Tr0ub?dor@127.0.0.1:9/oai",  # "?" ends the authority early
        "https://harvester:Tr0ub#dor@127.0.0.1:9/oai",
        "https://harvester:Tr0ub/dor@127.0.0.1:9/oai",  # "dor@127…" read as a path
        "http://harvester:Tr0ubdor@[::1/oai",  # a bracket left open: urlsplit raised
    ],
)
def test_a_password_with_unencoded_delimiters_is_refused_unshown(url: str) -> None:
    with pytest.raises(ConfigError, match="percent-encode") as caught:
        Transport(url, FAST)
    assert "Tr0ub" not in str(caught.value)


def test_a_bad_url_with_credentials_fails_without_showing_them() -> None:
    with pytest.raises(HarvestError) as caught:
        Transport("https://harvester:s3cret@/oai", FAST).get({"verb": "Identify"})
    assert "s3cret" not in str(caught.value)
    assert "InvalidURL" in str(caught.value)


def test_closing_stops_a_worker_waiting_to_retry() -> None:
    seen: list[dict[str, Any]] = []
    # The endpoint asks for 60 s: the test closes the transport long before a retry is due,
    # however slowly this machine runs it (it had asked for 1 s).
    patient = TransportPolicy(retries=100, backoff=1.0, max_wait=60.0, total_wait=1000.0)
    outcome: list[BaseException] = []
    with serve_in_background(_busy_with_retry_after(seen)) as url:
        transport = Transport(url, patient)
        sibling = Transport(url, patient, transport.pacing)

        def work() -> None:
            try:
                sibling.get({"verb": "Identify"})
            except HarvestError as exc:
                outcome.append(exc)

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        while not seen:  # the first request is answered; the worker now waits to retry
            worker.join(0.01)
        sibling.close()  # a sibling closing (its window done) stops no one
        assert not transport.stopped.is_set()
        transport.close()  # the run ends: the worker gives up instead of retrying
        worker.join(10)
    assert not worker.is_alive()
    assert len(seen) == 1
    assert "the harvest was stopped" in str(outcome[0])


def _busy_with_retry_after(seen: list[dict[str, Any]]) -> Any:
    def factory(_: str) -> Any:
        def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            seen.append(environ)
            start_response("503 Busy", [("Retry-After", "60")])
            return [b"busy"]

        return app

    return factory


def test_an_answers_time_leaves_out_the_turn_it_waited_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The spacing after a 503 was counted as the next answer's time, and check's estimate of
    # a whole harvest grew with it (a review).  On a clock that moves only while the
    # transport waits, an answer that came after a wait took no time at all.
    clock = [1000.0]
    frozen = SimpleNamespace(monotonic=lambda: clock[0])
    monkeypatch.setattr(transport_module, "time", frozen)
    monkeypatch.setattr(pacing_module, "time", frozen)
    waits: list[float] = []

    def wait(_: Transport, seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    monkeypatch.setattr(Transport, "_sleep", wait)
    spaced = TransportPolicy(retries=3, backoff=0.01, max_wait=0.6)  # room to space them
    with serve_in_background(_flaky([503, 503], [])) as url:
        transport = Transport(url, spaced)
        transport.get({"verb": "Identify"})
        waits.clear()
        transport.get({"verb": "Identify"})
    assert waits, "the endpoint's 503s spaced the next request out"
    assert sum(waits) > 0
    assert transport.answered_in == 0.0


def test_a_token_the_endpoint_has_no_page_for_is_no_base_url_mistake() -> None:
    with (
        serve_in_background(_flaky([404], [])) as url,
        pytest.raises(HarvestError, match="no page for this token, in the middle of the list"),
    ):
        Transport(url, FAST).get({"verb": "ListRecords", "resumptionToken": "t"})
    with (
        serve_in_background(_flaky([401], [])) as url,
        pytest.raises(HarvestError, match="the credentials the URL gives were refused"),
    ):
        Transport(url.replace("http://", "http://u:p@"), FAST).get({"verb": "Identify"})


def test_the_environment_s_proxy_is_used_and_read_once_for_the_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # requests read the proxy variables (the whole environment, twice) at every request:
    # a transport reads them once for its host, and uses them as requests did.
    seen: list[dict[str, Any]] = []
    reads: list[str] = []
    read = requests.sessions.get_environ_proxies

    def counted(url: str, no_proxy: str | None = None) -> dict[str, str]:
        reads.append(url)
        return read(url, no_proxy=no_proxy)

    monkeypatch.setattr(requests.sessions, "get_environ_proxies", counted)
    for name in ("no_proxy", "NO_PROXY", "http_proxy", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    with serve_in_background(_flaky([], seen)) as proxy_url:
        proxy = proxy_url.removesuffix("/oai")
        monkeypatch.setenv("HTTP_PROXY", proxy)
        transport = Transport("http://oai.example.invalid/oai", FAST)
        bodies = [
            transport.get({"verb": "ListRecords", "resumptionToken": f"t{n}"}) for n in range(3)
        ]
        # A host the environment says to reach directly is reached so (the proxy is not asked).
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        direct = Transport(proxy_url, FAST)
        direct.get({"verb": "Identify"})
    assert bodies == [b"<ok/>"] * 3
    assert [e["PATH_INFO"] for e in seen[:3]] == ["http://oai.example.invalid/oai"] * 3
    assert seen[3]["PATH_INFO"] == "/oai", "asked directly, not through the proxy"
    assert len(reads) == 2, "the environment read once for each transport's host"


@pytest.mark.parametrize(
    "proxy",
    [
        "http://puser:Pr0xyPass@127.0.0.1:99999",  # urllib3 quotes the whole URL it cannot read
        "http://puser:Pr0xy/Pass@127.0.0.1:9",  # and the authority it read, cut at the "/"
    ],
)
def test_the_proxy_s_credentials_are_never_shown(
    monkeypatch: pytest.MonkeyPatch, proxy: str
) -> None:
    # A security review: the proxy URL of the environment, its password with it, had been
    # printed and kept as the run's error ("InvalidURL: Failed to parse: http://puser:…").
    for name in ("no_proxy", "NO_PROXY", "http_proxy", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy)
    with pytest.raises(HarvestError, match="InvalidURL") as caught:
        Transport("http://oai.example.invalid/oai", FAST).get({"verb": "Identify"})
    for secret in ("Pr0xy", "Pass", "puser"):
        assert secret not in str(caught.value)
