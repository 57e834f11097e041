"""Byte repairs before parsing: illegal characters, a wrong encoding, and where each was made."""

from __future__ import annotations

import pytest

from ir_ingest import xmlsafe
from ir_ingest.errors import XMLError
from ir_ingest.xmlrepair import MAX_LINES, remove_illegal, repair_encoding, repairs_by_part

_LATIN1 = b'<?xml version="1.0" encoding="ISO-8859-1"?>\n'


def test_windows_1252_bytes_in_a_utf8_document_are_read_as_windows_1252() -> None:
    # é (E9), curly quotes (93, 94) and the euro (80) as a word processor pastes them, beside
    # UTF-8 that stays as it is; 81 is one of the five bytes Windows-1252 leaves undefined.
    data = b"<r>\n<a>caf\xe9 \x93q\x94 \x80 \x81</a>\n<b>na\xc3\xafve</b>\n</r>"
    fixed, [repair] = repair_encoding(data)
    assert fixed.decode("utf-8") == "<r>\n<a>café “q” € \x81</a>\n<b>naïve</b>\n</r>"
    assert (repair.code, repair.count, repair.lines) == ("xml.wrong_encoding", 5, (2,))
    parsed = xmlsafe.parse(data)
    assert parsed.root.findtext("a") == "café “q” € \x81"
    assert parsed.root.findtext("b") == "naïve"
    [issue] = parsed.issues
    assert issue.code == "xml.wrong_encoding"
    assert issue.message == "read bytes that are not UTF-8 as Windows-1252 (5 at line 2)"


@pytest.mark.parametrize(
    "declared", ["ISO-8859-1", "iso-8859-1", "latin1", "Latin-1", "windows-1252", "CP1252"]
)
def test_utf8_declared_single_byte_is_read_as_utf8_and_said(declared: str) -> None:
    # Parsed as declared, this was "cafÃ©" in every record, with no word.
    head = f"<?xml version='1.0' encoding='{declared}'?>\n".encode()
    data = head + "<r>\n<a>café</a>\n<b>“q”</b></r>".encode()
    parsed = xmlsafe.parse(data)
    assert (parsed.root.findtext("a"), parsed.root.findtext("b")) == ("café", "“q”")
    [issue] = parsed.issues
    assert issue.message == (
        f"read as UTF-8: the document declares {declared}, but is UTF-8 (3 at line 3, 4)"
    )


def test_a_byte_order_mark_says_utf8_whatever_the_declaration() -> None:
    """The parser reads it so (XML 1.0 §4.3.3): nothing to repair, nothing to say; bytes
    that are no UTF-8 in it are read as Windows-1252, as in any UTF-8 document."""
    data = b"\xef\xbb\xbf" + _LATIN1 + "<r>\n<a>café</a>\n<b>\ufeff</b></r>".encode()
    parsed = xmlsafe.parse(data)
    assert (parsed.root.findtext("a"), parsed.repairs) == ("café", ())
    [issue] = xmlsafe.parse(data.replace(b"\xef\xbb\xbf</b>", b"\x93</b>")).issues
    assert issue.message == "read bytes that are not UTF-8 as Windows-1252 (1 at line 4)"


def test_as_many_utf8_characters_as_strays_is_read_as_declared_and_said() -> None:
    # Two characters that could be UTF-8 to two bytes that cannot: ISO-8859-1 is likelier,
    # and its bytes 0x93 and 0x94 are Windows-1252's quotes, not control characters.
    data = _LATIN1 + "<r>é ï\n".encode() + b"\x93\x94</r>"
    parsed = xmlsafe.parse(data)
    assert parsed.root.text == "Ã© Ã¯\n“”"
    assert [issue.message for issue in parsed.issues] == [
        "read as ISO-8859-1, as declared, though it has letters written as UTF-8 writes them "
        "(2 at line 2)",
        "read as Windows-1252: the document declares ISO-8859-1, whose 0x80-0x9F are controls "
        "(2 at line 3)",
    ]


