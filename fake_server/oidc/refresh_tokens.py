"""Reading the tokens the realm signs for itself with HS512: refresh and offline tokens,
and authorization codes.

Only the realm reads them back, so they carry a secret-keyed signature (as Keycloak's do);
the secret belongs to the signing key named by the token's ``kid``, so retiring a key
retires its refresh tokens too.
"""

from __future__ import annotations

from typing import Any

import jwt
from werkzeug.wrappers import Request

from fake_server.oidc.endpoint_requests import Issuers
from fake_server.oidc.errors import OAuthError, TokenRejected
from fake_server.oidc.realm import Client
from fake_server.oidc.realm_setup import RealmSetup
from fake_server.oidc.tokens import MAX_TOKEN_LENGTH, numeric_claim, read_header

INVALID_REFRESH_TOKEN = "Invalid refresh token"


class RefreshTokenReader:
    """Verifies the HS512 tokens signed with the keys of ``setup`` for the issuer a
    request reached."""

    def __init__(self, setup: RealmSetup, issuers: Issuers) -> None:
        self._setup = setup
        self._issuers = issuers

    def read(
        self, request: Request, token: str, *, token_type: str | None = None
    ) -> dict[str, Any]:
        """The claims of a refresh or offline token (or of ``token_type``) this realm
        signed for this URL (expiry unchecked; offline tokens have none)."""
        invalid = OAuthError(400, "invalid_grant", INVALID_REFRESH_TOKEN)
        if len(token) > MAX_TOKEN_LENGTH:
            raise invalid
        try:
            header = read_header(token)
        except TokenRejected:
            raise invalid from None
        kid = header.get("kid")
        key = self._setup.keys.find_refresh(kid) if isinstance(kid, str) else None
        if header.get("alg") != "HS512" or key is None:
            raise invalid
        try:
            claims = jwt.decode(
                token,
                key.refresh_secret,
                algorithms=["HS512"],
                issuer=self._issuers.of(request),
                options={
                    "require": ["iat", "jti", "sub", "typ", "azp", "sid"],
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    "verify_aud": False,
                },
            )
        except jwt.InvalidTokenError:
            raise invalid from None
        types = ("Refresh", "Offline") if token_type is None else (token_type,)
        if claims["typ"] not in types or (claims["typ"] != "Offline" and "exp" not in claims):
            raise invalid
        try:
            if "exp" in claims:
                numeric_claim(claims, "exp")
            numeric_claim(claims, "iat")
        except TokenRejected:
            raise invalid from None
        return claims

    def read_for_client(self, request: Request, token: str, client: Client) -> dict[str, Any]:
        """The claims of a refresh or offline token issued to ``client``."""
        claims = self.read(request, token)
        if claims["azp"] != client.client_id:
            raise OAuthError(
                400,
                "invalid_grant",
                "Invalid refresh token. Token client and authorized client don't match",
            )
        return claims
