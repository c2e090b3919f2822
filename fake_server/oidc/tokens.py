"""The realm's tokens, as Keycloak issues and takes them back: the token endpoint's grants
(password, authorization code with PKCE, refresh token, client credentials), the scopes a
token carries, signing the token answer and the browser flow's codes, and the endpoints a
client calls with a token it holds (userinfo, logout, revocation, introspection).

Access and ID tokens are signed RS256 with the ring's newest key; refresh and offline
tokens and authorization codes, which only the realm reads back, HS512 with that key's
refresh secret (as Keycloak's are), so retiring a key retires its refresh tokens too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import unquote_plus

import jwt
from werkzeug.wrappers import Request, Response

from fake_server.oidc.bearer import (
    MAX_TOKEN_LENGTH,
    MISSING_BEARER,
    BearerCheck,
    bearer_token,
    numeric_claim,
    read_header,
)
from fake_server.oidc.errors import OAuthError, SessionNotActive, TokenRejected, json_response
from fake_server.oidc.realm_model import (
    ACCOUNT_CLIENT_ROLES,
    BEARER_LEEWAY,
    RealmModel,
    Subject,
    service_subject,
    user_subject,
)
from fake_server.oidc.sessions import Sessions, end_time
from fake_server.representations import Account, Client
from fake_server.store.identity import SessionRecord

logger = logging.getLogger(__name__)

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
INVALID_CLIENT = "Invalid client or Invalid client credentials"
INVALID_REFRESH_TOKEN = "Invalid refresh token"
CLIENT_MISMATCH = "Invalid refresh token. Token client and authorized client don't match"
# Keycloak's userinfo answers: any token problem, and a token whose session is gone.
TOKEN_VERIFICATION_FAILED = "Token verification failed"
USER_SESSION_NOT_FOUND = "User session not found or doesn't have client attached on it"
# How long an authorization code may wait to be exchanged (Keycloak's default login
# timeout for codes: one minute).
AUTHORIZATION_CODE_LIFETIME = 60

# Scopes every token of the realm carries (Keycloak's default client scopes that show in
# the token's "scope"), scopes a client may add, and default scopes Keycloak accepts in a
# request without naming them in the token.
DEFAULT_SCOPES = ("email", "profile")
OFFLINE_SCOPE = "offline_access"
OPTIONAL_SCOPES = ("openid", "address", "phone", OFFLINE_SCOPE)
SILENT_SCOPES = frozenset({"acr", "basic", "roles", "web-origins"})
# Every scope a token may carry, in the order Keycloak writes them.
SCOPE_ORDER = ("openid", *DEFAULT_SCOPES, *OPTIONAL_SCOPES[1:])

# PKCE (RFC 7636 §4.1-4.2): verifiers and challenges are 43 to 128 unreserved characters.
_PKCE_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")


# ------------------------------------------------------------------ what requests carry


def form_params(request: Request) -> dict[str, str]:
    """The form parameters; a parameter given twice is refused, as Keycloak does."""
    params: dict[str, str] = {}
    for name, values in request.form.lists():
        if len(values) > 1:
            raise OAuthError(400, "invalid_request", f"duplicated parameter: {name}")
        params[name] = values[0]
    return params


def authenticate_client(request: Request, form: Mapping[str, str], realm: RealmModel) -> Client:
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
    client = realm.client(client_id)
    if client is None:
        raise OAuthError(401, "invalid_client", INVALID_CLIENT)
    if client.secret is not None:
        if not secret:
            raise OAuthError(401, "unauthorized_client", "Client secret not provided in request")
        if not hmac.compare_digest(secret.encode(), client.secret.encode()):
            raise OAuthError(401, "unauthorized_client", INVALID_CLIENT)
    return client


def requested_scopes(
    requested: str | None, *, granted: Sequence[str] = SCOPE_ORDER
) -> tuple[str, ...]:
    """The token scopes for a request's ``scope``: the default scopes plus the extras
    asked for, all of which must be among ``granted`` (a refresh may only narrow)."""
    names = (requested or "").split()
    if any(name not in granted and name not in SILENT_SCOPES for name in names):
        raise OAuthError(400, "invalid_scope", f"Invalid scopes: {requested}")
    wanted = set(names) | set(DEFAULT_SCOPES)
    return tuple(name for name in SCOPE_ORDER if name in wanted)


def is_valid_challenge(challenge: str) -> bool:
    """Whether ``challenge`` has the form RFC 7636 gives a PKCE code challenge."""
    return _PKCE_VERIFIER.fullmatch(challenge) is not None


def check_verifier(verifier: str | None, challenge: str, method: str) -> None:
    """Refuse a token request whose PKCE ``code_verifier`` does not answer ``challenge``,
    with Keycloak's ``invalid_grant`` descriptions."""
    if not verifier:
        raise OAuthError(400, "invalid_grant", "PKCE code verifier not specified")
    if not _PKCE_VERIFIER.fullmatch(verifier):
        raise OAuthError(400, "invalid_grant", "PKCE invalid code verifier")
    computed = verifier if method == "plain" else _b64url_sha256(verifier.encode("ascii"))
    if not hmac.compare_digest(computed.encode(), challenge.encode()):
        raise OAuthError(400, "invalid_grant", "PKCE verification failed: Code mismatch")