def test_a_document_declaring_windows_1252_is_read_so() -> None:
    data = b'<?xml version="1.0" encoding="windows-1252"?><r>\x93q\x94</r>'
    assert (xmlsafe.parse(data).root.text, xmlsafe.parse(data).issues) == ("“q”", ())
    # libxml2 refuses 0x81, which Windows-1252 leaves undefined: kept, and said.
    parsed = xmlsafe.parse(data.replace(b"q", b"\x81"))
    assert parsed.root.text == "“\x81”"
    assert [i.message for i in parsed.issues] == [
        "kept bytes Windows-1252 leaves undefined as control characters (1 at line 1)"
    ]


def test_a_stray_byte_does_not_keep_a_mislabelled_document_garbled() -> None:
    # Three UTF-8 characters to two bytes that are none: UTF-8, two bytes pasted in.
    data = _LATIN1 + "<r><a>café</a><a>naïve Åse</a>\n<a>".encode() + b"\x93q\x94</a></r>"
    parsed = xmlsafe.parse(data)
    assert [a.text for a in parsed.root] == ["café", "naïve Åse", "“q”"]
    assert [issue.message for issue in parsed.issues] == [
        "read as UTF-8: the document declares ISO-8859-1, but is UTF-8 (3 at line 2)",
        "read bytes that are not UTF-8 as Windows-1252 (2 at line 3)",
    ]


@pytest.mark.parametrize(
    "data",
    [
        _LATIN1 + b"<r>caf\xe9</r>",  # truly ISO-8859-1
        _LATIN1 + b"<r>cafe</r>",  # ASCII: either reading is the same
        b'<?xml version="1.0" encoding="UTF-8"?><r>caf\xc3\xa9</r>',
        b"<?xml version='1.0' encoding='utf8'?><r>caf\xc3\xa9</r>",
        b"<r>caf\xc3\xa9</r>",  # no declaration: UTF-8 already
    ],
)
def test_documents_in_their_declared_encoding_are_not_repaired(data: bytes) -> None:
    assert repair_encoding(data) == (data, ())
    parsed = xmlsafe.parse(data)
    assert parsed.repairs == ()
    assert parsed.root.text in ("café", "cafe")


def test_a_mislabelled_document_that_utf8_cannot_parse_is_malformed() -> None:
    # U+FFFE is no XML character: read as UTF-8 the document is not well-formed.
    with pytest.raises(XMLError, match="PCDATA invalid Char value 65534") as caught:
        xmlsafe.parse(_LATIN1 + b"<r>\xef\xbf\xbe</r>")
    assert caught.value.code == "xml.malformed"


def test_iso_8859_1_text_is_not_taken_for_utf8() -> None:
    # "é", a no-break space and "»" (E9 A0 BB) happen to be a UTF-8 character too.
    text = "«\u00a0Liberté, égalité\u00a0»"
    parsed = xmlsafe.parse(_LATIN1 + f"<r>{text}</r>".encode("latin-1"))
    assert (parsed.root.text, parsed.issues) == (text, ())


def test_control_bytes_in_the_declaration_itself_are_no_crash() -> None:
    with pytest.raises(XMLError):
        xmlsafe.parse(b'<?xml version="1.0" ' + b"\x93" * 100 + b' encoding="ISO-8859-1"?><r/>')


def test_a_declared_encoding_other_than_utf8_is_not_guessed_at() -> None:
    data = b'<?xml version="1.0" encoding="Shift_JIS"?><r>\xff\xfe</r>'
    assert repair_encoding(data) == (data, ())


def test_both_repairs_together_name_their_own_lines() -> None:
    data = b"<r>\n<a>bell\x07</a>\n<b>caf\xe9</b>\n</r>"
    parsed = xmlsafe.parse(data)
    assert parsed.root.findtext("a") == "bell"
    assert parsed.root.findtext("b") == "café"
    assert [(r.code, r.lines) for r in parsed.repairs] == [
        ("xml.wrong_encoding", (3,)),
        ("xml.illegal_characters", (2,)),
    ]


