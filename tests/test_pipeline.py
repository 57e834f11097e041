"""The pipeline: one entry per record, and bad input becomes issues, never an exception."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from ir_ingest.crosswalk import add_crosswalk_dir
from ir_ingest.documents import read_file
from ir_ingest.entry import HarvestedRecord, Severity
from ir_ingest.errors import ConfigError, CrosswalkError
from ir_ingest.pipeline import process
from tests.conftest import misspelt_crosswalk

if TYPE_CHECKING:
    from pathlib import Path

OAI = "http://www.openarchives.org/OAI/2.0/"
DC_RECORD = (
    f'<record xmlns="{OAI}"><header><identifier>oai:x:1</identifier>'
    "<datestamp>2024-01-01</datestamp></header><metadata>"
    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/">{body}</oai_dc:dc></metadata></record>'
)


def _harvested(raw: bytes, deleted: bool = False) -> HarvestedRecord:
    return HarvestedRecord("urn:test", "oai:x:1", "2024-01-01", "oai_dc", raw, deleted=deleted)


def test_a_good_record_has_a_record_and_no_errors() -> None:
    body = "<dc:title>Eels</dc:title><dc:creator>Doe, Jane</dc:creator><dc:date>2020</dc:date>"
    entry = process(_harvested(DC_RECORD.format(body=body).encode()))
    assert entry.record is not None
    assert entry.record.source.raw_sha256 is not None
    assert not entry.has_errors


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"<record><unclosed></record>", "xml.malformed"),
        (b"", "xml.empty"),
        (b'<!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>', "xml.forbidden_dtd"),
        (f'<record xmlns="{OAI}"><header/></record>'.encode(), "oai.no_metadata"),
        (
            f'<record xmlns="{OAI}"><header/><metadata><mods/></metadata></record>'.encode(),
            "crosswalk.wrong_root",
        ),
    ],
)
def test_bad_input_becomes_an_error_issue(raw: bytes, code: str) -> None:
    entry = process(_harvested(raw))
    assert entry.record is None
    assert [issue.code for issue in entry.issues] == [code]
    assert entry.issues[0].severity is Severity.ERROR


@pytest.mark.usefixtures("isolated_crosswalks")
def test_a_broken_crosswalk_file_is_the_runs_failure_not_the_records(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # It failed every record as crosswalk.internal_error, with a traceback each.
    add_crosswalk_dir(misspelt_crosswalk(tmp_path / "mine").parent)
    body = "<dc:title>Eels</dc:title>"
    with pytest.raises(ConfigError, match="rule 1: host has no field 'titel'"):
        process(_harvested(DC_RECORD.format(body=body).encode()))
    assert not caplog.records, "nothing logged: the caller says it once"


def test_a_response_inside_a_records_metadata_is_said_so_to_a_manager(tmp_path: Path) -> None:
    # The message told a manager to call ir_ingest.pipeline.process_file (walkthrough 3).
    get_record = f'<GetRecord xmlns="{OAI}">{DC_RECORD.format(body="<dc:title>E</dc:title>")}'
    response = f'<OAI-PMH xmlns="{OAI}">{get_record}</GetRecord></OAI-PMH>'
    nested = f'<record xmlns="{OAI}"><header/><metadata>{response}</metadata></record>'
    entry = process(_harvested(nested.encode()))
    assert entry.record is None
    (issue,) = entry.issues
    assert (issue.code, issue.severity) == ("crosswalk.wrong_root", Severity.ERROR)
    assert issue.message.startswith(
        "this record's <metadata> holds OAI-PMH's <OAI-PMH> element, not a metadata record"
    )
    assert "the endpoint wraps a whole OAI-PMH response" in issue.message
    part = tmp_path / "part.xml"
    part.write_text(f"{get_record}</GetRecord>", encoding="utf-8")
    with pytest.raises(CrosswalkError) as caught:
        read_file(part)
    assert str(caught.value) == (
        f"{part}: the document holds OAI-PMH's <GetRecord> element, part of an OAI-PMH response: "
        "save the whole response, one OAI <record>, or the metadata record inside its "
        "<metadata>; import and crosswalk read each of those"
    )
    assert caught.value.code == "crosswalk.wrong_root"


def test_a_record_without_title_is_invalid_but_kept() -> None:
    entry = process(
        _harvested(DC_RECORD.format(body="<dc:title/><dc:date>n.d.</dc:date>").encode())
    )
    assert entry.record is not None
    codes = {issue.code for issue in entry.issues}
    assert {"validate.missing_title", "validate.missing_creator", "crosswalk.bad_value"} <= codes
    assert entry.has_errors
    assert entry.record.extra == {"dc:date": ["n.d."]}


def test_illegal_characters_are_an_issue_on_the_entry() -> None:
    body = "<dc:title>Bell\x07 title</dc:title><dc:creator>Doe, J.</dc:creator>"
    entry = process(_harvested(DC_RECORD.format(body=body).encode()))
    assert entry.record is not None
    assert entry.record.title is not None
    assert entry.record.title.value == "Bell title"
    assert "xml.illegal_characters" in [issue.code for issue in entry.issues]


def test_deleted_records_are_not_parsed() -> None:
    entry = process(_harvested(b"<not-even-xml", deleted=True))
    assert entry.issues == []
    assert entry.record is None


@pytest.mark.parametrize("datestamp", ["01/02/2020", "2024-13-01", "yesterday"])
def test_a_datestamp_that_is_no_date_is_a_warning_on_a_stored_record(datestamp: str) -> None:
    # It had passed without a word: which copy of the record is newer cannot be told by it.
    body = "<dc:title>Eels</dc:title><dc:creator>Doe, Jane</dc:creator><dc:date>2020</dc:date>"
    raw = DC_RECORD.format(body=body).encode()
    harvested = HarvestedRecord("urn:test", "oai:x:1", datestamp, "oai_dc", raw)
    entry = process(harvested)
    assert entry.record is not None
    assert not entry.has_errors
    [issue] = [issue for issue in entry.issues if issue.code == "oai.bad_datestamp"]
    assert issue.severity is Severity.WARNING
    assert repr(datestamp) in issue.message


@pytest.mark.parametrize(
    # Empty: a file's record has no header, so no datestamp.
    "datestamp",
    ["2024-01-01", "2024-01-01T10:00:00Z", "2024-01-01T12:00+02:00", ""],
)
def test_a_datestamp_that_reads_as_a_date_or_none_is_no_issue(datestamp: str) -> None:
    harvested = HarvestedRecord("urn:test", "oai:x:1", datestamp, "oai_dc", b"", deleted=True)
    assert process(harvested).issues == []
