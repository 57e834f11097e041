"""Names: a name string, or a record's name parts, read as an Agent (a person or an organisation).

:func:`agent` parses one string (``Family, Given``, ``Given Family``, an organisation's name);
:func:`agents` a string that may pack several, with their affiliations (Dublin Core creators);
:func:`agent_parts` finishes an Agent from name parts (MODS ``name``, DataCite ``creator``).
Like the normalisers of :mod:`ir_ingest.crosswalk.normalise`, they raise
:class:`~ir_ingest.crosswalk.normalise.NormaliseError` when there is no name to read.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ir_ingest.crosswalk.bylines import (
    INITIAL_FIRST,
    after_a_name,
    name_strings,
    only_after_a_name,
    without_life_dates,
)
from ir_ingest.crosswalk.lookups import lookup_row, when_tables_change
from ir_ingest.crosswalk.name_order import PARTICLE, family_words, is_vietnamese_family_name
from ir_ingest.crosswalk.normalise import NormaliseError, clean_text
from ir_ingest.crosswalk.organisations import (
    has_weak_word,
    is_common_noun,
    is_ensemble,
    is_organisation,
)
from ir_ingest.crosswalk.placeholders import (
    TEMPLATE_NAMES,
    UNKNOWN_FORMS,
    is_provenance,
    is_unknown,
)
from ir_ingest.crosswalk.roles import role_after_comma, without_role

# Any other qualifier in parentheses after a name without a comma: "Thiruvalluvar (text)".
_QUALIFIER = re.compile(r"\s+\([^()]*\)$")
# One that holds a comma, a place's or dates' ("Abbaye … (Hasnon, France)"), with a comma or
# without: no nickname, and its comma had split the name ("Roe (Hasnon" + "France)").
_COMMA_QUALIFIER = re.compile(r"\s+\([^()]*,[^()]*\)$")
# A given name a catalogue's full stop ends ("Alterman, Eric."): a word of four letters or more,
# as shorter ones are often abbreviations ("Andi Muh." for Muhammad, "Wm.", "L-F."), or a
# particle ("Jong, G. de.").
_STOPPED_NAME = re.compile(r"[^\W\d_]{4,}(?:-[^\W\d_]{2,})*\.")
# Given names of four letters or more that English catalogues abbreviate ("Thos.", "Chas."):
# their full stop stays.
_ABBREVIATED = frozenset(
    ("thos", "chas", "benj", "saml", "robt", "richd", "jona", "edwd", "alexr", "geo", "jas", "wm")
)
# Titles before a name written in direct order ("Prof. A.K. Rao", "Ms. Meera Iyer").
_HONORIFICS = frozenset(("prof", "professor", "dr", "mr", "mrs", "ms", "miss"))


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
    return dict(_read_agent(name, organisation_test))


@lru_cache(maxsize=4096)
def _read_agent(name: str, organisation_test: bool) -> dict[str, Any]:
    """What :func:`_agent` returns, remembered: a mapping of strings that no one changes."""
    core, role = without_role(name)
    if role and not core.strip(" ,;"):  # "(ed.)" alone: it had been a person of no name
        raise NormaliseError(f"{name!r} is a role ({role[0]}) without a name")
    core = without_life_dates(core)
    if organisation_test and (is_organisation(core) or _body_by_role(core, role)):
        return _body(name, role)
    if "," not in core:
        core = _QUALIFIER.sub("", core)  # a comma's "Ng, Mary (Molly)" keeps its nickname
    elif core[-1] == ")":
        core = _COMMA_QUALIFIER.sub("", core)  # "Roe (Hasnon, France)": no "Family, Given"
    head = _name_before_trailers(core)
    family, given = _person_parts(head or core)
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


def _body_by_role(core: str, role: tuple[str, str] | None) -> bool:
    """A name with a word bodies share with surnames, in a body's role: "Kestrel Valley Press
    (Publisher)", as Islandora's MODS to DC stylesheet writes a corporate publisher, had been a
    person, family name "Press"; "Frank Press" alone stays one."""
    return role is not None and role[0] in _BODY_ROLES and has_weak_word(core)


def _name_before_trailers(name: str) -> str:
    """The name of ``Given Family, …`` when only what follows a name comes after its comma (a
    degree, a suffix, a role: :func:`.bylines.only_after_a_name`): "John Smith, PhD", "K.
    Jones, editor" (an author line's last name), "Martin Luther King, Jr."; else "".

    They had been read ``Family, Given``: family name "John Smith", given name "PhD".  A
    family name of two words with no given name after it ("García Márquez, Jr.") is rarer
    than a name in direct order; one word is a family name ("Smith, PhD"), and a name that is
    family name alone is read so without its comma too ("van der Berg, Jr.").
    """
    head, comma, rest = name.partition(",")
    if not comma or not all(only_after_a_name(piece.strip()) for piece in rest.split(",")):
        return ""
    if " " not in head.strip() and _role_as_given_name(rest.strip()):
        return ""  # "Smith, Host": Family, Given
    return head.strip()


#: The roles records name people by, which no one is given as a name: "Smith, Editor" is
#: the editor Smith in any case, where "Smith, Host" or "Smith, Singer" may be a given name.
_NEVER_GIVEN = frozenset({"aut", "cre", "ctb", "edt", "trl", "ill", "com"})


def _role_as_given_name(rest: str) -> bool:
    """Is what follows a family name alone and its comma a relator term written as a given name
    is, one capitalised word: "Smith, Host" (Host is a given name; it had been role hst and no
    given name)?  Catalogues write a relator term after a name in lower case ("Smith, John,
    editor", AACR2 and RDA's $e); "Smith, editor" stays a role, "Smith, PhD" a degree, and so
    does a role no one is named (:data:`_NEVER_GIVEN`): "Smith, Editor"."""
    if not (rest.istitle() and rest.isalpha()):
        return False
    row = lookup_row("relators", rest)
    return row is not None and row["code"] not in _NEVER_GIVEN


def _person_parts(name: str) -> tuple[str, str]:
    """Family and given name of ``Family, Given``, of a name written family name first without
    a comma (``Family J.A.``, ``Family Given Patronymic``: :func:`.name_order.family_words`), of
    ``Given [particles] Family``; a title before them goes.  A placeholder
    (:func:`.placeholders.is_unknown`) is all family name, as a name of one word is:
    InvenioRDM needs one of a person, and DataCite's practice for an unknown person is
    ``familyName`` "Anonymous"; what a given name would be is no one's ("Unknown scribe" had
    been family name "scribe", given "Unknown"); so is a template's dummy name ("Fname
    Lname", :data:`.placeholders.TEMPLATE_NAMES`)."""
    if name in TEMPLATE_NAMES:
        return name, ""  # "Fname Lname": no one's given name
    if "," in name:
        if name[1:2] == "." and _given_names_before_comma(name):
            given_names, _, family_name = name.partition(",")
            return family_name.strip(), given_names  # "A. Etotépé, Sogbohossou"
        inverted = _inverted_parts(name)
        if inverted[1] in UNKNOWN_FORMS and inverted[0] in UNKNOWN_FORMS:
            return inverted[0], ""  # "Unknown, Unknown": a form's fields, neither name known
        return inverted
    words = name.split(" ")
    if is_unknown(words):
        return name, ""
    while len(words) > 1 and words[0].lower().rstrip(".") in _HONORIFICS:
        words = words[1:]  # "Prof. Meera Iyer" (so Zenodo has creators): no given name "Prof."
    family = family_words(words)
    if family:
        return " ".join(words[:family]), " ".join(words[family:])
    last = len(words) - 1
    first_of_family = last
    while first_of_family > 1 and _is_particle(words, first_of_family - 1, last):
        first_of_family -= 1
    return " ".join(words[first_of_family:]), " ".join(words[:first_of_family])


