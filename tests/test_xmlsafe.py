"""The hardened parser: no entities, no DTDs, no network, a size bound, repairable characters."""

from __future__ import annotations

import gzip
import io
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from lxml import etree

from ir_ingest import xmlsafe
from ir_ingest.errors import XMLError
from ir_ingest.oai.provider import serve_in_background

if TYPE_CHECKING:
    from collections.abc import Iterable


def test_parses_plain_xml() -> None:
    parsed = xmlsafe.parse(b"<r><a>caf\xc3\xa9</a></r>")
    assert parsed.root.findtext("a") == "café"
    assert parsed.issues == ()


def test_xxe_reading_a_local_file_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]><r>&x;</r>'
    ).encode()
    with pytest.raises(XMLError) as caught:
        xmlsafe.parse(doc, source="evil.xml")
    assert caught.value.code == "xml.forbidden_dtd"
    assert "evil.xml" in str(caught.value)
    assert "TOP-SECRET-VALUE" not in str(caught.value)


@pytest.mark.parametrize(
    "doc",
    [
        '<!DOCTYPE r SYSTEM "{path}"><r/>',
        '<!DOCTYPE r SYSTEM "file://{path}"><r>&leak;</r>',
        '<!DOCTYPE r [<!ENTITY x SYSTEM "file://{path}">]><r>&x;</r>',
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r SYSTEM "{path}"><r/>',
    ],
    ids=["external DTD", "external DTD and its entity", "external entity", "UTF-16"],
)
def test_a_file_a_doctype_names_is_never_read(tmp_path: Path, doc: str) -> None:
    # The document is refused once parsed, but libxml2 had read the file by then (with
    # collect_ids=False it loads a DTD's external subset, whatever load_dtd says).  The file's
    # access time is set before its change time, so that reading it moves the access time
    # (relatime); the last assert shows this filesystem does.
    named = tmp_path / "named.dtd"
    named.write_text('<!ENTITY leak "TOP-SECRET-VALUE">')
    os.utime(named, (1, named.stat().st_mtime))
    encoding = "utf-16" if "UTF-16" in doc else "utf-8"
    with pytest.raises(XMLError) as caught:
        xmlsafe.parse(doc.format(path=named).encode(encoding))
    assert caught.value.code == "xml.forbidden_dtd"
    assert named.stat().st_atime == 1, "the parser read the file"
    named.read_text()
    assert named.stat().st_atime != 1, "a read here moves the access time: the check can fail"


def test_billion_laughs_is_refused_without_expanding() -> None:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    doc = f"<!DOCTYPE r [{''.join(entities)}]><r>&lol9;</r>".encode()
    with pytest.raises(XMLError) as caught:
        xmlsafe.parse(doc)
    assert caught.value.code == "xml.forbidden_dtd"


def test_external_dtd_is_never_fetched() -> None:
    hits: list[str] = []

    def app_factory(_: str) -> Any:
        def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            hits.append(environ["PATH_INFO"])
            start_response("200 OK", [("Content-Type", "application/xml-dtd")])
            return [b'<!ENTITY leak "LEAKED">']

        return app

    with serve_in_background(app_factory) as url:
        dtd_url = url.replace("/oai", "/evil.dtd")
        doc = f'<!DOCTYPE r SYSTEM "{dtd_url}"><r>&leak;</r>'.encode()
        with pytest.raises(XMLError) as caught:
            xmlsafe.parse(doc)
        plain = f'<!DOCTYPE r SYSTEM "{dtd_url}"><r/>'.encode()
        with pytest.raises(XMLError):
            xmlsafe.parse(plain)
    assert caught.value.code == "xml.forbidden_dtd"
    assert hits == []


def test_xinclude_is_not_processed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    doc = (
        '<r xmlns:xi="http://www.w3.org/2001/XInclude">'
        f'<xi:include href="file://{secret}" parse="text"/></r>'
    ).encode()
    parsed = xmlsafe.parse(doc)
    assert b"TOP-SECRET-VALUE" not in etree.tostring(parsed.root)


def test_oversized_input_is_refused_before_parsing() -> None:
    doc = b"<r>" + b"x" * 2000 + b"</r>"
    with pytest.raises(XMLError) as caught:
        xmlsafe.parse(doc, source="big.xml", max_bytes=1000)
    assert caught.value.code == "xml.too_large"
    assert "2,007 bytes" in str(caught.value)


