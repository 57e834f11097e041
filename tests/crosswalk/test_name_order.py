"""Names written family name first without a comma, read by names.agent through name_order."""

from __future__ import annotations

import pytest

from ir_ingest.crosswalk import names


@pytest.mark.parametrize(
    ("value", "family", "given"),
    [
        ("Rizaev J.A.", "Rizaev", "J.A."),
        ("Rizaev J. A.", "Rizaev", "J. A."),
        # Cyrillic, as the journals write it (its A is the Cyrillic letter):
        ("ГАДАЕВ А.Г.", "ГАДАЕВ", "А.Г."),  # noqa: RUF001
        ("Хусинова Ш.А.", "Хусинова", "Ш.А."),  # noqa: RUF001
        ("Dupont J.-P.", "Dupont", "J.-P."),
        ("J. A. Smith", "Smith", "J. A."),
        ("J. Smith A.", "A.", "J. Smith"),
        # One initial after a word is an oral history's speaker, the family name's initial.
        ("Sam G.", "G.", "Sam"),
    ],
)
def test_agent_surname_before_initials(value: str, family: str, given: str) -> None:
    agent = names.agent(value)
    assert (agent["family_name"], agent["given_name"]) == (family, given)


@pytest.mark.parametrize(
    ("value", "family", "given"),
    [
        # Uzbek journals: the family name, the given name, the father's and qizi (daughter
        # of) or o'g'li (son of), which had been read as the family name.
        ("Karimova Dilnoza Baxtiyor qizi", "Karimova", "Dilnoza Baxtiyor qizi"),
        ("Tursunov Jasur Alisher o'g'li", "Tursunov", "Jasur Alisher o'g'li"),
        ("Tursunov Jasur Alisher o‘g‘li", "Tursunov", "Jasur Alisher o‘g‘li"),
        ("Tursunov Jasur Alisher oʻgʻli", "Tursunov", "Jasur Alisher oʻgʻli"),  # noqa: RUF001
        ("Tursunov Jasur Alisher ugli", "Tursunov", "Jasur Alisher ugli"),
        ("Karimova Dilnoza Baxtiyor kizi", "Karimova", "Dilnoza Baxtiyor kizi"),
        ("Каримова Дилноза Бахтиёр қизи", "Каримова", "Дилноза Бахтиёр қизи"),
        ("Məmmədova Aygün Əli qızı", "Məmmədova", "Aygün Əli qızı"),  # noqa: RUF001
        ("Əliyev Rauf Kamal oğlu", "Əliyev", "Rauf Kamal oğlu"),
        # The Russian patronymic ends a name written family name first.
        ("Nazarova Gulnora Akmalovna", "Nazarova", "Gulnora Akmalovna"),
        ("Rakhimov Akmal Ilkhomovich", "Rakhimov", "Akmal Ilkhomovich"),
        ("Иванова Анна Петровна", "Иванова", "Анна Петровна"),
        ("Лебедев Иван Сергеевич", "Лебедев", "Иван Сергеевич"),
        # Not: in direct order, after the given name, or a surname in -ovich (Bogdanovich).
        ("Dilnoza Baxtiyor qizi Karimova", "Karimova", "Dilnoza Baxtiyor qizi"),
        ("Anna Petrovna Ivanova", "Ivanova", "Anna Petrovna"),
        ("Mary Ellen Bogdanovich", "Bogdanovich", "Mary Ellen"),
        ("Peter Bogdanovich", "Bogdanovich", "Peter"),
        ("Karimova, Dilnoza Baxtiyor qizi", "Karimova", "Dilnoza Baxtiyor qizi"),
    ],
)
def test_agent_patronymics(value: str, family: str, given: str) -> None:
    agent = names.agent(value)
    assert (agent["family_name"], agent["given_name"]) == (family, given)
    assert agent["name"] == value


