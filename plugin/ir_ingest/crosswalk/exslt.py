"""EXSLT's regular expressions (``re:test``, ``re:match``, ``re:replace``) in crosswalk XPaths,
run by RE2.

lxml's own (``regexp=True``) run Python's backtracking ``re``: ``re:test(., '^(a+)+$')`` in a
user's ``from`` path would hang a harvest on one long value, as a ``match`` operation would
have (:mod:`ir_ingest.crosswalk.patterns`).  These take the same arguments, with the patterns
compiled by :func:`~ir_ingest.crosswalk.patterns.compile_pattern`, and follow EXSLT
(https://exslt.org/regexp/) where lxml's, built on ``re``, do not: a replacement is literal text
(no ``\\1``), ``re:match`` with ``g`` gives whole matches (not a pattern's groups), an argument
is XPath's string of it (``1``, not ``1.0``), and ``$`` is the end of the text only (``re`` also
takes it before a final newline).  The pattern is an argument of the call, known only when the
path runs, so one RE2 cannot run is refused then.  A pattern the path spells out (a literal,
``'^(?!x)'``) is the file's fault: a ConfigError naming the file, the rule and the pattern (the
run stops: no record can be read as the file says).  Any other is taken as the record's
(``re:test(., @pattern)``, or a ``concat`` with a value of it): that record fails, with a
``crosswalk.bad_pattern`` :class:`~ir_ingest.errors.CrosswalkError` naming the pattern, and the
run goes on.  Only a literal whole is the file's: a pattern the path builds of literals alone
(``concat('^', '(?!x)')``) fails every record instead of stopping the run.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from lxml import etree

from ir_ingest.crosswalk.patterns import Pattern, compile_pattern
from ir_ingest.errors import ConfigError, CrosswalkError

if TYPE_CHECKING:
    from collections.abc import Callable

EXSLT_REGEXP = "http://exslt.org/regular-expressions"


#: An XPath 1.0 string literal: it has no escapes, so its text is what the path spells.
LITERAL = re.compile(r"'([^']*)'|\"([^\"]*)\"")


def functions(where: str, path: str) -> dict[tuple[str, str], Callable[..., Any]]:
    """The three functions for lxml's ``extensions``, for the rule ``where`` names, whose
    XPath is ``path`` (a pattern it spells out is the file's, see the module's docstring)."""
    literals = frozenset(single or double for single, double in LITERAL.findall(path))

    def _compiled(pattern: Any, flags: Any) -> Pattern:
        text = _string(pattern)
        try:
            return _compile(text, "i" in _string(flags))
        except ConfigError as exc:
            if text in literals:
                raise ConfigError(f"{where}: {exc}") from exc
            raise CrosswalkError(
                f"{where}: a pattern from the record's data: {exc}", code="crosswalk.bad_pattern"
            ) from exc

    def test(_: object, text: Any, pattern: Any, flags: Any = "") -> bool:
        return _compiled(pattern, flags).search(_string(text)) is not None

    def match(_: object, text: Any, pattern: Any, flags: Any = "") -> list[etree._Element]:
        value = _string(text)
        compiled = _compiled(pattern, flags)
        if "g" in _string(flags):
            found = [one.group(0) for one in compiled.finditer(value)]
        else:
            first = compiled.search(value)
            found = [] if first is None else [first.group(0), *first.groups()]
        return [_match_element(part) for part in found]

    def replace(_: object, text: Any, pattern: Any, flags: Any, replacement: Any) -> str:
        compiled = _compiled(pattern, flags)
        literal = _string(replacement)
        count = 0 if "g" in _string(flags) else 1
        # EXSLT's replacement is literal text: no group references.
        replaced: str = compiled.sub(lambda _: literal, _string(text), count)
        return replaced

    return {(EXSLT_REGEXP, "test"): test, (EXSLT_REGEXP, "match"): match,
            (EXSLT_REGEXP, "replace"): replace}  # fmt: skip


@lru_cache(maxsize=256)
def _compile(pattern: str, ignore_case: bool) -> Pattern:
    return compile_pattern(f"(?i){pattern}" if ignore_case else pattern)


def _string(value: Any) -> str:
    """XPath's string() of an argument: a node-set's first node, a number, a boolean."""
    if isinstance(value, list):
        if not value:
            return ""
        value = value[0]
    if isinstance(value, etree._Element):
        return str(value.xpath("string()"))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)


def _match_element(text: str | None) -> etree._Element:
    element = etree.Element("match")
    element.text = text or ""
    return element
