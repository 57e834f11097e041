"""import keeps a saved page's records where the harvest that saved it kept them: under its
``--repository``, or its configured source's name, not a second copy under the URL."""

from __future__ import annotations

import gzip
from typing import TYPE_CHECKING

from lxml import etree

from ir_ingest.cli import app
from ir_ingest.oai.provider import ProvidedRecord, fixture_endpoint_app, serve_in_background
from ir_ingest.xmlsafe import OAI_NS
from tests.cli.conftest import runner, store_counts

if TYPE_CHECKING:
    from pathlib import Path

    from typer.testing import Result


def _imported(db: str, page: Path, *given: str) -> Result:
    return runner.invoke(app, ["--db", db, *given, str(page)])


def _unchanged_only(result: Result) -> bool:
    """Whether ``import`` stored nothing new: every record it names is ``unchanged``."""
    named = [line for line in result.output.splitlines() if not line.startswith(("  ", "Source"))]
    return bool(named) and all(line.startswith("unchanged: ") for line in named)


def test_an_archived_page_imported_with_the_harvests_repository_adds_no_record(
    db: str, tmp_path: Path, demo_records: list[ProvidedRecord]
) -> None:
    """Its ``<request>`` names the URL: every record had been stored a second time under it,
    and ``--repository``, which would name them as the harvest did, was refused."""
    live = next(r for r in demo_records if not r.deleted)
    with serve_in_background(fixture_endpoint_app(demo_records)) as url:
        harvest = ["harvest", url, "--repository", "urn:mine", "--archive", str(tmp_path / "a")]
        assert runner.invoke(app, ["--db", db, *harvest]).exit_code == 0
        before = store_counts(db)
        asked = f"{url}?verb=GetRecord&metadataPrefix=oai_dc&identifier={live.identifier}"
        by_url = runner.invoke(app, ["--db", db, "import", asked, "--repository", "urn:mine"])
    pages = sorted((tmp_path / "a").rglob("*.xml.gz"))
    imported = [_imported(db, page, "import", "--repository", "urn:mine") for page in pages]
    piped = runner.invoke(
        app,
        ["--db", db, "import", "-", "--repository", "urn:mine"],
        input=gzip.decompress(pages[0].read_bytes()),
    )

    assert len(pages) == 4
    for result in [*imported, piped, by_url]:
        assert result.exit_code == 0, result.output
        assert _unchanged_only(result), result.output
        assert result.output.endswith("Source: urn:mine\n")
    assert store_counts(db) == before  # no record, no version of one


def test_an_oai_record_takes_repository_and_bare_metadata_is_refused_it(
    db: str, tmp_path: Path, demo_records: list[ProvidedRecord]
) -> None:
    """An OAI ``<record>`` has its identifier: named, it is the harvested record.  Bare
    metadata is named by its content, as no harvest names a record: kept under a source's
    name, each --full harvest would list it as gone from the source."""
    with serve_in_background(fixture_endpoint_app(demo_records)) as url:
        harvest = ["harvest", url, "--repository", "urn:mine", "--archive", str(tmp_path / "a")]
        assert runner.invoke(app, ["--db", db, *harvest]).exit_code == 0
    before = store_counts(db)
    page = etree.fromstring(gzip.decompress(next((tmp_path / "a").rglob("*.xml.gz")).read_bytes()))
    one = page.find(f".//{{{OAI_NS}}}record")
    assert one is not None
    (tmp_path / "record.xml").write_bytes(etree.tostring(one))
    metadata = one.find(f"{{{OAI_NS}}}metadata/*")
    assert metadata is not None
    (tmp_path / "bare.xml").write_bytes(etree.tostring(metadata))

    record = _imported(db, tmp_path / "record.xml", "import", "--repository", "urn:mine")
    bare = _imported(db, tmp_path / "bare.xml", "import", "--repository", "urn:mine")

    assert record.exit_code == 0, record.output
    assert _unchanged_only(record), record.output
    assert bare.exit_code == 2, bare.output
    assert bare.stderr == (
        f"error: --repository urn:mine: {tmp_path / 'bare.xml'} is bare metadata, without an "
        "OAI header naming its records as the repository does (they are named by their "
        "content, urn:sha256:…); import it without --repository\n"
    )
    assert store_counts(db) == before


