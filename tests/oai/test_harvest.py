"""Harvest runs end to end: a real pyoai server on 127.0.0.1 into a real SQLite store."""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import socket
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode

import pytest
from lxml import etree
from sqlalchemy import func, select, text

from ir_ingest.crosswalk import add_crosswalk_dir, catalog, registry
from ir_ingest.errors import ConfigError, HarvestError, OAIProtocolError
from ir_ingest.jobs.reprocess import reprocess
from ir_ingest.oai.datestamp import newest_datestamp
from ir_ingest.oai.harvest import run_harvest
from ir_ingest.oai.provider import ProvidedRecord, fixture_endpoint_app, serve_in_background
from ir_ingest.oai.transport import TransportPolicy
from ir_ingest.store import Store, source_key
from ir_ingest.store import tables as t
from ir_ingest.store.lock import source_lock
from tests.conftest import interrupt_after_first_page
from tests.oai.faults import failing_endpoint
from tests.oai.scripted import error, page, record, scripted

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def _rows(store: Store, table: Any) -> list[Any]:
    with store.engine.connect() as conn:
        return list(conn.execute(select(table)))


def test_harvest_stores_every_record_once_with_tombstones(oai_endpoint: str, store: Store) -> None:
    report = run_harvest(oai_endpoint, "oai_dc", store=store)

    assert report.status == "completed"
    assert report.pages == 4
    assert report.total == 36
    # The store never held the 4 records the source deleted: their tombstones are no deletions.
    assert (report.counts["tombstone_only"], report.counts["deleted"]) == (4, 0)
    assert report.counts["created"] + report.counts["invalid"] == 32
    records = _rows(store, t.records)
    assert len(records) == 36
    assert len({row.oai_identifier for row in records}) == 36
    tombstones = [row for row in records if row.deleted]
    assert len(tombstones) == 4
    exported = {r.source.oai_identifier: r for r in store.iter_records()}
    assert sum(r.source.deleted for r in exported.values()) == 4
    assert all(row.raw for row in records if not row.deleted)


def test_second_harvest_creates_no_new_versions(oai_endpoint: str, store: Store) -> None:
    run_harvest(oai_endpoint, "oai_dc", store=store)
    versions_after_first = len(_rows(store, t.record_versions))
    report = run_harvest(oai_endpoint, "oai_dc", store=store, full=True)

    assert report.counts["unchanged"] == 36
    assert len(_rows(store, t.record_versions)) == versions_after_first == 36


