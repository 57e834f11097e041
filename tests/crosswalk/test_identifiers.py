"""Identifiers: detection, normalisation, schemes given by the source."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ir_ingest.crosswalk import crosswalk_record, identifiers
from ir_ingest.crosswalk.identifiers import host_identifier
from ir_ingest.crosswalk.normalise import NormaliseError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://doi.org/10.5555/ABC.1", {"scheme": "doi", "value": "10.5555/abc.1"}),
        ("doi:10.5555/x", {"scheme": "doi", "value": "10.5555/x"}),
        ("978-0-367-73501-2", {"scheme": "isbn", "value": "9780367735012"}),
        (
            "https://hdl.handle.net/20.500.99999/3390",
            {"scheme": "handle", "value": "20.500.99999/3390"},
        ),
        ("https://example.org/item/1", {"scheme": "url", "value": "https://example.org/item/1"}),
        # What follows the number is kept (a walkthrough found MARC's note dropped).
        (
            "0801486394 (pbk. : acid-free, recycled paper)",
            {
                "scheme": "isbn",
                "value": "9780801486395",
                "note": "pbk. : acid-free, recycled paper",
            },
        ),
        (
            "ISBN 978-0-367-73501-2 (hbk.)",
            {"scheme": "isbn", "value": "9780367735012", "note": "hbk."},
        ),
        # Hyphens spaced apart are the number's: "- 1" had been a note (a fidelity review).
        ("ISBN 90 - 5892 - 032 - 1", {"scheme": "isbn", "value": "9789058920324"}),
        # What a URL may not hold unencoded is percent-encoded, not lost.
        (
            'https://example.org/"><script>x</script>',
            {"scheme": "url", "value": "https://example.org/%22%3E%3Cscript%3Ex%3C/script%3E"},
        ),
        (
            "https://example.org/files/my thesis.pdf",
            {"scheme": "url", "value": "https://example.org/files/my%20thesis.pdf"},
        ),
        # A label before a URL, as Islandora's MODS to DC stylesheet writes a type or a
        # displayLabel (or a colon where there is none): the URL's own scheme.
        (
            "uri: https://ark.example.org/ark:/99999/fk4x1",
            {"scheme": "ark", "value": "ark:/99999/fk4x1"},
        ),
        (
            ":\u00a0http://cdm.example.org/cdm/ref/collection/p1/id/9",
            {"scheme": "url", "value": "http://cdm.example.org/cdm/ref/collection/p1/id/9"},
        ),
        ("URL: https://hdl.handle.net/1887/12", {"scheme": "handle", "value": "1887/12"}),
    ],
)
def test_identifier(value: str, expected: dict[str, str]) -> None:
    assert identifiers.identifier(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("http://arxiv.org/abs/2101.00001", "arXiv:2101.00001"),
        ("https://arxiv.org/abs/2101.00001v2", "arXiv:2101.00001v2"),
        ("https://export.arxiv.org/abs/0704.0001", "arXiv:0704.0001"),
        ("http://arxiv.org/abs/hep-th/9901001", "arXiv:hep-th/9901001"),
        ("http://arxiv.org/abs/hep-th/9901001v2", "arXiv:hep-th/9901001v2"),
        ("arXiv:2101.00001", "arXiv:2101.00001"),
        ("hep-th/9901001", "arXiv:hep-th/9901001"),
    ],
)
def test_an_arxiv_abstract_page_is_an_arxiv_id(value: str, expected: str) -> None:
    # arXiv's dc:identifier, and repositories citing a preprint: they had been plain urls.
    assert identifiers.identifier(value) == {"scheme": "arxiv", "value": expected}


@pytest.mark.parametrize(
    "value",
    [
        "https://arxiv.org/pdf/2101.00001v2",  # a file, not the abstract page
        "https://arxiv.org/abs/2101.00001/",
        "https://arxiv.org/abs/tides",
        "https://notarxiv.org/abs/2101.00001",
    ],
)
def test_other_arxiv_urls_stay_urls(value: str) -> None:
    assert identifiers.identifier(value) == {"scheme": "url", "value": value}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("RePEc:dgr:eureri:2001134", "RePEc:dgr:eureri:2001134"),
        ("repec:eee:ecolec:v:68:y:2009:i:3:p:1-9", "RePEc:eee:ecolec:v:68:y:2009:i:3:p:1-9"),
    ],
)
def test_a_repec_handle_is_scheme_repec(value: str, expected: str) -> None:
    # Erasmus' early DSpace wrote one beside the handle URL; it had been left in extra.
    assert identifiers.identifier(value) == {"scheme": "repec", "value": expected}


@pytest.mark.parametrize("value", ["RePEc:dgr", "RePEc: dgr eureri 2001134"])
def test_a_repec_handle_needs_archive_series_and_item(value: str) -> None:
    with pytest.raises(NormaliseError):
        identifiers.identifier(value)


@pytest.mark.parametrize(
    "value",
    [
        "ark:/99999/fk4x7",
        "ARK:99999/fk4x7",  # the ARK spec of 2023 writes no slash
        "https://n2t.net/ark:/99999/fk4x7",
        "http://ark.example.org/ark:/99999/fk4x7/",  # a final slash is no part of it
    ],
)
def test_an_ark_at_any_resolver_is_the_ark(value: str) -> None:
    # idutils reads no https resolver URL as an ARK: Digital Commonwealth's had been urls.
    assert identifiers.identifier(value) == {"scheme": "ark", "value": "ark:/99999/fk4x7"}


@pytest.mark.parametrize(
    "value", ["https://example.org/items/ark:/99999/fk4x7", "https://example.org/ark:/fk4x7"]
)
def test_other_urls_naming_an_ark_stay_urls(value: str) -> None:
    # An ARK's resolver is a host; nor is a name without its NAAN an ARK.
    assert identifiers.identifier(value) == {"scheme": "url", "value": value}


def test_an_ark_that_names_nothing_after_its_naan_is_none() -> None:
    with pytest.raises(NormaliseError):
        identifiers.identifier("ark:/12345//")


def test_identifier_refuses_a_citation() -> None:
    with pytest.raises(NormaliseError):
        identifiers.identifier("Lowry, H. (2020) Rivers and reputations. Northmoor.")


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (
            {"scheme": "isbn", "value": "978-0-367-73501-2", "qualifier": "print"},
            {"scheme": "isbn", "value": "9780367735012", "qualifier": "print"},
        ),
        ({"scheme": "hdl", "value": "hdl:11244/1234"}, {"scheme": "handle", "value": "11244/1234"}),
        (
            {"scheme": "uri", "value": "https://doi.org/10.5555/X"},
            {"scheme": "doi", "value": "10.5555/x"},
        ),
        ({"scheme": "local", "value": " b7e-12 "}, {"scheme": "local", "value": "b7e-12"}),
    ],
)
def test_identifier_parts(parts: dict[str, str], expected: dict[str, str]) -> None:
    assert identifiers.identifier_parts(parts) == expected


def test_an_invalid_isbn_is_refused() -> None:
    with pytest.raises(NormaliseError, match="not a valid isbn"):
        identifiers.identifier("9781999991235", "isbn")


def test_scheme_prefixes_and_oai_identifiers() -> None:
    assert identifiers.identifier("issn:2583-1887") == {"scheme": "issn", "value": "25831887"}
    # Written with a space, or as an info URI: both had gone to extra (a fidelity review).
    assert identifiers.identifier("ISSN 0378-5955") == {"scheme": "issn", "value": "03785955"}
    doi = identifiers.identifier("info:doi/10.1000/ABC")
    assert doi == {"scheme": "doi", "value": "10.1000/abc"}
    assert identifiers.identifier("oai:zenodo.org:1") == {
        "scheme": "oai",
        "value": "oai:zenodo.org:1",
    }
    assert identifiers.identifier("https://example.org/1234-5679") == {
        "scheme": "url",
        "value": "https://example.org/1234-5679",
    }


@pytest.mark.parametrize(
    "value",
    [
        "Photo 12/3",
        "Julkaisuja / Helsingin yliopisto, Maantieteen laitos",
        "Econometric Institute Reports;EI 2000-26/A",
        "Lowry, H. (2020) Rivers/reputations. Northmoor, 12/3.",
        "abc/def",
    ],
)
def test_a_slash_does_not_make_a_handle(value: str) -> None:
    # idutils' handle test accepts nearly anything with a slash in it.
    with pytest.raises(NormaliseError):
        identifiers.identifier(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("hdl:1887/12345", "1887/12345"),
        ("info:hdl/2027/mdp.39015", "2027/mdp.39015"),
        ("https://hdl.handle.net/20.500.12345/abc", "20.500.12345/abc"),
        ("1887/12345", "1887/12345"),
        ("2027/abc", "2027/abc"),
    ],
)
def test_handles_in_the_forms_repositories_write(value: str, expected: str) -> None:
    assert identifiers.identifier(value) == {"scheme": "handle", "value": expected}


def test_a_bare_doi_is_not_a_handle() -> None:
    assert identifiers.identifier("10.1234/x") == {"scheme": "doi", "value": "10.1234/x"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "info:eu-repo/semantics/altIdentifier/doi/10.1234/ABC",
            {"scheme": "doi", "value": "10.1234/abc"},
        ),
        (
            "info:eu-repo/semantics/altIdentifier/isbn/978-0-367-73501-2",
            {"scheme": "isbn", "value": "9780367735012"},
        ),
        (
            "info:eu-repo/semantics/altIdentifier/hdl/1887/12345",
            {"scheme": "handle", "value": "1887/12345"},
        ),
        (
            "info:eu-repo/semantics/altIdentifier/eissn/2049-3630",
            {"scheme": "issn", "value": "20493630"},
        ),
        (
            "info:eu-repo/semantics/altIdentifier/url/https://example.org/a/1",
            {"scheme": "url", "value": "https://example.org/a/1"},
        ),
        (
            "info:eu-repo/semantics/altIdentifier/pmid/12345678",
            {"scheme": "pmid", "value": "12345678"},
        ),
        (
            "info:eu-repo/semantics/altIdentifier/wos/000123456700001",
            {"scheme": "wos", "value": "000123456700001"},
        ),
    ],
)
def test_openaire_alt_identifiers_are_unwrapped(value: str, expected: dict[str, str]) -> None:
    assert identifiers.identifier(value) == expected


def test_an_alt_identifier_must_be_valid_in_its_scheme() -> None:
    with pytest.raises(NormaliseError, match="not a valid doi"):
        identifiers.identifier("info:eu-repo/semantics/altIdentifier/doi/Photo 12/3")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ISBN: 9780367735012", {"scheme": "isbn", "value": "9780367735012"}),
        ("1234-5679", {"scheme": "issn", "value": "12345679"}),
        ("eISSN 1234-5679", {"scheme": "issn", "value": "12345679", "qualifier": "electronic"}),
        ("ISSN (print): 1234-5679", {"scheme": "issn", "value": "12345679", "qualifier": "print"}),
        ("doi:10.5555/x.1", {"scheme": "doi", "value": "10.5555/x.1"}),
        ("Journal of Speculative Hydrology", None),
        ("https://journal.example.org/", None),  # a URL names no host
    ],
)
def test_a_host_source_that_is_only_an_identifier(
    text: str, expected: dict[str, str] | None
) -> None:
    assert host_identifier(text) == expected


def test_a_labelled_host_source_with_a_bad_checksum_is_an_error() -> None:
    with pytest.raises(NormaliseError, match="not a valid isbn"):
        host_identifier("ISBN: 9780367735013")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("PMID: 12345678", {"scheme": "pmid", "value": "12345678"}),
        ("info:pmid/12345678", {"scheme": "pmid", "value": "12345678"}),
    ],
)
def test_a_pmid_is_one_written_as_such(value: str, expected: dict[str, str]) -> None:
    assert identifiers.identifier(value) == expected


@pytest.mark.parametrize("value", ["34", "12345678"])
def test_a_bare_number_is_no_identifier(value: str) -> None:
    # A series number in dc:relation, a local id: every number passes idutils' PMID test.
    with pytest.raises(NormaliseError):
        identifiers.identifier(value)


def test_a_missing_idutils_fails_at_start_saying_what_to_install() -> None:
    # idutils is imported at the first identifier; without the check at import, every record
    # of a run would become a reject instead.  None in sys.modules hides an installed package.
    code = "import sys; sys.modules['idutils'] = None; import ir_ingest.crosswalk"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "ImportError: ir-ingest needs idutils; install it (pip install idutils)" in done.stderr


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(document.cookie)",
        "data:text/html,<script>x</script>",
        "/a/b",
        "http://[oops/x",  # urlsplit raises ValueError: the record once failed with it
    ],
)
def test_a_url_is_a_web_or_ftp_address_and_nothing_else(value: str) -> None:
    # Found by a security review: these became landing pages and links a repository shows.
    with pytest.raises(NormaliseError):
        identifiers.url(value)
    with pytest.raises(NormaliseError):
        identifiers.identifier(value)


def test_what_no_iri_holds_is_percent_encoded_in_a_url() -> None:
    # A security review: a right-to-left override had stayed in a link a repository shows,
    # which read as another address ("http://h/\u202egnp.exe" shows as "http://h/exe.png").
    assert identifiers.url("http://h/\u202egnp.exe") == "http://h/%E2%80%AEgnp.exe"
    assert identifiers.url("http://h/a\u2066b\u200fc") == "http://h/a%E2%81%A6b%E2%80%8Fc"
    assert identifiers.url("http://h/caf\u00e9") == "http://h/caf\u00e9", "an IRI's letters stay"


def test_a_mods_url_that_is_no_link_stays_in_extra_with_an_issue() -> None:
    mods = (
        b"<mods xmlns='http://www.loc.gov/mods/v3'><titleInfo><title>T</title></titleInfo>"
        b"<location><url access='object in context'>javascript:alert(1)</url>"
        b"<url>https://repo.example/item/1</url></location>"
        b"<name valueURI='javascript:alert(2)'><namePart>Ng, Mary</namePart></name></mods>"
    )
    result = crosswalk_record(mods, "mods")
    assert result.record.source.landing_page == "https://repo.example/item/1"
    assert result.record.extra["mods:location/mods:url"] == ["javascript:alert(1)"]
    # A name's valueURI too (second review): no identifier of the agent, kept in extra.
    assert [agent.identifiers for agent in result.record.creators] == [[]]
    assert result.record.extra["mods:name/@valueURI"] == ["javascript:alert(2)"]
    assert any("no http, https or ftp URL" in issue.message for issue in result.issues)


def test_a_file_as_dspace_writes_it_into_dc_format() -> None:
    # Early DSpace: the media type, a space, the URL with the file name's space unencoded.
    found = identifiers.typed_file("application/pdf https://repo.example/retrieve/7/My thesis.pdf")
    assert found == {
        "mimetype": "application/pdf",
        "source_url": "https://repo.example/retrieve/7/My%20thesis.pdf",
    }


@pytest.mark.parametrize(
    "value",
    [
        "application/pdf",
        "https://repo.example/retrieve/7/a.pdf",
        "application/pdf javascript:alert(1)",
        "PDF https://repo.example/retrieve/7/a.pdf",
    ],
)
def test_what_is_no_media_type_and_file_url_is_no_file(value: str) -> None:
    with pytest.raises(NormaliseError):
        identifiers.typed_file(value)


def test_what_identifiers_are_remembered_is_bounded_over_a_long_harvest() -> None:
    # Every record brings identifiers of its own (DOIs, handles): a memo of them all would grow
    # with the harvest.  More distinct ones than it keeps leave it at its bound.
    remembered = identifiers._identifier_cached
    bound = remembered.cache_info().maxsize
    assert bound is not None
    for number in range(bound + 100):
        assert identifiers.identifier(f"10.1234/bounded.{number}", "doi")["scheme"] == "doi"
    assert remembered.cache_info().currsize == bound
