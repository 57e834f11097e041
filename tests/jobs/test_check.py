"""Checking an endpoint before its first harvest, against pyoai's server on 127.0.0.1."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from lxml import etree

from ir_ingest.errors import ConfigError
from ir_ingest.jobs.check import check_endpoint
from ir_ingest.oai.provider import ProvidedRecord, fixture_endpoint_app, serve_in_background
from ir_ingest.oai.transport import TransportPolicy
from tests.oai.faults import FaultPlan, faulty_endpoint, mods_record, synthetic_records
from tests.oai.scripted import error as scripted_error
from tests.oai.scripted import identify as scripted_identify
from tests.oai.scripted import page as scripted_page
from tests.oai.scripted import record as scripted_record
from tests.oai.scripted import scripted

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ir_ingest.jobs.checked import Checked, Finding
    from ir_ingest.oai.provider import StartResponse, WSGIApp


@dataclass(frozen=True)
class _Quick(TransportPolicy):
    """A fault is fetched again at once: the tests wait for no backoff."""

    backoff: float = 0.01


def _lines(checked: Checked, level: str, topic: str | None = None) -> list[str]:
    return [
        f.message
        for f in checked.findings
        if f.level == level and (topic is None or f.topic == topic)
    ]


def test_each_finding_is_told_as_it_is_made(oai_endpoint: str) -> None:
    # Said as it goes: a Ctrl-C during a slow endpoint's paging had lost every finding.
    told: list[str] = []

    def said(checked: Checked, finding: Finding) -> None:
        assert finding is checked.findings[-1], "told once it is the check's"
        told.append(finding.topic)
        if finding.topic == "records":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        check_endpoint(oai_endpoint, as_found=said)
    assert told == ["Identify", "formats", "records"]


def test_a_sound_endpoint_is_said_to_work(
    oai_endpoint: str, demo_records: list[ProvidedRecord]
) -> None:
    checked = check_endpoint(oai_endpoint)
    assert checked.prefix == "oai_dc"
    assert [f.topic for f in checked.findings if f.level == "ok"] == [
        "Identify",
        "formats",
        "records",
        "paging",
        "from",
    ]
    # The demo's 36 records are 4 pages of 10: each page after the first is read.
    assert _lines(checked, "ok", "paging") == [
        "its resumptionToken leads on: the next 3 pages hold 26 records, and the last ends the list"
    ]
    assert _lines(checked, "ok", "from")[0].startswith("from is applied: asked for what changed")
    assert not _lines(checked, "warning")
    assert not _lines(checked, "error")
    identify = _lines(checked, "ok", "Identify")[0]
    assert "granularity YYYY-MM-DDThh:mm:ssZ" in identify
    assert "deleted records persistent" in identify
    assert _lines(checked, "ok", "formats") == ["it offers oai_dc; a harvest takes oai_dc"]
    first_page = demo_records[:10]  # the fixture serves 10 a page
    deleted = sum(r.deleted for r in first_page)
    live = len(first_page) - deleted
    summary = _lines(checked, "ok", "records")[0]
    assert f"holds 10 records ({deleted} deleted);" in summary
    assert f"{live} of the {live} live ones crosswalk and validate" in summary
    # Simple DC cannot say whether a work was peer reviewed: every live record says so.
    limit = [line for line in _lines(checked, "info", "records") if "format_limit" in line]
    assert limit[0].startswith(f"crosswalk.format_limit (info) on {live} of 10 records")


def test_identify_quirks_are_named(demo_records: list[ProvidedRecord]) -> None:
    def quirky(base_url: str) -> WSGIApp:
        inner = faulty_endpoint(demo_records, FaultPlan())(base_url)
        return _rewriting_identify(
            inner,
            {
                rb"<deletedRecord>[^<]*<": b"<deletedRecord>no<",
                rb"<granularity>[^<]*<": b"<granularity>YYYY-MM-DD hh:mm:ss<",
                rb"<baseURL>[^<]*<": b"<baseURL>https://portal.example.org/ws/oai<",
            },
            clock_behind_hours=3,
        )

    with serve_in_background(quirky) as url:
        checked = check_endpoint(url)
    warnings = _lines(checked, "warning")
    assert any("it keeps no deletions (deletedRecord no)" in line for line in warnings)
    assert any(
        "granularity 'YYYY-MM-DD hh:mm:ss' is no OAI-PMH granularity" in line for line in warnings
    )
    assert any(
        "is 3 h 00 min behind this machine's: incremental runs ask from that much earlier" in line
        for line in _lines(checked, "warning", "clock")
    )
    assert any(
        "it names its base URL https://portal.example.org/ws/oai" in line
        for line in _lines(checked, "info", "Identify")
    )
    assert not _lines(checked, "error"), "a harvest works around all of these"
    assert checked.prefix == "oai_dc"


def test_an_identify_answered_with_an_error_is_said_and_the_rest_checked(
    demo_records: list[ProvidedRecord],
) -> None:
    def broken(base_url: str) -> WSGIApp:
        inner = faulty_endpoint(demo_records, FaultPlan())(base_url)
        error = b'<error code="badVerb">Identify is switched off</error>'
        return _rewriting_identify(inner, {rb"(?s)<Identify>.*</Identify>": error}, 0)

    with serve_in_background(broken) as url:
        checked = check_endpoint(url)
    (identify,) = _lines(checked, "error")
    assert "badVerb" in identify
    assert identify.endswith("incremental runs fail until it answers")
    # Without Identify's granularity no from can be sent: that step says nothing more.
    assert [f.topic for f in checked.findings if f.level == "ok"] == [
        "formats",
        "records",
        "paging",
    ]


def _rewriting_identify(
    inner: WSGIApp, replacements: dict[bytes, bytes], clock_behind_hours: int
) -> WSGIApp:
    """The endpoint's Identify answer with each pattern of ``replacements`` replaced and its
    responseDate set back: an endpoint configured as real ones are."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if "verb=Identify" not in environ.get("QUERY_STRING", ""):
            return inner(environ, start_response)
        answered: list[str] = []
        body = b"".join(inner(environ, lambda status, headers: answered.append(status)))
        behind = datetime.now(UTC) - timedelta(hours=clock_behind_hours)
        stamp = behind.strftime("<responseDate>%Y-%m-%dT%H:%M:%SZ<").encode()
        for pattern, new in {**replacements, rb"<responseDate>[^<]*<": stamp}.items():
            body, made = re.subn(pattern, new, body)
            assert made == 1, pattern
        headers = [("Content-Type", "text/xml; charset=utf-8"), ("Content-Length", str(len(body)))]
        start_response(answered[0], headers)
        return [body]

    return app


