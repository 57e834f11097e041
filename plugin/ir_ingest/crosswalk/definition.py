"""Load and check crosswalk files (``crosswalks/*.yaml``) into compiled rules.

A crosswalk file is data only.  Its keys::

    format: mods                        # its name (crosswalk = "…", --crosswalk); a
                                        #   shipped one's is the metadataPrefix it reads
    root: mods:mods                     # the metadata element it expects (prefix:local), or a
                                        #   list of them (qualified DC has three in the wild)
    include: oai_dc.yaml                # run that file's rules after these (a file beside
                                        #   this one, else the shipped one of that name);
                                        #   its defaults, postprocess and limits apply too
    precedence: 30                      # how rich the format is: a record harvested in two
                                        #   formats keeps the higher one's (default: the
                                        #   shipped file's of that format, else 0)
    description: MODS 3.x -> record     # free text for readers; ignored
    namespaces: {prefix: uri, ...}      # prefixes used in root and in rule paths
    value_attributes: [valueURI]        # attributes that carry values (kept in extra if unused)
    language_attributes: [xml:lang, lang]   # where `as: value` finds a value's language, first
                                        #   present wins (default: xml:lang only)
    defaults: {field: value, ...}       # set when no rule filled the field
    postprocess: [issued_date, ...]     # named steps from ir_ingest.crosswalk.post, in order
    limits:                             # what the format cannot say: an info issue each
      - {field: host.editors, types: [c_3248], message: "…"}
    rules:
      - from: dc:title                  # XPath 1.0 relative to the root (or to the element a
                                        #   `build` rule selected): elements or attributes
        to: title                       # record field (checked on load); "a.b" nests,
                                        #   "x[]" appends to a list
        ops: [edtf, {lookup: table}]    # see ir_ingest.crosswalk.ops
        as: value                       # wrap a string as {value, lang from language_attributes}
                                        #   (any other key: {key: string}, e.g. as: uri)
        set: {role: aut}                # constant keys added to the value (a string becomes value)
        build: [rules…]                 # the value is a dict made by these rules from the element
        when: {role: [aut, null]}       # use a built dict only if its keys hold these values
        requires: [date]                # use a built dict only if it has these keys
        consume: false                  # read the value but leave it for later rules too
        on_error: report                # keep | null | report | reject
        note: why this rule exists      # free text for readers; ignored

YAML anchors and aliases may share a ``build`` list between rules.  Every problem is reported
with the file name, the rule number and the bad value.  This module reads the file level; the
rules are compiled by :mod:`ir_ingest.crosswalk.rules`.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from ir_ingest.crosswalk.lookups import not_utf8
from ir_ingest.crosswalk.post import STEPS
from ir_ingest.crosswalk.rules import XML_LANG, RuleContext, compile_rules
from ir_ingest.crosswalk.targets import check_field_named, record_type
from ir_ingest.entry import Issue, Severity
from ir_ingest.errors import ConfigError
from ir_ingest.resources import bundled

if TYPE_CHECKING:
    from pathlib import Path

    from ir_ingest.crosswalk.rules import Rule

_FILE_KEYS = {
    "format", "root", "include", "namespaces", "value_attributes", "language_attributes",
    "defaults", "postprocess", "limits", "rules", "description", "precedence",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Limit:
    """Something the format cannot carry, reported when the field is empty for these types."""

    field: str
    message: str
    types: tuple[str, ...] = ()
    #: The parts of ``field``, and the issue that says the limit (immutable: made once here,
    #: not for every record the limit is found on).
    parts: tuple[str, ...] = dataclasses.field(init=False, compare=False, repr=False)
    issue: Issue = dataclasses.field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "parts", tuple(self.field.split(".")))  # frozen: set here
        issue = Issue(
            code="crosswalk.format_limit",
            message=f"{self.field}: {self.message}",
            severity=Severity.INFO,
            path=self.field,
        )
        object.__setattr__(self, "issue", issue)


@dataclass(frozen=True, slots=True)
class Crosswalk:
    """A loaded crosswalk: its format, expected root element, namespaces and rules."""

    format: str
    roots: tuple[str, ...]
    namespaces: dict[str, str]
    rules: tuple[Rule, ...]
    defaults: dict[str, Any]
    path: Path
    value_attributes: frozenset[str] = frozenset()
    postprocess: tuple[str, ...] = ()
    limits: tuple[Limit, ...] = ()
    #: Of two copies of one record with the same datestamp, the store keeps the one whose
    #: format's precedence is higher (MODS says more than qualified DC, which says more than
    #: oai_dc); formats of equal precedence replace each other.  None: the file does not say.
    precedence: int | None = None
    #: ``{uri}local`` -> ``prefix:local``, as paths in ``extra`` name elements; filled as met.
    short_names: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    #: The root elements as ``{namespace}local``, as lxml names them (asked for every record).
    roots_clark: frozenset[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        roots = frozenset(clark(root, self.namespaces) for root in self.roots)
        object.__setattr__(self, "roots_clark", roots)  # frozen: set once, here

    @property
    def root(self) -> str:
        """The first (main) root element name, for messages."""
        return self.roots[0]


def clark(qname: str, namespaces: dict[str, str]) -> str:
    """``prefix:local`` as lxml's ``{uri}local`` (no prefix: no namespace)."""
    prefix, sep, local = qname.partition(":")
    return f"{{{namespaces[prefix]}}}{local}" if sep else qname


