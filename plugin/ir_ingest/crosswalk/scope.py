"""What one run of a crosswalk's rules used of the source, said and traced (:class:`Scope`).

A ``build`` rule runs its own rules in a scope of its own, committed to its parent only when
the value it built is placed: a built dict refused by ``when`` leaves its parts free for the
next rule, and its issues and lineage unsaid (see :mod:`ir_ingest.crosswalk.engine`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ir_ingest.crosswalk.paths import Key
    from ir_ingest.crosswalk.rules import Rule
    from ir_ingest.entry import Issue

__all__ = ["Scope"]


class Scope:
    """Consumption, issues and lineage of a rule run, committed to the parent only if used."""

    # Written out, not a dataclass: one is made for every value a build rule selects, and a
    # dataclass's __init__ tests each default factory's sentinel first.
    __slots__ = ("consumed", "issues", "lineage", "parent", "read", "reported")

    def __init__(self, parent: Scope | None = None) -> None:
        self.parent = parent
        self.consumed: set[Key] = set()
        #: Values a ``consume: false`` rule put verbatim (no ops) into a field: not in
        #: ``extra``, still open to later rules.  One it only derived a field from is in neither.
        self.read: set[Key] = set()
        self.issues: list[Issue] = []
        #: (record field path, source path) of each value placed, in order.
        self.lineage: list[tuple[str, str]] = []
        #: Values a rule already said were bad: a later rule that cannot read them either (an
        #: included crosswalk's, after the user's ``on_error: reject``) says nothing more.
        self.reported: set[Key] = set()

    def is_consumed(self, key: Key) -> bool:
        # Asked for every selected value: a plain loop, no generator or attribute by name.
        scope: Scope | None = self
        while scope is not None:
            if key in scope.consumed:
                return True
            scope = scope.parent
        return False

    def was_reported(self, key: Key) -> bool:
        return any(key in scope.reported for scope in self._chain())

    def mark_used(self, rule: Rule, key: Key) -> None:
        """Record that ``rule`` used a value: consumed, read verbatim, or only read.

        A ``consume: false`` rule that copied the value into a field as written (a subject's
        @authority) has kept it; one whose operations turned it into something else (Pure's
        dc:type "Chapter (peer-reviewed)" into ``peer_reviewed: true``) has not, so unless a
        later rule consumes it the wording goes to ``extra``.
        """
        if rule.consume:
            self.consumed.add(key)
        elif not rule.ops:
            self.read.add(key)

    def _chain(self) -> Iterator[Scope]:
        scope: Scope | None = self
        while scope is not None:
            yield scope
            scope = scope.parent

    def commit(self) -> None:
        """Make what this scope used, said and traced its parent's."""
        assert self.parent is not None
        self.parent.consumed |= self.consumed
        self.parent.read |= self.read
        self.parent.reported |= self.reported
        self.parent.issues += self.issues
        self.parent.lineage += self.lineage
