"""The fake server's identity provider: one Keycloak realm's OpenID Connect endpoints, and
its published documents (the realm info and the discovery document).

Each endpoint method takes the werkzeug request and the ``{realm}`` of its URL and returns
the response; the fake server's route table (:mod:`fake_server.routes`) names them on
Keycloak's paths::

    GET  /realms/{realm}                                     realm_info
    GET  /realms/{realm}/.well-known/openid-configuration   openid_configuration
    POST /realms/{realm}/protocol/openid-connect/token      token
    GET  /realms/{realm}/protocol/openid-connect/certs      certs
    GET  /realms/{realm}/protocol/openid-connect/auth       authorize (POST too)
    GET  /realms/{realm}/protocol/openid-connect/userinfo   userinfo (POST too)
    POST /realms/{realm}/protocol/openid-connect/logout     logout (GET too)
    POST /realms/{realm}/protocol/openid-connect/revoke     revoke
    POST /realms/{realm}/protocol/openid-connect/token/introspect   introspect

:class:`IdentityProvider` checks what every endpoint checks (the realm, the method, the
content type) and hands the request to the part of the realm that answers it:
:mod:`~fake_server.oidc.tokens` (the token endpoint, userinfo, logout, revocation,
introspection) or :mod:`~fake_server.oidc.browser` (login page, browser logout). The
API's bearer check, :meth:`IdentityProvider.authenticate`, is
:mod:`~fake_server.oidc.bearer`'s.

Users, clients, sign-in sessions and revoked tokens live in a
:class:`~fake_server.store.identity.RealmState`: the fake server passes its store, so every
worker process of one server, and the same server after a restart, shares them.

Tokens name the server they came from: ``iss`` is the request's own base URL plus
``/realms/{realm}``, as Keycloak derives its frontend URL, so the API (served on the same
host and port) accepts exactly the tokens issued to the URL it is reached by.
"""

from __future__ import annotations

import base64
import dataclasses
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cryptography.hazmat.primitives import serialization
from werkzeug.wrappers import Request, Response

from fake_server.oidc.bearer import DEFAULT_CACHE_SIZE, BearerCheck, VerifiedTokenCache
from fake_server.oidc.browser import BrowserFlow
from fake_server.oidc.errors import OAuthError, json_response
from fake_server.oidc.keys import KeyRing
from fake_server.oidc.realm_model import RealmModel
from fake_server.oidc.sessions import Sessions
from fake_server.oidc.tokens import FORM_CONTENT_TYPE, SCOPE_ORDER, TokenEndpoints
from fake_server.representations import Account, Client, RealmSettings
from fake_server.store.identity import CONFIGURED, RealmState
from fake_server.store.memory_realm import MemoryRealmState
from spacestudio_contract.endpoints import DEFAULT_REALM

logger = logging.getLogger(__name__)

# Keycloak's default "SSO Session Max": a session ends this long after its login.
DEFAULT_SESSION_MAX_LIFETIME = 36_000


