"""The oai_dc crosswalk (and qdc, which includes it): the seed chapter, golden pairs, the demo
records, the shared corpus."""

from __future__ import annotations

from typing import TYPE_CHECKING

import jsonschema
import pytest
from lxml import etree

from ir_ingest import xmlsafe
from ir_ingest.crosswalk import CrosswalkResult, crosswalk_record, registry
from ir_ingest.documents import read_file
from ir_ingest.errors import XMLError
from ir_ingest.pipeline import process
from ir_ingest.schema import checked_in_schema
from tests.conftest import SEED_CHAPTER

if TYPE_CHECKING:
    from pathlib import Path

    from ir_ingest.oai.provider import ProvidedRecord

VALIDATOR = jsonschema.Draft202012Validator(checked_in_schema())
DC_NS = "http://purl.org/dc/elements/1.1/"


def test_seed_chapter_from_a_pure_portal() -> None:
    entry = process(read_file(SEED_CHAPTER)[0])
    assert entry.record is not None
    record = entry.record.to_dict()
    assert list(VALIDATOR.iter_errors(record)) == []
    assert record["title"] == {
        "value": "Who is in the lead? New perspectives on leading service co-production",
        "lang": "eng",
    }
    assert [(c["family_name"], c["given_name"], c["role"]) for c in record["creators"]] == [
        ("Schlappa", "Hans", "aut"),
        ("Imani", "Yassaman", "aut"),
    ]
    assert record["publication_date"] == "2020-12-18"
    assert record["dates"] == [{"date": "2020-12-18", "type": "issued"}]
    assert record["languages"] == ["eng"]
    assert record["resource_type"]["uri"] == "http://purl.org/coar/resource_type/c_3248"
    assert record["resource_type"]["label"] == "book part"
    assert record["publisher"] == "Taylor & Francis Group"
    assert [s["value"] for s in record["subjects"]] == [
        "Public Services",
        "leadership theory and development",
    ]
    assert record["extent"] == {"pages": 10}
    assert record["access_right"] == "http://purl.org/coar/access_right/c_14cb"
    assert record["source"]["oai_identifier"].endswith("3f2b8c1e-5d4a-4e7b-9a61-0c2d7e8f9a10")
    assert "‘organise’" in record["abstracts"][0]["value"]
    # The ISBN and dc:source belong to the host book; dc:source is kept verbatim in extra too.
    assert (
        record["host"]["title"]
        == "Co-production and co-creation: Engaging citizens in service delivery"
    )
    assert record["host"]["identifiers"] == [{"scheme": "isbn", "value": "9781315204956"}]
    assert record["extra"]["dc:source"] == [record["host"]["title"]]
    # ... and the issues say what simple DC could not tell.
    limits = {i.path for i in entry.issues if i.code == "crosswalk.format_limit"}
    assert limits == {"host.editors", "peer_reviewed", "publication_status", "place_of_publication"}


def test_every_demo_record_crosswalks_to_a_schema_valid_record(
    demo_records: list[ProvidedRecord],
) -> None:
    live = [r for r in demo_records if r.metadata is not None]
    assert len(live) == 32
    for provided in live:
        assert provided.metadata is not None
        result = crosswalk_record(provided.metadata, "oai_dc")
        assert list(VALIDATOR.iter_errors(result.record.to_dict())) == [], provided.identifier


def test_no_demo_value_is_lost(demo_records: list[ProvidedRecord]) -> None:
    """Every non-empty dc element is consumed by a rule or kept in extra."""
    for provided in demo_records:
        if provided.metadata is None:
            continue
        result = crosswalk_record(provided.metadata, "oai_dc")
        kept = sum(len(values) for values in result.record.extra.values())
        non_empty = [e for e in provided.metadata.iter(f"{{{DC_NS}}}*") if (e.text or "").strip()]
        assert result.source_values == len(non_empty), provided.identifier
        assert result.consumed_values + kept == len(non_empty), provided.identifier
        used_rules = sum(len(paths) for name, paths in result.lineage.items() if not _derived(name))
        assert used_rules >= result.consumed_values, provided.identifier  # a value may feed two


