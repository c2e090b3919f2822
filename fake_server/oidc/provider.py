"""The fake server's identity provider: one realm's OpenID Connect endpoints and the API's
bearer check, as Keycloak answers them, each handed to the part of the realm that does it.

Each endpoint method takes the werkzeug request and the ``{realm}`` of its URL and returns
the response; the fake server's URL map mounts them on Keycloak's paths::

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
content type) and hands the request on: to :mod:`~fake_server.oidc.grants` (the token
endpoint), :mod:`~fake_server.oidc.browser` (login page, browser logout),
:mod:`~fake_server.oidc.held_tokens` (userinfo, logout, revocation, introspection) or
:mod:`~fake_server.oidc.discovery`; the API's bearer check is :mod:`~fake_server.oidc.bearer`'s.

Users, clients, sign-in sessions and revoked tokens live in a
:class:`~fake_server.oidc.realm.RealmState`: the fake server passes its store, so every
worker process of one server, and the same server after a restart, shares them.

Tokens name the server they came from: ``iss`` is the request's own base URL plus
``/realms/{realm}``, as Keycloak derives its frontend URL, so the API (served on the same
host and port) accepts exactly the tokens issued to the URL it is reached by.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Generic, Self, TypeVar, overload

from werkzeug.wrappers import Request, Response

from fake_server.oidc import discovery
from fake_server.oidc.accounts import Account
from fake_server.oidc.bearer import MISSING_BEARER, BearerCheck, bearer_token
from fake_server.oidc.browser import BrowserFlow
from fake_server.oidc.directory import RealmDirectory
from fake_server.oidc.endpoint_requests import FORM_CONTENT_TYPE, Issuers
from fake_server.oidc.errors import OAuthError, TokenRejected, json_response
from fake_server.oidc.grants import TokenGrants
from fake_server.oidc.held_tokens import HeldTokenEndpoints
from fake_server.oidc.keys import KeyRing
from fake_server.oidc.minting import TokenMinter
from fake_server.oidc.realm import (
    CONFIGURED,
    Client,
    MemoryRealmState,
    RealmSettings,
    RealmState,
)
from fake_server.oidc.realm_setup import RealmSetup
from fake_server.oidc.refresh_tokens import RefreshTokenReader
from fake_server.oidc.sessions import Sessions
from fake_server.oidc.tokens import DEFAULT_CACHE_SIZE, VerifiedTokenCache
from spacestudio_contract.endpoints import DEFAULT_REALM

logger = logging.getLogger(__name__)

# Keycloak's default "SSO Session Max": a session ends this long after its login.
DEFAULT_SESSION_MAX_LIFETIME = 36_000

_Value = TypeVar("_Value")


class _Setup(Generic[_Value]):
    """A provider attribute kept in the :class:`RealmSetup` its parts share: changing it
    on the provider (as tests do) changes it for all of them."""

    def __set_name__(self, owner: type[IdentityProvider], name: str) -> None:
        self._name = name

    @overload
    def __get__(self, provider: None, owner: type[IdentityProvider]) -> Self: ...

    @overload
    def __get__(self, provider: IdentityProvider, owner: type[IdentityProvider]) -> _Value: ...

    def __get__(
        self, provider: IdentityProvider | None, owner: type[IdentityProvider]
    ) -> Self | _Value:
        if provider is None:
            return self
        value: _Value = getattr(provider._setup, self._name)
        return value

    def __set__(self, provider: IdentityProvider, value: _Value) -> None:
        setattr(provider._setup, self._name, value)


class IdentityProvider:
    """One Keycloak realm: accounts, clients, sessions and signing keys.

    ``client_ids`` are public clients (no secret, as the scripting client is);
    ``confidential_clients`` maps client ids to secrets and may also use the
    ``client_credentials`` grant and token introspection; ``clients`` are clients with
    every setting spelt out. They and ``accounts`` are put in ``state`` (a fresh
    in-memory realm by default), which may already hold more. ``refresh_token_lifetime`` is
    also the session idle timeout, as Keycloak's "SSO Session Idle". ``settings`` carries
    the other realm settings (refresh token reuse, offline sessions). ``clock`` gives the
    current time in seconds since the epoch; tests pass a fake one.

    The bearer check remembers the ``verified_token_cache_size`` most recently used access
    tokens whose signature it verified (0 remembers none), so a client reusing its token
    pays the parsing and RSA verification once; the key, times, session and account are
    still checked on every request.
    """

    realm = _Setup[str]()
    keys = _Setup[KeyRing]()
    access_token_lifetime = _Setup[int]()
    refresh_token_lifetime = _Setup[int]()
    session_max_lifetime = _Setup[int]()
    offline_session_idle_timeout = _Setup[int]()
    revoke_refresh_token = _Setup[bool]()
    refresh_token_max_reuse = _Setup[int]()

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
        settings = settings or RealmSettings()
        self._setup = RealmSetup(
            realm=realm,
            keys=keys if keys is not None else KeyRing.generate(),
            clock=clock,
            access_token_lifetime=access_token_lifetime,
            refresh_token_lifetime=refresh_token_lifetime,
            session_max_lifetime=session_max_lifetime,
            offline_session_idle_timeout=settings.offline_session_idle_timeout,
            revoke_refresh_token=settings.revoke_refresh_token,
            refresh_token_max_reuse=settings.refresh_token_max_reuse,
        )
        self.state = state if state is not None else MemoryRealmState()
        self._directory = RealmDirectory(
            self.state, accounts, client_ids, confidential_clients or {}, clients
        )
        setup = self._setup
        self._issuers = Issuers(setup)
        sessions = Sessions(self.state, setup)
        refresh_tokens = RefreshTokenReader(setup, self._issuers)
        minter = TokenMinter(setup, self._issuers, sessions)
        self._bearer = BearerCheck(
            setup,
            self._issuers,
            self._directory,
            sessions,
            self.state,
            VerifiedTokenCache(verified_token_cache_size),
        )
        self._grants = TokenGrants(setup, self._directory, sessions, minter, refresh_tokens)
        self._browser = BrowserFlow(setup, self._issuers, self._directory, sessions, minter)
        self._held_tokens = HeldTokenEndpoints(
            setup, self._directory, sessions, self.state, self._bearer, refresh_tokens
        )

    # ---------------------------------------------------------------- accounts

    @property
    def accounts(self) -> Sequence[Account]:
        """The realm's accounts."""
        return self._directory.accounts

    def account_by_id(self, user_id: str) -> Account | None:
        """The account whose :attr:`Account.user_id` is ``user_id``, None when unknown."""
        return self._directory.account_by_id(user_id)

    def account_by_username(self, username: str) -> Account | None:
        """The account logging in as ``username`` (its username or e-mail, any case)."""
        return self._directory.account_by_username(username)

    def update_account(self, account: Account, origin: str = CONFIGURED) -> None:
        """Add ``account``, or replace the account with its login (e.g. to disable it).

        A disabled account's live tokens are refused from the next request on.
        """
        self._directory.update_account(account, origin)

    def restore_configured_realm(self) -> None:
        """Drop the users and clients added at run time; restore the configured ones."""
        self._directory.restore_configured()

    # --------------------------------------------------------------- endpoints

    def realm_info(self, request: Request, realm: str) -> Response:
        """GET ``/realms/{realm}``: the realm's public key (base64 DER) and service URLs."""
        return self._serve(
            request,
            realm,
            ("GET", "HEAD"),
            lambda r: json_response(discovery.realm_info(self.realm, self.issuer(r), self.keys)),
        )

    def openid_configuration(self, request: Request, realm: str) -> Response:
        """GET ``/realms/{realm}/.well-known/openid-configuration``: the discovery document."""
        return self._serve(
            request,
            realm,
            ("GET", "HEAD"),
            lambda r: json_response(discovery.openid_configuration(self.issuer(r))),
        )

    def token(self, request: Request, realm: str) -> Response:
        """POST ``/realms/{realm}/protocol/openid-connect/token``: Keycloak's token endpoint."""
        return self._serve(request, realm, ("POST",), self._grants.token, form=True)

    def certs(self, request: Request, realm: str) -> Response:
        """GET ``/realms/{realm}/protocol/openid-connect/certs``: the realm's JWKS."""
        return self._serve(
            request, realm, ("GET", "HEAD"), lambda _: json_response(self.keys.jwks())
        )

    def userinfo(self, request: Request, realm: str) -> Response:
        """GET or POST ``/realms/{realm}/protocol/openid-connect/userinfo``: who the bearer is."""
        return self._serve(request, realm, ("GET", "HEAD", "POST"), self._held_tokens.userinfo)

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
        return self._serve(request, realm, methods, self._held_tokens.logout, form=True)

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
        return self._serve(request, realm, ("POST",), self._held_tokens.revoke, form=True)

    def introspect(self, request: Request, realm: str) -> Response:
        """POST ``/realms/{realm}/protocol/openid-connect/token/introspect`` (confidential
        client auth, ``token``): ``{"active": false}`` or the token's claims and active."""
        return self._serve(request, realm, ("POST",), self._held_tokens.introspect, form=True)

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
        claims = self._bearer.verify(request, token)
        subject = self._bearer.live_subject(claims)
        if subject.account is None:
            raise TokenRejected(
                "Service account tokens cannot call this API; log in with a user account"
            )
        return subject.account

    def issuer(self, request: Request) -> str:
        """The ``iss`` of tokens issued through ``request``'s base URL."""
        return self._issuers.of(request)

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
