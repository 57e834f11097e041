"""What counts as a credential, and how one is kept out of what ir-ingest shows and stores.

Passwords in a URL's user part are handled where URLs are (``oai.transport.public_url``,
``store.engine.redact_url``); these are the credentials written as names and values: a config
key (``access_token``) or a URL's query parameter (``?apikey=…``, ``?password=…`` for libpq).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

#: Parts of names that hold credentials: ``access_token``, ``client_secret``, ``passwd``,
#: ``api_key``, ``apikey``.
SECRET_WORDS = ("passw", "secret", "token", "key", "credential")
_SECRET_PARAMETER = re.compile(
    rf"([?&][^=&#]*(?:{'|'.join(SECRET_WORDS)})[^=&#]*=)[^&#]*", re.IGNORECASE
)
MASK = "***"


def is_secret_name(name: str) -> bool:
    """Whether a key or parameter of this name holds a credential."""
    lowered = name.lower()
    return any(word in lowered for word in SECRET_WORDS)


def mask_query(url: str) -> str:
    """``url`` with the values of its credential parameters masked (``?apikey=***``)."""
    return _SECRET_PARAMETER.sub(rf"\1{MASK}", url)


def query_secrets(url: str) -> set[str]:
    """The values of ``url``'s credential parameters, to scrub from messages that quote it."""
    return {
        value
        for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=True)
        if value and is_secret_name(name)
    }