def _derived(field: str) -> bool:
    """Fields filled by postprocess steps from other fields, not from source values."""
    return field in ("source.landing_page", "host.identifiers", "host.title")


@pytest.mark.corpus
def test_corpus_oai_dc_records_crosswalk_without_exceptions(corpus: Path) -> None:
    done = 0
    for path in sorted(corpus.rglob("*.xml")):
        try:
            root = xmlsafe.parse(path.read_bytes(), source=str(path)).root
        except XMLError:
            continue  # PROVENANCE.tsv lists the corpus files that are not namespace-well-formed
        for dc in root.iter("{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"):
            record = crosswalk_record(dc, "oai_dc").record
            assert list(VALIDATOR.iter_errors(record.to_dict())) == [], path
            done += 1
    assert done > 20


def _oai_dc(body: str) -> CrosswalkResult:
    xml = (
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"'
        f' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>T</dc:title>{body}</oai_dc:dc>'
    )
    return crosswalk_record(etree.fromstring(xml), "oai_dc")


def _qdc(body: str) -> CrosswalkResult:
    xml = (
        '<qdc:qualifieddc xmlns:qdc="http://worldcat.org/xmlschemas/qdc-1.0/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">'
        f"<dc:title>T</dc:title>{body}</qdc:qualifieddc>"
    )
    return crosswalk_record(etree.fromstring(xml), "qdc")


ACCESSIONED = "<dc:date>2003-07-14T10:28:26Z</dc:date><dc:date>2003-07-15T08:00:00Z</dc:date>"


def test_an_unreadable_issue_date_does_not_make_the_accession_the_publication_date() -> None:
    # DSpace: accessioned and available timestamps, then dc.date.issued "[1997?]".
    result = _oai_dc(f"{ACCESSIONED}<dc:date>[1997?]</dc:date>")
    record = result.record.to_dict()
    # The approximate issue date's year stands for it, said so; never the accession's.
    assert record["publication_date"] == "1997"
    assert [d["date"] for d in record["dates"]] == ["2003-07-14", "2003-07-15"]
    assert record["extra"]["dc:date"] == ["[1997?]"]
    assert [i.code for i in result.issues if "[1997?]" in i.message] == [
        "crosswalk.bad_value",
        "crosswalk.inferred_date",
    ]


@pytest.mark.parametrize(
    ("wording", "reviewed"),
    [
        ("NonPeerReviewed", False),
        ("PeerReviewed", True),
        ("info:eu-repo/semantics/peerReviewed", True),
        # Spellings the expression takes were missing from the table (a review).
        ("Non-peer-reviewed", False),
        ("Not peer-reviewed", False),
        ("info:eu-repo/semantics/peer-reviewed", True),
    ],
)
def test_a_review_status_said_either_way_is_no_format_limit(wording: str, reviewed: bool) -> None:
    # EPrints writes its refereed flag as a dc:type; "not reviewed" is said, not missing.
    result = _oai_dc(f"<dc:type>{wording}</dc:type>")
    record = result.record.to_dict()
    assert record["peer_reviewed"] is reviewed
    # The wording says nothing peer_reviewed does not: consumed, not kept in extra.
    assert "dc:type" not in record.get("extra", {})
    limits = {i.path for i in result.issues if i.code == "crosswalk.format_limit"}
    assert "peer_reviewed" not in limits
    assert "publication_status" in limits


def test_a_type_label_saying_peer_reviewed_still_gives_the_type() -> None:
    # Pure's label names the type and the review status: both are read from it.
    record = _oai_dc("<dc:type>Chapter (peer-reviewed)</dc:type>").record.to_dict()
    assert record["peer_reviewed"] is True
    assert record["resource_type"]["uri"] == "http://purl.org/coar/resource_type/c_3248"
    assert "dc:type" not in record.get("extra", {})


def _titles(body: str) -> list[tuple[str, str]]:
    xml = (
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"'
        f' xmlns:dc="http://purl.org/dc/elements/1.1/">{body}</oai_dc:dc>'
    )
    record = crosswalk_record(etree.fromstring(xml), "oai_dc").record.to_dict()
    return [(t["value"], t["type"]) for t in record["additional_titles"]]


