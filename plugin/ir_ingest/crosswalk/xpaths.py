"""A rule's ``from`` path as lxml's XPath, checked when its crosswalk file is loaded.

lxml finds an unbound prefix, an unknown function or a path that selects no nodes only when
the path runs, and only where it gets that far: such a mistake had failed every record that
reached it, as an internal error.  Each is the file's, said with the rule that has it.
"""

from __future__ import annotations

import re

from lxml import etree

from ir_ingest.crosswalk.exslt import EXSLT_REGEXP, LITERAL, functions
from ir_ingest.errors import ConfigError, CrosswalkError

__all__ = ["compile_xpath"]


def compile_xpath(where: str, path: str, namespaces: dict[str, str]) -> etree.XPath:
    """``path`` compiled by lxml, its names checked and tried once; ``where`` names the rule
    in the :class:`ConfigError` a mistake raises."""
    # EXSLT's regular expressions are there only for a file that binds a prefix to their
    # namespace: readying them cost lxml a quarter of every other path's evaluation.  They
    # are RE2's, not lxml's (which backtrack): see crosswalk.exslt.
    extensions = functions(where, path) if EXSLT_REGEXP in namespaces.values() else None
    try:
        select = etree.XPath(path, namespaces=namespaces, extensions=extensions, regexp=False)
    except etree.XPathSyntaxError as exc:
        raise ConfigError(f"{where}: bad XPath {path!r}: {exc}") from exc
    _check_names(where, path, namespaces)
    _probe(where, path, select)
    return select


#: XPath 1.0's functions (§4), the node tests written like them (§2.3), and the operators a
#: parenthesis may follow (``or (…)``, §3.4).
_CALLABLE = """
    last position count id local-name namespace-uri name string concat starts-with contains
    substring-before substring-after substring string-length normalize-space translate
    boolean not true false lang number sum floor ceiling round
    text node comment processing-instruction and or div mod
"""
_XPATH_FUNCTIONS = frozenset(_CALLABLE.split())
#: EXSLT's regular-expression functions, under whatever prefix a file binds to them.
_EXSLT_FUNCTIONS = frozenset({"test", "match", "replace"})
_CALLED = re.compile(r"(?<![\w.:-])(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)\s*\(")
_NAMESPACE_AXIS = re.compile(r"(?<![\w.:-])namespace\s*::")
_PREFIXED = re.compile(r"(?<![\w.:-])([A-Za-z_][\w.-]*):(?![:\d])")


def _check_names(where: str, path: str, namespaces: dict[str, str]) -> None:
    """Refuse a prefix the file does not bind, a function XPath does not have, or a variable.

    lxml finds these only when the path runs, and only where it gets that far (the
    predicate of an element the record lacks never runs): the mistake then failed every
    record that had the element, as an internal error, the run going on (a walkthrough's
    ``from: foo:coverage``).  A function under another prefix is left to lxml, which has
    EXSLT's sets, maths, dates and strings (``set:distinct``); only the regular expressions
    are ours (:mod:`ir_ingest.crosswalk.exslt`).
    """
    # A literal's text is no name; a name after an axis (ancestor::foo:x) is one.
    unquoted = LITERAL.sub("''", path)
    spelt = unquoted.replace("::", " ")
    if "$" in spelt:
        raise ConfigError(f"{where}: {path!r} has a variable ($…), and none is ever bound")
    if _NAMESPACE_AXIS.search(unquoted):
        raise ConfigError(f"{where}: {path!r} selects namespace nodes, which hold no value")
    for prefix in _PREFIXED.findall(spelt):
        if prefix not in namespaces and prefix != "xml":  # XPath binds xml: itself
            bound = ", ".join(sorted(namespaces)) or "none"
            raise ConfigError(
                f"{where}: the prefix {prefix!r} in {path!r} is not among the file's "
                f"namespaces ({bound})"
            )
    for prefix, name in _CALLED.findall(spelt):
        if prefix and namespaces[prefix] == EXSLT_REGEXP and name not in _EXSLT_FUNCTIONS:
            raise ConfigError(
                f"{where}: {path!r} calls {prefix}:{name}(); EXSLT's regular expressions are "
                f"{prefix}:test, {prefix}:match and {prefix}:replace"
            )
        if not prefix and name not in _XPATH_FUNCTIONS:
            raise ConfigError(
                f"{where}: {path!r} calls {name}(), which is no XPath 1.0 function (a function "
                "of EXSLT's needs its prefix, bound to its namespace)"
            )


#: What paths are tried on when loaded: an element with nothing in it.
_PROBE = etree.Element("probe")
#: What an XPath that selects no nodes gives, by the type lxml gives it as (else a string).
_RESULTS: dict[type, str] = {bool: "a boolean", float: "a number"}


def _probe(where: str, path: str, select: etree.XPath) -> None:
    """Run the path once, on an empty element: what lxml refuses only when a path runs, and a
    path that gives a string, a number or a boolean (``string(dc:coverage)``), which
    selects no value for the rule to read, are the file's mistakes."""
    try:
        found = select(_PROBE)
    except etree.XPathEvalError as exc:
        raise ConfigError(f"{where}: XPath {path!r} cannot run: {exc}") from exc
    except CrosswalkError as exc:  # a pattern the path builds of literals (crosswalk.exslt)
        raise ConfigError(f"{where}: XPath {path!r} cannot run: {exc}") from exc
    if not isinstance(found, list):
        kind = _RESULTS.get(type(found), "a string")
        raise ConfigError(
            f"{where}: {path!r} gives {kind}, not elements or attributes for the rule to read "
            "(write the path to the element: dc:coverage, not string(dc:coverage))"
        )
