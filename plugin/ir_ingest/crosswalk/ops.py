"""The small vocabulary of operations a crosswalk rule may apply to a source value.

A rule's ``ops`` list runs left to right on the value read from the source node.  Each operation
takes the current value and its argument and returns:

- the new value (a string, number or dict), or a list of values (``split``, ``agents``): the
  operations after it run on each one, and each goes to the target, or
- ``None``: "not mine" — the rule does not apply to this value, which stays unconsumed
  (so another rule may take it, or it lands in ``extra``), or
- raises :class:`~ir_ingest.crosswalk.normalise.NormaliseError`: the value is meant for this rule
  but is bad; the rule's ``on_error`` policy decides what happens.

Crosswalk files name operations as ``name`` or ``{name: argument}``; no code lives in them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ir_ingest.crosswalk import (
    citations,
    dates,
    grants,
    identifiers,
    licences,
    names,
    normalise,
    placeholders,
)
from ir_ingest.crosswalk.lookups import load_table, lookup_row, table_columns
from ir_ingest.crosswalk.patterns import Pattern, compile_pattern
from ir_ingest.errors import ConfigError

OpFunc = Callable[[Any, Any], Any]


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation with its checked argument, ready to run."""

    name: str
    func: OpFunc
    arg: Any

    def __call__(self, value: Any) -> Any:
        return self.func(value, self.arg)


def strip_prefix(value: str, prefix: str) -> str | None:
    """``{strip_prefix: "info:eu-repo/date/embargoEnd/"}``: drop it; no such prefix → ``None``."""
    return value[len(prefix) :] if value.startswith(prefix) else None


def match(value: str, pattern: Pattern) -> str | None:
    """``{match: "^https?://"}``: keep values the regular expression finds something in.

    Expressions are Python's syntax run by RE2 (:mod:`ir_ingest.crosswalk.patterns`): no
    backreferences or lookaround, so no pattern can take more than linear time.
    """
    return value if _found(pattern, value) else None


def not_match(value: str, pattern: Pattern) -> str | None:
    """``{not_match: "^info:eu-repo/"}``: keep values the expression finds nothing in.

    What ``{match: "^(?!info:eu-repo/)"}`` said before expressions lost lookaround.
    """
    return None if _found(pattern, value) else value


#: What a test found in a short value (see :func:`_found`), by pattern and value.
_FOUND: dict[tuple[Pattern, str], bool] = {}
#: Values this long at most are remembered: types, languages, dates, rights, formats.
_REMEMBERED_LENGTH = 64
_REMEMBERED = 8192


def _found(pattern: Pattern, value: str) -> bool:
    """Whether ``pattern`` finds something in ``value``, remembered for a short value.

    A source writes the same type, language or rights statement on every record, and RE2's
    Python binding costs some microseconds a call whatever the value (its str to UTF-8 and
    offsets): RE2 was a tenth of a synthetic oai_dc record's processing (py-spy), and this
    session's rules for dc:type and dc:language added two tests a record.
    """
    if len(value) > _REMEMBERED_LENGTH:
        return pattern.search(value) is not None
    key = (pattern, value)
    found = _FOUND.get(key)
    if found is None:
        if len(_FOUND) >= _REMEMBERED:
            _FOUND.clear()  # a bound on memory, not a cache policy: values repeat in runs
        found = _FOUND[key] = pattern.search(value) is not None
    return found


def extract(value: str, pattern: Pattern) -> str | None:
    """``{extract: "https?://…"}``: the one thing the expression finds; none or several → ``None``.

    Licence prose ("This work is licensed under … (https://creativecommons.org/licenses/by/4.0/)")
    names its licence by one URL; two URLs leave it unclear which is the licence.  The same
    URL written twice is one.
    """
    found = set(pattern.findall(value))
    if len(found) != 1:
        return None
    (one,) = found
    return one if isinstance(one, str) else None


def lookup(value: str, table: str) -> dict[str, str] | None:
    """``{lookup: access_rights}``: the table row the value maps to (see crosswalks/lookups).

    A copy: later rules may add keys to it (``resource_type.source.label``), and the table's
    own row is shared by every record.
    """
    row = lookup_row(table, value)
    return dict(row) if row is not None else None


def column(value: dict[str, str], name: str) -> str | None:
    """``{column: uri}``: one column of a looked-up row."""
    return value.get(name)


#: COAR types too broad to win over a more precise one: text, other.
GENERIC_TYPES = frozenset(
    ("http://purl.org/coar/resource_type/c_18cf", "http://purl.org/coar/resource_type/c_1843")
)


