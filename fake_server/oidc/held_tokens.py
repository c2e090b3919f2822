"""The endpoints a client calls with a token it holds, as Keycloak answers them: userinfo
(who the bearer is), logout (end a refresh token's session), revocation (RFC 7009) and
introspection (RFC 7662)."""

from __future__ import annotations

import logging
from typing import Any

from werkzeug.wrappers import Request, Response

from fake_server.oidc.bearer import MISSING_BEARER, BearerCheck, bearer_token
from fake_server.oidc.directory import RealmDirectory
from fake_server.oidc.endpoint_requests import (
    FORM_CONTENT_TYPE,
    authenticate_client,
    form_params,
)
from fake_server.oidc.errors import OAuthError, SessionNotActive, TokenRejected, json_response
from fake_server.oidc.realm import RealmState
from fake_server.oidc.realm_setup import RealmSetup
from fake_server.oidc.refresh_tokens import RefreshTokenReader
from fake_server.oidc.sessions import Sessions
from fake_server.oidc.tokens import BEARER_LEEWAY, read_header

logger = logging.getLogger(__name__)

# Keycloak's userinfo answers: any token problem, and a token whose session is gone.
TOKEN_VERIFICATION_FAILED = "Token verification failed"
USER_SESSION_NOT_FOUND = "User session not found or doesn't have client attached on it"


class HeldTokenEndpoints:
    """Userinfo, logout, revocation and introspection for ``setup``'s realm: tokens are
    read by ``bearer`` and ``refresh_tokens``, their sessions ended through ``sessions``,
    revoked access tokens recorded in ``state``."""

    def __init__(
        self,
        setup: RealmSetup,
        directory: RealmDirectory,
        sessions: Sessions,
        state: RealmState,
        bearer: BearerCheck,
        refresh_tokens: RefreshTokenReader,
    ) -> None:
        self._setup = setup
        self._directory = directory
        self._sessions = sessions
        self._state = state
        self._bearer = bearer
        self._refresh_tokens = refresh_tokens

    def userinfo(self, request: Request) -> Response:
        """Who the bearer of an access token (in the header, or a POSTed form) is."""
        try:
            token = bearer_token(request)
            if token is None and request.method == "POST" and request.mimetype == FORM_CONTENT_TYPE:
                token = form_params(request).get("access_token") or None
            if token is None:
                raise TokenRejected(MISSING_BEARER, error=None)
            try:
                claims = self._bearer.verify(request, token)
                subject = self._bearer.live_subject(claims)
            except SessionNotActive:
                raise TokenRejected(USER_SESSION_NOT_FOUND) from None
            except TokenRejected as rejected:
                # Keycloak names no reason at this endpoint; the log of the fake does.
                logger.info("userinfo refused a token: %s", rejected.description)
                raise TokenRejected(TOKEN_VERIFICATION_FAILED) from None
        except TokenRejected as rejected:
            return rejected.response(self._setup.realm)
        return json_response({"sub": subject.sub, **subject.profile_claims()})

    def logout(self, request: Request) -> Response:
        """End the session of the form's ``refresh_token``, issued to the client calling."""
        form = form_params(request)
        client = authenticate_client(request, form, self._directory)
        token = form.get("refresh_token")
        if not token:
            raise OAuthError(400, "invalid_request", "No refresh token")
        self._sessions.end(self._refresh_tokens.read_for_client(request, token, client))
        response = Response(status=204)
        response.headers["Cache-Control"] = "no-store"
        return response

    def revoke(self, request: Request) -> Response:
        """Revoke the form's ``token``: a refresh or offline token ends its session, an
        access token alone is refused from then on."""
        form = form_params(request)
        client = authenticate_client(request, form, self._directory)
        token = form.get("token")
        if not token:
            raise OAuthError(400, "invalid_request", "Token not provided")
        revoked = Response(status=200)
        revoked.headers["Cache-Control"] = "no-store"
        presented = self._presented_token(request, token)
        if presented is None:
            return revoked
        is_refresh, claims = presented
        if is_refresh:
            if claims["azp"] != client.client_id:
                raise OAuthError(400, "invalid_token", "Unmatching clients")
            self._sessions.end(claims)
            return revoked
        if claims.get("azp") != client.client_id:
            raise OAuthError(400, "invalid_token", "Unmatching clients")
        expires = float(claims["exp"]) + BEARER_LEEWAY
        self._state.revoke_token(str(claims["jti"]), expires, self._setup.clock())
        logger.info("access token %s of %s revoked", claims["jti"], claims["sub"])
        return revoked

    def introspect(self, request: Request) -> Response:
        """For a confidential client: whether the form's ``token`` is active, and its
        claims when it is."""
        form = form_params(request)
        client = authenticate_client(request, form, self._directory)
        if not client.confidential:
            raise OAuthError(403, "invalid_request", "Client not allowed.")
        token = form.get("token")
        if not token:
            raise OAuthError(400, "invalid_request", "Token not provided.")
        inactive = json_response({"active": False})
        presented = self._presented_token(request, token)
        if presented is None:
            return inactive
        is_refresh, claims = presented
        if is_refresh:
            session = self._sessions.of(claims)
            live = session is not None and self._sessions.is_active(session, self._setup.clock())
            if not live or ("exp" in claims and claims["exp"] <= self._setup.clock()):
                return inactive
            token_type = str(claims["typ"])
        else:
            try:
                subject = self._bearer.live_subject(claims)
            except TokenRejected:
                return inactive
            claims = {**claims, "username": subject.preferred_username}
            token_type = "Bearer"
        return json_response(
            {**claims, "client_id": claims.get("azp"), "token_type": token_type, "active": True}
        )

    def _presented_token(self, request: Request, token: str) -> tuple[bool, dict[str, Any]] | None:
        """A token sent to be revoked or introspected: whether it is a refresh (or offline)
        token, and its claims once verified; None when it is no valid token of this realm
        (both endpoints then answer as for a dead token, without saying why)."""
        try:
            if read_header(token).get("alg") == "HS512":
                return True, self._refresh_tokens.read(request, token)
            return False, self._bearer.verify(request, token)
        except (TokenRejected, OAuthError):
            return None