def test_a_title_in_another_language_is_a_translated_title() -> None:
    # OJS writes an article's title in each of its journal's languages.
    assert _titles(
        '<dc:title xml:lang="en-US">Tide mills</dc:title>'
        '<dc:title xml:lang="de-DE">Gezeitenmühlen</dc:title>'
        '<dc:title xml:lang="en">Tide mills of the coast</dc:title>'
    ) == [("Gezeitenmühlen", "TranslatedTitle"), ("Tide mills of the coast", "AlternativeTitle")]
    # Unless both titles say their language, which is a translation cannot be told.
    assert _titles(
        '<dc:title>Tide mills</dc:title><dc:title xml:lang="de">Gezeitenmühlen</dc:title>'
    ) == [("Gezeitenmühlen", "AlternativeTitle")]


def test_gallicas_link_to_its_catalogue_record_is_a_related_item() -> None:
    # "Notice du catalogue : http://…" had stayed in extra, the link unread.  It is an ARK.
    record = _oai_dc(
        "<dc:relation>Notice du catalogue : http://catalogue.example.fr/ark:/99999/cb1</dc:relation>"
    ).record.to_dict()
    assert record["related"] == [{"scheme": "ark", "value": "ark:/99999/cb1"}]
    assert "extra" not in record


def test_an_ark_at_the_repository_s_host_is_its_page_and_its_ark() -> None:
    # Gallica's dc:identifier: it had been a url only.
    page = "http://gallica.example.fr/ark:/99999/bpt6k7"
    record = _oai_dc(f"<dc:identifier>{page}</dc:identifier>").record.to_dict()
    assert record["identifiers"] == [
        {"scheme": "url", "value": page},
        {"scheme": "ark", "value": "ark:/99999/bpt6k7"},
    ]
    assert record["source"]["landing_page"] == page
    assert "extra" not in record


def test_dates_packed_into_one_element_are_read_each() -> None:
    # CONTENTdm writes two years as "1881; 1882": the record had no date at all.
    record = _oai_dc("<dc:date>1904; 1911</dc:date>").record.to_dict()
    assert record["publication_date"] == "1904"
    assert {d["date"] for d in record["dates"]} == {"1904", "1911"}
    assert "extra" not in record
    # qdc's packed issue dates: the second had been in extra only (the field holds one).
    record = _qdc("<dcterms:issued>1904; 1911</dcterms:issued>").record.to_dict()
    assert record["publication_date"] == "1904"
    assert record["dates"] == [
        {"date": "1904", "type": "issued"},
        {"date": "1911", "type": "issued"},
    ]
    assert "extra" not in record


def test_timestamps_alone_give_the_last_as_publication_date() -> None:
    # Early DSpace: accessioned, available, then dc.date.issued, a timestamp too.
    issued = "<dc:date>2003-06-30T22:00:00Z</dc:date>"
    embargo = "<dc:date>info:eu-repo/date/embargoEnd/2004-01-01</dc:date>"
    record = _oai_dc(ACCESSIONED + issued + embargo).record.to_dict()
    assert record["publication_date"] == "2003-06-30"
    assert record["embargo_end"] == "2004-01-01"
    assert _oai_dc(ACCESSIONED).record.to_dict()["publication_date"] == "2003-07-15"


def test_the_timestamps_rule_asks_about_the_other_dates_once_of_the_last() -> None:
    """Its test of the other dates is the same for every date: asked of each before [last()]
    it read all the others (lxml evaluates the rule; a fuzzed record of 4,000 dates took 43 s).
    """
    rule = next(
        rule
        for rule in registry()["oai_dc"].rules
        if rule.source.startswith("dc:date[") and "[last()]" in rule.source
    )
    assert rule.source.index("[last()]") < rule.source.index("../dc:date")
    stamps = "".join(f"<dc:date>2003-06-{day:02}T22:00:00Z</dc:date>" for day in range(1, 29))
    assert _oai_dc(stamps).record.to_dict()["publication_date"] == "2003-06-28"
    assert "publication_date" not in _oai_dc(f"{stamps}<dc:date>n.d.</dc:date>").record.to_dict()


