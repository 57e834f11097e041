"""A host publication's citation (crosswalk/citations.py)."""

from __future__ import annotations

import pytest

from ir_ingest.crosswalk import citations
from ir_ingest.crosswalk.normalise import NormaliseError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "Journal of X; Vol 3 No 2 (2021); 15-27",
            {
                "title": "Journal of X",
                "volume": "3",
                "issue": "2",
                "publication_date": "2021",
                "pages": {"start": "15", "end": "27"},
            },
        ),
        # OJS 3 adds the title: the citation had given no host title at all.
        (
            "Journal of X; Vol. 4 No. 2 (2021): Dunes and marshes; 15-30",
            {
                "title": "Journal of X",
                "volume": "4",
                "issue": "2",
                "publication_date": "2021",
                "pages": {"start": "15", "end": "30"},
            },
        ),
        ("Book title: Subtitle", {"title": "Book title: Subtitle"}),
        # Zenodo's form (a second walkthrough found it kept whole as the journal's title).
        (
            "Journal of X, Series B, 11(5), 613-616, (2024-06-01)",
            {
                "title": "Journal of X, Series B",
                "volume": "11",
                "issue": "5",
                "publication_date": "2024-06-01",
                "pages": {"start": "613", "end": "616"},
            },
        ),
        ("Acta; Volume 12; 100", {"title": "Acta", "volume": "12", "pages": {"start": "100"}}),
        # Reference lists' forms: no comma before the volume, or before the pages.
        (
            "Nature 421(6926):805-806",
            {
                "title": "Nature",
                "volume": "421",
                "issue": "6926",
                "pages": {"start": "805", "end": "806"},
            },
        ),
        (
            "Sociologische Gids, 47(2) 77-94.",
            {
                "title": "Sociologische Gids",
                "volume": "47",
                "issue": "2",
                "pages": {"start": "77", "end": "94"},
            },
        ),
        (
            "J. Phys.: Conf. Ser. 1234(1) e012345 (2019)",
            {
                "title": "J. Phys.: Conf. Ser.",
                "volume": "1234",
                "issue": "1",
                "publication_date": "2019",
                "pages": {"start": "e012345"},
            },
        ),
        (
            "Acta 7(1), xii-xv",
            {"title": "Acta", "volume": "7", "issue": "1", "pages": {"start": "xii", "end": "xv"}},
        ),
        # Zenodo's with the journal's ISSN and no pages: it had been the title whole.
        (
            "Musytari: Neraca Manajemen, ISSN 3025-9495, 25(7), (2026-06-03)",
            {
                "title": "Musytari: Neraca Manajemen",
                "issn": "3025-9495",
                "volume": "25",
                "issue": "7",
                "publication_date": "2026-06-03",
            },
        ),
        # Forms with words for the parts, and a volume and pages alone: each had become the
        # journal's whole title (a differential fuzz of oai_dc, qdc and MODS found them).
        (
            "Journal of Ecology, vol. 12, no. 3, pp. 45-67",
            {
                "title": "Journal of Ecology",
                "volume": "12",
                "issue": "3",
                "pages": {"start": "45", "end": "67"},
            },
        ),
        (
            "Journal of X, Series B, Vol. 12, Issue 3 (2020), 45-67.",
            {
                "title": "Journal of X, Series B",
                "volume": "12",
                "issue": "3",
                "publication_date": "2020",
                "pages": {"start": "45", "end": "67"},
            },
        ),
        (
            "Zeitschrift für Ethnologie, Bd. 140, H. 2, S. 201-230",
            {
                "title": "Zeitschrift für Ethnologie",
                "volume": "140",
                "issue": "2",
                "pages": {"start": "201", "end": "230"},
            },
        ),
        ("Handbook of X, Volume 2", {"title": "Handbook of X", "volume": "2"}),
        (
            "Acta Archaeologica, 7, 1-20",
            {"title": "Acta Archaeologica", "volume": "7", "pages": {"start": "1", "end": "20"}},
        ),
        (
            "Journal of Ecology, 12 (3), pp. 45-67",
            {
                "title": "Journal of Ecology",
                "volume": "12",
                "issue": "3",
                "pages": {"start": "45", "end": "67"},
            },
        ),
    ],
)
def test_citation(value: str, expected: dict[str, object]) -> None:
    assert citations.citation(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "A chapter title, 133-150, (2026-06-10)",
        "Journal of X, 31(4) and more",
        "Journal of X 31(4) and",
        "Journal of X, vol. 3, no. 2, and more",
        "Journal of X pp. 45-67",
    ],
)
def test_a_citation_in_a_form_not_read_is_no_title(value: str) -> None:
    # Read as a plain title, it had become the host's title, volume and date in it.
    with pytest.raises(NormaliseError, match="not a citation we read"):
        citations.citation(value)


