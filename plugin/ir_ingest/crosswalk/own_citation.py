"""The post-processing step that reads a part's host from the part's own reference (see
:mod:`ir_ingest.crosswalk.post`, which names every step): EPrints writes one into every
record's ``dc:identifier``, DSpace's MODS its dc.identifier.citation into a note.  The host is
filled as :mod:`ir_ingest.crosswalk.hosts` fills it from a ``dc:source``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ir_ingest.crosswalk.hosts import (
    PART_TYPES,
    citation_or_none,
    fill_host,
    has_numbers,
    host_ids,
)

if TYPE_CHECKING:
    from ir_ingest.crosswalk.engine import Applied


#: A journal's ISSN at the end of a reference, as EPrints' citation ends: ". ISSN 0272-7714".
_ISSN_AT_END = re.compile(r"[.,]?\s*ISSN:?\s*(\d{4}-?\d{3}[\dXx])\s*\.?$", re.IGNORECASE)
#: EPrints' full stop before the pages: "Journal, 235 (3). pp. 106-118".
_STOP_BEFORE_PAGES = re.compile(r"\.\s+(?=pp?\.\s*\d)")


def host_from_own_citation(applied: Applied) -> None:
    """A part's own reference in ``dc:identifier`` (or in a note: DSpace's MODS writes its
    dc.identifier.citation so) names its host after its title: EPrints writes one into every
    record ("Smith, J. (2020) Title. Journal, 12 (3). pp. 45-67. ISSN 1234-5678"), some
    repositories an APA reference ("… (2001). Title. Journal, 16(3), 191-203.").  What follows
    the record's own title there, when it has a volume, an issue or pages, is read as
    :func:`host_from_part` reads a ``dc:source``; the value stays where it was and an info
    issue says so.  Run after :func:`host_from_part`: a host it found is kept.
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
        issn = _ISSN_AT_END.search(rest)
        rest = _STOP_BEFORE_PAGES.sub(", ", rest[: issn.start()] if issn else rest).rstrip(" .")
        parsed = citation_or_none(rest)
        if parsed is None or not has_numbers(parsed):
            continue  # "In: Editors, Book. Place": a chapter's book is not read from words alone
        host = data.setdefault("host", {})
        fill_host(applied, host, parsed, rest, path)
        if issn and host.get("title"):
            host_ids(applied, f"ISSN: {issn[1]}", path)
        if not host:
            del data["host"]
        return