def load_crosswalk(
    path: Path, including: tuple[Path, ...] = (), data: dict[str, Any] | None = None
) -> Crosswalk:
    """Read and check one crosswalk file; raises :class:`ConfigError` naming file and rule.

    ``including`` are the files whose ``include`` led here (to refuse a loop); ``data`` the
    file as :func:`read_mapping` read it already.
    """
    data = read_mapping(path) if data is None else data
    base = _included(path, data.get("include"), including)
    # A file that includes another may leave out its root and namespaces: it reads the same
    # format, and its rules may use the included file's prefixes.
    namespaces = _namespaces(path, data.get("namespaces", {}))
    if base is not None:
        namespaces = {**base.namespaces, **namespaces}
    root = data.get("root", list(base.roots) if base else None)
    roots = tuple(map(str, root if isinstance(root, list) else [root]))
    for name in roots:
        if name.partition(":")[0] not in namespaces:
            raise ConfigError(f"{path}: root {name!r} uses a prefix not declared in namespaces")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise ConfigError(f"{path}: defaults must be a mapping, got {defaults!r}")
    for name in defaults:  # a default is a whole field of the record, checked as a rule's
        if "." in str(name):
            raise ConfigError(f"{path}: defaults: {name!r}: a default fills a whole field")
        check_field_named(f"{path}: defaults", str(name))
    precedence = data.get("precedence")
    if precedence is not None and (not isinstance(precedence, int) or isinstance(precedence, bool)):
        raise ConfigError(f"{path}: precedence must be a whole number, got {precedence!r}")
    languages = _language_attributes(path, data.get("language_attributes"), namespaces)
    return Crosswalk(
        format=str(data["format"]),
        roots=roots,
        namespaces=dict(namespaces),
        rules=compile_rules(path, data["rules"], RuleContext(namespaces, languages), record_type())
        + (base.rules if base else ()),
        defaults={**(base.defaults if base else {}), **defaults},
        path=path,
        value_attributes=_value_attributes(path, data.get("value_attributes"), namespaces)
        | (base.value_attributes if base else frozenset()),
        postprocess=_postprocess(path, data.get("postprocess"))
        or (base.postprocess if base else ()),
        limits=_limits(path, data.get("limits")) or (base.limits if base else ()),
        precedence=precedence,
    )


