"""The XPath subset evaluated in Python selects exactly what lxml's XPath selects."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from bench.corpus import corpus_records
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from ir_ingest import xmlsafe
from ir_ingest.crosswalk import registry
from ir_ingest.crosswalk.coverage import find_records
from ir_ingest.crosswalk.engine import _xpath_keys
from ir_ingest.crosswalk.pathparse import compile_path, one_step
from ir_ingest.crosswalk.paths import Children

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ir_ingest.crosswalk.paths import Key
    from ir_ingest.crosswalk.rules import Rule

NS = {"m": "http://www.loc.gov/mods/v3", "x": "http://www.w3.org/1999/xlink"}
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

# Edge cases of XPath 1.0's comparisons: attributes absent, empty, equal, different.
DOCUMENT = b"""<m:mods xmlns:m="http://www.loc.gov/mods/v3" xmlns:x="http://www.w3.org/1999/xlink">
  <m:name type="personal"><m:namePart type="family">Imani</m:namePart>
    <m:namePart type="given">Yassaman</m:namePart><m:namePart>Y. Imani</m:namePart>
    <m:role><m:roleTerm type="code" valueURI="http://id.loc.gov/vocabulary/relators/aut">aut
    </m:roleTerm><m:roleTerm type="">author</m:roleTerm></m:role></m:name>
  <m:name><m:namePart>Anon</m:namePart><m:namePart type="date">1901</m:namePart></m:name>
  <m:titleInfo type="alternative"><m:title>Alt</m:title></m:titleInfo>
  <m:titleInfo><m:title>Main</m:title></m:titleInfo>
  <m:titleInfo><m:title>Second</m:title><m:subTitle>Sub</m:subTitle></m:titleInfo>
  <m:genre authority="coar" valueURI="http://purl.org/coar/resource_type/c_3248">part</m:genre>
  <m:genre valueURI="http://purl.org/coar/x">uri only</m:genre><m:genre>plain</m:genre>
  <m:location><m:url usage="primary" access="preview">a</m:url><m:url usage="primary">b</m:url>
    <m:url x:href="http://h" xml:lang="en">c</m:url></m:location>
