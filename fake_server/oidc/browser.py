"""The realm's browser endpoints: the authorization-code flow's login page, and
RP-initiated logout, with Keycloak's pages, redirects and refusals."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import jwt
from werkzeug.wrappers import Request, Response

from fake_server.oidc.bearer import active_key, read_header
from fake_server.oidc.errors import OAuthError, TokenRejected
from fake_server.oidc.realm_model import RealmModel
from fake_server.oidc.sessions import Sessions
from fake_server.oidc.tokens import (
    OFFLINE_SCOPE,
    authorization_code,
    form_params,
    is_valid_challenge,
    requested_scopes,
)
from fake_server.representations import PKCE_METHODS


class BrowserFlow:
    """The login page and browser logout of ``realm``; a login opens one of ``sessions``."""

    def __init__(self, realm: RealmModel, sessions: Sessions) -> None:
        self._realm = realm
        self._sessions = sessions

    def authorize(self, request: Request) -> Response:
        """The login page (GET) and its form (POST): a good password redirects to the
        client's ``redirect_uri`` with a code; a refused request redirects with the error
        once the redirect URI is known to be the client's."""
        params = request.args
        client = self._realm.client(params.get("client_id", ""))
        if client is None:
            return _error_page(request, "Client not found.")
        redirect_uri = params.get("redirect_uri", "")
        if not _plain_uri(redirect_uri) or not client.accepts_redirect(redirect_uri):
            return _error_page(request, "Invalid parameter: redirect_uri")
        state = params.get("state")

        def refuse(error: str, description: str) -> Response:
            query = {"error": error, "error_description": description}
            if state:
                query["state"] = state
            return _redirect(redirect_uri, query)

        if params.get("response_type") != "code":
            return refuse(
                "unsupported_response_type",
                "Client is not allowed to initiate "
                "browser login with given response_type. Only code is supported",
            )
        if not client.standard_flow:
            return refuse(
                "unauthorized_client",
                "Client is not allowed to initiate browser "
                "login with given response_type. Standard flow is disabled for the client.",
            )
        challenge = params.get("code_challenge")
        method = params.get("code_challenge_method") or ("plain" if challenge else None)
        if method not in (None, *PKCE_METHODS) or (method and not challenge):
            return refuse("invalid_request", "Invalid parameter: code_challenge_method")
        if challenge and not is_valid_challenge(challenge):
            return refuse("invalid_request", "Invalid parameter: code_challenge")
        if client.pkce_method and not challenge:
            return refuse("invalid_request", "Missing parameter: code_challenge")
        if client.pkce_method and method != client.pkce_method:
            return refuse(
                "invalid_request",
                "Invalid parameter: code challenge method is not configured one",
            )
        try:
            scopes = requested_scopes(params.get("scope"))
        except OAuthError as error:
            return refuse(error.error, error.description)
        if request.method != "POST":
            return _login_page(request.url, "")
        form = form_params(request)
        try:
            account = self._realm.check_credentials(form.get("username"), form.get("password", ""))
        except OAuthError as error:
            message = (
                "Account is disabled, contact your administrator."
                if (error.description == "Account disabled")
                else "Invalid username or password."
            )
            return _login_page(request.url, message)
        session = self._sessions.open(account, client, OFFLINE_SCOPE in scopes)
        code = authorization_code(
            self._realm,
            request,
            account,
            client,
            session,
            redirect_uri,
            scopes,
            nonce=params.get("nonce"),
            challenge=challenge,
            challenge_method=method,
        )
        query = {"state": state} if state else {}
        query |= {"session_state": session.sid, "iss": self._realm.issuer(request), "code": code}
        return _redirect(redirect_uri, query)

    def logout(self, request: Request) -> Response:
        """RP-initiated logout: ``id_token_hint`` ends that token's session, then
        ``post_logout_redirect_uri`` (with ``state``) is redirected to, or a page says the
        user is logged out."""
        hint = request.args.get("id_token_hint")
        redirect = request.args.get("post_logout_redirect_uri")
        client_id = request.args.get("client_id")
        claims: dict[str, Any] | None = None
        if hint:
            claims = self._verify_id_token_hint(request, hint)
            # The token names its client: a client_id beside it may not name another.
            if client_id and client_id != claims.get("azp"):
                return _error_page(request, "Invalid parameter: client_id")
            client_id = str(claims.get("azp"))
        if redirect and not _plain_uri(redirect):
            return _error_page(request, "Invalid redirect uri")
        if redirect:
            client = self._realm.client(client_id) if client_id else None
            if client is None:
                return _error_page(request, "Missing parameters: id_token_hint")
            if not client.accepts_redirect(redirect):
                return _error_page(request, "Invalid redirect uri")
        if claims is not None:
            self._sessions.end(claims)
        if redirect:
            state = request.args.get("state")
            query = urlencode({"state": state}) if state else ""
            separator = "&" if "?" in redirect else "?"
            location = f"{redirect}{separator}{query}" if query else redirect
            return Response(status=302, headers={"Location": location})
        return _html_page(200, "You are logged out")

    def _verify_id_token_hint(self, request: Request, token: str) -> dict[str, Any]:
        """The claims of an ID token this realm signed for this URL (it may have expired)."""
        try:
            header = read_header(token)
            key = active_key(self._realm.keys, str(header.get("kid")))
            claims: dict[str, Any] = jwt.decode(
                token,
                key.public_key,
                algorithms=["RS256"],
                issuer=self._realm.issuer(request),
                options={"verify_exp": False, "verify_aud": False, "require": ["sub", "typ"]},
            )
        except (TokenRejected, jwt.InvalidTokenError):
            raise OAuthError(400, "invalid_request", "Invalid id_token_hint") from None
        if claims["typ"] != "ID":
            raise OAuthError(400, "invalid_request", "Invalid id_token_hint")
        return claims


