"""Apply a loaded crosswalk to one metadata element.

The engine runs the rules in file order.  For each element a rule selects it reads the text,
runs the rule's operations, and puts the value at the rule's target.  An element whose value went
somewhere is *consumed* and later rules pass it by, so the order of rules is a cascade from the
most specific to the most general.  After the rules, every non-empty element no rule consumed is
copied to
``extra`` under its path, so nothing the source said is silently lost.  A scalar target keeps its
first value; a later different value for it stays unconsumed and lands in ``extra``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lxml import etree

from ir_ingest.crosswalk.normalise import NormaliseError, clean_text, language
from ir_ingest.entry import Issue, Severity
from ir_ingest.xmlsafe import elements

if TYPE_CHECKING:
    from ir_ingest.crosswalk.definition import Crosswalk, Rule

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(slots=True)
class Applied:
    """What the rules made of one element: record data (plain dicts), issues, lineage.

    ``lineage`` maps a target field to the source paths its values came from (for ``--explain``).
    """

    data: dict[str, Any]
    issues: list[Issue] = field(default_factory=list)
    lineage: dict[str, list[str]] = field(default_factory=dict)


def apply_crosswalk(crosswalk: Crosswalk, root: etree._Element) -> Applied:
    """Run every rule of ``crosswalk`` over ``root``; put the unconsumed rest in ``extra``."""
    result = Applied(data={})
    consumed: set[etree._Element] = set()
    for rule in crosswalk.rules:
        for node in elements(rule.select(root)):
            if node in consumed:
                continue
            if _apply_to_node(rule, node, result):
                consumed.add(node)
    for name, value in crosswalk.defaults.items():
        result.data.setdefault(name, value)
    extra = _unconsumed(root, consumed, crosswalk.namespaces)
    if extra:
        result.data["extra"] = extra
    return result


def _apply_to_node(rule: Rule, node: etree._Element, result: Applied) -> bool:
    """Apply one rule to one element; return True when its value was used."""
    raw = clean_text(node.text or "" if not len(node) else "".join(map(str, node.itertext())))
    if not raw:
        return False
    value: Any = raw
    try:
        for op in rule.ops:
            value = op(value)
            if value is None:
                return False
    except NormaliseError as exc:
        value = _on_error(rule, node, raw, exc, result)
        if value is None:
            return False
    value = _shape(rule, node, value)
    used = _put(result.data, rule, value)
    if used:
        result.lineage.setdefault(str(rule.target).removesuffix("[]"), []).append(rule.source)
    return used


def _on_error(
    rule: Rule, node: etree._Element, raw: str, exc: NormaliseError, result: Applied
) -> str | None:
    """Apply the rule's error policy: keep the raw value, or drop it (it goes to ``extra``)."""
    if rule.on_error == "keep":
        return raw
    if rule.on_error in ("report", "reject"):
        result.issues.append(
            Issue(
                code="crosswalk.bad_value",
                message=f"{rule.target}: {exc}; the value is kept in extra",
                severity=Severity.ERROR if rule.on_error == "reject" else Severity.WARNING,
                path=_path(node, {}),
            )
        )
    return None


def _shape(rule: Rule, node: etree._Element, value: Any) -> Any:
    if rule.wrap and isinstance(value, str):
        value = {rule.wrap: value}
        lang = node.get(_XML_LANG)
        if rule.wrap == "value" and lang:
            try:
                value["lang"] = language(lang)
            except NormaliseError:
                value["lang"] = None
    if rule.constants:
        value = {"value": value} if not isinstance(value, dict) else dict(value)
        for key, constant in rule.constants.items():
            value.setdefault(key, constant)
    return value


def _put(data: dict[str, Any], rule: Rule, value: Any) -> bool:
    *parents, last = rule.target.parts
    holder = data
    for part in parents:
        holder = holder.setdefault(part, {})
    if rule.target.append:
        holder.setdefault(last, []).append(value)
        return True
    if last not in holder:
        holder[last] = value
        return True
    # A second value agreeing with the first (same string, same COAR uri) is consumed, not lost.
    current = holder[last]
    if current == value:
        return True
    return (
        isinstance(current, dict)
        and isinstance(value, dict)
        and current.get("uri") is not None
        and current.get("uri") == value.get("uri")
    )


def _unconsumed(
    root: etree._Element, consumed: set[etree._Element], namespaces: dict[str, str]
) -> dict[str, list[str]]:
    prefixes = {uri: prefix for prefix, uri in namespaces.items()}
    extra: dict[str, list[str]] = {}
    for node in root.iterdescendants():
        if not isinstance(node.tag, str) or node in consumed or len(node):
            continue
        text = clean_text(node.text or "")
        if text:
            extra.setdefault(_path(node, prefixes, root), []).append(text)
    return extra


def _path(
    node: etree._Element, prefixes: dict[str, str], root: etree._Element | None = None
) -> str:
    """A readable path of ``node`` below ``root``: ``dc:source`` or ``mods:name/mods:namePart``."""
    steps = []
    current: etree._Element | None = node
    while current is not None and current is not root:
        qname = etree.QName(current)
        prefix = prefixes.get(qname.namespace or "", "") or current.prefix or ""
        steps.append(f"{prefix}:{qname.localname}" if prefix else qname.localname)
        current = current.getparent()
        if root is None:
            break
    return "/".join(reversed(steps))
