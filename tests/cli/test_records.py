"""The import, crosswalk and export commands, run as a user runs them."""

from __future__ import annotations

import copy
import gzip
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import jsonschema
import pytest

from ir_ingest.cli import app, records_export
from ir_ingest.errors import IngestError
from ir_ingest.oai.provider import ProvidedRecord, fixture_endpoint_app, serve_in_background
from ir_ingest.schema import checked_in_schema
from ir_ingest.store import Store
from tests.cli.conftest import runner, store_counts, titles_only
from tests.conftest import FIXTURES, SEED_CHAPTER, misspelt_crosswalk
from tests.oai.scripted import error, page, record, scripted

if TYPE_CHECKING:
    from lxml import etree
    from typer.testing import Result

DC = "http://purl.org/dc/elements/1.1/"


def test_crosswalk_prints_schema_valid_json() -> None:
    result = runner.invoke(app, ["crosswalk", str(SEED_CHAPTER)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    jsonschema.validate(record, checked_in_schema())
    assert record["resource_type"]["label"] == "book part"


def test_crosswalk_reads_a_file_url_and_refuses_a_web_one_naming_it() -> None:
    """A Path of ``http://host/x`` was ``http:/host/x``: "cannot read the file"."""
    from_url = runner.invoke(app, ["crosswalk", SEED_CHAPTER.as_uri()])
    assert from_url.exit_code == 0, from_url.output
    assert json.loads(from_url.stdout)["resource_type"]["label"] == "book part"
    # A file:// URL naming another host names a file on a share, not this file (a review).
    shared = runner.invoke(app, ["crosswalk", f"file://fileserver.example{SEED_CHAPTER}"])
    assert shared.exit_code == 1
    assert "a file:// URL names a file of this machine" in shared.output
    local = runner.invoke(app, ["crosswalk", f"file://localhost{SEED_CHAPTER}"])
    assert local.exit_code == 0, local.output
    web = runner.invoke(app, ["crosswalk", "http://127.0.0.1:9/record.xml"])
    assert web.exit_code == 1
    assert web.output.startswith(
        "error: http://127.0.0.1:9/record.xml: crosswalk reads a file, offline (ir-ingest "
        "import fetches a URL and stores it), not http://"
    )


@pytest.mark.parametrize("command", [["export", "-o"], ["report", "-o"]])
@pytest.mark.parametrize("suffix", ["", "-wal"])
def test_output_over_the_store_itself_is_refused_and_the_store_kept(
    db: str, command: list[str], suffix: str
) -> None:
    """``export -o ir-ingest.sqlite3`` had emptied the store before reading it (a traceback,
    every record lost); ``report -o`` wrote over it."""
    assert runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)]).exit_code == 0
    runner.invoke(app, ["--db", db, "reprocess"])  # a run for report to show
    store_file = db.removeprefix("sqlite:///") + suffix
    result = runner.invoke(app, ["--db", db, *command, store_file])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: -o {store_file} is the store's own database file: writing there would "
        "destroy the store; name another file\n"
    )
    assert store_counts(db)["records"] == 1


@pytest.mark.parametrize("command", [["export", "-o"], ["report", "-o"]])
def test_output_over_a_hard_link_to_the_store_is_refused(
    db: str, command: list[str], tmp_path: Path
) -> None:
    # The same file by another name: export -o had emptied the store, then a traceback.
    assert runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)]).exit_code == 0
    runner.invoke(app, ["--db", db, "reprocess"])  # a run for report to show
    other_name = tmp_path / "records.json"
    os.link(db.removeprefix("sqlite:///"), other_name)
    result = runner.invoke(app, ["--db", db, *command, str(other_name)])
    assert result.exit_code == 2, result.output
    assert "is the store's own database file" in result.stderr
    assert store_counts(db)["records"] == 1


def test_import_stores_one_record_and_says_so(db: str) -> None:
    result = runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("created: Who is in the lead?")
    again = runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)])
    assert again.output.startswith("unchanged:")
    assert store_counts(db)["records"] == 1


@pytest.mark.parametrize("identifier", ["", " "])
def test_an_empty_identifier_is_refused_before_the_store_is_made(db: str, identifier: str) -> None:
    # Checked once the store was opened, it had left one, empty, and exited 1.
    result = runner.invoke(
        app, ["--db", db, "import", "--endpoint", "http://127.0.0.1:9/oai", "--identifier", "x",
              "--identifier", identifier],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"error: --identifier must name a record, such as oai:example.org:123, got {identifier!r}\n"
    )
    assert not Path(db.removeprefix("sqlite:///")).exists()


def test_import_by_identifier_fetches_the_record_from_the_endpoint(
    db: str, demo_records: list[ProvidedRecord]
) -> None:
    live = next(r for r in demo_records if not r.deleted)
    with serve_in_background(fixture_endpoint_app(demo_records)) as url:
        asked = ["--db", db, "import", "--endpoint", url, "--identifier", live.identifier]
        result = runner.invoke(app, asked)
        again = runner.invoke(app, asked)
        missing = runner.invoke(app, [*asked[:-1], "oai:nowhere:1"])

    assert result.exit_code == 0, result.output
    assert result.output.startswith("created: ")
    assert result.output.splitlines()[0].endswith(f"({live.identifier})")
    assert again.output.startswith("unchanged: ")
    assert missing.exit_code == 1
    assert "idDoesNotExist" in missing.output
    assert store_counts(db)["records"] == 1


