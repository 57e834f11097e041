"""Post-processing steps on the record data the rules made."""

from __future__ import annotations

from typing import Any

from ir_ingest.crosswalk.engine import Applied
from ir_ingest.crosswalk.post import (
    authors_as_creators,
    book_from_isbn,
    catalogue_punctuation,
    editors_as_creators,
    landing_page,
    makers_as_creators,
    own_relations,
    type_from_set,
)


def _people(*roles: str) -> list[dict[str, Any]]:
    return [{"name": f"Person {n}", "role": role} for n, role in enumerate(roles)]


def _after_both(data: dict[str, Any]) -> dict[str, Any]:
    applied = Applied(data)
    authors_as_creators(applied)
    editors_as_creators(applied)
    makers_as_creators(applied)
    return applied.data


def test_those_who_made_a_work_without_author_are_its_creators() -> None:
    data = _after_both({"contributors": _people("pht", "ctb", "egr")})

    assert data["creators"] == [
        {"name": "Person 0", "role": "pht"},
        {"name": "Person 2", "role": "egr"},
    ]
    assert data["contributors"] == [{"name": "Person 1", "role": "ctb"}]


def test_authors_editors_and_mere_contributors_are_not_replaced() -> None:
    authored = _after_both({"creators": _people("aut"), "contributors": _people("pht")})
    edited = _after_both({"contributors": _people("edt", "ill")})
    advised = _after_both({"contributors": _people("ctb", "ths")})

    assert (authored["creators"], authored["contributors"]) == (_people("aut"), _people("pht"))
    assert edited["creators"] == [{"name": "Person 0", "role": "edt"}]
    assert edited["contributors"] == [{"name": "Person 1", "role": "ill"}]
    assert "creators" not in advised


def test_authors_among_the_contributors_are_the_creators_before_editors() -> None:
    # Islandora's DC writes every name as a dc:contributor, each with its role.
    data = _after_both({"contributors": _people("edt", "aut", "aut", "ths")})

    assert [c["role"] for c in data["creators"]] == ["aut", "aut"]
    assert [c["role"] for c in data["contributors"]] == ["edt", "ths"]


def test_a_catalogues_punctuation_is_taken_off_the_end_of_titles_publishers_and_places() -> None:
    # MODS made from MARC (BHL's): "Leiden :", "E.J. Brill,", a title before its "/ by …".
    applied = Applied(
        {
            "title": {"value": "Die Musci der Flora von Buitenzorg /"},
            "publisher": "Alfred A. Knopf, Inc.;",
            "place_of_publication": "Leiden :",
            "host": {"title": "Flora of Java =", "publisher": "E.J. Brill,"},
            "notes": ["kept as written :"],
            "subtitle": {"value": "Estudio del caf&eacute;"},  # escaped twice: not ISBD's ";"
        }
    )
    catalogue_punctuation(applied)
    assert applied.data == {
        "title": {"value": "Die Musci der Flora von Buitenzorg"},
        "publisher": "Alfred A. Knopf, Inc.",  # a full stop ends an abbreviation
        "place_of_publication": "Leiden",
        "host": {"title": "Flora of Java", "publisher": "E.J. Brill"},
        "notes": ["kept as written :"],
        "subtitle": {"value": "Estudio del caf&eacute;"},
    }


def test_an_eprints_records_own_page_is_its_landing_page() -> None:
    # EPrints gives its abstract page in dc:relation: it had been a related item, and the
    # landing page none (or a file).
    page = {"scheme": "url", "value": "http://eprints.example.ac.uk/12/"}
    other = {"scheme": "url", "value": "http://eprints.example.ac.uk/13/"}
    applied = Applied(
        {"source": {"oai_identifier": "oai:eprints.example.ac.uk:12"}, "related": [page, other]}
    )
    landing_page(applied)
    assert applied.data["source"]["landing_page"] == page["value"]
    assert applied.data["related"] == [other]


def test_a_relation_naming_the_records_own_identifier_is_no_related_item() -> None:
    # Zenodo repeats an article's DOI in dc:relation: the article had been related to itself.
    doi = {"scheme": "doi", "value": "10.9999/tide.2031.7"}
    concept = {"scheme": "doi", "value": "10.5281/zenodo.100"}
    applied = Applied({"identifiers": [doi], "related": [doi, concept]})
    own_relations(applied)
    assert applied.data["related"] == [concept]
    alone = Applied({"identifiers": [doi], "related": [dict(doi)]})
    own_relations(alone)
    assert "related" not in alone.data


def test_arxivs_own_record_has_its_abstract_page_as_landing_page() -> None:
    # Its dc:identifier http://arxiv.org/abs/… is read as its arXiv id, no longer a url.
    own = {"scheme": "arxiv", "value": "arXiv:hep-th/9901001"}
    applied = Applied(
        {"source": {"oai_identifier": "oai:arXiv.org:hep-th/9901001"}, "identifiers": [own]}
    )
    landing_page(applied)
    assert applied.data["source"]["landing_page"] == "https://arxiv.org/abs/hep-th/9901001"
    # Another repository's record of the paper: the preprint's page is not its own.
    other = Applied({"source": {"oai_identifier": "oai:repo.example:12"}, "identifiers": [own]})
    landing_page(other)
    assert "landing_page" not in other.data["source"]
    # Another arXiv record named: not this one's page.
    cited = Applied(
        {"source": {"oai_identifier": "oai:arXiv.org:2101.00001"}, "identifiers": [own]}
    )
    landing_page(cited)
    assert "landing_page" not in cited.data["source"]