def test_a_document_of_too_many_attributes_is_refused_before_parsing() -> None:
    with pytest.raises(XMLError, match="12 tags and attributes") as caught:
        xmlsafe.parse(b"<a " + b"b='' " * 11 + b"/>", max_tags=10)
    assert caught.value.code == "xml.too_large"


def test_a_document_of_too_many_tags_is_refused_before_parsing() -> None:
    # 8 MB of <a/> became 282 MB of tree (security review): the tags bound the tree, as the
    # bytes bound the text.
    many = b"<r>" + b"<a/>" * 2_000_000 + b"</r>"
    with pytest.raises(XMLError, match=r"2,000,002 tags .*, over the limit of 2,000,000") as caught:
        xmlsafe.parse(many)
    assert caught.value.code == "xml.too_large"
    assert xmlsafe.parse(b"<r><a/><a/></r>", max_tags=4).root.tag == "r"


@pytest.mark.parametrize(
    ("doc", "line"),
    [
        (b"<r>\n<title>" + b"x" * 10_000_001 + b"</title></r>", 2),
        (b"<r>\n" + b"<a>" * 300 + b"</a>" * 300 + b"</r>", 2),
    ],
)
def test_a_document_over_the_parsers_limits_says_so(doc: bytes, line: int) -> None:
    # Well-formed and under the byte limit: libxml2 said "not well-formed … try XML_PARSE_HUGE".
    with pytest.raises(XMLError) as caught:
        xmlsafe.parse(doc, source="long.xml")
    assert caught.value.code == "xml.malformed", "a harvest saves the page's other records"
    assert str(caught.value).startswith(
        f"long.xml: over the parser's safe limits at line {line} (a text or value over "
        "10,000,000 bytes, or elements nested over 256 deep): "
    )
    assert "XML_PARSE_HUGE" not in str(caught.value)


@pytest.mark.parametrize("data", [b"", b"  \n", b"\xef\xbb\xbf", b"\xef\xbb\xbf  \n"])
def test_empty_input_is_a_clear_error(data: bytes) -> None:
    with pytest.raises(XMLError) as caught:
        xmlsafe.parse(data)
    assert caught.value.code == "xml.empty"


def test_malformed_input_names_line_and_column() -> None:
    with pytest.raises(XMLError) as caught:
        xmlsafe.parse(b"<r>\n<a></b>\n</r>", source="broken.xml")
    assert caught.value.code == "xml.malformed"
    assert "broken.xml" in str(caught.value)
    assert "line 2" in str(caught.value)


@pytest.mark.parametrize(
    ("doc", "said"),
    [
        (b' \n[{"id": "x"}]', "JSON"),
        (b'\xef\xbb\xbf{"id": "x"}', "JSON"),
        # Well-formed but for its DOCTYPE, which is not what went wrong.
        (b"<!DOCTYPE html><html><head><title>Log in</title></head></html>", 'page titled "Log in"'),
        (b"<html><title>\n A &amp; B\x1b]0;x\x07 </title><p>x<br></html>", 'titled "A & B]0;x"'),
        (b'<html lang="en"><title lang="en">Hi</title><br></html>', 'titled "Hi"'),
        (
            b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- proxy -->\n<!DOCTYPE html PUBLIC '
            b'"-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/x.dtd"><html/>',
            "an HTML page, not XML",
        ),
    ],
)
def test_json_and_html_are_named_not_parsed(doc: bytes, said: str) -> None:
    with pytest.raises(XMLError, match=said) as caught:
        xmlsafe.parse(doc)
    assert caught.value.code == "xml.not_xml"


@pytest.mark.parametrize(
    "doc",
    [
        b'<!DOCTYPE r SYSTEM "r.dtd"><r><p>&lt;html&gt;</p></r>',
        b"<r><!DOCTYPE html><html><br></html></r>",
    ],
)
def test_xml_that_mentions_html_is_not_taken_for_a_page(doc: bytes) -> None:
    with pytest.raises(XMLError) as caught:
        xmlsafe.parse(doc)
    assert caught.value.code == "xml.forbidden_dtd"


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (b"<r>\n<a>bell\x07 and \x1b escape</a></r>", "bell and  escape"),
        (b"<r>\n<a>ref &#x1; and &#12; gone, &#10;kept</a></r>", "ref  and   gone, \nkept"),
    ],
)
def test_illegal_characters_are_removed_and_reported(doc: bytes, expected: str) -> None:
    parsed = xmlsafe.parse(doc)
    assert parsed.root.findtext("a") == expected
    assert [issue.code for issue in parsed.issues] == ["xml.illegal_characters"]
    assert [repair.lines for repair in parsed.repairs] == [(2,)]
    assert "line 2" in parsed.issues[0].message


