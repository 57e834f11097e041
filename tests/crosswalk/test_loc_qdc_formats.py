"""A qualified DC record and the MODS LoC's ``QDC2MODS.xsl`` makes of it.

The stylesheet (``xslt/loc`` in the shared corpus, run by libxslt with access control denied,
its included vocabularies stand-ins: see ``stylesheets.LOC_STAND_INS``) reads the root
``qdc:qualifieddc`` of the epubs namespace (and an ``oai_qdc`` of a namespace CONTENTdm never
used): a CONTENTdm record is given that root.  It writes the fifteen elements in the dc
namespace and some refinements; CONTENTdm's dcterms:title, dcterms:creator and the like it
drops, as it drops dcterms:accessRights and dcterms:rightsHolder.  It writes dc:description as
a note, dc:contributor as a name without a role, every identifier as type "local", and a value
CONTENTdm packs ("a; b;") as it is.  Where both formats say a thing the same way, the records
agree: before this test, a street address written as the first dc:publisher (jOAI's sheet
music) was the MODS record's publisher, and a language packed "English; Czech" or "English;"
was none; before the corpus records' subjects, dates and coverage were compared, a subject, a
place or a period packed "a; b;" was one in MODS, and a date so packed none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from bench.corpus import corpus_records
from lxml import etree

from ir_ingest import xmlsafe
from tests.crosswalk.stylesheets import (
    LOC_STAND_INS,
    converted,
    not_in,
    record,
    stylesheet,
    values,
)

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.corpus

EPUBS_QDC = "{http://epubs.cclrc.ac.uk/xmlns/qdc/}qualifieddc"
QDC = b"""<qdc:qualifieddc xmlns:qdc="http://epubs.cclrc.ac.uk/xmlns/qdc/"
    xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">
  <dc:title>Songs of the Kestrel valley</dc:title>
  <dcterms:alternative>Kestrel songs</dcterms:alternative>
  <dc:creator>Ferreira-Lund, Ingrid</dc:creator>
  <dc:subject>Folk songs; Ballads;</dc:subject>
  <dc:subject>Rivers</dc:subject>
  <dc:publisher>12 Mill Lane West, Ashby,</dc:publisher>
  <dc:publisher>Kestrel Valley Press</dc:publisher>
  <dcterms:created>1918; 1919</dcterms:created>
  <dc:type>Text</dc:type>
  <dc:format>application/pdf</dc:format>
  <dcterms:extent>12 pages</dcterms:extent>
  <dc:language>English; Czech</dc:language>
  <dc:language>German;</dc:language>
  <dcterms:spatial>Kestrelford; Ashby</dcterms:spatial>
  <dcterms:temporal>1910-1919</dcterms:temporal>
</qdc:qualifieddc>"""
#: Where the formats say one thing two ways: MODS's dateCreated is the qdc's created date.
MERGED = {"publication_date": "dates"}
#: Fields both formats say the same way.
ALIKE = ("title.value", "additional_titles", "subjects", "publisher", "languages", "dates",
         "coverage.spatial", "coverage.temporal", "formats")  # fmt: skip
#: What a corpus record's MODS says that its qdc must say too (the stylesheet leaves some of
#: the qdc out: CONTENTdm's dcterms:subject, for one).
SAID = ("publisher", "title.value", "languages", "subjects", "dates", "coverage.spatial",
        "coverage.temporal")  # fmt: skip


@pytest.fixture
def qdc2mods(corpus: Path) -> etree.XSLT:
    return stylesheet(corpus / "xslt" / "loc" / "QDC2MODS.xsl", LOC_STAND_INS)


def _both(
    qdc2mods: etree.XSLT, element: etree._Element
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    as_read = values(record(element, "qdc"), MERGED)
    epubs = xmlsafe.parse(etree.tostring(element)).root
    epubs.tag = EPUBS_QDC  # the root the stylesheet reads (see above)
    return as_read, values(record(converted(qdc2mods, epubs), "mods"), MERGED)


def test_a_qdc_record_and_its_mods_say_alike_what_both_say_alike(qdc2mods: etree.XSLT) -> None:
    qdc, mods = _both(qdc2mods, xmlsafe.parse(QDC).root)
    assert {name: mods.get(name) for name in ALIKE} == {name: qdc.get(name) for name in ALIKE}
    assert mods["publisher"] == {"kestrel valley press"}
    assert mods["languages"] == {"eng", "ces", "deu"}
    assert mods["subjects"] == {"folk songs", "ballads", "rivers", "keyword"}  # and the scheme
    assert mods["dates"] == {"1918", "1919"}


def test_the_corpus_qdc_records_mods_says_nothing_else_its_qdc_says_alike(
    qdc2mods: etree.XSLT,
) -> None:
    compared = 0
    for path, element, _ in corpus_records("qdc"):
        if etree.QName(element).localname == "nsdl_dc":
            continue  # the stylesheet reads no NSDL record
        qdc, mods = _both(qdc2mods, element)
        said: dict[str, set[str]] = {name: mods[name] for name in SAID if name in mods}
        assert not_in(said, qdc) == {}, path
        compared += 1
    assert compared >= 8
