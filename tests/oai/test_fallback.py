"""Per-record format fallback (``--fallback-prefix``): a real pyoai server on 127.0.0.1
offering mods and oai_dc, some of whose mods records are broken or invalid."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import pytest
from lxml import etree
from sqlalchemy import select

from ir_ingest.entry import Outcome
from ir_ingest.errors import CrosswalkChoiceError, UsageError
from ir_ingest.oai import fallback
from ir_ingest.oai.client import OAIClient
from ir_ingest.oai.harvest import run_harvest
from ir_ingest.oai.provider import ProvidedRecord, fixture_endpoint_app, serve_in_background
from ir_ingest.oai.transport import TransportPolicy
from ir_ingest.pipeline import process
from ir_ingest.report.model import RunReport
from ir_ingest.store import tables as t
from tests.conftest import interrupt_after_first_page
from tests.oai.faults import DC, OAI_DC, failing_endpoint, mods_record
from tests.oai.scripted import error

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ir_ingest.oai.provider import StartResponse, WSGIApp
    from ir_ingest.store import Store

START = datetime(2024, 1, 1, tzinfo=UTC)


def _dc(n: int, title: str) -> ProvidedRecord:
    dc = etree.Element(f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC})
    for name, value in (("title", title), ("creator", "Roe, Jane"), ("date", "2020")):
        etree.SubElement(dc, f"{{{DC}}}{name}").text = value
    return ProvidedRecord(f"oai:x:{n}", START + timedelta(minutes=n), "oai_dc", metadata=dc)


#: Record number -> its MODS copy; every one is offered in oai_dc too, unless in _NO_DC.
_KINDS = {1: "good", 2: "broken", 3: "invalid", 4: "good", 5: "broken"}
_NO_DC = {5}


def _records(kinds: dict[int, str], no_dc: Iterable[int] = ()) -> list[ProvidedRecord]:
    mods = [mods_record(n, kind) for n, kind in kinds.items()]
    return mods + [_dc(n, f"Record {n} in DC") for n in kinds if n not in set(no_dc)]


def _endpoint(
    records: list[ProvidedRecord], seen: list[str] | None = None, *, down: str | None = None
) -> Any:
    """The records served, 2 a page; the query of every request noted in ``seen``; the verb
    ``down`` answered 500."""
    served = fixture_endpoint_app(records, batch_size=2)
    noted = seen if seen is not None else []

    def factory(base_url: str) -> WSGIApp:
        inner = served(base_url)

        def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
            query = environ.get("QUERY_STRING", "")
            noted.append(query)
            if down is not None and f"verb={down}" in query:
                start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
                return [b"down"]
            return inner(environ, start_response)

        return app

    return serve_in_background(factory)


#: A retry policy that gives up soon: one retry, a hundredth of a second's backoff.
_QUICK = TransportPolicy(retries=1, backoff=0.01)


def _harvest(url: str, store: Store, **options: Any) -> RunReport:
    """A harvest of ``url`` in mods, falling back to oai_dc, under one repository name."""
    return run_harvest(
        url, "mods", store=store, repository="urn:t", fallback_prefix="oai_dc", **options
    )


def _getrecords(seen: list[str]) -> list[str]:
    """The identifiers asked for with GetRecord."""
    asked = [parse_qs(query) for query in seen]
    return [q["identifier"][0] for q in asked if q.get("verb") == ["GetRecord"]]


def _stored(store: Store) -> dict[str, tuple[str, bool, list[str]]]:
    """Identifier -> (metadata prefix, valid, issue codes) of each stored record."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.records)).all()
    return {
        row.oai_identifier: (
            row.metadata_prefix,
            row.valid,
            [issue["code"] for issue in json.loads(row.issues_json or b"[]")],
        )
        for row in rows
    }


def _rejects(store: Store) -> list[tuple[str, bytes]]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.rejects.c.oai_identifier, t.rejects.c.raw)).all()
    return sorted((row.oai_identifier, row.raw) for row in rows)