def test_a_login_page_where_the_records_should_be_stops_the_check(
    demo_records: list[ProvidedRecord],
) -> None:
    plan = FaultPlan(faults={0: ["login-page"] * 6})
    with serve_in_background(faulty_endpoint(demo_records, plan)) as url:
        checked = check_endpoint(url, policy=_Quick())
    errors = [(f.topic, f.message) for f in checked.findings if f.level == "error"]
    assert len(errors) == 1
    assert errors[0][0] == "records"
    assert 'the document is an HTML page titled "Sign in \u2013 University' in errors[0][1]
    assert "(fetched 2 times)" in errors[0][1]
    # Nothing is asked after the failure; the retries it took are said last.
    assert [f.topic for f in checked.findings][-2:] == ["records", "retries"]


def test_a_page_in_the_wrong_encoding_is_read_and_said(
    demo_records: list[ProvidedRecord],
) -> None:
    plan = FaultPlan(faults={0: ["cp1252"]})
    with serve_in_background(faulty_endpoint(demo_records, plan)) as url:
        checked = check_endpoint(url, policy=_Quick())
    assert not _lines(checked, "error")
    summary = _lines(checked, "ok", "records")[0]
    assert "crosswalk and validate" in summary, "the page was read, not refused"
    said = [line for line in _lines(checked, "warning", "records") if "wrong_encoding" in line]
    assert len(said) == 1
    assert said[0].startswith("xml.wrong_encoding (warning) on 1 of 10 records")