def test_a_zenodo_records_page_is_its_landing_page() -> None:
    # Zenodo's dc:identifier gives DOIs, the OAI identifier and at times a journal's article
    # page, which had been the landing page (most records had none).
    journal = {"scheme": "url", "value": "https://journal.example.org/article?id=7"}
    applied = Applied(
        {"source": {"oai_identifier": "oai:zenodo.org:4242"}, "identifiers": [journal]}
    )
    landing_page(applied)
    assert applied.data["source"]["landing_page"] == "https://zenodo.org/records/4242"
    assert applied.lineage["source.landing_page"] == ["source.oai_identifier"]
    elsewhere = Applied({"source": {"oai_identifier": "oai:zenodo.org.example:4242"}})
    landing_page(elsewhere)
    assert "landing_page" not in elsewhere.data["source"]
    # Read without its header (a file crosswalked offline), it names itself in dc:identifier.
    offline = Applied(
        {
            "source": {"oai_identifier": "urn:sha256:00"},
            "identifiers": [journal, {"scheme": "oai", "value": "oai:zenodo.org:4242"}],
        }
    )
    landing_page(offline)
    assert offline.data["source"]["landing_page"] == "https://zenodo.org/records/4242"
    assert offline.lineage["source.landing_page"] == ["identifiers[oai]"]


def test_a_handle_resolves_to_the_landing_page_where_no_url_is_given() -> None:
    # DSpace's only link to its item page is http://hdl.handle.net/…, read as the handle.
    handle = {"scheme": "handle", "value": "20.500.99999/31"}
    applied = Applied({"source": {}, "identifiers": [handle]})
    landing_page(applied)
    assert applied.data["source"]["landing_page"] == "https://hdl.handle.net/20.500.99999/31"
    url = {"scheme": "url", "value": "https://repo.example.org/items/31"}
    both = Applied({"source": {}, "identifiers": [handle, url]})
    landing_page(both)
    assert both.data["source"]["landing_page"] == url["value"], "a page the source gave wins"


def test_a_record_typed_only_other_takes_the_type_its_set_names() -> None:
    # Zenodo's software: dc:type info:eu-repo/semantics/other, and the set "software".
    other = {"uri": "http://purl.org/coar/resource_type/c_1843", "label": "other"}
    applied = Applied({"source": {"set_specs": ["user-x", "software"]}, "resource_type": other})
    type_from_set(applied)
    assert applied.data["resource_type"]["uri"] == "http://purl.org/coar/resource_type/c_5ce6"
    assert [i.code for i in applied.issues] == ["crosswalk.inferred_type"]
    article = {"uri": "http://purl.org/coar/resource_type/c_6501", "label": "journal article"}
    typed = Applied({"source": {"set_specs": ["software"]}, "resource_type": article})
    type_from_set(typed)
    assert typed.data["resource_type"] == article, "a type the source said stands"


def test_a_record_typed_other_on_a_journals_pages_is_no_dataset() -> None:
    # Zenodo's openaire_data set holds every record typed Other: a journal article among them
    # had become a dataset (see host_from_pages, which reads its host first).
    other = {"uri": "http://purl.org/coar/resource_type/c_1843", "label": "other"}
    host = {"title": "Journal of Tides", "pages": {"start": "3", "end": "9"}}
    applied = Applied({"source": {"set_specs": ["openaire_data"]}, "resource_type": other})
    applied.data["host"] = host
    type_from_set(applied)
    assert applied.data["resource_type"] == other
    assert applied.issues == []


def test_a_text_with_an_isbn_of_its_own_is_a_book() -> None:
    # LoC's MARC to MODS gives a printed book typeOfResource text and no genre: it had been
    # COAR text (a MODS fidelity review).
    text = {"uri": "http://purl.org/coar/resource_type/c_18cf", "source": {"label": "text"}}
    isbn = {"scheme": "isbn", "value": "9780306406157"}
    applied = Applied({"resource_type": text, "identifiers": [isbn]})
    book_from_isbn(applied)
    assert applied.data["resource_type"] == {
        "uri": "http://purl.org/coar/resource_type/c_2f33",
        "label": "book",
        "general": "literature",
        "source": {"label": "text"},
    }
    assert [i.code for i in applied.issues] == ["crosswalk.inferred_type"]
    # A chapter's ISBN is its book's; a type the source said stands.
    chapter = Applied({"resource_type": text, "identifiers": [isbn], "host": {"title": "B"}})
    report = {"uri": "http://purl.org/coar/resource_type/c_93fc", "label": "report"}
    for applied in (chapter, Applied({"resource_type": report, "identifiers": [isbn]})):
        before = dict(applied.data["resource_type"])
        book_from_isbn(applied)
        assert applied.data["resource_type"] == before
        assert not applied.issues
