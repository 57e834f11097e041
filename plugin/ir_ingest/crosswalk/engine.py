"""Apply a loaded crosswalk to one metadata element.

The engine runs the rules in file order.  For each element (or attribute) a rule selects it
reads the text, runs the rule's operations, and puts the value at the rule's target.  A ``build``
rule instead runs its own rules on the selected element and uses the dict they make.

A value that went somewhere is *consumed* and later rules pass it by, so the order of rules is a
cascade from the most specific to the most general.  Consumption is only committed when the value
is used: a built dict refused by ``when`` leaves its parts free for the next rule (a build's
rules run in a :class:`~ir_ingest.crosswalk.scope.Scope` of their own).  A
``consume: false`` rule leaves its value to later rules; the value counts as used only if that
rule put it into a field verbatim (no operations).  After the
rules, every value no rule consumed (a leaf's text, the whole text of mixed content, a value
attribute) is copied to ``extra`` under its path, so nothing the source said is silently lost.
A scalar target keeps its first value; a later different value stays unconsumed and lands in
``extra``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from lxml import etree

from ir_ingest.crosswalk.normalise import NormaliseError, clean_text, language
from ir_ingest.crosswalk.ops import COPYING
from ir_ingest.crosswalk.paths import NONE, ByTag, Children, lxml_keys
from ir_ingest.crosswalk.scope import Scope
from ir_ingest.crosswalk.walk import Walk, element_text
from ir_ingest.entry import Issue, Severity

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Sequence

    from ir_ingest.crosswalk.definition import Crosswalk
    from ir_ingest.crosswalk.ops import Operation
    from ir_ingest.crosswalk.paths import Key
    from ir_ingest.crosswalk.rules import Rule


@dataclass(slots=True)
class Applied:
    """What the rules made of one element: record data (plain dicts), issues, lineage.

    ``lineage`` maps a record field path to the source paths its values came from.
    """

    data: dict[str, Any]
    issues: list[Issue] = field(default_factory=list)
    lineage: dict[str, list[str]] = field(default_factory=dict)
    #: How many source values (texts of leaves or of mixed content, value attributes) the record
    #: had, and how many of them rules consumed; the rest are in ``data["extra"]``.
    source_values: int = 0
    consumed_values: int = 0


def apply_crosswalk(crosswalk: Crosswalk, root: etree._Element) -> Applied:
    """Run every rule of ``crosswalk`` over ``root``; put the unconsumed rest in ``extra``."""
    scope = Scope()
    data = _run(crosswalk.rules, root, scope, Children())
    for name, value in crosswalk.defaults.items():
        if name not in data:
            data[name] = _fresh(value)  # the file's value is shared by all records
            scope.lineage.append((name, "(the crosswalk's default: no source value)"))
    walk = Walk(root, scope.consumed | scope.read, crosswalk)
    if walk.extra:
        data["extra"] = walk.extra
    lineage: dict[str, list[str]] = {}
    for target, source in scope.lineage:
        lineage.setdefault(target, []).append(source)
    return Applied(data, scope.issues, lineage, walk.total, walk.consumed)


def _run(
    rules: tuple[Rule, ...], node: etree._Element, scope: Scope, index: Children
) -> dict[str, Any]:
    data: dict[str, Any] = {}
    by_tag = index[node]
    # Asked for every selected value: the scope's own set first, without a call.
    consumed, parent = scope.consumed, scope.parent
    keys: Sequence[Key]
    for rule, tag, select in _plan(rules, frozenset(by_tag)):
        if tag is not None:
            keys = by_tag.get(tag, NONE)
        elif select is not None:
            keys = select(node, index)
        elif rule.one_step and _all_consumed(rule, by_tag, scope):
            continue  # it could select only what is taken: lxml's call costs microseconds
        else:
            keys = _xpath_keys(rule, node)
        for key in keys:
            if key in consumed or (parent is not None and parent.is_consumed(key)):
                continue
            if not rule.build:
                # A plain value's bad-value issue stands even though the value went to extra.
                _apply(rule, key, data, scope, index)
                continue
            # A build is committed only if used: a refused one is rebuilt by a later rule.
            child = Scope(parent=scope)
            if _apply(rule, key, data, child, index):
                child.commit()
    return data


#: A rule as :func:`_run` takes it: with the one child tag its path selects, else with the
#: Python function that selects for it, else with neither (lxml selects).
_Planned = tuple["Rule", str | None, "Callable[[etree._Element, Children], list[Key]] | None"]


@lru_cache(maxsize=4096)
def _plan(rules: tuple[Rule, ...], tags: frozenset[Any]) -> tuple[_Planned, ...]:
    """The rules, in order, that may select something under a node with these child tags.

    Most rules match nothing in a given node; records of one source repeat a few shapes, so
    the test of every rule's first step against the node's children is made once per shape.
    """
    return tuple(
        _planned(rule) for rule in rules if rule.first_tags is None or tags & rule.first_tags
    )


def _planned(rule: Rule) -> _Planned:
    path = rule.path
    if path is None:
        return rule, None, None
    return rule, path.child_tag, path.select if path.child_tag is None else None


def _all_consumed(rule: Rule, by_tag: ByTag, scope: Scope) -> bool:
    """Whether every child the rule's first step names is consumed."""
    assert rule.first_tags is not None  # one_step says so
    return all(scope.is_consumed(child) for tag in rule.first_tags for child in by_tag.get(tag, ()))


