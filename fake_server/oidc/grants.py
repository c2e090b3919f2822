"""The token endpoint's grants, as Keycloak answers them: password, authorization code
(with PKCE), refresh token and client credentials."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request, Response

from fake_server.oidc import pkce
from fake_server.oidc.directory import RealmDirectory
from fake_server.oidc.endpoint_requests import authenticate_client, form_params
from fake_server.oidc.errors import OAuthError
from fake_server.oidc.minting import TokenMinter
from fake_server.oidc.realm import Client
from fake_server.oidc.realm_setup import RealmSetup
from fake_server.oidc.refresh_tokens import RefreshTokenReader
from fake_server.oidc.scopes import OFFLINE_SCOPE, requested_scopes
from fake_server.oidc.sessions import Sessions
from fake_server.oidc.subjects import service_subject, user_subject

_Grant = Callable[[Request, dict[str, str], Client], Response]


class TokenGrants:
    """The grants of the token endpoint of ``setup``'s realm: logs the users and clients
    of ``directory`` in, opens and refreshes ``sessions``, and has ``minter`` sign the
    tokens."""

    def __init__(
        self,
        setup: RealmSetup,
        directory: RealmDirectory,
        sessions: Sessions,
        minter: TokenMinter,
        refresh_tokens: RefreshTokenReader,
    ) -> None:
        self._setup = setup
        self._directory = directory
        self._sessions = sessions
        self._minter = minter
        self._refresh_tokens = refresh_tokens
        self._grants: dict[str, _Grant] = {
            "password": self._password,
            "refresh_token": self._refresh,
            "client_credentials": self._client_credentials,
            "authorization_code": self._authorization_code,
        }

    def token(self, request: Request) -> Response:
        """Answer a token request: the grant its ``grant_type`` names, for the client it
        authenticates as."""
        form = form_params(request)
        grant_type = form.get("grant_type")
        if not grant_type:
            raise OAuthError(400, "invalid_request", "Missing form parameter: grant_type")
        grant = self._grants.get(grant_type)
        if grant is None:
            raise OAuthError(400, "unsupported_grant_type", "Unsupported grant_type")
        client = authenticate_client(request, form, self._directory)
        return grant(request, form, client)

    def _password(self, request: Request, form: dict[str, str], client: Client) -> Response:
        account = self._directory.check_credentials(form.get("username"), form.get("password", ""))
        if not client.direct_access_grants:
            raise OAuthError(
                400, "unauthorized_client", "Client not allowed for direct access grants"
            )
        scopes = requested_scopes(form.get("scope"))
        session = self._sessions.open(account, client, OFFLINE_SCOPE in scopes)
        subject = user_subject(self._setup.realm, account)
        return self._minter.token_response(
            request, subject, client, scopes, session, str(uuid.uuid4())
        )

    def _authorization_code(
        self, request: Request, form: dict[str, str], client: Client
    ) -> Response:
        code = form.get("code")
        if not code:
            raise OAuthError(400, "invalid_request", "Missing parameter: code")
        claims = self._decode_code(request, code)
        if claims["azp"] != client.client_id:
            raise OAuthError(400, "invalid_grant", "Auth error")
        if form.get("redirect_uri") != claims["redirect_uri"]:
            raise OAuthError(400, "invalid_grant", "Incorrect redirect_uri")
        challenge = claims.get("code_challenge")
        if challenge:
            method = claims.get("code_challenge_method", "plain")
            pkce.check_verifier(form.get("code_verifier"), str(challenge), str(method))
        account = self._directory.account_by_id(claims["sub"])
        if account is None or not account.enabled:
            raise OAuthError(400, "invalid_grant", "User disabled")
        session = self._sessions.redeem_code(str(claims["sid"]), int(self._setup.clock()))
        scopes = tuple(str(claims.get("scope", "")).split())
        return self._minter.token_response(
            request,
            user_subject(self._setup.realm, account),
            client,
            scopes,
            session,
            str(uuid.uuid4()),
            nonce=claims.get("nonce"),
        )

    def _decode_code(self, request: Request, code: str) -> dict[str, Any]:
        """The claims of an authorization code this realm issued and that has not expired."""
        invalid = OAuthError(400, "invalid_grant", "Code not valid")
        try:
            claims = self._refresh_tokens.read(request, code, token_type="Code")
        except OAuthError:
            raise invalid from None
        if claims["exp"] <= self._setup.clock():
            raise invalid
        return claims

    def _refresh(self, request: Request, form: dict[str, str], client: Client) -> Response:
        token = form.get("refresh_token")
        if not token:
            raise OAuthError(400, "invalid_request", "No refresh token")
        claims = self._refresh_tokens.read(request, token)
        now = int(self._setup.clock())
        if "exp" in claims and claims["exp"] <= now:
            raise OAuthError(400, "invalid_grant", "Token is not active")
        if claims.get("azp") != client.client_id:
            raise OAuthError(
                400,
                "invalid_grant",
                "Invalid refresh token. Token client and authorized client don't match",
            )
        granted = tuple(str(claims.get("scope", "")).split())
        requested = form.get("scope")
        scopes = requested_scopes(requested, granted=granted) if requested else granted
        account = self._directory.account_by_id(claims["sub"])
        if account is None:
            raise OAuthError(400, "invalid_grant", "User not found")
        if not account.enabled:
            raise OAuthError(400, "invalid_grant", "Account disabled")
        session = self._sessions.refresh(claims, now)
        return self._minter.token_response(
            request,
            user_subject(self._setup.realm, account),
            client,
            scopes,
            session,
            str(uuid.uuid4()),
            refresh_scopes=granted,
        )

    def _client_credentials(
        self, request: Request, form: dict[str, str], client: Client
    ) -> Response:
        if not client.confidential:
            raise OAuthError(
                401, "unauthorized_client", "Public client not allowed to retrieve service account"
            )
        if not client.service_accounts:
            raise OAuthError(
                400, "unauthorized_client", "Client not enabled to retrieve service account"
            )
        scopes = requested_scopes(form.get("scope"))
        subject = service_subject(self._setup.realm, client.client_id)
        return self._minter.token_response(request, subject, client, scopes, None, None)
