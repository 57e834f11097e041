"""What counts as a credential, and how one is kept out of what ir-ingest shows and stores.

Credentials come in a URL's user part (``https://user:password@host/oai``), or as names and
values: a config key (``access_token``) or a URL's query parameter (``?apikey=…``,
``?password=…`` for libpq).  Database URLs are shown through ``store.engine.redact_url``.
"""

from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, quote, quote_plus, unquote, unquote_plus, urlsplit, urlunsplit

from ir_ingest.errors import ConfigError, UsageError
from ir_ingest.urls import stray_character

if TYPE_CHECKING:
    from collections.abc import Iterable

#: Names that hold credentials: ``access_token``, ``client_secret``, ``passwd``, ``pwd``, and
#: every name ending in "key" (``apikey``, ``accessKey``, ``privateKey``).  That masks a
#: harmless ``collectionKey`` too, which is the lesser harm: a key shown is a key leaked.  A
#: third walkthrough found these shown too: ``pass``, ``pw``, ``auth``, ``authorization``,
#: signatures (``X-Amz-Signature``), ``jwt`` and sessions (``session``, ``sessionid``).  Not
#: ``code``, ``sid`` or ``sig``: CONTENTdm and others name collections so (``?code=ead``), and
#: a masked parameter renames the source (its records, ids and checkpoints go by the URL).
_SECRET_NAME = re.compile(
    r"passw|pwd|secret|token|credential|key$|signature|jwt|^session"
    r"|^(?:pass|pw|auth|authorization)$",
    re.IGNORECASE,
)
_PARAMETER = re.compile(r"([?&])([^=&#]*)=([^&#]*)")
MASK = "***"
#: Why a repository name holding a URL's credentials is refused: records, runs and reports
#: are kept under it (a security review found a password so stored and printed).
CREDENTIALS_IN_A_NAME = (
    "holds credentials (a URL's user part or a credential parameter), which would be stored "
    "with every record and printed in every report: give the name without them"
)