def _xpath_keys(rule: Rule, node: etree._Element) -> list[Key]:
    """The elements and attributes lxml selects for a path outside the Python subset."""
    return lxml_keys(rule.select(node))


def _apply(rule: Rule, key: Key, data: dict[str, Any], scope: Scope, index: Children) -> bool:
    """Apply one rule to one selected element or attribute; True when its value was used."""
    element = key if isinstance(key, etree._Element) else key[0]
    value: Any
    if rule.build:
        value = _run(rule.build, element, scope, index)
    elif isinstance(key, tuple):
        value = clean_text(element.get(key[1]) or "")
    else:
        value = clean_text(element_text(element))
    if not value:
        return False
    if not rule.ops:
        return _place(rule, key, element, value, data, scope)
    try:
        values = _run_ops(rule.ops, value)
    except NormaliseError as exc:
        # A field that holds a value already would not have taken this one: it goes to extra,
        # and is no field's bad value (a second dateIssued, "c1999", once said to be).
        if _filled(rule, data) or not _on_error(rule, exc, key, scope):
            return False
        values = [value]
    if len(values) == 1 and values[0] is not None and _fits(values[0], rule.keys):
        # One value that fits its field (most operations' result): placed as a rule without
        # operations places its value, the general case's lists and tests left out.
        return _place(rule, key, element, values[0], data, scope)
    return _place_all(rule, key, element, values, data, scope)


def _place(
    rule: Rule, key: Key, element: etree._Element, value: Any, data: dict[str, Any], scope: Scope
) -> bool:
    """Put one value that needs no fitting at the rule's target; True when it was used."""
    if (rule.when or rule.requires) and not _accepts(rule, value):
        return False
    if rule.wrap or rule.constants:
        value = _shape(rule, element, value)
    if not _put(data, rule, value):
        return False
    if rule.build:
        _built_lineage(rule, scope)
    else:
        scope.mark_used(rule, key)
        scope.lineage.append((rule.field_path, rule.source_path))
    return True


def _place_all(
    rule: Rule,
    key: Key,
    element: etree._Element,
    values: list[Any],
    data: dict[str, Any],
    scope: Scope,
) -> bool:
    """Put the values operations made of one source value (none, several, a part without a
    place, or a mapping with keys its field does not hold); True when all of them were used."""
    placed = None not in values
    if not placed:
        values = [v for v in values if v is not None]
    if rule.keys is not None and not all(_fits(v, rule.keys) for v in values):
        # An identifier's note ("ISBN 0801486394 (pbk.)") where a related item has no field
        # for one had failed the whole record: the rest goes in, the value stays in extra too.
        # Only operations make keys of their own: a build's were checked when it was loaded.
        values = [_fitted(v, rule.keys) for v in values]
        placed = False
    if rule.when or rule.requires:
        values = [v for v in values if _accepts(rule, v)]
    if rule.wrap or rule.constants:
        values = [_shape(rule, element, v) for v in values]
    # Every part must find its place; otherwise the whole source value stays for extra.
    put = [_put(data, rule, v) for v in values]
    used = all(put) and placed and bool(values)
    if used and rule.build:
        _built_lineage(rule, scope)
    elif not rule.build and any(put):
        if used:
            scope.mark_used(rule, key)
        # The parts placed came from it even where it stays in extra too, a part without a
        # place ("Smith, John; (ed.)": Smith is a contributor): explained all the same.
        scope.lineage.append((rule.field_path, rule.source_path))
    return used


def _built_lineage(rule: Rule, scope: Scope) -> None:
    """The lineage of a build rule's placed value: each key's, where the operations only
    copied the built value (``split``'s parts, each a copy with the rest); else the field's,
    its keys having been internal ones the operations turned into it (``heading``)."""
    if not all(op.name in COPYING for op in rule.ops):
        scope.lineage = [(rule.field_path, path) for _, path in scope.lineage]


def _fits(value: Any, keys: frozenset[str] | None) -> bool:
    """Whether an operation's value has no key its field does not hold (``keys``: those it
    holds; None, any)."""
    return keys is None or not isinstance(value, dict) or value.keys() <= keys


def _fitted(value: Any, keys: frozenset[str]) -> Any:
    """The value without the keys its field does not hold."""
    return {k: v for k, v in value.items() if k in keys} if isinstance(value, dict) else value


def _run_ops(ops: tuple[Operation, ...], value: Any) -> list[Any]:
    """Run the operations; a list result fans out, the rest running on each part.

    A part the rest make nothing of (``{split: ";"}`` then a lookup that knows one part
    only) is a part without a place: ``[None]`` stands for it, so that the whole source value
    stays unconsumed and goes to ``extra`` as well, rather than that part being lost.
    """
    for index, op in enumerate(ops):
        value = op.func(value, op.arg)
        if value is None:
            return []
        if isinstance(value, list):
            rest = ops[index + 1 :]
            return [out for item in value for out in _run_ops(rest, item) or [None]]
    return [value]