def test_a_host_source_listing_several_isbns_gives_them_all_to_the_host() -> None:
    result = _oai_dc(
        "<dc:type>info:eu-repo/semantics/bookPart</dc:type>"
        "<dc:source>ISBN: 9780367735012; 9781138700116</dc:source>"
    )
    host = result.record.to_dict()["host"]
    assert host["identifiers"] == [
        {"scheme": "isbn", "value": "9780367735012"},
        {"scheme": "isbn", "value": "9781138700116"},
    ]
    assert "title" not in host, "an ISBN is no title"
    assert "pages" not in host, "nor is the second ISBN a page"
    assert result.record.to_dict()["extra"]["dc:source"] == ["ISBN: 9780367735012; 9781138700116"]


def test_a_journals_issn_in_its_citation_is_the_hosts() -> None:
    # Zenodo's dc:source: the whole of it had been the journal's title.
    result = _oai_dc(
        "<dc:type>info:eu-repo/semantics/article</dc:type>"
        "<dc:source>Journal of Tidal Studies, ISSN 2049-3630, 25(7), (2026-06-03)</dc:source>"
    )
    host = result.record.to_dict()["host"]
    assert (host["title"], host["volume"], host["issue"]) == ("Journal of Tidal Studies", "25", "7")
    assert host["identifiers"] == [{"scheme": "issn", "value": "20493630"}]


def test_a_host_citation_with_semicolons_is_still_a_citation() -> None:
    result = _oai_dc(
        "<dc:type>info:eu-repo/semantics/article</dc:type>"
        "<dc:source>Journal of Tidal Studies; Vol 3 No 2 (2021); 15-27</dc:source>"
    )
    host = result.record.to_dict()["host"]
    assert (host["title"], host["volume"], host["pages"]) == (
        "Journal of Tidal Studies",
        "3",
        {"start": "15", "end": "27"},
    )
    # --explain names the source of each part read from the citation: it had named the title's.
    assert {field: result.lineage[field] for field in result.lineage if field[:5] == "host."} == {
        "host.title": ["dc:source"],
        "host.volume": ["dc:source"],
        "host.issue": ["dc:source"],
        "host.pages": ["dc:source"],
        "host.publication_date": ["dc:source"],
    }


def test_arxivs_comment_is_a_note_not_an_abstract() -> None:
    record = _oai_dc(
        "<dc:description>We show that tides matter.</dc:description>"
        "<dc:description>Comment: 13 pages, 7 figures</dc:description>"
    ).record.to_dict()
    assert [a["value"] for a in record["abstracts"]] == ["We show that tides matter."]
    assert record["notes"] == ["Comment: 13 pages, 7 figures"]


def test_packed_creators_are_people_with_their_affiliations_and_nothing_is_lost() -> None:
    result = _oai_dc(
        "<dc:creator>S, Lakshminarayana; AU, AP, India</dc:creator>"
        "<dc:creator>Dodson-Robinson, Sarah and Haley, Charlotte</dc:creator>"
        "<dc:contributor>Hayden, Edwin; Jessop, Charles</dc:contributor>"
    )
    record = result.record.to_dict()
    assert [(c["family_name"], c["role"], c.get("affiliations")) for c in record["creators"]] == [
        ("S", "aut", [{"name": "AU, AP, India"}]),
        ("Dodson-Robinson", "aut", None),
        ("Haley", "aut", None),
    ]
    assert [c["family_name"] for c in record["contributors"]] == ["Hayden", "Jessop"]
    assert "dc:creator" not in record.get("extra", {})
    assert "dc:contributor" not in record.get("extra", {})