def test_what_a_harvest_could_not_take_is_an_error(demo_records: list[ProvidedRecord]) -> None:
    with serve_in_background(faulty_endpoint(demo_records, FaultPlan())) as url:
        not_offered = check_endpoint(url, "mods")
        unknown_set = check_endpoint(url, set_spec="no-such-set")
    # A harvest given a prefix does not ask which formats there are: it asks for the records.
    assert _lines(not_offered, "warning", "formats") == [
        "it offers oai_dc, not mods: a harvest asks for mods all the same"
    ]
    (refused,) = _lines(not_offered, "error")
    assert "cannotDisseminateFormat" in refused
    assert not_offered.findings[-1].topic == "records"
    assert _lines(unknown_set, "warning", "sets")[0].startswith(
        "the endpoint lists no set 'no-such-set'"
    )
    assert _lines(unknown_set, "error", "records") == [
        "the list holds no record: a harvest of this format and set keeps nothing"
    ]


def test_records_no_crosswalk_reads_make_the_check_fail() -> None:
    marc = "http://www.loc.gov/MARC21/slim"
    records = []
    for n in range(3):
        metadata = etree.Element(f"{{{marc}}}record", nsmap={"marc": marc})
        etree.SubElement(metadata, f"{{{marc}}}leader").text = "00000nam a2200000 a 4500"
        stamp = datetime(2024, 1, 1 + n, tzinfo=UTC)
        records.append(ProvidedRecord(f"oai:x:{n}", stamp, "marc21", metadata=metadata))
    with serve_in_background(faulty_endpoint(records, FaultPlan())) as url:
        auto = check_endpoint(url)
        asked = check_endpoint(url, "marc21")
    assert _lines(auto, "error", "formats") == [
        "it offers marc21, and no crosswalk reads any of them: give --prefix, and add a "
        "crosswalk of your own for it"
    ]
    assert _lines(asked, "warning", "formats")[0].startswith(
        "it offers marc21; no crosswalk reads marc21 by its name or namespace"
    )
    (summary,) = _lines(asked, "error", "records")
    assert summary.endswith(
        "holds 3 records; 0 of the 3 live ones crosswalk and validate (0 invalid, 3 that "
        "cannot be read)"
    )
    codes = _lines(asked, "warning", "records")
    assert codes[0].startswith("crosswalk.unknown_format (error) on 3 of 3 records")


def test_an_endpoint_down_is_an_error_in_identify() -> None:
    closed = synthetic_records(1)  # served by nothing: the port is closed below
    with serve_in_background(faulty_endpoint(closed, FaultPlan())) as url:
        pass
    checked = check_endpoint(url, policy=_Quick(retries=0))
    assert [f.level for f in checked.findings] == ["error"]
    assert checked.findings[0].topic == "Identify"
    assert checked.prefix is None


def test_an_endpoint_that_ignores_from_is_named(demo_records: list[ProvidedRecord]) -> None:
    plan = FaultPlan(ignores=("from", "until"))  # IQSS/dataverse.harvard.edu#243
    with serve_in_background(faulty_endpoint(demo_records, plan)) as url:
        checked = check_endpoint(url)
    (said,) = _lines(checked, "warning", "from")
    assert said.startswith("it ignores from: asked for what changed from ")
    assert "so every incremental run fetches every record again" in said
    asked = [query for _, query, _ in plan.seen if "from=" in query]
    assert len(asked) == 1, "one request tells"


def test_an_endpoint_that_loses_the_set_is_named() -> None:
    # Tokens that do not carry the set (MarkVSullivan/SobekCM-Web-Application#6): a harvest of
    # one set takes in the repository; the check had said the set and its paging were fine.
    records = [
        replace(r, set_specs=(("a", "b")[n % 2],)) for n, r in enumerate(synthetic_records(36))
    ]
    plan = FaultPlan(ignores=("set",))
    with serve_in_background(faulty_endpoint(records, plan)) as url:
        checked = check_endpoint(url, set_spec="a")
    (said,) = _lines(checked, "warning", "sets")
    assert said.startswith("the endpoint sent 18 records in none of the set asked for (a), ")
    assert said.endswith(
        ": it ignores set= or loses it in its resumption tokens, so every harvest of the set "
        "takes in records of other sets"
    )
    with serve_in_background(faulty_endpoint(records, FaultPlan())) as url:
        assert _lines(check_endpoint(url, set_spec="a"), "warning") == []


