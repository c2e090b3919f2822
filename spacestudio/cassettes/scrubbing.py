"""Scrubbing: what crosses the wire is rewritten so that no secret reaches a cassette.

A :class:`Scrubber` rewrites each recorded request and response before vcrpy keeps it:

* credentials in the places that carry them (token form fields, ``Authorization`` and
  cookie headers, query parameters, JSON keys such as ``email``) become placeholders;
* every token of a token answer becomes a placeholder JWT that keeps the claims a client
  reads (``sub``, ``scope`` …) and expires in the year 2100, so a replay never fails on
  an expired token;
* the values learned that way (and those given up front: password, e-mail, client id,
  the service's hosts) are then replaced wherever else they appear: raw, URL-encoded
  (once or twice), JSON- or HTML-escaped, in either Unicode normal form, and, for
  what is case-insensitive (e-mail, user name, host, client id), in any case;
* ids the server makes (UUIDs, 24-digit hex object ids) become numbered placeholders in
  order of appearance, so re-recording an unchanged session writes the same file.

:meth:`Scrubber.leaks_in` then checks what is about to be written for every known secret
in every encoding, hex and base64 included, as a second line of defence.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import html
import json
import logging
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

from vcr.request import Request
from vcr.util import read_body

logger = logging.getLogger("spacestudio.cassettes")

# -- placeholders ---------------------------------------------------------------------------

PLACEHOLDER_API_ORIGIN = "https://spacestudio.invalid"
PLACEHOLDER_AUTH_ORIGIN = "https://auth.spacestudio.invalid"
PLACEHOLDER_EMAIL = "user@spacestudio.invalid"
PLACEHOLDER_USERNAME = "scrubbed-user"
PLACEHOLDER_PASSWORD = "scrubbed-password"
PLACEHOLDER_CLIENT_ID = "scrubbed-client-id"
PLACEHOLDER_CLIENT_SECRET = "scrubbed-client-secret"
PLACEHOLDER_COOKIE = "scrubbed-cookie"
PLACEHOLDER_FIRST_NAME = "Scrubbed"
PLACEHOLDER_LAST_NAME = "User"
#: 2100-01-01T00:00:00Z: placeholder tokens expire long after any replay.
PLACEHOLDER_EXPIRY = 4102444800
#: 2023-11-14T22:13:20Z: the fixed issue time of placeholder tokens.
PLACEHOLDER_ISSUED_AT = 1700000000
#: The ``kid`` of placeholder JWTs, which marks them as placeholders.
PLACEHOLDER_KID = "scrubbed"
_UUID_PLACEHOLDER_PREFIX = "00000000-0000-4000-8000-"
_PLACEHOLDER_HOSTS = frozenset(
    {urlsplit(PLACEHOLDER_API_ORIGIN).hostname, urlsplit(PLACEHOLDER_AUTH_ORIGIN).hostname}
)

#: Secrets shorter than this are replaced in the fields that carry them, but not searched
#: for in free text, where a short word would match unrelated data.
MIN_SEARCHED_SECRET_LENGTH = 6
#: Protocol words a careless secret may equal; searching for them would rewrite the protocol.
_PROTOCOL_WORDS = frozenset(
    {
        "password",
        "refresh_token",
        "client_credentials",
        "authorization_code",
        "openid",
        "bearer",
        "basic",
        "application/json",
        "spacestudio-users",
    }
)

# -- where secrets live -----------------------------------------------------------------------

#: Form and query fields holding credentials, with the kind of secret each holds.
CREDENTIAL_FIELDS: dict[str, str] = {
    "username": "user name",
    "password": "password",
    "client_id": "client id",
    "client_secret": "client secret",
    "refresh_token": "refresh token",
    "access_token": "access token",
    "id_token": "ID token",
    "id_token_hint": "ID token",
    "token": "token",
    "code": "authorization code",
    "assertion": "assertion",
}
#: JSON keys holding tokens, with the kind of token.
TOKEN_KEYS: dict[str, str] = {
    "access_token": "access token",
    "accessToken": "access token",
    "refresh_token": "refresh token",
    "refreshToken": "refresh token",
    "id_token": "ID token",
    "idToken": "ID token",
}
#: JSON keys holding a person's identity, in any body, and in token claims.
PERSONAL_KEYS: dict[str, str] = {
    "email": "e-mail",
    "mail": "e-mail",
    "username": "user name",
    "userName": "user name",
    "preferred_username": "user name",
    "given_name": "first name",
    "firstName": "first name",
    "family_name": "last name",
    "lastName": "last name",
    "fullName": "full name",
}
#: Token claims that hold a person's name (``name`` elsewhere is an object's name).
_PERSONAL_CLAIMS: dict[str, str] = {**PERSONAL_KEYS, "name": "full name"}
_CLIENT_CLAIMS = ("azp",)
#: Kinds of secret worth a warning when too short to be searched for.
_WARNED_KINDS = frozenset({"password", "e-mail", "user name", "client id", "client secret"})
_TIME_CLAIMS = ("iat", "nbf", "auth_time")

#: Request headers kept in a cassette; every other one (User-Agent, cookies …) is dropped.
KEPT_REQUEST_HEADERS = ("accept", "authorization", "content-type")
#: Response headers kept; volatile ones (Date, Server, request ids …) are dropped.
KEPT_RESPONSE_HEADERS = (
    "content-disposition",
    "content-type",
    "location",
    "retry-after",
    "www-authenticate",
)

# Ids are found on a translated copy of the text where each hex digit is "h", any other
# letter "w", "-" itself and everything else " ": then an id is a plain literal
# ("hhhhhhhh-hhhh-…" or 24 "h") that bytes.find locates at C speed, even in a 20 MB body.
# An id stands alone or after a separator ("ephemerides-<uuid>"), never inside a longer
# word, and a 24-digit object id holds at least one letter (long numbers are no ids).
_ID_CLASSES = bytearray(b" " * 256)
for _char in b"0123456789abcdefABCDEF":
    _ID_CLASSES[_char] = ord("h")
for _char in b"ghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ":
    _ID_CLASSES[_char] = ord("w")
_ID_CLASSES[ord("-")] = ord("-")
_ID_TABLE = bytes(_ID_CLASSES)
_UUID_SHAPE = b"hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhhh"
_OBJECT_ID_SHAPE = b"h" * 24
_WORD = b"hw"


def _id_spans(data: bytes) -> list[tuple[int, int]]:
    """Where the server-made ids (UUIDs, 24-hex object ids) are in ``data``, in order."""
    classes = data.translate(_ID_TABLE)
    spans = []
    for shape in (_UUID_SHAPE, _OBJECT_ID_SHAPE):
        start = classes.find(shape)
        while start != -1:
            end = start + len(shape)
            alone = (start == 0 or classes[start - 1] not in _WORD) and (
                end == len(classes) or classes[end] not in _WORD
            )
            if alone and (shape is _UUID_SHAPE or not data[start:end].isdigit()):
                spans.append((start, end))
                start = classes.find(shape, end)
            else:
                start = classes.find(shape, start + 1)
    return sorted(spans)


#: A placeholder id this module made, wherever it stands in a text.
_PLACEHOLDER_ID = re.compile(
    rb"(?<![0-9A-Za-z])(?:" + re.escape(_UUID_PLACEHOLDER_PREFIX.encode()) + rb"[0-9]{12}"
    rb"|[0-9]{24})(?![0-9A-Za-z])"
)


def placeholder_ids_in(data: bytes) -> list[str]:
    """The placeholder ids in ``data``, in order."""
    return [match.group(0).decode("ascii") for match in _PLACEHOLDER_ID.finditer(data)]


def placeholder_id_number(value: str) -> int:
    """The number of a placeholder id (``…-000000000007`` is 7)."""
    return int(value.rsplit("-", 1)[-1])


def is_placeholder_id(value: str) -> bool:
    """Whether ``value`` is an id this module made (so it is never renumbered)."""
    return value.startswith(_UUID_PLACEHOLDER_PREFIX) or (len(value) == 24 and value.isdigit())


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwt_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The header and claims of a JWT, without checking its signature; None if not one."""
    pieces = token.split(".")
    if len(pieces) != 3:
        return None
    try:
        header = json.loads(_b64url_decode(pieces[0]))
        claims = json.loads(_b64url_decode(pieces[1]))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return None
    return header, claims


