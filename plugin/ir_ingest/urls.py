"""What makes a text an http(s) URL, one answer for every place that must tell.

A command's argument (``import``), a saved response's ``<request>``, a base URL and a
source's ``url`` or ``url_env`` had each tested it their own way: two refused ``HTTPS://``,
one wanted a host where the others did not, one raised for a URL it could not read.  Each
caller keeps its own answer to a text that is none (a file to read, a repository by another
name, a refusal, which part of it is wrong).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ir_ingest.controls import NOT_IN_AN_IRI


def is_http_url(text: str) -> bool:
    """Whether ``text`` is an http:// or https:// URL naming a host.

    The scheme in any case (RFC 3986 §3.1: ``HTTPS://`` is ``https://``).  A text no URL can
    be read from (``http://[::1``, a bracket left open) is none, rather than a ``ValueError``.
    White space around ``text`` is the caller's to refuse or strip first.
    """
    try:
        parts = urlsplit(text)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def stray_character(text: str) -> str | None:
    """The first character of ``text`` that no URL holds as written (RFC 3986 §2.1: it is
    percent-encoded), else ``None``: white space, or one no IRI holds
    (:data:`~ir_ingest.controls.NOT_IN_AN_IRI`: a C0 or C1 control, DEL, a bidi override).

    Other characters (an IRI's ``é``, the zero-width non-joiner of a Persian word) are none:
    requests percent-encodes them when it sends.
    """
    found = _STRAY.search(text)
    return None if found is None else found[0]


#: White space, what no IRI holds, and a lone surrogate (a byte of an argument that was no
#: UTF-8: requests would send it as three other bytes).
_STRAY = re.compile(f"[\\s{NOT_IN_AN_IRI}\\ud800-\\udfff]")