@pytest.mark.parametrize(
    ("value", "family", "given"),
    [
        # A family name in capitals before the given name, as Chinese, Korean and Japanese
        # writers mark it, and French usage: it had been read as the given name.
        ("ZHANG Wei", "ZHANG", "Wei"),
        ("ZHANG Wei Ming", "ZHANG", "Wei Ming"),
        ("ZHANG W.", "ZHANG", "W."),
        ("LI Na", "LI", "Na"),
        ("KIM Min-jun", "KIM", "Min-jun"),
        ("TANAKA Hiroshi", "TANAKA", "Hiroshi"),
        ("DUPONT Jean-Luc", "DUPONT", "Jean-Luc"),
        ("ИВАНОВ Пётр", "ИВАНОВ", "Пётр"),
        ("Jean-Luc DUPONT", "DUPONT", "Jean-Luc"),
        # Particles in capitals begin the family name: "DE LA" had made it given name "DE LA".
        ("DE LA CRUZ Juan", "DE LA CRUZ", "Juan"),
        ("DA SILVA Maria José", "DA SILVA", "Maria José"),
        ("VAN DER BERG Jan", "VAN DER BERG", "Jan"),
        ("DU PONT Jean", "DU PONT", "Jean"),
        ("DE Smith", "Smith", "DE"),  # no family name in capitals after it: initials
        # Not: short capitals may be initials without full stops; all capitals show nothing.
        ("MD Rahman", "Rahman", "MD"),
        ("JA Smith", "Smith", "JA"),
        ("ABM Haque", "Haque", "ABM"),
        ("MA Khan", "Khan", "MA"),  # Ma is a Chinese family name, Khan no pinyin
        ("MA Long", "MA", "Long"),
        ("JEAN DUPONT", "DUPONT", "JEAN"),
        # A Chinese family name before a pinyin given name of two syllables.
        ("Wang Xiaoming", "Wang", "Xiaoming"),
        ("Wang Xiao-ming", "Wang", "Xiao-ming"),
        ("Chen ZhiQiang", "Chen", "ZhiQiang"),
        ("Hu Jianguo", "Hu", "Jianguo"),
        ("Wang Aiguo", "Wang", "Aiguo"),
        # Not: in direct order; a given name of one syllable (Wei is a family name too); a
        # family name of two syllables after the given name; a Japanese name in direct order.
        ("Xiaoming Wang", "Wang", "Xiaoming"),
        ("Zhang Wei", "Wei", "Zhang"),
        ("Wei Zhang", "Zhang", "Wei"),
        ("Liu Jia", "Jia", "Liu"),  # one syllable, not ji-a
        ("Wei Ouyang", "Ouyang", "Wei"),
        ("Mao Asada", "Asada", "Mao"),
        ("Han Solo", "Solo", "Han"),
        ("Lin Marquez", "Marquez", "Lin"),
    ],
)
def test_agent_east_asian_names_family_name_first(value: str, family: str, given: str) -> None:
    agent = names.agent(value)
    assert (agent["family_name"], agent["given_name"]) == (family, given)
    assert agent["name"] == value


@pytest.mark.parametrize(
    ("value", "family", "given"),
    [
        # A Russian-style family name before the given name (Uzbek, Kazakh, Russian journals),
        # read as the given name before.
        ("Tursunova Nodira", "Tursunova", "Nodira"),
        ("Petrov Oleg", "Petrov", "Oleg"),
        ("Aliyev Kamran", "Aliyev", "Kamran"),
        ("Соколова Ирина", "Соколова", "Ирина"),
        ("Dvořáková Eva", "Dvořáková", "Eva"),
        ("Tursunova Nodira Akmal", "Tursunova", "Nodira Akmal"),
        ("Tursunova N.", "Tursunova", "N."),
        # Not: in direct order; given names so shaped; two such names; -in and -ina, which
        # given names end with as often (Martin, Marina).
        ("Nodira Tursunova", "Tursunova", "Nodira"),
        ("Yakov Petrov", "Petrov", "Yakov"),
        ("Geneva Brooks", "Brooks", "Geneva"),
        ("Lev Orlov", "Orlov", "Lev"),
        ("Lev Brodsky", "Brodsky", "Lev"),
        # Indian given names so shaped (they had been read as family names); Russian family
        # names in -edev and -eev still are.
        ("Baldev Singh", "Singh", "Baldev"),
        ("Vasudeva Rao", "Rao", "Vasudeva"),
        ("Rajeev Kumar", "Kumar", "Rajeev"),
        ("Lebedeva Irina", "Lebedeva", "Irina"),
        ("Fadeev Oleg", "Fadeev", "Oleg"),
        # Bulgarian family names in -dev after two letters are (Radev had been a given name);
        # an Indian given name so short is not.
        ("Radev Rumen", "Radev", "Rumen"),
        ("Radeva Maria", "Radeva", "Maria"),
        ("Radev R.", "Radev", "R."),
        ("Rumen Radev", "Radev", "Rumen"),
        # With a Bulgarian patronymic, as shaped as a family name, after the given name: it
        # had been given name "Radev Rumen", family name Georgiev.  The direct order stays.
        ("Radev Rumen Georgiev", "Radev", "Rumen Georgiev"),
        ("Radeva Maria Georgieva", "Radeva", "Maria Georgieva"),
        ("Rumen Georgiev Radev", "Radev", "Rumen Georgiev"),
        ("Yakov Petrov Ivanov", "Ivanov", "Yakov Petrov"),
        ("Sudev Kumar", "Kumar", "Sudev"),
        ("Mahadev Rao", "Rao", "Mahadev"),
        ("Orlov Petrov", "Petrov", "Orlov"),
        ("Lermontov Mikhail", "Lermontov", "Mikhail"),
        ("Ilyin Pavel", "Pavel", "Ilyin"),
        ("Marina Ilyina", "Ilyina", "Marina"),
    ],
)
def test_agent_russian_style_family_name_first(value: str, family: str, given: str) -> None:
    agent = names.agent(value)
    assert (agent["family_name"], agent["given_name"]) == (family, given)