def test_import_by_identifier_that_fails_makes_no_store(
    db: str, demo_records: list[ProvidedRecord]
) -> None:
    """An endpoint down, or without the record, had left a new, empty store behind; a store
    that was there is kept, its records as they were."""
    with serve_in_background(fixture_endpoint_app(demo_records)) as url:
        missing = ["--db", db, "import", "--endpoint", url, "--identifier", "oai:nowhere:1"]
        refused = runner.invoke(app, missing)
    down = runner.invoke(app, [*missing[:4], url, *missing[5:]])  # its server gone
    assert (refused.exit_code, down.exit_code) == (1, 1), refused.output + down.output
    assert "idDoesNotExist" in refused.output
    assert "Connection refused" in down.output
    assert not Path(db.removeprefix("sqlite:///")).exists()

    assert runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)]).exit_code == 0
    assert runner.invoke(app, missing).exit_code == 1
    assert store_counts(db)["records"] == 1, "the store that was there is kept"


def test_import_of_a_record_deleted_at_the_source_names_it(
    db: str, demo_records: list[ProvidedRecord]
) -> None:
    # By its last title, as a harvest's report names a deletion: it had been "(no title)".
    live = next(r for r in demo_records if not r.deleted)
    deleted = ProvidedRecord(live.identifier, live.datestamp, "oai_dc", deleted=True)
    said = []
    for records in ([live], [deleted], [deleted]):
        with serve_in_background(fixture_endpoint_app(records)) as url:
            asked = ["--endpoint", url, "--identifier", live.identifier, "--repository", "r"]
            said.append(runner.invoke(app, ["--db", db, "import", *asked]).output)
    title = said[0].splitlines()[0].removeprefix("created: ").rsplit(" (", 1)[0]
    assert said[1].startswith(f"deleted: {title} ({live.identifier})"), said[1]
    assert said[2].startswith(f"unchanged: (deleted at the source) ({live.identifier})")


def test_import_by_identifier_takes_several_and_stores_all_or_none(
    db: str, demo_records: list[ProvidedRecord]
) -> None:
    first, second = [r.identifier for r in demo_records if not r.deleted][:2]
    with serve_in_background(fixture_endpoint_app(demo_records)) as url:
        asked = ["--db", db, "import", "--endpoint", url, "--identifier", first]
        one_missing = runner.invoke(app, [*asked, "--identifier", "oai:nowhere:1"])
        both = runner.invoke(app, [*asked, "--identifier", second])

    assert one_missing.exit_code == 1
    assert "idDoesNotExist" in one_missing.output
    assert both.exit_code == 0, both.output
    outcomes = [line.split(":")[0] for line in both.output.splitlines() if line[:1] != " "]
    assert outcomes == ["created", "created", "Source"]
    assert store_counts(db)["records"] == 2


def test_import_by_identifier_keeps_records_under_the_name_they_were_harvested_under(
    db: str, demo_records: list[ProvidedRecord]
) -> None:
    live = next(r for r in demo_records if not r.deleted)
    with serve_in_background(fixture_endpoint_app(demo_records)) as url:
        harvested = runner.invoke(app, ["--db", db, "harvest", url, "--repository", "urn:mine"])
        by_id = ["import", "--endpoint", url, "--identifier", live.identifier]
        named = runner.invoke(app, ["--db", db, *by_id, "--repository", "urn:mine"])

    assert harvested.exit_code == 0, harvested.output
    assert named.output.startswith("unchanged: "), named.output
    assert store_counts(db)["records"] == 36


def test_a_url_import_names_the_repository_by_the_url_not_by_the_answers_request(
    db: str, tmp_path: Path
) -> None:
    # The scripted answers say <request>http://x/oai</request>, as one behind a proxy might.
    def answer(params: dict[str, str]) -> bytes:
        verb = params["verb"]
        return page(verb, [record("oai:x:1", "2024-01-01T00:00:00Z", "Proxied")])

    with serve_in_background(scripted(answer)) as url:
        harvested = runner.invoke(app, ["--db", db, "harvest", url, "--prefix", "oai_dc"])
        by_url = f"{url}?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:x:1"
        imported = runner.invoke(app, ["--db", db, "import", by_url])
        config = tmp_path / "ir-ingest.toml"
        config.write_text(f'[sources.proxied]\nurl = "{url}"\nprefix = "oai_dc"\n')
        named = ["--config", str(config), "import", "--endpoint", "proxied"]
        by_name = runner.invoke(app, ["--db", db, *named, "--identifier", "oai:x:1"])

    assert harvested.exit_code == 0, harvested.output
    assert imported.output.startswith("unchanged: Proxied (oai:x:1)"), imported.output
    assert by_name.output.startswith("unchanged: Proxied (oai:x:1)"), by_name.output
    assert store_counts(db)["records"] == 1


_MODS_FORMAT = (
    "<metadataFormat><metadataPrefix>mods</metadataPrefix><schema>x</schema>"
    "<metadataNamespace>http://www.loc.gov/mods/v3</metadataNamespace></metadataFormat>"
)


def test_import_by_identifier_asks_for_the_format_the_store_holds(db: str) -> None:
    """The endpoint offers MODS too: ``auto`` would fetch MODS, and the next oai_dc harvest
    would skip its own copy as poorer; the record is fetched in oai_dc, as harvested."""
    asked: list[str] = []

    def answer(params: dict[str, str]) -> bytes:
        if params["verb"] == "ListMetadataFormats":
            return page("ListMetadataFormats", [_MODS_FORMAT])
        asked.append(params.get("metadataPrefix", ""))
        return page(params["verb"], [record("oai:x:1", "2024-01-01T00:00:00Z", "Twice")])

    with serve_in_background(scripted(answer)) as url:
        runner.invoke(app, ["--db", db, "harvest", url, "--prefix", "oai_dc"])
        by_id = ["--db", db, "import", "--endpoint", url, "--identifier", "oai:x:1"]
        imported = runner.invoke(app, by_id)

    assert imported.output.startswith("unchanged: Twice (oai:x:1)"), imported.output
    assert asked == ["oai_dc", "oai_dc"]