def test_a_message_names_ten_lines_and_counts_the_rest() -> None:
    data = b"<r>" + b"<a>\xe9</a>\n" * 25 + b"</r>"
    [issue] = xmlsafe.parse(data).issues
    assert issue.message.endswith("(25 at line 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 15 more)")


def test_a_repair_lists_so_many_lines_and_counts_every_character() -> None:
    lines = MAX_LINES + 5
    _, [repair] = remove_illegal(b"\x01\x02\n" * lines)
    assert (repair.count, len(repair.lines), repair.lines[-1]) == (2 * lines, MAX_LINES, MAX_LINES)


def test_illegal_characters_are_counted_and_their_lines_listed_once() -> None:
    cleaned, [repair] = remove_illegal(b"<r>\x01\x02\n\n&#1;</r>")
    assert cleaned == b"<r>\n\n</r>"
    assert (repair.count, repair.lines) == (3, (1, 3))


def test_controls_that_separate_words_become_spaces() -> None:
    # Word's line break (a vertical tab), a form feed, MARC's separators: removed, the words
    # either side of them had been glued ("First lineSecond line").
    data = b"<r>First line\x0bSecond\x0cthird&#11;fourth&#x1e;fifth&#x1F;six\x1dseven\x01!</r>"
    cleaned, [repair] = remove_illegal(data)
    assert xmlsafe.parse(cleaned).root.text == "First line Second third fourth fifth six seven!"
    assert repair.count == 7


def test_repairs_are_given_to_the_parts_they_were_made_in() -> None:
    data = b"<list>\n<rec>\x01</rec>\n<rec>ok</rec>\n<rec>caf\xe9\n\x02</rec>\n</list>"
    parsed = xmlsafe.parse(data)
    first, second, third = parsed.root
    by_part = repairs_by_part([first, second, third], parsed.repairs, "response")
    assert set(by_part) == {first, third}
    assert [issue.message for issue in by_part[first]] == [
        "removed characters XML 1.0 does not allow (response line 2)"
    ]
    assert [issue.message for issue in by_part[third]] == [
        "read bytes that are not UTF-8 as Windows-1252 (response line 4)",
        "removed characters XML 1.0 does not allow (response line 5)",
    ]


