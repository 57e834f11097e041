"""The XPath subset most crosswalk rules are written in, evaluated in Python.

A rule's ``from`` is XPath 1.0, and lxml evaluates any of it.  But each lxml XPath call costs
a few microseconds of set-up, and a MODS record runs about forty; the paths most rules use
select with a dictionary lookup and a few attribute reads in a third of that.
:func:`compile_path` turns such a path into a :class:`SimplePath` and returns ``None`` for
anything else, which lxml keeps evaluating.  The subset (XPath 1.0 §2-§4):

- steps along the child axis (``p:name``, ``*``), perhaps ended by an attribute (``@name``,
  ``@p:name``); an attribute of the context element; ``.`` alone;
- predicates ``[1]``, and boolean expressions of ``and``, ``or``, ``not(…)`` and parentheses
  over the candidate's own attributes: ``@a``, ``@a='v'``, ``@a!='v'``,
  ``starts-with(@a, 'v')``.

Unions, ``..``, ``//``, predicates that look at other nodes, and every other function stay
with lxml: in Python they came out no faster (ordering a union's nodes costs what lxml's
whole call does).  The tests check, for every shipped rule and every record of the corpus
and the fixtures, that both select the same nodes in the same order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from collections.abc import Callable

#: A selected source value: an element, or an (element, attribute name) pair.
Key = etree._Element | tuple[etree._Element, str]

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


class _Unsupported(ValueError):
    """The path uses XPath outside the subset."""


@dataclass(frozen=True, slots=True)
class Step:
    """One child step: the element name (None: any) and its predicates, in order; a
    predicate is a test of each candidate, or None for ``[1]``."""

    tag: str | None
    predicates: tuple[Callable[[etree._Element], bool] | None, ...] = ()

    def pick(self, candidates: list[etree._Element]) -> list[etree._Element]:
        """The candidates (children of one parent that pass the name test) this step keeps."""
        for predicate in self.predicates:
            if predicate is None:
                candidates = candidates[:1]
            else:
                candidates = [c for c in candidates if predicate(c)]
        return candidates


_NONE: list[etree._Element] = []
#: An element's children by tag (``tag`` as lxml gives it; comments have a function as tag).
ByTag = dict[object, list[etree._Element]]


class Children(dict[etree._Element, ByTag]):
    """The children by tag of every node asked for, each node's made once.

    One record's rules look into the same nodes again and again (some twenty MODS rules start
    at ``mods:originInfo``, and a ``build`` runs a dozen rules on one ``mods:name``): reading
    a node's children costs lxml a proxy and a tag string each, every time.  Keeps the nodes
    alive, so it lives as long as one record's crosswalk.
    """

    def __missing__(self, node: etree._Element) -> ByTag:
        by_tag: ByTag = {}
        for child in node:
            by_tag.setdefault(child.tag, []).append(child)
        self[node] = by_tag
        return by_tag


@dataclass(frozen=True, slots=True)
class SimplePath:
    """Child steps, then perhaps an attribute."""

    steps: tuple[Step, ...]
    #: The last step's attribute, as ``{uri}local`` or ``local``; None selects elements.
    attribute: str | None = None
    #: The path is one child name and nothing more (``dc:title``, most rules): it selects the
    #: node's children of that name, which a caller that has them by tag looks up itself.
    child_tag: str | None = field(init=False, default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        steps = self.steps
        if len(steps) == 1 and not steps[0].predicates and self.attribute is None:
            object.__setattr__(self, "child_tag", steps[0].tag)  # frozen: set once, here

    def select(
        self, node: etree._Element, children: ByTag, index: Children | None = None
    ) -> list[Key]:
        """The keys selected under ``node``, in document order.  ``children`` are ``node``'s
        element children by tag (the engine has them already), ``index`` those of other nodes
        when the caller keeps them; the list returned may be one of them and must not be
        changed."""
        found = [node]
        steps = self.steps
        if steps:
            first = steps[0]
            if first.tag is not None:
                found = first.pick(children.get(first.tag, _NONE))
            else:
                found = first.pick(_named(node, None))
            for step in steps[1:]:
                tag = step.tag
                found = [
                    picked
                    for parent in found
                    for picked in step.pick(
                        _named(parent, tag)
                        if index is None or tag is None
                        else index[parent].get(tag, _NONE)
                    )
                ]
        name = self.attribute
        if name is None:
            return found  # type: ignore[return-value]  # list is invariant; read-only here
        return [(element, name) for element in found if element.get(name) is not None]


def _named(parent: etree._Element, tag: str | None) -> list[etree._Element]:
    if tag is None:  # "*": elements only, not comments or processing instructions
        return [child for child in parent if isinstance(child.tag, str)]
    return [child for child in parent if child.tag == tag]


def compile_path(path: str, namespaces: dict[str, str]) -> SimplePath | None:
    """``path`` as a :class:`SimplePath`, or ``None`` when it is outside the subset."""
    try:
        parser = _Parser(path, namespaces)
        compiled = parser.path()
        parser.expect(None)
    except _Unsupported:
        return None
    return compiled


class _Parser:
    """Recursive descent over the tokens of one path (XPath 1.0 §3.1's grammar, cut down)."""

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

    def peek(self) -> str | None:
        return self.tokens[self.index][1] if self.index < len(self.tokens) else None

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

    def path(self) -> SimplePath:
        if self.peek() == ".":
            self.take()
            return SimplePath(())
        steps: list[Step] = []
        while True:
            if self.peek() == "@":
                self.take()
                return SimplePath(tuple(steps), self.qname(attribute=True))
            steps.append(self.step())
            if self.peek() != "/":
                return SimplePath(tuple(steps))
            self.take()

    def step(self) -> Step:
        kind, value = self.take()
        if value == "*":
            tag = None
        elif kind == "name" and self.peek() != "(":
            tag = self._clark(value, attribute=False)
        else:
            raise _Unsupported(value)
        predicates: list[Callable[[etree._Element], bool] | None] = []
        while self.peek() == "[":
            self.take()
            if self.peek() == "1":
                self.take()
                predicates.append(None)
            else:
                predicates.append(self.or_expression())
            self.expect("]")
        return Step(tag, tuple(predicates))

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

    def or_expression(self) -> Callable[[etree._Element], bool]:
        tests = [self.and_expression()]
        while self.peek() == "or":
            self.take()
            tests.append(self.and_expression())
        return _any(tests)

    def and_expression(self) -> Callable[[etree._Element], bool]:
        tests = [self.atom()]
        while self.peek() == "and":
            self.take()
            tests.append(self.atom())
        return _all(tests)

    def atom(self) -> Callable[[etree._Element], bool]:
        if self.peek() == "(":
            self.take()
            test = self.or_expression()
            self.expect(")")
            return test
        function = self.take()[1] if self.peek() in ("not", "starts-with") else None
        if function is not None:
            self.expect("(")
        if function == "not":
            inner = self.or_expression()
            self.expect(")")
            return lambda element: not inner(element)
        self.expect("@")
        name = self.qname(attribute=True)
        if function == "starts-with":
            self.expect(",")
            start = self.literal()
            self.expect(")")
            # string() of no attribute is "" (§4.2)
            return lambda element: (element.get(name) or "").startswith(start)
        if self.peek() not in ("=", "!="):
            return lambda element: element.get(name) is not None
        equal = self.take()[1] == "="
        value = self.literal()
        if equal:
            return lambda element: element.get(name) == value
        # A comparison with an empty node-set is false, so != needs the attribute (§3.4).
        return lambda element: element.get(name) not in (None, value)

    def literal(self) -> str:
        kind, value = self.take()
        if kind != "literal":
            raise _Unsupported(value)
        return value[1:-1]


def _all(tests: list[Callable[[etree._Element], bool]]) -> Callable[[etree._Element], bool]:
    """The tests (at least one) joined by ``and``."""
    first, *more = tests
    if not more:
        return first
    rest = _all(more)
    return lambda element: first(element) and rest(element)


def _any(tests: list[Callable[[etree._Element], bool]]) -> Callable[[etree._Element], bool]:
    """The tests (at least one) joined by ``or``."""
    first, *more = tests
    if not more:
        return first
    rest = _any(more)
    return lambda element: first(element) or rest(element)


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