@pytest.mark.parametrize("crosswalk_process", [False, True])
def test_failed_mods_records_are_stored_from_oai_dc_and_good_ones_frommods_record(
    any_store: Store, crosswalk_process: bool
) -> None:
    # In a crosswalk process too: its entries come back to this one, where the fallback is.
    store = any_store
    with _endpoint(_records(_KINDS, _NO_DC)) as url:
        report = _harvest(url, store, crosswalk_process=crosswalk_process)

    stored = _stored(store)
    assert {k: v[:2] for k, v in stored.items()} == {
        "oai:x:1": ("mods", True),
        "oai:x:2": ("oai_dc", True),
        "oai:x:3": ("oai_dc", True),
        "oai:x:4": ("mods", True),
    }
    assert "harvest.format_fallback" in stored["oai:x:2"][2]
    assert "harvest.format_fallback" in stored["oai:x:3"][2]
    assert "harvest.format_fallback" not in stored["oai:x:1"][2]
    # The MODS rejects' raw XML is kept, the one oai_dc replaced as the one it could not.
    assert [identifier for identifier, _ in _rejects(store)] == ["oai:x:2", "oai:x:5"]
    assert all(b"urn:x" in raw for _, raw in _rejects(store))
    # One version a record: the poorer copy was never stored, then superseded.
    with store.engine.connect() as conn:
        versions = conn.execute(select(t.record_versions.c.record_id)).all()
    assert len(versions) == 4
    # Counts are of the records listed: a fallback is no record of its own.
    assert report.total == 5
    assert (report.counts["created"], report.counts["failed"]) == (4, 1)
    assert report.issue_counts["harvest.format_fallback"] == 2
    # Record 5 has no oai_dc copy: it stays a reject, saying why the fallback failed.
    listed = {entry.identifier: entry for entry in report.entries}
    said = [i for i in listed["oai:x:5"].issues if i["code"] == "harvest.format_fallback_failed"]
    assert "cannot give this record in oai_dc" in said[0]["message"]
    message = next(
        i["message"] for i in listed["oai:x:3"].issues if i["code"] == "harvest.format_fallback"
    )
    assert message.startswith("read in oai_dc instead: the mods copy validate.missing_creator")
    assert report.run_issues == []


def test_a_rerun_finds_the_fallen_back_records_unchanged(store: Store) -> None:
    with _endpoint(_records(_KINDS)) as url:
        _harvest(url, store)
        again = _harvest(url, store, full=True)
    assert again.counts["unchanged"] == 5
    assert again.counts["created"] + again.counts["updated"] + again.counts["skipped"] == 0
    with store.engine.connect() as conn:
        assert len(conn.execute(select(t.record_versions)).all()) == 5


def test_an_endpoint_without_the_fallback_format_is_asked_once(store: Store) -> None:
    kinds = {1: "broken", 2: "invalid", 3: "broken", 4: "good"}
    seen: list[str] = []
    with _endpoint([mods_record(n, kind) for n, kind in kinds.items()], seen) as url:
        report = _harvest(url, store)
    assert _getrecords(seen) == ["oai:x:1"]
    assert [issue["code"] for issue in report.run_issues] == ["harvest.format_fallback_unavailable"]
    assert report.status == "completed"
    assert (report.counts["failed"], report.counts["invalid"], report.counts["created"]) == (
        2,
        1,
        1,
    )


def test_the_fallbacks_of_a_run_are_capped(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fallback, "MAX_FALLBACKS", 2)
    kinds = {n: "invalid" for n in range(1, 6)}
    with _endpoint(_records(kinds)) as url:
        report = _harvest(url, store)
    prefixes = sorted(prefix for prefix, _, _ in _stored(store).values())
    assert prefixes == ["mods", "mods", "mods", "oai_dc", "oai_dc"]
    assert [issue["code"] for issue in report.run_issues] == ["harvest.format_fallback_budget"]


def test_deleted_records_and_records_older_than_the_store_never_fall_back(store: Store) -> None:
    gone = ProvidedRecord("oai:x:9", START, "mods", deleted=True)
    seen: list[str] = []
    with _endpoint([*_records({1: "invalid"}), gone, _dc(9, "Gone")], seen) as url:
        _harvest(url, store)
    assert _getrecords(seen) == ["oai:x:1"]
    # The store now holds record 1 in oai_dc at its datestamp; an older MODS copy of it,
    # invalid, is skipped by the store, and not asked for again.
    invalid = mods_record(1, "invalid")
    older = ProvidedRecord(invalid.identifier, START, "mods", metadata=invalid.metadata)
    seen.clear()
    with _endpoint([older, _dc(1, "Record 1 in DC")], seen) as url:
        report = _harvest(url, store, full=True)
    assert _getrecords(seen) == []
    assert report.counts["skipped"] == 1