def is_placeholder_token(token: str) -> bool:
    """Whether ``token`` is a placeholder this module made."""
    parts = jwt_parts(token)
    if parts is not None:
        return parts[0].get("kid") == PLACEHOLDER_KID
    return token.startswith("scrubbed-")


def make_placeholder_jwt(header: dict[str, Any], claims: dict[str, Any], label: str) -> str:
    """A structurally valid JWT: base64url header, claims and a placeholder signature."""
    encode = json.dumps
    return ".".join(
        (
            _b64url(encode({**header, "kid": PLACEHOLDER_KID}, sort_keys=True).encode()),
            _b64url(encode(claims, sort_keys=True, ensure_ascii=False).encode()),
            _b64url(f"placeholder signature of {label}".encode()),
        )
    )


# -- the table of known secrets ---------------------------------------------------------------


@dataclass(frozen=True)
class KnownSecret:
    """One secret value, what it is, and what replaces it."""

    kind: str
    value: str
    placeholder: str
    #: Whether finding it in a cassette is a leak (a loopback host is scrubbed for stable
    #: files, but is no secret).
    secret: bool = True


#: Kinds of secret compared without regard to case: an e-mail or a host name is the same
#: in any case, and servers echo them back in another case than they were given.
CASE_INSENSITIVE_KINDS = frozenset({"e-mail", "user name", "service host", "client id"})


