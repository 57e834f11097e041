"""Each fault of a real endpoint, injected by a real pyoai server on 127.0.0.1.

Every run either completes with every record stored exactly once, or stops with a clear error
after its budget with its checkpoint intact (issue 4, acceptance 1).
"""

from __future__ import annotations

import json
import re
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import func, select, update

from ir_ingest.errors import HarvestError
from ir_ingest.oai.harvest import run_harvest
from ir_ingest.oai.provider import serve_in_background
from ir_ingest.oai.transport import Transport, TransportPolicy
from ir_ingest.store import Store, source_key
from ir_ingest.store import tables as t
from tests.oai.faults import (
    FaultPlan,
    assert_every_record_once,
    faulty_endpoint,
    synthetic_records,
)

if TYPE_CHECKING:
    from pathlib import Path

    from ir_ingest.oai.provider import ProvidedRecord
    from ir_ingest.report.model import RunReport

#: Short timeouts and backoffs keep the suite fast; Retry-After waits are capped at 3 s.
POLICY = TransportPolicy(
    connect_timeout=1, read_timeout=0.3, retries=3, backoff=0.01, max_wait=3, total_wait=10
)


def _harvest(store: Store, records: list[ProvidedRecord], plan: FaultPlan, **kw: Any) -> RunReport:
    with serve_in_background(faulty_endpoint(records, plan)) as url:
        return run_harvest(url, "oai_dc", store=store, policy=POLICY, repository="urn:faults", **kw)