def test_legal_character_references_are_kept() -> None:
    parsed = xmlsafe.parse(b"<r>tab&#9;nl&#10;cr&#13;e&#233;</r>")
    assert parsed.root.text == "tab\tnl\ncr\re\u00e9"
    assert parsed.issues == ()


def test_a_gzip_file_is_read_decompressed_and_bounded_as_it_unfolds(tmp_path: Path) -> None:
    """``harvest --archive`` keeps pages as .xml.gz; import reads them as they are (a third
    walkthrough's import of one said "Start tag expected")."""
    page = tmp_path / "page.xml.gz"
    page.write_bytes(gzip.compress(b"<a>eels</a>"))
    assert xmlsafe.read_bounded(page) == b"<a>eels</a>"
    bomb = tmp_path / "bomb.xml.gz"
    bomb.write_bytes(gzip.compress(b" " * 10_000_000))  # 10 MB of spaces in about 10 KB
    with pytest.raises(XMLError, match="over the limit of 1,024 bytes decompressed") as caught:
        xmlsafe.read_bounded(bomb, max_bytes=1024)
    assert caught.value.code == "xml.too_large"
    cut = tmp_path / "cut.xml.gz"
    cut.write_bytes(gzip.compress(b"<a>" + b"eels " * 1000 + b"</a>")[:40])
    with pytest.raises(XMLError, match="gzip-compressed, and its compressed data is broken") as bad:
        xmlsafe.read_bounded(cut)
    assert bad.value.code == "xml.unreadable"


def test_a_pipe_or_a_device_is_read_bounded_without_seeking_and_said_over_the_limit(
    tmp_path: Path,
) -> None:
    """A named pipe cannot seek ("cannot read the file: None"); /dev/zero has no size (it was
    "0 bytes, over the limit")."""
    pipe = tmp_path / "page.fifo"
    os.mkfifo(pipe)
    for written in (b"<a>eels</a>", gzip.compress(b"<a>eels</a>")):
        writer = threading.Thread(target=pipe.write_bytes, args=(written,))
        writer.start()
        assert xmlsafe.read_bounded(pipe) == b"<a>eels</a>"
        writer.join()
    with pytest.raises(XMLError) as caught:
        xmlsafe.read_bounded(Path("/dev/zero"), max_bytes=1024)
    assert str(caught.value).endswith("the document is over the limit of 1,024 bytes")
    big = tmp_path / "big.xml"
    big.write_bytes(b" " * 2000)
    with pytest.raises(XMLError, match=r"is 2,000 bytes, over the limit of 1,024$"):
        xmlsafe.read_bounded(big, max_bytes=1024)


def test_a_stream_is_read_as_a_file_is_bounded_and_gunzipped() -> None:
    """stdin (``crosswalk -``): a stream without a file behind it, nor peek (a BytesIO)."""
    assert xmlsafe.read_stream(io.BytesIO(b"<a>eels</a>"), "stdin") == b"<a>eels</a>"
    packed = io.BytesIO(gzip.compress(b"<a>eels</a>"))
    assert xmlsafe.read_stream(packed, "stdin") == b"<a>eels</a>"
    with pytest.raises(XMLError, match=r"^stdin: the document is over the limit of 1,024 bytes$"):
        xmlsafe.read_stream(io.BytesIO(b" " * 2000), "stdin", max_bytes=1024)
    bomb = io.BytesIO(gzip.compress(b" " * 10_000_000))
    with pytest.raises(XMLError, match="over the limit of 1,024 bytes decompressed"):
        xmlsafe.read_stream(bomb, "stdin", max_bytes=1024)


def test_utf16_documents_parse() -> None:
    doc = '<?xml version="1.0" encoding="UTF-16"?><r>ø</r>'.encode("utf-16")
    assert xmlsafe.parse(doc).root.text == "ø"


def test_a_file_over_the_limit_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    huge = tmp_path / "huge.xml"
    with huge.open("wb") as handle:
        handle.truncate(3 * 1024**3)  # sparse: 3 GiB that take no disk
    with pytest.raises(XMLError, match="3,221,225,472 bytes") as caught:
        xmlsafe.read_bounded(huge, max_bytes=1024)
    assert caught.value.code == "xml.too_large"
    small = tmp_path / "small.xml"
    small.write_bytes(b"<a/>")
    assert xmlsafe.read_bounded(small, max_bytes=4) == b"<a/>"