def resource_type(value: str, only: str | None) -> dict[str, Any] | None:
    """``resource_type``: a COAR type from the resource_types table, keeping the source string.

    ``{resource_type: specific}`` takes no generic type (COAR text, other), so that a rule
    before a plain ``resource_type`` rule lets "Master's thesis" win over DCMI "Text".

    Types packed as ``Sound ; Text`` (CONTENTdm) are read part by part: the first part that
    maps gives the type, and the source label is the whole value, so no part is lost.  (A
    ``split`` before this operation would drop the parts that map to nothing, or to a generic
    type under ``specific``, while the element counted as used.)  The whole value is looked up
    first: a table row of one's own may map a packed value (``Text; Image``) as it is.
    """
    for part in (value, *value.split(";")) if ";" in value else (value,):
        row = lookup_row("resource_types", part)
        if row is not None and not (only == "specific" and row.get("uri") in GENERIC_TYPES):
            return {**row, "source": {"label": value}}
    return None


def _check_only(arg: Any) -> str | None:
    if arg is None or arg == "specific":
        return None if arg is None else "specific"
    raise ConfigError(f"resource_type takes no argument or 'specific', got {arg!r}")


#: A part of a DCMI structured value (Box, Point, Period: ``name=Kestrel; northlimit=51.5``).
_DCMI_COMPONENT = re.compile(r"^[a-z]+\s*=", re.IGNORECASE)


def split(value: str | dict[str, Any], separator: str) -> Any:
    """``{split: ";"}``: one value per part (CONTENTdm packs keywords as ``a; b; c``).

    A DCMI Box, Point or Period is one value however many ``;`` it has: every part a
    ``component=value`` (NSDL writes ``name=Kestrel; northlimit=51.5; ...`` in dct:spatial).
    A value without the separator (most) is itself, not a list of one: the operations after
    it need not fan out (a few microseconds a rule and value).

    A built value (a MODS subject term with its authority) is split by its ``value``, each
    part a copy with the rest; one with a ``uri`` is not: the URI names the whole as one term.
    """
    if isinstance(value, dict):
        return _split_built(value, separator)
    if separator not in value:
        return value.strip() or None
    parts = [part.strip() for part in value.split(separator)]
    parts = [part for part in parts if part]
    if len(parts) > 1 and all(_DCMI_COMPONENT.match(part) for part in parts):
        return [value.strip()]
    return parts or None


def _split_built(value: dict[str, Any], separator: str) -> Any:
    text = value.get("value")
    if not isinstance(text, str) or value.get("uri") or separator not in text:
        return value
    parts = split(text, separator)  # a list, or None: the text holds the separator
    return [{**value, "value": part} for part in parts] if parts else None


def const(_: Any, value: Any) -> Any:
    """``{const: http://purl.org/coar/resource_type/c_2f33}``: replace the value with a constant."""
    return value


def boolean(value: str, _: None) -> bool:
    """``boolean``: ``true``/``yes``/``1`` → True, ``false``/``no``/``0`` → False."""
    key = value.strip().lower()
    if key in ("true", "yes", "1", "y"):
        return True
    if key in ("false", "no", "0", "n"):
        return False
    raise normalise.NormaliseError(f"{value!r} is not true or false")


#: White space before a URL in a value: several URLs in one (LoC's MODS to DC stylesheet writes
#: a record's location/url elements into one dc:identifier, a line each).  A URL inside a
#: URL, as a web archive writes it ("https://web.archive.org/web/2020/https://…"), has none.
#: Looked for only where a run of white space begins, the run taken whole: this operation is
#: given values as a caller has them, and "\s+" had been tried from each space of a run.
_NEXT_URL = re.compile(r"(?<!\s)\s++(?=https?://)")


def identifier(value: str, scheme: str | None) -> dict[str, str] | list[dict[str, str]]:
    """``identifier`` detects the scheme; ``{identifier: isbn}`` validates as that scheme.

    A value of several URLs with white space between them is each of them: the lines had
    become one URL, their line breaks percent-encoded.  (A label before one URL, "uri: …", is
    the identifier normaliser's to read.)
    """
    if scheme is None and value.startswith(("http://", "https://")) and _NEXT_URL.search(value):
        return [identifiers.identifier(part) for part in _NEXT_URL.split(value.strip())]
    return identifiers.identifier(value, scheme)


#: A street address before a publisher's name, as jOAI's sheet music (a CONTENTdm collection,
#: 1918) writes its dc:publisher: "2623 3rd Ave. West, Seattle, Wash.": a house number, up to
#: four words of a street's name, its kind, a quarter, and a comma.
_STREET_ADDRESS = re.compile(
    r"\d+[A-Za-z]?\s+([\w.'-]+\s+){0,3}"
    r"(St|Street|Ave|Avenue|Road|Rd|Boulevard|Blvd|Lane|Place|Square|Broadway|Row|Drive|Terrace)"
    r"\.?(\s+(West|East|North|South|[NSEW]\.?))?,"
)


def not_address(value: str, _: None) -> str | None:
    """``not_address``: keep a value unless it begins with a street address
    (:data:`_STREET_ADDRESS`): no publisher's name, it stays in extra."""
    return None if _STREET_ADDRESS.match(value) else value