def _plain_uri(uri: str) -> bool:
    """Whether ``uri`` is non-empty and holds no control character: a CR or LF would split
    the ``Location`` header it is redirected to."""
    return bool(uri) and not any(ord(char) < 0x20 or ord(char) == 0x7F for char in uri)


def _redirect(uri: str, query: Mapping[str, str]) -> Response:
    separator = "&" if "?" in uri else "?"
    return Response(status=302, headers={"Location": f"{uri}{separator}{urlencode(query)}"})


def _login_page(action: str, error: str) -> Response:
    """The login form of the authorization-code flow, posting back to its own URL."""
    notice = f'<p id="input-error">{html.escape(error)}</p>' if error else ""
    body = (
        "<!DOCTYPE html><html><head><title>Sign in</title></head><body>"
        f"<h1>Sign in to your account</h1>{notice}"
        f'<form id="kc-form-login" method="post" action="{html.escape(action)}">'
        '<label for="username">Username or email</label>'
        '<input id="username" name="username" type="text" autofocus>'
        '<label for="password">Password</label>'
        '<input id="password" name="password" type="password">'
        '<input id="kc-login" type="submit" value="Sign In">'
        "</form></body></html>"
    )
    return Response(body, status=200, mimetype="text/html")


def _error_page(request: Request, message: str) -> Response:
    """A 400 for a browser endpoint: Keycloak's HTML page for a browser, and for any other
    client (one that does not accept HTML) the same message as a JSON OAuth error."""
    if request.accept_mimetypes.accept_html:
        return _html_page(400, message)
    return OAuthError(400, "invalid_request", message).response()


def _html_page(status: int, message: str) -> Response:
    """A minimal HTML page, as Keycloak's browser endpoints answer."""
    text = html.escape(message)
    body = (
        f"<!DOCTYPE html><html><head><title>{text}</title></head><body><p>{text}</p></body></html>"
    )
    return Response(body, status=status, mimetype="text/html")