def _b64url_sha256(data: bytes, *, half: bool = False) -> str:
    """The base64url SHA-256 of ``data`` (its left half: OIDC's ``at_hash``)."""
    digest = hashlib.sha256(data).digest()
    return base64.urlsafe_b64encode(digest[: 16 if half else 32]).rstrip(b"=").decode("ascii")


# ------------------------------------------------------------------ signing tokens


def token_answer(
    realm: RealmModel,
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
    """Sign the tokens of a successful grant and answer with Keycloak's token JSON: they
    live the realm's lifespans, never beyond the end of their ``session``."""
    settings = realm.settings
    issuer = realm.issuer(request)
    now = int(realm.clock())
    scope = " ".join(scopes)
    common: dict[str, Any] = {"iat": now}
    expires = now + settings.access_token_lifespan
    if session is not None:
        expires = min(expires, end_time(settings, session))
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
    signing_key = realm.keys.signing_key()
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
                now + settings.sso_session_idle_timeout, end_time(settings, session)
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
            "at_hash": _b64url_sha256(access_token.encode("ascii"), half=True),
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
    realm: RealmModel,
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
    :data:`AUTHORIZATION_CODE_LIFETIME` seconds, carrying what the token request that
    redeems it must match (``redirect_uri``, the PKCE challenge)."""
    now = int(realm.clock())
    code_claims: dict[str, Any] = {
        "exp": now + AUTHORIZATION_CODE_LIFETIME,
        "iat": now,
        "jti": str(uuid.uuid4()),
        "iss": realm.issuer(request),
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
    signing_key = realm.keys.signing_key()
    return jwt.encode(
        code_claims, signing_key.refresh_secret, "HS512", {"kid": signing_key.refresh_kid}
    )


def read_own_token(
    realm: RealmModel, request: Request, token: str, *, token_type: str | None = None
) -> dict[str, Any]:
    """The claims of a refresh or offline token (or of ``token_type``) the realm signed
    HS512 for this URL (expiry unchecked; offline tokens have none)."""
    invalid = OAuthError(400, "invalid_grant", INVALID_REFRESH_TOKEN)
    if len(token) > MAX_TOKEN_LENGTH:
        raise invalid
    try:
        header = read_header(token)
    except TokenRejected:
        raise invalid from None
    kid = header.get("kid")
    key = realm.keys.find_refresh(kid) if isinstance(kid, str) else None
    if header.get("alg") != "HS512" or key is None:
        raise invalid
    try:
        claims = jwt.decode(
            token,
            key.refresh_secret,
            algorithms=["HS512"],
            issuer=realm.issuer(request),
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


# ------------------------------------------------------------------ the endpoints

_Grant = Callable[[Request, dict[str, str], Client], Response]


class TokenEndpoints:
    """The token endpoint and the held-token endpoints of ``realm``: logins open and
    refresh ``sessions``; access tokens presented back are read by ``bearer``."""

    def __init__(self, realm: RealmModel, sessions: Sessions, bearer: BearerCheck) -> None:
        self._realm = realm
        self._sessions = sessions
        self._bearer = bearer
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
        client = authenticate_client(request, form, self._realm)
        return grant(request, form, client)

    def _password(self, request: Request, form: dict[str, str], client: Client) -> Response:
        realm = self._realm
        account = realm.check_credentials(form.get("username"), form.get("password", ""))
        if not client.direct_access_grants:
            raise OAuthError(
                400, "unauthorized_client", "Client not allowed for direct access grants"
            )
        scopes = requested_scopes(form.get("scope"))
        session = self._sessions.open(account, client, OFFLINE_SCOPE in scopes)
        subject = user_subject(realm.name, account)
        return token_answer(realm, request, subject, client, scopes, session, str(uuid.uuid4()))

    def _authorization_code(
        self, request: Request, form: dict[str, str], client: Client
    ) -> Response:
        realm = self._realm
        code = form.get("code")
        if not code:
            raise OAuthError(400, "invalid_request", "Missing parameter: code")
        invalid = OAuthError(400, "invalid_grant", "Code not valid")
        try:
            claims = read_own_token(realm, request, code, token_type="Code")
        except OAuthError:
            raise invalid from None
        if claims["exp"] <= realm.clock():
            raise invalid
        if claims["azp"] != client.client_id:
            raise OAuthError(400, "invalid_grant", "Auth error")
        if form.get("redirect_uri") != claims["redirect_uri"]:
            raise OAuthError(400, "invalid_grant", "Incorrect redirect_uri")
        challenge = claims.get("code_challenge")
        if challenge:
            method = claims.get("code_challenge_method", "plain")
            check_verifier(form.get("code_verifier"), str(challenge), str(method))
        elif form.get("code_verifier"):
            # A verifier for a code issued without a challenge proves nothing (a downgrade).
            raise OAuthError(
                400,
                "invalid_grant",
                "PKCE code verifier specified but challenge not present in authorization",
            )
        account = realm.account_by_id(claims["sub"])
        if account is None or not account.enabled:
            raise OAuthError(400, "invalid_grant", "User disabled")
        session = self._sessions.redeem_code(str(claims["sid"]), int(realm.clock()))
        scopes = tuple(str(claims.get("scope", "")).split())
        subject = user_subject(realm.name, account)
        refresh_jti = str(uuid.uuid4())
        nonce = claims.get("nonce")
        return token_answer(
            realm, request, subject, client, scopes, session, refresh_jti, nonce=nonce
        )

    def _refresh(self, request: Request, form: dict[str, str], client: Client) -> Response:
        realm = self._realm
        token = form.get("refresh_token")
        if not token:
            raise OAuthError(400, "invalid_request", "No refresh token")
        claims = read_own_token(realm, request, token)
        now = int(realm.clock())
        if "exp" in claims and claims["exp"] <= now:
            raise OAuthError(400, "invalid_grant", "Token is not active")
        if claims.get("azp") != client.client_id:
            raise OAuthError(400, "invalid_grant", CLIENT_MISMATCH)
        granted = tuple(str(claims.get("scope", "")).split())
        requested = form.get("scope")
        scopes = requested_scopes(requested, granted=granted) if requested else granted
        account = realm.account_by_id(claims["sub"])
        if account is None:
            raise OAuthError(400, "invalid_grant", "User not found")
        if not account.enabled:
            raise OAuthError(400, "invalid_grant", "Account disabled")
        refresh_jti = str(uuid.uuid4())
        session = self._sessions.refresh(claims, now, refresh_jti)
        subject = user_subject(realm.name, account)
        return token_answer(
            realm, request, subject, client, scopes, session, refresh_jti, refresh_scopes=granted
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
        realm = self._realm
        user = realm.service_account(client.client_id)
        if user is not None and not user.enabled:
            raise OAuthError(400, "invalid_grant", "Account disabled")
        subject = service_subject(realm.name, client.client_id, user)
        return token_answer(self._realm, request, subject, client, scopes, None, None)

    # ---------------------------------------------------------- held tokens

    def userinfo(self, request: Request) -> Response:
        """Who the bearer of an access token (in the header, or a POSTed form) is."""
        try:
            token = bearer_token(request)
            if token is None and request.method == "POST" and request.mimetype == FORM_CONTENT_TYPE:
                token = form_params(request).get("access_token") or None
            if token is None:
                raise TokenRejected(MISSING_BEARER, error=None)
            try:
                subject = self._bearer.live_subject(self._bearer.verify(request, token))
            except SessionNotActive:
                raise TokenRejected(USER_SESSION_NOT_FOUND) from None
            except TokenRejected as rejected:
                # Keycloak names no reason at this endpoint; the log of the fake does.
                logger.info("userinfo refused a token: %s", rejected.description)
                raise TokenRejected(TOKEN_VERIFICATION_FAILED) from None
        except TokenRejected as rejected:
            return rejected.response(self._realm.name)
        return json_response({"sub": subject.sub, **subject.profile_claims()})

    def logout(self, request: Request) -> Response:
        """End the session of the form's ``refresh_token``, issued to the client calling."""
        form = form_params(request)
        client = authenticate_client(request, form, self._realm)
        token = form.get("refresh_token")
        if not token:
            raise OAuthError(400, "invalid_request", "No refresh token")
        claims = read_own_token(self._realm, request, token)
        if claims["azp"] != client.client_id:
            raise OAuthError(400, "invalid_grant", CLIENT_MISMATCH)
        self._sessions.end(claims)
        response = Response(status=204)
        response.headers["Cache-Control"] = "no-store"
        return response

    def revoke(self, request: Request) -> Response:
        """Revoke the form's ``token`` (RFC 7009): a refresh or offline token ends its
        session, an access token alone is refused from then on."""
        form = form_params(request)
        client = authenticate_client(request, form, self._realm)
        token = form.get("token")
        if not token:
            raise OAuthError(400, "invalid_request", "Token not provided")
        revoked = Response(status=200)
        revoked.headers["Cache-Control"] = "no-store"
        presented = self._presented_token(request, token)
        if presented is None:
            return revoked
        is_refresh, claims = presented
        if claims.get("azp") != client.client_id:
            raise OAuthError(400, "invalid_token", "Unmatching clients")
        if is_refresh:
            self._sessions.end(claims)
            return revoked
        expires = float(claims["exp"]) + BEARER_LEEWAY
        self._realm.state.revoke_token(str(claims["jti"]), expires, self._realm.clock())
        logger.info("access token %s of %s revoked", claims["jti"], claims["sub"])
        return revoked

    def introspect(self, request: Request) -> Response:
        """For a confidential client: whether the form's ``token`` is active (RFC 7662),
        and its claims when it is."""
        form = form_params(request)
        client = authenticate_client(request, form, self._realm)
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
        now = self._realm.clock()
        if is_refresh:
            session = self._sessions.of(claims)
            live = session is not None and self._sessions.is_active(session, now)
            if not live or ("exp" in claims and claims["exp"] <= now):
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
                return True, read_own_token(self._realm, request, token)
            return False, self._bearer.verify(request, token)
        except (TokenRejected, OAuthError):
            return None
