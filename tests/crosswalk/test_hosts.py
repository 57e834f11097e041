"""Steps that read a part's host and a conference from the record as a whole."""

from __future__ import annotations

import pytest

from ir_ingest.crosswalk.engine import Applied
from ir_ingest.crosswalk.hosts import (
    host_from_pages,
    host_from_part,
    host_from_relation,
    organisation_host,
)

COAR = "http://purl.org/coar/resource_type/"
BOOK = COAR + "c_2f33"
OTHER = {"uri": COAR + "c_1843"}


def _paged(sources: list[str], resource_type: dict[str, str] = OTHER) -> Applied:
    title = {"value": "Own title"}
    applied = Applied(
        {"title": title, "resource_type": resource_type, "extra": {"dc:source": sources}}
    )
    host_from_pages(applied)
    return applied


def test_a_citation_with_pages_is_the_host_of_a_record_typed_other() -> None:
    # Zenodo: a journal article its depositor typed Other had kept its journal in extra only.
    applied = _paged(["Journal of Tides, 14(01), 1200-1208, (2026-06-09)"])
    assert applied.data["host"] == {
        "title": "Journal of Tides",
        "volume": "14",
        "issue": "01",
        "pages": {"start": "1200", "end": "1208"},
        "publication_date": "2026-06-09",
    }
    assert applied.data["extra"]["dc:source"] == [
        "Journal of Tides, 14(01), 1200-1208, (2026-06-09)"
    ]
    assert [i.code for i in applied.issues] == ["crosswalk.inferred_host"]


def test_of_several_sources_the_one_citation_with_pages_is_the_host() -> None:
    # Zenodo's "conference proceedings" paper: its journal, and its meeting (misspelt).
    proceedings = {"uri": COAR + "c_f744"}
    applied = _paged(
        ["Horizon Review, 6(3), 120-136, (2026-06-09)", "The National Confrence on Tides, Agra"],
        proceedings,
    )
    assert applied.data["host"]["title"] == "Horizon Review"


@pytest.mark.parametrize(
    "sources",
    [
        # A dataset typed Other names the journal of the paper it supports: no pages.
        ["Cell Tides, 42(10), (2023-10-12)"],
        # Plazi's treatment: one page of an article, the article in the journal's title.
        ["A catalogue of thrips, pp. 286-293 in Zootaxa, 5737(2), 289, (2025-12-23)"],
        # A title alone; two citations with pages, of which the record's cannot be told.
        ["Tide Tables Ltd, (2026-06-11)"],
        ["Journal A, 1(2), 3-4, (2020)", "Journal B, 5(6), 7-8, (2021)"],
        # Zenodo's dc:source that repeats the record's own title names no host.
        ["Own title, 5(1), 07-10, (2025-01-17)"],
    ],
)
def test_no_host_without_one_citation_with_pages(sources: list[str]) -> None:
    applied = _paged(sources)
    assert "host" not in applied.data
    assert applied.issues == []


def test_a_citation_with_pages_on_a_dataset_or_a_part_is_not_read_by_host_from_pages() -> None:
    # A dataset's source is the paper it supports; a part's host is host_from_part's.
    for uri in ("c_ddb1", "c_5ce6", "c_6501"):
        applied = _paged(["Journal of Tides, 14(01), 1200-1208, (2026)"], {"uri": COAR + uri})
        assert "host" not in applied.data


#: Where the MODS host rule takes a host's title from (its predicates cut short here).
HOST_TITLE = "mods:relatedItem[@type='host'][not(mods:part)][1]/mods:titleInfo[1]/mods:title"
SERVICE = {"type": "organizational", "name": "Kestrel County Extension Service"}


def _with_host(host: dict[str, str], **data: object) -> Applied:
    return Applied(
        {"host": host, "contributors": [{**SERVICE, "role": "ctb"}], **data},
        lineage={"host.title": [HOST_TITLE]},
        source_values=5,
        consumed_values=5,
    )


def test_a_host_naming_the_records_organisation_is_its_collection() -> None:
    # OKHub's MODS of a ShareOK (DSpace) fact sheet: the community named as host is the
    # extension service that is also the record's contributor.
    applied = _with_host({"title": "Kestrel county extension service."})
    organisation_host(applied)
    assert "host" not in applied.data
    assert "host.title" not in applied.lineage
    at = "mods:relatedItem/mods:titleInfo/mods:title"
    assert applied.data["extra"] == {at: ["Kestrel county extension service."]}
    assert (applied.source_values, applied.consumed_values) == (5, 4), "kept, not lost"
    assert [(i.code, i.path) for i in applied.issues] == [("crosswalk.inferred_host", at)]