def _encodings() -> list[Callable[[str], str]]:
    """The plain encodings a value may travel in, replaced wherever found: raw,
    URL-encoded (once or twice), JSON- or HTML-escaped."""

    def lower_hex(encode: Callable[[str], str]) -> Callable[[str], str]:
        return lambda text: re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), encode(text))

    url = [
        lambda text: quote(text, safe=""),
        lambda text: quote_plus(text, safe=""),
        lambda text: quote(text),
    ]
    json_escaped = [
        lambda text: json.dumps(text)[1:-1],
        lambda text: json.dumps(text, ensure_ascii=False)[1:-1],
        lambda text: json.dumps(text)[1:-1].replace("/", "\\/"),
    ]
    markup = [
        html.escape,
        lambda text: html.escape(text, quote=False),
        lambda text: html.escape(text).replace("&#x27;", "&#39;"),
    ]
    twice = [
        lambda text: quote(quote(text, safe=""), safe=""),
        lambda text: quote(quote_plus(text, safe=""), safe=""),
    ]
    return [
        lambda text: text,
        *url,
        *(lower_hex(encode) for encode in url),
        *json_escaped,
        *markup,
        *twice,
    ]


_ENCODINGS = _encodings()
#: Encodings only searched for before a write, not replaced: a hex form starts with a
#: digit, and looking for it at every digit of a 20 MB ephemeris would make recording
#: many times slower, for a form no server was seen to send.
_SEARCHED_ONLY: list[Callable[[str], str]] = [
    lambda text: text.encode("utf-8").hex(),
    lambda text: text.encode("utf-8").hex().upper(),
]


def _normal_forms(text: str) -> list[str]:
    """``text`` as given and in both Unicode normal forms (composed, decomposed)."""
    return list(
        dict.fromkeys([text, *(unicodedata.normalize(form, text) for form in ("NFC", "NFD"))])
    )


def encoded_forms(text: str) -> list[str]:
    """``text`` in every encoding of :func:`_encodings` and normal form, each once, in a
    stable order."""
    encodings = [*_ENCODINGS, *_SEARCHED_ONLY]
    return list(
        dict.fromkeys(encode(variant) for variant in _normal_forms(text) for encode in encodings)
    )


def encoded_replacements(value: str, placeholder: str) -> dict[str, str]:
    """Each encoded form of ``value`` with the same encoding of ``placeholder``."""
    replacements: dict[str, str] = {}
    for variant in _normal_forms(value):
        for encode in _ENCODINGS:
            replacements.setdefault(encode(variant), encode(placeholder))
    return replacements


