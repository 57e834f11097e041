"""Names written family name first without a comma: how many of their words the family name is.

:mod:`ir_ingest.crosswalk.person_parts` reads a name without a comma as ``Given Family`` unless
:func:`family_words` finds that its words show the family name first: initials after it
("Rizaev J.A."), a patronymic after the given name ("Karimova Dilnoza Baxtiyor qizi"), the
family name in capitals ("ZHANG Wei"), a Russian-style family name ("Karimova Dilnoza"), a
common Chinese family name before a pinyin given name of two syllables ("Wang Xiaoming"), a
common Vietnamese family name first ("Nguyễn Văn Anh"; "Ho Chi Minh", spelt as only Vietnamese
is).
Each rule acts only on a strong sign: a name turned wrongly is worse than one left in the
order it was read, so "Zhang Wei", "Pushkin Aleksandr" stay given name first.
"""

from __future__ import annotations

import re
import unicodedata

# Particles that begin a family name written after the given name ("Jan van der Berg"), or in
# capitals before it ("DE LA CRUZ Juan").  The Dutch 't (het) of "van 't Hoff" is one: "Hoff,
# J.H. van 't" had kept it in the given name; so is the saint's St. of "Ruth St. Denis".
PARTICLE = re.compile(
    r"van|der|den|de|la|le|del|della|di|da|von|ten|ter|du|dos|das|['’]t|st\.?|ste\.?",
    re.IGNORECASE,
)
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
# Family names in -ov and -ev, a woman's in -ova and -eva (Czech -ová), of Russian, Uzbek,
# Kazakh, Azerbaijani or Bulgarian people, in Latin and Cyrillic letters, after a stem of three
# letters or more: "Rakhimov", "Karimova", "Aliyev", "Иванова", "Королёв"; not "Lev", nor
# -dev and -deva after three letters or more but after an e ("Lebedev"): Indian given names
# end so, a word and deva, god ("Baldev", "Vasudeva", "Mahadev").  After two letters they are
# Bulgarian family names ("Radev Rumen", of Rado, had been given name Radev): Indian given
# names so short are rare and listed (_GIVEN_NAMES_LIKE_FAMILY_NAMES).
_SLAVIC_FAMILY_NAME = re.compile(
    r"[^\W\d_]{3,}(?:ova?|ová|(?<![^e]d)eva?|[оеё]ва?)|[^\W\d_]{2}deva?", re.IGNORECASE
)
# The letters such a family name ends with.
_SLAVIC_LAST_LETTERS = frozenset("vVaAáÁвВаА")  # noqa: RUF001 (Cyrillic)
# Given names so shaped: "Yakov Smirnov", "Geneva Smith", "Rajeev Kumar" are in direct order.
_GIVEN_NAMES_LIKE_FAMILY_NAMES = frozenset(
    ("yakov", "iakov", "jakov", "яков", "geneva", "genoveva", "rajeev", "sanjeev", "sajeev",
     "sudev", "sudeva")
)  # fmt: skip
# The commonest Chinese family names in pinyin (some 85 people in 100 in China bear one), one
# syllable; Wade-Giles and Cantonese spellings ("Chan", "Wong") are not among them.
_CHINESE_FAMILY_NAMES = frozenset(
    ("wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun",
     "ma", "zhu", "hu", "guo", "he", "lin", "gao", "luo", "zheng", "liang", "xie", "song",
     "tang", "deng", "han", "feng", "cao", "peng", "zeng", "xiao", "tian", "dong", "pan",
     "yuan", "cai", "jiang", "yu", "du", "ye", "cheng", "wei", "su", "lu", "lyu", "ding",
     "ren", "yao", "shen", "zhong", "cui", "tan", "fan", "liao", "shi", "jin", "jia", "xia",
     "fu", "fang", "zou", "xiong", "bai", "meng", "qin", "qiu", "hou", "yin", "xue", "yan",
     "duan", "lei", "long", "tao", "mao", "hao", "gu", "gong", "shao", "wan", "qian", "dai",
     "ou", "mo", "kong", "xiang", "chang", "kang", "yi", "qiao", "lai", "wen")
)  # fmt: skip
# Chinese family names of two syllables: "Wei Ouyang" is written given name first.
_COMPOUND_FAMILY_NAMES = frozenset(
    ("ouyang", "situ", "sima", "zhuge", "shangguan", "dongfang", "huangfu", "murong",
     "gongsun", "linghu")
)  # fmt: skip
# The commonest Korean family names as Koreans spell them in Latin letters.
_KOREAN_FAMILY_NAMES = frozenset(
    ("kim", "lee", "park", "choi", "jung", "kang", "cho", "yoon", "jang", "lim", "han", "oh",
     "seo", "shin", "kwon", "hwang", "ahn", "song", "yoo", "hong")
)  # fmt: skip
# The commonest Vietnamese family names (some 90 people in 100 in Vietnam bear one), without
# their diacritics (Nguyễn, Trần, Đặng).  Not those that are given names as often, or begin
# other peoples' given names written before the family name: Ly, Mai, Lam, Ha (Vietnamese
# given names), Ho ("Ho Yin Chan", Cantonese), Do ("Do Hyun Kim", Korean).
_VIETNAMESE_FAMILY_NAMES = frozenset(
    ("nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui",
     "ngo", "duong", "trinh", "dinh", "truong", "dao", "doan")
)  # fmt: skip
# Vietnamese family names that other peoples' given names begin with (Cantonese "Ho Yin Chan",
# Korean "Do Hyun Kim"): they count only in a name spelt as only Vietnamese is
# (:func:`_spelt_vietnamese`), "Ho Chi Minh", "Đỗ Mạnh Hùng".
_SHARED_FAMILY_NAMES = frozenset(("ho", "do"))
# Đ and đ have no decomposition that drops their stroke.
_STROKED_D = str.maketrans("Đđ", "Dd")
# The marks only Vietnamese sets on Latin letters: the horn (ơ, ư), the hook above (ả), the dot
# below (ạ), and the stroked d (đ).
_VIETNAMESE_MARKS = frozenset("\u031b\u0309\u0323")
# A word ending in "nh" (Minh, Anh, Thanh): Vietnamese spelling's; pinyin, Wade-Giles, the
# Cantonese and the Korean romanisations end that sound "ng" (Ming, Ying).
_VIETNAMESE_ENDING = re.compile(r"nh$", re.IGNORECASE)
# A pinyin syllable's initial and final, roughly: they let through some syllables Mandarin
# has not, which a Chinese family name and _CHINESE_SOUND before them keep harmless.
_INITIAL = r"(?:[zcs]h|[bpmfdtnlgkhjqxrzcsyw])"
_FINAL = (
    r"(?:i(?:a(?:ng?|o)?|e|ng?|ong|u)?|u(?:a(?:ng?|i)?|e|i|n|o)?|a(?:ng?|i|o)?|e(?:ng?|i|r)?"
    r"|o(?:ng|u)?|ü(?:e|n)?)"
)
# A Chinese given name of two syllables in pinyin, as one word or parted: "Xiaoming",
# "Xiao-ming", "XiaoMing", "Xi'an".  A second syllable without an initial follows a mark, as
# pinyin writes it: "Jia" is one syllable, not ji-a.  One of one syllable or two: "Na".
_TWO_SYLLABLES = rf"{_INITIAL}?{_FINAL}(?:{_INITIAL}|[-'’]{_INITIAL}?){_FINAL}"
_PINYIN_GIVEN_NAME = re.compile(_TWO_SYLLABLES, re.IGNORECASE)
_PINYIN_NAME = re.compile(rf"{_TWO_SYLLABLES}|{_INITIAL}?{_FINAL}", re.IGNORECASE)
# A sound of pinyin that Japanese names, which often spell as pinyin does ("Mao Asada", given
# name first: Asada is a-sa-da), have not in their Hepburn spelling.
_CHINESE_SOUND = re.compile(r"[xqü]|zh|c(?!h)|ng|ao|ou|uo|iu|ui|ie|ia|ua|ue", re.IGNORECASE)


