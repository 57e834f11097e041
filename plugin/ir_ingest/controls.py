"""Characters that act rather than show: what a terminal obeys, and what no URL holds as written.

One definition for the text output (:func:`ir_ingest.report.render.visible`), the HTML report
(:func:`ir_ingest.report.render.bidi_closed`) and the base URLs refused
(:func:`ir_ingest.urls.stray_character`), as character classes for a regular expression; and
:func:`bidi_closed`, which keeps a harvested string's bidi overrides within it (the HTML
report's values, abstracts).
"""

from __future__ import annotations

import re

#: The bidirectional embeddings, overrides and their pop (U+202A-U+202E), and the isolates
#: (U+2066-U+2069): an override in a title had shown the identifier printed after it reversed.
BIDI_FORMATTING = "\u202a-\u202e\u2066-\u2069"

#: What a terminal obeys rather than shows: the C0 controls but tab and line feed (ESC begins
#: a sequence that moves the cursor, recolours or retitles; CR writes over the line), DEL, the
#: C1 controls (U+009B is CSI, ESC [ in one character), and :data:`BIDI_FORMATTING`.
OBEYED = f"\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_FORMATTING}"

#: What no IRI holds (RFC 3987 §2.2, §4.1): the C0 and C1 controls, DEL, the left-to-right
#: and right-to-left marks and :data:`BIDI_FORMATTING`.  Other characters that print nothing
#: are an IRI's (a zero-width non-joiner is part of Persian words), and percent-encoded when sent.
NOT_IN_AN_IRI = f"\x00-\x1f\x7f-\x9f\u200e\u200f{BIDI_FORMATTING}"

_BIDI = re.compile(f"[{BIDI_FORMATTING}]")
#: The embeddings and overrides (LRE, RLE, LRO, RLO) that PDF closes, the isolates (LRI, RLI,
#: FSI) that PDI does (UAX #9 §2).
_OPENS_EMBEDDING = "\u202a\u202b\u202d\u202e"
_OPENS_ISOLATE = "\u2066\u2067\u2068"
_PDF, _PDI = "\u202c", "\u2069"


def bidi_closed(text: str) -> str:
    """``text`` with the bidirectional embeddings, overrides and isolates it opens closed at
    its end (PDF, PDI), so that they reach no further than itself: a harvested string shown
    beside others (the HTML report's values, an abstract in a repository's page)."""
    if _BIDI.search(text) is None:
        return text
    closers: list[str] = []
    for char in text:
        if char in _OPENS_EMBEDDING:
            closers.append(_PDF)
        elif char in _OPENS_ISOLATE:
            closers.append(_PDI)
        elif char == _PDF and closers and closers[-1] == _PDF:
            closers.pop()
        elif char == _PDI and _PDI in closers:  # closes its isolate and what opened in it
            while closers.pop() != _PDI:
                pass
    return text + "".join(reversed(closers))
