"""Reading compact JWS tokens before verification, and remembering verified access tokens.

:func:`read_header` checks a token's three segments strictly and returns its header, so the
provider can pick the key for the ``kid`` without PyJWT parsing the whole token a first time
(PyJWT then parses and verifies it once). The limits every check applies to a presented
token live here too: its greatest length, the clock skew allowed on its times and the form
of those times (:func:`numeric_claim`). :class:`VerifiedTokenCache` remembers tokens whose
signature the realm verified: a client sends the same access token for minutes, and what
never changes for a given token string (its base64 and JSON, its RS256 signature, its
issuer) need not be recomputed on each request. Nothing that can change is cached: the
caller re-checks the key, the times, the session and the account on every request.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fake_server.oidc.errors import TokenRejected
from fake_server.oidc.keys import SigningKey

MALFORMED_TOKEN = "Malformed token: not a signed JWT"
# No token the realm issues comes near this size; longer ones are refused unparsed.
MAX_TOKEN_LENGTH = 16_384
# Clock skew allowed on the exp and iat of bearer tokens, in seconds.
BEARER_LEEWAY = 2
# The default number of tokens a cache holds: far more clients than a fake server sees.
DEFAULT_CACHE_SIZE = 1024

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def _segment_bytes(segment: str) -> bytes:
    """The bytes of one base64url segment, refused unless canonical.

    No ``=`` padding (a compact JWS has none, RFC 7515 §2), nothing outside the base64url
    alphabet, and no unused bits set, so that exactly one string encodes a given token:
    the realm issues one spelling, and only that spelling is accepted (a cache keyed on
    the string cannot be dodged either).
    """
    if len(segment) % 4 == 1 or not _BASE64URL.fullmatch(segment):
        raise TokenRejected(MALFORMED_TOKEN)
    data = segment
    try:
        decoded = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    except (binascii.Error, ValueError):
        raise TokenRejected(MALFORMED_TOKEN) from None
    if base64.urlsafe_b64encode(decoded).rstrip(b"=") != data.encode("ascii"):
        raise TokenRejected(MALFORMED_TOKEN)
    return decoded


def read_header(token: str) -> dict[str, Any]:
    """The JOSE header of the compact JWS ``token``, unverified.

    Raises :class:`TokenRejected` (``Malformed token``) unless the token has exactly three
    canonical base64url segments and its header is a JSON object; the payload and
    signature are checked for form only, the signature not at all.
    """
    segments = token.split(".")
    if len(segments) != 3:
        raise TokenRejected(MALFORMED_TOKEN)
    header_bytes = _segment_bytes(segments[0])
    _segment_bytes(segments[1])
    _segment_bytes(segments[2])
    try:
        header = json.loads(header_bytes)
    except (ValueError, RecursionError):
        raise TokenRejected(MALFORMED_TOKEN) from None
    if not isinstance(header, dict):
        raise TokenRejected(MALFORMED_TOKEN)
    return header


def numeric_claim(claims: Mapping[str, Any], name: str) -> float:
    """A NumericDate claim's value; TokenRejected when it is not a number."""
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TokenRejected(f"Token claim {name!r} is not a number")
    return float(value)


@dataclass(frozen=True)
class VerifiedToken:
    """An access token whose RS256 signature ``key`` verified, with its decoded claims."""

    key: SigningKey
    claims: Mapping[str, Any]


class VerifiedTokenCache:
    """The ``maxsize`` most recently used verified tokens, by token string and issuer.

    Safe to use from several threads. Only put tokens in that passed every check: the
    cache never remembers a refusal, so a forged or altered token always meets the full
    verification.
    """

    def __init__(self, maxsize: int = DEFAULT_CACHE_SIZE) -> None:
        if isinstance(maxsize, bool) or not isinstance(maxsize, int) or maxsize < 0:
            raise ValueError(f"maxsize must be a number of tokens >= 0, not {maxsize!r}")
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple[str, str], VerifiedToken] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get(self, token: str, issuer: str) -> VerifiedToken | None:
        """The entry of ``token`` verified for ``issuer``, None when not remembered."""
        key = (token, issuer)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, token: str, issuer: str, entry: VerifiedToken) -> None:
        """Remember ``entry`` for ``token`` and ``issuer``, forgetting the least recently
        used token beyond ``maxsize``."""
        if self.maxsize == 0:
            return
        key = (token, issuer)
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)

    def discard(self, token: str, issuer: str) -> None:
        """Forget ``token`` for ``issuer``, if remembered."""
        with self._lock:
            self._entries.pop((token, issuer), None)

    def clear(self) -> None:
        """Forget every token."""
        with self._lock:
            self._entries.clear()