def family_words(words: list[str]) -> int:
    """How many words, at the start of a name without a comma, are its family name.

    0 when the words do not show that the name is written family name first: it is then read
    ``Given Family``.  A list of words cannot say which order its writer meant; only a sign in
    the words themselves turns it: initials, a patronymic, capitals, a Russian-style family
    name, a Chinese name's shape.
    """
    # Every creator's words pass here: a cheap test of the first word before each rule's call.
    if len(words) < 2 or not words[0]:  # "" before a space the caller did not clean away
        return 0
    first = words[0]
    family = _first_initial(words) or (first.isupper() and _family_in_capitals(words))
    if family:
        return family
    if len(first) <= 4 and PARTICLE.fullmatch(first) and _family_name_alone(words):
        return len(words)
    if len(words) > 2 and _ends_with_patronymic(words):
        return 1
    if first[-1] in _SLAVIC_LAST_LETTERS and _slavic_family_first(words):
        return 1
    if _vietnamese_family_first(words):
        return 1
    return 1 if len(words) == 2 and _chinese_family_first(words) else 0


def _ends_with_patronymic(words: list[str]) -> bool:
    """Does a name without a comma end with a patronymic after the given name, family name first?

    Uzbek journals write "Karimova Dilnoza Baxtiyor qizi" (daughter of Baxtiyor) and "Tursunov
    Jasur Alisher o'g'li" (son of), Azerbaijani and Kyrgyz ones "oğlu", "uulu" (and the
    daughter's words): a word no family name is, though it had been read as one.  The Russian
    form ends the given name ("Nazarova Gulnora Akmalovna"): three words, the middle one no
    patronymic ("Anna Petrovna Ivanova" is in direct order).  A woman's -ovna is no surname; a
    man's -ovich is (Bogdanovich), so it counts only after a family name in -ov or -ev
    ("Rakhimov Akmal Ilkhomovich": :func:`_is_slavic_family_name`).
    """
    if len(words) < 3:
        return False
    if words[-1].lower().translate(_NO_APOSTROPHES) in _PATRONYMIC_WORDS:
        return True
    ending = _PATRONYMIC_ENDING.search(words[-1])
    if len(words) != 3 or ending is None or _PATRONYMIC_ENDING.search(words[1]):
        return False
    return ending["woman"] is not None or _is_slavic_family_name(words[0])


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
    if first == len(words):
        return 0  # most names: no initials at the end
    letters = sum(word.count(".") for word in words[first:])
    if first == 0 or letters < 2 or any(_INITIALS.fullmatch(word) for word in words[:first]):
        return 0
    return first


