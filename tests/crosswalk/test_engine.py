"""The crosswalk engine and file format, on small crosswalks written for each behaviour."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, cast

import pytest
from lxml import etree

from ir_ingest.crosswalk.definition import Crosswalk, load_crosswalk
from ir_ingest.crosswalk.engine import _COMPARED_UP_TO, _put, apply_crosswalk
from ir_ingest.crosswalk.rules import Rule, TargetPath
from ir_ingest.errors import ConfigError

if TYPE_CHECKING:
    from pathlib import Path

HEADER = """
format: test
root: t:rec
namespaces: {t: "urn:test"}
"""


def _header(body: str) -> str:
    """HEADER without the keys ``body`` gives itself (a key given twice is refused)."""
    given = {line.split(":")[0] for line in body.splitlines() if line[:1].isalpha()}
    return "".join(f"{line}\n" for line in HEADER.splitlines() if line.split(":")[0] not in given)


def _crosswalk(tmp_path: Path, rules: str, extra: str = "") -> Crosswalk:
    path = tmp_path / "test.yaml"
    path.write_text(_header(extra) + extra + "rules:\n" + rules, encoding="utf-8")
    return load_crosswalk(path)


def _doc(body: str) -> etree._Element:
    return etree.fromstring(f'<t:rec xmlns:t="urn:test">{body}</t:rec>')


def test_scalar_takes_the_first_value_and_the_rest_goes_to_extra(tmp_path: Path) -> None:
    cw = _crosswalk(tmp_path, "  - {from: 't:p', to: publisher}\n")
    applied = apply_crosswalk(cw, _doc("<t:p>One</t:p><t:p>Two</t:p><t:other> x </t:other>"))
    assert applied.data == {"publisher": "One", "extra": {"t:p": ["Two"], "t:other": ["x"]}}


def test_an_agreeing_second_value_is_consumed(tmp_path: Path) -> None:
    cw = _crosswalk(tmp_path, "  - {from: 't:p', to: publisher}\n")
    applied = apply_crosswalk(cw, _doc("<t:p>One</t:p><t:p> One </t:p>"))
    assert applied.data == {"publisher": "One"}


def test_rules_cascade_and_lists_append(tmp_path: Path) -> None:
    rules = (
        "  - {from: 't:s', to: 'subjects[]', ops: [{strip_prefix: 'ddc:'}], set: {scheme: ddc}}\n"
        "  - {from: 't:s', to: 'subjects[]', set: {scheme: keyword}}\n"
    )
    applied = apply_crosswalk(
        _crosswalk(tmp_path, rules), _doc("<t:s>ddc:333.7</t:s><t:s>eels</t:s>")
    )
    assert applied.data["subjects"] == [
        {"value": "333.7", "scheme": "ddc"},
        {"value": "eels", "scheme": "keyword"},
    ]
    assert applied.lineage == {"subjects": ["t:s", "t:s"]}


def test_as_value_takes_the_language_and_nested_targets_are_built(tmp_path: Path) -> None:
    rules = (
        "  - {from: 't:title', to: title, as: value}\n"
        "  - {from: 't:isbn', to: 'host.identifiers[]', ops: [identifier],"
        " set: {qualifier: print}}\n"
    )
    doc = _doc('<t:title xml:lang="de">Über  Aale</t:title><t:isbn>978-0-367-73501-2</t:isbn>')
    applied = apply_crosswalk(_crosswalk(tmp_path, rules), doc)
    assert applied.data["title"] == {"value": "Über Aale", "lang": "deu"}
    assert applied.data["host"] == {
        "identifiers": [{"scheme": "isbn", "value": "9780367735012", "qualifier": "print"}]
    }


@pytest.mark.parametrize(
    ("policy", "value", "codes", "extra"),
    [
        ("keep", "n.d.", [], None),
        ("null", None, [], {"t:d": ["n.d."]}),
        ("report", None, [("crosswalk.bad_value", "warning")], {"t:d": ["n.d."]}),
        ("reject", None, [("crosswalk.bad_value", "error")], {"t:d": ["n.d."]}),
    ],
)
def test_error_policies(
    tmp_path: Path, policy: str, value: str | None, codes: list[tuple[str, str]], extra: object
) -> None:
    cw = _crosswalk(
        tmp_path, f"  - {{from: 't:d', to: publication_date, ops: [edtf], on_error: {policy}}}\n"
    )
    applied = apply_crosswalk(cw, _doc("<t:d>n.d.</t:d>"))
    assert applied.data.get("publication_date") == value
    assert [(i.code, i.severity.value) for i in applied.issues] == codes
    assert applied.data.get("extra") == extra


def test_a_bad_value_is_said_once_however_many_rules_cannot_read_it(tmp_path: Path) -> None:
    """A user's rule rejecting a date before the included crosswalk's rule that reports it: one
    issue, the first rule's (a fourth walkthrough counted an error and a warning for it)."""
    rules = (
        "  - {from: 't:d[1]', to: publication_date, ops: [edtf], on_error: reject}\n"
        "  - {from: 't:d', to: publication_date, ops: [edtf], on_error: report}\n"
    )
    applied = apply_crosswalk(_crosswalk(tmp_path, rules), _doc("<t:d>n.d.</t:d><t:d>nix</t:d>"))
    said = [(i.code, i.severity.value, i.message.split("'")[1]) for i in applied.issues]
    assert said == [
        ("crosswalk.bad_value", "error", "n.d."),
        ("crosswalk.bad_value", "warning", "nix"),
    ]
    assert applied.data.get("extra") == {"t:d": ["n.d.", "nix"]}