def test_a_provenance_statement_is_a_note_and_no_contributor() -> None:
    # NSDL writes where a structure came from as a contributor: it had been a person, family
    # name "Bank", then was kept in extra only; it is a note.  A person beside one stays a
    # contributor, the statement a note, and the packed value is kept whole too.
    result = _oai_dc(
        "<dc:contributor>Obtained from the Protein Data Bank</dc:contributor>"
        "<dc:contributor>Roe, Mary; Digitized by Internet Archive</dc:contributor>"
        "<dc:creator>J. Smith, K. Jones, editor</dc:creator>"
    )
    record = result.record.to_dict()
    assert [c["name"] for c in record["contributors"]] == ["Roe, Mary"]
    assert record["notes"] == [
        "Obtained from the Protein Data Bank",
        "Digitized by Internet Archive",
    ]
    assert record["extra"]["dc:contributor"] == ["Roe, Mary; Digitized by Internet Archive"]
    # A role after an author line's last name is that one's, over the rule's "aut".
    assert [(c["family_name"], c["role"]) for c in record["creators"]] == [
        ("Smith", "aut"),
        ("Jones", "edt"),
    ]
    assert all(issue.code != "crosswalk.bad_value" for issue in result.issues)  # no bad value


def test_a_period_in_coverage_is_temporal() -> None:
    record = _oai_dc(
        "<dc:coverage>19th century</dc:coverage><dc:coverage>Middle Ages</dc:coverage>"
        "<dc:coverage>1920s</dc:coverage><dc:coverage>Kestrelford</dc:coverage>"
        "<dc:coverage>Century City (Los Angeles, Calif.)</dc:coverage>"
    ).record.to_dict()
    assert record["coverage"] == {
        "temporal": ["19th century", "Middle Ages", "1920s"],
        "spatial": ["Kestrelford", "Century City (Los Angeles, Calif.)"],
    }


BOX = "name=Kestrel; northlimit=51.5; southlimit=51.4; eastlimit=-1.2; westlimit=-1.3"
PERIOD = "name=The Great War; start=1914; end=1918"


def test_a_dcmi_period_in_coverage_is_temporal_and_kept_whole_and_a_list_split() -> None:
    # NSDL's jOAI stylesheet writes dct:temporal and dct:spatial as plain dc:coverage; CONTENTdm
    # packs places as it packs subjects.
    record = _oai_dc(
        f"<dc:coverage>{PERIOD}</dc:coverage><dc:coverage>{BOX}</dc:coverage>"
        "<dc:coverage>Hamilton County;Butler County</dc:coverage>"
        "<dc:coverage>1970-1979; 1980-1989</dc:coverage>"
    )
    assert record.record.to_dict()["coverage"] == {
        "temporal": [PERIOD, "1970-1979", "1980-1989"],
        "spatial": [BOX, "Hamilton County", "Butler County"],
    }


def test_a_period_and_a_place_packed_in_one_coverage_are_told_apart() -> None:
    # The whole value had been classed first: a period and a place were both periods, or both
    # places.  Each part is classed now, and the value of two kinds stays in extra too.
    result = _oai_dc(
        "<dc:coverage>1861-1865; United States</dc:coverage>"
        "<dc:coverage>Kestrelford; 1940-1950</dc:coverage>"
    )
    record = result.record.to_dict()
    assert record["coverage"] == {
        "temporal": ["1861-1865", "1940-1950"],
        "spatial": ["United States", "Kestrelford"],
    }
    assert record["extra"]["dc:coverage"] == ["1861-1865; United States", "Kestrelford; 1940-1950"]


def test_a_dcmi_box_or_period_in_qdc_is_one_value_and_a_list_still_split() -> None:
    record = _qdc(
        f"<dcterms:spatial>{BOX}</dcterms:spatial><dcterms:spatial>Kestrelford; Ashby"
        f"</dcterms:spatial><dcterms:temporal>{PERIOD}</dcterms:temporal>"
        "<dcterms:temporal>1914; 1918</dcterms:temporal>"
    ).record.to_dict()
    assert record["coverage"] == {
        "spatial": [BOX, "Kestrelford", "Ashby"],
        "temporal": [PERIOD, "1914", "1918"],
    }