def _family_in_capitals(words: list[str]) -> int:
    """How many words, at the start, are a family name written in capitals before a given name.

    Chinese, Korean and Japanese writers mark the family name so, as French and European
    Union usage does: "ZHANG Wei", "KIM Min-jun", "TANAKA Hiroshi", "DUPONT Jean" (it had been
    read as the given name), with its particles: "DE LA CRUZ Juan" (a particle before no
    family name in capitals, "DE Smith", is two initials).  A word of two or three capitals
    may be initials written without full stops ("MD Rahman", "ABM Haque", "JA Smith", "MA
    Khan"): only a Korean family name counts so ("KIM Min-jun"), or a Chinese one before a
    given name in pinyin ("LI Na", "MA Long").  A name all in capitals shows nothing; a given
    name in capitals before a family name that is not ("JOHN Smith", rare) is taken for a
    family name.
    """
    first = 0
    while first < len(words) and _in_capitals(words[first]):
        first += 1
    if first == 0 or first == len(words) or any(_in_capitals(word) for word in words[first:]):
        return 0
    for i, word in enumerate(words[:first]):
        lower = word.lower()
        if len(word) > 3 or lower in _KOREAN_FAMILY_NAMES:
            continue
        if i < first - 1 and PARTICLE.fullmatch(word):
            continue  # "DE LA CRUZ Juan", "DA SILVA Maria": particles before the family name
        if lower not in _CHINESE_FAMILY_NAMES:
            return 0
        if not all(_PINYIN_NAME.fullmatch(given) for given in words[first:]):
            return 0
    return first


def _family_name_alone(words: list[str]) -> bool:
    """Is a name without a comma, that begins with a particle, a family name without a given
    name: particles and one word, "van Gogh", "de la Cruz", "DE LA Cruz", "Van Der Berg"?

    No given name is a particle, and a form's family field or a painter's name comes so; "DE
    LA Cruz" (the particles in capitals, the name not) had been given name "DE LA", family
    name "Cruz".  A particle in capitals or capitalised counts only among two or more: "DE
    Smith" may be initials, "Van Nguyen"'s Van (Văn) and "Le Minh"'s Le (Lê) are Vietnamese
    names, and "Le Van Thanh" is Vietnamese too (a Dutch van begins its particles, Văn does
    not follow Lê as a particle).
    """
    particles = words[:-1]
    if not all(PARTICLE.fullmatch(word) for word in particles):
        return False
    if all(word.islower() for word in particles):
        return True
    return len(particles) > 1 and all(word.lower() != "van" for word in particles[1:])


def _in_capitals(word: str) -> bool:
    """A word of letters (a hyphen apart) all capitals: "ZHANG", "KIM-LEE"; not "J.A."."""
    letters = word.replace("-", "")
    return letters.isalpha() and letters.isupper()


def _chinese_family_first(words: list[str]) -> bool:
    """Is a name of two words a Chinese name written family name first: "Wang Xiaoming"?

    Yes when the first word is a common Chinese family name and the second a given name of
    two syllables in pinyin that no family name is, and that has a sound Japanese names have
    not (:data:`_CHINESE_SOUND`).  The order of a given name of one syllable cannot be told:
    "Zhang Wei" and "Wei Zhang" are both a family name and a given name (Wei is a family name
    too), so a name with one stays read ``Given Family`` unless its family name is written in
    capitals (:func:`_family_in_capitals`).  "Xiaoming Wang", as Western journals write it,
    is in direct order: its first word is no family name.
    """
    if len(words) != 2 or words[0].lower() not in _CHINESE_FAMILY_NAMES:
        return False
    given = words[1]
    return (
        _PINYIN_GIVEN_NAME.fullmatch(given) is not None
        and given.lower() not in _COMPOUND_FAMILY_NAMES
        and _CHINESE_SOUND.search(given) is not None
    )