def _given_names_before_comma(name: str) -> bool:
    """Are the given names before the comma and the family name after it: "A. Etotépé,
    Sogbohossou" (in Zenodo's form for a person, the given names typed as the family name)?

    Yes when the part before begins with an initial, as no family name does, and the part
    after is one capitalised word, as a family name is (it had been given name
    "Sogbohossou", family name "A. Etotépé").  Not "A. Rao, New Delhi", nor "A. Smith, Jr."
    (read before, :func:`_name_before_trailers`).
    """
    family, _, given = name.partition(",")
    given = given.strip()
    return (
        INITIAL_FIRST.match(family) is not None
        and given[:1].isupper()
        and given.replace("-", "").isalpha()
    )


def _inverted_parts(name: str) -> tuple[str, str]:
    """Family and given name of ``Family, Given`` (the given part as catalogues write it).

    What follows a second comma is a title or suffix ("Spelman, Henry, Sir", "Smith, John,
    Jr."), no given name.  A catalogue's full stop after a given name goes ("Alterman, Eric."),
    an initial's or an abbreviation's stays ("Smith, J.", "Andi Muh.").  Lower-case particles
    written after the given name begin the family name: "Jong, G. de" is G. de Jong, "Laan, L.
    van der" L. van der Laan; so do those written after the family name (:func:`_particles_first`).
    """
    family, _, rest = (part.strip() for part in name.partition(","))
    given = rest.partition(",")[0].strip()
    last, stop = given.rsplit(" ", 1)[-1], given.endswith(".")
    name_stopped = _STOPPED_NAME.fullmatch(last) and last[:-1].lower() not in _ABBREVIATED
    if stop and (name_stopped or _is_lower_particle(last[:-1])):
        given = given[:-1]
    words = given.split(" ")
    first_particle = _trailing_particles(words)
    family = " ".join([*words[first_particle:], _particles_first(family)])
    return family, " ".join(words[:first_particle])


def _particles_first(family: str) -> str:
    """A family name with the particles Dutch catalogues write after it ("Hoeven van der, K.L.",
    "Bos de, M.") before it, as they stand after a given name: "van der Hoeven".  A family
    name of particles alone ("van der") has no name to put them before: it stays."""
    if " " not in family or _is_lower_particle(family.partition(" ")[0]):
        return family
    words = family.split(" ")
    first = _trailing_particles(words)
    return " ".join(words[first:] + words[:first])


def _trailing_particles(words: list[str]) -> int:
    """Where the lower-case particles that end ``words`` begin (after its first word, at least)."""
    first = len(words)
    while first > 1 and _is_lower_particle(words[first - 1]):
        first -= 1
    return first


def _is_lower_particle(word: str) -> bool:
    """A particle in lower case: after a given name "Van" may be a name ("Berg, Jan Van")."""
    return word.islower() and bool(PARTICLE.fullmatch(word))


def _is_particle(words: list[str], i: int, last: int) -> bool:
    """Does ``words[i]`` begin the family name, given that ``words[i + 1:]`` do?

    A lower-case particle does ("Jan van der Berg").  A capitalised one does when it leads
    particles ("Jan Van der Berg"), or before a family name that is not Vietnamese: in "Tuan
    Van Nguyen", "Hieu Van Le" and "The Vinh Van Tran" the Vietnamese Van (Văn) is a middle
    name, while "Ahmed Le Roux", "Vincent Van Gogh" and "Olga St. John" had lost the first
    word of their family names to the given names.
    """
    word = words[i]
    if not PARTICLE.fullmatch(word):
        return False
    if word.islower():
        return True
    return i + 1 < last or not is_vietnamese_family_name(words[last])


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