def _included(path: Path, name: Any, including: tuple[Path, ...]) -> Crosswalk | None:
    """The crosswalk ``include`` names: a file beside this one, else the shipped file of
    that name, so that a folder of one's own can extend a shipped crosswalk (a file of its
    own name, ``oai_dc.yaml`` including ``oai_dc.yaml``, includes the shipped one)."""
    if name is None:
        return None
    if not isinstance(name, str) or "/" in name or not name.endswith(".yaml"):
        raise ConfigError(f"{path}: include names a crosswalk file by name, got {name!r}")
    beside = path.parent / name
    itself = beside.resolve() == path.resolve()
    found = beside if beside.exists() and not itself else bundled("crosswalks") / name
    if not found.exists():
        why = (
            "includes itself, and no crosswalk of that name is shipped"
            if itself
            else ("is neither beside it nor shipped")
        )
        raise ConfigError(f"{path}: include {name!r} {why}")
    chain = (*including, path.resolve())
    if found.resolve() in chain:
        raise ConfigError(f"{path}: include {name!r} comes back to a file that includes it")
    return load_crosswalk(found, chain)


#: libyaml's safe loader where PyYAML was built with it: the three bundled crosswalks load in
#: 17 ms instead of 150 ms, which every command that crosswalks paid before its first record.
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SAFE_LOADER):  # type: ignore[valid-type,misc]  # chosen at import
    """The safe loader, refusing a key given twice in one mapping: YAML keeps the last, so a
    second ``rules:`` pasted below the first dropped the first's rules without a word."""

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            first: dict[str, yaml.Node] = {}
            for key, _ in node.value:
                # A merge (<<: *anchor) is YAML's own way to give keys again: left to it.
                if not isinstance(key, yaml.ScalarNode) or key.tag.endswith(":merge"):
                    continue
                if key.value in first:
                    line = first[key.value].start_mark.line + 1
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"{key.value!r} is given twice (the first is on line {line})",
                        key.start_mark,
                    )
                first[key.value] = key
        return super().construct_mapping(node, deep)  # type: ignore[no-any-return]

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """A value PyYAML's constructors cannot make is a YAML error at its place: they raise
        ValueError (a date that is none, ``2024-13-01``; a number of over 4,300 digits),
        KeyError (``!!bool maybe``) or AttributeError (``!!timestamp x``), each a traceback."""
        try:
            return super().construct_object(node, deep)
        except (ValueError, KeyError, AttributeError) as exc:
            shown = repr(node.value) if isinstance(node, yaml.ScalarNode) else node.tag
            raise yaml.constructor.ConstructorError(
                None, None, f"{shown} cannot be read as {node.tag}: {exc}", node.start_mark
            ) from exc


def _yaml_error(path: Path, exc: yaml.YAMLError) -> str:
    """A YAML error as one line, naming the file's line and column: PyYAML's own message took
    three lines, and named the place as 'in "<unicode string>"'."""
    mark = getattr(exc, "problem_mark", None)
    where = f"{path}, line {mark.line + 1}, column {mark.column + 1}" if mark else f"{path}"
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    said = f"{problem} ({context})" if context else problem
    return f"{where}: cannot read crosswalk: {' '.join(said.split())}"


#: What a YAML document that is no mapping is, in YAML's words.
_YAML_KINDS = {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}


