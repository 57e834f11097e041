"""Whether a name string names an organisation rather than a person.

Dublin Core gives a creator as one string, and MODS a name often without its type: the
crosswalks tell a body ("World Health Organization", "Smith & Co", "MIT Press") from a person
("Frank Press", "Press, Frank") by its words and its shape, before
:mod:`ir_ingest.crosswalk.person_parts` parses a person's name into its parts.
"""

from __future__ import annotations

import re

from ir_ingest.crosswalk.lookups import lookup_row
from ir_ingest.crosswalk.name_order import PARTICLE

# Music ensembles, creators in music collections ("Kronos Quartet" had been a person).
_ENSEMBLE_PATTERN = r"orchestra|philharmonic|ensemble|choir|chorale|quartet|quintet"
_ENSEMBLE_WORDS = re.compile(rf"\b({_ENSEMBLE_PATTERN})\b", re.IGNORECASE)
# Words that make a name string an organisation's wherever they stand ("World Health
# Organization", "European Commission", "Oxford University Press"): none is a common surname.
# Written in lower case (see _ASCII_ORGANISATION_WORDS).
_ORGANISATION_PATTERN = (
    r"\b(institute|institut|institution|university|universit\w*|college|school|academy|"
    # The same in Spanish and Portuguese, Polish, Czech and Slovak ("García Márquez, Gabriel
    # (Universidad Nacional de Colombia)" had kept the parentheses in its given name).
    r"universidad\w*|uniwersytet\w*|univerzit\w*|"
    r"centre|center|department|ministry|agency|authority|government|commission|"
    r"committee|council|association|society|federation|foundation|organi[sz]ation|"
    r"consortium|laboratory|laboratories|museum|archives|hospital|publishers?|publishing|"
    r"services|corp|inc|ltd|llc|plc|gmbh|corporation|company|"
    # Research groups and collaborations, creators of reports and datasets ("Estuary Research
    # Group" had been a person, family name "Group"): "Group" alone is a weak word.
    r"research (?:group|team|unit)|(?:study|working|writing|steering) group|task force|"
    r"collaboration|"
    # A firm of brothers ("Maggs Bros.", a manuscript's former owner, had been a person,
    # family name "Bros."): no one's surname is abbreviated so.
    r"bros(?=\.)|"
    # Public bodies and their parts ("City of Lansing", "City Planning Division").
    r"city of|county|municipality|division|"
    # Mapping agencies ("Survey of India", a David Rumsey map's creator and publisher, had been
    # family "India", given "Survey of").
    r"survey|"
    # A jurisdiction's laws, as Library of Congress headings name them: "Germany. Laws, etc.
    # (Reichsgesetzblatt)", "United States. Laws, statutes, etc." had been a person, family name
    # "Germany. Laws".  "Laws, John" is a person's: only the "etc." makes the heading.
    r"laws, (?:statutes, )?etc|"
    # Legislatures and courts, as a heading's single words name them ("Legislature", "House of
    # Representatives" had been persons: family name "Legislature", "Representatives").  Not
    # "Senate", "Congress", "Court": surnames too, weak words.
    r"legislature|parl(?:iament|ement|ament)|assembl(?:y|[ée]e)|supreme court|"
    r"house of (?:representatives|commons|lords|delegates)|"
    # Religious houses, creators of manuscripts and charters ("Abbaye Saint-Pierre de Hasnon
    # (Hasnon, France)" had been a person).  Not "Monasterio", "Chiesa", "de la Iglesia":
    # surnames; "Church" and "Abbey" are weak words (Alonzo Church, Edward Abbey).
    r"monast(?:ery|[èe]re)|ab(?:baye|bazia|tei)|cath(?:edral|[ée]drale)|eglise|église|"
    rf"{_ENSEMBLE_PATTERN}|"
    # The same in the languages of European repositories' headings: "Helsingin yliopisto,
    # soveltavan biologian laitos" was read as family "Helsingin yliopisto", given the rest.
    r"yliopisto|laitos|tiedekunta|kirjasto|hochschule|fakult\w*|facult\w*|instituut|"
    r"istituto|instituto|departamento|d[ée]partement|dipartimento|ministerio|minist[èe]re|"
    r"bibliothek|biblioth[èe]que|biblioteca|museo|mus[ée]e)\b"
)
_ORGANISATION_WORDS = re.compile(_ORGANISATION_PATTERN, re.IGNORECASE)
# The same, for an ASCII name lower-cased: lower() keeps its length and its word boundaries,
# so the two find the same, and a case-sensitive pattern is searched four times faster (the
# regular expression engine skips an alternative on its first letter only when case matters).
_ASCII_ORGANISATION_WORDS = re.compile(_ORGANISATION_PATTERN)
# Words that name organisations but are surnames too (Frank Press, Robert Service, Mary Grace
# Co, Nicholas Bureau, Alonzo Church): evidence only in an organisation's shape, see
# _weak_organisation, and none after a name's particle (_weak_positions).
_WEAK_ORGANISATION_WORDS = frozenset(
    ("co", "press", "service", "board", "union", "bureau", "archive", "group", "project",
     "network", "office", "lab", "library", "church", "abbey", "chapel",
     "senate", "congress", "court")
)  # fmt: skip
# Words no personal name has ("Board of Trade", "Office for National Statistics", "Smith & Co").
FUNCTION_WORDS = frozenset(("of", "for", "the", "and", "&"))
# An acronym in parentheses after a body's name: "International Journal of … Survey
# (IJCSES)" (a Zenodo creator) had been a person, family "Survey".  A person's affiliation
# is written so too ("John Smith (NASA)"): only a name of four words or more, or with a word
# no personal name has ("of"), is a body's.  The name ends where the run of spaces before the
# "(" begins (or is its first space, a name all spaces) and the run is taken whole: the lazy
# name had been tried at each space of a run, each try reading the run to its end.
_ACRONYM_AFTER = re.compile(r"^(?P<name>.+?)(?<=\S|^\s)\s++\([A-Z]{3,}\)$")
# An acronym of three or more capitals beside a weak word: "MIT Press", "ACM Press".
_ACRONYM = re.compile(r"^[A-Z]{3,}$")
# The qualifier Library of Congress headings give a band: "Beatles (Musical group)".
_GROUP_QUALIFIER = re.compile(r"\((?:[a-z]+ )?(?:group|duo|trio|quartet|ensemble)\)$")
# Titles after a leading "The" that make a person's name: "The Rev. John Smith", "The Earl
# of Derby", "The Venerable Bede".
_TITLES_AFTER_THE = frozenset(
    ("rev", "revd", "reverend", "hon", "honourable", "honorable", "right", "rt", "very",
     "most", "venerable", "ven", "blessed", "saint", "st", "lord", "lady", "sir", "dame",
     "earl", "countess", "count", "duke", "duchess", "marquess", "marquis", "viscount",
     "baron", "baroness", "prince", "princess", "king", "queen", "emperor", "empress",
     "bishop", "archbishop", "cardinal", "pope", "abbot", "abbess", "dr", "prof", "mr",
     "mrs", "ms", "miss", "master", "mother", "sister", "brother", "father", "dalai")
)  # fmt: skip

