"""The OAI-PMH client against a real pyoai server on 127.0.0.1."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from ir_ingest.errors import HarvestError, OAIProtocolError
from ir_ingest.oai.client import OAIClient
from ir_ingest.oai.pacing import times
from ir_ingest.oai.pages import Window, iter_pages, read_page
from ir_ingest.oai.provider import ProvidedRecord, fixture_endpoint_app, serve_in_background
from ir_ingest.oai.transport import Transport, TransportPolicy
from tests.oai.faults import FaultPlan, failing_endpoint, faulty_endpoint, synthetic_records
from tests.oai.scripted import error, scripted

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from ir_ingest.entry import HarvestedRecord
    from ir_ingest.oai.responses import Page

SEED_ID = "oai:research.example.ac.uk:publications/3f2b8c1e-5d4a-4e7b-9a61-0c2d7e8f9a10"


@pytest.fixture
def client(oai_endpoint: str) -> Iterator[OAIClient]:
    with OAIClient(oai_endpoint) as opened:
        yield opened


def test_identify(client: OAIClient, oai_endpoint: str) -> None:
    identify = client.identify_endpoint()
    assert identify.base_url == oai_endpoint
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert not identify.day_granularity
    assert identify.deleted_record == "persistent"


def test_list_metadata_formats(client: OAIClient) -> None:
    assert [fmt[0] for fmt in client.metadata_formats()] == ["oai_dc"]


def test_list_sets(client: OAIClient) -> None:
    specs = [spec for spec, _ in client.sets()]
    assert "openaire" in specs
    assert len(specs) == 3


def test_list_records_pages_with_resumption_tokens(client: OAIClient) -> None:
    pages = list(iter_pages(client, Window("oai_dc")))
    # The fetching thread knows how many records a page holds before anyone reads them.
    assert [(page.size, len(page.records)) for page in pages] == [(10, 0), (10, 0), (10, 0), (6, 0)]
    assert [read_page(page) for page in pages] == [True] * 4
    assert [len(page.records) for page in pages] == [10, 10, 10, 6]
    assert [page.token is None for page in pages] == [False, False, False, True]
    identifiers = [r.identifier for page in pages for r in page.records]
    assert len(identifiers) == len(set(identifiers)) == 36
    deleted = [r for page in pages for r in page.records if r.deleted]
    assert len(deleted) == 4
    assert all(b"<metadata" not in r.raw for r in deleted)


def test_set_and_date_filters_are_sent(
    client: OAIClient, demo_records: list[ProvidedRecord]
) -> None:
    in_set = [
        r for page in iter_pages(client, Window("oai_dc", set_spec="openaire")) for r in read(page)
    ]
    assert len(in_set) == sum("openaire" in r.set_specs for r in demo_records)
    recent = [
        r
        for page in iter_pages(client, Window("oai_dc", from_date="2025-01-01"))
        for r in read(page)
    ]
    assert recent
    assert all(r.datestamp >= "2025-01-01" for r in recent)


def read(page: Page) -> list[HarvestedRecord]:
    """The records of a page, read here."""
    read_page(page)
    return page.records


def test_no_records_match_is_an_empty_page(client: OAIClient) -> None:
    pages = list(iter_pages(client, Window("oai_dc", from_date="2099-01-01")))
    assert len(pages) == 1
    assert pages[0].records == []


def test_get_record(client: OAIClient) -> None:
    record = client.get_record(SEED_ID, "oai_dc")
    assert record.identifier == SEED_ID
    assert b"Who is in the lead?" in record.raw


def test_oai_errors_carry_their_code(client: OAIClient) -> None:
    with pytest.raises(OAIProtocolError) as caught:
        client.get_record("oai:nowhere:1", "oai_dc")
    assert caught.value.code == "idDoesNotExist"
    with pytest.raises(OAIProtocolError) as caught:
        list(iter_pages(client, Window("marcxml")))
    assert caught.value.code == "cannotDisseminateFormat"


def test_a_repeated_resumption_token_ends_the_window_with_an_issue() -> None:
    page = (
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>'
        b"<record><header><identifier>oai:x:1</identifier><datestamp>2024-01-01</datestamp>"
        b"</header></record><resumptionToken>same</resumptionToken></ListRecords></OAI-PMH>"
    )

    with serve_in_background(_always(page)) as url, OAIClient(url) as looping:
        pages = list(iter_pages(looping, Window("oai_dc")))
    assert len(pages) == 2
    assert pages[-1].stop_issue is not None
    assert pages[-1].stop_issue.code == "harvest.repeated_token"
    assert pages[-1].token is None
    assert pages[-1].may_repeat, "the repeated page is checked against what the run stored"


def test_odd_datestamps_and_no_list_wrapper_are_tolerated() -> None:
    # Harvard LibraryCloud sends 20210311; some endpoints leave out the ListRecords wrapper.
    page = (
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        b"<record><header><identifier>oai:x:1</identifier><datestamp>20210311</datestamp>"
        b"</header><metadata><x/></metadata></record><ListRecords><resumptionToken/>"
        b"</ListRecords></OAI-PMH>"
    )

    with serve_in_background(_always(page)) as url, OAIClient(url) as odd:
        pages = list(iter_pages(odd, Window("oai_dc")))
    assert pages[0].newest_datestamp == "20210311"
    assert [r.datestamp for r in read(pages[0])] == ["20210311"]
    assert pages[0].token is None


def test_a_base_url_may_keep_a_query_of_its_own() -> None:
    with OAIClient("HTTPS://h.example/oai?apikey=s3cret") as client:
        assert client.base_url == "HTTPS://h.example/oai?apikey=***"


def test_unreachable_endpoint_is_a_clear_harvest_error() -> None:
    policy = TransportPolicy(retries=1, backoff=0.01, connect_timeout=1)
    with serve_in_background(fixture_endpoint_app([])) as url:
        pass  # the server is gone: its port now refuses connections
    with OAIClient(url, policy) as gone, pytest.raises(HarvestError, match="failed 2 times"):
        gone.identify_endpoint()


def _always(page: bytes) -> Any:
    """An app factory for a server that answers every request with ``page``."""

    def factory(_: str) -> Any:
        def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            start_response("200 OK", [("Content-Type", "text/xml")])
            return [page]

        return app

    return factory


def test_a_pages_newest_datestamp_is_read_as_its_records_are() -> None:
    # A second datestamp in a header is not the record's: recovery must not ask from it.
    page = (
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>'
        b"<record><header><identifier>oai:x:1</identifier><datestamp> 2021-01-01 </datestamp>"
        b"<datestamp>2029-01-01</datestamp></header><metadata><x/></metadata></record>"
        b"<record><header><identifier>oai:x:2</identifier><datestamp>2020-05-05</datestamp>"
        b"</header><metadata><x/></metadata></record></ListRecords></OAI-PMH>"
    )

    with serve_in_background(_always(page)) as url, OAIClient(url) as odd:
        (fetched,) = iter_pages(odd, Window("oai_dc"))
    assert (fetched.size, fetched.newest_datestamp) == (2, "2021-01-01")
    assert [r.datestamp for r in read(fetched)] == ["2021-01-01", "2020-05-05"]


def test_a_page_the_parser_refuses_whole_is_not_fetched_again() -> None:
    # A DOCTYPE (or a page over the bounds) comes back the same every time: a second review
    # saw such a page fetched six times, up to 64 MiB each.
    seen: list[dict[str, str]] = []
    hostile = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "y">]><OAI-PMH/>'
    policy = TransportPolicy(retries=5, backoff=0.01)
    with (
        serve_in_background(scripted(lambda _: hostile, seen)) as url,
        OAIClient(url, policy) as client,
        pytest.raises(HarvestError, match=r"DOCTYPE.*\(fetched once\)"),
    ):
        list(iter_pages(client, Window("oai_dc")))
    assert [params["verb"] for params in seen] == ["ListRecords"]


#: One retry, soon: an error code OAI-PMH does not define, or none, is fetched again.
QUICK = TransportPolicy(retries=1, backoff=0.01)


def _list_answering(code: str) -> int:
    """The size of the page an endpoint answering error ``code`` gives."""
    with (
        serve_in_background(scripted(lambda _: error(code))) as url,
        OAIClient(url, QUICK) as client,
    ):
        return client.list_page("ListRecords", "oai_dc", {"metadataPrefix": "oai_dc"}).size


def test_an_error_code_is_read_without_its_spaces_and_case() -> None:
    assert _list_answering(" NoRecordsMatch ") == 0, "an empty result, not a failed run"
    with pytest.raises(OAIProtocolError) as caught:
        _list_answering("BADARGUMENT")
    assert caught.value.code == "badArgument"
    with pytest.raises(OAIProtocolError) as empty:
        _list_answering("")
    assert empty.value.code == "unknown"


def test_an_api_key_the_endpoint_quotes_in_its_error_is_masked() -> None:
    # An endpoint's badArgument repeated the request, API key and all (a walkthrough).
    def answer(params: dict[str, str]) -> bytes:
        quoted = "&amp;".join(f"{key}={value}" for key, value in sorted(params.items()))
        return error("badArgument", f"Illegal from date (request was {quoted})")

    with serve_in_background(scripted(answer)) as url:
        client = OAIClient(f"{url}?apikey=TOPSECRET")
        with pytest.raises(OAIProtocolError) as caught:
            client.request(verb="ListRecords", metadataPrefix="oai_dc", **{"from": "x"})
    assert "(request was apikey=***&from=x" in str(caught.value)
    assert "TOPSECRET" not in str(caught.value)


def test_sets_are_listed_page_by_page_through_the_harvests_own_request() -> None:
    # pyoai's listSets raised its own errors past every handler (a traceback where a set was
    # only to be checked), and followed a token that came back for ever (a review).
    def page_of(specs: list[str], token: str | None) -> bytes:
        items = "".join(f"<set><setSpec>{s}</setSpec><setName>{s}</setName></set>" for s in specs)
        tail = f"<resumptionToken>{token}</resumptionToken>" if token else ""
        return (
            '<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
            "<responseDate>2024-01-01T00:00:00Z</responseDate><request>http://x/oai</request>"
            f"<ListSets>{items}{tail}</ListSets></OAI-PMH>"
        ).encode()

    log: list[dict[str, str]] = []

    def answer(params: dict[str, str]) -> bytes:
        token = params.get("resumptionToken")
        return page_of(["a", "b"], "t1") if token is None else page_of(["c"], "t1")

    # A list cut short: a set on a page not read would be called unknown.
    with (
        serve_in_background(scripted(answer, log)) as url,
        pytest.raises(HarvestError, match="ListSets did not end"),
    ):
        OAIClient(url).sets()
    assert len(log) == 2, "the token that came back ended the list"

    def ending(params: dict[str, str]) -> bytes:
        return page_of(["a"], "t1") if "resumptionToken" not in params else page_of(["b"], None)

    with serve_in_background(scripted(ending)) as url:
        assert OAIClient(url).sets() == [("a", "a"), ("b", "b")]
    with (
        serve_in_background(scripted(lambda params: error("badVerb", "no sets here"))) as url,
        pytest.raises(OAIProtocolError, match="badVerb"),
    ):
        OAIClient(url).sets()
    with serve_in_background(scripted(lambda params: error("noSetHierarchy"))) as url:
        assert OAIClient(url).sets() == []


def test_an_endpoints_error_text_is_said_in_one_line() -> None:
    # LoC's idDoesNotExist text spans three lines of the answer; an error is one.
    said = OAIProtocolError("idDoesNotExist", "maps to\n        no known\n        item")
    assert str(said) == "OAI-PMH error idDoesNotExist: maps to no known item"


def _said(body: bytes, **params: str) -> str:
    """What a ListRecords answered with ``body`` raises, in words."""
    with (
        serve_in_background(scripted(lambda _: body)) as url,
        OAIClient(url, QUICK) as client,
        pytest.raises(OAIProtocolError) as caught,
    ):
        client.list_page("ListRecords", "oai_dc", {"metadataPrefix": "oai_dc", **params})
    return str(caught.value)


def test_an_oai_error_names_the_request_it_answered() -> None:
    # "the admin e-mail only says idDoesNotExist" (DSpace/DSpace#3299): which request, with
    # which from, set or token, is what one sends again to see the error for oneself.
    said = _said(error("badArgument", "Illegal date"), set="math", **{"from": "2024-01-01"})
    assert said.startswith("OAI-PMH error badArgument: Illegal date (answering http://127.0.0.1:")
    assert said.endswith("/oai?verb=ListRecords&metadataPrefix=oai_dc&set=math&from=2024-01-01)")


def test_an_error_with_no_code_or_no_message_is_said_so() -> None:
    # OpenSKOS/OpenSKOS#9: pyoai said "Unknown error code from server: , message: None".
    assert _said(error("", "")).startswith(
        "OAI-PMH error unknown: an error without a code, and without a message (answering "
    )
    assert _said(error("badArgument", "")).startswith(
        "OAI-PMH error badArgument: (no message) (answering "
    )


def test_an_error_code_oai_pmh_does_not_define_is_named_with_its_message() -> None:
    said = _said(error("InternalException", "java.lang.NullPointerException"))
    assert said.startswith(
        "OAI-PMH error unknown: an error code OAI-PMH does not define ('InternalException'): "
        "java.lang.NullPointerException (answering "
    )


def test_an_undefined_error_code_is_fetched_again_and_said_with_the_fetches() -> None:
    log: list[dict[str, str]] = []
    answers = iter([error("undefinedError", ""), error("", "")])
    formats = (
        b'<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        b"<responseDate>2024-01-01T00:00:00Z</responseDate><request>http://x/oai</request>"
        b"<ListMetadataFormats><metadataFormat><metadataPrefix>oai_dc</metadataPrefix>"
        b"<schema>s</schema><metadataNamespace>n</metadataNamespace></metadataFormat>"
        b"</ListMetadataFormats></OAI-PMH>"
    )
    with (
        serve_in_background(scripted(lambda _: next(answers, formats), log)) as url,
        OAIClient(url, TransportPolicy(retries=2, backoff=0.01)) as client,
    ):
        assert client.metadata_formats() == [("oai_dc", "s", "n")]
    assert len(log) == 3, "asked again after each of the server's own failures"


@pytest.mark.parametrize("verb", ["Identify", "ListMetadataFormats"])
def test_every_verb_answered_with_an_undefined_code_gives_up_after_its_budget(
    demo_records: list[ProvidedRecord], verb: str
) -> None:
    # Identify and ListMetadataFormats as the list pages: a server's failure, not an answer.
    log: list[str] = []
    body = error("internalError", "Internal\n  server error")
    failing = failing_endpoint(
        demo_records, failing={"on": True}, log=log, fail_verb=verb, oai_error=body
    )
    with (
        serve_in_background(failing) as url,
        OAIClient(url, QUICK) as client,
        pytest.raises(OAIProtocolError) as caught,
    ):
        client.request(verb=verb)
    assert caught.value.code == "unknown"
    assert str(caught.value) == (
        "OAI-PMH error unknown: an error code OAI-PMH does not define ('internalError'): "
        f"Internal server error (answering {url}?verb={verb}) (fetched 2 times)"
    )
    assert [query for query in log if verb in query] == [f"verb={verb}"] * 2


def test_an_undefined_error_code_is_fetched_again_within_the_budget_of_waits() -> None:
    # The waits of one request stay within total_wait, as a 5xx's do.
    log: list[dict[str, str]] = []
    slow = TransportPolicy(retries=5, backoff=10, max_wait=60, total_wait=1)
    with (
        serve_in_background(scripted(lambda _: error("undefinedError", ""), log)) as url,
        OAIClient(url, slow) as client,
        pytest.raises(OAIProtocolError) as caught,
    ):
        client.list_page("ListRecords", "oai_dc", {"metadataPrefix": "oai_dc"})
    assert re.search(
        r"\(fetched once; waiting \d+\.\d s more would exceed the 1 s retry budget\)$",
        str(caught.value),
    ), caught.value
    assert len(log) == 1


def _request_failing_by(
    faults: list[str], policy: TransportPolicy, monkeypatch: pytest.MonkeyPatch
) -> tuple[HarvestError, list[str], list[float], int]:
    """Ask for the first ListRecords page of an endpoint that answers with ``faults`` in turn:
    the error, the faults the endpoint served, the waits (recorded, not waited out) and the
    retries the run's tally counted."""
    waits: list[float] = []
    monkeypatch.setattr(Transport, "_sleep", lambda _, seconds: waits.append(seconds))
    plan = FaultPlan({0: faults})
    with (
        serve_in_background(faulty_endpoint(synthetic_records(5), plan)) as url,
        OAIClient(url, policy) as client,
        pytest.raises(HarvestError) as caught,
    ):
        client.request(verb="ListRecords", metadataPrefix="oai_dc")
    tallied = sum(client.transport.pacing.failures.values())
    return caught.value, [fault for _, _, fault in plan.seen], waits, tallied