def test_the_citation_expression_does_not_backtrack_through_spaces() -> None:
    # Found by a security review: with spaces free to go to the title or to the parts after
    # it, the old expression took 3.8 s for 80 spaces, doubling with each few more.
    # citation() collapses runs of spaces first; the expression must not rely on that.
    assert citations._CITATION.match("T" + " " * 400 + "x;") is None
    assert citations._CITATION.match("T; Vol 1 (2000):" + " " * 400 + "x;;") is None
    assert citations._NUMBERED_CITATION.match("T" + ", 1 " * 300 + "x;") is None
    assert citations._LABELLED_CITATION.match("T" + ", vol. 1 " * 300 + "x;") is None
    assert citations._VOLUME_AND_PAGES.match("T" + ", 1, " * 300 + "x;") is None


def test_a_value_longer_than_any_citation_is_not_read_as_one() -> None:
    with pytest.raises(NormaliseError, match="not a citation we read"):
        citations.citation("Title; " * 200)


PAGES = {"start": "12", "end": "34"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # EPrints' citation of a book section, from its "In:": it had stayed in extra.
        (
            "In: Jones, A. (ed.) Book Title. Kestrel Press, Oxford, pp. 12-34. ISBN 9780306406157",
            {
                "editors": "Jones, A.",
                "title": "Book Title",
                "publisher": "Kestrel Press",
                "place": "Oxford",
                "pages": PAGES,
                "isbn": "9780306406157",
            },
        ),
        (
            "In: Jones, Anne and Brown, Bob, (eds.) Tides: A Reader. Kestrel Press, Oxford, UK, "
            "pp. 12-34.",
            {
                "editors": "Jones, Anne and Brown, Bob",
                "title": "Tides: A Reader",
                "publisher": "Kestrel Press",
                "place": "Oxford, UK",
                "pages": PAGES,
            },
        ),
        # A series and its number between the title and the imprint; a hyphenated ISBN.
        (
            "In: Book Title. Lecture Notes in Estuaries, 1234. Springer, Berlin, pp. 12-34. "
            "ISBN 978-0-306-40615-7",
            {
                "title": "Book Title",
                "series": {"title": "Lecture Notes in Estuaries", "number": "1234"},
                "publisher": "Springer",
                "place": "Berlin",
                "pages": PAGES,
                "isbn": "978-0-306-40615-7",
            },
        ),
        # EPrints 2's editors; a book without place or pages, or without an imprint.
        (
            "In: Jones, A., ed. Book Title. Kestrel Press, Oxford.",
            {
                "editors": "Jones, A.",
                "title": "Book Title",
                "publisher": "Kestrel Press",
                "place": "Oxford",
            },
        ),
        (
            "In: Book Title. Kestrel Press, pp. 12-34.",
            {"title": "Book Title", "publisher": "Kestrel Press", "pages": PAGES},
        ),
        ("In: Book Title pp. 12-34", {"title": "Book Title", "pages": PAGES}),
    ],
)
def test_book_citation(value: str, expected: dict[str, object]) -> None:
    assert citations.book_citation(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        # Words alone: which is the title, which the publisher or the place, is a guess.
        "In: Ministry of Works, Survey 1999-2002. The Hague.",
        "Book Title. Kestrel Press, Oxford, pp. 12-34.",  # no "In:"
        # A title with a full stop of its own, or numbers: more parts than a series.
        "In: Handbook of Tides. Second edition. Kestrel Press, Oxford, pp. 1-9.",
        "In: Jones, A. (ed.) Coastal Science, 3(2), 1-9.",
        "In: pp. 12-34",  # no title
    ],
)
def test_a_book_in_a_form_not_read_is_an_error(value: str) -> None:
    with pytest.raises(NormaliseError, match="is not a book we read"):
        citations.book_citation(value)