def test_a_url_import_refuses_another_record_or_another_host(db: str) -> None:
    def elsewhere(base_url: str) -> Any:
        def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            if environ["HTTP_HOST"].startswith("localhost"):  # where it was sent: an answer
                start_response("200 OK", [("Content-Type", "text/xml")])
                return [page("GetRecord", [record("oai:evil:1", "2024-01-01T00:00:00Z")])]
            other = base_url.replace("127.0.0.1", "localhost")
            start_response("302 Found", [("Location", f"{other}?verb=GetRecord")])
            return [b""]

        return app

    def another(_: dict[str, str]) -> bytes:
        return page("GetRecord", [record("oai:evil:1", "2024-01-01T00:00:00Z")])

    with serve_in_background(elsewhere) as url:
        moved = runner.invoke(app, ["--db", db, "import", f"{url}?verb=GetRecord"])
    with serve_in_background(scripted(another)) as url:
        asked = f"{url}?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:a:1"
        swapped = runner.invoke(app, ["--db", db, "import", asked])

    assert moved.exit_code == 1
    assert "redirected to another host (localhost): import from there" in moved.output
    assert swapped.exit_code == 1
    assert "the answer holds another record than 'oai:a:1'" in swapped.output
    assert store_counts(db)["records"] == 0


def test_import_reads_a_files_url_and_refuses_other_schemes(db: str, tmp_path: Path) -> None:
    record = tmp_path / "a record.xml"
    record.write_text(
        "<oai_dc:dc xmlns:oai_dc='http://www.openarchives.org/OAI/2.0/oai_dc/' "
        "xmlns:dc='http://purl.org/dc/elements/1.1/'><dc:title>T</dc:title></oai_dc:dc>"
    )
    by_url = runner.invoke(app, ["--db", db, "import", record.as_uri()])
    assert by_url.exit_code == 0, by_url.output
    assert by_url.output.startswith("invalid: T (urn:sha256:"), "stored, with its issues"
    ftp = runner.invoke(app, ["--db", db, "import", "ftp://h.example/a.xml"])
    assert ftp.exit_code == 1
    assert "ftp://h.example/a.xml: import reads a file or an http(s) URL, not ftp://" in ftp.output
    # A bracket left open: no URL can be read from it (it had been a ValueError's traceback).
    unread = runner.invoke(app, ["--db", db, "import", "http://[::1/a.xml"])
    assert unread.exit_code == 1
    assert "http://[::1/a.xml: no URL import can fetch: it names no host" in unread.output
    hostless = runner.invoke(app, ["--db", db, "import", "http:///a.xml"])
    assert hostless.exit_code == 1
    assert "http:///a.xml: no URL import can fetch: it names no host" in hostless.output


@pytest.mark.parametrize("command", ["import", "crosswalk"])
def test_a_file_url_that_cannot_be_read_is_refused_without_a_traceback(
    db: str, command: str
) -> None:
    # A bracket left open in a file:// URL's host had been a ValueError's traceback.
    result = runner.invoke(app, ["--db", db, command, "file://[::1/a.xml"])
    assert result.exit_code == 1
    assert not isinstance(result.exception, ValueError)
    assert "file://[::1/a.xml: " in result.output
    assert "a file:// URL that cannot be read" in result.output


def test_import_of_a_url_reads_what_it_answers(db: str, demo_records: list[ProvidedRecord]) -> None:
    live = next(r for r in demo_records if not r.deleted)
    with serve_in_background(fixture_endpoint_app(demo_records)) as url:
        # A GetRecord answer names its endpoint: the record gets the id a harvest gives it.
        answer = f"{url}?verb=GetRecord&metadataPrefix=oai_dc&identifier={live.identifier}"
        fetched = runner.invoke(app, ["--db", db, "import", answer])
        by_id = ["--endpoint", url, "--identifier", live.identifier]
        again = runner.invoke(app, ["--db", db, "import", *by_id])
        nothing = runner.invoke(app, ["--db", db, "import", f"{url}?verb=Nonsense"])

    assert fetched.exit_code == 0, fetched.output
    assert fetched.output.startswith("created: ")
    assert again.output.startswith("unchanged: ")
    assert nothing.exit_code == 1
    assert f"{url}?verb=Nonsense" in nothing.output
    assert "the document is an OAI-PMH error response: badVerb" in nothing.output
    assert store_counts(db)["records"] == 1


def test_an_archived_norecordsmatch_page_imports_nothing_and_says_so(
    db: str, tmp_path: Path
) -> None:
    """A window with nothing new is archived as the endpoint's noRecordsMatch answer, which a
    harvest reads as an empty result: import had refused it as an "OAI-PMH error response"
    (exit 1).  Other error answers stay errors."""
    nothing = scripted(lambda _: error(" NoRecordsMatch", "no records"))  # as the harvest reads
    with serve_in_background(nothing) as url:
        harvest = ["--db", db, "harvest", url, "--prefix", "oai_dc", "--archive", f"{tmp_path}/a"]
        harvested = runner.invoke(app, harvest)
        listed = runner.invoke(app, ["--db", db, "import", f"{url}?verb=ListRecords"])
    assert harvested.exit_code == 0, harvested.output
    [archived] = (tmp_path / "a").rglob("*.xml.gz")

    imported = runner.invoke(app, ["--db", db, "import", str(archived)])
    crosswalked = runner.invoke(app, ["crosswalk", str(archived)])
    piped = runner.invoke(app, ["--db", db, "import", "-"], input=archived.read_bytes())

    assert imported.exit_code == 0, imported.output
    said = f"{archived} is an OAI-PMH noRecordsMatch answer, an empty result"
    assert imported.output == f"0 records imported: {said}\n"
    assert piped.exit_code == 0, piped.output
    assert piped.output.startswith("0 records imported: stdin is an OAI-PMH noRecordsMatch")
    assert listed.exit_code == 0, listed.output
    assert listed.output.startswith(f"0 records imported: {url}?verb=ListRecords is an OAI-PMH")
    assert store_counts(db)["records"] == 0
    # crosswalk prints a record's JSON: none is an error, said as what the file is.
    assert crosswalked.exit_code == 1
    assert crosswalked.output == f"error: no record to crosswalk: {said}\n"
    refused = tmp_path / "refused.xml"
    refused.write_bytes(error("badResumptionToken", "expired"))
    other = runner.invoke(app, ["--db", db, "import", str(refused)])
    assert other.exit_code == 1
    assert "OAI-PMH error response: badResumptionToken: expired" in other.output


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (
            ["FILE", "--endpoint", "http://127.0.0.1:9/oai", "--identifier", "oai:x:1"],
            "'--endpoint': give a FILE or URL ('FILE') or --endpoint, not both",
        ),
        # each of these had been told "give a FILE or URL, or --endpoint and --identifier"
        (["--endpoint", "http://127.0.0.1:9/oai"], "'--endpoint': needs --identifier OAI_ID"),
        (["--identifier", "oai:x:1"], "'--identifier': goes with --endpoint URL"),
        (["FILE", "--identifier", "oai:x:1"], "'--identifier': goes with --endpoint URL"),
        ([], "'FILE|URL': give a FILE or URL, or --endpoint and --identifier"),
    ],
)
def test_import_takes_a_file_or_an_endpoint_and_an_identifier(
    db: str, given: list[str], said: str
) -> None:
    given = [str(SEED_CHAPTER) if word == "FILE" else word for word in given]
    result = runner.invoke(app, ["--db", db, "import", *given])

    assert result.exit_code == 2
    assert said.replace("'FILE')", f"{str(SEED_CHAPTER)!r})") in result.stderr