</m:mods>"""

IN_SUBSET = [
    ".",
    "@type",
    "@xml:lang",
    "m:name",
    "m:name/*",
    "m:titleInfo[not(@type)][1]/m:subTitle",
    "m:titleInfo[not(@type)][1]",
    "m:titleInfo[1]",
    "m:name[1][@type]",
    "m:name/m:namePart[@type='family']",
    "m:name/m:namePart[not(@type)]",
    "m:name/m:namePart[@type]",
    "m:name/m:role/m:roleTerm[@type='code' or not(@type)]",
    "m:name/m:role/m:roleTerm[@type!='code']",
    "m:name/m:role/m:roleTerm/@valueURI",
    "m:name[not(@type) or (@type!='personal' and @type!='corporate')]",
    "m:genre[@a='1' or @b='2' and @c='3']",
    "m:genre[@authority='coar' or starts-with(@valueURI, 'http://purl.org/coar/')]",
    "m:genre[not(@authority='coar')]",
    "m:genre[starts-with(@authority, '')]",
    "m:genre/@valueURI",
    "m:location/m:url[@usage='primary'][not(@access='preview')]",
    "m:location/m:url/@x:href",
    "m:location/m:url/@xml:lang",
    " m:name / m:namePart [1] ",
    "m:name | m:genre",
    "@xml:lang | ../@xml:lang | ../../@xml:lang",
    "@type | ../@type",
    "m:location/m:url/@x:href | m:location/m:url/@xml:lang | m:location/m:url",
    "m:location/m:url/@xml:lang | m:location/m:url/@x:href",
    "m:genre/@valueURI | m:genre | m:titleInfo",
    "m:titleInfo/m:title | m:titleInfo | m:titleInfo[1]/m:title",
    "m:name[@type='personal' and m:namePart]/m:namePart",
    "m:name[m:role/m:roleTerm[.='author' or .='aut']]/m:namePart",
    "m:name[m:role/m:roleTerm[.!='author']]",
    "m:name/m:namePart[not(@type)][not(../m:namePart[@type='family'])]",
    "m:name/m:namePart[not(../m:namePart[@type='family'])]",
    "m:name/m:namePart[../@type='personal' or ../m:namePart[@type='date']]",
    "m:name/m:namePart[../@type!='corporate']",
    "m:name/m:namePart[1][not(@type)]",
    "*[1]",
    "*[@type][1]/*",
    "m:titleInfo[m:subTitle]/m:title | m:titleInfo[not(m:subTitle)][1]",
    "m:titleInfo[count(../m:titleInfo) = 3]",
    "m:name[count(m:namePart) = 1]",
    "m:name/m:namePart[.='Anon']",
    "m:name[@type=\"x') or __import__('os') or ('\"]",
    "..",
    "../..",
    "../*",
    "../m:mods/m:name",
    "../@type | m:name",
    "m:name[../..]",
    "m:name[count(../../*) = 1]",
    "m:name/..",
    "m:name/m:namePart/../@type",
    "m:name[.]",
    "m:name/m:namePart[. = ../m:namePart[@type='family']]",
    "m:titleInfo[m:title = ../m:titleInfo/m:title]",
    "m:titleInfo/m:title[. = ../../m:titleInfo[@type]/m:title]",
    "m:name[m:namePart = m:role/m:roleTerm] | m:genre[. = m:nothing]",
    "m:location/m:url[. = ../m:url[@usage]]",
]
OUTSIDE = [
    "m:name[. != ../m:name]",
    "m:name[. = @type]",
    "m:name[2]",
    "m:name[last()]",
    "m:name[m:namePart = 1]",
    "m:name[count(m:namePart) > 1]",
    "m:name | count(m:genre)",
    "m:name[..[@type]]",
    "m:extension//@downloads",
    "/m:mods",
    "m:name/text()",
    "count(m:name)",
    "m:name[normalize-space()]",
    "m:name['x'=@type]",
    "./m:name",
    "@*",
    "q:name",
    "name",
    "$variable",
    "m:name[",
]


def _keys_as_paths(root: etree._Element, keys: list[Key]) -> list[tuple[str, str]]:
    tree = root.getroottree()
    return [
        (tree.getpath(key), "")
        if isinstance(key, etree._Element)
        else (tree.getpath(key[0]), key[1])
        for key in keys
    ]


def _same_selection(rule_path: str, namespaces: dict[str, str], root: etree._Element) -> None:
    path = compile_path(rule_path, namespaces)
    assert path is not None, rule_path
    select = etree.XPath(rule_path, namespaces=namespaces)
    for node in root.iter(etree.Element):
        ours = path.select(node, Children())
        found: Any = select(node)
        lxml_keys = [
            (f.getparent(), f.attrname) if getattr(f, "is_attribute", False) else f for f in found
        ]
        assert _keys_as_paths(root, ours) == _keys_as_paths(root, lxml_keys), (path.code, node)


# Random paths of the subset, built from its grammar over the names DOCUMENT uses.
_TAGS = st.sampled_from(["m:name", "m:namePart", "m:role", "m:roleTerm", "m:titleInfo", "*"])
_MORE_TAGS = st.sampled_from(["m:title", "m:subTitle", "m:genre", "m:location", "m:url"])
_ATTRIBUTES = st.sampled_from(
    ["@type", "@authority", "@valueURI", "@x:href", "@xml:lang", "@usage"]
)
_LITERALS = st.sampled_from(["'personal'", "'family'", "'coar'", "'primary'", "''", "'Anon'"])
_COMPARE = st.sampled_from(["=", "!="])
_predicate: st.SearchStrategy[str] = st.deferred(
    lambda: st.one_of(
        _ATTRIBUTES,
        st.tuples(_ATTRIBUTES, _COMPARE, _LITERALS).map("".join),
        st.tuples(_ATTRIBUTES, _LITERALS).map(lambda a: f"starts-with({a[0]}, {a[1]})"),
        _predicate.map(lambda test: f"not({test})"),
        st.tuples(_predicate, st.sampled_from([" and ", " or "]), _predicate).map("".join),
        _relative.map(lambda path: f"count({path}) = 1"),
        _relative,
        st.tuples(st.sampled_from([".", "m:namePart", "../@type"]), _COMPARE, _LITERALS).map(
            "".join
        ),
    )
)
_step = st.one_of(
    st.just(".."),
    st.tuples(
        st.one_of(_TAGS, _MORE_TAGS),
        st.lists(st.one_of(st.just("[1]"), _predicate.map(lambda test: f"[{test}]")), max_size=2),
    ).map(lambda step: step[0] + "".join(step[1])),
)
_relative: st.SearchStrategy[str] = st.deferred(
    lambda: st.tuples(
        st.lists(_step, min_size=1, max_size=3), st.one_of(st.just(""), _ATTRIBUTES)
    ).map(lambda path: "/".join([*path[0], *([path[1]] if path[1] else [])]))
)
_PATHS = st.lists(st.one_of(_relative, _ATTRIBUTES), min_size=1, max_size=3).map(" | ".join)


@settings(max_examples=200, deadline=None)
@given(_PATHS)
def test_random_paths_of_the_subset_select_what_lxml_selects(path: str) -> None:
    """From every element of DOCUMENT, the root's parent (the document node) included."""
    _same_selection(path, NS, xmlsafe.parse(DOCUMENT).root)


