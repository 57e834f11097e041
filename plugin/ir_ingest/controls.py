"""Characters that act rather than show: what a terminal obeys, and what no URL holds as written.

One definition for the text output (:func:`ir_ingest.report.render.visible`), the HTML report
(:func:`ir_ingest.report.render.bidi_closed`) and the base URLs refused
(:func:`ir_ingest.urls.stray_character`), as character classes for a regular expression.
"""

from __future__ import annotations

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