_FORMATS = (
    b'<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
    b"<responseDate>2024-01-01T00:00:00Z</responseDate><request>http://x/oai</request>"
    b"<ListMetadataFormats><metadataFormat><metadataPrefix>oai_dc</metadataPrefix>"
    b"<schema>http://www.openarchives.org/OAI/2.0/oai_dc.xsd</schema><metadataNamespace>"
    b"http://www.openarchives.org/OAI/2.0/oai_dc/</metadataNamespace></metadataFormat>"
    b"</ListMetadataFormats></OAI-PMH>"
)


def test_an_empty_first_page_with_a_token_goes_on() -> None:
    # DSpace leaves deleted items out of a page after counting it: an empty page, a token.
    items = [scripted_record(f"oai:x:{n}", f"2024-01-0{n}T00:00:00Z") for n in (1, 2)]

    def answer(params: dict[str, str]) -> bytes:
        if params["verb"] == "ListMetadataFormats":
            return _FORMATS
        if "resumptionToken" in params or "from" in params:
            return scripted_page("ListRecords", items)
        return scripted_page("ListRecords", [], "t1")

    with serve_in_background(scripted(answer)) as url:
        checked = check_endpoint(url)
    (summary,) = [f.message for f in checked.findings if f.topic == "records"][:1]
    assert " holds 2 records; 0 of the 2 live ones crosswalk and validate (2 invalid" in summary
    assert "paging" not in [f.topic for f in checked.findings], "that page ends the list"
    assert not _lines(checked, "error")


def test_a_list_that_comes_round_again_is_named() -> None:
    items = [scripted_record(f"oai:x:{n}", f"2024-01-0{n}T00:00:00Z") for n in (1, 2)]

    def endpoint(token_of_second_page: str) -> Callable[[dict[str, str]], bytes]:
        def answer(params: dict[str, str]) -> bytes:
            if params["verb"] == "ListMetadataFormats":
                return _FORMATS
            token = "t1" if "resumptionToken" not in params else token_of_second_page
            return scripted_page("ListRecords", items, token)

        return answer

    for second_token, said in (
        ("t1", "the endpoint sent resumption token 't1' twice ("),
        ("t2", "the endpoint sent a page it had sent before under a new resumption token ("),
    ):
        with serve_in_background(scripted(endpoint(second_token))) as url:
            checked = check_endpoint(url)
        (paging,) = _lines(checked, "error", "paging")
        assert paging.startswith(said)
        assert paging.endswith("every harvest stops there (page 2), and ends incomplete")


def _dated(
    stamps: list[str],
    *,
    applies_from: Callable[[str, str], bool] = lambda stamp, since: stamp >= since,
    refuses: Callable[[str], bool] = lambda since: False,
    second_page: bytes | None = None,
) -> Callable[[dict[str, str]], bytes]:
    """A scripted endpoint of a record a datestamp, 10 a page: ``applies_from(stamp, from)``
    says whether it lists a record for a ``from`` (§3.3.1: stamp >= from), ``refuses(from)``
    whether it answers that ``from`` with badArgument."""

    def answer(params: dict[str, str]) -> bytes:
        if params["verb"] == "ListMetadataFormats":
            return _FORMATS
        if "resumptionToken" in params:
            assert second_page is not None
            return second_page
        since = params.get("from")
        if since is not None and refuses(since):
            return scripted_error("badArgument", f"from {since} is in the future")
        chosen = [s for s in stamps if since is None or applies_from(s, since)]
        items = [scripted_record(f"oai:x:{s}", s) for s in chosen]
        token = f"t{since or ''}" if len(items) > 10 else None  # a new list, a new token
        return scripted_page("ListRecords", items[:10], token)

    return answer


