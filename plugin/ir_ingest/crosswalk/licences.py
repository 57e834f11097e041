"""Licences: a licence URL or name read as ``{id, uri, label}`` (SPDX id, lower case).

Creative Commons URLs are read by their parts (``/licenses/by-nc/4.0/legalcode`` is
CC-BY-NC-4.0), whatever the page of the licence they point to (deed, legal code, a deed's
language); other licences by the ``licenses`` table, under their URL (without scheme,
``www.``, trailing ``/`` or ``.html``) or name ("MIT License", "Apache-2.0").  InvenioRDM and
DataCite name licences by SPDX id: a URI alone left the deposit to guess.
"""

from __future__ import annotations

import re
from typing import Any

from ir_ingest.crosswalk.lookups import lookup_row
from ir_ingest.crosswalk.normalise import NormaliseError, clean_text

_CC = re.compile(
    r"^creativecommons\.org/licenses/(by(?:-nc)?(?:-sa|-nd)?)/(\d\.\d)(?:/([a-z]{2}))?$"
)
_CC_TERMS = {"by": "Attribution", "nc": "NonCommercial", "sa": "ShareAlike", "nd": "NoDerivatives"}
#: What a version of the licences is called when it is for no one jurisdiction.
_CC_PORTS = {"4.0": "International", "3.0": "Unported", "2.5": "Generic", "2.0": "Generic"}
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
#: A licence URL's scheme and ``www.``, and the page of it after its address.
_URL_START = re.compile(r"^https?://(?:www\.)?", re.IGNORECASE)
_URL_END = re.compile(r"(?:/(?:legalcode|deed)(?:\.[\w-]+)?|\.html?)?/*$")


def licence(value: str) -> dict[str, Any]:
    """``licence``: the licence a URL or name names, as ``{id, uri, label}``.

    A URL no table knows is kept as ``{uri}``; a name no table knows is no licence we read
    (:class:`NormaliseError`, for the rule's error policy).
    """
    text = clean_text(value)
    if _URL_START.match(text):
        key = _URL_END.sub("", _URL_START.sub("", text)).lower()
        known = _creative_commons(key) or _PUBLIC_DOMAIN.get(key)
        if known is not None:
            return dict(zip(("id", "uri", "label"), known, strict=True))
        row = lookup_row("licenses", key)
        return dict(row) if row else {"uri": text}
    row = lookup_row("licenses", text)
    if row is None:
        raise NormaliseError(f"{value!r} is no licence URL or name we know")
    return dict(row)


def _creative_commons(key: str) -> tuple[str, str, str] | None:
    """SPDX id, canonical URL and name of a Creative Commons licence URL's key."""
    found = _CC.match(key)
    if found is None:
        return None
    kind, version, port = found.groups()
    terms = "-".join(_CC_TERMS[term] for term in kind.split("-"))
    if version != "4.0":
        terms = terms.replace("NoDerivatives", "NoDerivs")  # as before 4.0 they were called
    where = port.upper() if port else _CC_PORTS.get(version, "Generic")
    spdx = f"cc-{kind}-{version}" + (f"-{port}" if port else "")
    uri = f"https://creativecommons.org/licenses/{kind}/{version}/" + (f"{port}/" if port else "")
    return spdx, uri, f"Creative Commons {terms} {version} {where}"