@pytest.mark.parametrize("fault", ["503-seconds", "503-date"])
def test_503_with_retry_after_is_waited_out(
    store: Store, demo_records: list[ProvidedRecord], fault: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    # Record the transport's waits instead of waiting them out.
    monkeypatch.setattr(Transport, "_sleep", lambda _, seconds: waits.append(seconds))
    plan = FaultPlan({1: [fault]}, retry_after=30)
    report = _harvest(store, demo_records, plan)

    assert report.status == "completed"
    assert report.total == 36
    assert_every_record_once(store, demo_records)
    assert plan.seen[1][2] == fault
    # Retry-After said 30 s (as seconds, or as an HTTP date 31 s ahead); the client asked to
    # wait that long, capped at the policy's max_wait of 3 s.  Its own backoff is 0.01 s.  (The
    # waits after it are the pacing's: no time passed here, so the pause seems still to run.)
    assert waits[0] == POLICY.max_wait


@pytest.mark.parametrize("fault", ["429", "drop", "cut", "truncate", "slow"])
def test_transient_faults_are_retried_and_nothing_is_lost(
    store: Store, demo_records: list[ProvidedRecord], fault: str
) -> None:
    plan = FaultPlan({0: [fault], 2: [fault, fault]}, retry_after=0)
    report = _harvest(store, demo_records, plan)

    assert report.status == "completed"
    assert report.total == 36
    assert [f for _, _, f in plan.seen].count(fault) == 3
    assert_every_record_once(store, demo_records)
    [retried] = report.run_issues
    assert (retried["code"], retried["severity"]) == ("harvest.retried", "info")
    assert retried["message"].startswith("requests were sent again 3 times after failing (")
    assert " x3)" in retried["message"]


def test_a_login_page_in_the_middle_of_a_list_is_not_blamed_on_the_url(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    plan = FaultPlan({1: ["login-page"] * 2})
    with pytest.raises(HarvestError, match=r"not XML: a login, .* in the middle of the list"):
        _harvest(store, demo_records, plan)


@pytest.mark.parametrize("fault", ["html-page", "login-page"])
def test_a_passing_html_page_is_fetched_once_more(
    store: Store, demo_records: list[ProvidedRecord], fault: str
) -> None:
    # A proxy's error page between two good answers; twice in a row fails the run (below).
    plan = FaultPlan({0: [fault], 2: [fault]}, retry_after=0)
    report = _harvest(store, demo_records, plan)

    assert report.status == "completed"
    assert [f for _, _, f in plan.seen].count(fault) == 2
    assert_every_record_once(store, demo_records)


def test_an_endpoint_asking_to_be_asked_less_is_asked_less(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    plan = FaultPlan({1: ["429"]}, retry_after=0)
    report = _harvest(store, demo_records, plan)

    assert report.status == "completed"
    assert_every_record_once(store, demo_records)
    times = [at for at, _, _ in plan.seen]
    assert [f for _, _, f in plan.seen] == ["", "429", "", "", ""]
    # After the 429 requests are spaced out: half a second, then narrower with each answer
    # (0.375 s).  Arrivals, not turns: a request the machine sends late shortens the gap after
    # it (by 0.09 s in test_sync while other suites ran), so the floors are half the spacing,
    # far above the gaps of requests not spaced out (a page's processing, milliseconds).
    assert times[3] - times[2] >= 0.25
    assert times[4] - times[3] >= 0.375 / 2
    [retried] = report.run_issues
    said = re.fullmatch(
        r"a request was sent again after it failed \(HTTP 429 x1\), (\d+\.\d) s waited; "
        r"the endpoint said once that it was asked too often, and the run's requests were "
        r"spaced out after it",
        retried["message"],
    )
    assert said is not None, retried["message"]
    assert float(said.group(1)) >= 0.6, "the waits for the spaced-out turns are counted"


def test_illegal_characters_are_removed_and_reported_on_the_record(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    plan = FaultPlan({1: ["illegal-chars"]})
    report = _harvest(store, demo_records, plan)

    assert report.status == "completed"
    assert report.issue_counts.get("xml.illegal_characters") == 1
    assert_every_record_once(store, demo_records)


def test_a_gzip_body_without_content_encoding_is_read(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    plan = FaultPlan({page: ["gzip-unlabelled"] for page in range(4)})
    report = _harvest(store, demo_records, plan)
    assert (report.status, report.run_issues) == ("completed", [])
    assert [fault for _, _, fault in plan.seen] == ["gzip-unlabelled"] * 4, "fetched once each"
    assert_every_record_once(store, demo_records)


@pytest.mark.parametrize("fault", ["cp1252", "latin1-declared"])
def test_a_wrong_encoding_is_read_right_and_reported_on_the_record(
    store: Store, demo_records: list[ProvidedRecord], tmp_path: Path, fault: str
) -> None:
    report = _harvest(store, demo_records, FaultPlan({page: [fault] for page in range(4)}))
    with closing(Store(f"sqlite:///{tmp_path / 'clean.sqlite3'}")) as clean:
        _harvest(clean, demo_records, FaultPlan())
        expected = _data_by_identifier(clean)

    assert report.status == "completed"
    assert_every_record_once(store, demo_records)
    got = _data_by_identifier(store)
    changed = {key for key in got if got[key] != expected[key]}
    repaired = {
        entry.identifier
        for entry in report.entries
        if any(issue["code"] == "xml.wrong_encoding" for issue in entry.issues)
    }
    if fault == "cp1252":  # the first title of each of the 4 pages
        assert len(changed) == 4
        assert all(got[key]["title"]["value"].startswith("“Café”: ") for key in changed)
        assert repaired == changed
    else:  # "Åse", not "Ã…se"; said of the records with non-ASCII text, and of no other
        assert changed == set()
        assert len(repaired) == report.issue_counts["xml.wrong_encoding"] >= 3
        non_ascii = {key for key in got if not json.dumps(got[key], ensure_ascii=False).isascii()}
        assert repaired == non_ascii


def _data_by_identifier(store: Store) -> dict[str, dict[str, Any]]:
    """Each stored record's data by OAI identifier, without the hash of its raw XML."""
    found = {}
    for record in store.iter_records():
        data = record.to_dict()
        data["source"].pop("raw_sha256", None)
        found[record.source.oai_identifier] = data
    return found


def test_an_expired_token_is_recovered_from_the_last_datestamp(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    plan = FaultPlan({2: ["expired-token"]})
    report = _harvest(store, demo_records, plan)

    # Every record is there, but only because this endpoint lists by datestamp: the run says
    # so, and stays incomplete, so the next incremental run asks again from the last complete.
    assert report.status == "incomplete"
    assert [issue["code"] for issue in report.run_issues] == ["harvest.token_recovered"]
    assert report.total == 36, "records served again after the recovery are not counted twice"
    recovery = plan.queries()[3]
    assert "resumptionToken" not in recovery
    newest_of_two_pages = max(r.datestamp for r in sorted(demo_records, key=_order)[:20])
    assert f"from={newest_of_two_pages:%Y-%m-%dT%H%%3A%M%%3A%SZ}" in recovery
    assert_every_record_once(store, demo_records)


def test_records_skipped_before_a_token_recovery_are_not_counted_again(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    _harvest(store, demo_records, FaultPlan())
    with store.engine.begin() as conn:  # the store holds newer copies (a later import)
        conn.execute(update(t.records).values(datestamp="2099-01-01T00:00:00Z"))
    report = _harvest(store, demo_records, FaultPlan({2: ["expired-token"]}), full=True)

    assert [issue["code"] for issue in report.run_issues] == ["harvest.token_recovered"]
    assert report.total == report.counts["skipped"] == 36
    assert len(report.entries) == 36
    assert report.issue_counts["store.older_than_stored"] == 36


def test_tokens_that_keep_expiring_end_the_run_with_a_clear_error(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    plan = FaultPlan({1: ["expired-token"] * 9}, batch_size=2)
    with pytest.raises(HarvestError, match=r"badResumptionToken.*gave up after 3 re-harvests") as e:
        _harvest(store, demo_records, plan)
    # How far it got: the newest datestamp stored, where the next run's re-harvest starts.
    with store.engine.begin() as conn:
        newest = conn.execute(select(func.max(t.records.c.datestamp))).scalar_one()
    assert str(e.value).endswith(f"from the start until now, with records stored up to {newest}")


def test_an_endpoint_down_beyond_the_budget_stops_with_the_checkpoint_intact(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    plan = FaultPlan({2: ["503-seconds"] * 9}, retry_after=0)
    with serve_in_background(faulty_endpoint(demo_records, plan)) as url:
        with pytest.raises(HarvestError, match="failed 4 times; last problem: HTTP 503"):
            run_harvest(url, "oai_dc", store=store, policy=POLICY)
        failed = store.run_report()
        assert failed is not None
        assert [i["code"] for i in failed["run_issues"]] == ["harvest.retried"]
        assert failed["run_issues"][0]["message"].startswith(
            "requests were sent again 3 times after failing (HTTP 503 x3)"
        )
        checkpoint = store.checkpoint(source_key(url, "oai_dc", None))
        assert checkpoint is not None
        assert (checkpoint.pages, checkpoint.records) == (2, 20)
        assert checkpoint.token is not None

        plan.faults.clear()
        report = run_harvest(url, "oai_dc", store=store, policy=POLICY)
    assert report.status == "completed"
    assert report.resumed_from_token == checkpoint.token
    assert report.total == 16


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        # Well-formed XHTML: once read as an empty page, the run "completed" with no records,
        # and the next run asked only for what changed after it.
        ("html-page", r'answered with an HTML page titled "Maintenance", not an OAI-PMH respo'),
        # HTML5: "not well-formed at line 3, column 91", and fetched as often as a cut page.
        ("login-page", r'is an HTML page titled "Sign in \u2013 University\[2J", not XML: is this'),
    ],
)
def test_a_page_that_is_no_oai_pmh_response_fails_the_run_and_moves_no_from(
    store: Store, demo_records: list[ProvidedRecord], fault: str, said: str
) -> None:
    plan = FaultPlan(batch_size=50)
    with serve_in_background(faulty_endpoint(demo_records, plan)) as url:
        run_harvest(url, "oai_dc", store=store, policy=POLICY)
        plan.faults[0] = [fault] * 9
        with pytest.raises(HarvestError, match=f"{said}.*fetched 2 times"):
            run_harvest(url, "oai_dc", store=store, policy=POLICY)
        plan.faults.clear()
        report = run_harvest(url, "oai_dc", store=store, policy=POLICY)
    assert report.status == "completed"
    asked = [query for query in plan.queries() if "from=" in query]
    # Fetched once more (a proxy's passing page), not as often as the transport retries (4).
    assert len(asked) == 2 + 1
    assert asked[0] == asked[-1], "the failed run must not count as a sync"


@pytest.mark.parametrize("fault", ["undefined-error", "empty-code"])
def test_an_error_code_oai_pmh_does_not_define_is_fetched_again(
    store: Store, demo_records: list[ProvidedRecord], fault: str
) -> None:
    # A server's own failure (a stack trace under a code of its own, or no code): passing,
    # as a 5xx is, where it had failed the run at once.
    plan = FaultPlan({2: [fault]})
    report = _harvest(store, demo_records, plan)

    assert report.status == "completed"
    assert [f for _, _, f in plan.seen] == ["", "", fault, "", ""]
    assert_every_record_once(store, demo_records)
    [retried] = report.run_issues
    assert retried["message"].startswith("a request was sent again after it failed (OAI-PMH error ")


def test_an_undefined_error_beyond_the_budget_stops_with_the_checkpoint_intact(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    plan = FaultPlan({2: ["undefined-error"] * 99})
    with serve_in_background(faulty_endpoint(demo_records, plan)) as url:
        with pytest.raises(HarvestError) as failed:
            run_harvest(url, "oai_dc", store=store, policy=POLICY)
        said = str(failed.value)
        # The code, the server's words made one bounded line, its CSI shown, and the request.
        assert said.startswith(
            "OAI-PMH error unknown: an error code OAI-PMH does not define ('InternalException'): "
            'java.lang.NullPointerException: \\x9b2JCannot invoke "Item.getID()" at org.example.'
        )
        assert re.search(
            r"… \(answering http://127\.0\.0\.1:\d+/oai\?verb=ListRecords&"
            r"resumptionToken=[^ ]+\) \(fetched 4 times\)$",
            said,
        ), said
        assert "\n" not in said
        assert "\x9b" not in said
        assert len(said) < 600
        assert [f for _, _, f in plan.seen].count("undefined-error") == 4
        checkpoint = store.checkpoint(source_key(url, "oai_dc", None))
        assert checkpoint is not None
        assert (checkpoint.pages, checkpoint.records) == (2, 20)

        plan.faults.clear()
        report = run_harvest(url, "oai_dc", store=store, policy=POLICY)
    assert report.status == "completed"
    assert report.resumed_from_token == checkpoint.token
    assert report.total == 16
    assert_every_record_once(store, demo_records)


def test_retry_after_beyond_the_total_budget_gives_up_at_once(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    plan = FaultPlan({0: ["503-seconds"] * 3}, retry_after=3)
    tight = TransportPolicy(retries=5, backoff=0.01, max_wait=60, total_wait=2)
    with (
        serve_in_background(faulty_endpoint(demo_records, plan)) as url,
        pytest.raises(HarvestError, match=r"would exceed the 2 s retry budget"),
    ):
        run_harvest(url, "oai_dc", store=store, policy=tight)
    assert len(plan.seen) == 1


def _order(record: ProvidedRecord) -> tuple[Any, str]:
    return (record.datestamp, record.identifier)


@pytest.mark.parametrize("window", [None, "monthly"])
def test_a_recovered_window_keeps_its_run_incomplete_when_the_run_is_continued(
    store: Store, window: str | None
) -> None:
    # A recovery after an expired token finds everything only where the endpoint lists by
    # datestamp: the run stays incomplete, so the next incremental run asks again from the
    # last complete one.  Stopped after the pages that followed the recovery (here by a 503
    # beyond the budget, as by a kill) and continued, the harvest must stay incomplete too.
    # In windows, January recovers and ends; February fails on its fifth page.
    january = synthetic_records(30, datetime(2024, 1, 1, tzinfo=UTC))
    february = synthetic_records(60, datetime(2024, 2, 1, tzinfo=UTC))
    records = [*january, *(replace(r, identifier=f"{r.identifier}:feb") for r in february)]
    plan = FaultPlan({1: ["expired-token"], 4: ["503-seconds"] * 99}, retry_after=0)
    with pytest.raises(HarvestError, match="HTTP 503"):
        _harvest(store, records, plan, window=window)

    plan.faults.clear()
    continued = _harvest(store, records, plan, window=window)

    assert continued.resumed_run_id is not None
    assert continued.status == "incomplete"
    assert_every_record_once(store, records)