def test_a_record_without_an_oai_header_has_no_datestamp_through_store_and_export(
    db: str,
) -> None:
    # A bare record's source had said "datestamp": "", a date of nothing, in every export.
    bare = FIXTURES / "records" / "oai_dc" / "minimal-article.xml"
    for source in (bare, SEED_CHAPTER):  # the seed chapter comes in an OAI response
        assert runner.invoke(app, ["--db", db, "import", str(source)]).exit_code == 0
    assert runner.invoke(app, ["--db", db, "import", str(bare)]).output.startswith("unchanged:")
    crosswalked = json.loads(runner.invoke(app, ["crosswalk", str(bare)]).stdout)
    assert "datestamp" not in crosswalked["source"]
    export = runner.invoke(app, ["--db", db, "export", "--with-issues"])
    sources = {
        line["record"]["title"]["value"][:10]: line["record"]["source"]
        for line in map(json.loads, export.stdout.splitlines())
    }
    assert "datestamp" not in sources["Measuring "]
    assert sources["Who is in "]["datestamp"] == "2024-03-05T09:12:44Z"


def test_an_older_export_imported_after_a_newer_one_is_skipped(db: str, tmp_path: Path) -> None:
    old = tmp_path / "last-year.xml"
    text = SEED_CHAPTER.read_text(encoding="utf-8")
    old.write_text(
        text.replace("2024-03-05T09:12:44Z", "2023-03-05T09:12:44Z").replace(
            "Who is in the lead?", "An earlier title"
        ),
        encoding="utf-8",
    )
    assert runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)]).exit_code == 0
    result = runner.invoke(app, ["--db", db, "import", str(old)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("skipped: An earlier title")
    assert "store.older_than_stored" in result.output
    assert "2024-03-05T09:12:44Z" in result.output
    export = runner.invoke(app, ["--db", db, "export"])
    assert "Who is in the lead?" in export.output
    assert "An earlier title" not in export.output


def test_crosswalk_and_import_read_a_document_piped_to_stdin(db: str) -> None:
    raw = SEED_CHAPTER.read_bytes()
    from_file = runner.invoke(app, ["crosswalk", str(SEED_CHAPTER)])
    for piped in (raw, gzip.compress(raw)):  # gzip as a file's is, by its first bytes
        result = runner.invoke(app, ["crosswalk", "-"], input=piped)
        assert result.exit_code == 0, result.output
        assert result.stdout == from_file.stdout
    explained = runner.invoke(app, ["crosswalk", "-", "--explain"], input=raw)
    assert explained.exit_code == 0, explained.output
    imported = runner.invoke(app, ["--db", db, "import", "-"], input=gzip.compress(raw))
    assert imported.exit_code == 0, imported.output
    assert imported.output.startswith("created: Who is in the lead? New perspectives")
    again = runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)])
    assert again.output.startswith("unchanged: "), "the same record as the file's"
    for command in ("crosswalk", "import"):
        empty = runner.invoke(app, ["--db", db, command, "-"], input=b"")
        assert empty.exit_code == 1
        assert empty.output.startswith("error: stdin: the document is empty")


def test_a_format_typo_is_an_error_not_a_guess() -> None:
    for command in ("crosswalk", "import"):
        result = runner.invoke(app, [command, str(SEED_CHAPTER), "--prefix", "mdos"])
        assert result.exit_code == 2, "a command line no run can take"
        assert "no crosswalk for format 'mdos'; known formats: mods, oai_dc, qdc" in result.output


def test_a_crosswalk_that_does_not_read_the_format_given_is_a_usage_error(db: str) -> None:
    for command in ("crosswalk", "import"):
        result = runner.invoke(
            app,
            ["--db", db, command, str(SEED_CHAPTER), "--prefix", "mods", "--crosswalk", "oai_dc"],
        )
        assert result.exit_code == 2, result.output
        assert "the crosswalk 'oai_dc' does not read mods records" in result.output
    assert not Path(db.removeprefix("sqlite:///")).exists(), "refused before the store is made"


