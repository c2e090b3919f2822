"""The API's bearer check, as a Keycloak-protected resource server makes it: the
``Authorization: Bearer`` header, the access token's RS256 signature, issuer, type and
times, and that its account, session and client are still live.

Never trusts the token's header: the algorithm must be RS256 and the key is the ring's
key for the kid. :func:`read_header` checks a compact JWS's three segments strictly and
returns its header, so the key is picked without PyJWT parsing the whole token a first
time; the realm's other token readers use it too, with :data:`MAX_TOKEN_LENGTH` and
:func:`numeric_claim`.

:class:`VerifiedTokenCache` remembers tokens whose signature the realm verified: a client
sends the same access token for minutes, and what never changes for a given token string
(its base64 and JSON, its RS256 signature, its issuer) need not be recomputed on each
request. Nothing that can change is cached: the key, the times, the session and the
account are checked again on every request.
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

import jwt
from werkzeug.wrappers import Request

from fake_server.oidc.errors import SessionNotActive, TokenRejected
from fake_server.oidc.keys import KeyRing, SigningKey
from fake_server.oidc.realm_model import (
    BEARER_LEEWAY,
    RealmModel,
    Subject,
    service_subject,
    user_subject,
)
from fake_server.oidc.sessions import Sessions
from fake_server.representations import Account

MISSING_BEARER = "Missing bearer token: send the header 'Authorization: Bearer <access token>'"
MALFORMED_TOKEN = "Malformed token: not a signed JWT"
# No token the realm issues comes near this size; longer ones are refused unparsed.
MAX_TOKEN_LENGTH = 16_384
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


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, None when there is none."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    token = value.strip()
    if not token or " " in token:
        raise TokenRejected("Malformed Authorization header: expected 'Bearer <token>'")
    return token


def active_key(keys: KeyRing, kid: str) -> SigningKey:
    """The ring's active key ``kid``; TokenRejected when it is retired or unknown."""
    key = keys.find(kid)
    if key is None:
        if keys.is_retired(kid):
            raise TokenRejected("Token signed with a retired key; log in again")
        raise TokenRejected("Token signed with an unknown key")
    return key


