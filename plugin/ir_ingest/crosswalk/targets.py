"""Rule targets checked against the record schema when a crosswalk file is loaded.

A rule's ``to`` names a record field (``host.identifiers[]``); a name the record does not have
(``titel``) used to surface only when a record reached the rule, as a record the schema
refused, without the rule.  Loading checks every target instead, and says which fields there
are.  A ``build`` rule's own rules name fields of the value it builds (an Agent's
``family_name``); when the build's operations turn its parts into that value (``agent``), the
parts are the operations' own keys, and are not checked.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from msgspec import inspect

from ir_ingest.errors import ConfigError
from ir_ingest.schema import Record

if TYPE_CHECKING:
    from ir_ingest.crosswalk.definition import TargetPath


@cache
def record_type() -> inspect.Type:
    """The record's type, as targets of top-level rules are checked against it."""
    return inspect.type_info(Record)


def field_type(
    where: str, within: inspect.Type | None, target: TargetPath, built: str = ""
) -> inspect.Type | None:
    """The type of the field ``target`` names in ``within``: the record, or the value the
    build rule whose target is ``built`` makes.  None when there is nothing to check below
    (a free-form mapping, or ``within`` None).

    Raises :class:`ConfigError` naming the fields there are when one part names none.
    """
    current = within
    for depth, part in enumerate(target.parts):
        if current is None:
            return None
        holder = _item(current)
        if isinstance(holder, (inspect.DictType, inspect.AnyType)):
            return None  # extra, source_stats…: keys of the crosswalk's choosing
        named = ".".join(filter(None, [built, *target.parts[:depth]])) or "the record"
        if not isinstance(holder, inspect.StructType):
            raise ConfigError(f"{where}: {named} holds a value, not fields; cannot put {part!r}")
        found = next((f.type for f in holder.fields if f.encode_name == part), None)
        if found is None:
            names = ", ".join(sorted(f.encode_name for f in holder.fields))
            raise ConfigError(f"{where}: {named} has no field {part!r}; its fields: {names}")
        current = found
    return current


def _item(kind: inspect.Type) -> inspect.Type:
    """A value's own type: without ``| None``, and an item's for a list."""
    while True:
        if isinstance(kind, inspect.UnionType):
            inner = [t for t in kind.types if not isinstance(t, inspect.NoneType)]
            if len(inner) != 1:
                return kind
            kind = inner[0]
        elif isinstance(kind, (inspect.ListType, inspect.SetType, inspect.VarTupleType)):
            kind = kind.item_type
        else:
            return kind