def test_a_crosswalk_given_a_record_it_does_not_read_names_the_root_as_written(
    tmp_path: Path,
) -> None:
    # The root had been said in lxml's Clark notation, "{http://www.openarchives.org/OAI/2.0/
    # oai_dc/}dc", to repository managers.
    dc = tmp_path / "dc.xml"
    dc.write_text(
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>T</dc:title></oai_dc:dc>',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["crosswalk", "--crosswalk", "mods", str(dc)])
    assert result.exit_code == 1
    assert result.output.endswith(
        ": the crosswalk 'mods' does not read oai_dc records: it expects a mods:mods root "
        "element, found oai_dc:dc (in namespace http://www.openarchives.org/OAI/2.0/oai_dc/)\n"
    )
    assert "{" not in result.output


@pytest.mark.parametrize("auto", ["auto", "AUTO", "Auto"])
def test_prefix_auto_is_the_format_the_root_names(db: str, auto: str) -> None:
    """The reserved word in any case ("AUTO" had been refused: no crosswalk for format
    'AUTO'); a format's own prefix stays case-sensitive."""
    detected = runner.invoke(app, ["crosswalk", str(SEED_CHAPTER)])
    given = runner.invoke(app, ["crosswalk", str(SEED_CHAPTER), "--prefix", auto])
    assert given.exit_code == 0, given.output
    assert given.output == detected.output
    imported = runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER), "--prefix", auto])
    assert imported.exit_code == 0, imported.output
    assert imported.stdout.startswith("created: "), imported.output
    mods = runner.invoke(app, ["crosswalk", str(SEED_CHAPTER), "--prefix", "MODS"])
    assert (mods.exit_code, "no crosswalk for format 'MODS'" in mods.output) == (2, True)


def test_import_of_a_malformed_file_stores_nothing(db: str, tmp_path: Path) -> None:
    bad = tmp_path / "broken.xml"
    bad.write_text("<OAI-PMH><GetRecord>", encoding="utf-8")
    result = runner.invoke(app, ["--db", db, "import", str(bad)])
    assert result.exit_code == 1
    assert "broken.xml" in result.output
    assert "not well-formed XML at line 1" in result.output
    assert not (tmp_path / "cli.sqlite3").exists()


def test_crosswalk_explain_shows_lineage_and_extra() -> None:
    seed_mods = SEED_CHAPTER.parents[1] / "mods" / "seed-chapter.xml"
    result = runner.invoke(app, ["crosswalk", str(seed_mods), "--explain"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    editors = next(line for line in lines if line.startswith("host.editors "))
    # The host's long test (no archival collection): its beginning is shown.
    assert "mods:relatedItem[@type='host'][not(@displayLabel='collection' or " in editors
    assert "[1]/mods:name/mods:role" in editors
    # Its tests are cut short (600 characters each, repeated for each path); whole with
    # --full-values.
    assert "…][1]/mods:name/mods:role" in editors
    assert "sound recording-musical" not in editors
    whole = runner.invoke(app, ["crosswalk", str(seed_mods), "--explain", "--full-values"])
    assert "sound recording-musical" in whole.stdout
    assert any(line.startswith("title ") and "mods:title" in line for line in lines)
    title = lines.index(next(line for line in lines if line.startswith("title ")))
    assert lines[title + 1].strip() == '= {"value": "Who is in the lead?"}'
    # A build rule's field inside a list shows each item's value, not null.
    subjects = lines.index(next(line for line in lines if line.startswith("subjects.value ")))
    assert lines[subjects + 1].strip() == (
        '= ["Public Services", "leadership theory and development"]'
    )
    assert (
        "extra (kept as written: no rule took these, or a field holds a guess from them):" in lines
    )
    assert "  mods:typeOfResource: text" in lines


def _explained_abstracts(*options: str) -> str:
    zenodo = SEED_CHAPTER.parent / "zenodo-escaped-twice.xml"
    result = runner.invoke(app, ["crosswalk", str(zenodo), "--explain", *options])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    return lines[lines.index(next(line for line in lines if line.startswith("abstracts "))) + 1]


def test_crosswalk_explain_cuts_long_values_unless_asked_for_them_whole() -> None:
    cut = _explained_abstracts()
    assert cut.endswith("…")
    assert "Raw files included." not in cut
    whole = _explained_abstracts("--full-values")
    assert whole.strip() == (
        '= [{"value": "<p>Calibration of twelve loggers in the <em>Wexcombe</em> tide '
        'pools — drift &lt; 0.1&nbsp;K.<br>Raw files included.</p>"}, '
        '{"value": "Drift stayed &lt; 0.1 K over the season."}]'
    )


def test_full_values_without_explain_is_refused() -> None:
    result = runner.invoke(app, ["crosswalk", str(SEED_CHAPTER), "--full-values"])
    assert result.exit_code == 2, "a command line no run can take"
    assert "--full-values goes with --explain" in result.output


def test_crosswalk_of_a_collection_prints_an_array(tmp_path: Path) -> None:
    collection = SEED_CHAPTER.parents[1] / "mods" / "collection-two.xml"
    result = runner.invoke(app, ["crosswalk", str(collection)])
    assert result.exit_code == 0, result.output
    names = [r["source"]["oai_identifier"] for r in json.loads(result.stdout)]
    assert len(set(names)) == 2
    assert all(name.startswith("urn:sha256:") for name in names)
    # Each record's issues are headed by whose they are (second walkthrough).
    headings = [line[2:] for line in result.stderr.splitlines() if line.startswith("# ")]
    assert headings
    assert set(headings) <= set(names)


@pytest.mark.usefixtures("isolated_crosswalks")
def test_a_broken_crosswalk_file_stays_a_failure_not_a_usage_error(tmp_path: Path) -> None:
    broken = misspelt_crosswalk(tmp_path / "mine")
    config = tmp_path / "ir-ingest.toml"
    config.write_text('crosswalk_dirs = ["mine"]\n', "utf-8")
    for named in ("oai_dc", "nope"):  # the file is read before any name is looked up
        result = runner.invoke(
            app, ["--config", str(config), "crosswalk", str(SEED_CHAPTER), "--crosswalk", named]
        )
        assert result.exit_code == 1, "a file to fix, not the command line"
        assert result.output.startswith(f"error: {broken} rule 1: host has no field 'titel';")


@pytest.mark.usefixtures("isolated_crosswalks")
def test_import_and_crosswalk_read_a_file_with_a_named_crosswalk(db: str, tmp_path: Path) -> None:
    titles_only(tmp_path / "mine")
    config = tmp_path / "ir-ingest.toml"
    config.write_text('crosswalk_dirs = ["mine"]\n', "utf-8")
    record = SEED_CHAPTER
    base = ["--db", db, "--config", str(config)]

    shown = runner.invoke(app, [*base, "crosswalk", str(record), "--crosswalk", "titles_only"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert data["source"]["crosswalk"] == "titles_only"
    assert data["source"]["metadata_prefix"] == "oai_dc", "the format is still the file's"
    assert "creators" not in data
    assert "dc:creator" in data["extra"]

    named = runner.invoke(app, [*base, "crosswalk", str(record), "--crosswalk", "oai_dc"])
    assert "crosswalk" not in json.loads(named.stdout)["source"], "the format's own is not named"

    imported = runner.invoke(app, [*base, "import", str(record), "--crosswalk", "titles_only"])
    assert imported.exit_code == 0, imported.output
    exported = runner.invoke(app, ["--db", db, "export"]).stdout.splitlines()
    assert [json.loads(line)["source"]["crosswalk"] for line in exported] == ["titles_only"]

    by_file = runner.invoke(app, [*base, "crosswalk", str(record), "--crosswalk", "titles"])
    assert by_file.exit_code == 2, "a name on the command line that names no crosswalk"
    assert "titles.yaml is the crosswalk 'titles_only' (its format: key names it)" in " ".join(
        by_file.output.split()
    )
    for command in ("import", "crosswalk"):
        refused = runner.invoke(app, [*base, command, str(record), "--crosswalk", "nope"])
        assert refused.exit_code == 2
        assert "no crosswalk is named 'nope'; known: mods, oai_dc, qdc, titles_only" in (
            refused.output
        )
    # A file of the other spelling is read by no one: said, where no file was (a walkthrough).
    (tmp_path / "mine" / "two.yml").write_text("format: two_dc\n", "utf-8")
    unread = runner.invoke(app, [*base, "crosswalk", str(record), "--crosswalk", "two_dc"])
    assert f"only *.yaml files are read, not {tmp_path / 'mine' / 'two.yml'}" in " ".join(
        unread.output.split()
    )


def test_harvested_text_is_printed_as_written_not_as_markup(tmp_path: Path, db: str) -> None:
    title = "Spin [/i] states and [link=https://evil.example/]a link[/link] [bold red]Verified[/]"
    source = tmp_path / "markup.xml"
    source.write_text(
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"'
        f' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title>'
        "<dc:type>info:eu-repo/semantics/article</dc:type></oai_dc:dc>"
    )
    imported = runner.invoke(app, ["--db", db, "import", str(source)])
    assert imported.exit_code == 0, imported.output
    assert title in imported.output
    explained = runner.invoke(app, ["crosswalk", str(source), "--explain"])
    assert explained.exit_code == 0, explained.output
    assert "\x1b" not in imported.output + explained.output


def test_export_says_how_many_records_it_wrote_even_none(db: str, tmp_path: Path) -> None:
    # An empty store exported nothing and said nothing; stdout stays the records alone.
    Store(db).close()
    for fmt, empty in (("jsonl", ""), ("json", "[]\n")):
        result = runner.invoke(app, ["--db", db, "export", "--format", fmt])
        assert result.exit_code == 0, result.output
        assert (result.stdout, result.stderr) == (empty, "Exported 0 records\n")
    runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)])
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["--db", db, "export", "--format", "json", "-o", str(out)])
    assert result.stderr == f"Exported 1 record to {out}\n"
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 1


