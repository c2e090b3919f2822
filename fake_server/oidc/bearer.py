"""Checking a presented access token: the bearer header, the token's RS256 signature,
issuer, type and times, and that its account, session and client are still live.

Never trusts the token's header: the algorithm must be RS256 and the key is the ring's
key for the kid. A token verified before for the same issuer skips only the parsing and
the signature check (see :class:`~fake_server.oidc.tokens.VerifiedTokenCache`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jwt
from werkzeug.wrappers import Request

from fake_server.oidc.directory import RealmDirectory
from fake_server.oidc.endpoint_requests import Issuers
from fake_server.oidc.errors import SessionNotActive, TokenRejected
from fake_server.oidc.keys import KeyRing, SigningKey
from fake_server.oidc.realm import RealmState
from fake_server.oidc.realm_setup import RealmSetup
from fake_server.oidc.sessions import Sessions
from fake_server.oidc.subjects import Subject, service_subject, user_subject
from fake_server.oidc.tokens import (
    BEARER_LEEWAY,
    MAX_TOKEN_LENGTH,
    VerifiedToken,
    VerifiedTokenCache,
    numeric_claim,
    read_header,
)

MISSING_BEARER = "Missing bearer token: send the header 'Authorization: Bearer <access token>'"


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
    """Verifies the access tokens of the realm of ``setup``, signed with its keys, at its
    clock's time; their accounts and clients are in ``directory``, their sessions and
    revocations in ``sessions`` and ``state``.

    ``verified_tokens`` remembers the tokens whose signature was verified; the key, times,
    session and account are still checked on every request.
    """

    def __init__(
        self,
        setup: RealmSetup,
        issuers: Issuers,
        directory: RealmDirectory,
        sessions: Sessions,
        state: RealmState,
        verified_tokens: VerifiedTokenCache,
    ) -> None:
        self._setup = setup
        self._issuers = issuers
        self._directory = directory
        self._sessions = sessions
        self._state = state
        self._verified_tokens = verified_tokens

    def verify(self, request: Request, token: str) -> dict[str, Any]:
        """The claims of ``token`` if it is a valid access token of this realm for this URL.

        The signature, issuer, type and times are all checked. A token verified before for
        the same issuer skips only the parsing and the signature check: its key must still
        be active and its claims are checked again now.
        """
        if len(token) > MAX_TOKEN_LENGTH:
            raise TokenRejected("Token too long")
        issuer = self._issuers.of(request)
        verified = self._verified_tokens.get(token, issuer)
        if verified is not None and active_key(self._setup.keys, verified.key.kid) is verified.key:
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
        key = active_key(self._setup.keys, kid)
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
        account = self._directory.account_by_id(claims["sub"])
        if account is None:
            client = self._directory.client(client_id) if isinstance(client_id, str) else None
            if client is not None and client.confidential:
                service = service_subject(self._setup.realm, client.client_id)
                if service.sub == claims["sub"]:
                    self._check_not_revoked(claims)
                    return service
            raise TokenRejected("Token subject is not a user of this realm")
        if not account.enabled:
            raise TokenRejected("Account disabled")
        sid = claims.get("sid")
        if not isinstance(sid, str) or not sid:
            raise TokenRejected("Token has no session (sid)")
        stored, revoked = self._state.session_and_revocation(sid, str(claims.get("jti")))
        session = self._sessions.of(claims, stored)
        if session is None or not self._sessions.is_active(
            session, self._setup.clock(), BEARER_LEEWAY
        ):
            raise SessionNotActive("Session not active")
        if revoked:
            raise TokenRejected("Token revoked")
        return user_subject(self._setup.realm, account)

    def _check_claims(self, claims: Mapping[str, Any]) -> None:
        """Refuse signed ``claims`` that are not a bearer token valid at this moment."""
        token_type = claims["typ"]
        if token_type != "Bearer":
            raise TokenRejected(
                f"Token of type {token_type!r} refused: send the access token as bearer"
            )
        now = self._setup.clock()
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
        if isinstance(jti, str) and self._state.is_revoked(jti):
            raise TokenRejected("Token revoked")