def test_a_value_a_filled_field_would_not_take_is_no_bad_value(tmp_path: Path) -> None:
    # A catalogue's second dateIssued ("c2000, 2nd printing") after the range that made the
    # date had been warned of as the date's bad value: it could never have been the date.
    cw = _crosswalk(tmp_path, "  - {from: 't:d', to: publication_date, ops: [edtf]}\n")
    applied = apply_crosswalk(cw, _doc("<t:d>2001</t:d><t:d>2nd printing</t:d>"))
    assert (applied.data["publication_date"], applied.issues) == ("2001", [])
    assert applied.data["extra"] == {"t:d": ["2nd printing"]}
    # Before the field is filled, it is the field's bad value, and said.
    applied = apply_crosswalk(cw, _doc("<t:d>2nd printing</t:d><t:d>2001</t:d>"))
    assert [i.code for i in applied.issues] == ["crosswalk.bad_value"]


def test_defaults_fill_missing_fields_only(tmp_path: Path) -> None:
    extra = "defaults: {access_right: 'urn:closed', publisher: 'nobody'}\n"
    cw = _crosswalk(tmp_path, "  - {from: 't:p', to: publisher}\n", extra)
    applied = apply_crosswalk(cw, _doc("<t:p>Somebody</t:p>"))
    assert applied.data == {"publisher": "Somebody", "access_right": "urn:closed"}
    # --explain tells a default from a source value (second walkthrough).
    assert applied.lineage == {
        "publisher": ["t:p"],
        "access_right": ["(the crosswalk's default: no source value)"],
    }