def test_a_fallback_prefix_that_is_the_runs_own_or_no_crosswalks_is_refused(
    store: Store,
) -> None:
    with pytest.raises(UsageError, match="'mods' is the format harvested"):
        run_harvest("http://127.0.0.1:9/oai", "mods", store=store, fallback_prefix="mods")
    with pytest.raises(CrosswalkChoiceError, match="oai_dcc"):
        run_harvest("http://127.0.0.1:9/oai", "mods", store=store, fallback_prefix="oai_dcc")


def test_a_fallback_request_that_fails_leaves_the_record_as_it_came(store: Store) -> None:
    seen: list[str] = []
    with _endpoint(_records({1: "invalid", 2: "good"}), seen, down="GetRecord") as url:
        report = _harvest(url, store, policy=_QUICK)
    assert report.status == "completed"
    assert len(_getrecords(seen)) == 2, "asked, and retried once"
    prefix, valid, codes = _stored(store)["oai:x:1"]
    assert (prefix, valid) == ("mods", False)
    assert "harvest.format_fallback_failed" in codes
    assert report.counts["invalid"] == 1


def test_a_run_stopped_after_a_page_stores_each_fallback_once_when_continued(
    store: Store,
) -> None:
    # Ctrl-C once the first page (records 1 and 2, 2 fallen back) is committed: the next run
    # continues from its checkpoint, and asks again only for what it had not committed.
    seen: list[str] = []
    with _endpoint(_records(_KINDS, _NO_DC), seen) as url:
        interrupt_after_first_page(store)
        with pytest.raises(KeyboardInterrupt):
            _harvest(url, store)
        assert _getrecords(seen) == ["oai:x:2"]
        seen.clear()
        report = _harvest(url, store)
    assert report.resumed_run_id == 1
    assert _getrecords(seen) == ["oai:x:3", "oai:x:5"]
    assert {k: v[0] for k, v in _stored(store).items()} == {
        "oai:x:1": "mods",
        "oai:x:2": "oai_dc",
        "oai:x:3": "oai_dc",
        "oai:x:4": "mods",
    }
    assert [identifier for identifier, _ in _rejects(store)] == ["oai:x:2", "oai:x:5"]
    with store.engine.connect() as conn:
        assert len(conn.execute(select(t.record_versions)).all()) == 4


#: GetRecord answered by the endpoint's failure: 500s, or an error code §3.6 does not define.
_GETRECORD_FAILURES = {"500": None, "undefined code": error("internalError", "NullPointer")}


@pytest.mark.parametrize("failure", sorted(_GETRECORD_FAILURES))
def test_a_getrecord_the_endpoint_fails_stops_the_fallback_for_the_run(
    store: Store, failure: str
) -> None:
    # Each record asked for again would wait out the same retry budget (10 had taken 60
    # requests and 291 s): the first failure ends the fallback, said once.
    seen: list[str] = []
    app = failing_endpoint(
        _records({n: "invalid" for n in range(1, 5)}),
        failing={"on": True},
        log=seen,
        fail_verb="GetRecord",
        oai_error=_GETRECORD_FAILURES[failure],
    )
    with serve_in_background(app) as url:
        report = _harvest(url, store, policy=_QUICK)
    assert report.status == "completed"
    assert _getrecords(seen) == ["oai:x:1", "oai:x:1"], "the first record, retried once"
    # Said once (beside the run's retries, said as in any run).
    (issue,) = [i for i in report.run_issues if i["code"].startswith("harvest.format_fallback")]
    assert issue["code"] == "harvest.format_fallback_unavailable"
    assert issue["message"].startswith("the endpoint failed GetRecord in oai_dc: ")
    stored = _stored(store)
    assert {k: v[:2] for k, v in stored.items()} == {
        f"oai:x:{n}": ("mods", False) for n in range(1, 5)
    }
    assert "harvest.format_fallback_failed" in stored["oai:x:1"][2]
    assert report.counts["invalid"] == 4


def _asked(seen: list[str], verb: str) -> int:
    return sum(parse_qs(query).get("verb") == [verb] for query in seen)