def test_export_to_a_file_takes_the_format_its_suffix_names(db: str, tmp_path: Path) -> None:
    """As ``report -o`` does: ``-o x.json`` writing JSON Lines made a file JSON cannot read."""
    Store(db).close()
    runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)])
    for name in ("e.json", "e.JSON"):
        path = tmp_path / name
        result = runner.invoke(app, ["--db", db, "export", "-o", str(path)])
        assert result.exit_code == 0, result.output
        assert len(json.loads(path.read_text(encoding="utf-8"))) == 1, name
    # .jsonl, or a suffix that names no format: one record a line, --format's or the default.
    for name, given in (("e.jsonl", []), ("e.ndjson", []), ("e.out", ["--format", "json"])):
        path = tmp_path / name
        result = runner.invoke(app, ["--db", db, "export", "-o", str(path), *given])
        assert result.exit_code == 0, result.output
        text = path.read_text(encoding="utf-8")
        lines = [json.loads(line) for line in text.splitlines()] if not given else [text]
        assert len(lines) == 1, name
    assert isinstance(json.loads((tmp_path / "e.out").read_text(encoding="utf-8")), list)
    # .gz: compressed, the format named by the suffix before it (a walkthrough's x.json.gz
    # had been plain JSON Lines under a gzip name).
    for name, read in (
        ("e.json.gz", json.loads),
        ("e.jsonl.gz", _lines_of),
        ("e.jsonl.gzip", _lines_of),
    ):
        path = tmp_path / name
        assert runner.invoke(app, ["--db", db, "export", "-o", str(path)]).exit_code == 0
        assert len(read(gzip.decompress(path.read_bytes()).decode())) == 1, name
    refused = runner.invoke(app, ["--db", db, "export", "-o", str(path), "--format", "json"])
    assert refused.exit_code == 2, "--format json contradicts .jsonl.gz"
    assert f"contradicts -o {path}, whose suffix names jsonl" in refused.stderr, "as given"