def test_from_is_never_asked_in_the_future() -> None:
    # A day-granularity endpoint with a record of today refused the check's from of tomorrow,
    # and the check said a harvest would fail (review).
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    answer = _dated(["2024-01-01", today], refuses=lambda since: since > today)
    day = scripted_identify(granularity="YYYY-MM-DD", earliest="2024-01-01")
    with serve_in_background(scripted(answer, identify_body=day)) as url:
        checked = check_endpoint(url)
    assert _lines(checked, "ok", "from") == [
        f"from is applied: asked for what changed from {today}, it listed 1 record on its "
        "first page, none older"
    ]
    assert not _lines(checked, "error"), "a record no scripted one validates is no failure"
    (summary,) = _lines(checked, "warning", "records")[:1]
    assert "0 of the 2 live ones crosswalk and validate (2 invalid, 0 that cannot be read)" in (
        summary
    ), "stored invalid, not refused"


def test_a_from_applied_loosely_is_told_from_one_ignored() -> None:
    stamps = ["2024-01-01T08:00:00Z", "2024-01-01T10:00:00Z", "2024-01-01T12:00:00Z"]
    two_hours_early = lambda stamp, since: stamp >= since.replace("T12", "T10")  # noqa: E731
    with serve_in_background(scripted(_dated(stamps, applies_from=two_hours_early))) as url:
        checked = check_endpoint(url)
    assert _lines(checked, "warning", "from") == [
        "it applies from loosely: asked for what changed from 2024-01-01T12:00:00Z, it listed "
        "records of 2024-01-01T10:00:00Z, before it (a clock or time zone off?)"
    ]


def test_a_refused_token_is_asked_again_as_a_harvest_asks() -> None:
    # A harvest asks the list again from its newest datestamp, 3 times in a list: that works
    # where the new list fits one page, and fails where its token is refused too (a review).
    expired = scripted_error("badResumptionToken", "expired")
    for days, level, said in (
        (12, "warning", "the endpoint refused a resumption token"),
        (25, "error", "every resumptionToken is refused at once (badResumptionToken)"),
    ):
        stamps = [f"2024-01-{day:02d}T00:00:00Z" for day in range(1, days + 1)]
        with serve_in_background(scripted(_dated(stamps, second_page=expired))) as url:
            checked = check_endpoint(url)
        (paging,) = _lines(checked, level, "paging")
        assert paging.startswith(said), paging


def test_a_refused_from_is_an_error_for_incremental_runs() -> None:
    stamps = ["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"]
    with serve_in_background(scripted(_dated(stamps, refuses=lambda since: True))) as url:
        checked = check_endpoint(url)
    (refused,) = _lines(checked, "error", "from")
    assert "badArgument" in refused
    assert refused.endswith("incremental runs ask with from as this did, and would fail")


def test_what_a_walkthrough_found_the_check_saying_wrong() -> None:
    login = b"<html><head><title>Login</title></head><body>Sign in</body></html>"
    deleted = [
        f'<record><header status="deleted"><identifier>oai:x:{n}</identifier>'
        f"<datestamp>2024-01-0{n}T00:00:00Z</datestamp></header></record>"
        for n in (1, 2)
    ]

    def answer(params: dict[str, str]) -> bytes:
        if params["verb"] in ("ListMetadataFormats", "ListSets"):
            return login
        return scripted_page("ListRecords", deleted)

    no_granularity = scripted_identify(granularity="")
    with serve_in_background(scripted(answer, identify_body=no_granularity)) as url:
        checked = check_endpoint(url, "oai_dc", set_spec="openaire")
    # Sets that cannot be listed are no set listed.
    (sets,) = _lines(checked, "warning", "sets")
    assert sets.startswith("its sets could not be listed to look for 'openaire': ")
    # A harvest given a prefix does not ask ListMetadataFormats: its failure is advice.
    (formats,) = _lines(checked, "warning", "formats")
    assert formats.startswith("ListMetadataFormats failed (")
    assert formats.endswith("; a harvest given a prefix does not ask it")
    # Deletions only: nothing was crosswalked, and that is not "ok".
    (records,) = _lines(checked, "info", "records")
    assert records.endswith(
        "holds 2 records (2 deleted); 0 of the 0 live ones crosswalk and "
        "validate: deletions only, so no record was crosswalked"
    )
    assert "granularity" in _lines(checked, "warning", "Identify")[0]
    assert _lines(checked, "warning", "Identify")[0].startswith("it states no granularity")
    assert "granularity (none stated)," in _lines(checked, "ok", "Identify")[0]
    assert not _lines(checked, "error")


