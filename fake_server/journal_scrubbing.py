"""What the request journal keeps of a body or a query string: secrets replaced, size bounded.

The fields that hold secrets are the contract's (:mod:`spacestudio_contract.secret_fields`),
the same the cassettes learn secrets from; a value there becomes its placeholder
(``scrubbed-password``). Any JSON Web Token elsewhere, and the bearer of an
``Authorization`` header, are replaced too. Bodies that are neither JSON nor a form are
kept as text when they decode, else summarised by size.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

from spacestudio_contract.secret_fields import (
    CREDENTIAL_FIELDS,
    PERSONAL_KEYS,
    TOKEN_KEYS,
    placeholder_for,
)

#: JSON keys whose values are secret, with their kind: tokens, identity, and the
#: credentials of a Keycloak representation.
SECRET_KEYS: dict[str, str] = {
    **CREDENTIAL_FIELDS,
    **TOKEN_KEYS,
    **PERSONAL_KEYS,
    "secret": "client secret",
    "clientId": "client id",
    "azp": "client id",
}
#: In a set of claims (an object holding ``sub``), ``name`` is a person's; elsewhere it
#: is an object's name, kept.
_CLAIM_KEYS: dict[str, str] = {**SECRET_KEYS, "name": "full name"}
#: Keys whose values are secret only beside a credential ``type`` (Keycloak's credentials).
_CREDENTIAL_VALUE_KEY = "value"
#: A compact JWS: three base64url parts, the first a JSON header (``{"`` is ``eyJ``).
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
_TOKEN_PLACEHOLDER = placeholder_for("token")
#: A secret member in JSON text that does not parse: ``"password": "…"``, or one the cut
#: of a long body ends inside (no closing quote before the end).
_SECRET_MEMBER = re.compile(
    r'"(' + "|".join(map(re.escape, SECRET_KEYS)) + r')"(\s*:\s*)"(?:[^"\\]|\\.)*(?:"|\\?$)'
)
_TRUNCATED = "… [{more} more bytes not kept]"
#: What JSON text holding a secret shows: a secret key's name in quotes, ``sub`` (beside
#: which ``name`` is a person's) or ``value`` (a credential's), a JWT, or a ``\\u``
#: escape (which can spell any of those). Text without them is kept as sent, unparsed.
_MAY_HOLD_SECRETS = re.compile(
    rb'"(?:'
    + b"|".join(re.escape(key.encode()) for key in [*SECRET_KEYS, "sub", _CREDENTIAL_VALUE_KEY])
    + rb')"|eyJ|\\u'
)


def scrub_query(query: str) -> str:
    """A query string with the value of every credential field replaced."""
    if not query:
        return ""
    return _scrub_text(urlencode(_scrub_pairs(parse_qsl(query, keep_blank_values=True))))


def scrub_body(data: bytes, mimetype: str, limit: int) -> str | None:
    """``data`` as the journal keeps it: scrubbed text of at most ``limit`` bytes (then
    marked as cut), or None when there is no body."""
    if not data:
        return None
    if len(data) > limit:
        # Only the kept part is read: a body of a million keys is not parsed to be cut.
        text = _SECRET_MEMBER.sub(_member_placeholder, data[:limit].decode("utf-8", "ignore"))
        if mimetype == "application/x-www-form-urlencoded":
            text = urlencode(_scrub_pairs(parse_qsl(text, True)))
        return _scrub_text(text) + _TRUNCATED.format(more=len(data) - limit)
    if mimetype == "application/x-www-form-urlencoded":
        text = urlencode(_scrub_pairs(parse_qsl(data.decode("utf-8", "replace"), True)))
    elif (mimetype == "application/json" or mimetype.endswith("+json")) and (
        (as_sent := _plain_text(data)) is not None
    ):
        # Most bodies hold no secret: parsing and writing them again would change nothing
        # but their spacing, at a cost on every request.
        return _bounded(as_sent, limit)
    elif mimetype == "application/json" or mimetype.endswith("+json"):
        try:
            text = json.dumps(_scrub_json(json.loads(data)), ensure_ascii=False)
        except (ValueError, RecursionError):  # not JSON, or nested past Python's stack
            text = _SECRET_MEMBER.sub(_member_placeholder, data.decode("utf-8", "replace"))
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return f"[{len(data)} bytes of {mimetype or 'binary data'}]"
    return _bounded(_scrub_text(text), limit)


def _plain_text(data: bytes) -> str | None:
    """``data`` as text if it shows no sign of a secret (and is UTF-8), else None."""
    if _MAY_HOLD_SECRETS.search(data) is not None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _scrub_pairs(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [
        (key, placeholder_for(CREDENTIAL_FIELDS[key]) if key in CREDENTIAL_FIELDS else value)
        for key, value in pairs
    ]


def _scrub_json(value: Any) -> Any:
    if isinstance(value, dict):
        credential = "type" in value and _CREDENTIAL_VALUE_KEY in value
        secret_keys = _CLAIM_KEYS if "sub" in value else SECRET_KEYS
        return {
            key: (
                placeholder_for(secret_keys[key])
                if key in secret_keys and isinstance(item, str)
                else placeholder_for(str(value["type"]))
                if credential and key == _CREDENTIAL_VALUE_KEY
                else _scrub_json(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_scrub_json(item) for item in value]
    return value


def _member_placeholder(match: re.Match[str]) -> str:
    key, colon = match.group(1), match.group(2)
    return f'"{key}"{colon}"{placeholder_for(SECRET_KEYS[key])}"'


def _scrub_text(text: str) -> str:
    return _JWT.sub(_TOKEN_PLACEHOLDER, text)


def _bounded(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, saying how much was left out."""
    # "replace": a lone surrogate a client sent in JSON has no UTF-8 form.
    data = text.encode("utf-8", "replace")
    if len(data) <= limit:
        return data.decode("utf-8")
    kept = data[:limit].decode("utf-8", "ignore")
    return kept + _TRUNCATED.format(more=len(data) - len(kept.encode("utf-8")))
