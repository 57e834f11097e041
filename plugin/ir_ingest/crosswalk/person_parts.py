"""A person's name string read into its family and given names.

:mod:`ir_ingest.crosswalk.names` finds that a string names a person and takes away what is no
part of the name (a role in parentheses, life dates, a qualifier); :func:`person_parts` splits
what is left, ``Family, Given`` (as catalogues write it: particles after the given name, a
title after a second comma) or ``Given [particles] Family``, or family name first without a
comma (:func:`.name_order.family_words`), and :func:`name_before_trailers` finds the name in
``Given Family, …`` when only a degree, a suffix or a role follows its comma.
"""

from __future__ import annotations

import re

from ir_ingest.crosswalk.bylines import INITIAL_FIRST, only_after_a_name
from ir_ingest.crosswalk.lookups import lookup_row
from ir_ingest.crosswalk.name_order import PARTICLE, family_words, is_vietnamese_family_name
from ir_ingest.crosswalk.placeholders import TEMPLATE_NAMES, UNKNOWN_FORMS, is_unknown

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


def name_before_trailers(name: str) -> str:
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


def person_parts(name: str) -> tuple[str, str]:
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
    (read before, :func:`name_before_trailers`).
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
