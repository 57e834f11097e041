"""Identifiers and links: scheme detection and normalisation, MODS-style identifier parts,
and related resources.

Validation matches InvenioRDM's because both use idutils; a value that is not valid in its
scheme (an ISBN with a bad checksum) is a :class:`NormaliseError`, never a guess.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from ir_ingest.controls import NOT_IN_AN_IRI
from ir_ingest.crosswalk.idutils_import import import_idutils
from ir_ingest.crosswalk.lookups import lookup_row
from ir_ingest.crosswalk.normalise import NormaliseError, clean_text

if TYPE_CHECKING:
    from collections.abc import Callable

# idutils is imported when first needed (see scheme_detectors); that it is installed at all is
# checked here, so that a broken installation fails at start, not as a reject per record.
if importlib.util.find_spec("idutils") is None:
    raise ImportError("ir-ingest needs idutils; install it (pip install idutils)")

# idutils reports every scheme a string could be; prefer the most specific ones.
# "issn:2583-1887", "PMID: 123", and the info URI form "info:pmid/123" (RFC 4452).
# "issn:2583-1887", "ISSN 0378-5955", "info:doi/10.1000/x" (RFC 4452's info URI of a DOI).
_SCHEME_PREFIX = re.compile(
    r"^(?:info:)?(issn|isbn|pmid|arxiv|doi)(?:\s*[:/]\s*|\s+)(\S.*)$", re.IGNORECASE
)
# A URL behind a label and a colon, or a colon alone: Islandora's MODS to DC stylesheet writes
# an identifier's type or displayLabel before it ("uri: https://…"), and ": https://…" where
# there is none.
_LABELLED_URL = re.compile(r"^(?:(?:uri|url|link)\s*)?:\s*(https?://\S+)$", re.IGNORECASE)
# OpenAIRE v3 wraps an alternative identifier as info:eu-repo/semantics/altIdentifier/doi/10.1/x.
_ALT_IDENTIFIER = re.compile(
    r"^info:eu-repo/semantics/altIdentifier/([^/]+)/(\S.*)$", re.IGNORECASE
)
#: An arXiv abstract page, the form arXiv and the repositories citing it write an arXiv id in:
#: a new-style id (2101.00001, perhaps v2) or an old-style one (hep-th/9901001, math.AG/…).
#: idutils 1.7 reads no URL as arXiv: it had been a plain url.
_ARXIV_PAGE = re.compile(
    r"^https?://(?:www\.|export\.)?arxiv\.org/abs/"
    r"(\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)$",
    re.IGNORECASE,
)
#: A RePEc handle (https://ideas.repec.org/t/handles.html): "RePEc:", an archive code, a
#: series code and the item's id, colon-separated (RePEc:dgr:eureri:2001134; an article's id
#: may hold colons itself, RePEc:eee:ecolec:v:68:y:2009:i:3:p:1-9).  Economics repositories
#: (early DSpace at Erasmus, EconStor) write it in dc:identifier; idutils knows no such scheme.
_REPEC = re.compile(r"^RePEc:[a-z0-9]{3}:[a-z0-9]+:\S+$", re.IGNORECASE)
# idutils' handle test accepts anything with a slash ("Photo 12/3", an EPrints citation, a
# series "Julkaisuja / Helsingin yliopisto"): only the forms repositories write are handles, a
# prefixed or resolver form, or a bare one whose prefix is digits and dots (1887/12345).
_HANDLE = re.compile(
    r"^(?:(?:hdl:|info:hdl/|https?://hdl\.handle\.net/)([^\s/]+/\S+)|(\d+(?:\.\d+)*/\S+))$",
    re.IGNORECASE,
)
# An ARK, bare ("ark:/12345/x", or "ark:12345/x" as the ARK spec of 2023 writes it) or at a
# resolver, which is any host (n2t.net, Digital Commonwealth's ark.digitalcommonwealth.org):
# idutils 1.7 takes no https resolver URL for an ARK, and keeps the host of an http one, so a
# record's ARK URL had been a plain url.  The NAAN is betanumeric, as idutils tests it.  A
# final "/" or "." is no part of an ARK (its spec's normalisation; UNT writes one): taken off
# in code (:func:`_ark_name`), as a lazy match before them took quadratic time (a review).
_ARK = re.compile(r"^(?:https?://[^/\s?#]+/)?(?i:ark):/?([0-9bcdfghjkmnpqrstvwxz]+/\S+)$")
# Characters RFC 3986 never allows unencoded in a URL (§2, appendix C), which idutils' URL test
# lets through: a space in a DSpace file name, or '"><script>' in a hostile record, which a
# repository's landing page would carry into an attribute; and what no IRI holds (RFC 3987
# §4.1: controls, bidi marks and overrides), with which a link reads as another address
# ("http://h/<U+202E>gnp.exe" shows as ".../exe.png"; a security review).  All are
# percent-encoded.
_URL_UNSAFE = re.compile(rf'[\s"<>\\^`{{|}}{NOT_IN_AN_IRI}]')
#: The schemes of a link to a place (see :func:`url`).
_URL_SCHEMES = frozenset({"http", "https", "ftp", "ftps"})
# No "pmid": any number passes for one (a series number in dc:relation, a local id), so only
# a value written as a PMID ("PMID: 123", "info:pmid/123") is taken as one.
_SCHEME_PREFERENCE = ("doi", "isbn", "issn", "orcid", "handle", "urn", "arxiv", "ark", "url")


def identifier(value: str, scheme: str | None = None) -> dict[str, str]:
    """Validate and normalise an identifier; see :func:`_identifier` (results are cached)."""
    result = _identifier_cached(value, scheme)
    if isinstance(result, str):
        raise NormaliseError(result)
    return dict(result)


@lru_cache(maxsize=8192)
def _identifier_cached(value: str, scheme: str | None) -> tuple[tuple[str, str], ...] | str:
    # The same ISSN comes back on every article of a journal.  A failure is cached as its
    # message: a cached exception raised again would grow its traceback every time.
    try:
        return tuple(_identifier(value, scheme).items())
    except NormaliseError as exc:
        return str(exc)


def _identifier(value: str, scheme: str | None = None) -> dict[str, str]:
    """Validate an identifier and normalise its value; detect the scheme unless it is given.

    DOIs lose their resolver prefix and are lower-cased (DOIs are case-insensitive, DOI
    Handbook §2.4, so one form is needed to find duplicates); ISBNs and ISSNs lose hyphens.
    A value that is not valid in the given scheme (an ISBN with a bad checksum) is an error.
    """
    text = clean_text(value)
    if scheme is None:
        scheme, text = _written_scheme(text)
        if scheme is not None and scheme not in scheme_detectors():
            return {"scheme": scheme, "value": text}  # altIdentifier/wos/…: kept as given
    if text.startswith("oai:") and scheme is None:
        return {"scheme": "oai", "value": text}
    # One detector per candidate scheme, most specific first: running all of idutils' forty
    # detectors (detect_identifier_schemes) costs a hundred microseconds per identifier.
    for found in (scheme,) if scheme is not None else _SCHEME_PREFERENCE:
        if not _is(found, text):
            continue
        normalised = _normalised(text, found)
        if found in {"isbn", "issn"}:
            normalised = normalised.replace("-", "").upper()
            note = _note(found, text)
            if note:  # idutils reads the number and drops the rest; the rest is kept
                return {"scheme": found, "value": normalised, "note": note}
        elif found == "doi":
            normalised = normalised.lower()
        elif found == "url":
            normalised = url(normalised)
        return {"scheme": found, "value": normalised}
    if scheme is not None:
        raise NormaliseError(f"{value!r} is not a valid {scheme}")
    raise NormaliseError(f"{value!r} is not an identifier of a known scheme")


#: An ISBN or ISSN and what follows it: MARC writes "0801486394 (pbk. : acid-free paper)".
_NUMBER_AND_NOTE = {
    "isbn": re.compile(
        r"^(?:isbn(?:-1[03])?\s*:?\s*)?[\dXx][\dXx -]{8,15}[\dXx](?P<note>.*)$", re.I
    ),
    "issn": re.compile(r"^(?:issn\s*:?\s*)?\d{4}-?\d{3}[\dXx](?P<note>.*)$", re.I),
}


_SPACED_HYPHEN = re.compile(r"\s+-\s+")


def _note(scheme: str, text: str) -> str | None:
    """What follows an ISBN or ISSN in ``text``, without its parentheses; None if nothing."""
    # "90 - 5892 - 032 - 1": hyphens spaced apart are the number's, not a note's.
    found = _NUMBER_AND_NOTE[scheme].match(_SPACED_HYPHEN.sub("-", text))
    note = found["note"].strip(" ;,:") if found else ""
    if note.startswith("(") and note.endswith(")"):
        note = note[1:-1].strip()
    return note or None


def url(value: str) -> str:
    """``url``: a web or FTP address, with what RFC 3986 never allows unencoded percent-encoded.

    Another scheme is an error: ``javascript:`` and ``data:`` carry code or content, not a
    place, and a repository would show them as a link.
    """
    text = clean_text(value)
    if _url_scheme(text) not in _URL_SCHEMES or not urlsplit(text).netloc:
        raise NormaliseError(f"{value!r} is no http, https or ftp URL")
    return _URL_UNSAFE.sub(lambda m: quote(m.group(), safe=""), text)


#: DSpace's dc:format of a file: its media type, a space, its URL, whose spaces the repository
#: left unencoded ("application/pdf https://host/retrieve/2508/Thesis final.pdf").
_TYPED_FILE = re.compile(r"^([a-z]+/[-+.\w]+)\s+(\S.*)$")


def typed_file(value: str) -> dict[str, str]:
    """A file from a media type and its URL as DSpace writes them into ``dc:format``:
    ``{mimetype, source_url}``, the URL checked and encoded by :func:`url`.  (The media type
    alone is the record's format: a rule before takes it into ``formats``.)"""
    found = _TYPED_FILE.match(clean_text(value))
    if found is None:
        raise NormaliseError(f"{value!r} is not a media type and a file URL")
    return {"mimetype": found[1], "source_url": url(found[2])}


def _written_scheme(text: str) -> tuple[str | None, str]:
    """The scheme the source wrote in front of the value, if any, and the value without it.

    ``issn:2583-1887``, ``isbn: 978…``, OpenAIRE v3's
    ``info:eu-repo/semantics/altIdentifier/<scheme>/<value>`` (Pure, DSpace, OpenEdition),
    whose scheme names are the source's (``hdl``, ``eissn``) and are mapped to idutils' ones,
    a URL behind a label (``uri: https://…``: the scheme is found from the URL), an arXiv
    abstract page (``http://arxiv.org/abs/2101.00001``), and a RePEc handle, whose
    ``RePEc:`` prefix is part of it (scheme ``repec``, which idutils does not know).
    """
    alt = _ALT_IDENTIFIER.match(text)
    if alt:
        given = alt.group(1).lower()
        return _SCHEME_ALIASES.get(given, given), alt.group(2)  # uri: detected
    prefixed = _SCHEME_PREFIX.match(text)
    if prefixed:
        return prefixed.group(1).lower(), prefixed.group(2)
    labelled = _LABELLED_URL.match(text)
    if labelled:
        return None, labelled.group(1)  # which scheme the URL is of is found from it
    arxiv = _ARXIV_PAGE.match(text)
    if arxiv:
        return "arxiv", arxiv.group(1)
    if _REPEC.match(text):
        return "repec", "RePEc" + text[len("RePEc") :]  # the prefix as RePEc spells it
    return None, text


def _normalised(text: str, scheme: str) -> str:
    """``text``, an identifier of ``scheme`` (checked by :func:`_is`), in its scheme's one form.

    A handle is without its ``hdl:``, ``info:hdl/`` or resolver prefix; an ARK is
    ``ark:/NAAN/Name`` without its resolver; idutils normalises the rest.
    """
    if scheme == "handle":
        handle = _HANDLE.match(text)
        assert handle is not None
        return handle.group(1) or handle.group(2)
    if scheme == "ark":
        name = _ark_name(text)
        assert name is not None
        return f"ark:/{name}"
    return _normalize_pid(text, scheme)


def _ark_name(text: str) -> str | None:
    """An ARK's NAAN and name without the final "/" or "." (see :data:`_ARK`), if it is one."""
    found = _ARK.match(text)
    if found is None:
        return None
    name = found.group(1).rstrip("/.")
    return name if "/" in name.strip("/") else None  # "12345//" names nothing


@cache
def scheme_detectors() -> dict[str, Callable[[str], Any]]:
    """idutils' detector of each scheme it knows.

    idutils is imported here, on first use: its import compiles its patterns (0.2 s here,
    with :mod:`~ir_ingest.crosswalk.idutils_import`), which commands that crosswalk nothing
    (``--help``, ``report``, ``export``) need not pay.
    """
    return dict(import_idutils().IDUTILS_PID_SCHEMES)


def _normalize_pid(text: str, scheme: str) -> str:
    return str(import_idutils().normalize_pid(text, scheme))


def _is(scheme: str, text: str) -> bool:
    """Is ``text`` an identifier of ``scheme``, with idutils' tie-breaks between schemes.

    As in ``idutils.detect_identifier_schemes``: a URL is not also an ISBN, ISSN or URN.  A
    handle must have one of the forms :data:`_HANDLE` names, not merely a slash; an ARK one of
    :data:`_ARK`'s.
    """
    if scheme == "handle":
        return _HANDLE.match(text) is not None
    if scheme == "ark":
        return _ark_name(text) is not None
    detectors = scheme_detectors()
    detector = detectors.get(scheme)
    try:
        if detector is None or not detector(text):
            return False
        if scheme in ("isbn", "issn", "urn"):
            return not detectors["url"](text)
    except ValueError:
        return False  # idutils' URN and URL tests split the value, and urllib raises for some
    if scheme == "url":
        return _url_scheme(text) in _URL_SCHEMES
    return True


def _url_scheme(text: str) -> str | None:
    """The scheme of a URL, lower-cased; None for a value urllib cannot split
    (``http://[oops/x``: a bracket left open raises ValueError)."""
    try:
        return urlsplit(text).scheme.lower()
    except ValueError:
        return None


# scheme names sources use -> idutils scheme names
_SCHEME_ALIASES = {
    "hdl": "handle",
    "uri": None,
    "eissn": "issn",
    "e-issn": "issn",
    "pissn": "issn",
    "p-issn": "issn",
    "isbn13": "isbn",
}


def identifier_parts(parts: dict[str, Any]) -> dict[str, Any]:
    """Finish an identifier read as ``{scheme, value[, qualifier]}`` (MODS ``identifier@type``).

    Schemes idutils knows are validated and normalised (an ISBN with a bad checksum is an error);
    ``uri`` is detected; other schemes (``local``, ``report number``) are kept as given.
    """
    value = parts.get("value")
    if not value:
        raise NormaliseError("the identifier has no value")
    given = str(parts.get("scheme") or "").strip().lower() or None
    scheme = _SCHEME_ALIASES.get(given, given) if given else None
    if scheme is None or scheme in scheme_detectors():
        result: dict[str, Any] = identifier(value, scheme)
    else:
        result = {"scheme": scheme, "value": clean_text(value)}
    if parts.get("qualifier"):
        result["qualifier"] = parts["qualifier"]
    return result


# A label before a host identifier: "ISBN:", "eISSN", "Online ISSN", "ISSN (print)", "doi".
_HOST_LABEL = re.compile(
    r"^(?P<label>(?:[a-z]+[- ]?)?(?P<scheme>isbn|issn|doi)(?:\s*\([a-z]+\))?)\s*[:.]?\s*"
    r"(?P<value>\S+)$",
    re.IGNORECASE,
)
#: The schemes a part's dc:source may name its host by (a DOI there is the host's).
HOST_SOURCE_SCHEMES = frozenset(("isbn", "issn", "doi"))


def host_identifier(text: str) -> dict[str, str] | None:
    """The ISBN, ISSN or DOI a text consists of (labelled or bare), else ``None``.

    Pure and OJS put the book's ISBN or the journal's ISSN alone into a part's ``dc:source``
    ("ISBN: 9780367735012", "1234-5679"); that names the host but is no title.  A label such
    as "eISSN" or "ISSN (print)" gives the qualifier (``identifier_qualifiers`` table).
    """
    cleaned = clean_text(text)
    match = _HOST_LABEL.match(cleaned)
    if match is None:
        try:
            found = identifier(cleaned)
        except NormaliseError:
            return None
    else:  # labelled: an invalid value is an error, and still no title
        found = identifier(match["value"], match["scheme"].lower())
    if found["scheme"] not in HOST_SOURCE_SCHEMES:
        return None
    qualifier = lookup_row("identifier_qualifiers", match["label"].lower()) if match else None
    if qualifier is not None:
        found["qualifier"] = qualifier["value"]
    return found


def related_parts(parts: dict[str, Any]) -> dict[str, Any]:
    """A related resource from its identifier or URL (a title alone cannot be linked)."""
    found = parts.get("id") or (
        {"scheme": "url", "value": parts["url"]} if parts.get("url") else None
    )
    if not found:
        raise NormaliseError("the related item has neither an identifier nor a URL")
    result = {"scheme": found["scheme"], "value": found["value"]}
    for key in ("relation", "resource_type_uri"):
        if parts.get(key):
            result[key] = parts[key]
    return result