class BearerCheck:
    """Verifies the access tokens of ``realm`` (signed with its keys, at its clock's time)
    and checks that their sessions in ``sessions`` are live.

    ``verified_tokens`` remembers the tokens whose signature was verified; the key, times,
    session and account are still checked on every request.
    """

    def __init__(
        self, realm: RealmModel, sessions: Sessions, verified_tokens: VerifiedTokenCache
    ) -> None:
        self._realm = realm
        self._sessions = sessions
        self._verified_tokens = verified_tokens

    def authenticate(self, request: Request) -> Account:
        """The account whose access token authorises ``request``.

        Strict: requires ``Authorization: Bearer <jwt>`` holding an RS256 access token of
        this realm, signed by an active key, issued for the URL the request reached, not
        expired, of a live session and an enabled account. Raises :class:`TokenRejected`
        saying what was wrong otherwise.
        """
        token = bearer_token(request)
        if token is None:
            raise TokenRejected(MISSING_BEARER, error=None)
        subject = self.live_subject(self.verify(request, token))
        if subject.account is None:
            raise TokenRejected(
                "Service account tokens cannot call this API; log in with a user account"
            )
        return subject.account

    def verify(self, request: Request, token: str) -> dict[str, Any]:
        """The claims of ``token`` if it is a valid access token of this realm for this URL.

        The signature, issuer, type and times are all checked. A token verified before for
        the same issuer skips only the parsing and the signature check: its key must still
        be active and its claims are checked again now.
        """
        if len(token) > MAX_TOKEN_LENGTH:
            raise TokenRejected("Token too long")
        issuer = self._realm.issuer(request)
        verified = self._verified_tokens.get(token, issuer)
        if verified is not None and active_key(self._realm.keys, verified.key.kid) is verified.key:
            claims = dict(verified.claims)
            self._check_claims(claims)
            return claims
        header = read_header(token)
        algorithm = header.get("alg")
        if algorithm != "RS256":
            raise TokenRejected(f"Token algorithm {algorithm!r} refused: only RS256 is accepted")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise TokenRejected("Token header has no kid")
        key = active_key(self._realm.keys, kid)
        try:
            claims = jwt.decode(
                token,
                key.public_key,
                algorithms=["RS256"],
                issuer=issuer,
                options={
                    "require": ["exp", "iat", "sub", "iss", "typ"],
                    # Times are checked below against the provider's clock.
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    # The type decides what a token is good for; Keycloak access tokens'
                    # audience is "account", which says nothing about this API.
                    "verify_aud": False,
                },
            )
        except jwt.InvalidSignatureError:
            raise TokenRejected("Token signature invalid") from None
        except jwt.InvalidIssuerError:
            raise TokenRejected(f"Token not issued by {issuer}") from None
        except jwt.MissingRequiredClaimError as error:
            raise TokenRejected(f"Token lacks the {error.claim!r} claim") from None
        except jwt.InvalidTokenError as error:
            raise TokenRejected(f"Invalid token: {error}") from None
        self._check_claims(claims)
        # Only a token that passed every check is remembered; never a refusal.
        self._verified_tokens.put(token, issuer, VerifiedToken(key, dict(claims)))
        return claims

    def live_subject(self, claims: Mapping[str, Any]) -> Subject:
        """Whom verified access-token ``claims`` speak for, if the account and session
        are still live and the token was not revoked; raises TokenRejected otherwise."""
        client_id = claims.get("azp")
        realm = self._realm
        account = realm.account_by_id(claims["sub"])
        if account is None or account.service_account_client_id:
            client = realm.client(client_id) if isinstance(client_id, str) else None
            if client is not None and client.confidential:
                user = realm.service_account(client.client_id)
                service = service_subject(realm.name, client.client_id, user)
                if service.sub == claims["sub"] and (user is None or user.enabled):
                    self._check_not_revoked(claims)
                    return service
            raise TokenRejected("Token subject is not a user of this realm")
        if not account.enabled:
            raise TokenRejected("Account disabled")
        sid = claims.get("sid")
        if not isinstance(sid, str) or not sid:
            raise TokenRejected("Token has no session (sid)")
        stored, revoked = realm.state.session_and_revocation(sid, str(claims.get("jti")))
        session = self._sessions.of(claims, stored)
        if session is None or not self._sessions.is_active(session, realm.clock(), BEARER_LEEWAY):
            raise SessionNotActive("Session not active")
        if revoked:
            raise TokenRejected("Token revoked")
        return user_subject(realm.name, account)

    def _check_claims(self, claims: Mapping[str, Any]) -> None:
        """Refuse signed ``claims`` that are not a bearer token valid at this moment."""
        token_type = claims["typ"]
        if token_type != "Bearer":
            raise TokenRejected(
                f"Token of type {token_type!r} refused: send the access token as bearer"
            )
        now = self._realm.clock()
        expires, issued = numeric_claim(claims, "exp"), numeric_claim(claims, "iat")
        if expires <= now - BEARER_LEEWAY:
            raise TokenRejected("Token expired")
        if issued > now + BEARER_LEEWAY:
            raise TokenRejected("Token issued in the future (iat); check the clocks")
        if "nbf" in claims and numeric_claim(claims, "nbf") > now + BEARER_LEEWAY:
            raise TokenRejected("Token not yet valid (nbf)")
        if not isinstance(claims["sub"], str) or not claims["sub"]:
            raise TokenRejected("Token subject (sub) is empty")

    def _check_not_revoked(self, claims: Mapping[str, Any]) -> None:
        jti = claims.get("jti")
        if isinstance(jti, str) and self._realm.state.is_revoked(jti):
            raise TokenRejected("Token revoked")
