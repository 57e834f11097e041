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
    from ir_ingest.crosswalk.rules import TargetPath


@cache
def record_type() -> inspect.Type:
    """The record's type, as targets of top-level rules are checked against it."""
    return inspect.type_info(Record)


#: Record fields a crosswalk does not fill: the engine makes them, and would overwrite a
#: rule's value (``extra`` holds what no rule used; ``id`` derives from the provenance).
_MADE = {"id": "derives from the repository and OAI identifier", "extra": "holds what no rule used"}
#: Of the provenance (``source``), what the metadata itself may say; the rest is the harvest's.
_FROM_METADATA = ("landing_page", "local_id")


def field_type(
    where: str, within: inspect.Type | None, target: TargetPath, built: str = ""
) -> inspect.Type | None:
    """The type of the field ``target`` names in ``within``: the record, or the value the
    build rule whose target is ``built`` makes.  None when there is nothing to check below
    (a free-form mapping, or ``within`` None).

    Raises :class:`ConfigError` when a part names no field (saying which there are), when a
    list is written as one value or one value as a list (``[]``), or when the target is a
    field the engine makes itself.
    """
    if within is record_type():
        _check_reserved(where, target.parts)
    current = within
    for depth, part in enumerate(target.parts):
        if current is None:
            return None
        named = ".".join(filter(None, [built, *target.parts[:depth]])) or "the record"
        # A build's value is an item of its target; a field further down is not entered.
        if depth and _is_list(current):
            raise ConfigError(f"{where}: {named} is a list; fill its items with a build rule")
        holder = _item(current)
        if isinstance(holder, (inspect.DictType, inspect.AnyType)):
            return None  # source_stats…: keys of the crosswalk's choosing
        if not isinstance(holder, inspect.StructType):
            raise ConfigError(f"{where}: {named} holds a value, not fields; cannot put {part!r}")
        current = _field(where, holder, part, named)
    full = ".".join(filter(None, [built, str(target).removesuffix("[]")]))
    if target.append and current is not None and not _is_list(current):
        raise ConfigError(f"{where}: {full} holds one value; write it without []")
    if not target.append and current is not None and _is_list(current):
        # "write 'notes'[]" had put the brackets outside the quotes
        raise ConfigError(f"{where}: {full} is a list; write {f'{target}[]'!r} to add to it")
    return current


def check_field_named(where: str, dotted: str) -> None:
    """Refuse a record field path (``host.editors``, as a ``defaults:`` key or a limit's
    ``field:`` names it) whose parts the record does not have, or that names a field the
    engine makes; a list or a single value are both fine here."""
    parts = tuple(dotted.split("."))
    _check_reserved(where, parts)
    current: inspect.Type | None = record_type()
    for depth, part in enumerate(parts):
        holder = _item(current) if current is not None else None
        if not isinstance(holder, inspect.StructType):
            return  # a free-form mapping, or a value: nothing below to check
        current = _field(where, holder, part, ".".join(parts[:depth]) or "the record")


def _field(where: str, holder: inspect.StructType, part: str, named: str) -> inspect.Type:
    """The type of ``holder``'s field ``part`` (``named`` says whose); a :class:`ConfigError`
    saying which fields there are when it has none."""
    found = next((f.type for f in holder.fields if f.encode_name == part), None)
    if found is None:
        names = ", ".join(_writable(holder))
        raise ConfigError(f"{where}: {named} has no field {part!r}; its fields: {names}")
    return found


def _writable(holder: inspect.StructType) -> list[str]:
    """The fields of ``holder`` a rule may fill, sorted: the record's without those the
    engine makes, the provenance's two named instead of ``source`` (it had listed extra, id
    and source, which are refused once named: :func:`_check_reserved`)."""
    names = sorted(f.encode_name for f in holder.fields)
    if holder.cls is not Record:
        return names
    kept = [name for name in names if name not in _MADE and name != "source"]
    return sorted([*kept, *(f"source.{name}" for name in _FROM_METADATA)])


def check_keys(where: str, field: inspect.Type | None, target: TargetPath, keys: list[str]) -> None:
    """Refuse the keys ``as:`` and ``set:`` add to a value when the field's items lack them."""
    if field is None or not keys:
        return
    holder = _item(field)
    if isinstance(holder, (inspect.DictType, inspect.AnyType)):
        return
    named = str(target)
    if not isinstance(holder, inspect.StructType):
        raise ConfigError(f"{where}: {named} holds a value; as: and set: make it a mapping")
    names = {f.encode_name for f in holder.fields}
    for key in keys:
        if key not in names:
            known = ", ".join(sorted(names))
            raise ConfigError(
                f"{where}: {named} has no field {key!r} (as:/set:); its fields: {known}"
            )


def takes_key(field: inspect.Type | None, key: str) -> bool:
    """Whether the items of ``field`` may hold ``key``: a struct's that has it, or a free-form
    mapping's (``field`` None: not known, so yes)."""
    keys = item_keys(field)
    return keys is None or key in keys


def item_keys(field: inspect.Type | None) -> frozenset[str] | None:
    """The keys the items of ``field`` may hold, when they are a struct's; None otherwise (a
    free-form mapping, a string, or ``field`` None: not known)."""
    holder = _item(field) if field is not None else None
    if not isinstance(holder, inspect.StructType):
        return None
    return frozenset(f.encode_name for f in holder.fields)


def check_plain(where: str, field: inspect.Type | None, target: TargetPath) -> None:
    """Refuse a plain rule (no ``build``, ``ops``, ``as:`` or ``set:``) into a field that holds
    a mapping: the text it reads is a string, and every record that had the value failed the
    schema (``crosswalk.invalid_output``) naming no rule (a walkthrough's ``to: title``)."""
    holder = _item(field) if field is not None else None
    if isinstance(holder, inspect.StructType):
        names = ", ".join(sorted(f.encode_name for f in holder.fields))
        raise ConfigError(
            f"{where}: {target} holds a mapping (its fields: {names}), not text: give as: and "
            "the field the text goes to (as: value), or build: to fill its fields"
        )


def _check_reserved(where: str, parts: tuple[str, ...]) -> None:
    first = parts[0]
    if first in _MADE:
        raise ConfigError(f"{where}: {first} is not a rule's to fill: it {_MADE[first]}")
    if first == "source" and (len(parts) < 2 or parts[1] not in _FROM_METADATA):
        allowed = " or ".join(f"source.{name}" for name in _FROM_METADATA)
        raise ConfigError(f"{where}: the provenance is the harvest's; a rule may fill {allowed}")


def _is_list(kind: inspect.Type) -> bool:
    return isinstance(_optional(kind), (inspect.ListType, inspect.SetType, inspect.VarTupleType))


def _optional(kind: inspect.Type) -> inspect.Type:
    """``kind`` without ``| None``."""
    if isinstance(kind, inspect.UnionType):
        inner = [t for t in kind.types if not isinstance(t, inspect.NoneType)]
        if len(inner) == 1:
            return inner[0]
    return kind


def _item(kind: inspect.Type) -> inspect.Type:
    """A value's own type: without ``| None``, and an item's for a list."""
    kind = _optional(kind)
    if isinstance(kind, (inspect.ListType, inspect.SetType, inspect.VarTupleType)):
        return _optional(kind.item_type)
    return kind