def _slavic_family_first(words: list[str]) -> bool:
    """Is a name of two words or more written family name first, a Russian-style family name
    (:func:`_is_slavic_family_name`) before the given name: "Karimova Dilnoza", "Ivanov Pyotr"?

    Uzbek, Kazakh and Russian journals write names so (with a patronymic too, or initials:
    :func:`_ends_with_patronymic`, :func:`_first_initial`); "Karimova Dilnoza" had been read as
    given name Karimova.  Only when no other word is such a family name: "Yakov Smirnov" has
    two.  The Russian family names in -in and -ina ("Pushkin Aleksandr", "Karenina Anna") are
    not read so: given names end so as often ("Martin", "Marina", "Kristina").

    A Bulgarian patronymic is so shaped too (Georgiev, son of Georgi): "Radev Rumen Georgiev",
    family name, given name, patronymic, had been given name "Radev Rumen".  Three words, the
    first and last so shaped, the middle not, are read so: in the direct order ("Rumen
    Georgiev Radev") the first word is a given name, which :func:`_is_slavic_family_name`
    is not.
    """
    if len(words) < 2 or not _is_slavic_family_name(words[0]):
        return False
    shaped = [_is_slavic_family_name(word) for word in words[1:]]
    return not any(shaped) or shaped == [False, True]


def _is_slavic_family_name(word: str) -> bool:
    """A family name in -ov, -ova, -ev, -eva (:data:`_SLAVIC_FAMILY_NAME`), no given name."""
    return (
        _SLAVIC_FAMILY_NAME.fullmatch(word) is not None
        and word.lower() not in _GIVEN_NAMES_LIKE_FAMILY_NAMES
    )


def _vietnamese_family_first(words: list[str]) -> bool:
    """Is a name written family name first as Vietnamese write it: "Nguyễn Văn Anh", "Tran Thi
    Mai", "Pham Minh Chinh"?

    Yes when its first word is a common Vietnamese family name (:data:`_VIETNAMESE_FAMILY_NAMES`)
    and no other word is one, in a name of three words or more; Nguyen, which is no one's given
    name, in a name of two too ("Nguyen Anh").  Written in the Western order the family name
    comes last ("Anh Van Nguyen", "Viet Thanh Nguyen"), and such a name had been read so: given
    name "Nguyen Van", family name "Anh".
    """
    first = _without_diacritics(words[0]).lower()
    shared = first in _SHARED_FAMILY_NAMES and len(words) > 2 and _spelt_vietnamese(words)
    if not shared and (
        first not in _VIETNAMESE_FAMILY_NAMES or (len(words) == 2 and first != "nguyen")
    ):
        return False
    rest = [_without_diacritics(word).lower() for word in words[1:]]
    return all(w.isalpha() for w in words) and not any(r in _VIETNAMESE_FAMILY_NAMES for r in rest)


def _spelt_vietnamese(words: list[str]) -> bool:
    """Is a name spelt as only Vietnamese is: a mark only Vietnamese sets
    (:data:`_VIETNAMESE_MARKS`, đ), a letter with two marks (ồ, ế: a tone over a circumflex or
    breve), or a word ending in "nh" ("Ho Chi Minh": it had been given name "Ho Chi", family
    name "Minh")?"""
    for word in words:
        if _VIETNAMESE_ENDING.search(word) or "đ" in word.lower():
            return True
        if word.isascii():
            continue
        marks = 0
        for char in unicodedata.normalize("NFD", word):
            if char in _VIETNAMESE_MARKS:
                return True
            marks = marks + 1 if unicodedata.combining(char) else 0
            if marks == 2:
                return True
    return False


def is_vietnamese_family_name(word: str) -> bool:
    """One of the common Vietnamese family names (:data:`_VIETNAMESE_FAMILY_NAMES`), with or
    without its marks: "Nguyễn", "Tran", "Lê"."""
    return _without_diacritics(word).lower() in _VIETNAMESE_FAMILY_NAMES


def _without_diacritics(word: str) -> str:
    """The word's letters without their marks: "Nguyễn" is "Nguyen", "Đặng" is "Dang"."""
    if word.isascii():
        return word
    parts = unicodedata.normalize("NFD", word.translate(_STROKED_D))
    return "".join(c for c in parts if not unicodedata.combining(c))