@pytest.mark.parametrize("path", IN_SUBSET)
def test_each_path_of_the_subset_selects_what_lxml_selects(path: str) -> None:
    _same_selection(path, NS, xmlsafe.parse(DOCUMENT).root)


def test_the_code_of_a_path_names_its_values_and_holds_none_of_the_files_text() -> None:
    """A crosswalk file's literals and names are bound to generated names, never written
    into the generated source: a quote in a literal cannot end it."""
    path = "m:name[@type=\"x') or print('oops') or ('\"]/@m:authority"
    compiled = compile_path(path, NS)
    assert compiled is not None
    assert "oops" not in compiled.code
    assert "authority" not in compiled.code
    assert "loc.gov" not in compiled.code


class _CountedChildren(Children):
    """Children that count how often a node's children are looked up."""

    def __init__(self) -> None:
        super().__init__()
        self.lookups = 0

    def __getitem__(self, node: etree._Element) -> dict[object, list[etree._Element]]:
        self.lookups += 1
        return super().__getitem__(node)


def test_a_predicates_path_from_the_parent_reads_the_siblings_once_a_parent() -> None:
    """``[../m:namePart[@type='family']]`` selects the same for every child of a parent: it
    is read once a parent (a fuzzed MODS name of 10,000 nameParts took minutes, each of them
    reading all the others three times)."""
    parts = "".join(f"<m:namePart>{n}</m:namePart>" for n in range(1000))
    name = xmlsafe.parse(f'<m:name xmlns:m="{NS["m"]}">{parts}</m:name>'.encode()).root
    path = (
        "m:namePart[not(@type)][not(../m:namePart[@type='family'])]"
        "[count(../m:namePart[not(@type)]) = 1 or ../@type]"
    )
    compiled = compile_path(path, NS)
    assert compiled is not None
    index = _CountedChildren()
    assert compiled.select(name, index) == []
    assert index.lookups < 10
    _same_selection(path, NS, name)


class _CountedElement(etree.ElementBase):
    """An element that counts the siblings read to tell where its children stand."""

    visits = 0

    def index(self, child: Any, start: Any = None, stop: Any = None) -> int:
        found = super().index(child)
        _CountedElement.visits += found + 1  # lxml counts its way to the child
        return found

    def __iter__(self) -> Iterator[Any]:  # type: ignore[override]  # a generator will do
        for child in super().__iter__():
            _CountedElement.visits += 1
            yield child


def test_a_node_set_compared_with_one_from_the_parent_is_read_once_a_parent() -> None:
    """``dcterms:created[. = ../dcterms:available]``: the parent's values are a set made once,
    not compared one by one with each candidate (lxml, which evaluated such paths, took 8 s
    on a fuzzed record of 8,000 of each)."""
    parts = "".join(f"<m:namePart>{n}</m:namePart><m:note>{n * 2}</m:note>" for n in range(1000))
    name = xmlsafe.parse(f'<m:name xmlns:m="{NS["m"]}">{parts}</m:name>'.encode()).root
    path = "m:namePart[. = ../m:note]"
    compiled = compile_path(path, NS)
    assert compiled is not None
    index = _CountedChildren()
    assert len(compiled.select(name, index)) == 500
    assert index.lookups < 10
    _same_selection(path, NS, name)