@pytest.mark.parametrize(
    ("written", "pages"), [("120", 120), ("19 pages", 19), ("5 p.", 5), ("622115", None)]
)
def test_a_page_count_in_dc_format_and_no_file_size(written: str, pages: int | None) -> None:
    # DSpace writes a file's size in bytes in dc:format: it had become 622,115 pages.
    record = _oai_dc(f"<dc:format>{written}</dc:format>").record.to_dict()
    assert (record.get("extent") or {}).get("pages") == pages


def test_a_source_repeating_the_records_own_title_names_no_host() -> None:
    # Zenodo: the article's own title had become its journal's.
    record = _oai_dc(  # the record's title is "T"
        "<dc:type>info:eu-repo/semantics/article</dc:type><dc:source>t</dc:source>"
    ).record.to_dict()
    assert "title" not in (record.get("host") or {})
    assert record["extra"]["dc:source"] == ["t"]


def test_a_conference_papers_source_naming_its_meeting_is_the_conference() -> None:
    # Zenodo: the meeting, with its place and dates, had become the proceedings' title.
    meeting = "TIDE2025, Tidal Engineering Summit 2025, Kestrelford, 13-16 July 2025"
    record = _oai_dc(
        f"<dc:type>info:eu-repo/semantics/conferencePaper</dc:type><dc:source>{meeting}</dc:source>"
    ).record.to_dict()
    assert record["conference"] == {
        "acronym": "TIDE2025",
        "name": "Tidal Engineering Summit 2025",
        "place": "Kestrelford",
        "dates": "2025-07-13/2025-07-16",
    }
    assert record["extra"]["dc:source"] == [meeting]
    assert "title" not in (record.get("host") or {})
    # A citation of the proceedings with its volume is the host's, meeting word or not.
    proceedings = "Proceedings of the Tidal Conference, 3(2), 1-9"
    record = _oai_dc(
        "<dc:type>info:eu-repo/semantics/conferencePaper</dc:type>"
        f"<dc:source>{proceedings}</dc:source>"
    ).record.to_dict()
    assert record["host"]["title"] == "Proceedings of the Tidal Conference"
    assert "conference" not in record
    # So is a title that names the proceedings: its publisher and place had become the
    # meeting's place ("Springer, Cham", a review).
    proceedings = "Proceedings of the 5th Tidal Conference, Kestrel Press, Kestrelford"
    record = _oai_dc(
        "<dc:type>info:eu-repo/semantics/conferencePaper</dc:type>"
        f"<dc:source>{proceedings}</dc:source>"
    ).record.to_dict()
    assert "conference" not in record
    assert record["host"]["title"].startswith("Proceedings of the 5th Tidal Conference")


@pytest.mark.parametrize("written_type", ["lecture", "conference presentation"])
def test_a_talks_source_naming_its_meeting_is_the_conference(written_type: str) -> None:
    # Zenodo writes a presentation's meeting into dc:source, as a paper's: it had stayed in
    # extra alone.  A talk has no host.
    meeting = "TidalPy 2023 Workshop, 9-12 October 2023"
    result = _oai_dc(f"<dc:type>{written_type}</dc:type><dc:source>{meeting}</dc:source>")
    record = result.record.to_dict()
    assert record["conference"] == {
        "name": "TidalPy 2023 Workshop",
        "dates": "2023-10-09/2023-10-12",
    }
    assert record["extra"]["dc:source"] == [meeting]
    assert "host" not in record
    assert "crosswalk.inferred_host" in {issue.code for issue in result.issues}
    # A source that names no meeting says nothing of one.
    record = _oai_dc(
        f"<dc:type>{written_type}</dc:type><dc:source>Tidal Lectures</dc:source>"
    ).record.to_dict()
    assert "conference" not in record


def test_rights_prose_naming_a_creative_commons_licence_in_full_gives_that_licence() -> None:
    # The licence chooser's sentence without its URL had given no licence (as in MODS).
    prose = (
        "This work is licensed under a Creative Commons Attribution-NonCommercial 4.0 "
        "International License."
    )
    record = _oai_dc(f"<dc:rights>{prose}</dc:rights>").record.to_dict()
    assert [licence["id"] for licence in record["licenses"]] == ["cc-by-nc-4.0"]
    assert record["rights_statements"] == [prose]


