"""The token loop's guard rails and the endpoint quirks of real responses, through a harvest."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select, update

from ir_ingest.errors import ConfigError, HarvestError
from ir_ingest.oai import salvage
from ir_ingest.oai.client import OAIClient
from ir_ingest.oai.harvest import run_harvest
from ir_ingest.oai.pages import PageGuards, Window, iter_pages, read_page
from ir_ingest.oai.provider import serve_in_background
from ir_ingest.oai.transport import TransportPolicy
from ir_ingest.store import source_key
from ir_ingest.store import tables as t
from tests.oai import scripted as oai
from tests.oai.faults import FaultPlan, faulty_endpoint, synthetic_records
from tests.oai.scripted import identify

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

    from ir_ingest.oai.responses import Page
    from ir_ingest.store import Store

_PAGE = (
    '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>{records}'
    "<resumptionToken>{token}</resumptionToken></ListRecords></OAI-PMH>"
)
_RECORD = (
    "<record><header><identifier>oai:x:{n}</identifier><datestamp>2024-01-0{n}</datestamp>"
    "</header><metadata><oai_dc:dc xmlns:oai_dc='http://www.openarchives.org/OAI/2.0/oai_dc/' "
    "xmlns:dc='http://purl.org/dc/elements/1.1/'><dc:title>Record {n}</dc:title></oai_dc:dc>"
    "</metadata></record>"
)


def _serving(answer: Callable[[str], bytes]) -> Any:
    """App factory answering Identify as it should and every other request with
    ``answer(query string)``."""

    def factory(_: str) -> Any:
        def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            start_response("200 OK", [("Content-Type", "text/xml")])
            query = environ.get("QUERY_STRING", "")
            return [identify() if query == "verb=Identify" else answer(query)]

        return app

    return factory


def test_a_repeated_token_ends_the_run_with_a_run_issue(store: Store) -> None:
    page = _PAGE.format(records=_RECORD.format(n=1), token="same").encode()
    with serve_in_background(_serving(lambda _: page)) as url:
        report = run_harvest(url, "oai_dc", store=store)

    assert report.status == "incomplete"
    assert [issue["code"] for issue in report.run_issues] == ["harvest.repeated_token"]
    assert report.total == 1, "the page the token brought back again is not counted twice"
    assert store.counts()["versions"] == 1


def test_a_run_of_empty_pages_ends_the_window(store: Store) -> None:
    counter = iter(range(10_000))
    with serve_in_background(
        _serving(lambda q: _PAGE.format(records="", token=f"t{next(counter)}").encode())
    ) as url:
        report = run_harvest(url, "oai_dc", store=store, guards=PageGuards(max_empty_pages=5))

    assert report.status == "incomplete"
    assert report.pages == 5
    assert [issue["code"] for issue in report.run_issues] == ["harvest.empty_pages"]


def test_the_request_cap_ends_the_window(oai_endpoint: str, store: Store) -> None:
    report = run_harvest(oai_endpoint, "oai_dc", store=store, guards=PageGuards(max_requests=3))

    assert report.status == "incomplete"
    assert (report.pages, report.total) == (3, 30)
    assert report.run_issues[0]["code"] == "harvest.request_cap"
    assert "from the start until now" in report.run_issues[0]["where"]

    # The next incremental run must not skip the 6 records the cap left unasked for.
    again = run_harvest(oai_endpoint, "oai_dc", store=store)
    assert again.status == "completed"
    assert store.counts()["records"] == 36


def test_the_html_report_lists_run_issues_escaped(oai_endpoint: str, store: Store) -> None:
    from ir_ingest.report.render import to_html

    report = run_harvest(oai_endpoint, "oai_dc", store=store, guards=PageGuards(max_requests=1))
    report.run_issues[0]["message"] = "<script>alert(1)</script>"
    html = to_html(report)
    assert 'id="run-issues"' in html
    assert "harvest.request_cap" in html
    assert "&lt;script&gt;" in html


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("path", "verb", "first_datestamp"),
    [
        # Harvard LibraryCloud: datestamp 20210311, ListRecords redeclares the default namespace.
        ("dpla-ingestion3/oai-page.xml", "ListRecords", "20210311"),
        # BnF Gallica: no XML declaration, namespaces only on the root, date-only datestamps.
        ("phpoaipmh/NamespacedSample.xml", "ListRecords", "2010-06-09"),
        # NSDL's last page: an empty self-closing resumptionToken with cursor/completeListSize.
        ("phpoaipmh/GoodResponseFourPage_4.xml", "ListIdentifiers", None),
    ],
)
def test_real_endpoint_quirks_are_tolerated(
    corpus: Path, path: str, verb: str, first_datestamp: str | None
) -> None:
    body = (corpus / "oai-responses" / path).read_bytes()
    with serve_in_background(_serving(lambda _: body)) as url, OAIClient(url) as client:
        pages = list(iter_pages(client, Window("oai_dc"), verb=verb))
    read_page(pages[0])
    records = pages[0].records
    assert len(pages) <= 2
    assert records
    assert all(r.identifier for r in records)
    if first_datestamp is not None:
        assert records[0].datestamp == first_datestamp
    if verb == "ListIdentifiers":
        assert pages[0].token is None, "an empty resumptionToken marks the last page"
        assert pages[0].complete_list_size == 733


def test_one_malformed_record_does_not_block_the_source(store: Store) -> None:
    # An HTML entity and a bare ampersand pasted into a title: the page is not well-formed.
    bad = _RECORD.format(n=2).replace("Record 2", "Caf&eacute; R&D")
    first = _PAGE.format(records=_RECORD.format(n=1) + bad + _RECORD.format(n=3), token="p2")
    second = _PAGE.format(records=_RECORD.format(n=4), token="")

    def answer(query: str) -> bytes:
        return (second if "resumptionToken" in query else first).encode()

    policy = TransportPolicy(retries=1, backoff=0.01)
    with serve_in_background(_serving(answer)) as url:
        report = run_harvest(url, "oai_dc", store=store, policy=policy)

    assert report.status == "completed"
    assert report.pages == 2
    assert report.counts["failed"] == 1
    assert report.issue_counts["xml.malformed"] == 1
    with store.engine.connect() as conn:
        reject = conn.execute(select(t.rejects)).one()
    assert reject.oai_identifier == "oai:x:2"
    assert b"Caf&eacute; R&D" in reject.raw, "the raw XML of the bad record is kept"
    assert store.counts()["records"] == 3


def test_a_page_cut_short_is_not_salvaged(store: Store) -> None:
    page = _PAGE.format(records=_RECORD.format(n=1) + _RECORD.format(n=2), token="p2")
    cut = page[: page.index("<record>", 20) + 30].encode()  # the second record, cut off

    policy = TransportPolicy(retries=1, backoff=0.01)
    with (
        serve_in_background(_serving(lambda _: cut)) as url,
        pytest.raises(HarvestError, match="not well-formed"),
    ):
        run_harvest(url, "oai_dc", store=store, policy=policy)


def test_a_record_without_identifier_is_kept_as_a_reject(store: Store) -> None:
    nameless = _RECORD.format(n=2).replace("<identifier>oai:x:2</identifier>", "")
    page = _PAGE.format(records=_RECORD.format(n=1) + nameless, token="")
    with serve_in_background(_serving(lambda _: page.encode())) as url:
        report = run_harvest(url, "oai_dc", store=store)

    assert report.counts["failed"] == 1
    assert report.issue_counts["oai.no_identifier"] == 1
    assert store.counts()["records"] == 1
    with store.engine.connect() as conn:
        reject = conn.execute(select(t.rejects)).one()
    assert reject.oai_identifier.startswith("urn:ir-ingest:unidentified:")
    assert b"Record 2" in reject.raw


def test_a_clean_full_run_that_finds_records_gone_is_completed(
    store: Store, demo_records: list[Any]
) -> None:
    from ir_ingest.oai.provider import fixture_endpoint_app

    with serve_in_background(fixture_endpoint_app(demo_records)) as url:
        run_harvest(url, "oai_dc", store=store, repository="urn:sweep")
    fewer = [r for r in demo_records if not r.deleted][1:]
    with serve_in_background(fixture_endpoint_app(fewer)) as url:
        report = run_harvest(url, "oai_dc", store=store, repository="urn:sweep", full=True)
    assert len(report.gone_from_source) == 1
    assert report.status == "completed"


def test_a_resumed_run_keeps_the_cut_of_the_run_it_continues(store: Store) -> None:
    # A windowed run whose window a guard cut short, killed before it could write its report:
    # the cut lives in the window's checkpoint, so the run that continues it is incomplete too.
    options: dict[str, Any] = {"window": "monthly", "guards": PageGuards(max_requests=1)}
    records = synthetic_records(30)  # one month, three pages of ten: the cap cuts it
    with serve_in_background(faulty_endpoint(records, FaultPlan())) as url:
        first = run_harvest(url, "oai_dc", store=store, **options)
        assert first.status == "incomplete"
        with store.engine.begin() as conn:
            conn.execute(
                update(t.harvest_runs)
                .where(t.harvest_runs.c.id == first.run_id)
                .values(status="running", report_json=None)
            )
        report = run_harvest(url, "oai_dc", store=store, **options)

    assert report.resumed_run_id == first.run_id
    assert report.status == "incomplete"


def test_a_run_that_failed_before_its_first_page_is_not_replayed(
    oai_endpoint: str, store: Store
) -> None:
    failed = store.begin_run(oai_endpoint, "oai_dc", None, "2099-01-01")  # no page committed
    store.finish_run(failed, "failed", {}, "OAI-PMH error badArgument")

    report = run_harvest(oai_endpoint, "oai_dc", store=store)

    assert report.resumed_run_id is None
    assert report.from_date is None
    assert report.total == 36


def test_a_date_that_is_not_one_is_refused_before_any_request(
    oai_endpoint: str, store: Store
) -> None:
    with pytest.raises(ConfigError, match=r"--from must be a date .* got '2024/01/05'"):
        run_harvest(oai_endpoint, "oai_dc", store=store, from_date="2024/01/05")
    assert store.last_run(source_key(oai_endpoint, "oai_dc", None)) is None


def test_characters_removed_from_a_one_line_page_are_reported_on_their_record() -> None:
    # One line holds every record, so the line of a removed character names no record; the
    # page is read record by record instead.
    records = [_RECORD.format(n=n) for n in (1, 2, 3)]
    records[1] = records[1].replace("Record 2", "Record\x0b 2")
    page = _PAGE.format(records="".join(records), token="").encode()
    with serve_in_background(_serving(lambda _: page)) as url, OAIClient(url) as client:
        (fetched,) = iter_pages(client, Window("oai_dc"))

    assert read_page(fetched)
    assert [r.identifier for r in fetched.records] == ["oai:x:1", "oai:x:2", "oai:x:3"]
    assert {
        identifier: [issue.code for issue in issues]
        for identifier, issues in fetched.issues_by_identifier.items()
    } == {"oai:x:2": ["xml.illegal_characters"]}
    assert all(record.tree is not None for record in fetched.records)


def _fetched(page: bytes) -> Page:
    """The one page an endpoint always answering ``page`` gives, unread."""
    with serve_in_background(_serving(lambda _: page)) as url, OAIClient(url) as client:
        (fetched,) = iter_pages(client, Window("oai_dc"))
    return fetched


def test_records_read_one_by_one_keep_the_namespaces_the_list_element_declares() -> None:
    # Some endpoints declare the metadata prefixes on <ListRecords>, not on the root.
    records = [_RECORD.format(n=n).replace(" xmlns:oai_dc=", " data-x=") for n in (1, 2)]
    records = [r.replace(" xmlns:dc='http://purl.org/dc/elements/1.1/'", "") for r in records]
    records[0] = records[0].replace("Record 1", "Record\x0b 1")  # one line: lines would blame 2
    page = (
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        "<ListRecords xmlns:oai_dc='http://www.openarchives.org/OAI/2.0/oai_dc/' "
        f"xmlns:dc='http://purl.org/dc/elements/1.1/'>{''.join(records)}</ListRecords></OAI-PMH>"
    ).encode()

    fetched = _fetched(page)
    read_page(fetched)

    assert [r.tree is not None for r in fetched.records] == [True, True]
    assert list(fetched.issues_by_identifier) == ["oai:x:1"]


def test_a_page_whose_records_do_not_parse_alone_is_read_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    records = [_RECORD.format(n=n) for n in (1, 2)]
    records[1] = records[1].replace("Record 2", "Record\x0b 2")
    fetched = _fetched(_PAGE.format(records="\n".join(records), token="").encode())
    cut = salvage.salvage_page(fetched.body, "urn:test", "oai_dc")
    assert cut is not None
    cut.records[0] = dataclasses.replace(cut.records[0], tree=None)  # as if it had not parsed
    monkeypatch.setattr(salvage, "salvage_page", lambda *_: cut)

    read_page(fetched)

    assert [r.tree is not None for r in fetched.records] == [True, True]
    assert [i.code for i in fetched.issues_by_identifier["oai:x:2"]] == ["xml.illegal_characters"]
    assert "(response line 2)" in fetched.issues_by_identifier["oai:x:2"][0].message


def test_a_new_list_after_a_refused_token_may_use_the_old_lists_token_text(
    store: Store,
) -> None:
    # Tokens that name a position, not a list ("page2"): the list asked again after a
    # refused token sends "page2" again, and that is no loop (found writing `check`).
    refused: list[str] = []

    def answer(params: dict[str, str]) -> bytes:
        token = params.get("resumptionToken")
        if token == "page2" and not refused:
            refused.append(token)
            return oai.error("badResumptionToken", "expired")
        if token == "page2":
            return oai.page("ListRecords", [oai.record("oai:x:3", "2024-01-03T00:00:00Z")])
        stamps = ["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"]
        items = [oai.record(f"oai:x:{n}", s) for n, s in enumerate(stamps, start=1)]
        return oai.page("ListRecords", items, "page2")

    with serve_in_background(oai.scripted(answer)) as url:
        report = run_harvest(url, "oai_dc", store=store)
    assert report.total >= 3
    assert store.counts()["records"] == 3
    assert "harvest.repeated_token" not in [issue["code"] for issue in report.run_issues]