def test_changed_and_newly_deleted_records_get_new_versions(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    live = [r for r in demo_records if not r.deleted][:12]
    with serve_in_background(failing_endpoint(live)) as url:
        run_harvest(url, "oai_dc", store=store, repository="urn:test")
    changed = list(live)
    changed[0] = ProvidedRecord(changed[0].identifier, changed[0].datestamp, "oai_dc", deleted=True)
    # A copy: the fixture's records are the session's, and a later test's "new" title was
    # this one already (tests/cli/test_records.py found the record unchanged).
    metadata = copy.deepcopy(changed[1].metadata)
    assert metadata is not None
    title = metadata.find("{http://purl.org/dc/elements/1.1/}title")
    assert title is not None
    title.text = "A new title"
    changed[1] = dataclasses.replace(changed[1], metadata=metadata)
    with serve_in_background(failing_endpoint(changed)) as url:
        report = run_harvest(url, "oai_dc", store=store, repository="urn:test", full=True)

    assert (report.counts["deleted"], report.counts["updated"], report.counts["unchanged"]) == (
        1,
        1,
        10,
    )
    assert len(_rows(store, t.record_versions)) == 14
    tombstone = next(r for r in store.iter_records() if r.source.deleted)
    assert tombstone.title is not None, "a tombstone keeps the last version's data"


def test_a_run_failed_after_one_page_says_page_not_pages(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    failing = {"on": True}
    with serve_in_background(failing_endpoint(demo_records, 10, failing)) as url:
        policy = TransportPolicy(retries=0, backoff=0.01)
        with pytest.raises(HarvestError) as caught:
            run_harvest(url, "oai_dc", store=store, policy=policy)
    assert caught.value.__notes__[0].startswith("run 1 stored 10 records (1 page) before it failed")


def test_a_failed_run_keeps_its_checkpoint_and_the_next_run_resumes(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    failing = {"on": True}
    requests: list[str] = []
    with serve_in_background(
        failing_endpoint(demo_records, fail_at_cursor=20, failing=failing, log=requests)
    ) as url:
        policy = TransportPolicy(retries=1, backoff=0.01)
        with pytest.raises(HarvestError) as caught:
            run_harvest(url, "oai_dc", store=store, policy=policy)
        assert caught.value.__notes__ == [
            "run 1 stored 20 records (2 pages) before it failed; harvesting the source again "
            "continues from the last page stored"
        ]
        checkpoint = store.checkpoint(source_key(url, "oai_dc", None))
        assert checkpoint is not None
        assert checkpoint.pages == 2
        assert checkpoint.records == 20
        assert checkpoint.token is not None
        assert len(_rows(store, t.records)) == 20

        failing["on"] = False
        requests.clear()
        report = run_harvest(url, "oai_dc", store=store, policy=policy)

    assert report.status == "completed"
    assert report.resumed_from_token == checkpoint.token
    assert "resumptionToken" in requests[0], "the second run starts from the checkpoint"
    assert report.pages == 2
    assert len(_rows(store, t.records)) == 36
    assert len(_rows(store, t.record_versions)) == 36
    with store.engine.connect() as conn:
        statuses: dict[str, int] = dict(
            conn.execute(
                select(t.harvest_runs.c.status, func.count()).group_by(t.harvest_runs.c.status)
            ).all()
        )
    assert statuses == {"failed": 1, "completed": 1}


def test_newest_datestamp_ignores_unreadable_ones() -> None:
    assert newest_datestamp(["2024-01-02", "junk", "2023-12-31T23:59:59Z"], None) == "2024-01-02"
    assert newest_datestamp(["2020-01-01"], "2021-01-01T00:00:00Z") == "2021-01-01T00:00:00Z"
    assert newest_datestamp([], None) is None


def _as_mods(record: ProvidedRecord) -> ProvidedRecord:
    mods = etree.Element("{http://www.loc.gov/mods/v3}mods")
    title_info = etree.SubElement(mods, "{http://www.loc.gov/mods/v3}titleInfo")
    etree.SubElement(title_info, "{http://www.loc.gov/mods/v3}title").text = "In MODS"
    name = etree.SubElement(mods, "{http://www.loc.gov/mods/v3}name", type="personal")
    etree.SubElement(name, "{http://www.loc.gov/mods/v3}namePart").text = "Imani, Yassaman"
    origin = etree.SubElement(mods, "{http://www.loc.gov/mods/v3}originInfo")
    etree.SubElement(origin, "{http://www.loc.gov/mods/v3}dateIssued").text = "2020-12-18"
    return dataclasses.replace(record, prefix="mods", metadata=mods)


def test_a_repository_harvested_in_two_formats_does_not_flip_between_them(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    live = [r for r in demo_records if not r.deleted][:5]
    with serve_in_background(failing_endpoint(live + [_as_mods(r) for r in live])) as url:
        outcomes = [
            run_harvest(url, prefix, store=store, repository="urn:test", full=True).counts
            for prefix in ("oai_dc", "mods", "oai_dc", "mods")
        ]
    kept = ("created", "updated", "unchanged", "skipped")
    assert [tuple(counts[k] for k in kept) for counts in outcomes] == [
        (5, 0, 0, 0),
        (0, 5, 0, 0),
        (0, 0, 0, 5),
        (0, 0, 5, 0),
    ]
    assert len(_rows(store, t.record_versions)) == 10
    assert {r.title.value for r in store.iter_records() if r.title} == {"In MODS"}


def test_a_repository_offering_mods_under_another_name_does_not_flip_either(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    live = [r for r in demo_records if not r.deleted][:4]
    swepub = [dataclasses.replace(_as_mods(r), prefix="swepub_mods") for r in live]
    with serve_in_background(failing_endpoint(live + swepub)) as url:
        outcomes = [
            run_harvest(url, prefix, store=store, repository="urn:test", full=True).counts
            for prefix in ("swepub_mods", "oai_dc", "swepub_mods")
        ]
    kept = ("created", "updated", "unchanged", "skipped")
    assert [tuple(counts[k] for k in kept) for counts in outcomes] == [
        (4, 0, 0, 0),
        (0, 0, 0, 4),
        (0, 0, 4, 0),
    ]
    assert {r.source.crosswalk for r in store.iter_records()} == {"mods"}


def test_auto_takes_the_richest_format_the_endpoint_offers(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    live = [r for r in demo_records if not r.deleted][:3]
    with serve_in_background(failing_endpoint(live + [_as_mods(r) for r in live])) as url:
        report = run_harvest(url, "auto", store=store)
    assert report.metadata_prefix == "mods"
    assert report.counts["created"] == 3
    assert {r.source.metadata_prefix for r in store.iter_records()} == {"mods"}
    # Only formats no crosswalk reads: a clear error, before any record is asked for.
    marc = [dataclasses.replace(r, prefix="marc21") for r in live]
    with serve_in_background(failing_endpoint(marc)) as url, pytest.raises(HarvestError) as caught:
        run_harvest(url, "auto", store=store)
    assert "offers no format a crosswalk reads (it offers: marc21)" in str(caught.value)


def _always(body: bytes, _params: dict[str, str]) -> bytes:
    return body


def test_a_format_the_endpoint_lacks_fails_naming_the_ones_it_offers(
    store: Store, oai_endpoint: str
) -> None:
    with pytest.raises(OAIProtocolError, match=r"not offer 'marc21'; it offers: oai_dc") as caught:
        run_harvest(oai_endpoint, "marc21", store=store)
    assert caught.value.code == "cannotDisseminateFormat"
    shown = store.run_shown()
    assert shown is not None
    assert shown.error is not None
    assert "it offers: oai_dc" in shown.error


def test_auto_without_formats_and_auto_for_a_sources_crosswalk(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    none_offered = functools.partial(_always, error("noMetadataFormats"))
    with serve_in_background(scripted(none_offered)) as url, pytest.raises(HarvestError) as caught:
        run_harvest(url, "auto", store=store)
    assert "offers no format a crosswalk reads (it offers: none)" in str(caught.value)
    # An endpoint that cannot say which formats it has: the question failed, not the formats;
    # a page that is no OAI-PMH answer at all is no endpoint, and --prefix would not help.
    for body, said in (
        (
            error("badVerb"),
            r"ListMetadataFormats, for --prefix auto.*name the format \(--prefix, or prefix = "
            r"in the source's config\)$",
        ),
        (
            b"<html><body>Please log in</body></html>",
            "an HTML page, not an OAI-PMH response.*base URL[^;]*$",
        ),
        (b"<!DOCTYPE html><p>Please log in<br>", "an HTML page, not XML: is this[^;]*$"),
    ):
        with (
            serve_in_background(scripted(functools.partial(_always, body))) as url,
            pytest.raises(HarvestError, match=said),
        ):
            run_harvest(url, "auto", store=store, policy=TransportPolicy(retries=0))
    # With a crosswalk of its own a run takes a format that crosswalk reads; one the prefix
    # names anyway is no crosswalk of its own.
    live = [r for r in demo_records if not r.deleted][:3]
    with serve_in_background(failing_endpoint(live + [_as_mods(r) for r in live])) as url:
        report = run_harvest(url, "auto", store=store, crosswalk="oai_dc")
        assert (report.metadata_prefix, report.crosswalk) == ("oai_dc", None)
        assert {r.source.crosswalk for r in store.iter_records()} == {None}


def test_auto_on_an_endpoint_that_is_down_keeps_a_failed_run(store: Store) -> None:
    """An outage is on the run list whether or not the run had a prefix to ask for."""
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/oai"
    quick = TransportPolicy(retries=1, backoff=0.01, max_wait=0.05)
    with pytest.raises(HarvestError, match="Connection refused"):
        run_harvest(url, "auto", store=store, policy=quick, set_spec="eels")
    [run] = store.list_runs(10)
    assert (run.status, run.repository, run.metadata_prefix) == ("failed", url, "auto")
    assert ("set", "eels") in run.asked
    assert run.error is not None
    assert "Connection refused" in run.error


TITLES_ONLY = """\
format: titles_only
root: oai_dc:dc
namespaces:
  oai_dc: http://www.openarchives.org/OAI/2.0/oai_dc/
  dc: http://purl.org/dc/elements/1.1/
rules:
  - {from: "dc:title[1]", to: title, as: value}
"""


@pytest.fixture
def titles_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A user's crosswalk ``titles_only`` (oai_dc: the first title, the rest to extra)."""
    monkeypatch.setattr(catalog, "_user_dirs", [])
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "titles_only.yaml").write_text(TITLES_ONLY, encoding="utf-8")
    add_crosswalk_dir(tmp_path / "mine")
    yield
    monkeypatch.setattr(catalog, "_user_dirs", [])
    registry.cache_clear()


@pytest.mark.usefixtures("titles_only")
def test_a_sources_own_crosswalk_is_used_and_used_again_by_reprocess(
    oai_endpoint: str, store: Store
) -> None:
    report = run_harvest(oai_endpoint, "oai_dc", store=store, crosswalk="titles_only")
    assert report.crosswalk == "titles_only"
    live = [r for r in store.iter_records() if not r.source.deleted]
    assert {r.source.crosswalk for r in live} == {"titles_only"}
    assert all(r.creators == [] and "dc:creator" in r.extra for r in live if r.title)
    again = reprocess(store)
    assert again.counts["updated"] == again.counts["created"] == 0


def test_a_missing_crosswalk_fails_reprocess_instead_of_making_other_records(
    oai_endpoint: str, store: Store, titles_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_harvest(oai_endpoint, "oai_dc", store=store, crosswalk="titles_only")
    monkeypatch.setattr(catalog, "_user_dirs", [])
    registry.cache_clear()
    # reprocess run without the config that adds the folder
    report = reprocess(store)
    assert report.counts["updated"] == 0
    assert report.counts["failed"] == report.total > 0
    assert set(report.issue_counts) >= {"crosswalk.unknown_format"}


def test_a_broken_crosswalk_of_the_users_stops_a_harvest_before_its_first_request(
    tmp_path: Path, store: Store, titles_only: None
) -> None:
    (tmp_path / "mine" / "broken.yaml").write_text("format: broken\nrules: [", "utf-8")
    registry.cache_clear()
    log: list[dict[str, str]] = []
    endpoint = scripted(lambda params: page("ListRecords", [], ""), log)
    with serve_in_background(endpoint) as url, pytest.raises(ConfigError, match=r"broken\.yaml"):
        run_harvest(url, "oai_dc", store=store)
    assert [params.get("verb") for params in log] == []


@pytest.mark.usefixtures("titles_only")
def test_a_changed_crosswalk_does_not_resume_the_run_it_follows(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    failing = {"on": True}
    with serve_in_background(
        failing_endpoint(demo_records, fail_at_cursor=20, failing=failing)
    ) as url:
        policy = TransportPolicy(retries=1, backoff=0.01)
        with pytest.raises(HarvestError):
            run_harvest(url, "oai_dc", store=store, policy=policy, crosswalk="titles_only")
        failing["on"] = False
        report = run_harvest(url, "oai_dc", store=store, policy=policy)
    assert report.resumed_run_id is None
    assert report.total == 36


@pytest.mark.usefixtures("titles_only")
def test_a_new_crosswalk_asks_for_everything_again(oai_endpoint: str, store: Store) -> None:
    run_harvest(oai_endpoint, "oai_dc", store=store)
    assert run_harvest(oai_endpoint, "oai_dc", store=store).from_date is not None
    changed = run_harvest(oai_endpoint, "oai_dc", store=store, crosswalk="titles_only")
    assert (changed.from_date, changed.total) == (None, 36)
    live = [r for r in store.iter_records() if not r.source.deleted]
    assert {r.source.crosswalk for r in live} == {"titles_only"}


def test_an_unknown_crosswalk_is_refused_before_any_request(store: Store) -> None:
    with pytest.raises(ConfigError, match="no crosswalk is named 'nope'; known: mods, oai_dc"):
        run_harvest("http://127.0.0.1:9/oai", "oai_dc", store=store, crosswalk="nope")


def test_a_crosswalk_that_cannot_read_the_format_is_refused_before_any_request(
    store: Store,
) -> None:
    # Every record failed crosswalk.wrong_root (a fourth walkthrough's config: mods for oai_dc).
    with pytest.raises(ConfigError, match="the crosswalk 'mods' does not read oai_dc records"):
        run_harvest("http://127.0.0.1:9/oai", "oai_dc", store=store, crosswalk="mods")
    assert store.list_runs(5) == []


def test_harvest_into_an_in_memory_store(oai_endpoint: str) -> None:
    memory = Store("sqlite://")
    try:
        report = run_harvest(oai_endpoint, "oai_dc", store=memory)
        assert report.status == "completed"
        assert len(_rows(memory, t.records)) == report.total == 36
    finally:
        memory.close()


def test_an_empty_run_for_a_set_the_endpoint_does_not_list_says_so(
    oai_endpoint: str, store: Store
) -> None:
    report = run_harvest(oai_endpoint, "oai_dc", store=store, set_spec="openaire-typo")
    assert report.total == 0
    [issue] = report.run_issues
    assert issue["code"] == "harvest.unknown_set"
    assert "no set 'openaire-typo'" in issue["message"]
    assert "openaire" in issue["message"], "the sets it does list are named"
    listed = run_harvest(oai_endpoint, "oai_dc", store=store, set_spec="openaire")
    assert listed.total > 0
    assert listed.run_issues == []


def test_a_failing_set_check_leaves_a_good_empty_run_completed(store: Store) -> None:
    def answer(params: dict[str, str]) -> bytes:
        return error("noRecordsMatch") if params["verb"] == "ListRecords" else b"<broken"

    quick = TransportPolicy(retries=1, backoff=0.01, max_wait=0.05)
    with serve_in_background(scripted(answer)) as url:
        report = run_harvest(url, "oai_dc", store=store, set_spec="any", policy=quick)
    assert (report.status, report.total) == ("completed", 0)
    # The broken ListSets answer was fetched again, as every verb's is: said, and no more.
    assert [issue["code"] for issue in report.run_issues] == ["harvest.retried"]


def test_a_set_is_checked_on_empty_runs_until_it_has_given_a_record(store: Store) -> None:
    """A misspelt set in a cron line is said on every run (a third walkthrough saw only the
    first say it); a set that has given records is not checked again when a run is empty,
    the usual incremental run, so the sets are not listed each time."""
    given: list[str] = []  # the set the endpoint has records for answers once, then nothing new
    log: list[dict[str, str]] = []

    def answer(params: dict[str, str]) -> bytes:
        if params["verb"] == "ListSets":
            return page("ListSets", ["<set><setSpec>eels</setSpec><setName>E</setName></set>"])
        if params["verb"] == "ListMetadataFormats":
            return error("badArgument")
        if params.get("set") == "eels" and not given:
            given.append("eels")
            return page("ListRecords", [record("oai:x:1", "2024-01-01T00:00:00Z")])
        return error("noRecordsMatch")

    with serve_in_background(scripted(answer, log)) as url:
        for _ in range(2):
            typo = run_harvest(url, "oai_dc", store=store, set_spec="eesl")
            assert [i["code"] for i in typo.run_issues] == ["harvest.unknown_set"]
        assert run_harvest(url, "oai_dc", store=store, set_spec="eels").total == 1
        log.clear()
        quiet = run_harvest(url, "oai_dc", store=store, set_spec="eels")
    assert (quiet.total, quiet.run_issues) == (0, [])
    assert quiet.from_date is not None
    assert "ListSets" not in [params["verb"] for params in log]


def test_a_harvest_ends_the_dead_runs_of_other_sources_and_leaves_live_ones(
    any_store: Store, oai_endpoint: str
) -> None:
    """A run killed under another source key (``auto`` took another format since, or another
    set) would otherwise say "running" for ever: a source with a free lock has no live run."""
    killed = any_store.begin_run(oai_endpoint, "mods")
    live_key = source_key(oai_endpoint, "oai_dc", "a-set")
    with source_lock(any_store, live_key):
        live = any_store.begin_run(oai_endpoint, "oai_dc", "a-set")
        report = run_harvest(oai_endpoint, "oai_dc", store=any_store)
    assert any_store.run_status(killed) == (
        "failed",
        f"stopped without finishing (killed, or its machine went down); noticed by run "
        f"{report.run_id}",
    )
    assert any_store.run_status(live) == ("running", None), "its source's lock was held"


def test_a_harvest_that_fails_before_it_begins_still_ends_its_sources_dead_run(
    any_store: Store,
) -> None:
    """The killed run said "running" until a harvest of its source began a run of its own:
    one that failed before (the endpoint down, a from= refused) left it so.  Such a failure
    is kept as a run of its own, which names itself in the runs it found."""
    why = "stopped without finishing (killed, or its machine went down)"
    killed = any_store.begin_run("urn:test", "oai_dc")  # nothing holds its source's lock
    nothing = scripted(lambda _: error("noRecordsMatch"))
    down = scripted(lambda _: error("noRecordsMatch"), identify_body=error("badVerb", "down"))
    with serve_in_background(down) as url, pytest.raises(OAIProtocolError, match="down"):
        # Asks Identify for the granularity of its from=, before it plans or begins its run.
        run_harvest(url, "oai_dc", store=any_store, repository="urn:test", from_date="2024-01-01")
    noticed = (f"{why}; noticed by run {killed + 1}",)
    assert any_store.run_status(killed) == ("failed", *noticed)
    failure = ("failed", f"OAI-PMH error badVerb: down (answering {url}?verb=Identify)")
    assert any_store.run_status(killed + 1) == failure, "the outage is kept"

    # One that begins its run names itself in those it found.
    again = any_store.begin_run("urn:test", "oai_dc")
    with serve_in_background(nothing) as url:
        report = run_harvest(url, "oai_dc", store=any_store, repository="urn:test")
    assert any_store.run_status(again) == ("failed", f"{why}; noticed by run {report.run_id}")
    assert any_store.run_status(killed) == ("failed", *noticed)


def test_an_in_memory_store_leaves_runs_that_say_running_alone(oai_endpoint: str) -> None:
    """Without locks nothing tells a killed run from one going on in another thread."""
    store = Store("sqlite://")
    other = store.begin_run(oai_endpoint, "mods")
    same = store.begin_run(oai_endpoint, "oai_dc")
    run_harvest(oai_endpoint, "oai_dc", store=store, resume=False)
    assert store.run_status(other) == ("running", None)
    assert store.run_status(same) == ("running", None)
    store.close()


def test_an_api_key_in_the_urls_query_is_sent_but_never_shown_or_stored(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    keys: list[str] = []

    def factory(base_url: str) -> Any:
        inner = fixture_endpoint_app(demo_records, batch_size=50)(base_url)

        def app(environ: dict[str, Any], start_response: Any) -> Any:
            query = parse_qs(environ.get("QUERY_STRING", ""))
            keys.extend(query.pop("apikey", []))
            environ["QUERY_STRING"] = urlencode(query, doseq=True)
            return inner(environ, start_response)

        return app

    with serve_in_background(factory) as url:
        report = run_harvest(f"{url}?apikey=TOKENSECRET", "oai_dc", store=store)
    assert report.total == 36
    assert set(keys) == {"TOKENSECRET"}, "every request carried the key"
    assert report.repository == f"{url}?apikey=***"
    shown = json.dumps(report.to_dict()) + "".join(
        record.to_json().decode() for record in store.iter_records()
    )
    assert "TOKENSECRET" not in shown
    with store.engine.connect() as conn:
        keys_stored = conn.execute(text("select source_key from checkpoints")).scalars().all()
    assert keys_stored
    assert not any("TOKENSECRET" in key for key in keys_stored)


def test_an_interrupt_the_store_cannot_record_is_still_the_interrupt(
    oai_endpoint: str, store: Store
) -> None:
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TRIGGER refuse_finish BEFORE UPDATE OF status ON harvest_runs "
            "WHEN NEW.status != 'running' BEGIN SELECT RAISE(ABORT, 'closing refused'); END"
        )

    def interrupt(_: object) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt) as caught:
        run_harvest(oai_endpoint, "oai_dc", store=store, on_page=interrupt)
    notes = getattr(caught.value, "__notes__", [])
    assert any("cannot close run 1 as failed" in note for note in notes), notes


def test_a_run_stopped_just_after_a_page_is_stored_keeps_that_pages_counts(
    oai_endpoint: str, store: Store
) -> None:
    # Ctrl-C (or a job runner's SIGTERM) in the moment between a page's commit and its counting
    # in the run's report: the run was kept failed with the counts of the pages before it, and
    # the counts committed with the page cleared, so that `report --list` counted 0 records of
    # the 10 the run had stored.
    interrupt_after_first_page(store)
    with pytest.raises(KeyboardInterrupt) as caught:
        run_harvest(oai_endpoint, "oai_dc", store=store)
    assert store.counts()["records"] == 10, "its first page, then the signal"
    (listed,) = store.list_runs(1)
    assert (listed.status, listed.records) == ("failed", 10)
    kept = store.run_report(listed.id)
    assert kept is not None
    assert sum(kept["counts"].values()) == 10
    # Its pages too, as committed: the run's count had said 0, and the line the command
    # prints ("run 1 stored …") had not been said at all (of a later page, one page short).
    assert kept["pages"] == 1
    assert caught.value.__notes__ == ["run 1 stored 10 records (1 page)"]
