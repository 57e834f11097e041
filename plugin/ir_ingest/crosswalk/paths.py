"""The XPath subset most crosswalk rules are written in, compiled to Python functions.

A rule's ``from`` is XPath 1.0, and lxml evaluates any of it.  But each lxml XPath call costs
a few microseconds of set-up, as did walking a parsed path step by step in Python, and a MODS
record selects about fifty times.  :func:`~ir_ingest.crosswalk.pathparse.compile_path` turns a
path of the subset into the source of a Python function of a few comprehensions
(``mods:originInfo[not(@eventType)]/mods:dateIssued`` reads the node's ``originInfo``
children, keeps those without the attribute, and takes their ``dateIssued`` children): a
:class:`CompiledPath`, which selects in a fraction of either.  Anything else stays with lxml.
The subset (XPath 1.0 §2-§4):

- steps along the child axis (``p:name``, ``*``) and to the parent (``..``), perhaps ended
  by an attribute (``@name``, ``@p:name``); an attribute of the context element; ``.`` alone;
  unions of such paths (``@authority | ../@authority``);
- predicates ``[1]``, and boolean expressions of ``and``, ``or``, ``not(…)`` and parentheses
  over the candidate's attributes (``@a``, ``@a='v'``, ``@a!='v'``,
  ``starts-with(@a, 'v')``) and over paths of the subset from it: whether they select
  anything (``../p:namePart[@type='family']``), whether a node they select has a string
  value (``.='pbl'``, ``../@type!='x'``), ``count(path) = n``.

``//``, other axes, positions other than ``[1]`` and every other function stay with lxml.  The
tests check, for every shipped rule and every record of the corpus and the fixtures, that both
select the same nodes in the same order.

This module holds what the compiled functions use when they run; the generated source names
only its helpers and values bound by name, never text of the crosswalk file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lxml import etree

from ir_ingest.crosswalk.walk import element_text

if TYPE_CHECKING:
    from collections.abc import Callable

#: A selected source value: an element, or an (element, attribute name) pair.
Key = etree._Element | tuple[etree._Element, str]
#: An element's children by tag (``tag`` as lxml gives it; comments have a function as tag).
ByTag = dict[object, list[etree._Element]]


class Children(dict[etree._Element, ByTag]):
    """The children by tag of every node asked for, each node's made once.

    One record's rules look into the same nodes again and again (some twenty MODS rules start
    at ``mods:originInfo``, and a ``build`` runs a dozen rules on one ``mods:name``): reading
    a node's children costs lxml a proxy and a tag string each, every time.  Keeps the nodes
    alive, so it lives as long as one record's crosswalk.
    """

    def __init__(self) -> None:
        super().__init__()
        #: What a path starting with ``..`` selected from a parent's children, by the path's
        #: function and the parent (see :meth:`ir_ingest.crosswalk.pathparse._Parser.path`).
        self.by_parent: dict[tuple[Callable[..., Any], etree._Element], Any] = {}

    def __missing__(self, node: etree._Element) -> ByTag:
        by_tag: ByTag = {}
        for child in node:
            by_tag.setdefault(child.tag, []).append(child)
        self[node] = by_tag
        return by_tag


@dataclass(frozen=True, slots=True)
class CompiledPath:
    """A path of the subset as a Python function.

    ``select(node, index)`` returns the keys the path selects from ``node``, in document
    order; ``index`` holds the children of the nodes it reads (the record's, kept by the
    caller).  The list returned may be one of ``index``'s and must not be changed.
    """

    select: Callable[[etree._Element, Children], list[Key]]
    #: The generated source, for reading (the tests show it when a selection differs).
    code: str
    #: The path is one child name and nothing more (``dc:title``, most rules): it selects the
    #: node's children of that name, which a caller that has them by tag looks up itself.
    child_tag: str | None = None


#: The children of a tag a node has none of (shared, so never changed).
NONE: list[etree._Element] = []


def children_named(tag: str) -> Callable[[etree._Element, Children], list[Key]]:
    """What a path of one plain child step compiles to, without compiling it."""

    def select(node: etree._Element, index: Children) -> list[Key]:
        return index[node].get(tag, NONE)  # type: ignore[return-value]  # read-only here

    return select


def elements(parent: etree._Element) -> list[etree._Element]:
    """``*``: the element children, not comments or processing instructions."""
    return [child for child in parent if isinstance(child.tag, str)]


class AboveRoot(Exception):
    """A ``..`` went above the document's root element to the document node, which the
    compiled functions do not stand for: lxml selects instead (no shipped rule does it)."""


def parents(found: list[etree._Element]) -> list[etree._Element]:
    """``..``: the parent elements of ``found``, in document order, each once.

    The steps of a path move every node of a selection one level down or up alike, so the
    nodes of ``found`` are all as deep and in document order: one parent's children follow
    each other.
    """
    above: list[etree._Element] = []
    for element in found:
        parent = element.getparent()
        if parent is None:
            raise AboveRoot
        if not above or above[-1] is not parent:
            above.append(parent)
    return above


def lxml_keys(found: Any) -> list[Key]:
    """The elements and attributes in what an lxml XPath returned (a number or a string, as
    ``count(…)`` gives, selects nothing)."""
    if not isinstance(found, list):
        return []
    return [key for key in map(_key, found) if key is not None]


def _key(found: Any) -> Key | None:
    if isinstance(found, etree._Element):
        return found if isinstance(found.tag, str) else None
    if getattr(found, "is_attribute", False):
        return (found.getparent(), found.attrname)
    return None


def union(selections: tuple[list[Key], ...]) -> list[Key]:
    """What the branches of a union selected: each node once, in document order."""
    found: list[Key] = []
    merged = False
    for keys in selections:
        if keys:
            merged = bool(found)
            found = found + keys if found else keys
    if not merged:
        return found  # most unions select through one branch: nothing to order
    return sorted(dict.fromkeys(found), key=_DocumentOrder())


class _DocumentOrder:
    """Where a node stands in document order (XPath 1.0 §5): the positions of its element
    and the element's ancestors among their parents' children, from the top; an attribute
    after its element and before the element's children, in the element's order.

    Each parent's children are numbered once: lxml's ``index()`` counts the siblings before
    a child, and a union over 10,000 fuzzed ``mods:accessCondition`` took seconds a record
    ordering them so."""

    def __init__(self) -> None:
        self.positions: dict[etree._Element, dict[etree._Element, int]] = {}

    def __call__(self, key: Key) -> tuple[int, ...]:
        if isinstance(key, tuple):
            element, name = key
            after: tuple[int, ...] = (-1, element.keys().index(name))
        else:
            element, after = key, ()
        positions = []
        child, parent = element, element.getparent()
        while parent is not None:
            positions.append(self._position(parent, child))
            child, parent = parent, parent.getparent()
        positions.reverse()
        return (*positions, *after)

    def _position(self, parent: etree._Element, child: etree._Element) -> int:
        numbered = self.positions.get(parent)
        if numbered is None:
            numbered = self.positions[parent] = {node: n for n, node in enumerate(parent)}
        return numbered[child]


def string_value(key: Key) -> str:
    """A node's string value (XPath 1.0 §5): an attribute's value, or all the text inside
    an element (not that of comments or processing instructions)."""
    if isinstance(key, tuple):
        return key[0].get(key[1]) or ""
    # A leaf's text read as such: lxml's itertext() cost a MODS record 5% of its crosswalk
    # (py-spy), mostly on the leaves predicates such as [.='pbl'] test.
    return element_text(key)
