"""A run's plan: what it asks for, and its warning when it leaves an unfinished run's records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import pytest

from ir_ingest.errors import HarvestError, OAIProtocolError
from ir_ingest.oai.datestamp import format_datestamp, parse_datestamp
from ir_ingest.oai.harvest import run_harvest
from ir_ingest.oai.plan import DEFAULT_OVERLAP
from ir_ingest.oai.provider import ProvidedRecord, fixture_endpoint_app, serve_in_background
from ir_ingest.oai.transport import TransportPolicy
from ir_ingest.store import source_key
from tests.oai.faults import failing_endpoint
from tests.oai.scripted import error, identify, page, record, scripted

if TYPE_CHECKING:
    from collections.abc import Callable

    from ir_ingest.report.model import RunReport
    from ir_ingest.store import Store


def test_a_run_that_does_not_ask_for_an_unfinished_runs_records_says_so(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    failing = {"on": False}
    policy = TransportPolicy(retries=1, backoff=0.01)

    def harvest(**options: Any) -> Any:
        return run_harvest(url, "oai_dc", store=store, policy=policy, **options)

    def fails(**options: Any) -> int:
        failing["on"] = True
        with pytest.raises(HarvestError):
            harvest(**options)
        failing["on"] = False
        failed = store.run_report()
        assert failed is not None
        return int(failed["run_id"])

    with serve_in_background(
        failing_endpoint(demo_records, fail_at_cursor=20, failing=failing)
    ) as url:
        first = fails()
        windowed = harvest(window="monthly")  # asks for the same records, in windows
        assert (windowed.from_date, windowed.run_issues) == (None, []), first
        full = fails(full=True)
        plain = harvest()  # incremental: only what changed since the windowed run began
        assert plain.from_date is not None
        assert plain.run_issues == [
            {
                "code": "harvest.unfinished_run_left",
                "message": f"run {full} did not finish, and this run does not ask for all the "
                "records it asked for; harvest with --full to ask for them again",
                "severity": "warning",
                "where": "plan",
            }
        ]
        fails(from_date="2000-01-01")
        assert harvest(full=True).run_issues == [], "a full run asks for every record"


def _nothing(_: dict[str, str]) -> bytes:
    return error("noRecordsMatch")


def _two_runs(store: Store, clock: str) -> tuple[datetime, RunReport]:
    """A run, then an incremental one whose endpoint's Identify says ``clock`` as responseDate:
    the first run's start, and the second run's report."""
    with serve_in_background(scripted(_nothing)) as url:
        run_harvest(url, "oai_dc", store=store, repository="urn:clock")
    synced = store.last_sync(source_key("urn:clock", "oai_dc", None))
    assert synced is not None
    with serve_in_background(
        scripted(_nothing, identify_body=identify(response_date=clock))
    ) as url:
        return synced.started_at, run_harvest(url, "oai_dc", store=store, repository="urn:clock")


@pytest.mark.parametrize(
    ("hours", "followed", "severity", "said"),
    [
        (-2, True, "warning", "is 2 h 00 min behind this machine's: incremental runs ask from"),
        (3, False, "info", "is 3 h 00 min ahead of this machine's: runs ask from this machine's"),
        (-30, False, "warning", "is 30 h 00 min behind this machine's, too far for a clock"),
    ],
)
def test_an_incremental_run_follows_an_endpoint_clock_behind_ours(
    store: Store, hours: int, followed: bool, severity: str, said: str
) -> None:
    """An endpoint sending its local time as UTC stamps a change just after our last run began
    before that run's start by our clock: ``from`` moves back by its lag (not by a lead, nor by
    a day or more, which is a cached Identify rather than a clock)."""
    skew = timedelta(hours=hours)
    synced, second = _two_runs(store, (datetime.now(UTC) + skew).strftime("%Y-%m-%dT%H:%M:%SZ"))

    sent = parse_datestamp(second.from_date or "")
    assert sent is not None
    expected = synced - DEFAULT_OVERLAP + (skew if followed else timedelta(0))
    assert abs(sent - expected) <= timedelta(seconds=5)
    [issue] = second.run_issues
    assert (issue["code"], issue["severity"]) == ("harvest.clock_skew", severity)
    assert issue["message"].startswith(f"the endpoint's clock (its responseDate) {said}")


def test_a_run_against_a_clock_behind_ours_is_followed_after_the_clock_is_set_right(
    store: Store,
) -> None:
    """A first run against an endpoint 2 hours behind keeps its start by the endpoint's clock:
    what changed just after it began is stamped 2 hours before it by our clock, and the next
    run, the endpoint's clock set right by then, must still ask from there."""
    behind = (datetime.now(UTC) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    began = datetime.now(UTC)
    with serve_in_background(
        scripted(_nothing, identify_body=identify(response_date=behind))
    ) as url:
        first = run_harvest(url, "oai_dc", store=store, repository="urn:clock")
    with serve_in_background(scripted(_nothing)) as url:
        second = run_harvest(url, "oai_dc", store=store, repository="urn:clock")

    assert first.run_issues[0]["code"] == "harvest.clock_skew"
    sent = parse_datestamp(second.from_date or "")
    assert sent is not None
    expected = began - timedelta(hours=2) - DEFAULT_OVERLAP
    assert abs(sent - expected) <= timedelta(seconds=5), (sent, expected)
    assert second.run_issues == [], "the endpoint's clock is right now"


def _noting_pyoai(
    records: list[ProvidedRecord], asked: list[tuple[str, datetime]]
) -> Callable[[str], Any]:
    """pyoai's server over ``records``, each request's verb noted in ``asked`` with its time."""

    def factory(base_url: str) -> Any:
        served = fixture_endpoint_app(records)(base_url)

        def noting(environ: dict[str, Any], start_response: Any) -> Any:
            for verb in parse_qs(environ.get("QUERY_STRING", "")).get("verb", []):
                asked.append((verb, datetime.now(UTC)))
            return served(environ, start_response)

        return noting

    return factory


def _one_record(_: dict[str, str]) -> bytes:
    return page("ListRecords", [record("oai:x:1", "2024-01-01T00:00:00Z")])


@pytest.mark.parametrize(
    ("identify_body", "said"),
    [
        (error("badVerb"), "OAI-PMH error badVerb: scripted"),
        (_one_record({}), "the Identify response has no Identify element"),  # a saved file
    ],
)
def test_a_first_run_goes_on_when_identify_is_answered_wrong(
    store: Store, identify_body: bytes, said: str
) -> None:
    """A first run needs Identify for the endpoint's clock only; an incremental one needs it
    for its ``from``, and an endpoint answering everything with one error (noRecordsMatch)
    would otherwise pass for a source with nothing new."""
    with serve_in_background(scripted(_one_record, identify_body=identify_body)) as url:
        first = run_harvest(url, "oai_dc", store=store, repository="urn:broken")
        with pytest.raises(HarvestError, match=said):
            run_harvest(url, "oai_dc", store=store, repository="urn:broken")

    assert first.status == "completed"
    [issue] = first.run_issues
    assert (issue["code"], issue["where"]) == ("harvest.identify_failed", "Identify")
    assert said in issue["message"]
    assert issue["message"].endswith(
        "incremental runs need Identify and will fail until it answers"
    )


def test_a_first_run_whose_identify_answers_no_oai_pmh_fails(store: Store) -> None:
    """A page of HTML is a wrong base URL, not a broken Identify: the run fails at once (it
    was fetched again as often as a ListRecords page would be, no more)."""
    log: list[dict[str, str]] = []
    html = b"<html><body>Log in</body></html>"
    policy = TransportPolicy(retries=1, backoff=0.01)
    answers = scripted(_one_record, log, identify_body=html)
    with (
        serve_in_background(answers) as url,
        pytest.raises(HarvestError, match="an HTML page, not an OAI-PMH response"),
    ):
        run_harvest(url, "oai_dc", store=store, policy=policy)
    assert [params["verb"] for params in log] == ["Identify", "Identify"]


def test_a_token_that_failed_a_continuing_run_is_not_tried_again(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    """A run that continued a killed one and failed on its first request (the token no longer
    good) is the last run: the next starts afresh instead of replaying that token for ever."""
    failing = {"on": True}
    options: dict[str, Any] = {"store": store, "policy": TransportPolicy(retries=0)}
    endpoint = failing_endpoint(demo_records, fail_at_cursor=20, failing=failing)
    with serve_in_background(endpoint) as url, pytest.raises(HarvestError):
        run_harvest(url, "oai_dc", repository="urn:token", **options)

    def refusing_tokens(params: dict[str, str]) -> bytes:
        if "resumptionToken" in params:
            return error("badArgument", "no such token")
        return _one_record(params)

    with serve_in_background(scripted(refusing_tokens)) as url:
        with pytest.raises(OAIProtocolError, match="no such token"):
            run_harvest(url, "oai_dc", repository="urn:token", **options)
        third = run_harvest(url, "oai_dc", repository="urn:token", **options)

    assert (third.status, third.resumed_run_id, third.total) == ("completed", None, 1)


def test_a_continuing_run_the_endpoint_never_answered_leaves_the_harvest_to_the_next(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    """Down again as the continuing run asked (or that run killed or stopped before its first
    page came): the endpoint refused nothing, and the run after it goes on from the page the
    harvest had reached, instead of asking for everything again."""
    failing = {"on": True}
    log: list[str] = []
    options: dict[str, Any] = {"store": store, "policy": TransportPolicy(retries=0)}
    endpoint = failing_endpoint(demo_records, fail_at_cursor=20, failing=failing, log=log)
    with serve_in_background(endpoint) as url:
        for _ in range(2):  # the first stores 2 pages; the second fails on its first request
            with pytest.raises(HarvestError, match="HTTP 500"):
                run_harvest(url, "oai_dc", repository="urn:down", **options)
        failing["on"] = False
        log.clear()
        third = run_harvest(url, "oai_dc", repository="urn:down", **options)

    assert (third.status, third.resumed_run_id, third.total) == ("completed", 2, 16)
    assert "resumptionToken" in next(query for query in log if "ListRecords" in query)


@pytest.mark.parametrize("oai_error", [None, error("badArgument")], ids=["http-500", "oai-error"])
def test_a_run_whose_every_page_was_stored_is_not_harvested_again_when_continued(
    store: Store, demo_records: list[ProvidedRecord], oai_error: bytes | None
) -> None:
    """A --full run that stored its last page and failed in its ListIdentifiers sweep (or was
    killed before it ended) has nothing left to list: the run continuing it only sweeps, and
    the one after that too if the sweep fails again.  Its checkpoint, with no token, had been
    taken for none, and every page asked for again; and a sweep the endpoint refused with an
    OAI error had handed the checkpoints back, as a refused token does, every other run."""
    failing = {"on": True}
    log: list[str] = []
    endpoint = failing_endpoint(
        demo_records, failing=failing, log=log, fail_verb="ListIdentifiers", oai_error=oai_error
    )
    options: dict[str, Any] = {"store": store, "policy": TransportPolicy(retries=0), "full": True}
    with serve_in_background(endpoint) as url:
        for _ in range(2):  # the first stores every page; the second only sweeps
            with pytest.raises(HarvestError):
                run_harvest(url, "oai_dc", repository="urn:swept", **options)
        failing["on"] = False
        log.clear()
        third = run_harvest(url, "oai_dc", repository="urn:swept", **options)

    assert (third.status, third.resumed_run_id, third.total) == ("completed", 2, 0)
    assert not [query for query in log if "ListRecords" in query]
    assert [query for query in log if "ListIdentifiers" in query]


def test_a_continuing_run_refused_on_a_window_it_had_not_begun_is_not_continued_for_ever(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    """Run 1 finished a date window and failed on the next; the endpoint then refuses (an OAI
    error) the first request of that window, which has no token yet.  The run continuing run 1
    hands its checkpoints back, so the next one starts afresh instead of continuing the
    continuation, and so on for ever (a hand-back once kept for refused tokens alone)."""
    fails: dict[str, Any] = {"after": 1, "with": b""}  # run 1: an empty answer, not OAI's
    listing = failing_endpoint(demo_records)

    def endpoint(base_url: str) -> Any:
        inner = listing(base_url)

        def app(environ: dict[str, Any], start_response: Any) -> Any:
            query = environ.get("QUERY_STRING", "")
            if "ListRecords" in query and "resumptionToken" not in query:
                fails["after"] -= 1
                if fails["after"] < 0:
                    start_response("200 OK", [("Content-Type", "text/xml")])
                    return [fails["with"]]
            return inner(environ, start_response)

        return app

    options: dict[str, Any] = {"store": store, "policy": TransportPolicy(retries=0)}
    resumed = []
    with serve_in_background(endpoint) as url:
        for _ in range(4):
            with pytest.raises(HarvestError):
                run_harvest(url, "oai_dc", repository="urn:w", window="monthly", **options)
            report = store.run_report()
            assert report is not None
            resumed.append(report["resumed_run_id"])
            fails["after"], fails["with"] = 0, error("badArgument")
    assert resumed == [None, 1, None, None]


def test_a_run_continuing_a_killed_one_keeps_its_clock_lag(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    """The lag belongs to the harvest, which the continuing run completes: the next
    incremental run must still ask from that much earlier."""
    failing = {"on": True}
    options: dict[str, Any] = {"store": store, "policy": TransportPolicy(retries=0)}
    key = source_key("urn:lag", "oai_dc", None)
    endpoint = failing_endpoint(demo_records, fail_at_cursor=20, failing=failing)
    with serve_in_background(endpoint) as url:
        with pytest.raises(HarvestError):
            run_harvest(url, "oai_dc", repository="urn:lag", **options)
        store.note_clock_lag(1, timedelta(hours=2))  # as its Identify had found
        failing["on"] = False
        resumed = run_harvest(url, "oai_dc", repository="urn:lag", **options)

    assert resumed.resumed_run_id == 1
    synced = store.last_sync(key)
    assert synced is not None
    assert synced.clock_lag == timedelta(hours=2)


def test_a_runs_start_is_before_it_asks_which_formats_are_offered(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    asked: list[tuple[str, datetime]] = []
    with serve_in_background(_noting_pyoai(demo_records, asked)) as url:
        report = run_harvest(url, "auto", store=store)

    assert report.metadata_prefix == "oai_dc"
    last = store.last_run(source_key(url, "oai_dc", None))
    assert last is not None
    (formats_asked,) = [when for verb, when in asked if verb == "ListMetadataFormats"]
    assert last.started_at <= formats_asked


def test_a_lag_that_lasts_is_followed_once(store: Store) -> None:
    """Both runs against an endpoint 2 hours behind: the second asks from 2 hours before the
    first's start (less the overlap), not 4."""
    behind = (datetime.now(UTC) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with serve_in_background(
        scripted(_nothing, identify_body=identify(response_date=behind))
    ) as url:
        run_harvest(url, "oai_dc", store=store, repository="urn:clock")
        second = run_harvest(url, "oai_dc", store=store, repository="urn:clock")
    synced = store.last_sync(source_key("urn:clock", "oai_dc", None))
    assert synced is not None
    sent = parse_datestamp(second.from_date or "")
    assert sent is not None
    # The second run is the last sync now: the first began before it.
    assert sent < synced.started_at - DEFAULT_OVERLAP - timedelta(hours=2)
    assert sent > synced.started_at - DEFAULT_OVERLAP - timedelta(hours=2, minutes=5)


def test_a_run_that_failed_before_it_began_does_not_hide_the_unfinished_one(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    """Killed mid-harvest, then down for a run that failed asking Identify: the next run
    continues the first, whose checkpoints stand."""
    failing = {"on": True}
    policy = TransportPolicy(retries=0)
    options: dict[str, Any] = {"store": store, "policy": policy, "until_date": "2099-01-01"}
    endpoint = failing_endpoint(demo_records, fail_at_cursor=20, failing=failing)
    with serve_in_background(endpoint) as url, pytest.raises(HarvestError):
        run_harvest(url, "oai_dc", repository="urn:resume", **options)
    broken = scripted(_nothing, identify_body=b"<broken")
    with serve_in_background(broken) as down, pytest.raises(HarvestError):
        run_harvest(down, "oai_dc", repository="urn:resume", **options)
    failing["on"] = False
    with serve_in_background(
        failing_endpoint(demo_records, fail_at_cursor=20, failing=failing)
    ) as url:
        third = run_harvest(url, "oai_dc", repository="urn:resume", **options)

    assert (third.status, third.resumed_run_id) == ("completed", 1)
    statuses = [store.run_status(run) for run in (1, 2)]
    assert [status[0] if status else None for status in statuses] == ["failed", "failed"]


def test_an_incremental_run_that_cannot_ask_identify_is_kept_as_failed(store: Store) -> None:
    """The outage of a cron harvest shows in ``report --list``, begun when it first asked."""
    with serve_in_background(scripted(_nothing)) as url:
        run_harvest(url, "oai_dc", store=store, repository="urn:down")
    # The endpoint has gone away (its port closed): Identify, for the incremental from, fails.
    policy = TransportPolicy(retries=1, backoff=1.0)
    with pytest.raises(HarvestError, match="verb=Identify failed 2 times"):
        run_harvest(url, "oai_dc", store=store, repository="urn:down", policy=policy)
    failed_at = datetime.now(UTC)

    last = store.last_run(source_key("urn:down", "oai_dc", None))
    assert last is not None
    assert (last.id, last.status) == (2, "failed")
    assert failed_at - last.started_at >= timedelta(seconds=0.5), "begun before the retry"
    shown = store.run_report(2)
    assert shown is not None
    assert "verb=Identify failed 2 times" in shown["error"]


@pytest.mark.parametrize("clock", ["2025-06-01", "yesterday", "2025-06-01T10:00:00"])
def test_a_response_date_that_is_no_utc_time_is_no_clock(store: Store, clock: str) -> None:
    synced, second = _two_runs(store, clock)

    assert second.from_date == format_datestamp(synced - DEFAULT_OVERLAP)
    assert second.run_issues == []


def test_date_windows_up_to_an_until_past_now_end_now_the_last_asking_up_to_it(
    store: Store,
) -> None:
    # --until 9999-12-31 had made a window a day up to it, then failed past its last day.
    earliest = (datetime.now(UTC) - timedelta(days=2)).strftime("%Y-%m-%d")
    log: list[dict[str, str]] = []
    endpoint = scripted(
        lambda _: error("noRecordsMatch"), log, identify_body=identify("YYYY-MM-DD", earliest)
    )
    with serve_in_background(endpoint) as url:
        report = run_harvest(url, "oai_dc", store=store, until_date="9999-12-31", window="daily")

    assert report.status == "completed"
    asked = [(a.get("from"), a.get("until")) for a in log if a.get("verb") == "ListRecords"]
    assert len(asked) == 3, asked  # the days up to today
    assert asked[-1][1] == "9999-12-31"


def test_date_windows_from_a_later_date_than_now_ask_for_nothing(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    # Within the day's slack a --from ahead of this clock is taken (check_not_future).
    later = (datetime.now(UTC) + timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M:%SZ")
    asked: list[tuple[str, datetime]] = []
    with serve_in_background(_noting_pyoai(demo_records, asked)) as url:
        report = run_harvest(url, "oai_dc", store=store, from_date=later, window="monthly")

    assert (report.status, report.total) == ("completed", 0)
    assert [verb for verb, _ in asked] == ["Identify"]