def test_references_are_removed_a_chunk_at_a_time_and_none_is_cut_in_two(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("ir_ingest.xmlrepair._CHUNK", 7)
    cleaned, [repair] = remove_illegal(b"a&#1;b&#x1F;&amp;c&#2;\n" * 100)
    assert cleaned == b"ab &amp;c\n" * 100
    assert (repair.count, repair.lines[:3]) == (300, (1, 2, 3))


def test_many_bytes_that_are_no_utf8_are_read_alike_in_one_pass() -> None:
    few = b"<a>\x93q\x94 caf\xe9</a>"
    many = b"<r>" + few * 5000 + b"</r>"  # 15,000 strays: over the run-by-run bound
    assert xmlsafe.parse(many).root[0].text == xmlsafe.parse(few).root.text == "“q” café"


def test_a_relabelled_document_keeps_references_in_its_cdata() -> None:
    # Text, not a reference: only a document that does not parse loses such characters.
    parsed = xmlsafe.parse(_LATIN1 + "<r>é<![CDATA[x&#1;y]]></r>".encode())
    assert parsed.root.text == "éx&#1;y"
    assert [r.code for r in parsed.repairs] == ["xml.wrong_encoding"]


def test_the_two_ways_of_reading_strays_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"<r>\n<a>caf\xe9 \x93q\x94 \x80\x81 na\xc3\xafve \xe2\x80</a>\n</r>"
    # Relabelled first: the translated text once kept the old declaration ("cafÃ©" again).
    relabelled = _LATIN1 + "<r>café naïve Åse ".encode() + b"\x93q\x94</r>"
    by_handler = [repair_encoding(data), repair_encoding(relabelled)]
    monkeypatch.setattr("ir_ingest.xmlrepair._TRANSLATED_FROM", 0)
    assert [repair_encoding(data), repair_encoding(relabelled)] == by_handler
    assert by_handler[0][0].decode() == "<r>\n<a>café “q” €\x81 naïve â€</a>\n</r>"
    assert xmlsafe.parse(relabelled).root.text == "café naïve Åse “q”"


def test_a_character_written_as_two_utf16_halves_is_joined() -> None:
    # Java and JavaScript serialisers write a character beyond U+FFFF (an emoji, a
    # mathematical letter) as the references of its two UTF-16 halves, which XML forbids: the
    # whole record had been a reject.  Joined, the character is kept.
    data = b"<r>Smile &#55357;&#56832; and &#xd835;&#xDC9C;\n</r>"
    cleaned, [repair] = remove_illegal(data)
    assert xmlsafe.parse(cleaned).root.text == "Smile \U0001f600 and \U0001d49c\n"
    assert (repair.code, repair.count, repair.lines) == ("xml.illegal_characters", 2, (1,))
    assert "joined" in repair.what


def test_lone_halves_and_non_characters_are_removed_and_their_neighbours_kept() -> None:
    data = b"<r>a&#55357;b&#xDE00;&#56832;c&#xFFFE;d&#65535;e&#xFFFD;&#55295;&#xE000;\n</r>"
    cleaned, [repair] = remove_illegal(data)
    assert xmlsafe.parse(cleaned).root.text == "abcde\ufffd\ud7ff\ue000\n"
    assert (repair.count, repair.lines) == (5, (1,))


def test_a_record_with_a_character_in_utf16_halves_is_read_with_it() -> None:
    page = b"<list><rec>ok</rec><rec>&#55357;&#56832;</rec></list>"
    parsed = xmlsafe.parse(page)
    assert [rec.text for rec in parsed.root] == ["ok", "\U0001f600"]
    assert [repair.code for repair in parsed.repairs] == ["xml.illegal_characters"]


def test_a_lone_low_half_before_a_pair_leaves_the_pair_joined() -> None:
    cleaned, repairs = remove_illegal(b"<r>&#xDE00;&#55357;&#56832;&#xD83D;</r>")
    assert xmlsafe.parse(cleaned).root.text == "\U0001f600"
    assert [repair.count for repair in repairs] == [1, 2]


def test_references_to_allowed_characters_near_the_halves_are_not_counted_or_listed() -> None:
    _, [repair] = remove_illegal(b"<r>\n&#xFFFD;&#xE000;&#xD7FF;&#65533;\n&#xFFFF;\n</r>")
    assert (repair.count, repair.lines) == (1, (3,))


def test_a_reference_written_with_thousands_of_leading_zeros_is_read_as_any_other() -> None:
    """XML allows any number of zeros before a reference's digits; int() refuses a string of
    over 4,300 digits, and a fuzzed page's ``&#0…01;`` raised a ValueError out of the parser."""
    zeros = b"0" * 5000
    cleaned, repairs = remove_illegal(b"<a>x&#" + zeros + b"1;y&#x" + zeros + b"b;z</a>")
    assert cleaned == b"<a>xy z</a>"
    assert [repair.code for repair in repairs] == ["xml.illegal_characters"]
    pair = b"&#x" + zeros + b"D83D;&#" + zeros + b"56832;"  # U+1F600 in UTF-16 halves
    assert remove_illegal(b"<a>" + pair + b"</a>")[0] == b"<a>&#x1F600;</a>"
    assert xmlsafe.parse(b"<a>&#" + zeros + b"1;</a>").root.text is None