def base64_cores(text: str) -> list[str]:
    """The base64 text ``text`` turns into wherever it starts in an encoded byte string.

    A value inside a longer base64 string shifts by its offset modulo 3; for each of the
    three offsets, the characters that only the value's own bytes decide are returned
    (standard and URL-safe alphabets), so a search finds the value at any position.
    """
    data = text.encode("utf-8")
    cores: set[str] = set()
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + data).decode("ascii")
        start = -(-8 * offset // 6)
        end = (8 * (offset + len(data))) // 6
        core = encoded[start:end]
        if len(core) >= 8:
            cores.add(core)
            cores.add(core.replace("+", "-").replace("/", "_"))
    return sorted(cores)


_NOTHING = r"(?!x)x"


def _literal_pattern(alternatives: Iterable[str]) -> re.Pattern[str]:
    """One pattern of ``alternatives`` (regular expressions), or one that matches nothing."""
    source = "|".join(alternatives)
    return re.compile(source or _NOTHING)


def _literal_pattern_bytes(forms: Iterable[str], *, lower: bool = False) -> re.Pattern[bytes]:
    """A bytes pattern of the literal ``forms`` (as ``bytes.lower()`` makes them, with
    ``lower``), longest first: a secret inside a longer one never splits it."""
    encoded = [form.encode("utf-8") for form in forms]
    ordered = sorted({form.lower() if lower else form for form in encoded}, key=len, reverse=True)
    return re.compile(b"|".join(re.escape(form) for form in ordered) or _NOTHING.encode())


class SecretTable:
    """The secrets met so far, and fast replacement of them in text and bytes."""

    def __init__(self) -> None:
        self._secrets: dict[str, KnownSecret] = {}
        self._pattern: re.Pattern[str] | None = None
        self._pattern_bytes: re.Pattern[bytes] | None = None
        self._folded_bytes: re.Pattern[bytes] | None = None
        self._replacements: dict[str, str] = {}
        self._folded: dict[str, str] = {}
        # Each searched form's kind of secret, to tell which kinds were replaced.
        self._kinds: dict[str, str] = {}
        #: The kinds of secret replaced in free text so far.
        self.replaced: set[str] = set()
        #: Credentials too short to be searched for in free text: (kind, length).
        self.too_short: list[tuple[str, int]] = []

    def __iter__(self) -> Iterator[KnownSecret]:
        return iter(self._secrets.values())

    def __contains__(self, value: str) -> bool:
        return value in self._secrets

    def placeholder_of(self, value: str) -> str | None:
        known = self._secrets.get(value)
        return known.placeholder if known is not None else None

    def add(self, kind: str, value: str, placeholder: str, *, secret: bool = True) -> None:
        """Remember ``value`` (a ``kind``) and replace it with ``placeholder`` from now on."""
        if not value or value == placeholder or value in self._secrets:
            return
        self._secrets[value] = KnownSecret(kind, value, placeholder, secret)
        if self.searchable(value):
            self._pattern = self._pattern_bytes = self._folded_bytes = None
        elif kind in _WARNED_KINDS:
            self.too_short.append((kind, len(value)))

    @staticmethod
    def searchable(value: str) -> bool:
        """Whether a value is distinctive enough to be searched for in free text."""
        return len(value) >= MIN_SEARCHED_SECRET_LENGTH and value.lower() not in _PROTOCOL_WORDS

    def _compile(self) -> None:
        replacements: dict[str, str] = {}
        # Forms matched in any case, keyed by their lower-case text.
        folded: dict[str, str] = {}
        kinds: dict[str, str] = {}
        for known in self._secrets.values():
            if not self.searchable(known.value):
                continue
            insensitive = known.kind in CASE_INSENSITIVE_KINDS
            for form, placeholder_form in encoded_replacements(
                known.value, known.placeholder
            ).items():
                if insensitive:
                    folded.setdefault(form.lower(), placeholder_form)
                    kinds.setdefault(form.lower(), known.kind)
                else:
                    replacements.setdefault(form, placeholder_form)
                    kinds.setdefault(form, known.kind)
        self._kinds = kinds
        self._replacements = replacements
        self._folded = folded
        # Text (short: headers, JSON strings) takes one pattern, case-insensitive where the
        # secret is. Bytes (bodies, up to tens of MB) take two plain literal patterns, the
        # second searched in a lower-cased copy: an inline (?i:…) group would cost a slow
        # path at every position of the body.
        alternatives = sorted(
            [(form, False) for form in replacements] + [(form, True) for form in folded],
            key=lambda item: len(item[0]),
            reverse=True,
        )
        self._pattern = _literal_pattern(
            f"(?i:{re.escape(form)})" if insensitive else re.escape(form)
            for form, insensitive in alternatives
        )
        self._pattern_bytes = _literal_pattern_bytes(replacements)
        self._folded_bytes = _literal_pattern_bytes(folded, lower=True)

    def _replacement(self, found: str) -> str:
        replacement = self._replacements.get(found)
        if replacement is not None:
            self.replaced.add(self._kinds[found])
            return replacement
        self.replaced.add(self._kinds[found.lower()])
        return self._folded[found.lower()]

    def substitute(self, text: str) -> str:
        """``text`` with every known secret, in any plain encoding, replaced."""
        if self._pattern is None:
            self._compile()
        assert self._pattern is not None
        return self._pattern.sub(lambda match: self._replacement(match.group(0)), text)

    def substitute_bytes(self, data: bytes) -> bytes:
        """``data`` (UTF-8 or binary) with every known secret replaced."""
        if self._pattern_bytes is None or self._folded_bytes is None:
            self._compile()
        assert self._pattern_bytes is not None and self._folded_bytes is not None
        data = self._pattern_bytes.sub(
            lambda match: self._replacement(match.group(0).decode("utf-8")).encode("utf-8"), data
        )
        # bytes.lower() changes ASCII letters only, so positions in the copy are positions
        # in ``data``.
        pieces: list[bytes] = []
        position = 0
        for match in self._folded_bytes.finditer(data.lower()):
            start, end = match.span()
            original = data[start:end].decode("utf-8", "replace")
            pieces += [data[position:start], self._replacement(original).encode("utf-8")]
            position = end
        if not pieces:
            return data
        pieces.append(data[position:])
        return b"".join(pieces)

    def leaks_in(self, data: bytes) -> list[str]:
        """The kinds of the secrets found in ``data``, in any encoding (base64 included)
        and, for what is case-insensitive, in any case."""
        found: list[str] = []
        folded_data: bytes | None = None
        for known in self._secrets.values():
            if not known.secret or not self.searchable(known.value):
                continue
            forms = [form.encode("utf-8") for form in encoded_forms(known.value)]
            cores = [core.encode("ascii") for core in base64_cores(known.value)]
            if known.kind in CASE_INSENSITIVE_KINDS:
                if folded_data is None:
                    folded_data = data.lower()
                present = any(form.lower() in folded_data for form in forms)
            else:
                present = any(form in data for form in forms)
            if present or any(core in data for core in cores):
                found.append(known.kind)
        return found


# -- the scrubber -------------------------------------------------------------------------------


class ScrubbedRequest(Request):  # type: ignore[misc]
    """A request already scrubbed (or read back from a cassette): the hooks pass it through."""


class LoadedResponse(dict[str, Any]):
    """A response read back from a cassette: already scrubbed."""


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def _is_loopback(netloc: str) -> bool:
    host = netloc.rsplit("@", 1)[-1]
    host = host[1:].split("]", 1)[0] if host.startswith("[") else host.split(":", 1)[0]
    return host in ("localhost", "::1") or host.startswith("127.")


def _header(headers: Any, name: str) -> str | None:
    for key in headers:
        if key.lower() == name:
            value = headers[key]
            if isinstance(value, list | tuple):
                value = value[0] if value else None
            return None if value is None else str(value)
    return None


def is_json_content(content_type: str | None) -> bool:
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def is_form_content(content_type: str | None) -> bool:
    return bool(content_type) and "application/x-www-form-urlencoded" in str(content_type).lower()


def _decompress(data: bytes, encoding: str) -> bytes | None:
    try:
        if encoding in ("gzip", "x-gzip"):
            return gzip.decompress(data)
        if encoding == "deflate":
            try:
                return zlib.decompress(data)
            except zlib.error:
                return zlib.decompress(data, -zlib.MAX_WBITS)
    except (OSError, zlib.error, EOFError):
        return None
    return None


class Scrubber:
    """Rewrites one session's requests and responses so they carry no secret.

    Give it what the session is configured with (any of them may be None); it also
    learns credentials and tokens from the traffic itself, so a value it was not told
    about is still scrubbed once it has crossed the wire in a field that carries it.
    One scrubber serves one cassette: it numbers tokens and ids in order of appearance.
    """

    def __init__(
        self,
        *,
        api_url: str | None = None,
        auth_url: str | None = None,
        mail: str | None = None,
        password: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        stable_ids: bool = True,
    ) -> None:
        self.secrets = SecretTable()
        self.stable_ids = stable_ids
        self._origins: dict[str, str] = {}
        self._ids: dict[str, str] = {}
        self._next_id = 1
        #: The kinds of secret replaced where they are carried (fields, token answers).
        self.replaced: set[str] = set()
        self._token_counts: dict[str, int] = {}
        # Placeholder JWT -> its short name ("access token 1"), for request headers.
        self._token_labels: dict[str, str] = {}
        if api_url:
            self._add_origin(api_url, PLACEHOLDER_API_ORIGIN)
        if auth_url:
            self._add_origin(auth_url, PLACEHOLDER_AUTH_ORIGIN)
        #: The origins of the service the session talks to (empty: not told).
        self.service_origins = frozenset(self._origins)
        if mail:
            self._learn_identity("e-mail", mail)
        if password:
            self.secrets.add("password", password, PLACEHOLDER_PASSWORD)
        if client_id:
            self.secrets.add("client id", client_id, PLACEHOLDER_CLIENT_ID)
        if client_secret:
            self.secrets.add("client secret", client_secret, PLACEHOLDER_CLIENT_SECRET)

    # -- hooks for vcrpy --------------------------------------------------------------------

    def scrub_request(self, request: Any) -> Any:
        """vcrpy's ``before_record_request``: a scrubbed copy of ``request``."""
        if isinstance(request, ScrubbedRequest):
            return request
        body = read_body(request)
        if isinstance(body, str):
            body = body.encode("utf-8")
        headers = {key: request.headers[key] for key in request.headers}
        content_type = _header(headers, "content-type")
        scrubbed_body = self._scrub_request_body(body, content_type) if body else body
        scrubbed = ScrubbedRequest(
            method=request.method,
            uri=self._scrub_url(request.uri, assign_ids=False),
            body=scrubbed_body,
            headers=self._scrub_request_headers(headers),
        )
        return scrubbed

    def scrub_response(self, response: dict[str, Any]) -> dict[str, Any]:
        """vcrpy's ``before_record_response``: ``response`` scrubbed (it is vcrpy's copy)."""
        if isinstance(response, LoadedResponse):
            return response
        headers: dict[str, list[str]] = {
            key: [str(value) for value in (values if isinstance(values, list) else [values])]
            for key, values in (response.get("headers") or {}).items()
        }
        body = response.get("body", {}).get("string", b"")
        if isinstance(body, str):
            body = body.encode("utf-8")
        encoding_key = next((key for key in headers if key.lower() == "content-encoding"), None)
        if encoding_key is not None and body:
            decoded = _decompress(body, headers[encoding_key][0].strip().lower())
            if decoded is not None:
                body = decoded
                del headers[encoding_key]
        content_type = _header(headers, "content-type")
        if body:
            body = self._scrub_body(body, content_type, assign_ids=True)
        kept = {
            key: [self._scrub_text(value, assign_ids=True) for value in values]
            for key, values in headers.items()
            if key.lower() in KEPT_RESPONSE_HEADERS
        }
        status = dict(response.get("status") or {})
        return {"status": status, "headers": kept, "body": {"string": body}}

    # -- what a cassette may hold -------------------------------------------------------------

    def serves(self, url: str) -> bool:
        """Whether ``url`` is on the service this scrubber was told of (any URL when it was
        told of none, and the placeholder hosts of a replayed cassette)."""
        if not self.service_origins:
            return True
        origin = _origin(url)
        if origin is None or origin in self.service_origins:
            return True
        host = urlsplit(origin).hostname or ""
        return host in _PLACEHOLDER_HOSTS or host.endswith(".spacestudio.invalid")

    def scrubbed_kinds(self) -> list[str]:
        """The kinds of secret this scrubber replaced so far, sorted (hosts of a loopback
        server, which are no secret, left out)."""
        kinds = self.replaced | self.secrets.replaced
        if not any(known.secret for known in self.secrets if known.kind == "service host"):
            kinds.discard("service host")
        return sorted(kinds)

    def reserve_ids(self, highest: int) -> None:
        """Number the next server-made ids above ``highest`` (a cassette's largest placeholder
        id), so that an id recorded now never takes the number of one recorded before."""
        self._next_id = max(self._next_id, highest + 1)

    def real_ids(self, data: bytes) -> tuple[bytes, list[str]]:
        """``data`` with each placeholder id this scrubber made turned back into the server's
        id, and the placeholder ids it did not make (ids no live answer gave it)."""
        real_of = {placeholder: real for real, placeholder in self._ids.items()}
        unknown: list[str] = []

        def real(match: re.Match[bytes]) -> bytes:
            placeholder = match.group(0).decode("ascii")
            if placeholder in real_of:
                return real_of[placeholder].encode("ascii")
            unknown.append(placeholder)
            return match.group(0)

        return _PLACEHOLDER_ID.sub(real, data), unknown

    def leaks_in(self, data: bytes) -> list[str]:
        """The kinds of known secrets present in ``data`` (see :meth:`SecretTable.leaks_in`)."""
        return self.secrets.leaks_in(data)

    # -- learning ---------------------------------------------------------------------------

    def _add_origin(self, url: str, placeholder: str) -> str:
        origin = _origin(url)
        if origin is None:
            return placeholder
        if origin in self._origins:
            return self._origins[origin]
        netloc = urlsplit(origin).netloc
        secret = not _is_loopback(netloc)
        self._origins[origin] = placeholder
        self.secrets.add("service host", origin, placeholder, secret=secret)
        placeholder_netloc = urlsplit(placeholder).netloc
        self.secrets.add("service host", netloc, placeholder_netloc, secret=secret)
        return placeholder

    def _origin_placeholder(self, origin: str, path: str) -> str:
        if origin in self._origins:
            return self._origins[origin]
        if urlsplit(origin).hostname in _PLACEHOLDER_HOSTS or origin.endswith(".invalid"):
            return origin
        taken = set(self._origins.values())
        is_auth = "/realms/" in path or "/protocol/openid-connect/" in path
        preferred = PLACEHOLDER_AUTH_ORIGIN if is_auth else PLACEHOLDER_API_ORIGIN
        if preferred in taken:
            preferred = f"https://host{len(taken) + 1}.spacestudio.invalid"
        return self._add_origin(origin, preferred)

    def _learn_identity(self, kind: str, value: str) -> str:
        placeholder = self.secrets.placeholder_of(value)
        if placeholder is not None:
            return placeholder
        if value in (PLACEHOLDER_EMAIL, PLACEHOLDER_USERNAME):
            return value
        placeholder = PLACEHOLDER_EMAIL if "@" in value else PLACEHOLDER_USERNAME
        self.secrets.add(kind, value, placeholder)
        return placeholder

    def _credential(self, field: str, value: str) -> str:
        """The placeholder of a credential field's value (learning the value)."""
        kind = CREDENTIAL_FIELDS[field]
        if not value:
            return value
        if not value.startswith("scrubbed-") and value not in (PLACEHOLDER_EMAIL,):
            self.replaced.add(kind)
        if field == "username":
            return self._learn_identity(kind, value)
        if field == "password":
            self.secrets.add(kind, value, PLACEHOLDER_PASSWORD)
            return PLACEHOLDER_PASSWORD
        if field == "client_id":
            self.secrets.add(kind, value, PLACEHOLDER_CLIENT_ID)
            return PLACEHOLDER_CLIENT_ID
        if field == "client_secret":
            self.secrets.add(kind, value, PLACEHOLDER_CLIENT_SECRET)
            return PLACEHOLDER_CLIENT_SECRET
        return self.placeholder_token(value, kind)

    def placeholder_token(self, token: str, kind: str) -> str:
        """The placeholder of ``token`` (made, and remembered, on first sight)."""
        known = self.secrets.placeholder_of(token)
        if known is not None:
            return known
        if is_placeholder_token(token):
            return token
        self.replaced.add(kind)
        number = self._token_counts.get(kind, 0) + 1
        self._token_counts[kind] = number
        label = f"{kind} {number}"
        parts = jwt_parts(token)
        if parts is None:
            placeholder = f"scrubbed-{kind.replace(' ', '-').lower()}-{number}"
        else:
            header, claims = parts
            placeholder = make_placeholder_jwt(
                {key: header[key] for key in ("alg", "typ") if key in header},
                self._placeholder_claims(claims, label),
                label,
            )
        self.secrets.add(kind, token, placeholder)
        self._token_labels[placeholder] = label
        return placeholder

    def _placeholder_claims(self, claims: dict[str, Any], label: str) -> dict[str, Any]:
        scrubbed: dict[str, Any] = {}
        for key, value in claims.items():
            if key in _PERSONAL_CLAIMS and isinstance(value, str):
                scrubbed[key] = self._personal(key, value, _PERSONAL_CLAIMS)
            elif key in _CLIENT_CLAIMS and isinstance(value, str):
                scrubbed[key] = self._credential("client_id", value)
            elif key == "exp":
                scrubbed[key] = PLACEHOLDER_EXPIRY
            elif key in _TIME_CLAIMS:
                scrubbed[key] = PLACEHOLDER_ISSUED_AT
            elif key == "jti":
                scrubbed[key] = f"scrubbed-{label.replace(' ', '-').lower()}"
            else:
                scrubbed[key] = self._scrub_json(value, assign_ids=True)
        return scrubbed

    def _personal(self, key: str, value: str, keys: dict[str, str]) -> str:
        kind = keys[key]
        if value not in (PLACEHOLDER_EMAIL, PLACEHOLDER_USERNAME, PLACEHOLDER_FIRST_NAME):
            self.replaced.add(kind)
        if kind in ("e-mail", "user name"):
            return self._learn_identity(kind, value)
        placeholder = {
            "first name": PLACEHOLDER_FIRST_NAME,
            "last name": PLACEHOLDER_LAST_NAME,
        }.get(kind, f"{PLACEHOLDER_FIRST_NAME} {PLACEHOLDER_LAST_NAME}")
        self.secrets.add(kind, value, placeholder)
        return placeholder

    # -- rewriting ---------------------------------------------------------------------------

    def _normalize_ids_text(self, text: str, *, assign: bool) -> str:
        if not self.stable_ids:
            return text
        return self._normalize_ids_bytes(text.encode("utf-8"), assign=assign).decode("utf-8")

    def _normalize_ids_bytes(self, data: bytes, *, assign: bool) -> bytes:
        if not self.stable_ids:
            return data
        spans = _id_spans(data)
        if not spans:
            return data
        pieces = []
        position = 0
        for start, end in spans:
            pieces.append(data[position:start])
            pieces.append(self._id_placeholder(data[start:end].decode("ascii"), assign).encode())
            position = end
        pieces.append(data[position:])
        return b"".join(pieces)

    def _id_placeholder(self, value: str, assign: bool) -> str:
        """The numbered placeholder of a server-made id.

        Ids are numbered only where the server hands them out (responses); an id that a
        request carries first was made by the caller and is kept as it is.
        """
        known = self._ids.get(value)
        if known is not None:
            return known
        if is_placeholder_id(value) or not assign:
            return value
        number = self._next_id
        self._next_id += 1
        if "-" in value:
            placeholder = f"{_UUID_PLACEHOLDER_PREFIX}{number:012d}"
        else:
            placeholder = f"{number:024d}"
        self._ids[value] = placeholder
        return placeholder

    def _scrub_text(self, text: str, *, assign_ids: bool) -> str:
        return self._normalize_ids_text(self.secrets.substitute(text), assign=assign_ids)

    def _scrub_url(self, url: str, *, assign_ids: bool) -> str:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        placeholder = urlsplit(self._origin_placeholder(origin, parts.path))
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            if any(name in CREDENTIAL_FIELDS for name, _ in pairs):
                query = urlencode(
                    [
                        (name, self._credential(name, value))
                        if name in CREDENTIAL_FIELDS
                        else (name, value)
                        for name, value in pairs
                    ]
                )
        rebuilt = urlunsplit(
            (placeholder.scheme, placeholder.netloc, parts.path, query, parts.fragment)
        )
        return self._scrub_text(rebuilt, assign_ids=assign_ids)

    def _scrub_request_headers(self, headers: dict[str, Any]) -> dict[str, str]:
        kept: dict[str, str] = {}
        for key, value in headers.items():
            name = key.lower()
            if name not in KEPT_REQUEST_HEADERS:
                continue
            text = value[0] if isinstance(value, list | tuple) else value
            text = text.decode("latin-1") if isinstance(text, bytes) else str(text)
            if name == "authorization":
                text = self._scrub_authorization(text)
            kept[key] = self._scrub_text(text, assign_ids=False)
        return kept

    def _scrub_authorization(self, value: str) -> str:
        scheme, _, credentials = value.partition(" ")
        credentials = credentials.strip()
        if scheme.lower() == "bearer" and credentials:
            # The token response holds the placeholder JWT the client reads; a request only
            # names it, which keeps every recorded request short and readable.
            placeholder = self.placeholder_token(credentials, "access token")
            label = self._token_labels.get(placeholder)
            return f"{scheme} <{label}>" if label else f"{scheme} {placeholder}"
        if scheme.lower() == "basic" and credentials:
            try:
                user, _, password = base64.b64decode(credentials).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                user = password = ""
            if user:
                self._credential("client_id", user)
            if password:
                self._credential("client_secret", password)
            placeholder = f"{PLACEHOLDER_CLIENT_ID}:{PLACEHOLDER_CLIENT_SECRET}"
            return f"{scheme} {base64.b64encode(placeholder.encode()).decode('ascii')}"
        return f"{scheme} {PLACEHOLDER_COOKIE}" if credentials else value

    def _scrub_request_body(self, body: bytes, content_type: str | None) -> bytes:
        if is_form_content(content_type):
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            if text is not None:
                pairs = parse_qsl(text, keep_blank_values=True)
                scrubbed = [
                    (name, self._credential(name, value) if name in CREDENTIAL_FIELDS else value)
                    for name, value in pairs
                ]
                body = urlencode(scrubbed).encode("utf-8")
        return self._scrub_body(body, content_type, assign_ids=False)

    def _scrub_body(self, body: bytes, content_type: str | None, *, assign_ids: bool) -> bytes:
        looks_json = is_json_content(content_type) or body[:1] in (b"{", b"[")
        if looks_json and self._holds_structured_secrets(body):
            try:
                document = json.loads(body)
            except ValueError:
                document = None
            if document is not None:
                body = json.dumps(
                    self._scrub_json(document, assign_ids=assign_ids),
                    ensure_ascii=False,
                    separators=(",", ":"),
                ).encode("utf-8")
        body = self.secrets.substitute_bytes(body)
        return self._normalize_ids_bytes(body, assign=assign_ids)

    @staticmethod
    def _holds_structured_secrets(body: bytes) -> bool:
        return any(f'"{key}"'.encode() in body for key in (*TOKEN_KEYS, *PERSONAL_KEYS))

    def _scrub_json(self, value: Any, *, assign_ids: bool) -> Any:
        """A scrubbed copy of a JSON value: tokens, personal keys, secrets and ids."""
        if isinstance(value, dict):
            scrubbed: dict[str, Any] = {}
            for key, item in value.items():
                if key in TOKEN_KEYS and isinstance(item, str) and item:
                    scrubbed[key] = self.placeholder_token(item, TOKEN_KEYS[key])
                elif key in PERSONAL_KEYS and isinstance(item, str) and item:
                    scrubbed[key] = self._personal(key, item, PERSONAL_KEYS)
                else:
                    scrubbed[key] = self._scrub_json(item, assign_ids=assign_ids)
            return scrubbed
        if isinstance(value, list):
            return [self._scrub_json(item, assign_ids=assign_ids) for item in value]
        if isinstance(value, str):
            return self._scrub_text(value, assign_ids=assign_ids)
        return value