def test_a_second_page_a_harvest_cannot_fetch_is_an_error(
    demo_records: list[ProvidedRecord],
) -> None:
    plan = FaultPlan(faults={1: ["drop"] * 10})
    with serve_in_background(faulty_endpoint(demo_records, plan)) as url:
        checked = check_endpoint(url, policy=_Quick(retries=2))
    (paging,) = _lines(checked, "error", "paging")
    assert "failed 3 times" in paging
    assert [f.topic for f in checked.findings][-2:] == ["paging", "retries"], "it stops there"


def _list_requests(plan: FaultPlan) -> int:
    """How many ListRecords requests of the list (not of the from list) the server saw."""
    return sum("from=" not in query for query in plan.queries())


def test_a_token_loop_that_starts_on_page_3_is_named() -> None:
    # The third page hands back the token that asked for it: reading two pages, the check
    # had said the token leads on, and every harvest ended there, incomplete.
    plan = FaultPlan(faults={2: ["token-loop"]})
    with serve_in_background(faulty_endpoint(synthetic_records(60), plan)) as url:
        checked = check_endpoint(url)
    (paging,) = _lines(checked, "error", "paging")
    assert paging.startswith("the endpoint sent resumption token ")
    assert paging.endswith("every harvest stops there (page 3), and ends incomplete")
    assert _list_requests(plan) == 3, "no page asked past the loop"


def test_the_pages_read_for_paging_are_few() -> None:
    # Quick and polite: five pages of a list of ten, whatever comes after (a loop on page 7).
    plan = FaultPlan(faults={6: ["token-loop"]})
    with serve_in_background(faulty_endpoint(synthetic_records(100), plan)) as url:
        checked = check_endpoint(url)
    assert _lines(checked, "ok", "paging") == [
        "its resumptionToken leads on: the next 4 pages hold 40 records, and no token or page twice"
    ]
    assert _list_requests(plan) == 5


def test_a_crosswalk_that_cannot_read_the_prefix_is_refused_before_any_request() -> None:
    with pytest.raises(ConfigError, match="the crosswalk 'mods' does not read oai_dc records"):
        check_endpoint("http://127.0.0.1:9/oai", "oai_dc", crosswalk="mods")


def test_retries_are_said_and_left_out_of_the_pace(demo_records: list[ProvidedRecord]) -> None:
    plan = FaultPlan(faults={0: ["503-seconds"]}, retry_after=1)
    with serve_in_background(faulty_endpoint(demo_records, plan)) as url:
        checked = check_endpoint(url)
    (retried,) = _lines(checked, "warning", "retries")
    said = r"a request was sent again after it failed \(HTTP 503 x1\), \d\.\d s waited"
    assert re.match(said, retried)
    summary = _lines(checked, "ok", "records")[0]
    assert " ms) holds 10 records" in summary, "the pace of the answer, not of the pause"


def test_pages_with_no_record_are_passed_over_a_few_times_only() -> None:
    log: list[dict[str, str]] = []

    def answer(params: dict[str, str]) -> bytes:
        if params["verb"] == "ListMetadataFormats":
            return _FORMATS
        number = int(params.get("resumptionToken", "t0")[1:])
        return scripted_page("ListRecords", [], f"t{number + 1}")  # empty, and on, for ever

    with serve_in_background(scripted(answer, log)) as url:
        checked = check_endpoint(url)
    assert _lines(checked, "warning", "records") == [
        "the first 5 pages hold no record, but a resumptionToken each: no record was crosswalked"
    ]
    assert sum(params["verb"] == "ListRecords" for params in log) == 5