def test_the_formats_offered_are_asked_once_a_run(store: Store) -> None:
    # cannotDisseminateFormat is of one record (§3.6): whether the endpoint offers the format
    # at all is asked, once, and remembered (it had been asked again for each such record).
    seen: list[str] = []
    records = _records({1: "broken", 2: "invalid", 3: "broken", 4: "invalid"}, no_dc={1, 3})
    with _endpoint(records, seen) as url:
        report = _harvest(url, store)
    assert _getrecords(seen) == ["oai:x:1", "oai:x:2", "oai:x:3", "oai:x:4"]
    assert _asked(seen, "ListMetadataFormats") == 1
    assert report.run_issues == []
    stored = _stored(store)
    assert (stored["oai:x:2"][0], stored["oai:x:4"][0]) == ("oai_dc", "oai_dc")


def test_formats_the_endpoint_fails_to_list_stop_the_fallback_for_the_run(store: Store) -> None:
    # Asked whether it offers the format, an endpoint failing ListMetadataFormats had been
    # taken as offering it, and each later record waited out two retry budgets.
    seen: list[str] = []
    records = [mods_record(n, kind) for n, kind in {1: "broken", 2: "invalid", 3: "broken"}.items()]
    with _endpoint(records, seen, down="ListMetadataFormats") as url:
        report = _harvest(url, store, policy=_QUICK)
    assert _getrecords(seen) == ["oai:x:1"]
    assert _asked(seen, "ListMetadataFormats") == 2, "once, and its one retry"
    (issue,) = [i for i in report.run_issues if i["code"].startswith("harvest.format_fallback")]
    assert issue["code"] == "harvest.format_fallback_unavailable"
    assert "ListMetadataFormats" in issue["message"]
    assert report.status == "completed"


def test_a_record_the_endpoint_does_not_have_leaves_the_fallback_asking(store: Store) -> None:
    # idDoesNotExist is an answer about the one record asked for, not the endpoint failing.
    seen: list[str] = []
    app = failing_endpoint(
        _records({n: "invalid" for n in range(1, 4)}),
        failing={"on": True},
        log=seen,
        fail_verb="GetRecord",
        oai_error=error("idDoesNotExist", "No such record"),
    )
    with serve_in_background(app) as url:
        report = _harvest(url, store)
    assert _getrecords(seen) == ["oai:x:1", "oai:x:2", "oai:x:3"]
    assert report.run_issues == []
    assert all("harvest.format_fallback_failed" in v[2] for v in _stored(store).values())


def test_a_fallback_copy_the_store_skips_says_it_was_read_not_stored(store: Store) -> None:
    # The store holds record 1 valid in MODS; the same datestamp comes invalid in MODS, so it
    # is read in oai_dc, a copy poorer than the stored one, which the page writer skips.  (A
    # report lists no issue of a skipped copy but the store's: the entry itself is read.)
    with _endpoint(_records({1: "good"})) as url:
        run_harvest(url, "mods", store=store, repository="urn:t")
    with _endpoint(_records({1: "invalid"})) as url, OAIClient(url, repository="urn:t") as client:
        entry = process(client.get_record("oai:x:1", "mods"))
        report = RunReport("urn:t", "mods")
        (kept,) = fallback.FormatFallback(client, "oai_dc", store, report).applied([entry])
    store.save_page(None, [kept], None)
    assert kept.outcome is Outcome.SKIPPED
    assert _stored(store)["oai:x:1"][:2] == ("mods", True)
    said = {issue.code: issue.message for issue in kept.issues}
    assert "store.richer_format_stored" in said
    assert said["harvest.format_fallback"].startswith("read in oai_dc instead: the mods copy ")
    assert "stored" not in said["harvest.format_fallback"]


def test_prefix_auto_taking_the_fallback_prefix_harvests_without_a_fallback(store: Store) -> None:
    # An endpoint offering only oai_dc: auto takes it, and the fallback is said to be off,
    # once, where the run had failed (under harvest --all, that source on every run).
    seen: list[str] = []
    with _endpoint([_dc(n, f"Record {n}") for n in range(1, 4)], seen) as url:
        report = run_harvest(url, "auto", store=store, repository="urn:t", fallback_prefix="oai_dc")
    assert (report.status, report.metadata_prefix) == ("completed", "oai_dc")
    assert report.counts["created"] == 3
    (issue,) = report.run_issues
    assert issue["code"] == "harvest.format_fallback_is_the_format"
    assert issue["severity"] == "info"
    assert _getrecords(seen) == []
