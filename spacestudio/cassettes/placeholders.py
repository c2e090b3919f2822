"""Placeholders: the values that stand in a cassette for secrets, placeholder JWTs included.

A placeholder is recognisable as one (``scrubbed-…``, ``….invalid`` hosts, JWTs whose
``kid`` is ``scrubbed``), so a cassette that is replayed and recorded again never takes
its own placeholders for secrets. Placeholder JWTs are structurally valid: a client
decodes their claims as it would a real token's, and they expire in the year 2100, so a
replay never fails on an expired token.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any
from urllib.parse import urlsplit

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
#: The host names of the two placeholder origins.
PLACEHOLDER_HOSTS = frozenset(
    {urlsplit(PLACEHOLDER_API_ORIGIN).hostname, urlsplit(PLACEHOLDER_AUTH_ORIGIN).hostname}
)


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
    """Whether ``token`` is a placeholder the scrubber made."""
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
