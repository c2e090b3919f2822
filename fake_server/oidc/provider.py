"""The realm's OpenID Connect endpoints and the API's bearer check, as Keycloak answers them.

Each endpoint method takes the werkzeug request and the ``{realm}`` of its URL and returns
the response; the fake server's URL map mounts them on Keycloak's paths::

    GET  /realms/{realm}                                     realm_info
    GET  /realms/{realm}/.well-known/openid-configuration   openid_configuration
    POST /realms/{realm}/protocol/openid-connect/token      token
    GET  /realms/{realm}/protocol/openid-connect/certs      certs
    GET  /realms/{realm}/protocol/openid-connect/userinfo   userinfo (POST too)
    POST /realms/{realm}/protocol/openid-connect/logout     logout (GET too)
    POST /realms/{realm}/protocol/openid-connect/revoke     revoke
    POST /realms/{realm}/protocol/openid-connect/token/introspect   introspect

Users, clients, sign-in sessions and revoked tokens live in a
:class:`~fake_server.oidc.realm.RealmState`: the fake server passes its store, so every
worker process of one server, and the same server after a restart, shares them.

Tokens name the server they came from: ``iss`` is the request's own base URL plus
``/realms/{realm}``, as Keycloak derives its frontend URL, so the API (served on the same
host and port) accepts exactly the tokens issued to the URL it is reached by.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import html
import logging
import re
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus, urlencode

import jwt
from cryptography.hazmat.primitives import serialization
from werkzeug.wrappers import Request, Response

from fake_server.oidc import passwords
from fake_server.oidc.accounts import Account
from fake_server.oidc.errors import OAuthError, SessionNotActive, TokenRejected, json_response
from fake_server.oidc.keys import KeyRing, SigningKey
from fake_server.oidc.realm import (
    CONFIGURED,
    Client,
    MemoryRealmState,
    RealmSettings,
    RealmState,
    SessionRecord,
    seed_realm,
)
from fake_server.oidc.tokens import (
    DEFAULT_CACHE_SIZE,
    VerifiedToken,
    VerifiedTokenCache,
    read_header,
)

logger = logging.getLogger(__name__)

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# Clock skew allowed on the exp and iat of bearer tokens, in seconds.
BEARER_LEEWAY = 2
# Keycloak's default "SSO Session Max": a session ends this long after its login.
DEFAULT_SESSION_MAX_LIFETIME = 36_000
# No token this provider issues comes near this size; longer ones are refused unparsed.
MAX_TOKEN_LENGTH = 16_384
# Base URLs (scheme and host) whose issuer is remembered; a server is reached by a few.
MAX_REMEMBERED_ISSUERS = 64

# Scopes every token of the realm carries (Keycloak's default client scopes that show in
# the token's "scope"), scopes a client may add, and default scopes Keycloak accepts in a
# request without naming them in the token.
DEFAULT_SCOPES = ("email", "profile")
OFFLINE_SCOPE = "offline_access"
OPTIONAL_SCOPES = ("openid", "address", "phone", OFFLINE_SCOPE)
SILENT_SCOPES = frozenset({"acr", "basic", "roles", "web-origins"})
_SCOPE_ORDER = ("openid", *DEFAULT_SCOPES, *OPTIONAL_SCOPES[1:])

# Roles Keycloak grants every user through the realm's default role.
ACCOUNT_CLIENT_ROLES = ["manage-account", "manage-account-links", "view-profile"]
SCRIPTING_ROLE = "scripting"

INVALID_CLIENT = "Invalid client or Invalid client credentials"
INVALID_REFRESH_TOKEN = "Invalid refresh token"
# How long an authorization code may wait to be exchanged (Keycloak's default login
# timeout for codes: one minute).
AUTHORIZATION_CODE_LIFETIME = 60
# RFC 7636 §4.1-4.2: verifiers and challenges are 43 to 128 unreserved characters.
_PKCE_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")
_PKCE_CHALLENGE = _PKCE_VERIFIER
# Keycloak's userinfo answers: any token problem, and a token whose session is gone.
TOKEN_VERIFICATION_FAILED = "Token verification failed"
USER_SESSION_NOT_FOUND = "User session not found or doesn't have client attached on it"
MISSING_BEARER = "Missing bearer token: send the header 'Authorization: Bearer <access token>'"


def _now_int(clock: Callable[[], float]) -> int:
    return int(clock())


@dataclass(frozen=True)
class _Subject:
    """Whom a token speaks for: a user account or a confidential client's service account."""

    sub: str
    preferred_username: str
    roles: tuple[str, ...]
    account: Account | None = None

    def profile_claims(self) -> dict[str, Any]:
        """The identity claims Keycloak puts in tokens and the userinfo answer."""
        if self.account is None:
            return {"email_verified": False, "preferred_username": self.preferred_username}
        account = self.account
        claims: dict[str, Any] = {"email_verified": True}
        name = f"{account.first_name} {account.last_name}".strip()
        if name:
            claims["name"] = name
        claims["preferred_username"] = self.preferred_username
        if account.first_name:
            claims["given_name"] = account.first_name
        if account.last_name:
            claims["family_name"] = account.last_name
        claims["email"] = account.email.lower()
        return claims


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

    def __init__(
        self,
        accounts: Sequence[Account],
        client_ids: Sequence[str],
        *,
        realm: str = "spacestudio-users",
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
        self.realm = realm
        self.keys = keys if keys is not None else KeyRing.generate()
        self.access_token_lifetime = access_token_lifetime
        self.refresh_token_lifetime = refresh_token_lifetime
        self.session_max_lifetime = session_max_lifetime
        settings = settings or RealmSettings()
        self.offline_session_idle_timeout = settings.offline_session_idle_timeout
        self.revoke_refresh_token = settings.revoke_refresh_token
        self.refresh_token_max_reuse = settings.refresh_token_max_reuse
        self._clock = clock
        all_clients = self._build_clients(client_ids, confidential_clients or {})
        for client in clients:
            if client.client_id in all_clients:
                raise ValueError(f"client {client.client_id!r} is configured twice")
            all_clients[client.client_id] = client
        logins: set[str] = set()
        for account in accounts:
            if account.login in logins or account.email_key in logins:
                raise ValueError(f"two accounts share the e-mail or username {account.login!r}")
            logins.update({account.login, account.email_key} - {""})
        self.state = state if state is not None else MemoryRealmState()
        self._configured_accounts = tuple(accounts)
        self._configured_clients = tuple(all_clients.values())
        seed_realm(self.state, self._configured_accounts, self._configured_clients)
        self._last_prune = _now_int(clock)
        self._verified_tokens = VerifiedTokenCache(verified_token_cache_size)
        self._issuers: dict[tuple[str, str], str] = {}

    @staticmethod
    def _build_clients(
        public_ids: Sequence[str], confidential: Mapping[str, str]
    ) -> dict[str, Client]:
        if isinstance(public_ids, str):
            raise TypeError("client_ids must be a sequence of client ids, not one string")
        clients: dict[str, Client] = {}
        for client_id in public_ids:
            if not client_id:
                raise ValueError("client ids must be non-empty")
            clients[client_id] = Client(client_id, None)
        for client_id, secret in confidential.items():
            if not client_id or not secret:
                raise ValueError(f"confidential client {client_id!r} needs an id and a secret")
            if client_id in clients:
                raise ValueError(f"client {client_id!r} cannot be both public and confidential")
            clients[client_id] = Client(client_id, secret)
        return clients

    # ---------------------------------------------------------------- accounts

    @property
    def accounts(self) -> Sequence[Account]:
        """The realm's accounts."""
        return tuple(entry.account for entry in self.state.users())

    def account_by_id(self, user_id: str) -> Account | None:
        """The account whose :attr:`Account.user_id` is ``user_id``, None when unknown."""
        return self.state.user_by_id(user_id)

    def account_by_username(self, username: str) -> Account | None:
        """The account logging in as ``username`` (its username or e-mail, any case)."""
        return self.state.user_by_login(username)

    def update_account(self, account: Account, origin: str = CONFIGURED) -> None:
        """Add ``account``, or replace the account with its login (e.g. to disable it).

        A disabled account's live tokens are refused from the next request on.
        """
        self.state.put_user(account, origin)

    def restore_configured_realm(self) -> None:
        """Drop the users and clients added at run time; restore the configured ones."""
        self.state.forget_run_time_entries()
        seed_realm(self.state, self._configured_accounts, self._configured_clients)

    def _client(self, client_id: str) -> Client | None:
        client = self.state.client(client_id)
        return client if client is not None and client.enabled else None

    # --------------------------------------------------------------- endpoints

    def realm_info(self, request: Request, realm: str) -> Response:
        """GET ``/realms/{realm}``: the realm's public key (base64 DER) and service URLs."""
        return self._serve(request, realm, ("GET", "HEAD"), self._realm_info)

    def openid_configuration(self, request: Request, realm: str) -> Response:
        """GET ``/realms/{realm}/.well-known/openid-configuration``: the discovery document."""
        return self._serve(request, realm, ("GET", "HEAD"), self._openid_configuration)

    def token(self, request: Request, realm: str) -> Response:
        """POST ``/realms/{realm}/protocol/openid-connect/token``: Keycloak's token endpoint."""
        return self._serve(request, realm, ("POST",), self._token, form=True)

    def certs(self, request: Request, realm: str) -> Response:
        """GET ``/realms/{realm}/protocol/openid-connect/certs``: the realm's JWKS."""
        return self._serve(
            request, realm, ("GET", "HEAD"), lambda _: json_response(self.keys.jwks())
        )

    def userinfo(self, request: Request, realm: str) -> Response:
        """GET or POST ``/realms/{realm}/protocol/openid-connect/userinfo``: who the bearer is."""
        return self._serve(request, realm, ("GET", "HEAD", "POST"), self._userinfo)

    def logout(self, request: Request, realm: str) -> Response:
        """POST ``/realms/{realm}/protocol/openid-connect/logout`` with ``client_id`` and
        ``refresh_token``: ends the session; its tokens are refused from then on. 204.

        GET is the browser's RP-initiated logout: ``id_token_hint`` ends that token's
        session, then ``post_logout_redirect_uri`` (with ``state``) is redirected to, or a
        page says the user is logged out.
        """
        methods = ("GET", "HEAD", "POST")
        if request.method in ("GET", "HEAD"):
            return self._serve(request, realm, methods, self._browser_logout)
        return self._serve(request, realm, methods, self._logout, form=True)

    def authorize(self, request: Request, realm: str) -> Response:
        """GET ``/realms/{realm}/protocol/openid-connect/auth``: the authorization-code flow's
        login page (``response_type=code``, optionally PKCE's ``code_challenge``). Posting
        the page's form with the right password redirects to ``redirect_uri`` with ``code``,
        ``state``, ``session_state`` and ``iss``."""
        methods = ("GET", "HEAD", "POST")
        return self._serve(request, realm, methods, self._authorize, form=request.method == "POST")

    def revoke(self, request: Request, realm: str) -> Response:
        """POST ``/realms/{realm}/protocol/openid-connect/revoke`` (RFC 7009, ``token``):
        a refresh or offline token ends its session; an access token alone is refused
        from then on. 200, also for a token that is not valid (as the RFC says)."""
        return self._serve(request, realm, ("POST",), self._revoke, form=True)

    def introspect(self, request: Request, realm: str) -> Response:
        """POST ``/realms/{realm}/protocol/openid-connect/token/introspect`` (confidential
        client auth, ``token``): ``{"active": false}`` or the token's claims and active."""
        return self._serve(request, realm, ("POST",), self._introspect, form=True)

    def authenticate(self, request: Request) -> Account:
        """The account whose access token authorises ``request``.

        Strict: requires ``Authorization: Bearer <jwt>`` holding an RS256 access token of
        this realm, signed by an active key, issued for the URL the request reached, not
        expired, of a live session and an enabled account. Raises :class:`TokenRejected`
        saying what was wrong otherwise.
        """
        token = self._bearer_token(request)
        if token is None:
            raise TokenRejected(MISSING_BEARER, error=None)
        claims = self._verify_access_token(request, token)
        subject = self._check_live_subject(claims)
        if subject.account is None:
            raise TokenRejected(
                "Service account tokens cannot call this API; log in with a user account"
            )
        return subject.account

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

    @staticmethod
    def _form(request: Request) -> dict[str, str]:
        """The form parameters; a parameter given twice is refused, as Keycloak does."""
        params: dict[str, str] = {}
        for name, values in request.form.lists():
            if len(values) > 1:
                raise OAuthError(400, "invalid_request", f"duplicated parameter: {name}")
            params[name] = values[0]
        return params

    def issuer(self, request: Request) -> str:
        """The ``iss`` of tokens issued through ``request``'s base URL."""
        # Werkzeug decodes the host URL anew for each request (about 10 µs of each check);
        # it depends on the scheme and host only, so remember the few a server is reached by.
        reached_at = (request.scheme, request.host)
        issuer = self._issuers.get(reached_at)
        if issuer is None:
            issuer = f"{request.host_url.rstrip('/')}/realms/{self.realm}"
            if len(self._issuers) >= MAX_REMEMBERED_ISSUERS:
                self._issuers.clear()  # Host headers are the client's to choose
            self._issuers[reached_at] = issuer
        return issuer

    def _authenticate_client(self, request: Request, form: Mapping[str, str]) -> Client:
        """The client calling: ``client_id`` (+ ``client_secret``) in the form or HTTP Basic."""
        client_id = form.get("client_id")
        secret = form.get("client_secret")
        basic = request.authorization
        if basic is not None and basic.type == "basic":
            # RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64.
            basic_id = unquote_plus(basic.username or "")
            if client_id is not None and client_id != basic_id:
                raise OAuthError(
                    400,
                    "invalid_request",
                    "client_id in the form differs from the one in HTTP Basic authentication",
                )
            client_id, secret = basic_id, unquote_plus(basic.password or "")
        if not client_id:
            raise OAuthError(400, "invalid_client", "Missing client_id parameter")
        client = self._client(client_id)
        if client is None:
            raise OAuthError(401, "invalid_client", INVALID_CLIENT)
        if client.secret is not None:
            if not secret:
                raise OAuthError(
                    401, "unauthorized_client", "Client secret not provided in request"
                )
            if not hmac.compare_digest(secret.encode(), client.secret.encode()):
                raise OAuthError(401, "unauthorized_client", INVALID_CLIENT)
        return client

    # -------------------------------------------------------------- discovery

    def _realm_info(self, request: Request) -> Response:
        issuer = self.issuer(request)
        der = self.keys.signing_key().public_key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return json_response(
            {
                "realm": self.realm,
                "public_key": base64.b64encode(der).decode("ascii"),
                "token-service": f"{issuer}/protocol/openid-connect",
                "account-service": f"{issuer}/account",
                "tokens-not-before": 0,
            }
        )

    def _openid_configuration(self, request: Request) -> Response:
        issuer = self.issuer(request)
        endpoints = f"{issuer}/protocol/openid-connect"
        client_auth = ["client_secret_basic", "client_secret_post"]
        document = {
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
            "scopes_supported": list(_SCOPE_ORDER),
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
        return json_response(document)

    # ------------------------------------------------------------------ token

    def _token(self, request: Request) -> Response:
        form = self._form(request)
        grant_type = form.get("grant_type")
        if not grant_type:
            raise OAuthError(400, "invalid_request", "Missing form parameter: grant_type")
        grants: dict[str, Callable[[Request, dict[str, str], Client], Response]] = {
            "password": self._password_grant,
            "refresh_token": self._refresh_grant,
            "client_credentials": self._client_credentials_grant,
            "authorization_code": self._authorization_code_grant,
        }
        grant = grants.get(grant_type)
        if grant is None:
            raise OAuthError(400, "unsupported_grant_type", "Unsupported grant_type")
        client = self._authenticate_client(request, form)
        return grant(request, form, client)

    def _check_credentials(self, username: str | None, password: str) -> Account:
        """The enabled account ``username`` logs in as with ``password``; OAuthError else."""
        if not username:
            raise OAuthError(401, "invalid_request", "Missing parameter: username")
        account = self.account_by_username(username)
        given = password.encode()
        if account is not None and account.password_hash:
            matches = bool(password) and passwords.verify(password, account.password_hash)
        else:
            # Compare against something even for an unknown user, so timing tells nothing.
            expected = account.password.encode() if account else b"\0" * max(len(given), 1)
            matches = hmac.compare_digest(given, expected) and bool(account and account.password)
        if account is None or not matches:
            logger.info("login refused for %r: invalid user credentials", username)
            raise OAuthError(401, "invalid_grant", "Invalid user credentials")
        if not account.enabled:
            raise OAuthError(400, "invalid_grant", "Account disabled")
        return account

    def _open_session(self, account: Account, client: Client, offline: bool) -> SessionRecord:
        now = _now_int(self._clock)
        session = SessionRecord(
            sid=str(uuid.uuid4()),
            user_id=account.user_id,
            client_id=client.client_id,
            auth_time=now,
            last_refresh=now,
            refresh_jti=None,
            offline=offline,
        )
        self._prune_sessions(now)
        self.state.update_session(session.sid, lambda _: session)
        logger.info(
            "%s logged in with client %s (%ssession %s)",
            account.login,
            client.client_id,
            "offline " if session.offline else "",
            session.sid,
        )
        return session

    def _password_grant(self, request: Request, form: dict[str, str], client: Client) -> Response:
        account = self._check_credentials(form.get("username"), form.get("password", ""))
        if not client.direct_access_grants:
            raise OAuthError(
                400, "unauthorized_client", "Client not allowed for direct access grants"
            )
        scopes = self._requested_scopes(form.get("scope"))
        session = self._open_session(account, client, OFFLINE_SCOPE in scopes)
        return self._token_response(
            request, self._user_subject(account), client, scopes, session, str(uuid.uuid4())
        )

    def _authorization_code_grant(
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
            verifier = form.get("code_verifier")
            if not verifier:
                raise OAuthError(400, "invalid_grant", "PKCE code verifier not specified")
            if not _PKCE_VERIFIER.fullmatch(verifier):
                raise OAuthError(400, "invalid_grant", "PKCE invalid code verifier")
            method = claims.get("code_challenge_method", "plain")
            computed = verifier if method == "plain" else _s256(verifier)
            if not hmac.compare_digest(computed.encode(), str(challenge).encode()):
                raise OAuthError(400, "invalid_grant", "PKCE verification failed: Code mismatch")
        account = self.account_by_id(claims["sub"])
        if account is None or not account.enabled:
            raise OAuthError(400, "invalid_grant", "User disabled")
        now = _now_int(self._clock)

        def redeem(current: SessionRecord | None) -> SessionRecord:
            # A code is good once; Keycloak refuses it again (and so does this).
            if current is None or current.code_used or not self._session_active(current, now):
                raise OAuthError(400, "invalid_grant", "Code not valid")
            return dataclasses.replace(current, code_used=True)

        session = self.state.update_session(str(claims["sid"]), redeem)
        assert session is not None  # redeem() stores a record or raises
        scopes = tuple(str(claims.get("scope", "")).split())
        return self._token_response(
            request,
            self._user_subject(account),
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
            claims = self._decode_refresh_token(request, code, token_type="Code")
        except OAuthError:
            raise invalid from None
        if claims["exp"] <= self._clock():
            raise invalid
        return claims

    def _refresh_grant(self, request: Request, form: dict[str, str], client: Client) -> Response:
        token = form.get("refresh_token")
        if not token:
            raise OAuthError(400, "invalid_request", "No refresh token")
        claims = self._decode_refresh_token(request, token)
        now = _now_int(self._clock)
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
        scopes = self._requested_scopes(requested, granted=granted) if requested else granted
        account = self.account_by_id(claims["sub"])
        if account is None:
            raise OAuthError(400, "invalid_grant", "User not found")
        if not account.enabled:
            raise OAuthError(400, "invalid_grant", "Account disabled")

        def refresh(current: SessionRecord | None) -> SessionRecord:
            session = current or self._resumed_session(claims)
            if (
                session is None
                or not self._matches_session(session, claims)
                or not self._session_active(session, now)
            ):
                raise OAuthError(400, "invalid_grant", "Session not active")
            jti = str(claims["jti"])
            uses = session.refresh_uses
            if self.revoke_refresh_token:
                # Keycloak's "Revoke Refresh Token": a token older than the session's last
                # refresh is stale; the newest may be used max-reuse + 1 times.
                if (
                    session.refresh_jti not in (None, jti)
                    and int(claims["iat"]) < session.last_refresh
                ):
                    raise OAuthError(400, "invalid_grant", "Stale token")
                if session.refresh_jti != jti:
                    uses = 0
                if uses > self.refresh_token_max_reuse:
                    raise OAuthError(
                        400, "invalid_grant", "Maximum allowed refresh token reuse exceeded"
                    )
            return dataclasses.replace(
                session, refresh_jti=jti, refresh_uses=uses + 1, last_refresh=now
            )

        session = self.state.update_session(str(claims["sid"]), refresh)
        assert session is not None  # refresh() stores a record or raises
        return self._token_response(
            request,
            self._user_subject(account),
            client,
            scopes,
            session,
            str(uuid.uuid4()),
            refresh_scopes=granted,
        )

    def _client_credentials_grant(
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
        scopes = self._requested_scopes(form.get("scope"))
        subject = self._service_subject(client.client_id)
        return self._token_response(request, subject, client, scopes, None, None)

    @staticmethod
    def _requested_scopes(
        requested: str | None, *, granted: Sequence[str] = _SCOPE_ORDER
    ) -> tuple[str, ...]:
        """The token scopes for a request's ``scope``: the default scopes plus the extras
        asked for, all of which must be among ``granted`` (a refresh may only narrow)."""
        names = (requested or "").split()
        if any(name not in granted and name not in SILENT_SCOPES for name in names):
            raise OAuthError(400, "invalid_scope", f"Invalid scopes: {requested}")
        wanted = set(names) | set(DEFAULT_SCOPES)
        return tuple(name for name in _SCOPE_ORDER if name in wanted)

    # ---------------------------------------------------------- token issuing

    def _user_subject(self, account: Account) -> _Subject:
        roles = [f"default-roles-{self.realm}", "offline_access", "uma_authorization"]
        if account.scripting:
            roles.append(SCRIPTING_ROLE)
        return _Subject(account.user_id, account.login, tuple(roles), account)

    def _service_subject(self, client_id: str) -> _Subject:
        sub = str(uuid.uuid5(uuid.NAMESPACE_URL, f"spacestudio-fake-service-account:{client_id}"))
        roles = (f"default-roles-{self.realm}", "offline_access", "uma_authorization")
        return _Subject(sub, f"service-account-{client_id}".lower(), roles)

    def _token_response(
        self,
        request: Request,
        subject: _Subject,
        client: Client,
        scopes: tuple[str, ...],
        session: SessionRecord | None,
        refresh_jti: str | None,
        *,
        refresh_scopes: tuple[str, ...] | None = None,
        nonce: Any = None,
    ) -> Response:
        """Sign the tokens of a successful grant and answer with Keycloak's token JSON."""
        issuer = self.issuer(request)
        now = _now_int(self._clock)
        scope = " ".join(scopes)
        common: dict[str, Any] = {"iat": now}
        expires = now + self.access_token_lifetime
        if session is not None:
            session_end = self._session_end(session)
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
        signing_key = self.keys.signing_key()
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
                refresh_expires = min(now + self.refresh_token_lifetime, self._session_end(session))
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

    # ---------------------------------------------------------------- sessions

    def _session_end(self, session: SessionRecord) -> int:
        """When the session times out if nothing refreshes it."""
        if session.offline:
            return session.last_refresh + self.offline_session_idle_timeout
        return min(
            session.last_refresh + self.refresh_token_lifetime,
            session.auth_time + self.session_max_lifetime,
        )

    def _session_active(self, session: SessionRecord, now: float, leeway: int = 0) -> bool:
        return not session.ended and now - leeway < self._session_end(session)

    @staticmethod
    def _matches_session(session: SessionRecord, claims: Mapping[str, Any]) -> bool:
        return session.user_id == claims["sub"] and session.client_id == claims.get("azp")

    def _resumed_session(self, claims: Mapping[str, Any]) -> SessionRecord | None:
        """The session of a verified token that the realm does not know, rebuilt from it.

        Only a realm kept in memory resumes sessions: its server restarted with the same
        signing keys and forgot them. A realm in a state file knows every live session, so
        an unknown one has ended (and been pruned) or never existed: None.
        """
        sid = claims.get("sid")
        if self.state.persistent or not isinstance(sid, str) or not sid:
            return None
        issued = int(claims["iat"])
        auth_time = claims.get("auth_time")
        logger.info("resumed session %s of user %s", sid, claims["sub"])
        return SessionRecord(
            sid=sid,
            user_id=str(claims["sub"]),
            client_id=str(claims.get("azp")),
            auth_time=int(auth_time) if isinstance(auth_time, int) else issued,
            last_refresh=issued,
            refresh_jti=None,
            offline=claims.get("typ") == "Offline",
        )

    def _session_of(
        self, claims: Mapping[str, Any], stored: SessionRecord | bool | None = True
    ) -> SessionRecord | None:
        """The session a verified token belongs to; None when there is none or the token
        does not match it. ``stored``: the record already read, when it was."""
        sid = claims.get("sid")
        if not isinstance(sid, str) or not sid:
            return None
        session = self.state.session(sid) if isinstance(stored, bool) else stored
        if session is None:
            resumed = self._resumed_session(claims)
            if resumed is None:
                return None
            session = self.state.update_session(sid, lambda current: current or resumed)
            assert session is not None
        return session if self._matches_session(session, claims) else None

    def _end_session(self, claims: Mapping[str, Any]) -> None:
        """End the session of verified ``claims`` (if it is theirs and not ended yet)."""
        session = self._session_of(claims)
        if session is None or session.ended:
            return
        self.state.update_session(
            session.sid,
            lambda current: None if current is None else dataclasses.replace(current, ended=True),
        )
        logger.info("session %s of user %s logged out", session.sid, session.user_id)

    def _prune_sessions(self, now: int) -> None:
        """Forget sessions none of whose tokens can still be valid, once a minute.

        Ended sessions are kept until then, so their tokens cannot resume them.
        """
        if now - self._last_prune < 60:
            return
        self._last_prune = now
        horizon = max(self.access_token_lifetime, self.refresh_token_lifetime) + BEARER_LEEWAY
        offline_horizon = self.offline_session_idle_timeout + BEARER_LEEWAY
        self.state.prune_sessions(now - horizon, now - offline_horizon)

    # ------------------------------------------------------------ verification

    @staticmethod
    def _bearer_token(request: Request) -> str | None:
        """The token of an ``Authorization: Bearer`` header, None when there is none."""
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.strip().partition(" ")
        if scheme.lower() != "bearer":
            return None
        token = value.strip()
        if not token or " " in token:
            raise TokenRejected("Malformed Authorization header: expected 'Bearer <token>'")
        return token

    def _verify_access_token(self, request: Request, token: str) -> dict[str, Any]:
        """The claims of ``token`` if it is a valid access token of this realm for this URL.

        Never trusts the token's header: the algorithm must be RS256 and the key is the
        ring's key for the kid; the signature, issuer, type and times are all checked. A
        token verified before for the same issuer skips only the parsing and the signature
        check: its key must still be active and its claims are checked again now.
        """
        if len(token) > MAX_TOKEN_LENGTH:
            raise TokenRejected("Token too long")
        issuer = self.issuer(request)
        verified = self._verified_tokens.get(token, issuer)
        if verified is not None and self._active_key(verified.key.kid) is verified.key:
            claims = dict(verified.claims)
            self._check_access_claims(claims)
            return claims
        header = read_header(token)
        algorithm = header.get("alg")
        if algorithm != "RS256":
            raise TokenRejected(f"Token algorithm {algorithm!r} refused: only RS256 is accepted")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise TokenRejected("Token header has no kid")
        key = self._active_key(kid)
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
        self._check_access_claims(claims)
        # Only a token that passed every check is remembered; never a refusal.
        self._verified_tokens.put(token, issuer, VerifiedToken(key, dict(claims)))
        return claims

    def _active_key(self, kid: str) -> SigningKey:
        """The ring's active key ``kid``; TokenRejected when it is retired or unknown."""
        key = self.keys.find(kid)
        if key is None:
            if self.keys.is_retired(kid):
                raise TokenRejected("Token signed with a retired key; log in again")
            raise TokenRejected("Token signed with an unknown key")
        return key

    def _check_access_claims(self, claims: Mapping[str, Any]) -> None:
        """Refuse signed ``claims`` that are not a bearer token valid at this moment."""
        token_type = claims["typ"]
        if token_type != "Bearer":
            raise TokenRejected(
                f"Token of type {token_type!r} refused: send the access token as bearer"
            )
        now = self._clock()
        expires, issued = _numeric_claim(claims, "exp"), _numeric_claim(claims, "iat")
        if expires <= now - BEARER_LEEWAY:
            raise TokenRejected("Token expired")
        if issued > now + BEARER_LEEWAY:
            raise TokenRejected("Token issued in the future (iat); check the clocks")
        if "nbf" in claims and _numeric_claim(claims, "nbf") > now + BEARER_LEEWAY:
            raise TokenRejected("Token not yet valid (nbf)")
        if not isinstance(claims["sub"], str) or not claims["sub"]:
            raise TokenRejected("Token subject (sub) is empty")

    def _check_live_subject(self, claims: Mapping[str, Any]) -> _Subject:
        """Whom verified access-token ``claims`` speak for, if the account and session
        are still live and the token was not revoked; raises TokenRejected otherwise."""
        client_id = claims.get("azp")
        account = self.account_by_id(claims["sub"])
        if account is None:
            client = self._client(client_id) if isinstance(client_id, str) else None
            if client is not None and client.confidential:
                service = self._service_subject(client.client_id)
                if service.sub == claims["sub"]:
                    self._check_not_revoked(claims)
                    return service
            raise TokenRejected("Token subject is not a user of this realm")
        if not account.enabled:
            raise TokenRejected("Account disabled")
        sid = claims.get("sid")
        if not isinstance(sid, str) or not sid:
            raise TokenRejected("Token has no session (sid)")
        stored, revoked = self.state.session_and_revocation(sid, str(claims.get("jti")))
        session = self._session_of(claims, stored)
        if session is None or not self._session_active(session, self._clock(), BEARER_LEEWAY):
            raise SessionNotActive("Session not active")
        if revoked:
            raise TokenRejected("Token revoked")
        return self._user_subject(account)

    def _check_not_revoked(self, claims: Mapping[str, Any]) -> None:
        jti = claims.get("jti")
        if isinstance(jti, str) and self.state.is_revoked(jti):
            raise TokenRejected("Token revoked")

    def _decode_refresh_token(
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
        key = self.keys.find_refresh(kid) if isinstance(kid, str) else None
        if header.get("alg") != "HS512" or key is None:
            raise invalid
        try:
            claims = jwt.decode(
                token,
                key.refresh_secret,
                algorithms=["HS512"],
                issuer=self.issuer(request),
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
                _numeric_claim(claims, "exp")
            _numeric_claim(claims, "iat")
        except TokenRejected:
            raise invalid from None
        return claims

    def _refresh_claims_of_client(
        self, request: Request, token: str, client: Client
    ) -> dict[str, Any]:
        claims = self._decode_refresh_token(request, token)
        if claims["azp"] != client.client_id:
            raise OAuthError(
                400,
                "invalid_grant",
                "Invalid refresh token. Token client and authorized client don't match",
            )
        return claims

    # ---------------------------------------- userinfo, logout, revoke, introspect

    def _userinfo(self, request: Request) -> Response:
        try:
            token = self._bearer_token(request)
            if token is None and request.method == "POST" and request.mimetype == FORM_CONTENT_TYPE:
                token = self._form(request).get("access_token") or None
            if token is None:
                raise TokenRejected(MISSING_BEARER, error=None)
            try:
                claims = self._verify_access_token(request, token)
                subject = self._check_live_subject(claims)
            except SessionNotActive:
                raise TokenRejected(USER_SESSION_NOT_FOUND) from None
            except TokenRejected as rejected:
                # Keycloak names no reason at this endpoint; the log of the fake does.
                logger.info("userinfo refused a token: %s", rejected.description)
                raise TokenRejected(TOKEN_VERIFICATION_FAILED) from None
        except TokenRejected as rejected:
            return rejected.response(self.realm)
        return json_response({"sub": subject.sub, **subject.profile_claims()})

    def _logout(self, request: Request) -> Response:
        form = self._form(request)
        client = self._authenticate_client(request, form)
        token = form.get("refresh_token")
        if not token:
            raise OAuthError(400, "invalid_request", "No refresh token")
        self._end_session(self._refresh_claims_of_client(request, token, client))
        response = Response(status=204)
        response.headers["Cache-Control"] = "no-store"
        return response

    def _authorize(self, request: Request) -> Response:
        params = request.args
        client = self._client(params.get("client_id", ""))
        if client is None:
            return _error_page(request, "Client not found.")
        redirect_uri = params.get("redirect_uri", "")
        if not redirect_uri or not client.accepts_redirect(redirect_uri):
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
        if method not in (None, "plain", "S256") or (method and not challenge):
            return refuse("invalid_request", "Invalid parameter: code_challenge_method")
        if challenge and not _PKCE_CHALLENGE.fullmatch(challenge):
            return refuse("invalid_request", "Invalid parameter: code_challenge")
        try:
            scopes = self._requested_scopes(params.get("scope"))
        except OAuthError as error:
            return refuse(error.error, error.description)
        if request.method != "POST":
            return _login_page(request.url, "")
        form = self._form(request)
        try:
            account = self._check_credentials(form.get("username"), form.get("password", ""))
        except OAuthError as error:
            message = (
                "Account is disabled, contact your administrator."
                if (error.description == "Account disabled")
                else "Invalid username or password."
            )
            return _login_page(request.url, message)
        session = self._open_session(account, client, OFFLINE_SCOPE in scopes)
        now = _now_int(self._clock)
        code_claims: dict[str, Any] = {
            "exp": now + AUTHORIZATION_CODE_LIFETIME,
            "iat": now,
            "jti": str(uuid.uuid4()),
            "iss": self.issuer(request),
            "sub": account.user_id,
            "typ": "Code",
            "azp": client.client_id,
            "sid": session.sid,
            "redirect_uri": redirect_uri,
            "scope": " ".join(scopes),
        }
        if params.get("nonce"):
            code_claims["nonce"] = params["nonce"]
        if challenge:
            code_claims |= {"code_challenge": challenge, "code_challenge_method": method}
        signing_key = self.keys.signing_key()
        code = jwt.encode(
            code_claims, signing_key.refresh_secret, "HS512", {"kid": signing_key.refresh_kid}
        )
        query = {"state": state} if state else {}
        query |= {"session_state": session.sid, "iss": self.issuer(request), "code": code}
        return _redirect(redirect_uri, query)

    def _browser_logout(self, request: Request) -> Response:
        hint = request.args.get("id_token_hint")
        redirect = request.args.get("post_logout_redirect_uri")
        client_id = request.args.get("client_id")
        claims: dict[str, Any] | None = None
        if hint:
            claims = self._verify_id_token_hint(request, hint)
            client_id = client_id or str(claims.get("azp"))
        if redirect:
            client = self._client(client_id) if client_id else None
            if client is None:
                return _error_page(request, "Missing parameters: id_token_hint")
            if not client.accepts_redirect(redirect):
                return _error_page(request, "Invalid redirect uri")
        if claims is not None:
            self._end_session(claims)
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
            key = self._active_key(str(header.get("kid")))
            claims: dict[str, Any] = jwt.decode(
                token,
                key.public_key,
                algorithms=["RS256"],
                issuer=self.issuer(request),
                options={"verify_exp": False, "verify_aud": False, "require": ["sub", "typ"]},
            )
        except (TokenRejected, jwt.InvalidTokenError):
            raise OAuthError(400, "invalid_request", "Invalid id_token_hint") from None
        if claims["typ"] != "ID":
            raise OAuthError(400, "invalid_request", "Invalid id_token_hint")
        return claims

    def _revoke(self, request: Request) -> Response:
        form = self._form(request)
        client = self._authenticate_client(request, form)
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
            self._end_session(claims)
            return revoked
        if claims.get("azp") != client.client_id:
            raise OAuthError(400, "invalid_token", "Unmatching clients")
        expires = float(claims["exp"]) + BEARER_LEEWAY
        self.state.revoke_token(str(claims["jti"]), expires, self._clock())
        logger.info("access token %s of %s revoked", claims["jti"], claims["sub"])
        return revoked

    def _presented_token(self, request: Request, token: str) -> tuple[bool, dict[str, Any]] | None:
        """A token sent to be revoked or introspected: whether it is a refresh (or offline)
        token, and its claims once verified; None when it is no valid token of this realm
        (both endpoints then answer as for a dead token, without saying why)."""
        try:
            if read_header(token).get("alg") == "HS512":
                return True, self._decode_refresh_token(request, token)
            return False, self._verify_access_token(request, token)
        except (TokenRejected, OAuthError):
            return None

    def _introspect(self, request: Request) -> Response:
        form = self._form(request)
        client = self._authenticate_client(request, form)
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
            session = self._session_of(claims)
            live = session is not None and self._session_active(session, self._clock())
            if not live or ("exp" in claims and claims["exp"] <= self._clock()):
                return inactive
            token_type = str(claims["typ"])
        else:
            try:
                subject = self._check_live_subject(claims)
            except TokenRejected:
                return inactive
            claims = {**claims, "username": subject.preferred_username}
            token_type = "Bearer"
        return json_response(
            {**claims, "client_id": claims.get("azp"), "token_type": token_type, "active": True}
        )


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


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


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


def _numeric_claim(claims: Mapping[str, Any], name: str) -> float:
    """A NumericDate claim's value; TokenRejected when it is not a number."""
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TokenRejected(f"Token claim {name!r} is not a number")
    return float(value)


def _token_hash(token: str) -> str:
    """OIDC ``at_hash``: the left half of the token's SHA-256, base64url."""
    digest = hashlib.sha256(token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode("ascii")