def _lines_of(text: str) -> list[object]:
    return [json.loads(line) for line in text.splitlines()]


def test_an_export_format_the_files_suffix_contradicts_is_refused(db: str, tmp_path: Path) -> None:
    Store(db).close()
    path = tmp_path / "e.json"
    refused = runner.invoke(app, ["--db", db, "export", "-o", str(path), "--format", "jsonl"])
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"error: --format jsonl contradicts -o {path}, whose suffix names json: "
        "leave --format out, or give the file another suffix\n"
    )
    assert not path.exists()
    unknown = runner.invoke(app, ["--db", db, "export", "--format", "csv"])
    assert (unknown.exit_code, unknown.stderr) == (
        2,
        "error: --format must be jsonl or json, got 'csv'\n",
    )


def test_a_runs_changes_and_deletions_are_named_and_exported(
    db: str, demo_records: list[ProvidedRecord]
) -> None:
    live = [r for r in demo_records if not r.deleted][:6]
    harvest = ["--db", db, "harvest", "--prefix", "oai_dc", "--repository", "urn:ir"]
    with serve_in_background(fixture_endpoint_app(live)) as url:
        assert runner.invoke(app, [*harvest, url]).exit_code == 0
    gone, retitled = live[0], live[1]
    assert gone.metadata is not None
    title = str(gone.metadata.findtext(f"{{{DC}}}title"))
    changed = [ProvidedRecord(gone.identifier, gone.datestamp, "oai_dc", deleted=True), *live[1:]]
    assert retitled.metadata is not None
    new_title = copy.deepcopy(retitled.metadata)
    cast("etree._Element", new_title.find(f"{{{DC}}}title")).text = "A new title"
    changed[1] = replace(retitled, metadata=new_title)
    with serve_in_background(fixture_endpoint_app(changed)) as url:
        second = runner.invoke(app, [*harvest, url, "--full"])
    assert "6 records: 0 created, 1 updated, 4 unchanged, 1 deleted" in second.output

    report = json.loads(runner.invoke(app, ["--db", db, "report", "2", "--format", "json"]).stdout)
    assert report["deletions"] == [{"identifier": gone.identifier, "title": title}]
    text = runner.invoke(app, ["--db", db, "report", "2"]).stdout.splitlines()
    assert f"  {gone.identifier} — {title}" in text

    exported = runner.invoke(app, ["--db", db, "export", "--run", "2"])
    assert exported.exit_code == 0, exported.output
    records = {
        r["source"]["oai_identifier"]: r for r in map(json.loads, exported.stdout.splitlines())
    }
    assert set(records) == {gone.identifier, retitled.identifier}
    assert records[gone.identifier]["source"]["deleted"] is True
    assert records[retitled.identifier]["title"]["value"] == "A new title"
    assert exported.stderr == "Exported 2 records of run 2\n"
    first = runner.invoke(app, ["--db", db, "export", "--run", "1"]).stdout.splitlines()
    assert len(first) == 4, "the records run 2 found unchanged: their version is run 1's"
    unknown = runner.invoke(app, ["--db", db, "export", "--run", "9"])
    assert (unknown.exit_code, unknown.stderr) == (
        1,
        f"error: no run 9 in the store (ir-ingest --db {db} report --list shows them)\n",
    )
    # report RUN_ID says it as export does (it had given no hint)
    report = runner.invoke(app, ["--db", db, "report", "9"])
    assert (report.exit_code, report.stderr) == (1, unknown.stderr)


def test_blank_options_of_import_and_crosswalk_exit_2(db: str) -> None:
    for command in (["import"], ["crosswalk"]):
        for option in ("--prefix", "--crosswalk"):
            result = runner.invoke(app, ["--db", db, *command, str(SEED_CHAPTER), option, ""])
            assert result.exit_code == 2, (command, option, result.output)
            assert result.output.startswith("error: --"), result.output


def test_an_export_that_fails_part_way_leaves_the_last_one_whole(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It had been cut short where it failed, the export before it lost.
    runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)])
    folder = tmp_path / "exports"
    folder.mkdir()
    last = folder / "records.jsonl"
    last.write_text("the last export\n", encoding="utf-8")
    last.chmod(0o640)

    def failing(_: object) -> bytes:
        raise IngestError("the store went away")

    with monkeypatch.context() as patched:
        patched.setattr(records_export, "_record_only", failing)
        result = runner.invoke(app, ["--db", db, "export", "-o", str(last)])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("error: the store went away"), "said, no traceback"
    assert last.read_text(encoding="utf-8") == "the last export\n"
    assert [p.name for p in folder.iterdir()] == ["records.jsonl"], "no part left"
    # Written whole, it takes the last one's place, and its mode.
    assert runner.invoke(app, ["--db", db, "export", "-o", str(last)]).exit_code == 0
    assert len(_lines_of(last.read_text(encoding="utf-8"))) == 1
    assert last.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in folder.iterdir()] == ["records.jsonl"]
    # A symbolic link stays one: the file it names is the one replaced.
    link = folder / "latest.jsonl"
    link.symlink_to(last)
    assert runner.invoke(app, ["--db", db, "export", "-o", str(link)]).exit_code == 0
    assert link.is_symlink()
    assert len(_lines_of(last.read_text(encoding="utf-8"))) == 1
    # A hard link stays one: the file is written as it is.
    twin = folder / "twin.jsonl"
    twin.hardlink_to(last)
    last.write_text("", encoding="utf-8")
    assert runner.invoke(app, ["--db", db, "export", "-o", str(twin)]).exit_code == 0
    assert len(_lines_of(last.read_text(encoding="utf-8"))) == 1
    # gzip keeps the name it is written under in its header: the file's, not a part's.
    packed = folder / "records.jsonl.gz"
    assert runner.invoke(app, ["--db", db, "export", "-o", str(packed)]).exit_code == 0
    header = packed.read_bytes()
    assert header[10 : header.index(b"\0", 10)] == b"records.jsonl"


