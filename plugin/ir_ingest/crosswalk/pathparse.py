"""Read a rule's ``from`` path: compile it when it is in the subset of
:mod:`ir_ingest.crosswalk.paths`, and tell the child names it starts with.

:func:`compile_path` parses by recursive descent over the path's tokens (XPath 1.0 §3.1's
grammar, cut down to the subset) and writes, as it goes, the source of one Python function
per path (a union's branches and a predicate's paths each get their own); a path outside the
subset gives ``None``, and lxml evaluates it.  The source names the crosswalk's tags,
attribute names and literals by generated names bound to their values, so no text of the file
becomes code.  :func:`first_tags` and :func:`one_step` read any XPath's text: they tell the
engine which rules can select anything under a node at all.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from lxml import etree

from ir_ingest.crosswalk import paths
from ir_ingest.crosswalk.paths import CompiledPath

XML_NS = "http://www.w3.org/XML/1998/namespace"
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<literal>'[^']*'|"[^"]*")
      | (?P<number>\d+)
      | (?P<name>[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)
      | (?P<symbol>\.\.|//|!=|[./|\[\]()@=,*])
    )""",
    re.VERBOSE,
)
#: The functions the subset knows in predicates.
_FUNCTIONS = ("not", "starts-with", "count")
#: What generated code may name besides its own functions and values.
_HELPERS = {
    "NONE": paths.NONE,
    "elements": paths.elements,
    "parents": paths.parents,
    "union": paths.union,
    "string_value": paths.string_value,
    "AboveRoot": paths.AboveRoot,
    "lxml_keys": paths.lxml_keys,
}

if TYPE_CHECKING:
    #: A predicate as a Python expression over the candidate ``x`` (and ``index``).
    Test = str


class _Unsupported(ValueError):
    """The path uses XPath outside the subset."""


def compile_path(path: str, namespaces: dict[str, str]) -> CompiledPath | None:
    """``path`` as a :class:`~ir_ingest.crosswalk.paths.CompiledPath`, or ``None`` when it is
    outside the subset."""
    return _compile(path, tuple(sorted(namespaces.items())))


# Python's compile() costs a tenth of a millisecond a path, paid by every process that loads
# the crosswalks: a path written again (a YAML anchor's rules, an included file's) is compiled
# once, and one of a single plain child step, a third of all, not at all.
@lru_cache(maxsize=1024)
def _compile(path: str, namespaces: tuple[tuple[str, str], ...]) -> CompiledPath | None:
    try:
        parser = _Parser(path, dict(namespaces))
        entry, child_tag = parser.union()
        parser.expect(None)
    except _Unsupported:
        return None
    if any("parents(" in function for function in parser.functions):
        # Above the document's root lxml knows what ``..`` selects: the document node.
        parser.values["xpath"] = etree.XPath(path, namespaces=dict(namespaces), regexp=False)
        body = ["try:", f"    return {entry}(node, index)", "except AboveRoot:"]
        entry = parser.function("node, index", [*body, "    return lxml_keys(xpath(node))"])
    code = "\n\n".join(parser.functions) + "\n"
    if child_tag is not None:
        return CompiledPath(paths.children_named(child_tag), code, child_tag)
    namespace: dict[str, Any] = {**_HELPERS, **parser.values}
    exec(compile(code, "<crosswalk path>", "exec"), namespace)  # our source; values by name
    return CompiledPath(namespace[entry], code, child_tag)


