"""An NSDL record in nsdl_dc and in the oai_dc jOAI's own stylesheet makes of it.

jOAI's ``nsdl_dc_v102_to_oai_dc.xsl`` (``xslt/joai`` in the shared corpus, run by libxslt
with access control denied) writes each refinement as its DC element (dct:abstract as
dc:description, dct:spatial and dct:temporal as dc:coverage) and drops the rest (dct:provenance,
dct:rightsHolder, the education terms).  qdc is the richer format: each value the oai_dc record
holds in a field, the nsdl_dc record holds in that field.  Before this test a DCMI Box in
dct:spatial ("name=Kestrel; northlimit=51.5; ...") was three places read as nsdl_dc and one in
oai_dc, a DCMI Period (dct:temporal, "start=1914; end=1918") became a place in oai_dc, and
places packed as CONTENTdm packs them ("Ashby; Kestrelford") were two read as nsdl_dc, one
in oai_dc.  The corpus's NSDL records (ReciprocalNet's) have no refinement: they agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from bench.corpus import corpus_records
from lxml import etree

from ir_ingest import xmlsafe
from tests.crosswalk.stylesheets import converted, not_in, record, stylesheet, values

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.corpus

BOX = "name=Kestrel; northlimit=51.5; southlimit=51.4; eastlimit=-1.2; westlimit=-1.3"
POINT = "east=-1.25; north=51.45; name=Kestrel Weir"
PERIOD = "name=The Great War; start=1914; end=1918"
NSDL_DC = f"""<nsdl_dc:nsdl_dc xmlns:nsdl_dc="http://ns.nsdl.org/nsdl_dc_v1.02/"
    xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dct="http://purl.org/dc/terms/"
    xmlns:ieee="http://www.ieee.org/xsd/LOMv1p0"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" schemaVersion="1.02.000">
  <dc:title>Tides of the Kestrel estuary</dc:title>
  <dct:alternative>Kestrel tides</dct:alternative>
  <dc:creator>Ferreira-Lund, Ingrid</dc:creator>
  <dc:contributor>Haverkamp, Wilma</dc:contributor>
  <dc:publisher>Kestrel Valley Press</dc:publisher>
  <dc:subject>Tides</dc:subject>
  <dc:subject xsi:type="nsdl_dc:GEM">Earth science</dc:subject>
  <dc:description>A lesson on tides.</dc:description>
  <dct:abstract>Students log the tide for a month.</dct:abstract>
  <dct:tableOfContents>1. Tides -- 2. Logging</dct:tableOfContents>
  <dc:date>2019</dc:date>
  <dct:created xsi:type="dct:W3CDTF">2018-05-02</dct:created>
  <dct:issued xsi:type="dct:W3CDTF">2019-03-01</dct:issued>
  <dct:modified xsi:type="dct:W3CDTF">2020-01-15</dct:modified>
  <dc:type xsi:type="dct:DCMIType">Text</dc:type>
  <dc:type xsi:type="nsdl_dc:NSDLType">Lesson/Lesson Plan</dc:type>
  <dc:format xsi:type="dct:IMT">application/pdf</dc:format>
  <dct:extent>12 pages</dct:extent>
  <dc:identifier xsi:type="dct:URI">https://example.org/tides/1</dc:identifier>
  <dc:identifier>doi:10.5555/tides.1</dc:identifier>
  <dc:language xsi:type="dct:ISO639-2">eng</dc:language>
  <dct:hasPart xsi:type="dct:URI">https://example.org/tides/1/worksheet</dct:hasPart>
  <dct:isVersionOf xsi:type="dct:URI">https://example.org/tides/0</dct:isVersionOf>
  <dc:coverage>Kestrel estuary</dc:coverage>
  <dct:spatial xsi:type="dct:Box">{BOX}</dct:spatial>
  <dct:spatial xsi:type="dct:Point">{POINT}</dct:spatial>
  <dct:spatial>Ashby; Kestrelford</dct:spatial>
  <dct:temporal>2018</dct:temporal>
  <dct:temporal xsi:type="dct:Period">{PERIOD}</dct:temporal>
  <dc:rights>Copyright 2019 Kestrel Valley Press</dc:rights>
  <dct:license xsi:type="dct:URI">http://creativecommons.org/licenses/by/4.0/</dct:license>
  <dct:rightsHolder>Kestrel Valley Press</dct:rightsHolder>
  <dct:provenance>Given by the author</dct:provenance>
  <dct:educationLevel xsi:type="nsdl_dc:NSDLEdLevel">Middle School</dct:educationLevel>
  <ieee:interactivityType>Active</ieee:interactivityType>
</nsdl_dc:nsdl_dc>""".encode()
#: oai_dc cannot say which date is the issue date, nor that a description is the contents.
MERGED = {"publication_date": "dates", "descriptions": "abstracts"}


@pytest.fixture
def joai(corpus: Path) -> etree.XSLT:
    return stylesheet(corpus / "xslt" / "joai" / "nsdl_dc_v102_to_oai_dc.xsl")


def _both(
    joai: etree.XSLT, element: etree._Element
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    nsdl = values(record(element, "qdc"), MERGED)
    dumbed_down = values(record(converted(joai, element), "oai_dc"), MERGED)
    return nsdl, dumbed_down


def test_what_the_oai_dc_says_the_nsdl_dc_says_in_the_same_field(joai: etree.XSLT) -> None:
    nsdl, dumbed_down = _both(joai, xmlsafe.parse(NSDL_DC).root)
    assert not_in(dumbed_down, nsdl) == {}
    # Both say places and periods alike: a DCMI Box, Point or Period is one value.
    for part in ("coverage.spatial", "coverage.temporal"):
        assert nsdl[part] == dumbed_down[part]
    assert dumbed_down["coverage.temporal"] == {"2018", PERIOD.casefold()}
    # What the stylesheet drops is only in the nsdl_dc (a loss of the stylesheet's).
    assert set(nsdl) - set(dumbed_down) == {"copyright_holders", "notes"}


def test_every_corpus_nsdl_record_says_in_oai_dc_only_what_it_says(joai: etree.XSLT) -> None:
    compared = 0
    for path, element, _ in corpus_records("qdc"):
        if etree.QName(element).localname != "nsdl_dc":
            continue
        nsdl, dumbed_down = _both(joai, element)
        assert not_in(dumbed_down, nsdl) == {}, path
        assert nsdl.keys() == dumbed_down.keys(), path
        compared += 1
    assert compared > 100
