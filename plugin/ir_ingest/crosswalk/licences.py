"""Licences: a licence URL or name read as ``{id, uri, label}`` (SPDX id, lower case).

Creative Commons licences are read by their parts, from a URL (``/licenses/by-nc/4.0/legalcode``
is CC-BY-NC-4.0, whatever page of the licence it points to) or a name ("CC BY-NC 4.0",
"Creative Commons Attribution Non Commercial 4.0 International", as SPDX and Zenodo write it);
other licences by the ``licenses`` table, under their URL (without scheme, ``www.``, query,
trailing ``/``, ``.html``, ``.txt`` or ``.php``) or name ("MIT License").  InvenioRDM and
DataCite name licences by SPDX id: a URI alone left the deposit to guess.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

import pycountry

from ir_ingest.crosswalk.identifiers import url
from ir_ingest.crosswalk.lookups import lookup_row
from ir_ingest.crosswalk.normalise import NormaliseError, clean_text

_CC_URL = re.compile(
    r"^creativecommons\.org/licenses/(by(?:-nc)?(?:-sa|-nd)?|by-nd-nc)/(\d\.\d)(?:/([a-z]{2,3}))?$"
)
_CC_SHORT = re.compile(r"^cc (by(?: nc)?(?: sa| nd)?) (\d\.\d)$")
_CC_LONG = re.compile(
    r"^creative commons attribution((?: noncommercial)?(?: sharealike| noderivatives)?) "
    r"(\d\.\d)(?: (?:international|unported|generic))?(?: licen[cs]e)?$"
)
#: The words of the licences' long names, as one token each.
_CC_WORDS = (
    ("non commercial", "noncommercial"), ("share alike", "sharealike"),
    ("no derivatives", "noderivatives"), ("no derivs", "noderivatives"),
    ("noderivs", "noderivatives"),
)  # fmt: skip
_CC_PARTS = {"noncommercial": "nc", "sharealike": "sa", "noderivatives": "nd"}
_CC_TERMS = {"by": "Attribution", "nc": "NonCommercial", "sa": "ShareAlike", "nd": "NoDerivatives"}
#: What a version of the licences is called when it is for no one jurisdiction.
_CC_UNPORTED = {"4.0": "International", "3.0": "Unported"}
_PUBLIC_DOMAIN = {
    "creativecommons.org/publicdomain/zero/1.0": (
        "cc0-1.0",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        "Creative Commons Zero v1.0 Universal",
    ),
    "creativecommons.org/publicdomain/mark/1.0": (
        "cc-pdm-1.0",
        "https://creativecommons.org/publicdomain/mark/1.0/",
        "Creative Commons Public Domain Mark 1.0",
    ),
}
#: A licence URL's scheme and ``www.``; its query and fragment; the page of it after its
#: address; OSI's newer ``/license/`` for ``/licenses/``.  The trailing slashes alone are
#: looked for only where a run of slashes begins, and taken whole: "/*$" had been tried from
#: each slash of a run that something follows, to its end ("…/" + "/" * 200_000 + "x": minutes).
_URL_START = re.compile(r"^https?://(?:www\.)?", re.IGNORECASE)
_URL_QUERY = re.compile(r"[?#].*$")
_URL_END = re.compile(r"(?:/(?:legalcode|deed)(?:\.[\w-]+)?|\.html?|\.txt|\.php)/*+$|(?<!/)/*+$")
_SPDX_URL = "spdx.org/licenses/"
#: An SPDX licence id, in lower case (SPDX 2.3 annex D: letters, digits, "." and "-"; "+"
#: for "or later").
_SPDX_ID = re.compile(r"[a-z0-9.+-]+")
#: A licence's URL in text: at Creative Commons, SPDX, OSI, Apache, GNU, Mozilla or the
#: Unlicense (a rightsstatements.org URL is no licence), without the sentence's punctuation
#: after it.
_LICENCE_URL = re.compile(
    r"https?://(?:www\.)?(?:creativecommons\.org/(?:licenses|publicdomain)/|spdx\.org/licenses/"
    r"|opensource\.org/licenses?/|apache\.org/licenses/|gnu\.org/licenses/"
    r"|mozilla\.org/(?:en-US/)?MPL/|unlicense\.org)[^\s()<>\"']*[^\s()<>\"'.,;:]",
    re.IGNORECASE,
)
_OSI = "opensource.org/licenses/"
#: A Creative Commons licence named in full in prose, as the licence chooser's sentence
#: writes it without the URL ("This work is licensed under a Creative Commons
#: Attribution-NonCommercial 4.0 International License, CC BY-NC.").
_CC_NAMED = re.compile(
    r"creative\s+commons\s+attribution[-\w\s]{0,60}?\d\.\d"
    r"(?:\s+(?:international|unported|generic))?(?:\s+licen[cs]e)?",
    re.IGNORECASE,
)


def licence(value: str) -> dict[str, Any]:
    """``licence``: the licence a URL or name names, as ``{id, uri, label}``.

    A URL no table knows is kept as ``{uri}`` (an SPDX URL gives its id); a name no table
    knows is no licence we read (:class:`NormaliseError`, for the rule's error policy).
    """
    text = clean_text(value)
    if _URL_START.match(text):
        return _from_url(text)
    words = " ".join(text.lower().replace("-", " ").split())
    for spelt, word in _CC_WORDS:
        words = words.replace(spelt, word)
    short, long = _CC_SHORT.match(words), _CC_LONG.match(words)
    if short is not None:
        return _creative_commons(short[1].replace(" ", "-"), short[2], None)
    if long is not None:
        kind = "-".join(["by", *(_CC_PARTS[word] for word in long[1].split())])
        return _creative_commons(kind, long[2], None)
    row = lookup_row("licenses", text)
    if row is None:
        raise NormaliseError(f"{value!r} is no licence URL or name we know")
    return dict(row)


def licence_url(value: str) -> dict[str, Any] | None:
    """``licence_url``: the licence of the one licence URL a value holds (written once or
    more, alone or in prose); None, not mine, for none or two different."""
    found = set(_LICENCE_URL.findall(value))
    return _from_url(found.pop()) if len(found) == 1 else None


def licence_in_text(value: str) -> dict[str, Any] | None:
    """``licence_in_text``: the licence prose names by one licence URL (:func:`licence_url`),
    else by one Creative Commons licence's full name; None, not mine, for none or two."""
    by_url = licence_url(value)
    if by_url is not None:
        return by_url
    named: dict[str, dict[str, Any]] = {}
    for name in _CC_NAMED.findall(value):
        with contextlib.suppress(NormaliseError):  # "Attribution-Whatever 4.0": none we know
            found = licence(name)
            named[found["uri"]] = found
    return named.popitem()[1] if len(named) == 1 else None


def _from_url(text: str) -> dict[str, Any]:
    """The licence of a URL: Creative Commons' by its parts, others by the table."""
    address = _URL_QUERY.sub("", _URL_START.sub("", text))
    key = _URL_END.sub("", address).lower().replace("opensource.org/license/", _OSI)
    cc = _CC_URL.match(key)
    if cc is not None:
        return _creative_commons(*cc.groups())
    if key in _PUBLIC_DOMAIN:
        return dict(zip(("id", "uri", "label"), _PUBLIC_DOMAIN[key], strict=True))
    row = lookup_row("licenses", key)
    if row is not None:
        return dict(row)
    # Kept as a link is (identifiers.url: encoded, an http(s) or FTP address): a repository
    # shows it in an attribute, where '"><script>' or a right-to-left override had gone as
    # written (a security review).
    if key.startswith(_SPDX_URL) and _SPDX_ID.fullmatch(key.removeprefix(_SPDX_URL)):
        return {"id": key.removeprefix(_SPDX_URL), "uri": url(text)}
    return {"uri": url(text)}


def _creative_commons(kind: str, version: str, port: str | None) -> dict[str, Any]:
    """A Creative Commons licence by its parts: SPDX id (none for a jurisdiction's port, of
    which SPDX lists only a few), canonical URL and name."""
    if kind == "by-nd-nc":  # the 1.0 licences' own spelling
        kind = "by-nc-nd"
    terms = "-".join(_CC_TERMS[term] for term in kind.split("-"))
    if version != "4.0":
        terms = terms.replace("NoDerivatives", "NoDerivs")  # as before 4.0 they were called
    uri = f"https://creativecommons.org/licenses/{kind}/{version}/" + (f"{port}/" if port else "")
    if port is None:
        where = _CC_UNPORTED.get(version, "Generic")
        label = f"Creative Commons {terms} {version} {where}"
        return {"id": f"cc-{kind}-{version}", "uri": uri, "label": label}
    country = pycountry.countries.get(alpha_2=port.upper()) if len(port) == 2 else None
    where = country.name if country is not None else port.upper()
    return {"uri": uri, "label": f"Creative Commons {terms} {version} {where}"}
