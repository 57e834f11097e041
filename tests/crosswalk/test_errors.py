"""Inputs a crosswalk cannot handle get a clear error or issue code, never a crash."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pytest
from lxml import etree

from ir_ingest.crosswalk import crosswalk_record, for_element
from ir_ingest.documents import read_file
from ir_ingest.errors import CrosswalkError
from ir_ingest.pipeline import process
from tests.conftest import FIXTURES

if TYPE_CHECKING:
    from pathlib import Path

MODS = FIXTURES / "records" / "mods"


def test_wrong_namespace_names_both_namespaces() -> None:
    with pytest.raises(CrosswalkError) as caught:
        read_file(MODS / "wrong-namespace.xml")
    assert caught.value.code == "crosswalk.wrong_namespace"
    assert "http://www.loc.gov/mods/v3" in str(caught.value)
    assert "wrong-namespace.xml" in str(caught.value)


@pytest.mark.parametrize(
    ("xml", "prefix", "code"),
    [
        (
            b"<marc:record xmlns:marc='http://www.loc.gov/MARC21/slim'/>",
            None,
            "crosswalk.unknown_format",
        ),
        (b"<x/>", "marcxml", "crosswalk.unknown_format"),
        (b"<mods xmlns='http://www.loc.gov/mods/v3'/>", "oai_dc", "crosswalk.wrong_root"),
        (b"<dc xmlns='http://example.org/not-dc/'/>", "oai_dc", "crosswalk.wrong_namespace"),
        # A metadata root put in the OAI namespace (an OJS export) is no envelope.
        (
            b"<dc xmlns='http://www.openarchives.org/OAI/2.0/'/>",
            None,
            "crosswalk.wrong_namespace",
        ),
    ],
)
def test_unknown_or_mismatched_formats(xml: bytes, prefix: str | None, code: str) -> None:
    with pytest.raises(CrosswalkError) as caught:
        for_element(etree.fromstring(xml), prefix)
    assert caught.value.code == code


def test_an_oai_pmh_envelope_is_refused_saying_how_to_read_it() -> None:
    # The CLI reads whole responses; the Python API takes the metadata element.
    with pytest.raises(CrosswalkError, match=r"<OAI-PMH> is OAI-PMH's envelope.*process_file"):
        crosswalk_record((FIXTURES / "records" / "oai_dc" / "pure-chapter.xml").read_bytes())


@pytest.mark.parametrize(("prefix", "format_"), [("swepub_mods", "mods"), ("dc", "oai_dc")])
def test_a_prefix_that_names_no_crosswalk_is_told_by_the_root_element(
    prefix: str, format_: str
) -> None:
    # LibreCat announces MODS as swepub_mods too; the record says which crosswalk made it.
    folder = FIXTURES / "records" / format_
    path = next(p for p in sorted(folder.glob("*.xml")) if "wrong" not in p.name)
    (harvested,) = read_file(path)
    entry = process(dataclasses.replace(harvested, metadata_prefix=prefix))
    assert entry.record is not None
    assert entry.record.source.metadata_prefix == prefix
    assert entry.record.source.crosswalk == format_
    unknown = etree.fromstring(b"<x/>")
    with pytest.raises(CrosswalkError, match="no crosswalk is named 'marcxml', and cannot tell"):
        for_element(unknown, "marcxml")


def test_a_record_with_no_usable_title_is_an_issue_not_a_crash() -> None:
    (entry,) = [process(h) for h in read_file(MODS / "no-title.xml")]
    assert entry.record is not None
    assert entry.record.title is None
    assert "validate.missing_title" in [issue.code for issue in entry.issues]
    assert entry.has_errors


def test_format_detection_by_root_namespace() -> None:
    for folder, expected in (("mods", "mods"), ("oai_dc", "oai_dc"), ("qdc", "qdc")):
        path = next(
            p
            for p in sorted((FIXTURES / "records" / folder).glob("*.xml"))
            if p.name != "wrong-namespace.xml"
        )
        assert read_file(path)[0].metadata_prefix == expected


def test_a_collection_gives_one_record_per_member() -> None:
    records = read_file(MODS / "collection-two.xml")
    assert len({r.identifier for r in records}) == 2
    assert all(r.identifier.startswith("urn:sha256:") for r in records)
    titles = [process(r).record.title.value for r in records]  # type: ignore[union-attr]
    assert len(set(titles)) == 2


def test_a_collection_of_one_gives_that_record(tmp_path: Path) -> None:
    path = tmp_path / "one.xml"
    path.write_text(
        '<modsCollection xmlns="http://www.loc.gov/mods/v3"><mods>'
        "<titleInfo><title>The only one</title></titleInfo></mods></modsCollection>"
    )
    (harvested,) = read_file(path)
    entry = process(harvested)
    assert entry.record is not None, entry.issues
    assert entry.record.title is not None
    assert entry.record.title.value == "The only one"
    assert harvested.raw.startswith(b"<mods ")


def test_crosswalk_api_accepts_bytes(tmp_path: Path) -> None:
    data = (MODS / "seed-chapter.xml").read_bytes()
    record = crosswalk_record(data).record
    assert record.host is not None
    assert [e.family_name for e in record.host.editors] == ["Brandsen", "Verschuere", "Steen"]


@pytest.mark.parametrize(
    "page", [b"<HTML><BODY/></HTML>", b'<html xmlns="http://www.w3.org/1999/xhtml"/>']
)
def test_a_well_formed_html_page_is_named_as_one(page: bytes) -> None:
    with pytest.raises(CrosswalkError, match="the document is an HTML page") as caught:
        for_element(etree.fromstring(page), None)
    assert caught.value.code == "crosswalk.unknown_format"


def test_a_root_in_no_namespace_is_said_so() -> None:
    """A crosswalk of one's own whose ``root:`` has no prefix expects its element in no
    namespace: the error had said "format 'mine' uses None" (a walkthrough)."""
    from ir_ingest.crosswalk import registry
    from ir_ingest.crosswalk.choice import _wrong_root

    mine = dataclasses.replace(registry()["oai_dc"], format="mine", roots=("dc",))
    dc = etree.fromstring(b"<dc xmlns='http://www.openarchives.org/OAI/2.0/oai_dc/'/>")
    said = str(_wrong_root(dc, mine))
    assert said == (
        "a dc element in namespace http://www.openarchives.org/OAI/2.0/oai_dc/; format 'mine' "
        "expects it in no namespace (its root:, dc, has no prefix)"
    )
    assert "None" not in said