def test_a_union_orders_many_siblings_reading_each_once() -> None:
    """A union's nodes are put in document order by their places among their parents'
    children, each parent's numbered once (10,000 fuzzed accessConditions, each placed by
    counting the siblings before it, took seconds a record)."""
    parser = etree.XMLParser()
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(element=_CountedElement))
    parts = "".join(f"<m:genre/><m:note>{n}</m:note>" for n in range(1000))
    root = etree.fromstring(f'<m:mods xmlns:m="{NS["m"]}">{parts}</m:mods>', parser)
    compiled = compile_path("m:note | m:genre", NS)
    assert compiled is not None
    _CountedElement.visits = 0
    found = compiled.select(root, Children())
    assert _CountedElement.visits <= 2 * len(found)  # the children indexed, then numbered
    assert found == list(root)


@pytest.mark.parametrize(
    ("path", "tag"),
    [
        ("m:name", "{http://www.loc.gov/mods/v3}name"),
        (" m:name ", "{http://www.loc.gov/mods/v3}name"),
        ("m:name[1]", None),
        ("m:name/m:namePart", None),
        ("m:name/@type", None),
        ("m:name | m:genre", None),
        ("*", None),
        (".", None),
    ],
)
def test_a_path_of_one_plain_child_step_says_its_tag(path: str, tag: str | None) -> None:
    """The engine looks such a path's children up itself, by that tag."""
    compiled = compile_path(path, NS)
    assert compiled is not None
    assert compiled.child_tag == tag


@pytest.mark.parametrize("path", OUTSIDE)
def test_paths_outside_the_subset_are_left_to_lxml(path: str) -> None:
    assert compile_path(path, NS) is None


def _rules(rules: tuple[Rule, ...]) -> Iterator[Rule]:
    for rule in rules:
        yield rule
        yield from _rules(rule.build)


def _records() -> Iterator[etree._Element]:
    for path in sorted(FIXTURES.rglob("*.xml")):
        for element, _ in find_records(xmlsafe.parse(path.read_bytes()).root):
            yield element
    yield from (element for _, element, _ in corpus_records())


def test_every_shipped_rule_in_the_subset_selects_what_lxml_selects_in_every_record() -> None:
    """On every element of every fixture and corpus record (the corpus where present)."""
    crosswalks = registry()
    compared = 0
    for record in _records():
        crosswalk = next(cw for cw in crosswalks.values() if record.tag in cw.roots_clark)
        nodes = list(record.iter(etree.Element))
        for rule in _rules(crosswalk.rules):
            if rule.path is None:
                continue
            for node in nodes:
                ours = rule.path.select(node, Children())
                assert _keys_as_paths(record, ours) == _keys_as_paths(
                    record, _xpath_keys(rule, node)
                ), (rule.source, record.getroottree().getpath(node))
                compared += len(ours)
    assert compared > 1000, "the rules selected something to compare"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("m:name", True),
        (" m:name [1] ", True),
        ("m:name[not(../m:name[@type='family'])] | m:genre", True),
        ("m:name[@type=']']", True),
        ("m:name[@type='[']/m:namePart", False),
        ("m:name/m:namePart", False),
        ("m:name | m:genre/@valueURI", False),
        ("m:name/@type", False),
        ("m:name[1] = 1", False),
        ("@type", False),
        (".", False),
        ("m:name//m:namePart", False),
    ],
)
def test_a_path_of_one_child_step_is_told_from_others(path: str, expected: bool) -> None:
    assert one_step(path, NS) is expected


def test_a_shipped_rule_of_one_step_selects_only_the_children_its_first_step_names() -> None:
    """What lets the engine pass such a rule by once those children are consumed."""
    crosswalks = registry()
    checked = 0
    for record in _records():
        crosswalk = next(cw for cw in crosswalks.values() if record.tag in cw.roots_clark)
        nodes = list(record.iter(etree.Element))
        for rule in _rules(crosswalk.rules):
            if not rule.one_step:
                continue
            assert rule.first_tags is not None
            for node in nodes:
                for key in _xpath_keys(rule, node):
                    assert isinstance(key, etree._Element), rule.source
                    assert key.getparent() is node, rule.source
                    assert key.tag in rule.first_tags, rule.source
                    checked += 1
    assert checked > 1000, "the rules of one step selected something to check"
