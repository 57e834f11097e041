"""The MODS crosswalk on the seed chapter: exactly the record DESIGN.md describes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from lxml import etree

from ir_ingest.crosswalk import CrosswalkResult, crosswalk_record, registry
from ir_ingest.documents import read_file
from ir_ingest.pipeline import process
from tests.conftest import FIXTURES

SEED_MODS = FIXTURES / "records" / "mods" / "seed-chapter.xml"


def test_seed_chapter_as_mods_gives_the_design_record() -> None:
    (entry,) = [process(h) for h in read_file(SEED_MODS)]
    assert entry.record is not None
    record = entry.record.to_dict()
    assert record["resource_type"]["uri"] == "http://purl.org/coar/resource_type/c_3248"
    assert (
        record["resource_type"]["source"]["label"] == "Chapter in Book/Report/Conference proceeding"
    )
    assert record["title"]["value"] == "Who is in the lead?"
    assert record["subtitle"]["value"] == "New perspectives on leading service co-production"
    assert [(a["family_name"], a["given_name"], a["role"]) for a in record["creators"]] == [
        ("Schlappa", "Hans", "aut"),
        ("Imani", "Yassaman", "aut"),
    ]
    assert "contributors" not in record, "the editors edit the book, not the chapter"
    host = record["host"]
    assert host["title"] == "Co-production and co-creation"
    assert host["subtitle"] == "Engaging citizens in service delivery"
    assert [(e["family_name"], e["given_name"], e["role"]) for e in host["editors"]] == [
        ("Brandsen", "Taco", "edt"),
        ("Verschuere", "Bram", "edt"),
        ("Steen", "Trui", "edt"),
    ]
    assert host["identifiers"] == [
        {"scheme": "isbn", "value": "9781315204956", "qualifier": "electronic"},
        {"scheme": "isbn", "value": "9780367735012", "qualifier": "print"},
        {"scheme": "isbn", "value": "9781138700116", "qualifier": "print"},
    ]
    assert (host["publisher"], host["place"]) == ("Taylor & Francis Group", "New York")
    assert (record["publisher"], record["place_of_publication"]) == (
        "Taylor & Francis Group",
        "New York",
    )
    assert record["peer_reviewed"] is True
    assert record["publication_status"] == "published"
    assert record["publication_date"] == "2020-12-18"
    assert record["languages"] == ["eng"]
    assert record["extent"] == {"pages": 10}
    assert [s["value"] for s in record["subjects"]] == [
        "Public Services",
        "leadership theory and development",
    ]
    assert record["source_stats"] == {"downloads": 8}
    assert record["abstracts"][0]["value"].count("\n\n") == 1, "the two paragraphs are kept"
    assert not entry.has_errors


def test_origin_info_events_and_date_qualifiers() -> None:
    # Production, distribution and publication events: the publication's imprint and date win
    # wherever they stand; its approximate year is kept as written and the qualifier named.
    entry = process(read_file(FIXTURES / "records" / "mods" / "origininfo-events.xml")[0])
    assert entry.record is not None
    record = entry.record.to_dict()
    assert (record["publisher"], record["publication_date"]) == ("Pub Y", "1850")
    assert {"date": "1846/1848", "type": "created"} in record["dates"]
    assert record["extra"]["mods:originInfo/mods:dateIssued/@qualifier"] == ["approximate"]
    assert [i.code for i in entry.issues if "approximate" in i.message] == [
        "crosswalk.date_qualifier"
    ]


def _mods(body: str) -> tuple[dict[str, Any], CrosswalkResult]:
    xml = (
        '<mods xmlns="http://www.loc.gov/mods/v3"><titleInfo><title>T</title></titleInfo>'
        f"{body}</mods>"
    )
    result = crosswalk_record(etree.fromstring(xml), "mods")
    return result.record.to_dict(), result


def test_an_organisation_s_display_form_is_not_lost() -> None:
    # An untyped name whose part names an organisation: the display form has no place on an
    # organisation and stays in extra (it was consumed and dropped).
    record, result = _mods(
        "<name><namePart>World Health Organization</namePart><displayForm>WHO</displayForm></name>"
    )
    assert record["creators"] == [{"type": "organizational", "name": "World Health Organization"}]
    assert record["extra"]["mods:name/mods:displayForm"] == ["WHO"]
    kept = sum(len(values) for values in record["extra"].values())
    assert (result.source_values, result.consumed_values, kept) == (3, 2, 1)


def test_a_personal_name_is_never_an_organisation() -> None:
    # @type="personal" settles it: Center is a surname here, whatever the word means elsewhere.
    record, result = _mods(
        '<name type="personal"><namePart>Center, Mary</namePart>'
        "<displayForm>Mary Center</displayForm></name>"
    )
    (creator,) = record["creators"]
    assert "type" not in creator, "personal, the default"
    assert (creator["family_name"], creator["given_name"]) == ("Center", "Mary")
    assert creator["name"] == "Mary Center"
    assert "extra" not in record
    assert result.source_values == result.consumed_values == 3


@pytest.mark.parametrize(
    "untyped",
    [
        '<dateIssued point="start">1990</dateIssued><dateIssued point="end">1995</dateIssued>',
        '<dateIssued keyDate="yes">1990</dateIssued>',
    ],
)
def test_the_publication_event_s_date_wins_over_an_untyped_range_or_key_date(
    untyped: str,
) -> None:
    record, _ = _mods(
        f"<originInfo>{untyped}</originInfo>"
        '<originInfo eventType="publication"><dateIssued>2001</dateIssued></originInfo>'
    )
    assert record["publication_date"] == "2001"
    assert record["extra"]["mods:originInfo/mods:dateIssued"][0] == "1990"


def test_each_origin_info_s_creation_range_is_one_interval() -> None:
    record, _ = _mods(
        "<originInfo>"
        '<dateCreated point="start">1846</dateCreated><dateCreated point="end">1848</dateCreated>'
        '</originInfo><originInfo eventType="production">'
        '<dateCreated point="start">1850</dateCreated><dateCreated point="end">1851</dateCreated>'
        "</originInfo>"
    )
    assert record["dates"] == [
        {"date": "1846/1848", "type": "created"},
        {"date": "1850/1851", "type": "created"},
    ]


def test_parts_of_the_work_itself_make_no_host() -> None:
    # A second walkthrough found a book's poems (two top-level parts) read as a host's pages.
    def mods(parts: str) -> bytes:
        return (
            "<mods xmlns='http://www.loc.gov/mods/v3'><titleInfo><title>Poems</title></titleInfo>"
            f"{parts}</mods>"
        ).encode()

    part = "<part><extent unit='pages'><start>{}</start><end>{}</end></extent></part>"
    single = crosswalk_record(mods(part.format(97, 98)), "mods").record
    assert single.host is not None
    assert single.host.pages is not None
    assert (single.host.pages.start, single.host.pages.end) == ("97", "98")
    several = crosswalk_record(mods(part.format(97, 98) + part.format(99, 100)), "mods").record
    assert several.host is None
    assert several.extra["mods:part/mods:extent/mods:start"] == ["97", "99"]


def test_a_pre_coordinated_heading_is_one_subject_and_its_places_still_coverage() -> None:
    record, _ = _mods(
        '<subject authority="lcsh" valueURI="http://id.loc.gov/authorities/subjects/sh1">'
        "<geographic>Vennmark</geographic><topic>History</topic><temporal>1880-1900</temporal>"
        "</subject>"
        # FAST's terms are facets, each with its URI: not one heading (a review).
        '<subject authority="fast"><topic valueURI="http://id.worldcat.org/fast/1">Cats</topic>'
        '<topic valueURI="http://id.worldcat.org/fast/2">Dogs</topic></subject>'
    )
    assert record["subjects"] == [
        {
            "value": "Vennmark--History--1880-1900",
            "scheme": "lcsh",
            "uri": "http://id.loc.gov/authorities/subjects/sh1",
        },
        {"value": "Cats", "scheme": "fast", "uri": "http://id.worldcat.org/fast/1"},
        {"value": "Dogs", "scheme": "fast", "uri": "http://id.worldcat.org/fast/2"},
    ]
    assert record["coverage"] == {"spatial": ["Vennmark"], "temporal": ["1880-1900"]}


def test_an_lcsh_heading_whose_terms_have_uris_is_still_one_heading() -> None:
    # Split as FAST's facets, "History" had stood alone and the heading's URI gone (a review).
    record, _ = _mods(
        '<subject authority="lcsh" valueURI="http://id.loc.gov/authorities/subjects/sh2">'
        '<geographic valueURI="http://id.loc.gov/authorities/names/n1">Vennmark</geographic>'
        "<topic>History</topic></subject>"
        '<subject authority="mesh"><topic>Lung Diseases</topic><topic>epidemiology</topic>'
        "</subject>"
    )
    assert [(s["value"], s.get("uri")) for s in record["subjects"]] == [
        ("Vennmark--History", "http://id.loc.gov/authorities/subjects/sh2"),
        ("Lung Diseases--epidemiology", None),
    ]


def test_a_heading_of_names_and_a_topic_keeps_every_name_as_a_subject_of_its_own() -> None:
    # LCSH's "Lincoln, Abraham, 1809-1865--Assassination" had been two subjects, "Lincoln,
    # Abraham" and "Assassination", and the heading's URI had gone to extra.
    record, _ = _mods(
        '<subject authority="lcsh" valueURI="http://id.loc.gov/authorities/subjects/sh3">'
        '<name type="personal" valueURI="http://id.loc.gov/authorities/names/n3">'
        "<namePart type='family'>Quill</namePart><namePart type='given'>Harriet</namePart>"
        "<namePart type='date'>1790-1861</namePart></name>"
        "<name type='corporate'><namePart>Vennmark Lamp Company</namePart></name>"
        "<topic>Correspondence</topic></subject>"
    )
    assert [(s["value"], s["scheme"], s.get("uri")) for s in record["subjects"]] == [
        (
            "Quill, Harriet, 1790-1861--Correspondence",
            "lcsh",
            "http://id.loc.gov/authorities/subjects/sh3",
        ),
        ("Quill, Harriet, 1790-1861", "lcsh", "http://id.loc.gov/authorities/names/n3"),
        ("Vennmark Lamp Company", "lcsh", None),
    ]
    assert "extra" not in record


def test_a_heading_s_name_has_its_own_life_dates_not_another_name_s() -> None:
    # Two names in one subject: the first heads it, and the second's dates are not the first's.
    record, _ = _mods(
        '<subject authority="lcsh"><name type="personal"><namePart>Roe, Ada</namePart></name>'
        "<name type='personal'><namePart>Quill, Harriet</namePart>"
        "<namePart type='date'>1790-1861</namePart></name><topic>Correspondence</topic></subject>"
    )
    assert [s["value"] for s in record["subjects"]] == [
        "Roe, Ada--Correspondence",
        "Roe, Ada",
        "Quill, Harriet, 1790-1861",
    ]


def test_a_heading_s_name_with_only_its_family_part_typed_has_its_given_name() -> None:
    # The untyped part beside the family part is the given name in the heading as in the
    # name's own subject: the heading had been "Quill, 1790-1861--Correspondence".
    record, _ = _mods(
        '<subject authority="lcsh"><name type="personal"><namePart type="family">Quill'
        "</namePart><namePart>Harriet</namePart><namePart type='date'>1790-1861</namePart>"
        "</name><topic>Correspondence</topic></subject>"
    )
    assert [s["value"] for s in record["subjects"]] == [
        "Quill, Harriet, 1790-1861--Correspondence",
        "Quill, Harriet, 1790-1861",
    ]


def test_a_photographs_collection_written_as_host_is_none_however_its_type_is_spelt() -> None:
    record, _ = _mods(
        "<typeOfResource>Image</typeOfResource>"
        "<physicalDescription><form>image/jpeg</form><form>Postcard</form></physicalDescription>"
        "<relatedItem type='host'><titleInfo><title>Harbour Photographs</title></titleInfo>"
        "</relatedItem>"
    )
    assert "host" not in record
    assert record["formats"] == ["image/jpeg"], "a form that is a media type is a format"


#: NYPL's folder hierarchy: each folder a host of the one below, known by the library's own
#: identifiers (a uuid, a legacy local_hades number).
_FOLDERS = (
    "<relatedItem type='host'><titleInfo><title>Portraits, K</title></titleInfo>"
    "<identifier type='uuid'>6f1c2e50-0000-4000-8000-000000000001</identifier>"
    "<identifier type='local_hades'>1001</identifier>"
    "<relatedItem type='host'><titleInfo><title>Portrait file</title></titleInfo>"
    "<identifier type='uuid'>6f1c2e50-0000-4000-8000-000000000002</identifier>"
    "</relatedItem></relatedItem>"
)


@pytest.mark.parametrize("kind", ["still image", "text"])
def test_a_folder_in_a_collection_written_as_hosts_is_related(kind: str) -> None:
    # A print's folders (no text: a collection), or a letter's (a folder in a folder).
    record, result = _mods(f"<typeOfResource>{kind}</typeOfResource>{_FOLDERS}")
    assert "host" not in record
    assert record["related"] == [
        {
            "scheme": "uuid",
            "value": "6f1c2e50-0000-4000-8000-000000000001",
            "relation": "IsPartOf",
        }
    ]
    assert record["extra"]["mods:relatedItem/mods:titleInfo/mods:title"] == ["Portraits, K"]
    kept = sum(len(values) for values in record["extra"].values())
    assert result.consumed_values + kept == result.source_values


@pytest.mark.parametrize(
    "kind",
    [
        "<typeOfResource collection='yes'>text</typeOfResource>",
        "<typeOfResource>mixed material</typeOfResource>",
    ],
)
def test_a_host_its_own_type_calls_a_collection_is_related(kind: str) -> None:
    # A family's papers have a creator and dates, which had passed for a publication's.
    record, _ = _mods(
        "<typeOfResource>text</typeOfResource><relatedItem type='host'>"
        f"<titleInfo><title>Ashgrove family papers</title></titleInfo>{kind}"
        "<name type='family'><namePart>Ashgrove</namePart></name>"
        "<originInfo><dateCreated>1850-1920</dateCreated></originInfo>"
        "<location><url>https://archives.example.org/ashgrove</url></location></relatedItem>"
    )
    assert "host" not in record
    assert record["related"] == [
        {"scheme": "url", "value": "https://archives.example.org/ashgrove", "relation": "IsPartOf"}
    ]


def test_a_host_that_is_only_a_finding_aid_s_link_is_related() -> None:
    # FSU's newsletter in a collection: the host had been taken, with nothing for any of its
    # fields, and the link left in extra, where its sister records' gave a related item.
    aid = "https://purl.example.org/findingaids/MSS-17"
    record, _ = _mods(
        "<typeOfResource>text</typeOfResource><relatedItem type='host'><location>"
        f"<url displayLabel='Finding Aid'>{aid}</url></location></relatedItem>"
    )
    assert "host" not in record
    assert record["related"] == [{"scheme": "url", "value": aid, "relation": "IsPartOf"}]
    # A journal known by its ISSN and the article's place in it, with no title, stays a host.
    record, _ = _mods(
        "<typeOfResource>text</typeOfResource><relatedItem type='host'>"
        "<identifier type='issn'>0378-5955</identifier><part><detail type='volume'>"
        "<number>12</number></detail></part></relatedItem>"
    )
    assert (record["host"]["identifiers"][0]["value"], record["host"]["volume"]) == (
        "03785955",
        "12",
    )


@pytest.mark.parametrize(
    "body",
    [
        # A map's atlas, known by the library's uuid, is its host.
        "<typeOfResource>cartographic</typeOfResource><relatedItem type='host'><titleInfo>"
        "<title>Atlas of the Harbour Ward</title></titleInfo>"
        "<identifier type='uuid'>6f1c2e50-0000-4000-8000-000000000003</identifier></relatedItem>",
        # An article's journal with a local number, in no host itself.
        "<typeOfResource>text</typeOfResource><genre>article</genre><relatedItem type='host'>"
        "<titleInfo><title>Journal of Port Engineering</title></titleInfo>"
        "<identifier type='local'>J-17</identifier></relatedItem>",
        # A plate's book: an ISBN is a publication's, beside a local number.
        "<typeOfResource>still image</typeOfResource><relatedItem type='host'><titleInfo>"
        "<title>Harbour Views</title></titleInfo><identifier type='isbn'>9780306406157</identifier>"
        "<identifier type='local'>B-9</identifier></relatedItem>",
    ],
)
def test_a_host_with_a_local_identifier_may_still_be_a_publication(body: str) -> None:
    record, _ = _mods(body)
    assert record["host"]["title"]


def test_a_dspace_community_named_as_host_is_no_host() -> None:
    # OKHub's MODS of a ShareOK fact sheet: the host is the community of the service that is
    # also named as a contributor (see hosts.organisation_host).
    record, result = _mods(
        "<name><namePart>Kestrel County Extension Service</namePart>"
        "<role><roleTerm type='text'>contributor</roleTerm></role></name>"
        "<typeOfResource>text</typeOfResource><genre>newsletter</genre>"
        "<relatedItem type='host'><titleInfo><title>Kestrel County Extension Service</title>"
        "</titleInfo></relatedItem>"
    )
    assert "host" not in record
    assert record["extra"]["mods:relatedItem/mods:titleInfo/mods:title"] == [
        "Kestrel County Extension Service"
    ]
    kept = sum(len(values) for values in record["extra"].values())
    assert result.consumed_values + kept == result.source_values


def test_an_events_agent_as_publisher_and_an_abstract_not_to_share() -> None:
    record, _ = _mods(
        "<originInfo eventType='publication'><agent><namePart>Harbour Press</namePart></agent>"
        "</originInfo><originInfo eventType='redaction'><agent><namePart>Editors' Office"
        "</namePart></agent></originInfo>"
        "<abstract>Abstract: Shown.</abstract><abstract shareable='no'>Not to be shown.</abstract>"
    )
    assert record["publisher"] == "Harbour Press"
    assert [a["value"] for a in record["abstracts"]] == ["Shown."]  # the heading word is none
    assert record["extra"]["mods:abstract"] == ["Not to be shown."]


def test_a_newsletter_is_a_periodical_and_a_bare_number_no_uri() -> None:
    # OKHub's newsletter had no COAR type; ct.xml's AAT number had become a "URI".
    record, _ = _mods(
        "<genre authority='aat' valueURI='300026440'>newsletters</genre>"
        "<genre valueURI='http://vocab.getty.edu/aat/300026440'>newsletter</genre>"
    )
    assert record["resource_type"]["uri"] == "http://purl.org/coar/resource_type/QX5C-AR31"
    assert record["resource_type"]["source"]["uri"] == "http://vocab.getty.edu/aat/300026440"
    assert record["extra"]["mods:genre/@valueURI"] == ["300026440"]


def test_a_book_with_a_bibliography_is_no_bibliography() -> None:
    # MARC 008/24 gives marcgt "bibliography" to every book that has one (two reviews).
    book = (
        "<typeOfResource>text</typeOfResource><genre authority='marcgt'>bibliography</genre>"
        "<note>Includes bibliographical references (p. 301-322) and index.</note>"
    )
    record, _ = _mods(book)
    assert record["resource_type"]["uri"] == "http://purl.org/coar/resource_type/c_18cf"
    record, _ = _mods("<genre authority='local'>bibliography</genre>")
    assert record["resource_type"]["uri"] == "http://purl.org/coar/resource_type/c_86bc"


@pytest.mark.parametrize(("extent", "pages"), [("14 pages", 14), ("1 Page", 1), ("6 p.", 6)])
def test_a_page_count_written_without_a_unit_is_the_page_count(extent: str, pages: int) -> None:
    # An archive's "14 pages" (DACS) had stayed in extent.other beside no page count.
    record, _ = _mods(
        f"<physicalDescription><extent>{extent}</extent><extent>30 x 21 cm</extent>"
        "</physicalDescription>"
    )
    assert record["extent"] == {"pages": pages, "other": ["30 x 21 cm"]}


def test_a_catalogue_s_whole_extent_statement_is_no_page_count() -> None:
    record, _ = _mods(
        "<physicalDescription><extent>xii, 240 p. ; 24 cm.</extent></physicalDescription>"
    )
    assert record["extent"] == {"other": ["xii, 240 p. ; 24 cm."]}


def test_a_language_written_on_the_title_element_is_the_title_s() -> None:
    # Islandora 2 puts lang on mods:title, not on titleInfo: it had been dropped.
    xml = (
        '<mods xmlns="http://www.loc.gov/mods/v3"><titleInfo><title lang="ger">Die Mühle</title>'
        '</titleInfo><titleInfo type="translated"><title xml:lang="en">The Mill</title>'
        "</titleInfo></mods>"
    )
    record = crosswalk_record(etree.fromstring(xml), "mods").record.to_dict()
    assert record["title"] == {"value": "Die Mühle", "lang": "deu"}
    assert record["additional_titles"] == [
        {"value": "The Mill", "lang": "eng", "type": "TranslatedTitle"}
    ]


def test_a_iiif_manifest_is_no_identifier_of_the_work() -> None:
    # Digital Commonwealth's and DPLA hubs' manifests had been url identifiers of the work.
    manifest = "https://iiif.example.org/items/k7/manifest"
    record, _ = _mods(
        "<location><url usage='primary' access='object in context'>https://example.org/items/k7"
        f"</url><url note='iiif-manifest'>{manifest}</url></location>"
        f"<location><url note='iiifManifest'>{manifest}.json</url>"
        "<url>https://example.org/k7</url></location>"
    )
    assert record["source"]["landing_page"] == "https://example.org/items/k7"
    assert record["identifiers"] == [{"scheme": "url", "value": "https://example.org/k7"}]
    assert record["extra"]["mods:location/mods:url"] == [manifest, f"{manifest}.json"]


def test_a_url_at_the_handle_or_doi_resolver_is_also_the_handle_or_doi() -> None:
    # Islandora's only link to an item is its handle's url: it had been a url identifier only.
    record, _ = _mods(
        "<location><url>http://hdl.handle.net/20.500.99999/kx:12</url></location>"
        "<location><url>https://doi.org/10.5555/Harbour.7</url></location>"
    )
    assert record["identifiers"] == [
        {"scheme": "handle", "value": "20.500.99999/kx:12"},
        {"scheme": "doi", "value": "10.5555/harbour.7"},
        {"scheme": "url", "value": "http://hdl.handle.net/20.500.99999/kx:12"},
        {"scheme": "url", "value": "https://doi.org/10.5555/Harbour.7"},
    ]
    assert record["source"]["landing_page"] == "http://hdl.handle.net/20.500.99999/kx:12"


def test_a_term_s_uri_names_its_vocabulary_where_no_authority_does() -> None:
    # A FAST term without authority="fast" among others with it had been a keyword.
    record, _ = _mods(
        '<subject><topic valueURI="http://id.worldcat.org/fast/99">Harbours</topic>'
        '<topic valueURI="http://id.loc.gov/authorities/subjects/sh99">Quays</topic>'
        '<topic authority="local" valueURI="http://id.worldcat.org/fast/98">Piers</topic>'
        '<topic valueURI="https://vocab.example.org/7">Docks</topic></subject>'
    )
    assert [(s["value"], s["scheme"]) for s in record["subjects"]] == [
        ("Harbours", "fast"),
        ("Quays", "lcsh"),
        ("Piers", "local"),
        ("Docks", "keyword"),
    ]
    assert "extra" not in record


def test_a_term_s_own_authority_uri_and_language_win_over_its_subject_s() -> None:
    # A FAST topic in an LCSH subject had been lcsh: the subject's attribute came first.
    record, _ = _mods(
        '<subject authority="lcsh"><topic authority="fast">Birds</topic></subject>'
        '<subject authority="lcsh"><topic>Fish</topic></subject>'
    )
    assert [(s["value"], s["scheme"]) for s in record["subjects"]] == [
        ("Birds", "fast"),
        ("Fish", "lcsh"),
    ]
    assert "extra" not in record
    # So do its URI and its language (the subject's had come first in document order too).
    record, _ = _mods(
        '<subject lang="ger" valueURI="http://vocab.example.org/s/1">'
        '<topic lang="fre" valueURI="http://vocab.example.org/t/2">Oiseaux</topic></subject>'
    )
    assert [(s["value"], s["uri"], s["lang"]) for s in record["subjects"]] == [
        ("Oiseaux", "http://vocab.example.org/t/2", "fra"),
    ]


def test_a_geographic_code_takes_its_subject_s_vocabulary_only_if_one_of_places() -> None:
    # An LCSH heading's code with no authority of its own had become an LCSH term.
    record, _ = _mods(
        '<subject authority="lcsh"><geographic>Ohio</geographic>'
        "<geographicCode>n-us-oh</geographicCode></subject>"
        '<subject authority="tgn"><geographicCode>7013143</geographicCode></subject>'
    )
    codes = [(s["value"], s.get("scheme")) for s in record["subjects"] if s["value"][0].isdigit()]
    assert codes == [("7013143", "tgn")]
    assert "n-us-oh" in json.dumps(record["extra"])


def test_a_location_labelled_purl_is_the_landing_page() -> None:
    # FLVC's Islandora: a link to an edition's PDF came first and had been the landing page.
    record, _ = _mods(
        "<location><url displayLabel='See this edition'>https://example.gov/handbook-2013.pdf"
        "</url></location><location displayLabel='purl'>"
        "<url>http://purl.example.org/fsu/fd/K7</url></location>"
    )
    assert record["source"]["landing_page"] == "http://purl.example.org/fsu/fd/K7"
    assert record["identifiers"] == [
        {"scheme": "url", "value": "https://example.gov/handbook-2013.pdf"},
        {"scheme": "url", "value": "http://purl.example.org/fsu/fd/K7"},
    ]


def test_an_abbreviated_title_s_qualifier_is_no_subtitle() -> None:
    # MARC 210 $b, written by MARC to MODS as a subTitle, had read "Q-Bull.: (Vennmark)".
    record, _ = _mods(
        "<titleInfo type='abbreviated'><title>Q-Bull.</title><subTitle>(Vennmark)</subTitle>"
        "</titleInfo><titleInfo type='alternative'><title>Quays</title>"
        "<subTitle>a bulletin (new series)</subTitle></titleInfo>"
    )
    assert [t["value"] for t in record["additional_titles"]] == [
        "Q-Bull. (Vennmark)",
        "Quays: a bulletin (new series)",
    ]


def test_a_writer_both_creator_and_author_is_the_author() -> None:
    # LoC's records give a writer the roles "creator" (cre) and "author" (aut): the first had
    # won, and the author's code had been read as the role's text.
    record, _ = _mods(
        "<name type='personal'><namePart>Vennmark, Ola</namePart>"
        "<role><roleTerm type='text'>creator</roleTerm><roleTerm type='code'>cre</roleTerm>"
        "<roleTerm valueURI='http://id.loc.gov/vocabulary/relators/cre'/></role>"
        "<role><roleTerm type='text'>author</roleTerm><roleTerm type='code'>aut</roleTerm></role>"
        "</name><name type='personal'><namePart>Quay, Ann</namePart><role>"
        "<roleTerm type='code'>cre</roleTerm><roleTerm type='code'>aut</roleTerm></role></name>"
        "<name type='personal'><namePart>Pier, Tom</namePart><role>"
        "<roleTerm type='code'>cre</roleTerm></role><role><roleTerm>Author</roleTerm></role></name>"
    )
    assert [(c["name"], c["role"], c.get("role_source")) for c in record["creators"]] == [
        ("Vennmark, Ola", "aut", "author"),
        ("Quay, Ann", "aut", None),
        ("Pier, Tom", "aut", "Author"),
    ]
    assert record["extra"] == {
        "mods:name/mods:role/mods:roleTerm": ["creator", "cre", "cre", "cre"],
        "mods:name/mods:role/mods:roleTerm/@valueURI": [
            "http://id.loc.gov/vocabulary/relators/cre"
        ],
    }


def test_a_role_s_text_and_code_in_roles_of_their_own_are_one_role() -> None:
    # LoC's MARC to MODS stylesheet writes $e and $4 in a role element each.
    record, _ = _mods(
        "<name><namePart>Quay, Ann</namePart></name>"
        "<name type='personal'><namePart>Lund, Eva</namePart>"
        "<role><roleTerm type='text'>editor.</roleTerm></role>"
        "<role><roleTerm authority='marcrelator' type='code'>edt</roleTerm></role></name>"
    )
    assert [(c["role"], c["role_source"]) for c in record["contributors"]] == [("edt", "editor.")]
    assert "extra" not in record


@pytest.mark.parametrize(
    ("body", "uri", "label"),
    [
        ("", "c_0040", "text"),
        ("<genre authority='gmgpc'>Manuscripts</genre>", "c_0040", "Manuscripts"),
        ("<genre authority='marcgt'>thesis</genre>", "c_46ec", "thesis"),
        ("<genre>letters</genre>", "c_0857", "letters"),
    ],
)
def test_a_manuscript_is_a_manuscript_unless_its_genre_says_more(
    body: str, uri: str, label: str
) -> None:
    # typeOfResource manuscript="yes" (MARC leader/06 t) had given COAR text.
    record, _ = _mods(f"<typeOfResource manuscript='yes'>text</typeOfResource>{body}")
    resource_type = record["resource_type"]
    assert resource_type["uri"] == f"http://purl.org/coar/resource_type/{uri}"
    assert resource_type["source"]["label"] == label


def test_a_manuscript_map_is_a_map() -> None:
    record, _ = _mods("<typeOfResource manuscript='yes'>cartographic</typeOfResource>")
    assert record["resource_type"]["label"] == "cartographic material"


def test_an_ark_given_as_a_url_is_the_ark() -> None:
    # Digital Commonwealth's identifier type="uri": it had been a url identifier.
    record, _ = _mods(
        "<identifier type='uri'>https://ark.example.org/ark:/99999/nc58</identifier>"
        "<identifier type='ark'>http://n2t.net/ark:/99999/k7</identifier>"
    )
    assert record["identifiers"] == [
        {"scheme": "ark", "value": "ark:/99999/nc58"},
        {"scheme": "ark", "value": "ark:/99999/k7"},
    ]


def test_a_media_master_is_a_file_not_an_identifier() -> None:
    # Northwest Digital Heritage's note="mediaMaster" had been a url identifier of the work.
    record, _ = _mods(
        "<location><url usage='primary' access='object in context'>https://example.org/i/7"
        "</url></location><location><url note='mediaMaster'>https://example.org/m/7.tif</url>"
        "</location><location><url access='raw object'>https://example.org/m/7.jpg</url>"
        "</location>"
    )
    assert record["files"] == [
        {"source_url": "https://example.org/m/7.tif"},
        {"source_url": "https://example.org/m/7.jpg"},
    ]
    assert "identifiers" not in record


def test_lc_s_name_authority_file_is_one_scheme_whatever_its_code() -> None:
    # FLVC writes a name subject's authority as "naf" and as "lcnaf": two schemes had resulted.
    record, _ = _mods(
        "<subject><name authority='naf' type='corporate'><namePart>Harbour Board</namePart>"
        "</name></subject><subject authority='naf'><name type='corporate'>"
        "<namePart>Quay Guild</namePart></name></subject><subject>"
        "<name authority='lcnaf' type='corporate'><namePart>Pier Trust</namePart></name></subject>"
    )
    assert [(s["value"], s["scheme"]) for s in record["subjects"]] == [
        ("Harbour Board", "lcnaf"),
        ("Quay Guild", "lcnaf"),
        ("Pier Trust", "lcnaf"),
    ]


def test_a_landing_page_at_the_handle_resolver_is_also_the_handle() -> None:
    # An item in context (or primary display) at its handle had given no handle identifier.
    record, _ = _mods(
        "<location><url access='object in context'>http://hdl.handle.net/20.500.99999/k7"
        "</url><url usage='primary display'>https://doi.org/10.5555/K7</url>"
        "<url access='raw object'>http://hdl.handle.net/20.500.99999/k7.jpg</url></location>"
    )
    assert record["source"]["landing_page"] == "http://hdl.handle.net/20.500.99999/k7"
    assert record["identifiers"] == [
        {"scheme": "handle", "value": "20.500.99999/k7"},
        {"scheme": "doi", "value": "10.5555/k7"},
        {"scheme": "url", "value": "https://doi.org/10.5555/K7"},  # no landing page: a link
    ]
    assert record["files"] == [{"source_url": "http://hdl.handle.net/20.500.99999/k7.jpg"}]
    assert "extra" not in record


def test_a_heading_s_name_keeps_its_terms_of_address_as_lc_writes_them() -> None:
    # The termsOfAddress had been left out of both headings and kept in extra.
    record, _ = _mods(
        "<subject authority='lcsh'><name type='personal'><namePart>Harald</namePart>"
        "<namePart type='termsOfAddress'>King of Vennmark</namePart>"
        "<namePart type='date'>1050-1102</namePart></name><topic>Tombs</topic></subject>"
    )
    assert [s["value"] for s in record["subjects"]] == [
        "Harald, King of Vennmark, 1050-1102--Tombs",
        "Harald, King of Vennmark, 1050-1102",
    ]
    assert "extra" not in record


def test_a_landing_page_at_an_ark_resolver_is_also_the_ark() -> None:
    # Digital Commonwealth's item in context is its ARK's url; its thumbnail is no ARK of it.
    record, _ = _mods(
        "<location><url usage='primary' access='object in context'>"
        "https://ark.example.org/ark:/99999/nc58</url><url access='preview'>"
        "https://ark.example.org/ark:/99999/nc58/thumbnail</url></location>"
    )
    assert record["source"]["landing_page"] == "https://ark.example.org/ark:/99999/nc58"
    assert record["identifiers"] == [{"scheme": "ark", "value": "ark:/99999/nc58"}]


def test_the_institution_holding_the_item_is_a_contributor_with_role_rps() -> None:
    # MODS location/physicalLocation had had no field: the holder stayed in extra alone.
    record, _ = _mods(
        "<location><physicalLocation valueURI='http://id.loc.gov/vocabulary/organizations/x'>"
        "Kestrel Library</physicalLocation></location>"
    )
    assert record["contributors"] == [
        {
            "type": "organizational",
            "name": "Kestrel Library",
            "identifiers": [
                {"scheme": "url", "value": "http://id.loc.gov/vocabulary/organizations/x"}
            ],
            "role": "rps",
        }
    ]
    assert "extra" not in record


@pytest.mark.parametrize(
    "location",
    [
        "<physicalLocation authority='marcorg'>KxL</physicalLocation>",  # a code, no name
        "<physicalLocation type='container'>2</physicalLocation>",  # a box (DPLA hubs)
        "<physicalLocation type='division'>Maps Division</physicalLocation>",  # a holder's part
    ],
)
def test_what_names_no_holding_institution_stays_in_extra(location: str) -> None:
    record, _ = _mods(f"<location>{location}</location>")
    assert "contributors" not in record
    assert len(record["extra"]["mods:location/mods:physicalLocation"]) == 1


def test_a_holder_s_language_does_not_fail_its_record() -> None:
    # Its valueURI goes to the holder's identifiers, which have no language: a physicalLocation
    # with lang (MODS allows it on any element) had made the record invalid output.
    record, _ = _mods(
        "<location><physicalLocation lang='eng' valueURI='http://id.loc.gov/x'>"
        "Kestrel Library</physicalLocation></location>"
    )
    (holder,) = record["contributors"]
    assert holder["identifiers"] == [{"scheme": "url", "value": "http://id.loc.gov/x"}]


def test_a_holder_s_uri_without_its_name_stays_in_extra() -> None:
    # An empty physicalLocation with a valueURI had been an organisation of no name, which no
    # target takes.
    record, _ = _mods("<location><physicalLocation valueURI='http://id.loc.gov/x'/></location>")
    assert "contributors" not in record
    assert record["extra"] == {
        "mods:location/mods:physicalLocation/@valueURI": ["http://id.loc.gov/x"]
    }


def test_a_name_s_language_is_not_given_to_its_authority_uri() -> None:
    """LoC writes a name in another script with its lang; the name's valueURI, an identifier,
    had taken that language, and the record had failed the schema (a fuzz of corpus records)."""
    record, result = _mods(
        '<name type="personal" lang="jpn" script="Jpan" valueURI="http://id.loc.gov/authorities/'
        'names/n1"><namePart>山田, 太郎</namePart></name>'
    )
    (creator,) = record["creators"]
    assert creator["identifiers"] == [
        {"scheme": "url", "value": "http://id.loc.gov/authorities/names/n1"}
    ]
    assert result.record.creators[0].family_name == "山田"  # crosswalked: not refused


def test_a_street_address_is_no_publisher_and_packed_languages_are_each_one() -> None:
    # LoC's QDC2MODS writes a CONTENTdm record's dc:publisher and dc:language as they are: the
    # street address first (jOAI's sheet music), the languages packed "a; b;".
    record, _ = _mods(
        "<originInfo><publisher>2623 3rd Ave. West, Seattle, Wash.</publisher></originInfo>"
        "<originInfo><publisher>Sterling Publishing Company</publisher></originInfo>"
        '<language><languageTerm type="text">English; Czech</languageTerm></language>'
        '<language><languageTerm type="text">German;</languageTerm></language>'
    )
    assert record["publisher"] == "Sterling Publishing Company"
    assert record["languages"] == ["eng", "ces", "deu"]
    assert record["extra"] == {
        "mods:originInfo/mods:publisher": ["2623 3rd Ave. West, Seattle, Wash."]
    }


def test_a_genre_that_names_a_version_is_the_version_and_no_type_label() -> None:
    # OJS's dc:type, as LoC's simpleDC2MODS writes it (lower-cased) as a genre.
    record, _ = _mods(
        "<genre>info:eu-repo/semantics/article</genre>"
        "<genre>info:eu-repo/semantics/publishedversion</genre>"
    )
    assert record["version_type"] == "http://purl.org/coar/version/c_970fb48d4fbd8a85"
    assert record["resource_type"]["source"] == {"label": "info:eu-repo/semantics/article"}
    # A genre that is a type first ("preprint" is also a version's name) stays the type.
    record, _ = _mods("<genre>preprint</genre>")
    assert record["resource_type"]["label"] == "preprint"
    assert "version_type" not in record


def test_a_subjects_uri_is_its_terms_when_the_term_is_alone_asked_without_counting_all() -> None:
    """The subject's valueURI goes to its term only where the term is all it holds.  Asked of
    every term (lxml evaluates the rule) by counting the subject's terms, a fuzzed subject of
    16,000 names took 25 s: whether there is a second is asked instead."""
    rules = [
        rule.source
        for rule in registry()["mods"].rules
        for rule in (rule, *rule.build)
        if rule.source.startswith("../@valueURI")
    ]
    assert rules
    assert not [source for source in rules if "count(" in source]
    uri = "http://id.loc.gov/authorities/names/n79021164"
    alone, _ = _mods(f'<subject valueURI="{uri}"><name><namePart>Twain</namePart></name></subject>')
    assert [subject.get("uri") for subject in alone["subjects"]] == [uri]
    names = "<name><namePart>Twain</namePart></name><name><namePart>Clemens</namePart></name>"
    two, _ = _mods(f'<subject valueURI="{uri}">{names}</subject>')
    # The subject's heading, then each name on its own, without the subject's URI.
    assert [subject.get("uri") for subject in two["subjects"]] == [uri, None, None]
