"""Whether a text can be written in an encoding, one answer for the places that must tell
before the text reaches what writes it.

A URL read from the environment in bytes that are not UTF-8 holds lone surrogates (PEP 383),
which SQLite refused with a traceback; a User-Agent is sent as Latin-1 (``http.client``), and
one outside it had failed once the run had begun.  Each caller says what it refuses, and why.
"""

from __future__ import annotations

__all__ = ["encodable"]


def encodable(text: str, encoding: str) -> bool:
    """Whether ``text`` can be encoded in ``encoding`` without an error (a lone surrogate is
    no UTF-8; "Łódź" is no Latin-1)."""
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True