@pytest.mark.parametrize("placeholder", ["other", "Unknown", "n/a"])
def test_a_language_placeholder_names_no_language_and_is_no_bad_value(placeholder: str) -> None:
    # ARNO writes "other" for a language outside its list, on record after record.
    for result, path in (
        (_oai_dc(f"<dc:language>{placeholder}</dc:language>"), "dc:language"),
        (_qdc(f"<dcterms:language>{placeholder}</dcterms:language>"), "dcterms:language"),
    ):
        record = result.record.to_dict()
        assert "languages" not in record
        assert record["extra"][path] == [placeholder]
        assert not [i for i in result.issues if i.code == "crosswalk.bad_value"]


def test_iso_639_codes_for_no_single_language_are_kept() -> None:
    record = _oai_dc("<dc:language>und</dc:language><dc:language>zxx</dc:language>").record
    assert record.to_dict()["languages"] == ["und", "zxx"]


def test_a_repec_handle_in_dc_identifier_is_an_identifier() -> None:
    record = _oai_dc(
        "<dc:identifier>http://hdl.handle.net/1765/9</dc:identifier>"
        "<dc:identifier>RePEc:dgr:eureri:2001134</dc:identifier>"
    ).record.to_dict()
    assert {"scheme": "repec", "value": "RePEc:dgr:eureri:2001134"} in record["identifiers"]
    assert "dc:identifier" not in record.get("extra", {})


def test_an_abstract_loses_its_heading_in_oai_dc_and_qdc() -> None:
    # Zenodo's description, escaped twice: "<h3>Abstract</h3><p>…" after XML parsing.
    escaped = (
        "&amp;lt;h3&amp;gt;Abstract&amp;lt;/h3&amp;gt;&amp;lt;p&amp;gt;We study.&amp;lt;/p&amp;gt;"
    )
    record = _oai_dc(f"<dc:description>{escaped}</dc:description>").record.to_dict()
    assert record["abstracts"] == [{"value": "<p>We study.</p>"}]
    record = _qdc("<dcterms:abstract>ABSTRACT We study.</dcterms:abstract>").record.to_dict()
    assert record["abstracts"] == [{"value": "We study."}]


def test_zenodos_communities_and_concept_doi_are_related_as_zenodo_says() -> None:
    # Zenodo writes the version's DOI and OAI identifier, then its relations, its communities'
    # pages, the concept DOI last (its DataCite export says IsPartOf and IsVersionOf; oai_dc
    # cannot).
    record = _oai_dc(
        "<dc:identifier>https://doi.org/10.5281/zenodo.8321258</dc:identifier>"
        "<dc:identifier>oai:zenodo.org:8321258</dc:identifier>"
        "<dc:relation>https://zenodo.org/communities/tides/</dc:relation>"
        "<dc:relation>https://doi.org/10.5281/zenodo.8321257</dc:relation>"
    ).record.to_dict()
    assert record["related"] == [
        {"scheme": "url", "value": "https://zenodo.org/communities/tides/", "relation": "IsPartOf"},
        {"scheme": "doi", "value": "10.5281/zenodo.8321257", "relation": "IsVersionOf"},
    ]


def test_zenodos_only_keyword_packed_with_commas_is_several_keywords() -> None:
    zenodo = "<dc:identifier>oai:zenodo.org:19368471</dc:identifier>"
    record = _oai_dc(f"{zenodo}<dc:subject>Nmap, IDS, network scanning.</dc:subject>").record
    assert [s["value"] for s in record.to_dict()["subjects"]] == ["Nmap", "IDS", "network scanning"]
    # Elsewhere a comma is a heading's: "History, Modern" is one subject.
    record = _oai_dc("<dc:subject>History, Modern</dc:subject>").record
    assert [s["value"] for s in record.to_dict()["subjects"]] == ["History, Modern"]


