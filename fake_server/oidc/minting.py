"""Signing what a login issues: Keycloak's token answer (access, refresh and ID tokens)
and the authorization codes of the browser flow.

Access and ID tokens are signed RS256 with the ring's newest key; refresh tokens and codes,
which only the realm reads back, HS512 with that key's refresh secret.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

import jwt
from werkzeug.wrappers import Request, Response

from fake_server.oidc.accounts import Account
from fake_server.oidc.endpoint_requests import Issuers
from fake_server.oidc.errors import json_response
from fake_server.oidc.realm import Client, SessionRecord
from fake_server.oidc.realm_setup import RealmSetup
from fake_server.oidc.sessions import Sessions
from fake_server.oidc.subjects import ACCOUNT_CLIENT_ROLES, Subject

# How long an authorization code may wait to be exchanged (Keycloak's default login
# timeout for codes: one minute).
AUTHORIZATION_CODE_LIFETIME = 60


class TokenMinter:
    """Signs tokens with the keys of ``setup`` for the issuer a request reached, timed by
    its lifetimes and the end of their ``sessions``."""

    def __init__(self, setup: RealmSetup, issuers: Issuers, sessions: Sessions) -> None:
        self._setup = setup
        self._issuers = issuers
        self._sessions = sessions

    def token_response(
        self,
        request: Request,
        subject: Subject,
        client: Client,
        scopes: tuple[str, ...],
        session: SessionRecord | None,
        refresh_jti: str | None,
        *,
        refresh_scopes: tuple[str, ...] | None = None,
        nonce: Any = None,
    ) -> Response:
        """Sign the tokens of a successful grant and answer with Keycloak's token JSON."""
        setup = self._setup
        issuer = self._issuers.of(request)
        now = int(self._setup.clock())
        scope = " ".join(scopes)
        common: dict[str, Any] = {"iat": now}
        expires = now + setup.access_token_lifetime
        if session is not None:
            session_end = self._sessions.end_time(session)
            expires = min(expires, session_end)
            common["auth_time"] = session.auth_time
        common |= {"iss": issuer, "sub": subject.sub}
        session_claims: dict[str, Any] = {}
        if session is not None:
            session_claims = {"sid": session.sid, "session_state": session.sid}
        access_claims: dict[str, Any] = {
            "exp": expires,
            **common,
            "jti": str(uuid.uuid4()),
            "aud": "account",
            "typ": "Bearer",
            "azp": client.client_id,
            **session_claims,
            "acr": "1",
            "realm_access": {"roles": list(subject.roles)},
            "resource_access": {"account": {"roles": list(ACCOUNT_CLIENT_ROLES)}},
            "scope": scope,
        }
        if subject.account is None:
            access_claims |= {
                "client_id": client.client_id,
                "clientHost": request.remote_addr or "",
                "clientAddress": request.remote_addr or "",
            }
        access_claims |= subject.profile_claims()
        signing_key = setup.keys.signing_key()
        headers = {"kid": signing_key.kid, "typ": "JWT"}
        access_token = jwt.encode(access_claims, signing_key.private_key, "RS256", headers)
        body: dict[str, Any] = {
            "access_token": access_token,
            "expires_in": expires - now,
            "refresh_expires_in": 0,
        }
        if session is not None and refresh_jti is not None:
            refresh_claims: dict[str, Any] = {}
            if not session.offline:  # offline tokens never expire; their session idles out
                refresh_expires = min(
                    now + setup.refresh_token_lifetime, self._sessions.end_time(session)
                )
                refresh_claims["exp"] = refresh_expires
                body["refresh_expires_in"] = refresh_expires - now
            refresh_claims |= {
                "iat": now,
                "jti": refresh_jti,
                "iss": issuer,
                "aud": issuer,
                "sub": subject.sub,
                "typ": "Offline" if session.offline else "Refresh",
                "azp": client.client_id,
                **session_claims,
                "scope": " ".join(refresh_scopes if refresh_scopes is not None else scopes),
            }
            refresh_headers = {"kid": signing_key.refresh_kid, "typ": "JWT"}
            body["refresh_token"] = jwt.encode(
                refresh_claims, signing_key.refresh_secret, "HS512", refresh_headers
            )
        body["token_type"] = "Bearer"
        if "openid" in scopes:
            id_claims = {
                "exp": expires,
                **common,
                "jti": str(uuid.uuid4()),
                "aud": client.client_id,
                "typ": "ID",
                "azp": client.client_id,
                **({"nonce": nonce} if nonce else {}),
                **session_claims,
                "at_hash": _token_hash(access_token),
                "acr": "1",
                **subject.profile_claims(),
            }
            body["id_token"] = jwt.encode(id_claims, signing_key.private_key, "RS256", headers)
        body["not-before-policy"] = 0
        if session is not None:
            body["session_state"] = session.sid
        body["scope"] = scope
        return json_response(body)

    def authorization_code(
        self,
        request: Request,
        account: Account,
        client: Client,
        session: SessionRecord,
        redirect_uri: str,
        scopes: tuple[str, ...],
        *,
        nonce: str | None,
        challenge: str | None,
        challenge_method: str | None,
    ) -> str:
        """The code redirected to after ``account`` logged in to ``client``, good for
        :data:`AUTHORIZATION_CODE_LIFETIME` seconds, carrying what the token request
        that redeems it must match (``redirect_uri``, the PKCE challenge)."""
        now = int(self._setup.clock())
        code_claims: dict[str, Any] = {
            "exp": now + AUTHORIZATION_CODE_LIFETIME,
            "iat": now,
            "jti": str(uuid.uuid4()),
            "iss": self._issuers.of(request),
            "sub": account.user_id,
            "typ": "Code",
            "azp": client.client_id,
            "sid": session.sid,
            "redirect_uri": redirect_uri,
            "scope": " ".join(scopes),
        }
        if nonce:
            code_claims["nonce"] = nonce
        if challenge:
            code_claims |= {"code_challenge": challenge, "code_challenge_method": challenge_method}
        signing_key = self._setup.keys.signing_key()
        return jwt.encode(
            code_claims, signing_key.refresh_secret, "HS512", {"kid": signing_key.refresh_kid}
        )


def _token_hash(token: str) -> str:
    """OIDC ``at_hash``: the left half of the token's SHA-256, base64url."""
    digest = hashlib.sha256(token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode("ascii")
