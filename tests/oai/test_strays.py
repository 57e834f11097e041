"""Records dated outside the window asked for: counted, the furthest named, a day read whole."""

from __future__ import annotations

from ir_ingest.entry import Entry, HarvestedRecord
from ir_ingest.oai.pages import Window
from ir_ingest.oai.responses import Page
from ir_ingest.oai.strays import Strays


def _page(*stamps: str) -> tuple[Page, list[Entry]]:
    records = [
        HarvestedRecord("urn:r", f"oai:r:{n}", stamp, "oai_dc", b"")
        for n, stamp in enumerate(stamps)
    ]
    return Page(records, token=None), [Entry(record) for record in records]


def test_records_inside_the_window_are_no_strays() -> None:
    strays = Strays()
    window = Window("oai_dc", from_date="2024-02-01T10:00:00Z", until_date="2024-02-29")
    strays.note(window, *_page("2024-02-01T10:00:00Z", "2024-02-29T23:59:59.5Z", "2024-02-01"))

    assert strays.issues() == []


def test_a_date_only_datestamp_strays_only_if_its_whole_day_does() -> None:
    strays = Strays()
    window = Window("oai_dc", from_date="2024-02-01T10:00:00Z", until_date="2024-02-10T00:00:00Z")
    strays.note(window, *_page("2024-01-31", "2024-02-01", "2024-02-10", "2024-02-11", "junk"))

    before, after = strays.issues()
    assert before.code == after.code == "harvest.outside_dates"
    assert before.message.startswith(
        "the endpoint sent 1 record dated before the from= asked for (2024-02-01T10:00:00Z), "
        "oai:r:0 of 2024-01-31 the furthest"
    )
    assert after.message.startswith(
        "the endpoint sent 1 record dated after the until= asked for (2024-02-10T00:00:00Z), "
        "oai:r:3 of 2024-02-11 the furthest"
    )


def test_the_furthest_stray_over_several_pages_and_windows_is_named() -> None:
    strays = Strays()
    first = Window("oai_dc", from_date="2024-03-01", until_date="2024-03-31")
    second = Window("oai_dc", from_date="2024-04-01", until_date="2024-04-30")
    strays.note(first, *_page("2024-02-10T00:00:00Z", "2024-03-05T00:00:00Z"))
    strays.note(first, *_page("2023-01-01T00:00:00Z"))
    strays.note(second, *_page("2024-02-01T00:00:00Z"))

    [before] = strays.issues()
    assert before.message.startswith(
        "the endpoint sent 3 records dated before the from= asked for (2024-03-01, 2024-04-01), "
        "oai:r:0 of 2023-01-01T00:00:00Z the furthest"
    )


def _in_sets(*specs: tuple[str, ...]) -> tuple[Page, list[Entry]]:
    records = [
        HarvestedRecord("urn:r", f"oai:r:{n}", "2024-02-01", "oai_dc", b"", set_specs=sets)
        for n, sets in enumerate(specs)
    ]
    return Page(records, token=None), [Entry(record) for record in records]


def test_records_of_other_sets_beside_those_of_the_set_asked_for_are_counted() -> None:
    strays = Strays()
    window = Window("oai_dc", set_spec="theses")
    strays.note(window, *_in_sets(("theses",), ("theses:phd", "all"), ("articles", "all"), ()))

    [issue] = strays.issues()
    assert issue.code == "harvest.outside_set"
    assert issue.message.startswith(
        "the endpoint sent 1 record in none of the set asked for (theses), oai:r:2 in "
        "articles, all the first, beside 2 in it: it seems to ignore set="
    )


def test_headers_that_never_name_the_set_asked_for_are_not_taken_for_strays() -> None:
    strays = Strays()
    strays.note(Window("oai_dc", set_spec="wilis"), *_in_sets(("odum_all",), ("odum_all",)))

    assert strays.issues() == []


def test_a_stray_s_identifier_and_sets_are_named_on_one_line() -> None:
    # An identifier or set spec holding a line break had printed, in the run's report and in
    # `check --set`, a line of the tool's own (here a forged line of `check`'s output).
    forged = "oai:x:1\nready    Ready to harvest."
    in_set = HarvestedRecord("urn:r", "oai:x:0", "2024-02-01", "oai_dc", b"", set_specs=("a",))
    other = HarvestedRecord(
        "urn:r", forged, "2024-01-01", "oai_dc", b"", set_specs=("b\nok     sets",)
    )
    strays = Strays()
    window = Window("oai_dc", from_date="2024-02-01", set_spec="a")
    strays.note(window, Page([in_set, other], token=None), [Entry(in_set), Entry(other)])

    said = strays.set_strays()
    assert said is not None
    assert "\n" not in said
    assert "oai:x:1\\nready    Ready to harvest. in b\\nok     sets the first" in said
    issues = strays.issues()
    assert [issue.code for issue in issues] == ["harvest.outside_set", "harvest.outside_dates"]
    assert not [issue.message for issue in issues if "\n" in issue.message]