def test_empty_elements_are_neither_values_nor_extra(tmp_path: Path) -> None:
    cw = _crosswalk(tmp_path, "  - {from: 't:p', to: publisher}\n")
    assert apply_crosswalk(cw, _doc("<t:p>  </t:p><t:q/>")).data == {}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("rules:\n  - {from: 't:p'}\n", "rule 1: a rule needs 'from' and 'to'"),
        ("rules:\n  - {from: 't:p[', to: x}\n", "rule 1: bad XPath"),
        ("rules:\n  - {from: 't:p', to: 'a b'}\n", "bad target field path 'a b'"),
        ("rules:\n  - {from: 't:p', to: publisher, on_error: ignore}\n", "on_error must be keep"),
        (
            "rules:\n  - {from: 't:p', to: titel}\n",
            # Only those a rule may fill: extra, id and source had been listed too.
            "rule 1: the record has no field 'titel'; its fields: abstracts, access_right,"
            " additional_titles, conference, contributors, copyright_holders, coverage,"
            " creators, dates, descriptions, edition, embargo_end, extent, files, formats,"
            " funding, host, identifiers, languages, licenses, notes, peer_reviewed,"
            " place_of_publication, publication_date, publication_status, publisher, related,"
            " resource_type, rights_statements, series, source.landing_page, source.local_id,"
            " source_stats, subjects, subtitle, title, version_type$",
        ),
        (
            "rules:\n  - {from: 't:p', to: host.titel}\n",
            "rule 1: host has no field 'titel'; its fields: creators, edition, editors,",
        ),
        (
            "rules:\n  - {from: 't:p', to: publisher.name}\n",
            "rule 1: publisher holds a value, not fields; cannot put 'name'",
        ),
        ("rules:\n  - {from: 't:p', to: extra.x}\n", "rule 1: extra is not a rule's to fill"),
        ("rules:\n  - {from: 't:p', to: id}\n", "rule 1: id is not a rule's to fill"),
        (
            "rules:\n  - {from: 't:p', to: source.oai_identifier}\n",
            "rule 1: the provenance is the harvest's; a rule may fill source.landing_page or",
        ),
        ("rules:\n  - {from: 't:p', to: 'title[]'}\n", "rule 1: title holds one value"),
        (
            "rules:\n  - {from: 't:p', to: identifiers}\n",
            "rule 1: identifiers is a list; write 'identifiers\\[\\]' to add to it",
        ),
        ("rules:\n  - {from: 't:p', to: creators.name}\n", "rule 1: creators is a list; fill"),
        (
            "rules:\n  - {from: 't:p', to: 'identifiers[]', as: uri}\n",
            "rule 1: identifiers\\[\\] has no field 'uri' \\(as:/set:\\)",
        ),
        (
            "rules:\n  - {from: 't:p', to: 'subjects[]', set: {schem: ddc}}\n",
            "rule 1: subjects\\[\\] has no field 'schem'",
        ),
        (
            "rules:\n  - {from: 't:p', to: publisher, as: value}\n",
            "rule 1: publisher holds a value; as: and set: make it a mapping",
        ),
        (
            "rules:\n  - {from: 't:p', to: 'creators[]', build: [{from: 't:n', to: nom}]}\n",
            "rule 1.1: creators\\[\\] has no field 'nom'; its fields: affiliations, family_name,",
        ),
        ("rules:\n  - {from: 't:p', to: x, python: 'os.system'}\n", "unknown keys \\['python'\\]"),
        ("rules:\n  - {from: 't:p', to: x, ops: [exec]}\n", "unknown operation 'exec'"),
        ("rules: []\ncolour: red\n", "unknown keys \\['colour'\\]"),
        ("rules: []\nprecedence: high\n", "precedence must be a whole number, got 'high'"),
        (
            "rules:\n  - {from: 't:p', to: 'subjects[]', as: value, when: {lang: [eng]}}\n",
            "rule 1: when: and requires: test the keys of a mapping a build: or ops: make",
        ),
        (
            "rules: []\nformat: [mine_dc]\n",
            "format is a name, such as mine_dc, got \\['mine_dc'\\]",
        ),
        # What lxml finds only when a path runs, if it runs: every record with the element
        # had failed as an internal error, the run going on (a walkthrough).
        (
            "rules:\n  - {from: 'foo:p', to: publisher}\n",
            "rule 1: the prefix 'foo' in 'foo:p' is not among the file's namespaces \\(t\\)",
        ),
        (
            "rules:\n  - {from: 'foo(t:p)', to: publisher}\n",
            "rule 1: 'foo\\(t:p\\)' calls foo\\(\\), which is no XPath 1.0 function",
        ),
        ("rules:\n  - {from: 't:p[t:q = foo()]', to: publisher}\n", "calls foo\\(\\)"),
        ("rules:\n  - {from: 't:p[re:test(., \"x\")]', to: publisher}\n", "prefix 're' in"),
        ("rules:\n  - {from: 't:p[ancestor::foo:x]', to: publisher}\n", "the prefix 'foo'"),
        ("rules:\n  - {from: 't:p[@n = $v]', to: publisher}\n", "has a variable"),
        ("rules:\n  - {from: 't:p/namespace::*', to: publisher}\n", "selects namespace nodes"),
        (
            "namespaces: {t: urn:test, re: 'http://exslt.org/regular-expressions'}\n"
            "rules:\n  - {from: 't:p[re:find(., \"x\")]', to: publisher}\n",
            "calls re:find\\(\\); EXSLT's regular expressions are re:test, re:match and",
        ),
        (
            "namespaces: {t: urn:test, re: 'http://exslt.org/regular-expressions'}\n"
            "rules:\n  - {from: \"re:match(., concat('^', '(?!x)'))\", to: publisher}\n",
            "cannot run: .*lookaround",
        ),
        (
            "rules:\n  - {from: 'string(t:p)', to: publisher}\n",
            "rule 1: 'string\\(t:p\\)' gives a string, not elements or attributes",
        ),
        ("rules:\n  - {from: 'count(t:p)', to: publisher}\n", "gives a number, not elements"),
        ("rules:\n  - {from: 't:p = 1', to: publisher}\n", "gives a boolean, not elements"),
        (
            "rules:\n  - {from: 't:p', to: publisher, ops: [{lookup: peer_review}, "
            "{column: valeu}]}\n",
            "rule 1: the table 'peer_review' has no column 'valeu'; its columns: value",
        ),
        (
            "rules:\n  - {from: 't:p', to: title}\n",
            "rule 1: title holds a mapping \\(its fields: .*value\\), not text: give as:",
        ),
        # A default or a limit naming no field: the default had failed every record
        # (crosswalk.invalid_output), the limit had said "titel: …" of every record (a walk).
        (
            "defaults: {titel: Untitled}\nrules: []\n",
            "defaults: the record has no field 'titel'; its fields: abstracts,",
        ),
        ("defaults: {extra: {}}\nrules: []\n", "defaults: extra is not a rule's to fill"),
        ("defaults: {host.title: x}\nrules: []\n", "defaults: 'host.title': a default fills"),
        (
            "limits: [{field: peer_reviewd, message: cannot say}]\nrules: []\n",
            "limits: the record has no field 'peer_reviewd'; its fields: abstracts,",
        ),
        (
            "limits: [{field: host.editor, message: cannot say}]\nrules: []\n",
            "limits: host has no field 'editor'; its fields: ",
        ),
    ],
)
def test_bad_crosswalk_files_name_file_rule_and_value(
    tmp_path: Path, body: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(_header(body) + body, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        load_crosswalk(path)
    # The whole path: a file of one's own may be named as a shipped one (oai_dc.yaml).
    assert str(path) in str(caught.value)


def test_every_rule_in_error_is_said_at_once(tmp_path: Path) -> None:
    # A file had been fixed one error a try, as a config file had (a walkthrough).
    path = tmp_path / "bad.yaml"
    body = (
        "rules:\n"
        "  - {from: 't:p', to: titel}\n"
        "  - {from: 't:q', to: publisher}\n"
        "  - {from: 'foo:r', to: publisher}\n"
        "  - {from: 't:s', to: 'creators[]',\n"
        "     build: [{from: 't:n', to: nom}, {from: 't:m', to: x}]}\n"
    )
    path.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_crosswalk(path)
    head, *listed = str(caught.value).split("\n  - ")
    assert head == f"{path}: 4 rules in error:"
    assert [line.removeprefix(f"{path} ").split(":")[0] for line in listed] == [
        "rule 1",
        "rule 3",
        "rule 4.1",
        "rule 4.2",
    ]


def test_a_builds_many_errors_are_counted_once(tmp_path: Path) -> None:
    # A build's list, already cut at 20, had been counted again as its text (a review).
    path = tmp_path / "many.yaml"
    bad = ", ".join(f"{{from: 't:n{n}', to: nom{n}}}" for n in range(25))
    path.write_text(
        HEADER + f"rules:\n  - {{from: 't:s', to: 'creators[]', build: [{bad}]}}\n", "utf-8"
    )
    with pytest.raises(ConfigError) as caught:
        load_crosswalk(path)
    head, *listed = str(caught.value).split("\n  - ")
    assert head == f"{path}: 25 rules in error:"
    assert len(listed) == 21
    assert listed[-1] == "and 5 more"


def test_a_crosswalk_file_that_is_not_utf8_is_said_so(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes((HEADER + "description: caf\xe9\nrules: []\n").encode("latin-1"))
    with pytest.raises(ConfigError, match=r"latin.yaml is not UTF-8 \(byte 0xe9"):
        load_crosswalk(path)


def test_exslt_of_lxmls_own_and_empty_conditions_load(tmp_path: Path) -> None:
    # Refused by a first version of the load-time checks (review): they worked before.
    extra = "namespaces: {t: urn:test, set: 'http://exslt.org/sets'}\n"
    rules = (
        "  - {from: 'set:distinct(t:p)', to: 'notes[]'}\n"
        "  - {from: 't:q', to: publisher, when: {}, requires: []}\n"
    )
    cw = _crosswalk(tmp_path, rules, extra)
    data = apply_crosswalk(cw, _doc("<t:p>A</t:p><t:p>A</t:p><t:p>B</t:p><t:q>Q</t:q>")).data
    assert data["notes"] == ["A", "B"]
    assert data["publisher"] == "Q"


def test_names_in_literals_and_the_xml_prefix_are_no_mistakes(tmp_path: Path) -> None:
    rules = (
        "  - {from: \"t:p[@a='x:y(']\", to: publisher}\n"
        "  - {from: 't:q[@xml:lang][not(@b) or (@c and @d)]', to: 'subjects[]', as: value}\n"
        "  - {from: 'child::t:r[position() = last()]/@t:s', to: 'notes[]'}\n"
    )
    cw = _crosswalk(tmp_path, rules)
    xml = '<t:p a="x:y(">P</t:p><t:q xml:lang="en" c="1" d="2">Q</t:q><t:r t:s="S"/>'
    data = apply_crosswalk(cw, _doc(xml)).data
    assert data["publisher"] == "P"
    assert data["subjects"] == [{"value": "Q", "lang": "eng"}]
    assert data["notes"] == ["S"]


@pytest.mark.parametrize(
    ("namespaces", "message"),
    [
        ('{t: "urn:test", dc: ""}', "namespaces: prefix 'dc' has an empty URI ''; give"),
        ('{t: "urn:test", dc: "  "}', "namespaces: prefix 'dc' has an empty URI '  '; give"),
        ('{t: "urn:test", "": "urn:x"}', "namespaces: '' \\(for 'urn:x'\\) is no prefix"),
        ('{t: "urn:test", 1: "urn:x"}', "namespaces: 1 \\(for 'urn:x'\\) is no prefix"),
        ("{t: urn:test, dc: }", "namespaces must map prefixes to URIs, got .*'dc': None"),
    ],
)
def test_bad_namespaces_name_file_prefix_and_value(
    tmp_path: Path, namespaces: str, message: str
) -> None:
    """An empty URI was a bare TypeError from lxml ("setting default namespace is not
    supported in XPath") when the rules were compiled."""
    path = tmp_path / "bad.yaml"
    path.write_text(
        f"format: test\nroot: t:rec\nnamespaces: {namespaces}\n"
        "rules:\n  - {from: 'dc:title', to: title}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=message) as caught:
        load_crosswalk(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_missing_keys_and_bad_yaml(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("format: x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="missing required key 'root'"):
        load_crosswalk(path)
    path.write_text("format: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_crosswalk(path)
    # one line, naming the place in the file (PyYAML's took three, 'in "<unicode string>"')
    assert str(caught.value) == (
        f"{path}, line 2, column 1: cannot read crosswalk: did not find expected ',' or ']' "
        "(while parsing a flow sequence)"
    )
    # A user's crosswalk directory is data: YAML's Python tags are refused, never run.
    path.write_text("format: !!python/object/apply:os.getpid []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cannot read crosswalk.*python/object"):
        load_crosswalk(path)


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("2024-13-01", "'2024-13-01' cannot be read as tag:yaml.org,2002:timestamp: month must"),
        ("9" * 5000, "cannot be read as tag:yaml.org,2002:int: Exceeds the limit"),
        ("!!bool maybe", "'maybe' cannot be read as tag:yaml.org,2002:bool"),
        ("!!timestamp soon", "'soon' cannot be read as tag:yaml.org,2002:timestamp"),
    ],
)
def test_a_value_yaml_cannot_make_is_said_at_its_place(
    tmp_path: Path, value: str, said: str
) -> None:
    # PyYAML raised ValueError, KeyError or AttributeError for these: each a traceback.
    path = tmp_path / "bad.yaml"
    path.write_text(f"format: x\ndescription: {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_crosswalk(path)
    assert str(caught.value).startswith(f"{path}, line 2, column 14: cannot read crosswalk: ")
    assert said in str(caught.value)


def test_mixed_content_is_one_value_and_kept_whole(tmp_path: Path) -> None:
    cw = _crosswalk(tmp_path, "  - {from: 't:p', to: publisher}\n")
    applied = apply_crosswalk(
        cw, _doc("<t:c>Northern <t:b>Norway</t:b> and Svalbard</t:c><t:p>P <t:i>Q</t:i></t:p>")
    )
    assert applied.data == {"publisher": "P Q", "extra": {"t:c": ["Northern Norway and Svalbard"]}}
    assert (applied.source_values, applied.consumed_values) == (2, 1)


def test_consumed_and_kept_values_add_up(tmp_path: Path) -> None:
    rules = (
        "  - {from: 't:a', to: publisher}\n"
        "  - {from: 't:a/t:b', to: edition}\n"  # the child of an element already consumed
        "  - {from: 't:s/@ref', to: place_of_publication}\n"
    )
    extra = "value_attributes: [ref]\n"
    cw = _crosswalk(tmp_path, rules, extra)
    doc = _doc(
        "<t:a>A <t:b>B</t:b></t:a><t:s ref='r1'>S</t:s><t:s ref='r2'/><t:e/>"
        "<t:m>See <t:x ref='r3'>here</t:x> too</t:m>"
    )
    applied = apply_crosswalk(cw, doc)
    # Values: "A B" (one, the rule took t:a whole), S, r1, r2, "See here too", r3.
    assert applied.source_values == 6
    assert applied.consumed_values == 2  # "A B" and r1
    assert applied.data["extra"] == {
        "t:s": ["S"],
        "t:s/@ref": ["r2"],
        "t:m": ["See here too"],
        "t:m/t:x/@ref": ["r3"],
    }


def test_value_attributes_reach_extra_in_one_order_in_every_process(tmp_path: Path) -> None:
    # The order of extra is part of the content hash; a set's order is not stable across
    # processes (string hashes are salted), so a record would look changed on every harvest.
    names = ["zeta", "ref", "alpha", "mid"]
    cw = _crosswalk(tmp_path, "  - {from: 't:a', to: publisher}\n", f"value_attributes: {names}\n")
    attributes = " ".join(f"{name}='{name}-value'" for name in reversed(names))

    extra = apply_crosswalk(cw, _doc(f"<t:s {attributes}/>")).data["extra"]

    assert list(extra) == [f"t:s/@{name}" for name in sorted(names)]


def test_empty_value_attributes_are_neither_values_nor_extra(tmp_path: Path) -> None:
    """NYPL's MODS names people with valueURI="": each had been an extra of ""."""
    cw = _crosswalk(tmp_path, "  - {from: 't:a', to: publisher}\n", "value_attributes: [ref]\n")
    applied = apply_crosswalk(cw, _doc("<t:s ref=''/><t:s ref=' '/><t:s ref='r1'/>"))
    assert applied.data["extra"] == {"t:s/@ref": ["r1"]}
    assert applied.source_values == 1


def test_records_share_no_state_through_lookup_rows(tmp_path: Path) -> None:
    rules = (
        "  - {from: 't:k', to: resource_type, ops: [{lookup: resource_types}]}\n"
        "  - {from: 't:l', to: resource_type.source.label}\n"
    )
    cw = _crosswalk(tmp_path, rules)
    first = apply_crosswalk(cw, _doc("<t:k>book part</t:k><t:l>Chapter</t:l>"))
    second = apply_crosswalk(cw, _doc("<t:k>book part</t:k>"))
    assert first.data["resource_type"]["source"] == {"label": "Chapter"}
    assert "source" not in second.data["resource_type"], "the first record's label leaked"


def test_a_value_only_read_into_a_derived_field_stays_for_extra(tmp_path: Path) -> None:
    # Pure's dc:type "Chapter (peer-reviewed)": the peer-review rule derives a boolean from it
    # (ops applied) and no later rule takes it, so its wording must reach extra.
    rules = (
        "  - {from: 't:type', to: peer_reviewed, ops: [{match: 'peer'}, {const: true}],"
        " consume: false}\n"
        "  - {from: 't:type', to: version_type, ops: [{match: '^v'}]}\n"
    )
    applied = apply_crosswalk(
        _crosswalk(tmp_path, rules), _doc("<t:type>Chapter (peer-reviewed)</t:type>")
    )
    assert applied.data == {
        "peer_reviewed": True,
        "extra": {"t:type": ["Chapter (peer-reviewed)"]},
    }
    assert (applied.source_values, applied.consumed_values) == (1, 0)


def test_a_value_read_verbatim_or_consumed_later_is_used(tmp_path: Path) -> None:
    # A verbatim read (a subject's @authority copied into a field) is used; a value that only
    # informed a derived field and is then consumed by a later rule is used by that rule.
    rules = (
        "  - {from: 't:a/@ref', to: edition, consume: false}\n"
        "  - {from: 't:type', to: peer_reviewed, ops: [{match: 'peer'}, {const: true}],"
        " consume: false}\n"
        "  - {from: 't:type', to: publisher}\n"
    )
    cw = _crosswalk(tmp_path, rules, "value_attributes: [ref]\n")
    applied = apply_crosswalk(cw, _doc("<t:a ref='r1'/><t:type>peer-reviewed</t:type>"))
    assert applied.data == {"edition": "r1", "peer_reviewed": True, "publisher": "peer-reviewed"}
    assert (applied.source_values, applied.consumed_values) == (2, 2)


def test_language_attributes_name_where_a_value_s_language_is(tmp_path: Path) -> None:
    # MODS writes lang="ger" (ISO 639-2/B) as often as xml:lang; xml:lang wins when both are.
    rules = "  - {from: 't:ab', to: 'abstracts[]', as: value}\n"
    doc = _doc(
        "<t:ab lang='ger'>Zusammenfassung</t:ab>"
        "<t:ab xml:lang='en' lang='fre'>Summary</t:ab><t:ab>None</t:ab>"
    )
    default = apply_crosswalk(_crosswalk(tmp_path, rules), doc)
    assert [a.get("lang") for a in default.data["abstracts"]] == [None, "eng", None]
    both = _crosswalk(tmp_path, rules, 'language_attributes: ["xml:lang", lang]\n')
    assert [a.get("lang") for a in apply_crosswalk(both, doc).data["abstracts"]] == [
        "deu",
        "eng",
        None,
    ]


def test_a_builds_parts_are_its_operations_own_keys_and_not_checked(tmp_path: Path) -> None:
    """``agent`` reads parts such as ``family``: they are no Agent fields, and are allowed."""
    cw = _crosswalk(
        tmp_path,
        "  - {from: 't:n', to: 'creators[]', ops: [agent], build: [{from: 't:f', to: family}]}\n",
    )
    assert [rule.build[0].target.parts for rule in cw.rules[:1]] == [("family",)]


def test_a_crosswalk_of_ones_own_includes_a_shipped_one(tmp_path: Path) -> None:
    """A folder of one's own extends a shipped crosswalk: a file beside it wins, else the
    shipped file; ``oai_dc.yaml`` including ``oai_dc.yaml`` is the shipped one, not itself."""
    dc = "{oai_dc: 'http://www.openarchives.org/OAI/2.0/oai_dc/', dc: 'http://purl.org/dc/elements/1.1/'}"
    mine = tmp_path / "oai_dc.yaml"
    mine.write_text(
        f"format: oai_dc\nroot: oai_dc:dc\nnamespaces: {dc}\ninclude: oai_dc.yaml\n"
        "rules:\n  - {from: 'dc:source', to: 'notes[]'}\n",
        "utf-8",
    )
    extended = load_crosswalk(mine)
    assert extended.rules[0].source == "dc:source"
    assert len(extended.rules) > 20, "the shipped oai_dc rules follow"
    # The root and the namespaces may be left to the included file.
    short = tmp_path / "pure_dc.yaml"
    short.write_text(
        "format: pure_dc\ninclude: oai_dc.yaml\nrules:\n  - {from: 'dc:source', to: 'notes[]'}\n",
        "utf-8",
    )
    pure = load_crosswalk(short)
    assert (pure.roots, pure.namespaces) == (extended.roots, extended.namespaces)
    assert pure.rules[0].source == "dc:source"
    looping = tmp_path / "a.yaml"
    looping.write_text(HEADER + "include: b.yaml\nrules: []\n", "utf-8")
    (tmp_path / "b.yaml").write_text(HEADER + "include: a.yaml\nrules: []\n", "utf-8")
    with pytest.raises(ConfigError, match=r"include 'a\.yaml' comes back to a file that includes"):
        load_crosswalk(looping)
    itself = tmp_path / "x.yaml"
    itself.write_text(HEADER + "include: x.yaml\nrules: []\n", "utf-8")
    with pytest.raises(ConfigError, match=r"include 'x\.yaml' includes itself, and no crosswalk"):
        load_crosswalk(itself)
    missing = tmp_path / "c.yaml"
    missing.write_text(HEADER + "include: nowhere.yaml\nrules: []\n", "utf-8")
    with pytest.raises(ConfigError, match=r"include 'nowhere\.yaml' is neither beside it nor"):
        load_crosswalk(missing)


def test_a_split_part_no_operation_maps_keeps_the_whole_value_in_extra(tmp_path: Path) -> None:
    """Found by a helper's review: the part a lookup did not know vanished, and the element
    counted as used; the parts that map are still put, and the whole value stays for extra."""
    rules = (
        "  - {from: 't:r', to: 'formats[]', ops: [{split: ';'}, {lookup: access_rights},"
        " {column: label}]}\n"
    )
    applied = apply_crosswalk(
        _crosswalk(tmp_path, rules), _doc("<t:r>open access; not a right we know</t:r>")
    )
    assert applied.data == {
        "formats": ["open access"],
        "extra": {"t:r": ["open access; not a right we know"]},
    }
    assert (applied.source_values, applied.consumed_values) == (1, 0)


def test_a_file_that_binds_exslt_regular_expressions_may_use_them(tmp_path: Path) -> None:
    path = tmp_path / "test.yaml"
    path.write_text(
        "format: test\nroot: t:rec\n"
        "namespaces: {t: 'urn:test', re: 'http://exslt.org/regular-expressions'}\n"
        "rules:\n  - {from: \"t:p[re:test(., '^[0-9]+$')]\", to: publisher}\n",
        encoding="utf-8",
    )
    applied = apply_crosswalk(load_crosswalk(path), _doc("<t:p>x</t:p><t:p>12</t:p>"))
    assert applied.data == {"publisher": "12", "extra": {"t:p": ["x"]}}


def test_as_value_into_a_field_without_a_language_takes_none(tmp_path: Path) -> None:
    # An identifier has no lang: a language on its element had made the record one the schema
    # refused (crosswalk.invalid_output), the whole record lost for a URI's xml:lang.
    rules = (
        "  - {from: 't:id', to: 'identifiers[]', as: value, set: {scheme: url}}\n"
        "  - {from: 't:ab', to: 'abstracts[]', as: value}\n"
    )
    doc = _doc("<t:id xml:lang='en'>https://example.org/a</t:id><t:ab xml:lang='en'>A</t:ab>")
    applied = apply_crosswalk(_crosswalk(tmp_path, rules), doc)
    assert applied.data["identifiers"] == [{"value": "https://example.org/a", "scheme": "url"}]
    assert applied.data["abstracts"] == [{"value": "A", "lang": "eng"}]


def test_a_key_given_twice_is_refused_naming_its_line(tmp_path: Path) -> None:
    """YAML keeps the last of two equal keys: a second ``rules:`` pasted below the first had
    dropped every rule of the first without a word, and a rule's second ``to:`` its first
    (a walkthrough)."""
    path = tmp_path / "twice.yaml"
    path.write_text(
        HEADER + "rules:\n  - {from: 't:p', to: publisher}\nrules: []\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as caught:
        load_crosswalk(path)
    assert str(caught.value) == (
        f"{path}, line 7, column 1: cannot read crosswalk: 'rules' is given twice "
        "(the first is on line 5)"
    )
    path.write_text(
        HEADER + "rules:\n  - from: 't:p'\n    to: publisher\n    to: notes[]\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"line 8, column 5: .*'to' is given twice"):
        load_crosswalk(path)
    # Anchors and merges stay as YAML has them: a key over a merged one is no mistake.
    path.write_text(
        HEADER + "rules:\n  - &p {from: 't:p', to: publisher}\n  - {<<: *p, to: 'notes[]'}\n",
        encoding="utf-8",
    )
    assert len(load_crosswalk(path).rules) == 2


@pytest.mark.parametrize("text", ["", "# my crosswalk, to be written\n", "- format: x\n"])
def test_an_empty_crosswalk_file_is_said_so(tmp_path: Path, text: str) -> None:
    """An empty file (or comments only) had been "a crosswalk file is a mapping, got
    NoneType", in Python's words (a walkthrough)."""
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_crosswalk(path)
    said = str(caught.value)
    assert "NoneType" not in said
    assert said.startswith(f"{path}: ")
    what = "is empty" if text.strip() in ("", "# my crosswalk, to be written") else "a list"
    assert what in said
    assert "format:" in said
    assert "rules:" in said


@pytest.mark.parametrize(
    ("header", "rules", "message"),
    [
        ("postprocess: [{}]\n", "", r"unknown postprocess steps \[\{\}\]"),
        ("postprocess: 0\n", "", "postprocess is a list of step names, got 0"),
        (
            "value_attributes: [valueURI, {}]\n",
            "",
            r"value_attributes holds what is no attribute name: \[\{\}\]",
        ),
        (
            "language_attributes: ['']\n",
            "",
            r"language_attributes holds what is no attribute name: \[''\]",
        ),
        (
            "limits: [{field: title, message: m, types: 1}]\n",
            "",
            "a limit's types are a list of type URIs, got 1",
        ),
        ("", "    ops: true\n", "rule 1: ops is a list of operations, got True"),
    ],
)
def test_a_crosswalk_file_of_values_of_the_wrong_kind_is_a_config_error(
    tmp_path: Path, header: str, rules: str, message: str
) -> None:
    """Each had been a traceback (TypeError; lxml's "Empty tag name" on every record): found by
    a fuzz of the shipped crosswalk files, their values changed for others."""
    path = tmp_path / "bad.yaml"
    path.write_text(
        f"format: test\nroot: t:rec\nnamespaces: {{t: 'urn:test'}}\n{header}"
        f"rules:\n  - from: 't:title'\n    to: publisher\n{rules}",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=message):
        load_crosswalk(path)


def test_a_build_split_into_copies_keeps_the_lineage_of_its_keys(tmp_path: Path) -> None:
    # A split's parts are copies of the built value with the rest: each key still came from
    # where the build read it.  A union is bracketed where a step is read below it.
    rules = (
        "  - from: 't:topic | t:genre'\n"
        "    to: 'subjects[]'\n"
        "    build:\n"
        "      - {from: '.', to: value}\n"
        "      - {from: '@authority', to: scheme}\n"
        "    ops: [{split: ';'}]\n"
    )
    doc = _doc('<t:topic authority="lcsh">Eels; Rivers</t:topic><t:genre>Maps</t:genre>')
    applied = apply_crosswalk(_crosswalk(tmp_path, rules), doc)
    assert applied.data["subjects"] == [
        {"value": "Eels", "scheme": "lcsh"},
        {"value": "Rivers", "scheme": "lcsh"},
        {"value": "Maps"},
    ]
    assert applied.lineage == {
        "subjects.value": ["(t:topic | t:genre)/.", "(t:topic | t:genre)/."],
        "subjects.scheme": ["(t:topic | t:genre)/@authority"],
    }


class _Counted:
    """A value that counts how often it is compared."""

    comparisons = 0

    def __init__(self, number: int) -> None:
        self.number = number

    def __hash__(self) -> int:
        return self.number

    def __eq__(self, other: object) -> bool:
        _Counted.comparisons += 1
        return isinstance(other, _Counted) and other.number == self.number


def test_a_list_field_holds_each_value_once_without_comparing_each_new_one_with_all() -> None:
    """A value equal to one the field holds is not added again; asking the list whether it
    held it compared each new value with all before it (10,000 fuzzed MODS topics took
    seconds a record)."""
    rule = cast("Rule", SimpleNamespace(target=TargetPath(("subjects",), append=True)))
    data: dict[str, list[object]] = {}
    _Counted.comparisons = 0
    for number in (*range(1000), 7):
        assert _put(data, rule, _Counted(number))
    assert [value.number for value in data["subjects"]] == list(range(1000))  # type: ignore[attr-defined]
    # Compared with each value only while the list is short: all with all had been 500,000.
    assert _Counted.comparisons < _COMPARED_UP_TO**2
    for value in ({"a": [1, {"b": "x"}]}, {"a": [1, {"b": "x"}]}, {"a": [1, {"b": "y"}]}, ["c"]):
        _put(data, rule, value)
    assert data["subjects"][1000:] == [{"a": [1, {"b": "x"}]}, {"a": [1, {"b": "y"}]}, ["c"]]