def test_export_to_dev_stdout_writes_stdout_not_the_file_behind_it(db: str) -> None:
    # Opened again, /dev/stdout truncated a file a shell appends to (export … >> all.jsonl).
    runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)])
    for name in ("/dev/stdout", "-"):
        result = runner.invoke(app, ["--db", db, "export", "-o", name])
        assert result.exit_code == 0, result.output
        assert len(_lines_of(result.stdout)) == 1
        assert result.stderr == "Exported 1 record\n"


_OBEYED = "\x1b\x85\x9b\u202e"
#: A record whose identifier and values carry what a terminal obeys: C1 controls (U+009B is
#: CSI, ESC [ in one character; U+0085 a line break) and a right-to-left override.
_TRAPPED = (
    "<record><header><identifier>oai:x:1\x9b2J\u202e2:lave</identifier>"
    "<datestamp>2024-01-01T00:00:00Z</datestamp></header><metadata>"
    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<dc:title>A \u202etitle</dc:title><dc:date>when \x85\x9b2J</dc:date>"
    "</oai_dc:dc></metadata></record>"
)


def _each_command_on(record_xml: str, db: str, tmp_path: Path) -> list[Result]:
    """What harvest, crosswalk --explain, import and report say of a page holding one record:
    each command whose text output names a harvested record."""
    document = tmp_path / "page.xml"
    document.write_bytes(page("ListRecords", [record_xml]))
    with serve_in_background(scripted(lambda _: page("ListRecords", [record_xml]))) as url:
        harvested = runner.invoke(app, ["--db", db, "harvest", url, "--prefix", "oai_dc"])
    return [
        harvested,
        runner.invoke(app, ["crosswalk", str(document), "--explain"]),
        runner.invoke(app, ["--db", db, "import", str(document)]),
        runner.invoke(app, ["--db", db, "report", "1"]),
    ]


def test_harvested_text_reaches_the_terminal_shown_not_obeyed(db: str, tmp_path: Path) -> None:
    """C1 controls and bidi overrides in an identifier, a title or a value an issue quotes
    had reached the terminal raw, each command's text output alike."""
    harvested, explained, imported, report = _each_command_on(_TRAPPED, db, tmp_path)
    for result in (harvested, explained, imported, report):
        assert result.exit_code == 0, result.output
        shown = result.stdout + result.stderr
        assert not set(_OBEYED) & set(shown), shown
    for result in (harvested, explained, imported, report):
        assert "oai:x:1\\x9b2J\\u202e2:lave" in result.stdout, result.stdout
    assert "A \\u202etitle" in imported.stdout


#: A record whose identifier holds a line break and, after it, a line of the tool's own words.
_FORGED = (
    "<record><header><identifier>oai:x:1&#10;Run 9 completed: 0 records</identifier>"
    "<datestamp>2024-01-01T00:00:00Z</datestamp></header><metadata>"
    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:date>2020</dc:date>'
    "</oai_dc:dc></metadata></record>"
)


def test_a_line_break_in_a_harvested_identifier_makes_no_line_of_its_own(
    db: str, tmp_path: Path
) -> None:
    """A security review: an identifier's line break had printed the rest of it as a line of
    the tool's own ("Run 9 completed: 0 records"), in each command that names the record."""
    for result in _each_command_on(_FORGED, db, tmp_path):
        assert result.exit_code == 0, result.output
        lines = (result.stdout + result.stderr).splitlines()
        assert not [line for line in lines if line.startswith("Run 9")], result.output
        assert "oai:x:1\\nRun 9 completed: 0 records" in result.output, result.output


def test_json_carries_what_a_terminal_obeys_escaped(db: str, tmp_path: Path) -> None:
    """JSON escapes the C0 controls itself, but had written the C1 controls and the bidi
    overrides raw: a terminal showing ``crosswalk FILE``, ``export`` or ``report --format
    json`` obeyed them.  Escaped as ``\\u009b``, they are the same strings once parsed."""
    document = tmp_path / "traps.xml"
    document.write_bytes(page("ListRecords", [_TRAPPED]))
    with serve_in_background(scripted(lambda _: page("ListRecords", [_TRAPPED]))) as url:
        runner.invoke(app, ["--db", db, "harvest", url, "--prefix", "oai_dc"])
    results = [
        runner.invoke(app, ["crosswalk", str(document)]),
        runner.invoke(app, ["--db", db, "export"]),
        runner.invoke(app, ["--db", db, "export", "--format", "json", "--with-issues"]),
        runner.invoke(app, ["--db", db, "report", "1", "--format", "json"]),
    ]
    for result in results:
        assert result.exit_code == 0, result.output
        assert not set(_OBEYED) & set(result.stdout_bytes.decode()), result.stdout
        assert "\\u009b" in result.stdout
    crosswalked, exported, with_issues, report = (json.loads(r.stdout) for r in results)
    identifier = "oai:x:1\x9b2J\u202e2:lave"
    for written in (crosswalked, exported, with_issues[0]["record"]):
        assert written["source"]["oai_identifier"] == identifier
        assert written["title"]["value"] == "A \u202etitle"
    assert [entry["identifier"] for entry in report["entries"]] == [identifier]


_WARNS = """
import logging, sys
from ir_ingest.cli import main
sys.argv = ["ir-ingest", "--version"]
try:
    main()
except SystemExit:
    pass
logging.getLogger("ir_ingest.oai.pages").warning("%s: badResumptionToken: %s", "u", "t\\x9b2J")
"""


def test_the_librarys_warnings_are_shown_not_obeyed() -> None:
    """A retry's or a salvage's warning quotes what the endpoint said: Python's last-resort
    handler had written it raw."""
    said = subprocess.run([sys.executable, "-c", _WARNS], capture_output=True, text=True)
    assert said.stderr == "u: badResumptionToken: t\\x9b2J\n"