class _Parser:
    """Recursive descent over the tokens of one path, writing its functions' source."""

    def __init__(self, path: str, namespaces: dict[str, str]) -> None:
        self.namespaces = namespaces
        self.tokens: list[tuple[str, str]] = []
        position = 0
        while position < len(path):
            match = _TOKEN.match(path, position)
            if match is None or match.end() == position:
                if path[position:].isspace():
                    break
                raise _Unsupported(path)
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind)))
            position = match.end()
        self.index = 0
        #: The source of each function made so far, and the values it names.
        self.functions: list[str] = []
        self.values: dict[str, object] = {}

    def peek(self, ahead: int = 0) -> str | None:
        at = self.index + ahead
        return self.tokens[at][1] if at < len(self.tokens) else None

    def peek_kind(self) -> str | None:
        return self.tokens[self.index][0] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        if self.index == len(self.tokens):
            raise _Unsupported("unexpected end")
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, value: str | None) -> None:
        if self.peek() != value:
            raise _Unsupported(f"expected {value!r}")
        if value is not None:
            self.index += 1

    def value(self, value: object) -> str:
        """The generated name of a value the code uses (a tag, an attribute, a literal)."""
        name = f"v{len(self.values)}"
        self.values[name] = value
        return name

    def function(self, parameters: str, body: list[str]) -> str:
        """Add a function of these body lines; return its name."""
        name = f"f{len(self.functions)}"
        lines = [f"def {name}({parameters}):", *(f"    {line}" for line in body)]
        self.functions.append("\n".join(lines))
        return name

    def union(self) -> tuple[str, str | None]:
        """A union of paths: its function's name, and the tag when it is one plain child step."""
        branches = [self.path()]
        while self.peek() == "|":
            self.take()
            branches.append(self.path())
        if len(branches) == 1:
            return branches[0]
        calls = ", ".join(f"{name}(node, index)" for name, _ in branches)
        return self.function("node, index", [f"return union(({calls}))"]), None

    def path(self) -> tuple[str, str | None]:
        """One path: its function's name, and the tag when it is one plain child step."""
        if self.peek() == ".":
            self.take()
            return self.function("node, index", ["return [node]"]), None
        body: list[str] = []
        plain: str | None = None  # the tag of a first step without tests
        from_parent = self.peek() == ".."
        while True:
            if self.peek() == "@":
                self.take()
                name = self.value(self.qname(attribute=True))
                body.append(
                    f"return [(x, {name}) for x in found if x.get({name}) is not None]"
                    if body
                    else f"return [(node, {name})] if node.get({name}) is not None else []"
                )
                return self.function("node, index", body), None
            if self.peek() == "..":
                self.take()
                body.append(f"found = parents({'found' if body else '[node]'})")
            else:
                tag, line = self.step(first=not body)
                plain = tag if not body else None
                body.append(line)
            if self.peek() != "/":
                break
            self.take()
        tag = str(self.values[plain]) if plain is not None and len(body) == 1 else None
        name = self.function("node, index", [*body, "return found"])
        if from_parent:
            return self._per_parent(name), tag
        return name, tag

    def _per_parent(self, name: str) -> str:
        """A function giving what ``name`` gives, a path that starts with ``..`` (or what is
        made of its selection), once a parent: it depends on the node's parent alone, and a
        predicate such as ``[../mods:namePart[@type='family']]`` asks it for every child of
        that parent (a fuzzed name of 10,000 nameParts took a MODS record's crosswalk
        minutes)."""
        body = [
            "parent = node.getparent()",
            "if parent is None:",
            f"    return {name}(node, index)",  # raises AboveRoot
            f"found = index.by_parent.get(({name}, parent))",
            "if found is None:",
            f"    found = index.by_parent[({name}, parent)] = {name}(node, index)",
            "return found",
        ]
        return self.function("node, index", body)

    def step(self, *, first: bool) -> tuple[str | None, str]:
        """A child step: the line of code that moves ``found`` to the children it keeps (from
        ``node``, the ``first`` step), and the name of its tag's value when it keeps them all.
        """
        kind, value = self.take()
        parent = "node" if first else "p"
        tag = None
        if value == "*":
            candidates = f"elements({parent})"
        elif kind == "name" and self.peek() != "(":
            tag = self.value(self._clark(value, attribute=False))
            candidates = f"index[{parent}].get({tag}, NONE)"
        else:
            raise _Unsupported(value)
        tests: list[Test | None] = []
        while self.peek() == "[":
            self.take()
            if self.peek() == "1" and self.peek(1) == "]":
                self.take()
                tests.append(None)
            else:
                tests.append(self.or_expression())
            self.expect("]")
        if not tests:
            kept = candidates if first else f"[x for p in found for x in {candidates}]"
            return tag, f"found = {kept}"
        if None not in tests:
            where = tests[0] if len(tests) == 1 else " and ".join(f"({test})" for test in tests)
            loops = "" if first else "for p in found "
            return None, f"found = [x {loops}for x in {candidates} if {where}]"
        # A position counts among one parent's children that passed the tests before it.
        body = ["c = c[:1]" if test is None else f"c = [x for x in c if {test}]" for test in tests]
        pick = self.function("c, index", [*body, "return c"])
        if first:
            return None, f"found = {pick}({candidates}, index)"
        return None, f"found = [x for p in found for x in {pick}({candidates}, index)]"

    def qname(self, *, attribute: bool) -> str:
        kind, value = self.take()
        if kind != "name":
            raise _Unsupported(value)
        return self._clark(value, attribute=attribute)

    def _clark(self, qname: str, *, attribute: bool) -> str:
        """``p:local`` as ``{uri}local``; an unprefixed element name is in no namespace, as in
        XPath 1.0, and ``xml`` is always bound (XML Names §3)."""
        prefix, sep, local = qname.partition(":")
        if not sep:
            if not attribute:
                raise _Unsupported(qname)  # rules name elements with prefixes
            return qname
        uri = XML_NS if prefix == "xml" else self.namespaces.get(prefix)
        if uri is None:
            raise _Unsupported(qname)
        return f"{{{uri}}}{local}"

    def or_expression(self) -> Test:
        tests = [self.and_expression()]
        while self.peek() == "or":
            self.take()
            tests.append(self.and_expression())
        return tests[0] if len(tests) == 1 else " or ".join(f"({test})" for test in tests)

    def and_expression(self) -> Test:
        tests = [self.atom()]
        while self.peek() == "and":
            self.take()
            tests.append(self.atom())
        return tests[0] if len(tests) == 1 else " and ".join(f"({test})" for test in tests)

    def atom(self) -> Test:
        if self.peek() == "(":
            self.take()
            test = self.or_expression()
            self.expect(")")
            return test
        if self.peek() in _FUNCTIONS and self.peek(1) == "(":
            return self.function_call()
        if self.peek() == "@":
            self.take()
            return self.attribute_test(self.value(self.qname(attribute=True)))
        return self.path_test(self.path()[0])

    def function_call(self) -> Test:
        name = self.take()[1]
        self.expect("(")
        if name == "not":
            inner = self.or_expression()
            self.expect(")")
            return f"not ({inner})"
        if name == "count":
            path = self.path()[0]
            self.expect(")")
            self.expect("=")
            kind, value = self.take()
            if kind != "number":
                raise _Unsupported(value)
            return f"len({path}(x, index)) == {int(value)}"
        self.expect("@")  # starts-with
        attribute = self.value(self.qname(attribute=True))
        self.expect(",")
        start = self.value(self.literal())
        self.expect(")")
        return f"(x.get({attribute}) or '').startswith({start})"  # string() of none is ""

    def attribute_test(self, name: str) -> Test:
        """``@name``, perhaps compared with a literal: the commonest test, made directly."""
        if self.peek() not in ("=", "!="):
            return f"x.get({name}) is not None"
        equal = self.take()[1] == "="
        value = self.value(self.literal())
        if equal:
            return f"x.get({name}) == {value}"
        # A comparison with an empty node-set is false, so != needs the attribute (§3.4).
        return f"x.get({name}) not in (None, {value})"

    def path_test(self, path: str) -> Test:
        """A path from the candidate: true when it selects anything (§3.4: a node-set is true
        when not empty) or, compared with a literal, a node whose string value is equal (or
        different, for ``!=``)."""
        if self.peek() not in ("=", "!="):
            return f"{path}(x, index)"  # a list: true when not empty
        operator = "==" if self.take()[1] == "=" else "!="
        if operator == "==" and (self.peek() in (".", "..") or self.peek_kind() == "name"):
            return self.paths_equal(path)
        value = self.value(self.literal())
        return f"any(string_value(k) {operator} {value} for k in {path}(x, index))"

    def paths_equal(self, path: str) -> Test:
        """``path = other``, two node-sets: true when a node of each has the same string value
        (§3.4).  The other's values are a set, made once a parent when the other starts with
        ``..`` (``dcterms:created[. = ../dcterms:available]``: lxml compared every created
        with every available, and a fuzzed record of 8,000 of each took 8 s)."""
        from_parent = self.peek() == ".."
        other = self.path()[0]
        values = self.function(
            "node, index", [f"return frozenset(string_value(k) for k in {other}(node, index))"]
        )
        if from_parent:
            values = self._per_parent(values)
        return f"not {values}(x, index).isdisjoint(string_value(k) for k in {path}(x, index))"

    def literal(self) -> str:
        kind, value = self.take()
        if kind != "literal":
            raise _Unsupported(value)
        return value[1:-1]