def read_mapping(path: Path) -> dict[str, Any]:
    """A crosswalk file's keys, checked (its rules are checked as they are compiled)."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except UnicodeDecodeError as exc:
        raise ConfigError(not_utf8(path, exc)) from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read crosswalk: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(_yaml_error(path, exc)) from exc
    if not isinstance(data, dict):
        # Said in YAML's words, not Python's ("got NoneType" for an empty file).
        what = "is empty" if data is None else f"is a {_YAML_KINDS.get(type(data), 'value')}"
        raise ConfigError(
            f"{path}: the file {what}; a crosswalk file is a mapping of keys (format:, rules:, "
            "…; see plugin/ir_ingest/crosswalk/definition.py)"
        )
    unknown = set(data) - _FILE_KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown keys {sorted(unknown)}; allowed: {sorted(_FILE_KEYS)}")
    # An including file has the included one's root and namespaces (see load_crosswalk).
    required = (
        ("format", "rules") if "include" in data else ("format", "root", "namespaces", "rules")
    )
    for key in required:
        if key not in data:
            raise ConfigError(f"{path}: missing required key {key!r}")
    # A crosswalk is named by its format: a list or a number named it "['mine_dc']".
    if not isinstance(data["format"], str) or not data["format"].strip():
        raise ConfigError(f"{path}: format is a name, such as mine_dc, got {data['format']!r}")
    return data


def _namespaces(path: Path, namespaces: Any) -> dict[str, str]:
    """The ``namespaces:`` mapping, checked: lxml's XPath takes neither an empty prefix nor
    an empty URI (a bare TypeError from deep in the rules' compiling)."""
    if not isinstance(namespaces, dict) or not all(isinstance(v, str) for v in namespaces.values()):
        raise ConfigError(f"{path}: namespaces must map prefixes to URIs, got {namespaces!r}")
    for prefix, uri in namespaces.items():
        if not isinstance(prefix, str) or not prefix.strip():
            raise ConfigError(
                f"{path}: namespaces: {prefix!r} (for {uri!r}) is no prefix; a prefix is a "
                "name, such as dc"
            )
        if not uri.strip():
            raise ConfigError(
                f"{path}: namespaces: prefix {prefix!r} has an empty URI {uri!r}; "
                "give the namespace's URI"
            )
    return namespaces


def _value_attributes(path: Path, names: Any, namespaces: dict[str, str]) -> frozenset[str]:
    if names is None:
        return frozenset()
    return frozenset(_attribute_names(path, "value_attributes", names, namespaces))


def _language_attributes(path: Path, names: Any, namespaces: dict[str, str]) -> tuple[str, ...]:
    """The language attributes as ``{uri}local``, in order."""
    if names is None:
        return (XML_LANG,)
    if names == []:
        raise ConfigError(f"{path}: language_attributes must be a non-empty list, got []")
    return _attribute_names(path, "language_attributes", names, namespaces)


#: An attribute's name as a file writes it: a name, perhaps after a prefix.
_ATTRIBUTE_NAME = re.compile(r"(?:[A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*")


def _attribute_names(
    path: Path, key: str, names: Any, namespaces: dict[str, str]
) -> tuple[str, ...]:
    """``names`` as ``{uri}local``; ``xml:lang`` needs no declared prefix.  What is no name
    (``{}``, "") is refused: read as one, it had made lxml fail every record ("Empty tag
    name", a fuzz of crosswalk files)."""
    if not isinstance(names, list):
        raise ConfigError(f"{path}: {key} must be a list, got {names!r}")
    bad = [
        name for name in names if not (isinstance(name, str) and _ATTRIBUTE_NAME.fullmatch(name))
    ]
    if bad:
        raise ConfigError(f"{path}: {key} holds what is no attribute name: {bad!r}")
    try:
        return tuple(XML_LANG if name == "xml:lang" else clark(name, namespaces) for name in names)
    except KeyError as exc:
        raise ConfigError(f"{path}: {key} uses an undeclared prefix {exc}") from exc


def _postprocess(path: Path, names: Any) -> tuple[str, ...]:
    if names is None:
        return ()
    if not isinstance(names, list):
        # "postprocess: 0" or a mapping had ended in a TypeError's traceback (a fuzz).
        raise ConfigError(f"{path}: postprocess is a list of step names, got {names!r}")
    unknown = [name for name in names if not isinstance(name, str) or name not in STEPS]
    if unknown:
        raise ConfigError(
            f"{path}: unknown postprocess steps {unknown!r}; known: {', '.join(sorted(STEPS))}"
        )
    return tuple(names)


def _limits(path: Path, specs: Any) -> tuple[Limit, ...]:
    if specs is None:
        return ()
    limits = []
    for spec in specs if isinstance(specs, list) else [specs]:
        if not isinstance(spec, dict) or not {"field", "message"} <= set(spec):
            raise ConfigError(f"{path}: a limit needs 'field' and 'message', got {spec!r}")
        check_field_named(f"{path}: limits", str(spec["field"]))
        types = spec.get("types", [])
        if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
            raise ConfigError(f"{path}: a limit's types are a list of type URIs, got {types!r}")
        limits.append(Limit(str(spec["field"]), str(spec["message"]), tuple(types)))
    return tuple(limits)
