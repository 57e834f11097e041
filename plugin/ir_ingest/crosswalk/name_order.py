"""Names written family name first without a comma: how many of their words the family name is.

:mod:`ir_ingest.crosswalk.names` reads a name without a comma as ``Given Family`` unless
:func:`family_words` finds that its words show the family name first: initials after it
("Rizaev J.A."), a patronymic after the given name ("Karimova Dilnoza Baxtiyor qizi").
"""

from __future__ import annotations

import re

# Initials, each letter followed by a full stop, in any script: "J.A.", "Ш.", "J.-P.".
_INITIALS = re.compile(r"[^\W\d_]\.(?:-?[^\W\d_]\.)*")
# Patronymic words after a Central Asian given name: Uzbek qizi (daughter of), o'g'li (son
# of), their Russian-style spellings kizi and ugli, the Azerbaijani and Kyrgyz words, in Latin
# and Cyrillic letters; written without the apostrophes of o'g'li.
_PATRONYMIC_WORDS = frozenset(
    ("qizi", "kizi", "ogli", "ugli", "oglu", "oğlu", "ogly", "uulu", "kyzy",
     "qızı", "kızı",  # noqa: RUF001 (Azerbaijani and Turkish dotless i)
     "қизи", "кизи", "ўғли", "угли", "оглы", "оғлу", "кызы", "уулу")
)  # fmt: skip
_NO_APOSTROPHES = str.maketrans("", "", "'‘’`ʻʼ")  # noqa: RUF001 (the letters Uzbek writes)
# Russian patronymics (Latin and Cyrillic letters, Ukrainian -івна), a woman's or a man's.
_PATRONYMIC_ENDING = re.compile(
    r"(?:(?P<woman>[oe]vna|[оеі]вна|ична)|[oe]vich|[оеё]вич)$",  # noqa: RUF001 (Cyrillic)
    re.IGNORECASE,
)
# The family names before a man's Russian patronymic: "Rakhimov", "Иванов", "Lebedev".
_FAMILY_NAME_ENDING = re.compile(r"(?:[oe]v|[оеё]в)$", re.IGNORECASE)


def family_words(words: list[str]) -> int:
    """How many words, at the start of a name without a comma, are its family name.

    0 when the words do not show that the name is written family name first: it is then read
    ``Given Family``.  A list of words cannot say which order its writer meant; only a sign in
    the words themselves (initials, a patronymic) turns it.
    """
    initials = _first_initial(words)
    if initials:
        return initials
    return 1 if _ends_with_patronymic(words) else 0


def _ends_with_patronymic(words: list[str]) -> bool:
    """Does a name without a comma end with a patronymic after the given name, family name first?

    Uzbek journals write "Karimova Dilnoza Baxtiyor qizi" (daughter of Baxtiyor) and "Tursunov
    Jasur Alisher o'g'li" (son of), Azerbaijani and Kyrgyz ones "oğlu", "uulu" (and the
    daughter's words): a word no family name is, though it had been read as one.  The Russian
    form ends the given name ("Nazarova Gulnora Akmalovna"): three words, the middle one no
    patronymic ("Anna Petrovna Ivanova" is in direct order).  A woman's -ovna is no surname; a
    man's -ovich is (Bogdanovich), so it counts only after a family name in -ov or -ev
    ("Rakhimov Akmal Ilkhomovich").
    """
    if len(words) < 3:
        return False
    if words[-1].lower().translate(_NO_APOSTROPHES) in _PATRONYMIC_WORDS:
        return True
    ending = _PATRONYMIC_ENDING.search(words[-1])
    if len(words) != 3 or ending is None or _PATRONYMIC_ENDING.search(words[1]):
        return False
    return ending["woman"] is not None or _FAMILY_NAME_ENDING.search(words[0]) is not None


def _first_initial(words: list[str]) -> int:
    """Where the initials a name without a comma ends with begin, when they follow a surname.

    Eastern European and Central Asian journals write "Rizaev J.A." (in Cyrillic too): the
    family name first.  0 when the name does not end with initials ("J. A. Smith") or is
    nothing else, and when they are one initial: oral histories name a speaker "Sam G.",
    the initial being the family name's.
    """
    first = len(words)
    while first > 0 and _INITIALS.fullmatch(words[first - 1]):
        first -= 1
    letters = sum(word.count(".") for word in words[first:])
    if first == 0 or letters < 2 or any(_INITIALS.fullmatch(word) for word in words[:first]):
        return 0
    return first