@pytest.mark.parametrize(
    ("host", "data", "lineage"),
    [
        # A publication's data (a volume): the service's own bulletin stays a host.
        ({"title": SERVICE["name"], "volume": "3"}, {}, [HOST_TITLE]),
        # A title that names no organisation of the record: a journal, a book.
        ({"title": "Journal of Port Engineering"}, {}, [HOST_TITLE]),
        # A person's name is no organisation's (a festschrift, a collected works).
        (
            {"title": "Ada Okafor"},
            {"creators": [{"type": "personal", "name": "Ada Okafor"}]},
            [HOST_TITLE],
        ),
        # Read by host_from_part from a dc:source, whose text is in extra already.
        ({"title": SERVICE["name"]}, {}, ["dc:source"]),
        # A title made of several source values (nonSort and title) cannot go back as one.
        ({"title": SERVICE["name"]}, {}, [HOST_TITLE, HOST_TITLE]),
    ],
)
def test_a_host_that_may_be_a_publication_stays(
    host: dict[str, str], data: dict[str, object], lineage: list[str]
) -> None:
    applied = _with_host(host, **data)
    applied.lineage["host.title"] = lineage
    organisation_host(applied)
    assert applied.data["host"] == host
    assert applied.consumed_values == 5
    assert applied.issues == []


ARTICLE = {"uri": COAR + "c_6501"}
CHAPTER = {"uri": COAR + "c_3248"}


def _related(relations: list[str], **data: object) -> Applied:
    applied = Applied(
        {
            "title": {"value": "Own title"},
            "resource_type": ARTICLE,
            "extra": {"dc:relation": relations},
            **data,
        }
    )
    host_from_relation(applied)
    return applied


@pytest.mark.parametrize(
    ("relations", "resource_type", "host"),
    [
        # DSpace's oai_dc writes dc.relation.ispartof as a plain dc:relation: an article's
        # journal had stayed in extra, the article hostless.
        (["Coastal Wetlands Review"], ARTICLE, {"title": "Coastal Wetlands Review"}),
        # Beside a series, a date, a link: those are not the host.
        (
            ["Coastal Wetlands Review", "ERS;ERS-2003-096-ORG", "December 2003",
             "www.example.org/cwr", "hdl:1765/1102"],
            ARTICLE,
            {"title": "Coastal Wetlands Review"},
        ),
        # A chapter's book: its type too.
        (["Tides: A Reader"], CHAPTER, {"title": "Tides: A Reader", "resource_type": BOOK}),
    ],
)  # fmt: skip
def test_a_parts_relation_that_names_a_publication_is_its_host(
    relations: list[str], resource_type: dict[str, str], host: dict[str, str]
) -> None:
    applied = _related(relations, resource_type=resource_type)
    assert applied.data["host"] == host
    assert applied.data["extra"]["dc:relation"] == relations, "kept as written"
    assert [i.code for i in applied.issues] == ["crosswalk.inferred_host"]
    assert applied.lineage["host.title"] == ["dc:relation"]


@pytest.mark.parametrize(
    ("relations", "data"),
    [
        # A link or an identifier no rule read, a series, a date: no title.
        (["www.example.org/cwr"], {}),
        (["hdl:1765/1102"], {}),
        (["urn:nbn:de:0000-12345"], {}),
        (["ERS;ERS-2003-096-ORG"], {}),
        (["December 2003"], {}),
        (["Coastal Wetlands Review", "Estuaries"], {}),  # which is the host?
        # Not a part (a thesis is part of nothing), or a host found before.
        (["Coastal Wetlands Review"], {"resource_type": {"uri": COAR + "c_46ec"}}),
        (["Coastal Wetlands Review"], {"host": {"title": "Estuaries"}}),
        (["Own title"], {}),  # the record's own title names no host
    ],
)
def test_no_host_from_a_relation_that_cannot_name_it(
    relations: list[str], data: dict[str, object]
) -> None:
    applied = _related(relations, **data)
    assert applied.data.get("host") == data.get("host")
    assert applied.issues == []


@pytest.mark.parametrize("link", ["www.example.org/cwr", "hdl:1765/1102", "doi:10.5555/x"])
def test_an_is_part_of_link_is_no_host_title(link: str) -> None:
    # A link the identifier rule could not read stays in extra: it had become the title.
    applied = Applied(
        {"title": {"value": "Own title"}, "resource_type": ARTICLE,
         "extra": {"dcterms:isPartOf": [link]}}
    )  # fmt: skip
    host_from_part(applied)
    assert "title" not in applied.data.get("host", {})  # a DOI is the host's identifier
