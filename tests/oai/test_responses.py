"""Reading OAI-PMH answers: Identify, ListMetadataFormats, ListSets and a page's outline.

Hand-written answers, parsed by the hardened parser as the client parses them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ir_ingest import xmlsafe
from ir_ingest.errors import MalformedResponseError
from ir_ingest.oai.responses import (
    int_or_none,
    read_formats,
    read_identify,
    read_sets,
    unread_page,
)

ASKED = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)


def _answer(body: str, response_date: str = "2026-11-30T12:00:03Z") -> xmlsafe.Parsed:
    xml = (
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        f"<responseDate>{response_date}</responseDate>{body}</OAI-PMH>"
    )
    return xmlsafe.parse(xml.encode())


def test_identify_is_read_with_the_endpoints_clock_against_ours() -> None:
    body = (
        "<Identify><repositoryName> Research Portal </repositoryName>"
        "<baseURL>https://portal.example/oai</baseURL><protocolVersion>2.0</protocolVersion>"
        "<earliestDatestamp>2001-01-01T00:00:00Z</earliestDatestamp>"
        "<deletedRecord>persistent</deletedRecord>"
        "<granularity>YYYY-MM-DDThh:mm:ssZ</granularity></Identify>"
    )
    identify = read_identify(_answer(body).root, ASKED, "https://portal.example/oai")
    assert identify.repository_name == "Research Portal"
    assert (identify.deleted_record, identify.granularity_stated) == ("persistent", True)
    assert not identify.day_granularity
    assert identify.clock_skew == timedelta(seconds=3)


@pytest.mark.parametrize("response_date", ["2026-11-30", "yesterday", ""])
def test_an_identify_without_granularity_or_a_readable_clock_is_read_as_days(
    response_date: str,
) -> None:
    # A date alone would read as midnight: a clock up to a day behind that is not.
    body = "<Identify><repositoryName>R</repositoryName></Identify>"
    identify = read_identify(_answer(body, response_date).root, ASKED, "u")
    assert (identify.granularity, identify.granularity_stated) == ("YYYY-MM-DD", False)
    assert identify.day_granularity
    assert identify.clock_skew is None


def test_an_identify_answer_without_identify_is_malformed() -> None:
    with pytest.raises(MalformedResponseError, match=r"^https://h\.example/oai: the Identify"):
        read_identify(_answer("<ListSets/>").root, ASKED, "https://h.example/oai")


def test_formats_and_sets_are_read_with_their_token() -> None:
    formats = _answer(
        "<ListMetadataFormats><metadataFormat><metadataPrefix> mods </metadataPrefix>"
        "<schema>https://www.loc.gov/standards/mods/v3/mods-3-7.xsd</schema>"
        "</metadataFormat></ListMetadataFormats>"
    )
    assert read_formats(formats.root) == [
        ("mods", "https://www.loc.gov/standards/mods/v3/mods-3-7.xsd", "")
    ]
    sets = _answer(
        "<ListSets><set><setSpec>theses</setSpec><setName>Theses</setName></set>"
        "<resumptionToken cursor='0'> t2 </resumptionToken></ListSets>"
    )
    assert read_sets(sets.root) == ([("theses", "Theses")], "t2")
    last = _answer("<ListSets><set><setSpec>a</setSpec></set><resumptionToken/></ListSets>")
    assert read_sets(last.root) == ([("a", "")], "")


def test_a_page_outline_is_read_and_its_records_left_unread() -> None:
    body = (
        "<ListRecords>"
        "<record><header><identifier>oai:x:1</identifier><datestamp>2021-03-01</datestamp>"
        "</header><metadata><x/></metadata></record>"
        "<record><header status='deleted'><identifier> oai:x:2 </identifier>"
        "<datestamp>2020-01-01</datestamp></header></record>"
        "<resumptionToken cursor='0' completeListSize='-5'>next</resumptionToken>"
        "</ListRecords>"
    )
    page = unread_page(_answer(body).root, b"<raw/>", "repo", "oai_dc")
    assert (page.size, page.records, page.unread) == (2, [], ("repo", "oai_dc"))
    assert page.identifiers == ("oai:x:1", "oai:x:2")
    assert (page.oldest_datestamp, page.newest_datestamp) == ("2020-01-01", "2021-03-01")
    # A negative count is none (§3.5.1): the progress bar shows no total rather than a wrong one.
    assert (page.token, page.cursor, page.complete_list_size) == ("next", 0, None)
    assert page.body == b"<raw/>"


@pytest.mark.parametrize(
    ("value", "number"), [("12", 12), ("0", 0), ("-1", None), ("1e3", None), (None, None)]
)
def test_a_count_is_a_whole_number_not_below_zero(value: str | None, number: int | None) -> None:
    assert int_or_none(value) == number
