"""Strings written where a person's name goes that name no one known, or no one.

A placeholder for a person no one knows ("Anonymous", "Unknown scribe", "N.N."), a template's
dummy name ("Fname Lname"), and a provenance statement written as a contributor ("Obtained
from the Protein Data Bank"): :mod:`ir_ingest.crosswalk.names` makes the first two a person
all family name, as DataCite writes an unknown person, and the last no agent at all.
"""

from __future__ import annotations

import re

# Words that stand for a person no one knows, in English and the languages of European
# catalogues: "Unknown scribe", "Anonymous", "Anon.", "Auteur inconnu", "Unbekannt".
_UNKNOWN_WORDS = frozenset(
    ("unknown", "unidentified", "anonymous", "anon", "anonym", "anonyme", "anonimo", "anónimo",
     "anónima", "unbekannt", "inconnu", "inconnue", "desconocido", "desconocida",
     "sconosciuto", "onbekend", "tuntematon", "okänd", "ukjent")
)  # fmt: skip
# Those words as names write them (capitalised, in capitals, bracketed, abbreviated), so that
# a name's first and last words are looked up as they stand: every creator's are.  "Anon"
# without its full stop is a Thai given name ("Anon Chaiyasit").
UNKNOWN_FORMS = frozenset(
    form
    for word in _UNKNOWN_WORDS
    for case in (word, word.capitalize(), word.upper())
    for form in (f"{case}.", f"[{case}.]", *(() if word == "anon" else (case, f"[{case}]")))
)
# A form's or a template's dummy values left in a record for a person's name: Zenodo and
# DPLA's test records have creators "Creator", "Contributor", "Name of contributor" (it had
# been given name "Name of"), "Lname, Fname".  Whole names only: placeholders, all family
# name as "Anonymous" is (validate's person_without_given_name tells that no one is named).
TEMPLATE_NAMES = frozenset(
    form
    for name in ("creator", "contributor", "author", "other", "fname lname", "lname, fname",
                 "firstname lastname", "lastname, firstname", "name of creator",
                 "name of contributor", "name of author")
    for form in (name, name.capitalize(), name.title(), name.upper())
)  # fmt: skip
# "N.N." (nomen nescio), the words of a name that stands for an unknown person.
_NOMEN_NESCIO = (["N.N."], ["N.", "N."])
# Where a thing came from, written where a contributor is: NSDL's "Obtained from the Protein
# Data Bank", "Obtained courtesy of the Cambridge Structural Database" (they had been persons,
# family name "Bank"), a scan's "Digitized by Internet Archive", "Courtesy of …".  No one made
# the work so: a provenance statement, no agent.
_PROVENANCE = re.compile(
    r"(?:(?:obtained|retrieved|downloaded|reproduced)\s+(?:courtesy\s+of|from)"
    r"|courtesy\s+of|(?:digiti[sz]ed|scanned|provided)\s+by|gift\s+of)\s",
    re.IGNORECASE,
)


def is_unknown(words: list[str]) -> bool:
    """Do the words of a name without a comma stand for someone no one knows: "Unknown
    scribe", "Anonymous"?

    Catalogues of manuscripts, photographs and art name the maker so ("Unknown scribe
    (manuscript)" had been family name "scribe", given name "Unknown"): a person, all family
    name, whose given name no one knows.  The word begins or ends the name, or the name is
    "N.N." (nomen nescio) whole.
    """
    return words[0] in UNKNOWN_FORMS or words[-1] in UNKNOWN_FORMS or words in _NOMEN_NESCIO


def is_provenance(text: str) -> bool:
    """Does a contributor's text say where the work came from rather than who made it
    (:data:`_PROVENANCE`): "Digitized by Internet Archive", "Obtained from …"?"""
    return _PROVENANCE.match(text) is not None