class IdentityProvider:
    """One Keycloak realm: accounts, clients, sessions and signing keys.

    ``client_ids`` are public clients (no secret, as the scripting client is);
    ``confidential_clients`` maps client ids to secrets and may also use the
    ``client_credentials`` grant and token introspection; ``clients`` are clients with
    every setting spelt out. They and ``accounts`` are put in ``state`` (a fresh
    in-memory realm by default), which may already hold more. ``refresh_token_lifetime`` is
    also the session idle timeout, as Keycloak's "SSO Session Idle". ``settings`` carries
    the other realm settings (refresh token reuse, offline sessions); the lifetimes given
    here replace its lifespans. ``clock`` gives the current time in seconds since the
    epoch; tests pass a fake one.

    The bearer check remembers the ``verified_token_cache_size`` most recently used access
    tokens whose signature it verified (0 remembers none), so a client reusing its token
    pays the parsing and RSA verification once; the key, times, session and account are
    still checked on every request.
    """

    #: The account whose access token authorises a request, or :class:`TokenRejected`
    #: saying what was wrong (:meth:`BearerCheck.authenticate
    #: <fake_server.oidc.bearer.BearerCheck.authenticate>`, called directly).
    authenticate: Callable[[Request], Account]

    def __init__(
        self,
        accounts: Sequence[Account],
        client_ids: Sequence[str],
        *,
        realm: str = DEFAULT_REALM,
        access_token_lifetime: int = 300,
        refresh_token_lifetime: int = 1800,
        keys: KeyRing | None = None,
        confidential_clients: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
        session_max_lifetime: int = DEFAULT_SESSION_MAX_LIFETIME,
        verified_token_cache_size: int = DEFAULT_CACHE_SIZE,
        clients: Sequence[Client] = (),
        state: RealmState | None = None,
        settings: RealmSettings | None = None,
    ) -> None:
        if not realm:
            raise ValueError("realm must be a non-empty name, e.g. 'spacestudio-users'")
        for name, value in (
            ("access_token_lifetime", access_token_lifetime),
            ("refresh_token_lifetime", refresh_token_lifetime),
            ("session_max_lifetime", session_max_lifetime),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"{name} must be a positive number of seconds, not {value!r}")
        cache_size = verified_token_cache_size
        if isinstance(cache_size, bool) or not isinstance(cache_size, int) or cache_size < 0:
            raise ValueError(
                f"verified_token_cache_size must be a number of tokens >= 0, not {cache_size!r}"
            )
        settings = dataclasses.replace(
            settings or RealmSettings(),
            access_token_lifespan=access_token_lifetime,
            sso_session_idle_timeout=refresh_token_lifetime,
            sso_session_max_lifespan=session_max_lifetime,
        )
        self.model = RealmModel(
            realm,
            keys if keys is not None else KeyRing.generate(),
            clock,
            settings,
            state if state is not None else MemoryRealmState(),
            accounts=accounts,
            client_ids=client_ids,
            confidential_clients=confidential_clients or {},
            clients=clients,
        )
        sessions = Sessions(self.model)
        bearer = BearerCheck(self.model, sessions, VerifiedTokenCache(cache_size))
        self._tokens = TokenEndpoints(self.model, sessions, bearer)
        self._browser = BrowserFlow(self.model, sessions)
        self.authenticate = bearer.authenticate

    @property
    def realm(self) -> str:
        """The realm's name."""
        return self.model.name

    @property
    def keys(self) -> KeyRing:
        """The realm's signing keys."""
        return self.model.keys

    @property
    def state(self) -> RealmState:
        """Where the realm's users, clients, sessions and revoked tokens are kept."""
        return self.model.state

    def issuer(self, request: Request) -> str:
        """The ``iss`` of tokens issued through ``request``'s base URL."""
        return self.model.issuer(request)

    # ---------------------------------------------------------------- accounts

    @property
    def accounts(self) -> Sequence[Account]:
        """The realm's accounts."""
        return self.model.accounts

    def account_by_id(self, user_id: str) -> Account | None:
        """The account whose :attr:`Account.user_id` is ``user_id``, None when unknown."""
        return self.model.account_by_id(user_id)

    def account_by_username(self, username: str) -> Account | None:
        """The account logging in as ``username`` (its username or e-mail, any case)."""
        return self.model.account_by_username(username)

    def update_account(self, account: Account, origin: str = CONFIGURED) -> None:
        """Add ``account``, or replace the account with its login (e.g. to disable it).

        A disabled account's live tokens are refused from the next request on.
        """
        self.model.update_account(account, origin)

    def restore_configured_realm(self) -> None:
        """Drop the users and clients added at run time; restore the configured ones."""
        self.model.restore_configured()

    # --------------------------------------------------------------- endpoints

    def realm_info(self, request: Request, realm: str) -> Response:
        """GET ``/realms/{realm}``: the realm's public key (base64 DER) and service URLs."""
        return self._serve(
            request,
            realm,
            ("GET", "HEAD"),
            lambda r: json_response(realm_info(self.realm, self.issuer(r), self.keys)),
        )

    def openid_configuration(self, request: Request, realm: str) -> Response:
        """GET ``/realms/{realm}/.well-known/openid-configuration``: the discovery document."""
        return self._serve(
            request,
            realm,
            ("GET", "HEAD"),
            lambda r: json_response(openid_configuration(self.issuer(r))),
        )

    def token(self, request: Request, realm: str) -> Response:
        """POST ``/realms/{realm}/protocol/openid-connect/token``: Keycloak's token endpoint."""
        return self._serve(request, realm, ("POST",), self._tokens.token, form=True)

    def certs(self, request: Request, realm: str) -> Response:
        """GET ``/realms/{realm}/protocol/openid-connect/certs``: the realm's JWKS."""
        return self._serve(
            request, realm, ("GET", "HEAD"), lambda _: json_response(self.keys.jwks())
        )

    def userinfo(self, request: Request, realm: str) -> Response:
        """GET or POST ``/realms/{realm}/protocol/openid-connect/userinfo``: who the bearer is."""
        return self._serve(request, realm, ("GET", "HEAD", "POST"), self._tokens.userinfo)

    def logout(self, request: Request, realm: str) -> Response:
        """POST ``/realms/{realm}/protocol/openid-connect/logout`` with ``client_id`` and
        ``refresh_token``: ends the session; its tokens are refused from then on. 204.

        GET is the browser's RP-initiated logout: ``id_token_hint`` ends that token's
        session, then ``post_logout_redirect_uri`` (with ``state``) is redirected to, or a
        page says the user is logged out.
        """
        methods = ("GET", "HEAD", "POST")
        if request.method in ("GET", "HEAD"):
            return self._serve(request, realm, methods, self._browser.logout)
        return self._serve(request, realm, methods, self._tokens.logout, form=True)

    def authorize(self, request: Request, realm: str) -> Response:
        """GET ``/realms/{realm}/protocol/openid-connect/auth``: the authorization-code flow's
        login page (``response_type=code``, optionally PKCE's ``code_challenge``). Posting
        the page's form with the right password redirects to ``redirect_uri`` with ``code``,
        ``state``, ``session_state`` and ``iss``."""
        methods = ("GET", "HEAD", "POST")
        form = request.method == "POST"
        return self._serve(request, realm, methods, self._browser.authorize, form=form)

    def revoke(self, request: Request, realm: str) -> Response:
        """POST ``/realms/{realm}/protocol/openid-connect/revoke`` (RFC 7009, ``token``):
        a refresh or offline token ends its session; an access token alone is refused
        from then on. 200, also for a token that is not valid (as the RFC says)."""
        return self._serve(request, realm, ("POST",), self._tokens.revoke, form=True)

    def introspect(self, request: Request, realm: str) -> Response:
        """POST ``/realms/{realm}/protocol/openid-connect/token/introspect`` (confidential
        client auth, ``token``): ``{"active": false}`` or the token's claims and active."""
        return self._serve(request, realm, ("POST",), self._tokens.introspect, form=True)

    # ----------------------------------------------------------- request plumbing

    def _serve(
        self,
        request: Request,
        realm: str,
        methods: tuple[str, ...],
        handler: Callable[[Request], Response],
        *,
        form: bool = False,
    ) -> Response:
        """Run ``handler`` once the realm, method and content type are right; OAuth errors
        become Keycloak's JSON error answers."""
        if realm != self.realm:
            return json_response({"error": "Realm does not exist"}, 404)
        if request.method not in methods:
            allowed = ", ".join(m for m in methods if m != "HEAD")
            return OAuthError(
                405,
                "invalid_request",
                f"HTTP method {request.method} is not allowed here; use {allowed}",
            ).response({"Allow": ", ".join(methods)})
        if form and request.mimetype != FORM_CONTENT_TYPE:
            return OAuthError(
                415,
                "invalid_request",
                f"Content-Type must be {FORM_CONTENT_TYPE}, not {request.mimetype or 'none'}",
            ).response()
        try:
            return handler(request)
        except OAuthError as error:
            logger.debug("%s %s answered %s", request.method, request.path, error)
            return error.response()