# Vietnamese family names, the commonest (most Vietnamese bear one), those that are no English
# words, with and without their marks: "The Anh Nguyen" is Thế Anh Nguyễn in Western order.
_VIETNAMESE_FAMILY_NAMES = frozenset(
    ("nguyen", "tran", "pham", "hoang", "huynh", "phan", "bui", "ngo", "duong", "truong",
     "dinh", "trinh", "luong", "doan", "nguyễn", "trần", "phạm", "hoàng", "huỳnh", "bùi",
     "ngô", "dương", "trương", "đinh", "trịnh", "lương", "đoàn")
)  # fmt: skip


def is_organisation(name: str) -> bool:
    """Does a name string (without role and life dates) name an organisation?

    Yes if it has a word only organisations have (*University*, *Commission*, *Ltd*), or a word
    organisations share with surnames (*Press*, *Service*, *Co*) in an organisation's shape
    (:func:`_weak_organisation`), or if it is a group's (:func:`is_group`) or a name entered as
    both family and given name (:func:`_entered_twice`).
    """
    return (
        _is_body(name)
        or is_group(name)
        # Its middle is ", " (tested first: every creator is).
        or (name[len(name) // 2 - 1 : len(name) // 2 + 1] == ", " and _entered_twice(name))
    )


def has_weak_word(name: str) -> bool:
    """Does a name hold a word organisations share with surnames (*Press*, *Co*, *Service*)?"""
    return bool(_weak_positions(_bare_words(name)))


def names_a_subdivision(given: str) -> bool:
    """Does what follows the comma of ``Family, Given`` name a part of a body, not a person's
    given name: "United States, Congress", "Ohio, Senate", "United States, Navy"?

    Library of Congress headings name a jurisdiction's parts so ("United States. Congress"),
    and with a comma for the full stop they have a person's shape.  It begins with a word
    organisations share with surnames, which no given name is ("Abbey" is one), or one of a
    state's forces and offices (:data:`_SUBDIVISION_WORDS`); or it is one after words that
    qualify such a part ("General Court", "Coast Guard").  Not one of them after a given name:
    "Mary Church", "John Court" and "Jean Bureau" are persons.
    """
    words = _bare_words(given)
    return bool(words) and (
        words[0] in _SUBDIVISION_WORDS
        or (words[-1] in _SUBDIVISION_WORDS and _SUBDIVISION_QUALIFIERS.issuperset(words[:-1]))
    )


# The weak organisation words less "abbey" (a given name too), and a state's forces and offices.
_SUBDIVISION_WORDS = (_WEAK_ORGANISATION_WORDS - {"abbey"}) | frozenset(
    ("army", "navy", "force", "corps", "guard", "president", "governor", "treasury")
)
# Words before one of those in the name of a state's part: "Supreme Court", "Air Force".
_SUBDIVISION_QUALIFIERS = frozenset(
    ("general", "supreme", "high", "district", "circuit", "federal", "national", "state",
     "coast", "air", "marine", "royal", "naval", "post", "foreign", "home", "war")
)  # fmt: skip


def _weak_positions(bare: list[str]) -> list[int]:
    """Where the words of a name (:func:`_bare_words`) are weak organisation words, but not one
    after a particle (:data:`.name_order.PARTICLE`) after a first word: such a particle begins
    a family name, and the word after it is that name's ("Pieter de la Court", a Dutch
    economist, had been an organisation, Court in a name of four words).  A particle that
    begins a name may be an article: Dutch "De Service Groep Nederland" is a firm's name."""
    return [
        i
        for i, word in enumerate(bare)
        if word in _WEAK_ORGANISATION_WORDS and not (i > 1 and PARTICLE.fullmatch(bare[i - 1]))
    ]


def _bare_words(name: str) -> list[str]:
    """The words of a name, lower-cased, without the punctuation around them."""
    return [word.strip(".,;:()[]\"'").lower() for word in name.split()]


def is_ensemble(name: str) -> bool:
    """Does a name string name a band or an ensemble, which is no person's affiliation?

    One with an ensemble's word ("Silk Road Ensemble"), or a group by :func:`is_group`'s signs
    that no other word makes a body: "Maroon 5", "The Beatles", but not "The University of
    Sydney", an OJS author's affiliation.
    """
    return bool(_ENSEMBLE_WORDS.search(name)) or (is_group(name) and not _is_body(name))


def _is_body(name: str) -> bool:
    """An organisation by its words, its acronym or its shape; not by a group's signs."""
    found = (
        _ASCII_ORGANISATION_WORDS.search(name.lower())
        if name.isascii()
        else _ORGANISATION_WORDS.search(name)
    )
    return bool(found) or _named_with_acronym(name) or _weak_organisation(name)


def _entered_twice(name: str) -> bool:
    """A name of two words or more written as both family and given name: "Kestrel Cars and
    Carts, Kestrel Cars and Carts" (a business, in Zenodo's form for a person, had been a
    person).  No person's family and given names are the same words; a word alone may be
    ("Lee, Lee"), and stays a person's."""
    family, comma, given = name.partition(", ")
    return bool(comma) and family == given and " " in family


def is_group(name: str) -> bool:
    """Does a name string name a group, a band, that no other word shows an organisation?

    Music collections (CONTENTdm's performers) name bands as creators: "The Beatles",
    "Beatles, The", "Maroon 5" had been persons, given name "The" or family name "5".  A name
    that begins with "The" is a group's unless a title follows it ("The Rev. John Smith"); so
    is one a catalogue qualifies as a group's ("Beatles (Musical group)"), and one without a
    comma that ends with a word of one to three digits, as bands' names do ("Level 42",
    "Blink 182"): no person's name does (a year, four digits, may end one without its comma).
    Not a user name's digits ("Anna7"), nor a Vietnamese name (:func:`_vietnamese_the`).
    """
    # Single characters first, not the whole name lower-cased or searched: every creator is
    # tested.
    if name[3:4] == " " and name[:3].lower() == "the":
        title = name[4:].partition(" ")[0].rstrip(".").lower() in _TITLES_AFTER_THE
        return not title and not _vietnamese_the(name)
    last = name[-1:]
    if last.isdigit():
        number = name.rpartition(" ")[2]
        return len(number) <= 3 and number.isdigit() and "," not in name
    if last == ")":
        return _GROUP_QUALIFIER.search(name.lower()) is not None
    return last in ("e", "E") and name.endswith((", The", ", the", ", THE"))


def _vietnamese_the(name: str) -> bool:
    """Is a name that begins with "The" a Vietnamese person's: "The Anh Nguyen" (Thế Anh
    Nguyễn, given names first, their marks left out), which had been a band's?

    Three or four words, each a syllable (a capitalised word of letters, seven at most), the
    last a Vietnamese family name (:data:`_VIETNAMESE_FAMILY_NAMES`).  A Chinese-Indonesian
    name of the family The (Thee) before its given names ("The Kian Wie") shows no such sign:
    short syllables make bands' names too ("The Ting Tings"), and it stays a group's.
    """
    words = name.split(" ")
    return (
        3 <= len(words) <= 4
        and words[-1].lower() in _VIETNAMESE_FAMILY_NAMES
        and all(word[:1].isupper() and word.isalpha() and len(word) <= 7 for word in words)
    )


def _named_with_acronym(name: str) -> bool:
    """A body's name before its acronym in parentheses (see :data:`_ACRONYM_AFTER`)."""
    # Matched only when a ")" ends the name (or stands before a last newline, as ``$`` allows):
    # the lazy name before it is tried at every length, 0.5 us for most names, which have none.
    found = _ACRONYM_AFTER.match(name) if ")" in name[-2:] else None
    if found is None:
        return False
    words = found["name"].lower().split()
    return len(words) >= 4 or not FUNCTION_WORDS.isdisjoint(words)


def _weak_organisation(name: str) -> bool:
    """A weak organisation word where no surname stands, or beside other organisation signs.

    "Smith & Co", "Acme Co.", "Board of Trade", "MIT Press", "Press Group", and without a comma
    a weak word before the last word ("Network Rail") or in a name of four words or more
    ("American Photo-Relief Printing Co"), or after a heading's full stop ("Ohio. Senate").
    Not "Frank Press", "Press, Frank", "Mary Grace Co", "Margaret Court", "Mary St. Court",
    "Pieter de la Court" (a surname after its particles: :func:`_weak_positions`).
    """
    words = name.split()
    bare = _bare_words(name)
    weak = _weak_positions(bare)
    if not weak:
        return False
    if len(weak) > 1 or any(w in FUNCTION_WORDS for w in bare):
        return True
    if any(_ACRONYM.match(w) for w in words) and not name.isupper():
        return True
    (i,) = weak
    if i > 0 and len(words[i - 1]) > 4 and words[i - 1].endswith("."):
        return True  # a body's part in a heading: "United States. Congress", "Ohio. Senate"
    if bare[i] == "co" and words[i].rstrip(",;:").endswith("."):
        return True  # "Co." abbreviates Company
    return "," not in name and (i < len(words) - 1 or len(words) >= 4)


def is_common_noun(family: str, name: str) -> bool:
    """Is what would be a person's family name (``family``, of a name string without role and
    life dates) a common noun: a word in lower case, in a name written as a sentence is?

    NSDL's contributor "Common molecules" (a Reciprocal Net collection) had been given name
    "Common", family name "molecules".  A family name is written with a capital where its
    given name is ("da Silva" and "van 't Hoff" with theirs after the particles), and a name
    in lower case throughout ("jie wu", "bell hooks") says nothing.  A capitalised first word
    and every other in lower case, as a sentence is written, name a collection, a project or a
    group.  Not a name with a capital or an initial before its last word: a family name typed
    in lower case ("D. knuth", "Ng Wei hong", "Maria Garcia lopez") is still a person's.  Nor
    a name inverted at a comma: that is a person's form, whatever its case ("sedaghatkish,
    Amir", an OJS author).  Nor a word of three letters or fewer, a suffix or an honorific
    where the family name goes ("John Smith jr", "Ram Prasad ji", "Jane Doe senior"), nor a
    role's ("Jane Doe editor").
    """
    first, *rest = name.split() or [""]
    return (
        len(family) > 3
        and family.isalpha()
        and family.islower()
        and family not in _SUFFIXES
        and first[:1].isupper()
        and "." not in first
        and bool(rest)
        and all(word.islower() for word in rest)
        and "," not in name
        and lookup_row("relators", family) is None
    )


#: Suffixes of four letters or more, in lower case where a family name goes.
_SUFFIXES = frozenset(("senior", "junior"))