@pytest.mark.parametrize(
    ("value", "family", "given"),
    [
        # Particles and one word are a family name without a given name: "DE LA Cruz" (the
        # particles in capitals, the name not) had been given name "DE LA", family name Cruz.
        ("DE LA Cruz", "DE LA Cruz", None),
        ("De La Cruz", "De La Cruz", None),
        ("de la Cruz", "de la Cruz", None),
        ("van Gogh", "van Gogh", None),
        ("VAN DER Berg", "VAN DER Berg", None),
        # Not: a particle in capitals or capitalised alone (initials, a Vietnamese name), a
        # Vietnamese Văn after the family name, a given name before them.
        ("DE Smith", "Smith", "DE"),
        ("Van Nguyen", "Nguyen", "Van"),
        ("Le Van Thanh", "Le", "Van Thanh"),  # Lê: test_agent_vietnamese_family_name_first
        ("Juan DE LA Cruz", "DE LA Cruz", "Juan"),
        ("Juan de la Cruz", "de la Cruz", "Juan"),
    ],
)
def test_agent_particles_and_a_family_name_alone(
    value: str, family: str, given: str | None
) -> None:
    agent = names.agent(value)
    assert (agent["family_name"], agent.get("given_name")) == (family, given)


@pytest.mark.parametrize(
    ("value", "family", "given"),
    [
        # Vietnamese write the family name first: it had been read as a given name.
        ("Nguyễn Văn Anh", "Nguyễn", "Văn Anh"),
        ("Nguyen Van Anh", "Nguyen", "Van Anh"),
        ("Trần Thị Mai", "Trần", "Thị Mai"),
        ("Đặng Thái Sơn", "Đặng", "Thái Sơn"),
        ("Pham Minh Chinh", "Pham", "Minh Chinh"),
        ("NGUYEN Van Anh", "NGUYEN", "Van Anh"),
        ("Nguyen Anh", "Nguyen", "Anh"),  # no one's given name is Nguyen
        # The Western order; and what a sign too weak leaves so.
        ("Anh Van Nguyen", "Nguyen", "Anh Van"),
        ("Viet Thanh Nguyen", "Nguyen", "Viet Thanh"),
        ("Tran Anh", "Anh", "Tran"),  # two words: Trần Anh or Anh Trần
        ("Le Minh Nguyen", "Nguyen", "Le Minh"),  # two family names: which is first?
        ("Ho Yin Chan", "Chan", "Ho Yin"),  # Cantonese: Ho begins given names
        ("Do Hyun Kim", "Kim", "Do Hyun"),  # Korean: Do-hyun
        ("Ho Ming Wai", "Wai", "Ho Ming"),
        # Ho and Do spelt as only Vietnamese is: a word ending in "nh" (Cantonese and Korean
        # write "ng"), a tone over a circumflex, đ.  "Ho Chi Minh" had been family name Minh.
        ("Ho Chi Minh", "Ho", "Chi Minh"),
        ("Hồ Chí Minh", "Hồ", "Chí Minh"),
        ("Hồ Xuân Hương", "Hồ", "Xuân Hương"),
        ("Đỗ Mạnh Hùng", "Đỗ", "Mạnh Hùng"),
        ("Ho Minh", "Minh", "Ho"),  # two words: Hồ Minh or Minh Hồ
    ],
)
def test_agent_vietnamese_family_name_first(value: str, family: str, given: str) -> None:
    agent = names.agent(value)
    assert (agent["family_name"], agent["given_name"]) == (family, given)