#: A URL's scheme and user part in free text, to the last "@" before white space or a quote
#: (a password may hold an unencoded "/" or "@").
_USER_PART = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)[^\s'\"]*@")
#: A query parameter in free text, its value ending before white space or a quote.
_PARAMETER_IN_TEXT = re.compile(r"([?&])([^=&#\s'\"]*)=([^&#\s'\"]*)")


def masked(text: str) -> str:
    """``text`` with the user part of every URL in it and the values of credential
    parameters masked: for a value a message quotes, which may be a URL given in the wrong
    place (``url_env = "https://user:pass@host/oai"``)."""
    text = _USER_PART.sub(rf"\1{MASK}@", text)
    return _PARAMETER_IN_TEXT.sub(
        lambda m: f"{m[1]}{m[2]}={MASK}" if is_secret_name(m[2]) else m[0], text
    )


def holds_credentials(text: str) -> bool:
    """Whether ``text`` holds what :func:`masked` masks: a name that does may not be kept
    (:data:`CREDENTIALS_IN_A_NAME`)."""
    return masked(text) != text


def shown_value(value: object) -> str:
    """``repr(value)``, :func:`masked`: a config value as a message quotes it."""
    return masked(repr(value))


def is_secret_name(name: str) -> bool:
    """Whether a key or parameter of this name holds a credential (``%74oken`` is ``token``)."""
    return _SECRET_NAME.search(unquote(name)) is not None


def mask_query(url: str) -> str:
    """``url`` with the values of its credential parameters masked (``?apikey=***``)."""
    return _PARAMETER.sub(lambda m: f"{m[1]}{m[2]}={MASK}" if is_secret_name(m[2]) else m[0], url)


def query_secrets(url: str) -> set[str]:
    """The values of ``url``'s credential parameters as written, to scrub from messages that
    quote it (read as :func:`mask_query` reads them)."""
    return {m[3] for m in _PARAMETER.finditer(url) if m[3] and is_secret_name(m[2])}


def scrubbed(message: str, secret_url: str, shown_url: str, proxies: Iterable[str] = ()) -> str:
    """``message`` with ``secret_url`` shown as ``shown_url`` and the credentials it holds
    masked wherever they appear: an endpoint's error text may quote the request
    (``badArgument … request was apikey=…&verb=ListRecords``), as may a library's.

    The credentials of the ``proxies`` URLs the request went through are masked too, and so
    is all of the user part of one written so that it cannot be read (urllib3 quotes what it
    read of ``http://u:pa/ss@proxy``: ``'u:pa'``).
    """
    message = message.replace(secret_url, shown_url)
    userinfo = urlsplit(secret_url).netloc.rpartition("@")[0]
    secrets = {userinfo, userinfo.partition(":")[2], *query_secrets(secret_url)}
    for proxy in proxies:
        written = proxy.partition("://")[2].rpartition("@")[0]
        secrets |= {written, *re.split(r"[:/?#]", written)}
    secrets -= {""}
    # As written, and as quoted back: decoded (an endpoint's message quotes the request it
    # read, abc== for abc%3D%3D), or encoded again its own way (%2F, %20, %3d).
    decoded = {form for s in secrets for form in (s, unquote(s), unquote_plus(s))}
    forms = {form for d in decoded for form in (d, *(code(d) for code in _ENCODINGS))} - {""}
    # HTTP Basic sends the user part decoded, in base64, which a message may quote back.
    forms |= {_basic(unquote(userinfo))} if ":" in userinfo else set()
    if not forms:
        return message
    # A short secret (a password "x", a key "5") is masked only where a value begins (after
    # "=" or ":"): masked as free text, it garbled every "x" and "5" of the message.
    choices = [
        re.escape(f) if len(f) >= _FREE_TEXT else f"(?<=[=:]){re.escape(f)}(?![0-9A-Za-z])"
        for f in sorted(forms, key=len, reverse=True)  # the longest form first
    ]
    pattern = re.compile("|".join(choices), flags=re.IGNORECASE)
    # The URL just made safe is left whole: a secret "repo" had masked "repo.example.org".
    return shown_url.join(pattern.sub(MASK, piece) for piece in message.split(shown_url))


_ENCODINGS = (lambda s: quote(s, safe=""), quote, quote_plus)


def _basic(userinfo: str) -> str:
    """``user:password`` as HTTP Basic sends it (RFC 7617 §2), as requests encodes it."""
    return base64.b64encode(userinfo.encode("latin-1", "replace")).decode("ascii")


#: Secrets this long and longer are masked wherever they appear; shorter ones as values only.
_FREE_TEXT = 4


def shown_url(url: str) -> str:
    """``url`` with its user part and credential parameters masked (``https://***@host/oai``):
    for a message about the credentials it holds, which must show where they are.

    Raises :class:`ConfigError` as :func:`public_url` does for a URL whose user part cannot
    be told apart (it would be shown whole).
    """
    shown = public_url(url)  # the user part dropped, the query masked
    if "@" not in urlsplit(url).netloc:
        return shown
    scheme, _, rest = shown.partition("://")
    return f"{scheme}://{MASK}@{rest}"


def _readable(url: str) -> SplitResult | None:
    """``url`` split, or ``None`` when its host or port cannot be read."""
    try:
        parts = urlsplit(url)  # raises ValueError for a bracket left open ("[::1/oai")
        parts.port  # noqa: B018  # raises ValueError when "port" is part of a password
        parts.hostname  # noqa: B018  # raises ValueError for "[x]", no IP address
    except ValueError:
        return None
    return parts


def _unreadable(url: str) -> ConfigError:
    """Why ``url``'s host or port cannot be read: said with the URL where it has no ``@``
    anywhere (a ``/`` in a password ends the authority early: ``https://u:pa/ss@host``), so
    no user name or password, else without it."""
    if "@" not in url:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018  # raises ValueError for "99999" or "abc"
        except ValueError as exc:  # a port out of range, a bracket left open
            return ConfigError(f"the endpoint URL {mask_query(url)!r} cannot be read: {exc}")
    return ConfigError(
        "the endpoint URL's host cannot be read (not shown: it may hold a password); "
        "percent-encode / ? # @ in a user name or password, e.g. ? as %3F"
    )


def refuse_padded_url(url: str) -> None:
    """Refuse, with a :class:`UsageError`, a base URL with white space around it, shown with
    its white space but without its credentials: ``" http://host/oai"`` had been harvested,
    its records kept under the name with the space, a second copy of each."""
    bare = url.strip()
    if url != bare:
        if not bare:  # str.partition("") raises ValueError: harvest(" ") had been a traceback
            raise UsageError(f"URL is white space alone: {url!r}")
        lead, trail = url.partition(bare)[::2]
        raise UsageError(f"URL has white space around it: {lead + public_url(bare) + trail!r}")


def refuse_unsendable_url(url: str) -> None:
    """Refuse, with a :class:`UsageError`, a base URL padded (:func:`refuse_padded_url`) or
    with a character inside that no URL holds as written
    (:func:`~ir_ingest.urls.stray_character`), named, and the URL shown without its
    credentials.

    ``http://host/oai pmh`` had been asked for as typed (requests sent ``oai%20pmh``) and a
    failed run kept under the name with the space; ``urlsplit`` drops a tab or a line break
    anywhere in a URL, so ``http://host/o<TAB>ai`` had been harvested from
    ``http://host/oai``, its records named with the tab.
    """
    refuse_padded_url(url)
    stray = stray_character(url)
    if stray is None:
        return
    named = "a space" if stray == " " else f"the character U+{ord(stray):04X}"
    if "@" in url:  # a user part, perhaps with the character in it: shown encoded, without it
        # A lone surrogate is the byte it stood for (an argument that was no UTF-8).
        encoded = "".join(
            quote(c, safe="", errors="surrogateescape") if stray_character(c) else c for c in url
        )
        shown = f"{public_url(encoded)!r} (shown percent-encoded, without its user part)"
    else:
        shown = repr(mask_query(url))
    encoded_stray = quote(stray, errors="surrogateescape")
    raise UsageError(f"URL has {named} in it: {shown}; percent-encode it ({encoded_stray})")


def public_url(url: str) -> str:
    """A URL without the user name and password it may carry, nor the values of credential
    query parameters (``?apikey=***``), for messages and record ids.

    The userinfo is what precedes the last ``@`` of the authority (RFC 3986 §3.2.1); the host,
    IPv6 brackets and port stay as written.  Raises :class:`ConfigError` for a URL whose
    authority cannot be told apart, rather than show a password: in
    ``https://user:pa?ss@host/oai`` the unencoded ``?`` ends the authority at ``user:pa``.
    """
    authority = url.partition("//")[2].partition("/")[0]
    parts = _readable(url)
    if parts is None or ("@" in authority and "@" not in parts.netloc):
        raise _unreadable(url)
    if "@" in parts.netloc:
        url = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
        # The host left must be one: "http://u:p]@[::1/oai" split, its host does not.
        if _readable(url) is None:
            raise _unreadable(url)
    # An API key in the query (?apikey=…) is a credential too: sent, never shown or stored.
    return mask_query(url)
