"""The pass after the rules: every source value counted, and the ones no rule used kept.

A value is the text of a leaf element, all the text of an element with mixed content
(``Northern <b>Norway</b> and Svalbard``), or a value attribute (a crosswalk's
``value_attributes``).  What no rule consumed goes to the record's ``extra`` under its path
(``mods:name/mods:namePart``), so nothing the source said is silently lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lxml import etree

from ir_ingest.crosswalk.normalise import clean_text

if TYPE_CHECKING:
    from ir_ingest.crosswalk.definition import Crosswalk
    from ir_ingest.crosswalk.paths import Key


def element_text(element: etree._Element) -> str:
    """All the text of an element: its own, or its descendants' too (mixed content)."""
    return element.text or "" if not len(element) else "".join(map(str, element.itertext()))


class Walk:
    """One top-down pass over the source: every value counted, the unused ones kept by path.

    Below an element whose text was counted (used by a rule, or mixed content kept whole) no
    text is counted again, but value attributes still are.  ``consumed + kept == total`` holds
    by construction here, and the tests check ``total`` against an independent count of the
    source.  The pass visits every element of every record, so it reads each element's text
    and children once and calls no helper for a leaf that holds nothing.
    """

    def __init__(self, root: etree._Element, used: set[Key], crosswalk: Crosswalk) -> None:
        self.extra: dict[str, list[str]] = {}
        self.total = 0
        self.consumed = 0
        self._used = used
        self._crosswalk = crosswalk
        self._value_attributes = sorted(crosswalk.value_attributes)
        self._names = crosswalk.short_names  # shared by the crosswalk's records
        self._root = root
        if self._value_attributes:
            self._attributes(root, "")
        self._children(list(root), "", False)

    def _children(self, children: list[etree._Element], path: str, text_counted: bool) -> None:
        """Visit the element children of a node (recursion: metadata trees are shallow).

        Each element's children are listed once, for the test of its own text (their tails)
        and for the visit: lxml makes a proxy for a child each time it is read.  The test of
        an element's text is written out here, not called: it runs for every element.
        """
        prefix = f"{path}/" if path else ""
        names = self._names
        attributes = self._crosswalk.value_attributes
        used = self._used
        for child in children:
            tag: Any = child.tag  # comments and processing instructions have a function as tag
            if not isinstance(tag, str):
                continue
            child_path = prefix + (names.get(tag) or self._short(tag))
            if attributes and not attributes.isdisjoint(child.keys()):
                self._attributes(child, child_path)
            if not len(child):
                # A leaf, most elements: its text is all its text, and nothing is below it.
                own = child.text
                if text_counted or not own or own.isspace():
                    continue
                self.total += 1
                if child in used:
                    self.consumed += 1
                else:
                    self.extra.setdefault(child_path, []).append(clean_text(own))
                continue
            below = list(child)
            counted = True
            if text_counted:
                pass  # below counted text (used, or mixed content kept whole) none counts
            elif child in used:  # a rule took the element, and with it all the text inside
                text = element_text(child)
                if text and not text.isspace():
                    self.total += 1
                    self.consumed += 1
            elif ((own := child.text) and not own.isspace()) or _has_tail(below):
                self.total += 1
                self.extra.setdefault(child_path, []).append(clean_text(element_text(child)))
            else:
                counted = False
            # Below counted text only value attributes are left to count.
            if attributes or not counted:
                self._children(below, child_path, counted)

    def _attributes(self, node: etree._Element, path: str) -> None:
        # In a fixed order: the order of ``extra`` is part of the record's content hash, and a
        # set's order changes from one process to the next.
        for name in self._value_attributes:
            value = node.get(name)
            # An empty attribute (NYPL's valueURI="") says no more than an empty element:
            # kept, it had been an extra of "" for each.
            if value is None or not value.strip():
                continue
            self.total += 1
            if (node, name) in self._used:
                self.consumed += 1
                continue
            at = f"{path or self._short(self._root.tag)}/@{self._short(name)}"
            self.extra.setdefault(at, []).append(str(value))

    def _short(self, tag: str) -> str:
        if tag not in self._names:
            qname = etree.QName(tag)
            prefixes = {uri: prefix for prefix, uri in self._crosswalk.namespaces.items()}
            prefix = prefixes.get(qname.namespace or "", "")
            self._names[tag] = f"{prefix}:{qname.localname}" if prefix else qname.localname
        return self._names[tag]


def _has_tail(children: list[etree._Element]) -> bool:
    """Whether text follows one of an element's children (mixed content)."""
    for child in children:
        tail = child.tail
        if tail and not tail.isspace():
            return True
    return False