_FIRST_STEP = re.compile(r"^\s*([A-Za-z_][\w.-]*):([A-Za-z_][\w.-]*)\s*(?:[/\[]|$)")


def first_tags(path: str, namespaces: dict[str, str]) -> frozenset[str] | None:
    """The child element names every branch of ``path`` starts with, as ``{uri}local``.

    ``None`` when some branch starts otherwise (``@attr``, ``.``, ``..``, ``*``, an axis).
    """
    tags = set()
    for branch in _branches(path):
        match = _FIRST_STEP.match(branch)
        if not match or match.group(1) not in namespaces or "::" in branch.split("/")[0]:
            return None
        tags.add(f"{{{namespaces[match.group(1)]}}}{match.group(2)}")
    return frozenset(tags)


def one_step(path: str, namespaces: dict[str, str]) -> bool:
    """Whether every branch of ``path`` is one child step, a name and its predicates
    (``dc:date[not(../dc:date[…])]``): it then selects only children :func:`first_tags` names."""
    if first_tags(path, namespaces) is None:
        return False
    for branch in _branches(path):
        name = _FIRST_STEP.match(branch)
        assert name is not None  # first_tags matched every branch
        depth, quote = 0, ""
        for char in branch[name.end(2) :]:
            if quote:
                quote = "" if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char in "[]":
                depth += 1 if char == "[" else -1
            elif depth == 0 and not char.isspace():
                return False  # a further step, or an operator: more than the step
    return True


def _branches(path: str) -> list[str]:
    """Split an XPath union on the ``|`` that are outside brackets and quotes."""
    branches, depth, quote, start = [], 0, "", 0
    for index, char in enumerate(path):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(path[start:index])
            start = index + 1
    branches.append(path[start:])
    return branches