def test_a_street_address_is_no_publisher() -> None:
    # Sheet music of 1918 names its publisher's address first, then the publisher.
    address = "2623 3rd Ave. West, Kestrelford, Wex."
    for result, path in (
        (
            _oai_dc(
                f"<dc:publisher>{address}</dc:publisher>"
                "<dc:publisher>Abernethy Music Company</dc:publisher>"
            ),
            "dc:publisher",
        ),
        (
            _qdc(
                f"<dcterms:publisher>{address}</dcterms:publisher>"
                "<dcterms:publisher>Abernethy Music Company</dcterms:publisher>"
            ),
            "dcterms:publisher",
        ),
    ):
        record = result.record.to_dict()
        assert record["publisher"] == "Abernethy Music Company"
        assert record["extra"][path] == [address]
    # A name with a number in it is still a name.
    assert _oai_dc("<dc:publisher>3M Company, St. Paul</dc:publisher>").record.publisher == (
        "3M Company, St. Paul"
    )


def test_a_role_alone_beside_a_person_leaves_the_person_a_creator() -> None:
    # "(ed.)" names no one (it fails as a name alone), but the whole value had been a bad
    # value: the record lost Smith, its one creator.  The value is kept whole in extra.
    result = _oai_dc("<dc:creator>Smith, John; (ed.)</dc:creator>")
    record = result.record.to_dict()
    assert [c["name"] for c in record["creators"]] == ["Smith, John"]
    assert record["extra"]["dc:creator"] == ["Smith, John; (ed.)"]
    assert all(issue.code != "crosswalk.bad_value" for issue in result.issues)


def test_an_isbn_s_note_in_a_relation_is_kept_in_extra_not_the_record_s_failure() -> None:
    """A related item has no note: "ISBN … (pbk.)" had failed the whole record (a fuzz)."""
    result = _oai_dc("<dc:relation>ISBN 978-3-16-148410-0 (pbk.)</dc:relation>")
    record = result.record.to_dict()
    assert record["related"] == [{"scheme": "isbn", "value": "9783161484100"}]
    assert record["extra"] == {"dc:relation": ["ISBN 978-3-16-148410-0 (pbk.)"]}
    assert result.lineage["related"] == ["dc:relation"]


def test_a_value_kept_in_extra_explains_the_parts_it_put_in_a_field() -> None:
    """ "Smith, John; (ed.)": Smith is a contributor, the role alone had no place, so the whole
    value stays in extra; the contributor had come from nowhere (``crosswalk --explain``)."""
    result = _oai_dc("<dc:contributor>Smith, John; (ed.)</dc:contributor>")
    record = result.record.to_dict()
    assert [c["family_name"] for c in record["contributors"]] == ["Smith"]
    assert record["extra"] == {"dc:contributor": ["Smith, John; (ed.)"]}
    assert result.lineage["contributors"] == ["dc:contributor"]


def test_a_thesis_committees_chair_is_a_contributor_advising_it() -> None:
    # The crosswalk's role (ctb) is only the default: the chair had become an organisation.
    record = _oai_dc("<dc:contributor>Haverkamp, Wilma (Committee chair)</dc:contributor>")
    (chair,) = record.record.to_dict()["contributors"]
    assert (chair["family_name"], chair["given_name"], chair["role"]) == (
        "Haverkamp",
        "Wilma",
        "ths",
    )


def test_a_number_labelled_with_its_collection_is_a_local_identifier() -> None:
    # NSDL's crystal structures: they had stayed in extra.
    labelled = ("Reciprocal Net Sample id 27344140", "Common molecules Sample 50743")
    record = _qdc("".join(f"<dc:identifier>{v}</dc:identifier>" for v in labelled))
    assert record.record.to_dict()["identifiers"] == [
        {"scheme": "local", "value": value} for value in labelled
    ]
    # A call number, a citation, a number after words alone or after one word and a label
    # (a shelf's, a citation's part) are no such sign.
    kept = (
        "Photo 12/3",
        "Steijn, A.J. (1998). Work systems. Work 12",
        "Photo 12",
        "Box No. 4",
        "Issue no 4",
        "Grant no. 12345",
    )
    record = _oai_dc("".join(f"<dc:identifier>{v}</dc:identifier>" for v in kept))
    assert record.record.to_dict()["extra"] == {"dc:identifier": list(kept)}
