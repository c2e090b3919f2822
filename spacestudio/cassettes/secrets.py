"""Secrets: what is secret in spacestudio traffic, and every form it takes on the wire.

Credentials travel in known places (token form fields, query parameters, JSON keys such
as ``email``, token claims); once learned there, a value is searched for everywhere
else in each form a server or client may give it: raw, URL-encoded (once or twice),
JSON- or HTML-escaped, in either Unicode normal form and, for what is case-insensitive
(e-mail, user name, host, client id), in any case. Before a write, hex and base64 forms
are searched for too (:mod:`~spacestudio.cassettes.leaks`).
"""

from __future__ import annotations

import base64
import html
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

from spacestudio_contract.endpoints import DEFAULT_REALM
from spacestudio_contract.secret_fields import (
    CREDENTIAL_FIELDS as CREDENTIAL_FIELDS,
)
from spacestudio_contract.secret_fields import (
    PERSONAL_KEYS as PERSONAL_KEYS,
)
from spacestudio_contract.secret_fields import (
    TOKEN_KEYS as TOKEN_KEYS,
)

# -- where secrets live (the field tables are the contract's, shared with the fake's journal) --

#: Token claims that hold a person's name (``name`` elsewhere is an object's name).
PERSONAL_CLAIMS: dict[str, str] = {**PERSONAL_KEYS, "name": "full name"}
#: Token claims that hold the client id.
CLIENT_CLAIMS = ("azp",)

# -- which secrets are searched for -----------------------------------------------------------

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
        DEFAULT_REALM,
    }
)
#: Kinds of secret worth a warning when too short to be searched for.
WARNED_KINDS = frozenset({"password", "e-mail", "user name", "client id", "client secret"})
#: Kinds of secret compared without regard to case: an e-mail or a host name is the same
#: in any case, and servers echo them back in another case than they were given.
CASE_INSENSITIVE_KINDS = frozenset({"e-mail", "user name", "service host", "client id"})


@dataclass(frozen=True)
class KnownSecret:
    """One secret value, what it is, and what replaces it."""

    kind: str
    value: str
    placeholder: str
    #: Whether finding it in a cassette is a leak (a loopback host is scrubbed for stable
    #: files, but is no secret).
    secret: bool = True


def searchable(value: str) -> bool:
    """Whether a value is distinctive enough to be searched for in free text."""
    return len(value) >= MIN_SEARCHED_SECRET_LENGTH and value.lower() not in _PROTOCOL_WORDS


# -- the forms a secret takes on the wire ----------------------------------------------------


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
    """``text`` in every encoding of :func:`_encodings` and hex, and in every normal form,
    each once, in a stable order."""
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
