"""The operation vocabulary: each operation, and how crosswalk files name them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from ir_ingest.crosswalk import ops
from ir_ingest.crosswalk.lookups import add_lookup_dir, tables_changed
from ir_ingest.crosswalk.ops import OPERATIONS, check_columns, compile_operation
from ir_ingest.errors import ConfigError
from ir_ingest.resources import bundled

if TYPE_CHECKING:
    from pathlib import Path


def test_strip_prefix() -> None:
    op = compile_operation({"strip_prefix": "info:eu-repo/date/embargoEnd/"})
    assert op("info:eu-repo/date/embargoEnd/2026-01-31") == "2026-01-31"
    assert op("2026-01-31") is None


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        ("Hamilton County;Butler County", ["Hamilton County", "Butler County"]),
        (" a; ;b ", ["a", "b"]),
        ("name=Kestrel; northlimit=51.5; west=-1", ["name=Kestrel; northlimit=51.5; west=-1"]),
        ("start=1914; end=1918; scheme=W3C-DTF", ["start=1914; end=1918; scheme=W3C-DTF"]),
        ("x=1; Kestrelford", ["x=1", "Kestrelford"]),
        (" ; ", None),
    ],
)  # fmt: skip
def test_split_keeps_a_dcmi_box_point_or_period_whole(value: str, parts: list[str] | None) -> None:
    assert ops.split(value, ";") == parts


def test_split_of_a_built_value_splits_its_value_unless_a_uri_names_it_whole() -> None:
    # A MODS topic packed "a; b;" (LoC's QDC2MODS writes CONTENTdm's dc:subject so), built
    # with its subject's authority: each part keeps it.
    term = {"value": "Birds; Ornithology;", "scheme": "lcsh", "lang": "eng"}
    assert ops.split(term, ";") == [
        {"value": "Birds", "scheme": "lcsh", "lang": "eng"},
        {"value": "Ornithology", "scheme": "lcsh", "lang": "eng"},
    ]
    named = {"value": "Birds; Ornithology", "uri": "http://id.loc.gov/authorities/subjects/x"}
    assert ops.split(named, ";") == named
    assert ops.split({"value": "Birds"}, ";") == {"value": "Birds"}
    assert ops.split({"value": " ; "}, ";") is None


def test_match() -> None:
    op = compile_operation({"match": r"^\d+$"})
    assert op("10") == "10"
    assert op("10 pages") is None


def test_lookup_and_column() -> None:
    row = compile_operation({"lookup": "access_rights"})("info:eu-repo/semantics/openAccess")
    assert row is not None
    assert compile_operation({"column": "uri"})(row) == "http://purl.org/coar/access_right/c_abf2"
    assert compile_operation({"lookup": "access_rights"})("maybe open?") is None


@pytest.mark.parametrize(
    ("table", "value", "column", "expected"),
    [
        # Zenodo's technical notes had been "other" (a fidelity review).
        ("resource_types", "info:eu-repo/semantics/technicalDocumentation", "uri",
         "http://purl.org/coar/resource_type/c_71bd"),
        # Genre terms of LCGFT and AAT for letters: they had been "other" (a MODS review).
        ("resource_types", "Personal correspondence", "uri",
         "http://purl.org/coar/resource_type/c_0857"),
        ("resource_types", "letters (correspondence)", "uri",
         "http://purl.org/coar/resource_type/c_0857"),
        # DINI's types, which German repositories (MyCoRe, LibreCat) write beside DRIVER's
        # ones, had mapped to nothing: a study thesis, whose DRIVER term MyCoRe makes up, was
        # "other".
        ("resource_types", "doc-type:StudyThesis", "uri",
         "http://purl.org/coar/resource_type/c_46ec"),
        ("resource_types", "doc-type:bookPart", "uri", "http://purl.org/coar/resource_type/c_3248"),
        ("resource_types", "doc-type:ResearchData", "uri",
         "http://purl.org/coar/resource_type/c_ddb1"),
        # An Erasmus University (ARNO) oration had been "other".
        ("resource_types", "Inaugural Address", "uri", "http://purl.org/coar/resource_type/c_8544"),
        # A David Rumsey map had been "other".
        ("resource_types", "Case Map", "uri", "http://purl.org/coar/resource_type/c_12cd"),
        # A Gallica periodical's issue, typed "texte", "text", then these, had been text.
        ("resource_types", "publication en série imprimée", "uri",
         "http://purl.org/coar/resource_type/c_0640"),
        ("resource_types", "printed monograph", "uri", "http://purl.org/coar/resource_type/c_2f33"),
        # MARC relator terms as MODS writes them in roleTerm type="text": they had been "oth".
        ("relators", "Engraver", "code", "egr"),
        ("relators", "Printer", "code", "prt"),
        ("relators", "Donor", "code", "dnr"),
        ("relators", "Originator", "code", "org"),
        ("relators", "former owner", "code", "fmo"),
        ("relators", "scr", "code", "scr"),
    ],
)  # fmt: skip
def test_shipped_rows(table: str, value: str, column: str, expected: str) -> None:
    row = compile_operation({"lookup": table})(value)
    assert row is not None
    assert row[column] == expected


def test_resource_type_keeps_the_source_string() -> None:
    value = compile_operation("resource_type")("  Info:EU-Repo/semantics/bookPart ")
    assert value["uri"] == "http://purl.org/coar/resource_type/c_3248"
    assert value["label"] == "book part"
    assert value["source"] == {"label": "  Info:EU-Repo/semantics/bookPart "}


@pytest.mark.parametrize(
    ("value", "only", "label"),
    [
        ("Sound ; Text", None, "sound"),
        ("Text; Sound", None, "text"),  # the first part that maps
        ("Text; Sound", "specific", "sound"),  # a precise part wins under `specific`
        ("Image;", None, "image"),
        ("Unheard-of; Still image", None, "still image"),
    ],
)
def test_resource_type_reads_packed_types_part_by_part(
    value: str, only: str | None, label: str
) -> None:
    found = compile_operation({"resource_type": only} if only else "resource_type")(value)
    assert found["label"] == label
    assert found["source"] == {"label": value}  # the other parts stay in the source label


@pytest.mark.parametrize(
    ("value", "only"), [("Text; Other", "specific"), ("Odd; Unheard-of", None)]
)
def test_resource_type_of_packed_parts_none_of_which_fits(value: str, only: str | None) -> None:
    assert compile_operation({"resource_type": only} if only else "resource_type")(value) is None


@pytest.mark.usefixtures("isolated_crosswalks")
def test_a_table_of_ones_own_adds_rows_to_the_shipped_one(tmp_path: Path) -> None:
    # One row of one's own had replaced the whole shipped table: articles became "other".
    for folder, label in (("first", "added first"), ("last", "added last")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "resource_types.csv").write_text(
            "source_value,uri,label,general\n"
            f"Strange Thing,http://purl.org/coar/resource_type/c_1843,{label},other\n"
            f"article,http://purl.org/coar/resource_type/c_2df8fbb1,{label},\n",
            "utf-8",
        )
        add_lookup_dir(tmp_path / folder)
    op = compile_operation({"lookup": "resource_types"})
    assert op("info:eu-repo/semantics/article")["label"] == "journal article", "shipped row"
    assert op("Strange Thing")["label"] == "added last", "the folder searched first wins"
    # A row replaces the shipped row of its value whole: its empty cell is no shipped value.
    assert op("article") == {
        "uri": "http://purl.org/coar/resource_type/c_2df8fbb1",
        "label": "added last",
    }


@pytest.mark.usefixtures("isolated_crosswalks")
def test_a_table_of_ones_own_without_a_shipped_column_is_refused(tmp_path: Path) -> None:
    # Its rows had replaced the shipped ones whole, without "general": lost with no word.
    (tmp_path / "resource_types.csv").write_text(
        "source_value,label,uri\nStrange Thing,other,http://purl.org/coar/resource_type/c_1843\n",
        "utf-8",
    )
    add_lookup_dir(tmp_path)
    with pytest.raises(ConfigError, match=r"resource_types.csv: has no column 'general', which "):
        compile_operation({"lookup": "resource_types"})


@pytest.mark.usefixtures("isolated_crosswalks")
def test_a_table_saved_as_a_spreadsheets_csv_utf8_is_read(tmp_path: Path) -> None:
    # Its byte order mark had made the header "\ufeffsource_value": refused as no table.
    (tmp_path / "grades.csv").write_text("source_value,grade\nCafé,A\n", "utf-8-sig")
    add_lookup_dir(tmp_path)
    assert compile_operation({"lookup": "grades"})("café") == {"grade": "A"}


@pytest.mark.usefixtures("isolated_crosswalks")
def test_a_table_the_csv_module_cannot_read_is_said_so(tmp_path: Path) -> None:
    # A cell past the csv module's limit had been a traceback (_csv.Error).
    (tmp_path / "grades.csv").write_text(f"source_value,grade\nx,A\n{'y' * 200_000},B\n")
    add_lookup_dir(tmp_path)
    with pytest.raises(ConfigError) as caught:
        compile_operation({"lookup": "grades"})
    assert str(caught.value) == (
        f"{tmp_path / 'grades.csv'}, line 3: cannot read the table: "
        "field larger than field limit (131072)"
    )


@pytest.mark.usefixtures("isolated_crosswalks")
def test_a_table_that_is_not_utf8_is_said_so(tmp_path: Path) -> None:
    # A spreadsheet saved as Latin-1 had been a traceback in every command (a walkthrough).
    (tmp_path / "grades.csv").write_bytes(b"source_value,grade\nCaf\xe9,A\n")
    add_lookup_dir(tmp_path)
    with pytest.raises(ConfigError, match=r"grades.csv is not UTF-8 \(byte 0xe9 at offset 22\)"):
        compile_operation({"lookup": "grades"})
    # Past a text stream's first chunk, the offset is still the file's (a review).
    rows = "".join(f"value {n},A\n" for n in range(2000)).encode()
    (tmp_path / "grades.csv").write_bytes(b"source_value,grade\n" + rows + b"Caf\xe9,A\n")
    tables_changed()
    at = len(b"source_value,grade\n" + rows) + 3
    with pytest.raises(ConfigError, match=f"at offset {at}\\)"):
        compile_operation({"lookup": "grades"})


@pytest.mark.usefixtures("isolated_crosswalks")
def test_a_column_is_checked_against_the_tables_header(tmp_path: Path) -> None:
    # A table of one's own with its header and no rows yet had no columns (review).
    (tmp_path / "grades.csv").write_text("source_value,grade\n", "utf-8")
    add_lookup_dir(tmp_path)
    check_columns(tuple(map(compile_operation, [{"lookup": "grades"}, {"column": "grade"}])))
    with pytest.raises(ConfigError, match="the table 'grades' has no column 'grdae'; its columns"):
        check_columns(tuple(map(compile_operation, [{"lookup": "grades"}, {"column": "grdae"}])))
    between = [{"lookup": "grades"}, {"split": ";"}, {"column": "grdae"}]
    with pytest.raises(ConfigError, match="no column 'grdae'"):
        check_columns(tuple(map(compile_operation, between)))


@pytest.mark.usefixtures("isolated_crosswalks")
def test_resource_type_looks_a_packed_value_up_whole_first(tmp_path: Path) -> None:
    # A table of one's own mapping a packed value as it is: it was tried part by part only,
    # so the row never matched and "Text" won.
    shipped = bundled("crosswalks") / "lookups" / "resource_types.csv"
    (tmp_path / "resource_types.csv").write_text(
        shipped.read_text("utf-8") + "Text; Image,http://purl.org/coar/resource_type/c_12cc,"
        "cartographic material,cartographic material\n",
        "utf-8",
    )
    add_lookup_dir(tmp_path)
    op = compile_operation("resource_type")
    assert op("Text; Image")["label"] == "cartographic material"
    assert op("Text; Image")["source"] == {"label": "Text; Image"}
    assert op("Image; Text")["label"] == "image", "other packings are still read part by part"


def test_normaliser_operations_are_wired() -> None:
    assert compile_operation("edtf")("2020-12-18T10:00:00Z") == "2020-12-18"
    assert compile_operation("language")("English") == "eng"
    assert compile_operation("agent")("Imani, Yassaman")["family_name"] == "Imani"
    # As in agents: where a work came from names no one (the value goes to extra).
    assert compile_operation("agent")("Digitized by Internet Archive") is None
    assert len(compile_operation("agents")("Imani, Yassaman; Schlappa, Hans")) == 2
    assert compile_operation("identifier")("9781315204956")["scheme"] == "isbn"
    assert compile_operation("integer")("312") == 312
    assert compile_operation("sanitise_html")("<b>x</b><img src=y>") == "<b>x</b>"
    assert compile_operation("strip_heading")("Abstract: x") == "x"


def test_not_address_leaves_a_street_address_out() -> None:
    op = compile_operation("not_address")
    assert op("2623 3rd Ave. West, Seattle, Wash.") is None
    assert op("12 Baker Street, London") is None
    assert op("Kestrel Valley Press") == "Kestrel Valley Press"
    assert op("3M Company, St. Paul") == "3M Company, St. Paul"


def test_provenance_keeps_only_a_statement_of_where_the_work_came_from() -> None:
    op = compile_operation("provenance")
    # NSDL's dc:contributor, as its nsdl_dc records write it: a note, no agent.
    statement = "Obtained courtesy of the Cambridge Structural Database"
    assert op(statement) == statement
    assert op("Digitized by Internet Archive") == "Digitized by Internet Archive"
    # A name, also one that mentions where something came from later on, is left to agents.
    assert op("Common molecules") is None
    assert op("Smith, John; Obtained from the Protein Data Bank") is None


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("eval", "unknown operation 'eval'"),
        ({"lookup": "no_such_table"}, "lookup table 'no_such_table' not found"),
        # A name, not a path (security review: this read any CSV file the process could).
        ({"lookup": "../../tmp/leak"}, r"a table name \(a file lookups/NAME.csv"),
        ({"match": "("}, "bad regular expression"),
        ({"edtf": "yes"}, "takes no argument"),
        ({"a": 1, "b": 2}, "one-key mapping"),
        ({"strip_prefix": ""}, "non-empty string"),
    ],
)
def test_bad_operation_specs_are_config_errors(spec: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        compile_operation(spec)


def test_re2s_limits_are_named_only_where_they_are_why_a_pattern_is_refused() -> None:
    with pytest.raises(ConfigError) as lookaround:
        compile_operation({"match": "^(?!x)"})
    assert str(lookaround.value).endswith(
        "(crosswalk expressions are run by RE2, which has no "
        "backreferences or lookaround: for a value that must "
        "not match, not_match)"
    )
    with pytest.raises(ConfigError) as slip:
        compile_operation({"match": "(abc"})
    assert str(slip.value) == "bad regular expression '(abc': missing ): (abc"


def test_every_operation_has_a_docstring() -> None:
    for name, (func, _) in OPERATIONS.items():
        assert func.__doc__, f"operation {name} is undocumented"


def test_extract_takes_the_one_match_only() -> None:
    op = compile_operation({"extract": r"https?://[^\s()]+"})
    assert op("Licensed under CC BY (https://cc.example/by/4.0/).") == "https://cc.example/by/4.0/"
    assert op("https://a.example/ or https://b.example/") is None
    assert op("https://a.example/ (https://a.example/)") == "https://a.example/", "one URL"
    assert op("no link") is None


def test_not_match_keeps_what_the_expression_does_not_find() -> None:
    op = compile_operation({"not_match": "^info:eu-repo/"})
    assert op("2020-12-18") == "2020-12-18"
    assert op("info:eu-repo/date/embargoEnd/2026-01-31") is None


def test_what_a_test_found_is_remembered_for_short_values_only_and_boundedly() -> None:
    # A type or language comes on every record of a source: RE2 is asked once for it.
    op = compile_operation({"match": "(?i)^peer"})
    long = "Peer " + "x" * 100
    for _ in range(2):
        assert (op("Peer reviewed"), op("Not peer reviewed"), op(long)) == (
            "Peer reviewed",
            None,
            long,
        )
    assert (op.arg, "Peer reviewed") in ops._FOUND
    assert (op.arg, long) not in ops._FOUND
    for n in range(ops._REMEMBERED + 10):
        op(f"peer {n}")
    assert len(ops._FOUND) <= ops._REMEMBERED


def test_several_urls_in_one_value_are_each_an_identifier() -> None:
    # LoC's MODS to DC stylesheet writes a record's url elements into one dc:identifier, a
    # line each: they had become one URL, the line breaks percent-encoded.
    lines = "https://collections.example.org/item/7/thumbnail\n\nhttps://hdl.handle.net/1887/7"
    assert ops.identifier(lines, None) == [
        {"scheme": "url", "value": "https://collections.example.org/item/7/thumbnail"},
        {"scheme": "handle", "value": "1887/7"},
    ]
    # A URL inside a web archive's URL has no white space before it: one URL.
    archived = "https://web.archive.org/web/2020/https://example.org/"
    assert ops.identifier(archived, None) == {"scheme": "url", "value": archived}


def test_a_long_run_of_spaces_in_an_identifier_is_read_in_one_pass() -> None:
    # The white space before a next URL: "\s+" had been tried from each space of a run no URL
    # follows, to its end: minutes for these 200,000 (the operation takes a value as its
    # caller has it; the crosswalk collapses runs, another caller may not).
    run = " " * 200_000
    assert ops.identifier("http://a.org/1" + run + "x", None) == {
        "scheme": "url",
        "value": "http://a.org/1%20x",
    }
    assert ops.identifier("http://a.org/1" + run + "http://b.org/2", None) == [
        {"scheme": "url", "value": "http://a.org/1"},
        {"scheme": "url", "value": "http://b.org/2"},
    ]
