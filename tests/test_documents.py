"""Files and saved OAI-PMH responses (documents.py): what import and crosswalk read, each record
then processed as a harvested one is."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from ir_ingest.documents import process_file, read_file
from ir_ingest.errors import CrosswalkError, XMLError
from ir_ingest.owners import FILE_REPOSITORY
from ir_ingest.pipeline import process
from tests.conftest import SEED_CHAPTER
from tests.test_pipeline import DC_RECORD, OAI

if TYPE_CHECKING:
    from pathlib import Path


def test_file_import_reads_the_endpoint_from_a_getrecord_response() -> None:
    harvested = read_file(SEED_CHAPTER)[0]
    assert harvested.repository == "https://research.example.ac.uk/ws/oai"
    assert harvested.identifier.endswith("3f2b8c1e-5d4a-4e7b-9a61-0c2d7e8f9a10")
    assert harvested.set_specs == ("openaire", "publications:year2020"), "sets have no order"


def test_a_record_saved_without_its_namespace_is_read_as_one(tmp_path: Path) -> None:
    # Tools that strip namespaces save harvested records so (DPLA's ingestion3 test data).
    bare = tmp_path / "bare.xml"
    bare.write_text(
        "<record><header><identifier>oai:wexcombe:7</identifier>"
        "<datestamp>2019-04-09T05:19:58Z</datestamp><setSpec>maps</setSpec></header>"
        '<metadata><mods:mods xmlns:mods="http://www.loc.gov/mods/v3"><mods:titleInfo>'
        "<mods:title>Harbour plan</mods:title></mods:titleInfo></mods:mods></metadata></record>",
        "utf-8",
    )
    [entry] = process_file(bare, None)
    assert (entry.harvested.identifier, entry.harvested.set_specs) == ("oai:wexcombe:7", ("maps",))
    assert entry.record is not None
    assert entry.record.title is not None
    assert entry.record.title.value == "Harbour plan"
    assert entry.harvested.raw == bare.read_bytes(), "the file is kept as it was"
    again = process(replace(entry.harvested, tree=None))  # as reprocess reads it back
    assert again.record is not None
    assert again.record.title == entry.record.title


def test_file_import_of_bare_metadata(tmp_path: Path) -> None:
    path = tmp_path / "bare.xml"
    path.write_text(
        DC_RECORD.format(body="<dc:title>T</dc:title>")
        .split("<metadata>")[1]
        .split("</metadata>")[0],
        encoding="utf-8",
    )
    harvested = read_file(path)[0]
    assert harvested.repository == FILE_REPOSITORY
    assert harvested.identifier.startswith("urn:sha256:")
    # The same record in another file of any name is the same record; another record is not.
    copy = tmp_path / "elsewhere" / "export.xml"
    copy.parent.mkdir()
    copy.write_bytes(path.read_bytes())
    assert read_file(copy)[0].identifier == harvested.identifier
    other = tmp_path / "other.xml"
    other.write_text(path.read_text().replace(">T<", ">U<"), encoding="utf-8")
    assert read_file(other)[0].identifier != harvested.identifier


def test_file_import_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.xml"
    bad.write_text("<record>", encoding="utf-8")
    with pytest.raises(XMLError, match=r"broken\.xml"):
        read_file(bad)
    unknown = tmp_path / "unknown.xml"
    unknown.write_text("<marc:record xmlns:marc='http://www.loc.gov/MARC21/slim'/>", "utf-8")
    with pytest.raises(CrosswalkError, match=r"unknown\.xml.*cannot tell the format") as caught:
        read_file(unknown)
    assert caught.value.code == "crosswalk.unknown_format"
    with pytest.raises(XMLError, match=r"missing\.xml: cannot read"):
        read_file(tmp_path / "missing.xml")


def test_a_response_without_oai_pmhs_namespace_is_said_so(tmp_path: Path) -> None:
    """A saved response whose <OAI-PMH> lost its xmlns (Invenio's test sample, a copy made by
    hand) had been "cannot tell the format of a OAI-PMH element" (a walkthrough)."""
    bare = tmp_path / "bare.xml"
    bare.write_text(
        "<OAI-PMH><request verb='GetRecord'>http://x/oai</request><GetRecord><record><header>"
        "<identifier>oai:x:1</identifier></header><metadata><arXiv><id>1</id></arXiv>"
        "</metadata></record></GetRecord></OAI-PMH>",
        "utf-8",
    )
    with pytest.raises(CrosswalkError) as caught:
        read_file(bare)
    assert caught.value.code == "crosswalk.unknown_format"
    assert str(caught.value) == (
        f"{bare}: an <OAI-PMH> element in no namespace: an OAI-PMH response declares "
        'xmlns="http://www.openarchives.org/OAI/2.0/" on it, and this one does not (a copy '
        "edited by hand?); add it to read the file"
    )
    unknown = tmp_path / "unknown.xml"
    unknown.write_text("<x/>", "utf-8")
    with pytest.raises(CrosswalkError) as caught:
        read_file(unknown)
    assert "cannot tell the format of <x> (in no namespace) (known formats:" in str(caught.value)
    unknown.write_text("<marc:record xmlns:marc='http://www.loc.gov/MARC21/slim'/>", "utf-8")
    with pytest.raises(CrosswalkError) as caught:
        read_file(unknown)
    assert "of <record> (in namespace http://www.loc.gov/MARC21/slim) (known" in str(caught.value)


def test_a_saved_oai_error_response_says_what_the_endpoint_said(tmp_path: Path) -> None:
    answer = tmp_path / "error.xml"
    answer.write_text(
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2024-01-01'
        '</responseDate><request verb="GetRecord">http://x/oai</request><error code='
        '"idDoesNotExist">No such\n        record.</error></OAI-PMH>',
        "utf-8",
    )
    with pytest.raises(XMLError, match="error response: idDoesNotExist: No such record") as caught:
        read_file(answer)
    assert caught.value.code == "oai.error_response"
    # An error that says nothing more ends in its code (it had ended in "noRecordsMatch: ").
    answer.write_text(f'<OAI-PMH xmlns="{OAI}"><error code="badArgument"/></OAI-PMH>', "utf-8")
    with pytest.raises(XMLError) as caught:
        read_file(answer)
    assert str(caught.value).endswith("the document is an OAI-PMH error response: badArgument")


@pytest.mark.parametrize("code", ["noRecordsMatch", " NoRecordsMatch"])
def test_a_saved_norecordsmatch_answer_is_an_empty_result(tmp_path: Path, code: str) -> None:
    """As a harvest reads it (§3.6), with its code written as the harvest accepts it: it had
    been refused as an error response."""
    answer = tmp_path / "empty.xml"
    answer.write_text(f'<OAI-PMH xmlns="{OAI}"><error code="{code}"/></OAI-PMH>', "utf-8")
    assert read_file(answer) == []
    assert process_file(answer) == []


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        ("<Identify/>", ": it answers Identify; import and crosswalk read GetRecord and Lis"),
        ("<ListIdentifiers/>", ": it answers ListIdentifiers (headers only); import and"),
        ("<ListRecords/>", ""),
    ],
)
def test_a_saved_response_without_records_says_what_it_answers(
    tmp_path: Path, answer: str, said: str
) -> None:
    """A saved Identify had been said to hold "no record", as if it were an empty list."""
    path = tmp_path / "answer.xml"
    path.write_text(
        f'<OAI-PMH xmlns="{OAI}"><responseDate>2024-01-01T00:00:00Z</responseDate>'
        f"<request>https://repo.example/oai</request><!-- saved -->{answer}</OAI-PMH>",
        encoding="utf-8",
    )
    with pytest.raises(XMLError) as caught:
        read_file(path)
    assert caught.value.code == "oai.no_metadata"
    assert f"the OAI-PMH response holds no record{said}" in str(caught.value)
    assert str(caught.value).endswith("responses") == bool(said)


def test_file_import_of_a_listrecords_response_reads_every_record(tmp_path: Path) -> None:
    records = "".join(
        f"<record><header><identifier>oai:x:{n}</identifier><datestamp>2024-01-0{n}</datestamp>"
        "</header><metadata>"
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>T{n}</dc:title></oai_dc:dc>'
        "</metadata></record>"
        for n in (1, 2, 3)
    )
    deleted = '<record><header status="deleted"><identifier>oai:x:4</identifier></header></record>'
    path = tmp_path / "page.xml"
    path.write_text(
        f'<OAI-PMH xmlns="{OAI}"><request>https://repo.example/oai</request><ListRecords>'
        f"{records}{deleted}</ListRecords></OAI-PMH>",
        encoding="utf-8",
    )
    harvested = read_file(path)
    assert [h.identifier for h in harvested] == ["oai:x:1", "oai:x:2", "oai:x:3", "oai:x:4"]
    assert [h.deleted for h in harvested] == [False, False, False, True]
    titles = [process(h).record.title.value for h in harvested[:3]]  # type: ignore[union-attr]
    assert titles == ["T1", "T2", "T3"]


def test_a_deletion_whose_header_names_no_identifier_is_refused(tmp_path: Path) -> None:
    # Stored, it had been a tombstone of oai_identifier "" (export: a deletion of nothing, which
    # every import of such a file named alike); a harvest keeps such a record as a reject.
    live = (
        "<record><header><identifier>oai:x:1</identifier><datestamp>2024-01-01</datestamp>"
        '</header><metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>T</dc:title></oai_dc:dc>'
        "</metadata></record>"
    )
    deleted = (
        '<record><header status="deleted"><identifier> </identifier>'
        "<datestamp>2024-01-02</datestamp></header></record>"
    )
    path = tmp_path / "page.xml"
    path.write_text(
        f'<OAI-PMH xmlns="{OAI}"><request>https://repo.example/oai</request><ListRecords>'
        f"{live}{deleted}</ListRecords></OAI-PMH>",
        encoding="utf-8",
    )
    with pytest.raises(XMLError, match="names no identifier") as refused:
        read_file(path)
    assert refused.value.code == "oai.no_identifier"


@pytest.mark.parametrize(
    ("request_text", "repository"),
    [
        ("https://repo.example/oai", "https://repo.example/oai"),
        # a key in a saved response's <request> had been stored whole, and shown by import
        ("https://repo.example/oai?apikey=K3Y", "https://repo.example/oai?apikey=***"),
        # some servers write the whole request: its OAI arguments are no part of the endpoint
        (
            "https://repo.example/oai?verb=GetRecord&amp;identifier=oai:x:1&amp;metadataPrefix=oai_dc",
            "https://repo.example/oai",
        ),
        # DSpace writes the path alone: "/oai" had become the repository of its records
        ("/oai", FILE_REPOSITORY),
        ("", FILE_REPOSITORY),
        ("http://[::1/oai", FILE_REPOSITORY),
    ],
)
def test_a_saved_response_names_its_repository_by_the_endpoint_its_request_names(
    tmp_path: Path, request_text: str, repository: str
) -> None:
    path = tmp_path / "getrecord.xml"
    path.write_text(
        f'<OAI-PMH xmlns="{OAI}"><request verb="GetRecord">{request_text}</request><GetRecord>'
        "<record><header><identifier>oai:x:1</identifier><datestamp>2024-01-01</datestamp>"
        f"</header><metadata>{_dc('T')}</metadata></record></GetRecord></OAI-PMH>",
        encoding="utf-8",
    )
    assert [h.repository for h in read_file(path)] == [repository]


def _dc(title: str) -> str:
    return (
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<dc:title>{title}</dc:title>\n</oai_dc:dc>'
    )


def test_a_repaired_record_of_a_listrecords_file_keeps_its_issue(tmp_path: Path) -> None:
    records = "".join(
        f"<record>\n<header><identifier>oai:x:{n}</identifier><datestamp>2024-01-01</datestamp>"
        f"</header>\n<metadata>{_dc(title)}</metadata>\n</record>\n"
        for n, title in ((1, "Clean"), (2, "Bell\x0b title"), (3, "Clean too"))
    )
    path = tmp_path / "page.xml"
    path.write_bytes(
        f'<OAI-PMH xmlns="{OAI}"><ListRecords>\n{records}</ListRecords></OAI-PMH>'.encode()
    )

    entries = process_file(path)

    repairs = [[i for i in entry.issues if i.code.startswith("xml.")] for entry in entries]
    assert [[issue.code for issue in found] for found in repairs] == [
        [],
        ["xml.illegal_characters"],
        [],
    ]
    assert "(1 at line 11)" in repairs[1][0].message
    assert entries[1].record is not None
    assert entries[1].record.title is not None
    assert entries[1].record.title.value == "Bell title"


def test_a_mislabelled_page_is_read_record_by_record_by_import_as_by_harvest(
    tmp_path: Path,
) -> None:
    """Judged on the whole page, one UTF-8 character to two stray bytes read the page as
    declared ("CafÃ©"); a harvest reads each record alone, and got "Café" (a walkthrough
    saw a record flip between the two at every run)."""
    body = (
        f'<?xml version="1.0" encoding="ISO-8859-1"?>\n<OAI-PMH xmlns="{OAI}"><ListRecords>\n'
        + "".join(
            f"<record>\n<header><identifier>oai:x:{n}</identifier><datestamp>2024-01-01"
            f"</datestamp></header>\n<metadata>{_dc(title)}</metadata>\n</record>\n"
            for n, title in ((1, "Café"), (2, "Plain"), (3, "@Plain@ thr#e"))
        )
        + "</ListRecords></OAI-PMH>"
    ).encode()
    path = tmp_path / "page.xml"
    path.write_bytes(body.replace(b"@", b"\x93", 1).replace(b"@", b"\x94").replace(b"#", b"\xe9"))

    entries = process_file(path)

    titles = [e.record.title.value for e in entries if e.record and e.record.title]
    assert titles == ["Café", "Plain", "“Plain” thrée"]
    said = [[i.code for i in entry.issues if i.code.startswith("xml.")] for entry in entries]
    assert said == [["xml.wrong_encoding"], [], ["xml.wrong_encoding"]]
    # Records are paired by place, not by identifier, which may repeat.
    path.write_bytes(path.read_bytes().replace(b"oai:x:2", b"oai:x:1"))
    titles = [e.record.title.value for e in process_file(path) if e.record and e.record.title]
    assert titles == ["Café", "Plain", "“Plain” thrée"]


def test_a_repaired_member_of_a_collection_keeps_its_issue(tmp_path: Path) -> None:
    mods = "http://www.loc.gov/mods/v3"
    members = "\n".join(
        f"<mods><titleInfo><title>{title}</title></titleInfo></mods>"
        for title in ("Bell\x0b title", "Clean")
    )
    path = tmp_path / "collection.xml"
    path.write_bytes(f'<modsCollection xmlns="{mods}">\n{members}\n</modsCollection>'.encode())

    entries = process_file(path)

    assert [[i.code for i in e.issues if i.code.startswith("xml.")] for e in entries] == [
        ["xml.illegal_characters"],
        [],
    ]


def test_a_repaired_single_record_file_reports_its_repair_once(tmp_path: Path) -> None:
    path = tmp_path / "one.xml"
    path.write_bytes(_dc("Bell\x0b title").encode())

    (entry,) = process_file(path)

    assert [i.code for i in entry.issues if i.code.startswith("xml.")] == ["xml.illegal_characters"]
