"""The post-processing step that reads a part's host from the part's own reference (see
:mod:`ir_ingest.crosswalk.post`, which names every step): EPrints writes one into every
record's ``dc:identifier``, DSpace's MODS its dc.identifier.citation into a note.  The host is
filled as :mod:`ir_ingest.crosswalk.hosts` fills it from a ``dc:source``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ir_ingest.crosswalk.citations import book_citation
from ir_ingest.crosswalk.hosts import (
    PART_TYPES,
    citation_or_none,
    fill_host,
    has_numbers,
    host_ids,
    host_type,
)
from ir_ingest.crosswalk.names import agent
from ir_ingest.crosswalk.normalise import NormaliseError

if TYPE_CHECKING:
    from ir_ingest.crosswalk.engine import Applied


#: A journal's ISSN at the end of a reference, as EPrints' citation ends: ". ISSN 0272-7714".
#: It begins at the stop before it, or where the run of spaces before it begins, and takes
#: the run whole: "\s*ISSN" had been tried from each space of a run (the post step reads the
#: record's values as they are, their runs collapsed by the crosswalk, not by it).
_ISSN_AT_END = re.compile(
    r"(?:[.,]|(?<![.,\s]))\s*+ISSN:?\s*+(\d{4}-?\d{3}[\dXx])\s*+\.?$", re.IGNORECASE
)
#: EPrints' full stop before the pages: "Journal, 235 (3). pp. 106-118".
_STOP_BEFORE_PAGES = re.compile(r"\.\s+(?=pp?\.\s*\d)")
#: Where EPrints' citation of a chapter names its book: "… Chapter title. In: Jones, A. (ed.)".
_IN = re.compile(r"In:\s", re.IGNORECASE)


def host_from_own_citation(applied: Applied) -> None:
    """A part's own reference in ``dc:identifier`` (or in a note: DSpace's MODS writes its
    dc.identifier.citation so) names its host after its title: EPrints writes one into every
    record ("Smith, J. (2020) Title. Journal, 12 (3). pp. 45-67. ISSN 1234-5678"), some
    repositories an APA reference ("… (2001). Title. Journal, 16(3), 191-203.").  What follows
    the record's own title there, when it has a volume, an issue or pages, is read as
    :func:`host_from_part` reads a ``dc:source``; so is a chapter's book as EPrints cites it
    ("… Title. In: Jones, A. (ed.) Book. Kestrel Press, Oxford, pp. 12-34. ISBN 978…":
    :func:`.citations.book_citation`).  The value stays where it was and an info issue says
    so.  Run after :func:`host_from_part`: a host it found is kept.
    """
    data = applied.data
    title = (data.get("title") or {}).get("value")
    type_uri = (data.get("resource_type") or {}).get("uri")
    if not title or type_uri not in PART_TYPES or (data.get("host") or {}).get("title"):
        return
    # EPrints' and others' dc:identifier; DSpace's dc.identifier.citation, a note in its MODS.
    references = [("dc:identifier", t) for t in data.get("extra", {}).get("dc:identifier", [])]
    references += [("notes", t) for t in data.get("notes", []) if isinstance(t, str)]
    for path, text in references:
        at = text.casefold().find(title.casefold())
        rest = text[at + len(title) :].lstrip(" .?!") if at > 0 else ""
        if not rest:
            continue
        if _IN.match(rest):
            if _host_from_book(applied, type_uri, rest, path):
                return
            continue
        issn = _ISSN_AT_END.search(rest)
        rest = _STOP_BEFORE_PAGES.sub(", ", rest[: issn.start()] if issn else rest).rstrip(" .")
        parsed = citation_or_none(rest)
        if parsed is None or not has_numbers(parsed):
            continue
        host = data.setdefault("host", {})
        fill_host(applied, host, parsed, rest, path)
        if issn and host.get("title"):
            host_ids(applied, f"ISSN: {issn[1]}", path)
        if not host:
            del data["host"]
        return


def _host_from_book(applied: Applied, type_uri: str, text: str, path: str) -> bool:
    """Fill the host from a chapter's book as EPrints cites it (``text``, from "In:"); whether
    it was read.  The editors are the host's, each as :func:`.names.agent` reads a name."""
    try:
        book = book_citation(text)
    except NormaliseError:
        return False  # "In: Ministry of Works, Survey. The Hague": words alone, not read
    isbn, editors = book.pop("isbn", None), book.pop("editors", None)
    data = applied.data
    host = data.setdefault("host", {})
    fill_host(applied, host, book, text, path)
    if host.get("title"):
        if editors and not host.get("editors") and (people := _editors(editors)):
            host["editors"] = people
            applied.lineage.setdefault("host.editors", []).append(path)
        if isbn:
            host_ids(applied, f"ISBN: {isbn}", path)
        host_type(applied, host, type_uri)
    if not host:
        del data["host"]
    return True


#: The joint before EPrints' last name: "Jones, Anne, Brown, Bob and Lee, Carl".
#: Begun only where a run of spaces begins, the run taken whole (as :data:`_ISSN_AT_END`).
_LAST_AND = re.compile(r"(?<!\s)\s++(?:and|&)\s+")


def _editors(text: str) -> list[dict[str, Any]]:
    """The editors EPrints lists, ``Family, Given`` each, commas between them and *and* before
    the last ("Jones, Anne, Brown, Bob and Lee, Carl"); a name in direct order between the
    joints ("A. Jones and B. Brown") is one.  A list whose commas cannot be paired gives none:
    which comma parts two people could only be guessed."""
    names: list[str] = []
    for chunk in _LAST_AND.split(text):
        pieces = [piece.strip() for piece in chunk.split(",")]
        if not all(pieces) or (len(pieces) > 1 and len(pieces) % 2):
            return []
        if len(pieces) == 1:
            names.append(chunk.strip())
            continue
        pairs = zip(pieces[::2], pieces[1::2], strict=True)
        names += [f"{family}, {given}" for family, given in pairs]
    return [{**agent(name), "role": "edt"} for name in names]