def provenance(value: str, _: None) -> str | None:
    """``provenance``: keep a statement of where the work came from written where a name goes
    ("Obtained from the Protein Data Bank", NSDL's; "Digitized by Internet Archive"), which
    ``agent`` and ``agents`` refuse (:func:`.placeholders.is_provenance`); else ``None``."""
    return value if placeholders.is_provenance(value) else None


def _plain(func: Callable[[Any], Any]) -> OpFunc:
    def run(value: Any, _: None) -> Any:
        return func(value)

    run.__doc__ = func.__doc__
    return run


def _check_table(name: Any) -> str:
    # A name, not a path: "../../etc/x" would read any CSV file the process can.
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]+", name):
        raise ConfigError(
            f"lookup needs a table name (a file lookups/NAME.csv: a-z, 0-9, _), got {name!r}"
        )
    load_table(name)
    return name


def _check_str(arg: Any) -> str:
    if not isinstance(arg, str) or not arg:
        raise ConfigError(f"expected a non-empty string argument, got {arg!r}")
    return arg


def _check_regex(arg: Any) -> Pattern:
    return compile_pattern(_check_str(arg))


def _optional_str(arg: Any) -> str | None:
    return None if arg is None else _check_str(arg)


def _no_arg(arg: Any) -> None:
    if arg is not None:
        raise ConfigError(f"this operation takes no argument, got {arg!r}")


#: name -> (function, argument checker run when the crosswalk file is loaded)
#: The operations that make of a built value copies with the same keys (a split's parts):
#: --explain shows each key's source through them, where other operations turn a build's
#: keys into the field's (``heading``, ``title_parts``), and only the field's is shown.
COPYING = frozenset({"split"})

OPERATIONS: dict[str, tuple[OpFunc, Callable[[Any], Any]]] = {
    "strip_prefix": (strip_prefix, _check_str),
    "match": (match, _check_regex),
    "not_match": (not_match, _check_regex),
    "extract": (extract, _check_regex),
    "lookup": (lookup, _check_table),
    "column": (column, _check_str),
    "resource_type": (resource_type, _check_only),
    "edtf": (_plain(dates.edtf_date), _no_arg),
    "language": (_plain(normalise.language), _no_arg),
    "agent": (_plain(names.named_agent), _no_arg),
    "agents": (_plain(names.agents), _no_arg),
    "identifier": (identifier, _optional_str),
    "url": (_plain(identifiers.url), _no_arg),
    "typed_file": (_plain(identifiers.typed_file), _no_arg),
    "const": (const, lambda arg: arg),
    "split": (split, _check_str),
    "boolean": (boolean, _no_arg),
    "provenance": (provenance, _no_arg),
    "not_address": (not_address, _no_arg),
    "agent_parts": (_plain(names.agent_parts), _no_arg),
    "interval": (_plain(dates.interval), _no_arg),
    "citation": (_plain(citations.citation), _no_arg),
    "grant_agreement": (_plain(grants.grant_agreement), _no_arg),
    "identifier_parts": (_plain(identifiers.identifier_parts), _no_arg),
    "related_parts": (_plain(identifiers.related_parts), _no_arg),
    "title_parts": (_plain(normalise.title_parts), _no_arg),
    "heading": (_plain(normalise.heading), _no_arg),
    "licence": (_plain(licences.licence), _no_arg),
    "licence_url": (_plain(licences.licence_url), _no_arg),
    "licence_in_text": (_plain(licences.licence_in_text), _no_arg),
    "sanitise_html": (_plain(normalise.sanitise_html), _no_arg),
    "strip_heading": (_plain(normalise.strip_heading), _no_arg),
    "integer": (_plain(normalise.integer), _no_arg),
}


def check_columns(ops: tuple[Operation, ...]) -> None:
    """Refuse a ``column`` the ``lookup`` before it cannot give: a misspelt one (``lable``)
    made the rule do nothing, with nothing said (a walkthrough)."""
    table = None  # the last lookup's, whatever operations came between (a split)
    for op in ops:
        if op.name == "lookup":
            table = op.arg
        elif op.name == "column" and table is not None and op.arg not in table_columns(table):
            raise ConfigError(
                f"the table {table!r} has no column {op.arg!r}; its columns: "
                f"{', '.join(sorted(table_columns(table)))}"
            )


def compile_operation(spec: Any) -> Operation:
    """Turn ``"name"`` or ``{name: arg}`` from a crosswalk file into an :class:`Operation`."""
    if isinstance(spec, str):
        name, arg = spec, None
    elif isinstance(spec, dict) and len(spec) == 1:
        ((name, arg),) = spec.items()
    else:
        raise ConfigError(f"an operation is a name or a one-key mapping, got {spec!r}")
    if name not in OPERATIONS:
        known = ", ".join(sorted(OPERATIONS))
        raise ConfigError(f"unknown operation {name!r}; known: {known}")
    func, check = OPERATIONS[name]
    return Operation(name, func, check(arg))