def test_what_happens_to_the_pages_read_first_is_said_too() -> None:
    # A review: a refused token or a guard's stop on the pages passed over went unsaid.
    items = [scripted_record(f"oai:x:{n}", f"2024-01-0{n}T00:00:00Z") for n in (1, 2)]
    expired = scripted_error("badResumptionToken", "expired")

    def sent_again(params: dict[str, str]) -> bytes:  # empty, token X; then records, X again
        if params["verb"] == "ListMetadataFormats":
            return _FORMATS
        if "resumptionToken" in params:
            return scripted_page("ListRecords", items, "X")
        return scripted_page("ListRecords", [], "X")

    lists: list[str] = []

    def refused(params: dict[str, str]) -> bytes:  # empty, its token refused, asked again
        if params["verb"] == "ListMetadataFormats":
            return _FORMATS
        if "resumptionToken" in params:
            return expired
        lists.append("asked")
        return (
            scripted_page("ListRecords", items, None)
            if len(lists) > 1
            else (scripted_page("ListRecords", [], "A"))
        )

    with serve_in_background(scripted(sent_again)) as url:
        again = check_endpoint(url)
    (stopped,) = _lines(again, "error", "paging")
    assert stopped.startswith("the endpoint sent resumption token 'X' twice (")
    with serve_in_background(scripted(refused)) as url:
        asked = check_endpoint(url)
    (recovered,) = _lines(asked, "warning", "paging")
    assert recovered.startswith("the endpoint refused a resumption token (")


def test_from_is_judged_on_records_not_on_empty_pages_or_the_future() -> None:
    stamps = ["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"]
    items = [scripted_record(f"oai:x:{n}", s) for n, s in enumerate(stamps)]

    def empty_first(params: dict[str, str]) -> bytes:  # the from list opens with an empty page
        if params["verb"] == "ListMetadataFormats":
            return _FORMATS
        if "from" in params:
            return scripted_page("ListRecords", [], "F1")
        return scripted_page("ListRecords", items[1:] if "resumptionToken" in params else items)

    with serve_in_background(scripted(empty_first)) as url:
        checked = check_endpoint(url)
    assert _lines(checked, "ok", "from")[0].startswith("from is applied:"), checked.findings
    future = ["2099-01-01T00:00:00Z", "2099-06-01T00:00:00Z"]
    with serve_in_background(scripted(_dated(future))) as url:
        ahead = check_endpoint(url)
    assert _lines(ahead, "info", "from") == [
        "from not tried: the first page's records are stamped in the future (a clock?)"
    ]


def test_a_timed_out_attempt_is_left_out_of_the_pace(demo_records: list[ProvidedRecord]) -> None:
    plan = FaultPlan(faults={0: ["slow"]}, slow_seconds=2.0)
    with serve_in_background(faulty_endpoint(demo_records, plan)) as url:
        checked = check_endpoint(url, policy=_Quick(read_timeout=1.1))  # over a second lost
    assert "ReadTimeout" in _lines(checked, "warning", "retries")[0]
    summary = _lines(checked, "ok", "records")[0]
    assert " ms) holds 10 records" in summary, "the answer's time, not the timed-out attempt's"


def test_records_failing_in_their_format_are_said_to_be_what_a_fallback_would_ask_for() -> None:
    records = [mods_record(n, "broken" if n % 2 == 0 else "good") for n in range(1, 5)]
    with serve_in_background(fixture_endpoint_app(records)) as url:
        checked = check_endpoint(url, "mods")
    said = [line for line in _lines(checked, "info", "records") if "fallback" in line]
    assert said == [
        "2 of 4 records fail in mods (a reject, or invalid): --fallback-prefix oai_dc asks for "
        "each of them again in oai_dc, which every endpoint offers, and keeps the better copy"
    ]