def test_a_request_failing_by_5xx_and_undefined_codes_by_turns_keeps_one_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A review: five 503s then an undefined code, over and over, had been sent 36 times with
    # 3,868 s of waits under a policy of 5 retries and 900 s, each transport call and the
    # client's refetches keeping budgets of their own; the error said "fetched 6 times".
    policy = TransportPolicy(retries=5, backoff=20, max_wait=300, total_wait=900)
    faults = (["500"] * 5 + ["undefined-error"]) * 6
    failed, served, waits, tallied = _request_failing_by(faults, policy, monkeypatch)
    assert len(served) <= policy.retries + 1, served
    assert sum(waits) <= policy.total_wait, waits
    assert len(waits) == tallied == len(served) - 1, "one wait before each send again, tallied"
    # The count said is the true one, whichever gave up: the transport or the client.
    said = re.search(r"(?:failed|sent|fetched) (once|\d+ times)", str(failed))
    assert said is not None, failed
    assert said[1] == times(len(served)), (failed, served)


def test_the_sends_of_a_request_are_bounded_whoever_asks_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every wait is max_wait (the backoff's least is twice it): only the count bounds here.
    policy = TransportPolicy(retries=4, backoff=200, max_wait=100, total_wait=10_000)
    faults = ["500", "500", "undefined-error"] * 9
    failed, served, waits, tallied = _request_failing_by(faults, policy, monkeypatch)
    assert served == ["500", "500", "undefined-error", "500", "500"]
    assert str(failed).endswith("failed 5 times; last problem: HTTP 500"), failed
    assert waits == [100.0] * 4
    assert tallied == 4


def test_the_waits_of_a_request_are_bounded_whoever_asks_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    policy = TransportPolicy(retries=10, backoff=200, max_wait=100, total_wait=350)
    faults = ["500", "undefined-error"] * 9
    failed, served, waits, tallied = _request_failing_by(faults, policy, monkeypatch)
    assert served == ["500", "undefined-error", "500", "undefined-error"]
    assert isinstance(failed, OAIProtocolError)
    assert str(failed).endswith(
        "(fetched 4 times; waiting 100.0 s more would exceed the 350 s retry budget)"
    ), failed
    assert waits == [100.0] * 3
    assert tallied == 3


@pytest.mark.parametrize(
    ("policy", "served", "said"),
    [
        # The count: sent four times in all, the last a 500, and the transport gives up.
        (
            TransportPolicy(retries=3, backoff=200, max_wait=100, total_wait=10_000),
            ["truncate", "500", "truncate", "500"],
            "failed 4 times; last problem: HTTP 500",
        ),
        # The waits: a malformed page's refetch spends from the same 250 s as a 500's retry.
        (
            TransportPolicy(retries=10, backoff=200, max_wait=100, total_wait=250),
            ["truncate", "500", "truncate"],
            "(fetched 3 times; waiting 100.0 s more would exceed the 250 s retry budget)",
        ),
    ],
)
def test_a_malformed_page_and_5xx_by_turns_keep_one_budget(
    monkeypatch: pytest.MonkeyPatch, policy: TransportPolicy, served: list[str], said: str
) -> None:
    failed, seen, waits, tallied = _request_failing_by(["truncate", "500"] * 9, policy, monkeypatch)
    assert seen == served
    assert str(failed).endswith(said), failed
    assert waits == [100.0] * (len(served) - 1)
    assert tallied == len(served) - 1


def _failing_by_turns(verb: str, seen: list[str]) -> Any:
    """App factory: an endpoint answering ``verb`` 500 and an undefined code by turns."""

    def factory(_base_url: str) -> Any:
        def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            query = environ.get("QUERY_STRING", "")
            assert f"verb={verb}" in query, query
            seen.append("500" if len(seen) % 2 == 0 else "undefined")
            if seen[-1] == "500":
                start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
                return [b"boom"]
            start_response("200 OK", [("Content-Type", "text/xml")])
            return [error("InternalException", "boom")]

        return app

    return factory


@pytest.mark.parametrize(
    ("verb", "ask"),
    [
        ("Identify", lambda client: client.identify_endpoint()),
        ("GetRecord", lambda client: client.get_record("oai:x:1", "oai_dc")),
        ("ListSets", lambda client: client.sets()),
    ],
)
def test_every_verb_keeps_one_budget_for_5xx_and_undefined_codes_by_turns(
    verb: str, ask: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every verb goes through request(): three sends in all under 2 retries, not 3 a fetch.
    waits: list[float] = []
    monkeypatch.setattr(Transport, "_sleep", lambda _, seconds: waits.append(seconds))
    seen: list[str] = []
    policy = TransportPolicy(retries=2, backoff=200, max_wait=100, total_wait=10_000)
    with (
        serve_in_background(_failing_by_turns(verb, seen)) as url,
        OAIClient(url, policy) as client,
        pytest.raises(HarvestError) as caught,
    ):
        ask(client)
    assert seen == ["500", "undefined", "500"]
    assert str(caught.value).endswith("failed 3 times; last problem: HTTP 500"), caught.value
    assert waits == [100.0, 100.0]