# ------------------------------------------------------------ published documents


def realm_info(realm: str, issuer: str, keys: KeyRing) -> dict[str, Any]:
    """``GET /realms/{realm}``: the signing key (base64 DER) and the service URLs."""
    der = keys.signing_key().public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return {
        "realm": realm,
        "public_key": base64.b64encode(der).decode("ascii"),
        "token-service": f"{issuer}/protocol/openid-connect",
        "account-service": f"{issuer}/account",
        "tokens-not-before": 0,
    }


def openid_configuration(issuer: str) -> dict[str, Any]:
    """The discovery document of the realm whose tokens name ``issuer``."""
    endpoints = f"{issuer}/protocol/openid-connect"
    client_auth = ["client_secret_basic", "client_secret_post"]
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{endpoints}/auth",
        "token_endpoint": f"{endpoints}/token",
        "introspection_endpoint": f"{endpoints}/token/introspect",
        "userinfo_endpoint": f"{endpoints}/userinfo",
        "end_session_endpoint": f"{endpoints}/logout",
        "revocation_endpoint": f"{endpoints}/revoke",
        "jwks_uri": f"{endpoints}/certs",
        "grant_types_supported": [
            "authorization_code",
            "password",
            "refresh_token",
            "client_credentials",
        ],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "code_challenge_methods_supported": ["plain", "S256"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "userinfo_signing_alg_values_supported": ["none"],
        "token_endpoint_auth_methods_supported": [*client_auth, "none"],
        "introspection_endpoint_auth_methods_supported": client_auth,
        "revocation_endpoint_auth_methods_supported": [*client_auth, "none"],
        "scopes_supported": list(SCOPE_ORDER),
        "claims_supported": [
            "aud",
            "sub",
            "iss",
            "auth_time",
            "name",
            "given_name",
            "family_name",
            "preferred_username",
            "email",
            "email_verified",
            "acr",
        ],
        "claim_types_supported": ["normal"],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "backchannel_logout_supported": False,
    }