def _filled(rule: Rule, data: dict[str, Any]) -> bool:
    """Whether the rule's target is one value, and holds one (a list always takes more)."""
    if rule.target.append:
        return False
    holder: Any = data
    for part in rule.target.parts:
        if not isinstance(holder, dict) or part not in holder:
            return False
        holder = holder[part]
    return True


def _on_error(rule: Rule, exc: NormaliseError, key: Key, scope: Scope) -> bool:
    """Apply the rule's error policy: True keeps the value as read, False drops it to ``extra``."""
    if rule.on_error == "keep":
        return True
    if rule.on_error in ("report", "reject") and not scope.was_reported(key):
        scope.reported.add(key)
        where = rule.field_path + ("[]" if rule.target.append else "")
        scope.issues.append(
            Issue(
                code="crosswalk.bad_value",
                message=f"{where}: {exc}; the value is kept in extra",
                severity=Severity.ERROR if rule.on_error == "reject" else Severity.WARNING,
                path=rule.source_path,
            )
        )
    return False


def _accepts(rule: Rule, value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    return all(value.get(key) in allowed for key, allowed in rule.when.items()) and all(
        value.get(key) not in (None, "", [], {}) for key in rule.requires
    )


def _shape(rule: Rule, element: etree._Element, value: Any) -> Any:
    """Wrap a string as ``{wrap: value}`` (with its language) and add the constant keys.

    The language is the first of the file's ``language_attributes`` present: MODS writes
    ``lang="ger"`` (ISO 639-2/B) as often as ``xml:lang``.
    """
    if rule.wrap and isinstance(value, str):
        value = {rule.wrap: value}
        lang = _lang(element, rule) if rule.wrap == "value" else None
        if lang:
            try:
                value["lang"] = language(lang)
            except NormaliseError:
                value["lang"] = None
    if rule.constants:
        value = {"value": value} if not isinstance(value, dict) else dict(value)
        for key, constant in rule.constants.items():
            if key not in value:
                value[key] = _fresh(constant)
    return value


def _lang(element: etree._Element, rule: Rule) -> str | None:
    """The first language attribute of the element that is there and not empty."""
    for name in rule.lang_attributes:
        lang = element.get(name)
        if lang:
            return lang
    return None


_IMMUTABLE = (str, int, float, type(None))


def _fresh(constant: Any) -> Any:
    """A constant of the crosswalk file for one record: its own copy, unless immutable (a
    deep copy of a string costs a microsecond, and returns the string)."""
    return constant if isinstance(constant, _IMMUTABLE) else copy.deepcopy(constant)


#: Values a field's list holds before it tells whether it holds one by a set (:class:`_Distinct`):
#: below, comparing with each is quicker than making a value's frozen form (a record's lists
#: hold a few values; made for every value, the set had cost 7% of an oai_dc record's process).
_COMPARED_UP_TO = 16


class _Distinct(list[Any]):
    """A field's list of values, each once, that tells whether it holds a value by a set of
    their frozen forms: asked of the list (``value in values``), 10,000 fuzzed MODS topics
    compared each new one with all before it, seconds a record.  Values placed are never
    changed afterwards (a target's parents are mappings, never a list's items)."""

    __slots__ = ("_held",)

    def __init__(self, values: list[Any]) -> None:
        super().__init__()
        self._held: set[Hashable] = set()
        for value in values:
            self.add(value)

    def add(self, value: Any) -> None:
        try:
            frozen = _frozen(value)
        except TypeError:  # no frozen form: compared with each value, as a list would
            if value not in self:
                self.append(value)
            return
        if frozen not in self._held:
            self._held.add(frozen)
            self.append(value)


def _frozen(value: Any) -> Hashable:
    """A form of ``value`` equal to another's when they are equal (``==``), and hashable:
    a mapping's as the set of its items, a list's as a tuple after ``list`` (no tuple value
    is equal to a list); TypeError when there is none."""
    if isinstance(value, dict):
        return frozenset((key, _frozen(item)) for key, item in value.items())
    if isinstance(value, list):
        return (list, *(_frozen(item) for item in value))
    hash(value)  # TypeError for any other value that cannot be hashed (a set)
    return value  # type: ignore[no-any-return]


def _put(data: dict[str, Any], rule: Rule, value: Any) -> bool:
    target = rule.target
    holder = data
    for part in target.parents:
        holder = holder.setdefault(part, {})
    last = target.parts[-1]
    if target.append:
        values = holder.setdefault(last, [])
        # The same language as code and as text is one language: a value equal to one the
        # list holds is not added again.
        if isinstance(values, _Distinct):
            values.add(value)
        elif len(values) < _COMPARED_UP_TO:
            if value not in values:
                values.append(value)
        else:
            holder[last] = distinct = _Distinct(values)
            distinct.add(value)
        return True
    if last not in holder:
        holder[last] = value
        return True
    # A second value equal to the first (the same language as code and as text) is consumed;
    # a different one, even naming the same COAR type, keeps its own wording in extra.
    return bool(holder[last] == value)