def test_an_archived_page_of_a_configured_source_is_kept_under_its_name(
    db: str, tmp_path: Path, demo_records: list[ProvidedRecord]
) -> None:
    """Its ``<request>`` names the source's URL: the source's name, as ``--endpoint URL``
    takes it.  Of two sources of one endpoint, the page is the one of the set it asked for:
    it had been kept under the URL, a second copy of each record.  A later page asks by its
    token alone, and is refused without --repository rather than guessed."""
    journals = 'set = "pure:researchoutputtypes:contributiontojournal"\nrepository = "urn:j"\n'
    url, config, pages = _two_sources_harvested(
        db, tmp_path, demo_records, journals, 'repository = "urn:oa"\n'
    )
    before = store_counts(db)
    configured = ["--config", str(config), "import"]

    firsts = [_imported(db, pages[name][0], *configured) for name in ("journals", "openaire")]
    later = _imported(db, pages["openaire"][1], *configured)
    named = _imported(db, pages["openaire"][1], *configured, "--repository", "urn:oa")

    assert [len(found) for found in pages.values()] == [2, 3]
    for result, source in zip([*firsts, named], ["urn:j", "urn:oa", "urn:oa"], strict=True):
        assert result.exit_code == 0, result.output
        assert _unchanged_only(result), result.output
        assert result.output.endswith(f"Source: {source}\n")
    assert later.exit_code == 2
    assert later.stderr == (
        f"error: {pages['openaire'][1]}: a page asked for by its resumptionToken names no set, "
        f"and {url} is the endpoint of [sources.journals] (kept under urn:j), "
        "[sources.openaire] (kept under urn:oa): whose records it holds cannot be told; give "
        "--repository and the name they are kept under, or the source's name\n"
    )
    assert store_counts(db) == before


def test_import_says_repository_names_an_archived_pages_records() -> None:
    shown = runner.invoke(app, ["import", "--help"])
    assert shown.exit_code == 0
    said = " ".join(shown.output.split())  # as wrapped at any width
    assert (
        "--repository NAME The name the records are kept under, as harvest --repository NAME "
        "keeps them (import a page its --archive saved with the same NAME); not for bare "
        "metadata, which has no OAI identifier. Of a file or URL at configured sources' base "
        "URL: a name their records are kept under, else a source's name (that source's name "
        "and crosswalk)."
    ) in said
    assert "Example: ir-ingest import --repository pure archive/" in said


def _two_sources_harvested(
    db: str, tmp_path: Path, demo_records: list[ProvidedRecord], journals: str, openaire: str
) -> tuple[str, Path, dict[str, list[Path]]]:
    """Two sources of one endpoint, ``[sources.journals]`` (without a set unless ``journals``
    gives one) and ``[sources.openaire]`` of set openaire (``journals``, ``openaire``: the rest
    of their sections), each harvested with ``--archive``: its URL, the config, and the pages
    saved."""
    config = tmp_path / "ir-ingest.toml"
    with serve_in_background(fixture_endpoint_app(demo_records)) as url:
        config.write_text(
            f'[sources.journals]\nurl = "{url}"\n{journals}'
            f'[sources.openaire]\nurl = "{url}"\nset = "openaire"\n{openaire}'
        )
        base = ["--db", db, "--config", str(config)]
        for name in ("journals", "openaire"):
            archive = str(tmp_path / name)
            assert runner.invoke(app, [*base, "harvest", name, "--archive", archive]).exit_code == 0
    pages = {name: sorted((tmp_path / name).rglob("*.xml.gz")) for name in ("journals", "openaire")}
    return url, config, pages


def test_a_resumed_page_of_sources_keeping_their_records_under_one_name_is_kept_under_it(
    db: str, tmp_path: Path, demo_records: list[ProvidedRecord]
) -> None:
    """Neither source names a repository: both keep their records under the URL, and a page
    asked for by its token is theirs whichever it is (it had been refused, exit 2)."""
    url, config, pages = _two_sources_harvested(db, tmp_path, demo_records, "", "")
    before = store_counts(db)

    later = _imported(db, pages["openaire"][1], "--config", str(config), "import")

    assert len(pages["openaire"]) == 3
    assert later.exit_code == 0, later.output
    assert _unchanged_only(later), later.output
    assert later.output.endswith(f"Source: {url}\n")
    assert store_counts(db) == before


def test_repository_takes_a_sources_name_and_refuses_one_no_source_of_the_url_has(
    db: str, tmp_path: Path, demo_records: list[ProvidedRecord]
) -> None:
    """``--repository openaire`` (``[sources.openaire]``, kept under urn:oa) had kept the page's
    records under "openaire": a second copy of each, as had any other name at the URL of
    configured sources.  The source's name is that source; another name is refused, naming the
    names that can be given."""
    url, config, pages = _two_sources_harvested(
        db, tmp_path, demo_records, 'repository = "urn:j"\n', 'repository = "urn:oa"\n'
    )
    before = store_counts(db)
    configured = ["--config", str(config), "import", "--repository"]

    by_section = _imported(db, pages["openaire"][1], *configured, "openaire")
    other = _imported(db, pages["openaire"][1], *configured, "oa")

    assert by_section.exit_code == 0, by_section.output
    assert _unchanged_only(by_section), by_section.output
    assert by_section.output.endswith("Source: urn:oa\n")
    assert other.exit_code == 2, other.output
    assert other.stderr == (
        f"error: --repository oa: {url} is the endpoint of [sources.journals] (kept under "
        "urn:j), [sources.openaire] (kept under urn:oa); give one of the names their records "
        "are kept under, or a source's name\n"
    )
    assert store_counts(db) == before
