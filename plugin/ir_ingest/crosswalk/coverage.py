"""How much of a source a crosswalk used: records found in a document, values consumed vs kept.

A *source value* is a non-empty leaf text or a value attribute (``valueURI``, ``xlink:href``).
Every one is either consumed by a rule or kept in the record's ``extra``; the share consumed says
how well a crosswalk fits a source.  Used by the corpus tests and by the benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ir_ingest.crosswalk import CrosswalkResult, registry

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lxml import etree

    from ir_ingest.crosswalk.definition import Crosswalk


def find_records(root: etree._Element) -> Iterator[tuple[etree._Element, Crosswalk]]:
    """Every element in a document that some crosswalk reads, outermost first, not nested ones.

    Finds the records inside OAI-PMH envelopes, MODS collections and exports alike.
    """
    by_root = {name: cw for cw in registry().values() for name in cw.roots_clark}
    stack = [root]
    while stack:
        node = stack.pop()
        crosswalk = by_root.get(node.tag) if isinstance(node.tag, str) else None
        if crosswalk is not None:
            yield node, crosswalk
            continue
        stack.extend(reversed([child for child in node if isinstance(child.tag, str)]))


@dataclass(slots=True)
class Tally:
    """Counts for one format over many records."""

    records: int = 0
    source_values: int = 0
    consumed_values: int = 0

    @property
    def share(self) -> float:
        """The share of source values that reached a record field rather than ``extra``."""
        return self.consumed_values / self.source_values if self.source_values else 1.0

    def add(self, result: CrosswalkResult) -> None:
        """Count one crosswalked record."""
        self.records += 1
        self.source_values += result.source_values
        self.consumed_values += result.consumed_values
