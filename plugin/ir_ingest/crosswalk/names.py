"""Names: a name string, or a record's name parts, read as an Agent (a person or an organisation).

:func:`agent` parses one string (``Family, Given``, ``Given Family``, an organisation's name);
:func:`agents` a string that may pack several, with their affiliations (Dublin Core creators);
:func:`agent_parts` finishes an Agent from name parts (MODS ``name``, DataCite ``creator``).
Whether a string names a body is :mod:`ir_ingest.crosswalk.organisations`' question; a
person's name, without its role, life dates and qualifiers, is split into family and given
name by :mod:`ir_ingest.crosswalk.person_parts`.
Like the normalisers of :mod:`ir_ingest.crosswalk.normalise`, they raise
:class:`~ir_ingest.crosswalk.normalise.NormaliseError` when there is no name to read.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ir_ingest.crosswalk.bylines import after_a_name, name_strings, without_life_dates
from ir_ingest.crosswalk.identifiers import identifier
from ir_ingest.crosswalk.lookups import lookup_row, when_tables_change
from ir_ingest.crosswalk.normalise import NormaliseError, clean_text
from ir_ingest.crosswalk.organisations import (
    has_weak_word,
    is_common_noun,
    is_ensemble,
    is_organisation,
    names_a_subdivision,
)
from ir_ingest.crosswalk.person_parts import name_before_trailers, person_parts
from ir_ingest.crosswalk.placeholders import is_provenance
from ir_ingest.crosswalk.roles import role_after_comma, without_role

# Any other qualifier in parentheses after a name without a comma: "Thiruvalluvar (text)".
# Begun only where a run of spaces begins and taking it whole, as :data:`_ORCID_AFTER`.
_QUALIFIER = re.compile(r"(?<!\s)\s++\([^()]*+\)$")
# One that holds a comma, a place's or dates' ("Abbaye … (Hasnon, France)"), with a comma or
# without: no nickname, and its comma had split the name ("Roe (Hasnon" + "France)").  Linear
# as :data:`_QUALIFIER`; the text before its first comma is read once ("[^()]*," had been
# tried back from each comma of a long run that no ")" ends).
_COMMA_QUALIFIER = re.compile(r"(?<!\s)\s++\([^(),]*+,[^()]*+\)$")
# A person's name written "Family, Given", then something in parentheses.  The given name
# ends at a character no space follows, and no run of spaces is matched from more than one
# place: a lazy given name before "\s+" had tried the run before a "(" from each of its spaces.
_AFFILIATION_AFTER = re.compile(
    r"^(?P<person>[^,()]+,(?P<given>[^,()]*[^,()\s]))\s++\((?P<body>[^()]++)\)$"
)
# What a person is in a body, not the body: "(Programme committee chair)", a role the relators
# table does not know, "(Head of Department)", "(Chair, Department of History)".
_FUNCTIONS = frozenset(
    ("member", "chair", "co-chair", "chairman", "chairwoman", "chairperson", "head", "dean")
)
# An ORCID iD after a person's name, bare or as its URL, perhaps labelled, perhaps in brackets:
# "Smith, J. R. (0000-0002-1825-0097)", "Roe, Ann https://orcid.org/0000-…", "Roe, Ann, ORCID: …".
# Searched over every name: it begins only where a run of separators begins, and takes the run
# whole (possessive), as the leftmost match did; "[\s,;]+" had run on from each separator of
# the run to its end, and "Smith" + ", " * 20_000 took a minute.
_ORCID_AFTER = re.compile(
    r"(?<![\s,;])[\s,;]++[(\[]?\s*+(?:orcid(?:\s*+id)?\s*+:?\s*+)?"
    r"(?:https?://(?:www\.)?orcid\.org/)?"
    r"(?P<orcid>\d{4}-\d{4}-\d{4}-\d{3}[\dX])\s*+[)\]]?$",
    re.IGNORECASE,
)
#: The characters a name with an ORCID iD after it ends in (see :data:`_ORCID_AFTER`).
_ORCID_ENDS = frozenset("0123456789Xx)]")


def agent(value: str) -> dict[str, Any]:
    """Parse a name string into an Agent: ``Family, Given`` or ``Given Family`` or an organisation.

    A string naming an organisation (it contains a word such as *Institute* or *Commission*,
    or one such as *Press* in an organisation's shape: :func:`is_organisation`) becomes an
    organizational agent; a single word becomes a personal agent with a family name only.  Life
    dates (``, 1742-1826`` or ``(1742-1826)``), a role in parentheses, and any other qualifier in
    parentheses after a name without a comma are not part of the family or given name: a known
    role (``(ed.)``) becomes ``role``.  A placeholder for an unknown person ("Anonymous",
    "Unknown scribe") is a person whose family name it is, without a given name
    (:func:`.placeholders.is_unknown`).  ``name`` keeps the string as the source wrote it, so
    nothing taken out of the parts is lost.
    """
    name = clean_text(value).strip(" ,;")
    if not name:
        raise NormaliseError("the name is empty")
    return _agent(name, organisation_test=True)


def named_agent(value: str) -> dict[str, Any] | None:
    """The ``agent`` operation: :func:`agent`, but a provenance statement ("Digitized by
    Internet Archive": :func:`.placeholders.is_provenance`) names no agent, as in
    :func:`agents`: ``None``, the value kept in ``extra``."""
    return None if is_provenance(clean_text(value)) else agent(value)


def agents(value: str) -> list[dict[str, Any] | None]:
    """Parse a string of one or more names (a Dublin Core creator or contributor) into Agents.

    CONTENTdm packs people into one element ("Hayden, Edwin; Jessop, Charles"); catalogues join
    two with *and* ("Dodson-Robinson, Sarah and Haley, Charlotte"), read as two when each side
    is ``Family, Given``; journals' author lines, footnote markers and all, are read as their
    people ("A. Kumaravel*1, Lakshmi R.2 and S. Devendran3"), each named without its markers
    (they point to affiliations the record does not give), and what follows their names ("A.
    Rao and B. Das, New Delhi") as the last one's affiliation (:func:`.bylines.name_strings`).
    OJS 2 writes ``Family, Given; Affiliation`` ("S, Lakshminarayana; AU, AP, India"): a part
    after a person's that names no person (an organisation, or a place of two commas or more)
    is that person's affiliation.  Organisations alone ("University of Oslo; University of
    Bergen") are agents.  Each part is read by :func:`agent`; a plural role after an author
    line's names ("A. Rao and B. Das, editors") is each one's.  A part that is a provenance
    statement ("Obtained from the Protein Data Bank", "Digitized by Internet Archive":
    :func:`.placeholders.is_provenance`) names no agent: ``None`` stands for it, a part
    without a place, so that the crosswalk keeps the whole value in ``extra``; so does a role
    alone beside other parts ("Smith, John; (ed.)"), which alone is a bad value.
    """
    result: list[dict[str, Any] | None] = []
    parts = name_strings(value)
    for part in parts:
        if is_provenance(part.text) or (len(parts) > 1 and _role_alone(part.text)):
            result.append(None)  # "Smith, John; (ed.)": Smith stays, the value goes to extra
            continue
        person = result[-1] if result and result[-1] and result[-1]["type"] == "personal" else None
        if person is not None and (part.affiliation or _names_no_person(part.text)):
            person.setdefault("affiliations", []).append({"name": part.text})
            continue
        made = agent(part.text)
        if part.role and "role" not in made:  # "A. Rao (trans.)" keeps trl
            row = lookup_row("relators", part.role.rstrip("."))
            assert row is not None  # bylines._plural_role found it so
            made["role"], made["role_source"] = row["code"], part.role
        result.append(made)
    if not result:
        raise NormaliseError("the name is empty")
    return result


def _role_alone(part: str) -> bool:
    """A role in parentheses with no name before it: "(ed.)" (see :func:`_agent`)."""
    core, role = without_role(part)
    return role is not None and not core.strip(" ,;")


def _names_no_person(part: str) -> bool:
    """Does a part name no person: an organisation but a group, or a place ("AU, AP, India")?

    A place has two commas or more; what a person's name has after its second comma does not
    make one: life dates, a title ("Spelman, Henry, Sir"), a degree ("Doe, Jane, PhD") or a
    role ("Jones, Mary, editor", a co-author who had become an affiliation).
    """
    core = without_life_dates(without_role(part)[0])
    if is_organisation(core):
        # "Primus; Maroon 5" (performers): no one's affiliation is a band; "Smith, John; The
        # University of Sydney" (OJS) is one.
        return not is_ensemble(core)
    if core[-1:] == ")":
        core = _COMMA_QUALIFIER.sub("", core)  # "Roe, Mary (Leeds, UK)": no place
    pieces = [piece.strip() for piece in core.split(",")]
    return len(pieces) > 2 and not all(after_a_name(piece) for piece in pieces[2:])


def _agent(name: str, *, organisation_test: bool) -> dict[str, Any]:
    """:func:`agent` on a cleaned, non-empty name; a person's unless the test finds otherwise.

    Read once a name: the same names come back in a harvest (a repository's authors, and in
    MODS each name a rule built and refused, a contributor the creators' rule read first), and
    reading one costs some tens of microseconds.  The caller has its own copy to change.
    """
    # Each looked for only where the name ends as it would (most names end in a letter):
    # outside the cache, both searches had cost every name 0.3 µs, more than a hit.
    affiliated = _affiliated_person(name) if name[-1] == ")" else None
    if affiliated is not None:
        return affiliated
    found = _ORCID_AFTER.search(name) if name[-1] in _ORCID_ENDS else None
    orcid = _orcid(found["orcid"]) if found and found.start() else None
    if found is None or orcid is None:
        return dict(_read_agent(name, organisation_test))
    # The person is read without the iD, which is theirs; ``name`` keeps it, as written.
    made = dict(_read_agent(name[: found.start()], organisation_test))
    if made["type"] != "personal":
        return dict(_read_agent(name, organisation_test))
    made["name"], made["identifiers"] = name, [{"scheme": "orcid", "value": orcid}]
    return made


def _affiliated_person(name: str) -> dict[str, Any] | None:
    """``Family, Given (Affiliation)``: the person, whose affiliation the organisation in
    parentheses is (the whole string, which holds "University", had been an organisation).

    Not a role in parentheses, though it names a body's part ("Taylor, Ann (Committee
    member)": dgc; "Brown, A. (Publisher)": pbl), nor a heading of a jurisdiction's part in a
    person's shape ("United States, Congress (Senate Committee on Finance)": a body's).
    """
    found = _AFFILIATION_AFTER.match(name)
    if (
        found is None
        or not is_organisation(found["body"])
        or without_role(name)[1] is not None
        or is_organisation(found["person"])
        or names_a_subdivision(found["given"])
    ):
        return None
    body = _without_function(found["body"])
    if body is None:
        return None
    made = _agent(found["person"], organisation_test=True)
    if made["type"] != "personal" or "role" in made:
        return None
    made["name"], made["affiliations"] = name, [{"name": body}]
    return made


def _without_function(body: str) -> str | None:
    """The organisation a body's name in parentheses names: itself; or, after a person's
    function in it, what follows the comma ("Dean, School of Law": "School of Law"); or
    ``None``, the function alone ("Programme committee chair", "Head of Department")."""
    if not _a_function(body):
        return body
    _, comma, rest = body.partition(",")
    rest = rest.strip()
    return rest if comma and is_organisation(rest) and not _a_function(rest) else None


def _a_function(body: str) -> bool:
    """Does a body's name in parentheses begin or end with a person's function in it (see
    :data:`_FUNCTIONS`)?"""
    words = body.lower().replace(",", " ").split()
    return not _FUNCTIONS.isdisjoint(words[:1] + words[-1:])


def _orcid(text: str) -> str | None:
    """The ORCID iD ``text`` is, if its check digit says so."""
    try:
        return identifier(text, "orcid")["value"]
    except NormaliseError:
        return None


@lru_cache(maxsize=4096)
def _read_agent(name: str, organisation_test: bool) -> dict[str, Any]:
    """What :func:`_agent` returns, remembered: a mapping of strings that no one changes."""
    core, role = without_role(name)
    if role and not core.strip(" ,;"):  # "(ed.)" alone: it had been a person of no name
        raise NormaliseError(f"{name!r} is a role ({role[0]}) without a name")
    core = without_life_dates(core)
    if organisation_test and (
        is_organisation(_without_persons_role(core)) or _body_by_role(core, role)
    ):
        return _body(name, role)
    if "," not in core:
        core = _QUALIFIER.sub("", core)  # a comma's "Ng, Mary (Molly)" keeps its nickname
    elif core[-1] == ")":
        core = _COMMA_QUALIFIER.sub("", core)  # "Roe (Hasnon, France)": no "Family, Given"
    head = name_before_trailers(core)
    family, given = person_parts(head or core)
    if organisation_test and is_common_noun(family, core):
        return _body(name, role)
    result: dict[str, Any] = {"type": "personal", "name": name}
    if family:
        result["family_name"] = family
    if given:
        result["given_name"] = given
    role = role or role_after_comma(core, 1 if head else 2)
    if role:
        result["role"], result["role_source"] = role
    return result


# A user's relators table, added after names were read, has them read again.
when_tables_change(_read_agent.cache_clear)


def _body(name: str, role: tuple[str, str] | None) -> dict[str, Any]:
    """An organisation of that name, with its role: a body's ("Abbaye … (Binder)", "Leeds
    University Press (Publisher)") had been read and dropped."""
    body: dict[str, Any] = {"type": "organizational", "name": name}
    if role:
        body["role"], body["role_source"] = role
    return body


#: MARC relators only bodies are as a rule: publisher, degree granting institution, host
#: institution, funder, distributor, production company.
_BODY_ROLES = frozenset(("pbl", "dgg", "his", "fnd", "dst", "prn"))


def _without_persons_role(core: str) -> str:
    """``core`` without a person's relator term after its last comma, for the organisation
    test: "Smith, John, committee member" had been a body for the role's word "committee".
    A body's role ("…, publisher") stays: bodies are read by it as before."""
    head, comma, last = core.rpartition(",")
    row = lookup_row("relators", last.strip().rstrip(".")) if comma else None
    return head if row is not None and row["code"] not in _BODY_ROLES else core


def _body_by_role(core: str, role: tuple[str, str] | None) -> bool:
    """A name with a word bodies share with surnames, in a body's role: "Kestrel Valley Press
    (Publisher)", as Islandora's MODS to DC stylesheet writes a corporate publisher, had been a
    person, family name "Press"; "Frank Press" alone stays one."""
    return role is not None and role[0] in _BODY_ROLES and has_weak_word(core)


def agent_parts(parts: dict[str, Any]) -> dict[str, Any]:
    """Finish an Agent built from name parts (MODS ``name``, DataCite ``creator``).

    ``parts`` may hold ``name_type`` (MODS @type: personal, corporate, conference, family),
    ``family_name``, ``given_name``, ``names`` (untyped name parts), ``display_form``,
    ``role``, ``role_text``, ``identifiers`` and ``affiliations``.  A name given only as one
    string is parsed like :func:`agent`, except that a name typed ``personal`` is a person's
    whatever its words ("Center, Mary").  A person's display form is the agent's ``name`` (MODS
    displayForm is the name as it should be shown: "Dame Petronella Vask-Hollis"); an
    organisation has no place for one beside its name, so a crosswalk passes it only when it
    is the only name or the name is a person's (mods.yaml), and otherwise leaves it for
    ``extra``.  A role given as text is looked up in the ``relators`` table unless a code is
    given; its text is kept in ``role_source`` either way.
    """
    names = [n for n in parts.get("names", []) if n]
    display = parts.get("display_form")
    if parts.get("name_type") in ("corporate", "conference"):
        if not names and not display:
            raise NormaliseError("an organisation's name is missing")
        result: dict[str, Any] = {"type": "organizational", "name": ". ".join(names) or display}
    elif parts.get("family_name"):
        result = {"type": "personal", "family_name": parts["family_name"]}
        if parts.get("given_name"):
            result["given_name"] = parts["given_name"]
        result["name"] = ", ".join(
            p for p in (result["family_name"], result.get("given_name")) if p
        )
    elif names or display:
        string = clean_text(names[0] if names else str(display)).strip(" ,;")
        if not string:
            raise NormaliseError("the name is empty")
        result = _agent(string, organisation_test=parts.get("name_type") != "personal")
    elif parts.get("given_name"):
        # One-name people ("Madonna", many pre-modern and Indonesian names) are catalogued
        # with only a given namePart: a person, not a missing name.
        result = {"type": "personal", "given_name": parts["given_name"]}
        result["name"] = parts["given_name"]
    else:
        raise NormaliseError("the name has no name parts")
    if display and result["type"] == "personal":
        result["name"] = display
    for key in ("identifiers", "affiliations"):
        if parts.get(key):
            result[key] = parts[key]
    _role(parts, result)
    return result


# AACR2 headings end a relator term with a full stop ("editor."); others add a comma.
_TRAILING_PUNCTUATION = " .,;:"


def _role(parts: dict[str, Any], result: dict[str, Any]) -> None:
    """The relator code: the one given, else the code of the role text (``editor.`` → edt)."""
    role = parts.get("role")
    text = parts.get("role_text")
    if text is not None:
        result["role_source"] = text
        if role is None:
            row = lookup_row("relators", text) or lookup_row(
                "relators", text.rstrip(_TRAILING_PUNCTUATION)
            )
            # A role the table does not know is still a role, and not "author": MARC's "oth"
            # (a "degree granting department" once made a creator, as no role does).
            role = row["code"] if row else "oth"
    if role is not None:
        result["role"] = str(role).lower()
