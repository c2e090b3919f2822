"""The identity provider answers as Keycloak does, and the API's bearer check is strict."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.routing import Map, Rule
from werkzeug.test import Client, TestResponse
from werkzeug.wrappers import Request, Response

from fake_server.oidc import Account, IdentityProvider, KeyRing, TokenRejected
from fake_server.representations import RealmSettings

REALM = "spacestudio-users"
CLIENT_ID = "spacestudio-scripting"
OTHER_CLIENT_ID = "other-app"
SERVICE_CLIENT_ID = "ops-backend"
SERVICE_SECRET = "s3cret:with/odd chars"
BASE = "http://localhost"
ISSUER = f"{BASE}/realms/{REALM}"
OIDC = f"/realms/{REALM}/protocol/openid-connect"
TOKEN = f"{OIDC}/token"
API = "/exoops/users/infos"
START = 1_700_000_000.0

ALICE = Account("Alice.Martin@Example.com", "correct horse", first_name="Alice", last_name="Martin")
BOB = Account("bob@example.com", "hunter2", scripting=False)
CAROL = Account("carol@example.com", "letmein", enabled=False)


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def oidc_app(idp: IdentityProvider) -> Callable[..., Any]:
    """A WSGI app serving the provider on Keycloak's paths, plus one API route."""
    realm_paths = {
        "/.well-known/openid-configuration": "openid_configuration",
        "/protocol/openid-connect/token": "token",
        "/protocol/openid-connect/token/introspect": "introspect",
        "/protocol/openid-connect/certs": "certs",
        "/protocol/openid-connect/userinfo": "userinfo",
        "/protocol/openid-connect/logout": "logout",
    }
    url_map = Map(
        [Rule(f"/realms/<realm>{path}", endpoint=name) for path, name in realm_paths.items()]
        + [Rule(API, endpoint="api")]
    )

    @Request.application  # type: ignore[arg-type]
    def app(request: Request) -> Response:
        endpoint, args = url_map.bind_to_environ(request.environ).match()
        if endpoint == "api":
            try:
                account = idp.authenticate(request)
            except TokenRejected as rejected:
                return rejected.response(idp.realm)
            return Response(json.dumps({"id": account.user_id}), mimetype="application/json")
        handler: Callable[[Request, str], Response] = getattr(idp, endpoint)
        return handler(request, **args)

    return app


@pytest.fixture(scope="module")
def shared_keys() -> KeyRing:
    return KeyRing.generate()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def idp(shared_keys: KeyRing, clock: FakeClock) -> IdentityProvider:
    return IdentityProvider(
        [ALICE, BOB, CAROL],
        [CLIENT_ID, OTHER_CLIENT_ID],
        keys=shared_keys,
        confidential_clients={SERVICE_CLIENT_ID: SERVICE_SECRET},
        clock=clock,
    )


@pytest.fixture
def client(idp: IdentityProvider) -> Client:
    return Client(oidc_app(idp))


def login(
    client: Client,
    username: str = ALICE.email,
    password: str = ALICE.password,
    **extra: str,
) -> TestResponse:
    form = {"grant_type": "password", "client_id": CLIENT_ID, "username": username}
    form["password"] = password
    return client.post(TOKEN, data={**form, **extra})


def tokens(client: Client, **extra: str) -> dict[str, Any]:
    response = login(client, **extra)
    assert response.status_code == 200, response.json
    body: dict[str, Any] = response.json
    return body


def refresh(client: Client, refresh_token: str, **extra: str) -> TestResponse:
    form = {"grant_type": "refresh_token", "client_id": CLIENT_ID, "refresh_token": refresh_token}
    return client.post(TOKEN, data={**form, **extra})


def call_api(client: Client, access_token: str, base_url: str = BASE) -> TestResponse:
    return client.get(API, headers={"Authorization": f"Bearer {access_token}"}, base_url=base_url)


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def header_of(token: str) -> dict[str, Any]:
    return jwt.get_unverified_header(token)


def assert_oauth_error(response: TestResponse, status: int, error: str, description: str) -> None:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert response.json == {"error": error, "error_description": description}


def assert_rejected(response: TestResponse, description_part: str) -> None:
    """The API refused the bearer token with a 401 naming what was wrong."""
    assert response.status_code == 401, response.json
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith(f'Bearer realm="{REALM}", error="invalid_token"')
    assert response.json["error"] == "invalid_token"
    assert description_part in response.json["error_description"]
    assert description_part in challenge


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def compose_jwt(
    header: dict[str, Any], claims: dict[str, Any], sign: Callable[[bytes], bytes]
) -> str:
    """A JWT assembled by hand, for forgeries PyJWT refuses to produce."""
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
    return f"{signing_input}.{b64url(sign(signing_input.encode('ascii')))}"


def sign_with_realm_key(idp: IdentityProvider, claims: dict[str, Any]) -> str:
    """A token genuinely signed by the realm's key, for claim-level checks."""
    key = idp.keys.signing_key()
    return jwt.encode(claims, key.private_key, "RS256", {"kid": key.kid})


# ------------------------------------------------------------------------ token


def test_password_grant_answers_keycloak_token_json(client: Client, idp: IdentityProvider) -> None:
    response = login(client)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Pragma"] == "no-cache"
    body = response.json
    assert set(body) == {
        "access_token",
        "expires_in",
        "refresh_expires_in",
        "refresh_token",
        "token_type",
        "not-before-policy",
        "session_state",
        "scope",
    }
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 300
    assert body["refresh_expires_in"] == 1800
    assert body["not-before-policy"] == 0
    assert body["scope"] == "email profile"
    assert "id_token" not in body


def test_access_token_carries_keycloak_claims(client: Client) -> None:
    body = tokens(client)
    header = header_of(body["access_token"])
    claims = claims_of(body["access_token"])

    assert header["alg"] == "RS256"
    assert claims["exp"] - claims["iat"] == 300
    assert claims["iat"] == claims["auth_time"] == int(START)
    assert claims["iss"] == ISSUER
    assert claims["aud"] == "account"
    assert claims["sub"] == ALICE.user_id
    assert claims["typ"] == "Bearer"
    assert claims["azp"] == CLIENT_ID
    assert claims["sid"] == claims["session_state"] == body["session_state"]
    assert claims["scope"] == "email profile"
    assert claims["email"] == "alice.martin@example.com"
    assert claims["preferred_username"] == "alice.martin@example.com"
    assert claims["email_verified"] is True
    assert claims["name"] == "Alice Martin"
    assert claims["given_name"] == "Alice"
    assert claims["family_name"] == "Martin"
    assert claims["realm_access"]["roles"] == [
        f"default-roles-{REALM}",
        "offline_access",
        "uma_authorization",
        "scripting",
    ]
    assert len(claims["jti"]) == 36


def test_access_token_verifies_against_published_jwks(client: Client) -> None:
    access_token = tokens(client)["access_token"]
    jwks = jwt.PyJWKSet.from_dict(client.get(f"{OIDC}/certs").json)
    signing_key = next(k for k in jwks.keys if k.key_id == header_of(access_token)["kid"])

    claims = jwt.decode(
        access_token,
        signing_key.key,
        algorithms=["RS256"],
        audience="account",
        options={"verify_exp": False},  # issued by the fake clock, long ago
    )

    assert claims["sub"] == ALICE.user_id


def test_refresh_token_is_hs512_with_keycloak_claims(client: Client) -> None:
    body = tokens(client)
    claims = claims_of(body["refresh_token"])

    assert header_of(body["refresh_token"])["alg"] == "HS512"
    assert claims["typ"] == "Refresh"
    assert claims["aud"] == ISSUER
    assert claims["iss"] == ISSUER
    assert claims["azp"] == CLIENT_ID
    assert claims["sub"] == ALICE.user_id
    assert claims["sid"] == body["session_state"]
    assert claims["exp"] - claims["iat"] == 1800


def test_openid_scope_adds_an_id_token(client: Client) -> None:
    body = tokens(client, scope="openid")
    id_claims = claims_of(body["id_token"])

    assert body["scope"] == "openid email profile"
    assert header_of(body["id_token"])["alg"] == "RS256"
    assert id_claims["typ"] == "ID"
    assert id_claims["aud"] == CLIENT_ID
    assert id_claims["azp"] == CLIENT_ID
    assert id_claims["iss"] == ISSUER
    assert id_claims["sub"] == ALICE.user_id
    assert id_claims["sid"] == body["session_state"]
    assert id_claims["email"] == "alice.martin@example.com"
    digest = hashlib.sha256(body["access_token"].encode()).digest()
    assert id_claims["at_hash"] == b64url(digest[:16])
    assert "realm_access" not in id_claims


def test_username_matches_email_in_any_case(client: Client) -> None:
    body = tokens(client, username="ALICE.MARTIN@example.COM")

    assert claims_of(body["access_token"])["sub"] == ALICE.user_id


def test_account_without_scripting_has_no_scripting_role(client: Client) -> None:
    body = tokens(client, username=BOB.email, password=BOB.password)

    assert "scripting" not in claims_of(body["access_token"])["realm_access"]["roles"]


def test_lifetimes_are_configurable(shared_keys: KeyRing, clock: FakeClock) -> None:
    idp = IdentityProvider(
        [ALICE],
        [CLIENT_ID],
        keys=shared_keys,
        clock=clock,
        access_token_lifetime=60,
        refresh_token_lifetime=600,
    )
    body = tokens(Client(oidc_app(idp)))

    assert (body["expires_in"], body["refresh_expires_in"]) == (60, 600)
    access = claims_of(body["access_token"])
    assert access["exp"] - access["iat"] == 60


@pytest.mark.parametrize(
    ("username", "password"),
    [
        (ALICE.email, "wrong"),
        (ALICE.email, ""),
        ("nobody@example.com", "correct horse"),
        ("nobody@example.com", "\0"),
    ],
)
def test_bad_credentials_are_invalid_grant(client: Client, username: str, password: str) -> None:
    assert_oauth_error(
        login(client, username, password), 401, "invalid_grant", "Invalid user credentials"
    )


def test_missing_username_is_refused(client: Client) -> None:
    response = client.post(TOKEN, data={"grant_type": "password", "client_id": CLIENT_ID})

    assert_oauth_error(response, 401, "invalid_request", "Missing parameter: username")


def test_disabled_account_cannot_log_in(client: Client) -> None:
    assert_oauth_error(
        login(client, CAROL.email, CAROL.password), 400, "invalid_grant", "Account disabled"
    )


def test_disabled_account_status_needs_the_right_password(client: Client) -> None:
    assert_oauth_error(
        login(client, CAROL.email, "guess"), 401, "invalid_grant", "Invalid user credentials"
    )


def test_unknown_client_is_invalid_client(client: Client) -> None:
    response = login(client, client_id="no-such-client")

    assert_oauth_error(
        response, 401, "invalid_client", "Invalid client or Invalid client credentials"
    )


def test_missing_client_id_is_invalid_client(client: Client) -> None:
    response = client.post(
        TOKEN, data={"grant_type": "password", "username": ALICE.email, "password": "x"}
    )

    assert_oauth_error(response, 400, "invalid_client", "Missing client_id parameter")


def test_missing_grant_type(client: Client) -> None:
    response = client.post(TOKEN, data={"client_id": CLIENT_ID})

    assert_oauth_error(response, 400, "invalid_request", "Missing form parameter: grant_type")


def test_unknown_grant_type(client: Client) -> None:
    response = client.post(TOKEN, data={"client_id": CLIENT_ID, "grant_type": "implicit"})

    assert_oauth_error(response, 400, "unsupported_grant_type", "Unsupported grant_type")


def test_duplicated_parameter_is_refused(client: Client) -> None:
    response = client.post(
        TOKEN,
        data="grant_type=password&client_id=x&client_id=y",
        content_type="application/x-www-form-urlencoded",
    )

    assert_oauth_error(response, 400, "invalid_request", "duplicated parameter: client_id")


def test_unknown_scope_is_invalid_scope(client: Client) -> None:
    assert_oauth_error(
        login(client, scope="openid launch-codes"),
        400,
        "invalid_scope",
        "Invalid scopes: openid launch-codes",
    )


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("application/json", json.dumps({"grant_type": "password"})),
        ("text/plain", "grant_type=password"),
        ("multipart/form-data; boundary=x", "--x--"),
        ("", ""),
    ],
)
def test_token_endpoint_refuses_other_content_types(
    client: Client, content_type: str, data: str
) -> None:
    response = client.post(TOKEN, data=data, content_type=content_type)

    assert response.status_code == 415
    assert response.json["error"] == "invalid_request"
    assert "application/x-www-form-urlencoded" in response.json["error_description"]


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_token_endpoint_refuses_other_methods(client: Client, method: str) -> None:
    response = client.open(TOKEN, method=method)

    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert response.json["error"] == "invalid_request"


def test_garbage_form_body_is_a_4xx(client: Client) -> None:
    response = client.post(
        TOKEN, data=b"\xff\xfe%%%===&&", content_type="application/x-www-form-urlencoded"
    )

    assert 400 <= response.status_code < 500
    assert response.json["error"]


@pytest.mark.parametrize(
    "path",
    [
        "/.well-known/openid-configuration",
        "/protocol/openid-connect/token",
        "/protocol/openid-connect/certs",
        "/protocol/openid-connect/userinfo",
        "/protocol/openid-connect/logout",
        "/protocol/openid-connect/token/introspect",
    ],
)
def test_unknown_realm_does_not_exist(client: Client, path: str) -> None:
    for method in ("GET", "POST"):
        response = client.open(f"/realms/master{path}", method=method)
        assert response.status_code == 404
        assert response.json == {"error": "Realm does not exist"}


# ------------------------------------------------------------ client credentials


def service_login(
    client: Client, headers: dict[str, str] | None = None, **form: str
) -> TestResponse:
    return client.post(TOKEN, data={"grant_type": "client_credentials", **form}, headers=headers)


def test_client_credentials_with_secret_in_form(client: Client) -> None:
    response = service_login(client, client_id=SERVICE_CLIENT_ID, client_secret=SERVICE_SECRET)

    assert response.status_code == 200
    body = response.json
    assert "refresh_token" not in body
    assert "session_state" not in body
    assert body["refresh_expires_in"] == 0
    claims = claims_of(body["access_token"])
    assert claims["azp"] == claims["client_id"] == SERVICE_CLIENT_ID
    assert claims["preferred_username"] == f"service-account-{SERVICE_CLIENT_ID}"
    assert "sid" not in claims


def test_client_credentials_with_http_basic(client: Client) -> None:
    # RFC 6749 §2.3.1: id and secret are form-encoded before base64.
    from urllib.parse import quote_plus

    credentials = f"{quote_plus(SERVICE_CLIENT_ID)}:{quote_plus(SERVICE_SECRET)}"
    basic = base64.b64encode(credentials.encode()).decode()
    response = service_login(client, headers={"Authorization": f"Basic {basic}"})

    assert response.status_code == 200
    assert claims_of(response.json["access_token"])["azp"] == SERVICE_CLIENT_ID


def test_client_credentials_wrong_secret(client: Client) -> None:
    response = service_login(client, client_id=SERVICE_CLIENT_ID, client_secret="nope")

    assert_oauth_error(
        response, 401, "unauthorized_client", "Invalid client or Invalid client credentials"
    )


def test_client_credentials_missing_secret(client: Client) -> None:
    response = service_login(client, client_id=SERVICE_CLIENT_ID)

    assert_oauth_error(
        response, 401, "unauthorized_client", "Client secret not provided in request"
    )


def test_client_credentials_refused_to_public_client(client: Client) -> None:
    response = service_login(client, client_id=CLIENT_ID)

    assert_oauth_error(
        response,
        401,
        "unauthorized_client",
        "Public client not allowed to retrieve service account",
    )


def test_confidential_client_password_grant_needs_its_secret(client: Client) -> None:
    refused = login(client, client_id=SERVICE_CLIENT_ID)
    accepted = login(client, client_id=SERVICE_CLIENT_ID, client_secret=SERVICE_SECRET)

    assert refused.status_code == 401
    assert accepted.status_code == 200


def test_service_account_token_cannot_call_the_api(client: Client) -> None:
    response = service_login(client, client_id=SERVICE_CLIENT_ID, client_secret=SERVICE_SECRET)

    assert_rejected(call_api(client, response.json["access_token"]), "Service account")


# ----------------------------------------------------------------------- refresh


def test_refresh_rotates_the_refresh_token(client: Client, clock: FakeClock) -> None:
    first = tokens(client)
    clock.advance(100)

    response = refresh(client, first["refresh_token"])

    assert response.status_code == 200
    second = response.json
    assert second["refresh_token"] != first["refresh_token"]
    assert second["session_state"] == first["session_state"]
    access = claims_of(second["access_token"])
    assert access["iat"] == int(START) + 100
    assert access["auth_time"] == int(START)
    assert call_api(client, second["access_token"]).json == {"id": ALICE.user_id}


def test_a_refresh_token_may_be_reused_by_default(client: Client) -> None:
    # Keycloak's "Revoke Refresh Token" is off in a new realm: any live refresh token works.
    first = tokens(client)
    second = refresh(client, first["refresh_token"]).json

    assert refresh(client, first["refresh_token"]).status_code == 200
    assert refresh(client, second["refresh_token"]).status_code == 200


@pytest.fixture
def revoking_client(shared_keys: KeyRing, clock: FakeClock) -> Client:
    """A realm with "Revoke Refresh Token" on (and no reuse allowed)."""
    settings = RealmSettings(revoke_refresh_token=True)
    idp = IdentityProvider([ALICE], [CLIENT_ID], keys=shared_keys, clock=clock, settings=settings)
    return Client(oidc_app(idp))


def test_revoke_refresh_token_refuses_reuse_and_older_tokens(
    revoking_client: Client, clock: FakeClock
) -> None:
    first = tokens(revoking_client)
    clock.advance(10)
    second = refresh(revoking_client, first["refresh_token"]).json

    assert_oauth_error(
        refresh(revoking_client, first["refresh_token"]),
        400,
        "invalid_grant",
        "Maximum allowed refresh token reuse exceeded",
    )
    clock.advance(10)
    third = refresh(revoking_client, second["refresh_token"])
    assert third.status_code == 200
    assert_oauth_error(
        refresh(revoking_client, first["refresh_token"]), 400, "invalid_grant", "Stale token"
    )
    assert refresh(revoking_client, third.json["refresh_token"]).status_code == 200


def test_concurrent_refreshes_with_one_token_let_exactly_one_through(
    revoking_client: Client,
) -> None:
    refresh_token = tokens(revoking_client)["refresh_token"]
    statuses: list[int] = []
    barrier = threading.Barrier(8)

    def race() -> None:
        barrier.wait()
        statuses.append(refresh(revoking_client, refresh_token).status_code)

    threads = [threading.Thread(target=race) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] + [400] * 7


def test_expired_refresh_token_is_not_active(client: Client, clock: FakeClock) -> None:
    refresh_token = tokens(client)["refresh_token"]
    clock.advance(1800)

    assert_oauth_error(refresh(client, refresh_token), 400, "invalid_grant", "Token is not active")


def test_missing_refresh_token(client: Client) -> None:
    response = client.post(TOKEN, data={"grant_type": "refresh_token", "client_id": CLIENT_ID})

    assert_oauth_error(response, 400, "invalid_request", "No refresh token")


@pytest.mark.parametrize("which", ["garbage", "access_token", "tampered", "id_token"])
def test_bad_refresh_token_is_invalid(client: Client, which: str) -> None:
    body = tokens(client, scope="openid")
    head, _, signature = body["refresh_token"].split(".")
    claims = {**claims_of(body["refresh_token"]), "exp": 9_999_999_999}
    candidates = {
        "garbage": "not-a-token",
        "access_token": body["access_token"],
        "id_token": body["id_token"],
        "tampered": f"{head}.{b64url(json.dumps(claims).encode())}.{signature}",
    }

    assert_oauth_error(
        refresh(client, candidates[which]), 400, "invalid_grant", "Invalid refresh token"
    )


def test_refresh_token_of_another_client_is_refused(client: Client) -> None:
    refresh_token = tokens(client)["refresh_token"]

    assert_oauth_error(
        refresh(client, refresh_token, client_id=OTHER_CLIENT_ID),
        400,
        "invalid_grant",
        "Invalid refresh token. Token client and authorized client don't match",
    )


def test_refresh_keeps_session_alive_while_used(client: Client, clock: FakeClock) -> None:
    refresh_token = tokens(client)["refresh_token"]
    for _ in range(4):  # 4 x 1500 s: longer than one idle timeout, each step within it
        clock.advance(1500)
        response = refresh(client, refresh_token)
        assert response.status_code == 200, response.json
        refresh_token = response.json["refresh_token"]


def test_session_max_lifetime_caps_tokens(shared_keys: KeyRing, clock: FakeClock) -> None:
    idp = IdentityProvider(
        [ALICE], [CLIENT_ID], keys=shared_keys, clock=clock, session_max_lifetime=2000
    )
    client = Client(oidc_app(idp))
    refresh_token = tokens(client)["refresh_token"]
    clock.advance(1500)

    body = refresh(client, refresh_token).json

    assert body["refresh_expires_in"] == 500
    assert body["expires_in"] == 300
    clock.advance(500)
    assert_oauth_error(
        refresh(client, body["refresh_token"]), 400, "invalid_grant", "Token is not active"
    )


def test_refresh_may_narrow_but_not_widen_scope(client: Client) -> None:
    body = tokens(client, scope="openid")

    narrowed = refresh(client, body["refresh_token"], scope="email").json
    assert narrowed["scope"] == "email profile"
    assert "id_token" not in narrowed
    assert_oauth_error(
        refresh(client, narrowed["refresh_token"], scope="phone"),
        400,
        "invalid_scope",
        "Invalid scopes: phone",
    )
    again = refresh(client, narrowed["refresh_token"]).json
    assert again["scope"] == "openid email profile"
    assert "id_token" in again


def test_refresh_for_disabled_account_is_refused(client: Client, idp: IdentityProvider) -> None:
    refresh_token = tokens(client)["refresh_token"]
    idp.update_account(Account(ALICE.email, ALICE.password, enabled=False))

    assert_oauth_error(refresh(client, refresh_token), 400, "invalid_grant", "Account disabled")


# ------------------------------------------------------------------------ logout


def logout(client: Client, refresh_token: str, **extra: str) -> TestResponse:
    form = {"client_id": CLIENT_ID, "refresh_token": refresh_token}
    return client.post(f"{OIDC}/logout", data={**form, **extra})


def test_logout_ends_the_session(client: Client) -> None:
    body = tokens(client)

    response = logout(client, body["refresh_token"])

    assert response.status_code == 204
    assert_rejected(call_api(client, body["access_token"]), "Session not active")
    assert_oauth_error(
        refresh(client, body["refresh_token"]), 400, "invalid_grant", "Session not active"
    )
    assert logout(client, body["refresh_token"]).status_code == 204


def test_logout_leaves_other_sessions_alone(client: Client) -> None:
    first, second = tokens(client), tokens(client)

    logout(client, first["refresh_token"])

    assert call_api(client, second["access_token"]).status_code == 200


def test_logout_works_with_an_expired_refresh_token(client: Client, clock: FakeClock) -> None:
    body = tokens(client)
    clock.advance(1900)

    assert logout(client, body["refresh_token"]).status_code == 204


def test_logout_errors(client: Client) -> None:
    refresh_token = tokens(client)["refresh_token"]

    assert_oauth_error(
        client.post(f"{OIDC}/logout", data={"client_id": CLIENT_ID}),
        400,
        "invalid_request",
        "No refresh token",
    )
    assert_oauth_error(logout(client, "garbage"), 400, "invalid_grant", "Invalid refresh token")
    assert logout(client, refresh_token, client_id="stranger").status_code == 401
    assert logout(client, refresh_token, client_id=OTHER_CLIENT_ID).status_code == 400
    assert client.put(f"{OIDC}/logout").status_code == 405


# ---------------------------------------------------------------- authenticate


def test_valid_access_token_is_accepted(client: Client) -> None:
    assert call_api(client, tokens(client)["access_token"]).json == {"id": ALICE.user_id}


@pytest.mark.parametrize("authorization", [None, "Basic YWxpY2U6cHc=", "Token abc"])
def test_missing_bearer_token_gets_a_challenge(client: Client, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}

    response = client.get(API, headers=headers)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == f'Bearer realm="{REALM}"'
    assert "Authorization: Bearer" in response.json["error_description"]


@pytest.mark.parametrize(
    ("authorization", "description"),
    [
        ("Bearer", "Malformed Authorization header"),
        ("Bearer a b", "Malformed Authorization header"),
        ("Bearer not.a.jwt", "Malformed token"),
        ("Bearer abc", "Malformed token"),
        ("Bearer " + "a" * 20_000, "Token too long"),
    ],
)
def test_malformed_bearer_token_is_rejected(
    client: Client, authorization: str, description: str
) -> None:
    assert_rejected(client.get(API, headers={"Authorization": authorization}), description)


def test_bearer_scheme_is_case_insensitive(client: Client) -> None:
    access_token = tokens(client)["access_token"]

    response = client.get(API, headers={"Authorization": f"bearer {access_token}"})

    assert response.status_code == 200


def test_alg_none_is_rejected(client: Client, idp: IdentityProvider) -> None:
    claims = claims_of(tokens(client)["access_token"])
    header = {"alg": "none", "typ": "JWT", "kid": idp.keys.signing_key().kid}
    forged = compose_jwt(header, {**claims, "sub": BOB.user_id}, lambda _: b"")

    assert_rejected(call_api(client, forged), "only RS256")


def test_hs256_signed_with_public_key_is_rejected(client: Client, idp: IdentityProvider) -> None:
    key = idp.keys.signing_key()
    public_pem = key.public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    claims = claims_of(tokens(client)["access_token"])
    forged = compose_jwt(
        {"alg": "HS256", "typ": "JWT", "kid": key.kid},
        claims,
        lambda data: hmac.new(public_pem, data, hashlib.sha256).digest(),
    )

    assert_rejected(call_api(client, forged), "only RS256")


@pytest.mark.parametrize("alg", ["RS512", "PS256", "ES256", "HS512"])
def test_other_algorithms_are_rejected(client: Client, idp: IdentityProvider, alg: str) -> None:
    claims = claims_of(tokens(client)["access_token"])
    header = {"alg": alg, "typ": "JWT", "kid": idp.keys.signing_key().kid}

    forged = compose_jwt(header, claims, lambda _: b"\x01" * 64)

    assert_rejected(call_api(client, forged), "only RS256")


def test_tampered_payload_is_rejected(client: Client) -> None:
    access_token = tokens(client)["access_token"]
    head, _, signature = access_token.split(".")
    claims = claims_of(access_token)
    payload = b64url(json.dumps({**claims, "sub": BOB.user_id}).encode())

    assert_rejected(call_api(client, f"{head}.{payload}.{signature}"), "signature invalid")


def test_strangers_key_with_the_realm_kid_is_rejected(
    client: Client, idp: IdentityProvider
) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = claims_of(tokens(client)["access_token"])

    forged = jwt.encode(claims, stranger, "RS256", {"kid": idp.keys.signing_key().kid})

    assert_rejected(call_api(client, forged), "signature invalid")


@pytest.mark.parametrize(
    ("kid", "description"), [("kid-nobody-has", "unknown key"), (None, "no kid")]
)
def test_unknown_or_missing_kid_is_rejected(
    client: Client, idp: IdentityProvider, kid: str | None, description: str
) -> None:
    claims = claims_of(tokens(client)["access_token"])
    headers = {"kid": kid} if kid else {}

    forged = jwt.encode(claims, idp.keys.signing_key().private_key, "RS256", headers)

    assert_rejected(call_api(client, forged), description)


def test_expired_token_is_rejected_after_leeway(client: Client, clock: FakeClock) -> None:
    access_token = tokens(client)["access_token"]
    clock.advance(301)
    assert call_api(client, access_token).status_code == 200  # within the 2 s leeway

    clock.advance(1)
    assert_rejected(call_api(client, access_token), "Token expired")


def test_token_issued_in_the_future_is_rejected(
    client: Client, idp: IdentityProvider, clock: FakeClock
) -> None:
    claims = claims_of(tokens(client)["access_token"])
    soon = sign_with_realm_key(idp, {**claims, "iat": int(clock.now) + 2})
    future = sign_with_realm_key(
        idp, {**claims, "iat": int(clock.now) + 3600, "exp": int(clock.now) + 3900}
    )

    assert call_api(client, soon).status_code == 200
    assert_rejected(call_api(client, future), "issued in the future")


def test_not_yet_valid_nbf_is_rejected(client: Client, idp: IdentityProvider) -> None:
    claims = claims_of(tokens(client)["access_token"])

    forged = sign_with_realm_key(idp, {**claims, "nbf": claims["iat"] + 60})

    assert_rejected(call_api(client, forged), "not yet valid")


@pytest.mark.parametrize("claim", ["exp", "iat", "sub", "iss", "typ"])
def test_token_missing_a_required_claim_is_rejected(
    client: Client, idp: IdentityProvider, claim: str
) -> None:
    claims = claims_of(tokens(client)["access_token"])
    del claims[claim]

    assert_rejected(call_api(client, sign_with_realm_key(idp, claims)), claim)


def test_non_numeric_exp_is_rejected(client: Client, idp: IdentityProvider) -> None:
    claims = claims_of(tokens(client)["access_token"])

    forged = sign_with_realm_key(idp, {**claims, "exp": "never"})

    assert call_api(client, forged).status_code == 401


def test_token_from_another_base_url_is_rejected(client: Client) -> None:
    access_token = tokens(client)["access_token"]

    assert_rejected(
        call_api(client, access_token, base_url="http://127.0.0.1:9999"),
        "Token not issued by http://127.0.0.1:9999/realms/spacestudio-users",
    )


def test_token_of_another_realm_is_rejected(client: Client, idp: IdentityProvider) -> None:
    claims = claims_of(tokens(client)["access_token"])

    forged = sign_with_realm_key(idp, {**claims, "iss": f"{BASE}/realms/master"})

    assert_rejected(call_api(client, forged), "Token not issued by")


def test_refresh_token_is_not_a_bearer_token(client: Client, idp: IdentityProvider) -> None:
    body = tokens(client)
    as_rs256 = sign_with_realm_key(idp, claims_of(body["refresh_token"]))

    assert_rejected(call_api(client, body["refresh_token"]), "only RS256")
    assert_rejected(call_api(client, as_rs256), "'Refresh'")


def test_id_token_is_not_a_bearer_token(client: Client) -> None:
    id_token = tokens(client, scope="openid")["id_token"]

    assert_rejected(call_api(client, id_token), "'ID'")


def test_disabled_account_token_is_rejected(client: Client, idp: IdentityProvider) -> None:
    access_token = tokens(client)["access_token"]
    idp.update_account(Account(ALICE.email, ALICE.password, enabled=False))

    assert_rejected(call_api(client, access_token), "Account disabled")


def test_token_of_unknown_user_is_rejected(client: Client, idp: IdentityProvider) -> None:
    claims = claims_of(tokens(client)["access_token"])

    forged = sign_with_realm_key(idp, {**claims, "sub": "7d8c0c7e-0000-4000-8000-000000000000"})

    assert_rejected(call_api(client, forged), "not a user of this realm")


def test_session_mismatch_is_rejected(client: Client, idp: IdentityProvider) -> None:
    alice_sid = claims_of(tokens(client)["access_token"])["sid"]
    bob_claims = claims_of(
        tokens(client, username=BOB.email, password=BOB.password)["access_token"]
    )

    forged = sign_with_realm_key(idp, {**bob_claims, "sid": alice_sid})

    assert_rejected(call_api(client, forged), "Session not active")


def test_key_rotation_and_retirement(clock: FakeClock) -> None:
    keys = KeyRing.generate()
    idp = IdentityProvider([ALICE], [CLIENT_ID], keys=keys, clock=clock)
    client = Client(oidc_app(idp))
    old_token = tokens(client)["access_token"]
    old_kid = header_of(old_token)["kid"]

    new_kid = keys.rotate()
    new_token = tokens(client)["access_token"]

    assert header_of(new_token)["kid"] == new_kid != old_kid
    assert {k["kid"] for k in client.get(f"{OIDC}/certs").json["keys"]} == {old_kid, new_kid}
    assert call_api(client, old_token).status_code == 200
    assert call_api(client, new_token).status_code == 200

    keys.retire(old_kid)

    assert_rejected(call_api(client, old_token), "retired key")
    assert call_api(client, new_token).status_code == 200
    assert [k["kid"] for k in client.get(f"{OIDC}/certs").json["keys"]] == [new_kid]


def test_refresh_tokens_of_a_retired_key_are_refused(clock: FakeClock) -> None:
    keys = KeyRing.generate()
    idp = IdentityProvider([ALICE], [CLIENT_ID], keys=keys, clock=clock)
    client = Client(oidc_app(idp))
    refresh_token = tokens(client)["refresh_token"]
    old_kid = keys.kids[0]
    keys.rotate()

    still_good = refresh(client, refresh_token).json["refresh_token"]
    keys.retire(old_kid)

    assert refresh(client, still_good).status_code == 200  # signed with the new key


def test_authenticate_raises_token_rejected(idp: IdentityProvider) -> None:
    from werkzeug.test import EnvironBuilder

    request = Request(EnvironBuilder(path=API).get_environ())

    with pytest.raises(TokenRejected) as raised:
        idp.authenticate(request)

    assert raised.value.error is None
    assert "Authorization: Bearer" in raised.value.description


def test_www_authenticate_quotes_its_values() -> None:
    rejected = TokenRejected('Bad "token" \\ here')

    assert rejected.www_authenticate("r") == (
        'Bearer realm="r", error="invalid_token", error_description="Bad \\"token\\" \\\\ here"'
    )


# ---------------------------------------------------------------------- userinfo


def test_userinfo_answers_the_profile(client: Client) -> None:
    access_token = tokens(client)["access_token"]

    for response in (
        client.get(f"{OIDC}/userinfo", headers={"Authorization": f"Bearer {access_token}"}),
        client.post(f"{OIDC}/userinfo", data={"access_token": access_token}),
    ):
        assert response.status_code == 200
        assert response.json == {
            "sub": ALICE.user_id,
            "email": "alice.martin@example.com",
            "email_verified": True,
            "preferred_username": "alice.martin@example.com",
            "name": "Alice Martin",
            "given_name": "Alice",
            "family_name": "Martin",
        }


def test_userinfo_of_a_service_account(client: Client) -> None:
    response = service_login(client, client_id=SERVICE_CLIENT_ID, client_secret=SERVICE_SECRET)
    headers = {"Authorization": f"Bearer {response.json['access_token']}"}

    info = client.get(f"{OIDC}/userinfo", headers=headers).json

    assert info["preferred_username"] == f"service-account-{SERVICE_CLIENT_ID}"
    assert "email" not in info


def test_userinfo_refuses_bad_tokens(client: Client, clock: FakeClock) -> None:
    missing = client.get(f"{OIDC}/userinfo")
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == f'Bearer realm="{REALM}"'

    access_token = tokens(client)["access_token"]
    clock.advance(400)
    expired = client.get(f"{OIDC}/userinfo", headers={"Authorization": f"Bearer {access_token}"})
    # Keycloak's wording at this endpoint, whatever was wrong with the token.
    assert_rejected(expired, "Token verification failed")


# -------------------------------------------------------------------- introspect


def introspect(client: Client, token: str, **auth: str) -> TestResponse:
    credentials = auth or {"client_id": SERVICE_CLIENT_ID, "client_secret": SERVICE_SECRET}
    return client.post(f"{OIDC}/token/introspect", data={"token": token, **credentials})


def test_introspection_of_an_active_access_token(client: Client) -> None:
    access_token = tokens(client)["access_token"]

    body = introspect(client, access_token).json

    assert body["active"] is True
    assert body["sub"] == ALICE.user_id
    assert body["client_id"] == CLIENT_ID
    assert body["username"] == "alice.martin@example.com"
    assert body["token_type"] == "Bearer"
    assert body["exp"] == claims_of(access_token)["exp"]


def test_introspection_of_a_refresh_token(client: Client) -> None:
    refresh_token = tokens(client)["refresh_token"]

    body = introspect(client, refresh_token).json

    assert (body["active"], body["token_type"], body["typ"]) == (True, "Refresh", "Refresh")


def test_introspection_of_inactive_tokens(client: Client, clock: FakeClock) -> None:
    ended = tokens(client)
    logout(client, ended["refresh_token"])
    expiring = tokens(client)
    clock.advance(1801)

    for token in (
        "garbage",
        ended["access_token"],
        ended["refresh_token"],
        expiring["access_token"],
        expiring["refresh_token"],
    ):
        assert introspect(client, token).json == {"active": False}


def test_introspection_needs_a_confidential_client(client: Client) -> None:
    access_token = tokens(client)["access_token"]

    assert_oauth_error(
        introspect(client, access_token, client_id=CLIENT_ID),
        403,
        "invalid_request",
        "Client not allowed.",
    )
    wrong = introspect(client, access_token, client_id=SERVICE_CLIENT_ID, client_secret="x")
    assert wrong.status_code == 401
    anonymous = client.post(f"{OIDC}/token/introspect", data={"token": access_token})
    assert anonymous.status_code == 400
    assert_oauth_error(introspect(client, ""), 400, "invalid_request", "Token not provided.")


# ------------------------------------------------------------------- discovery


def test_openid_configuration_derives_urls_from_the_request(client: Client) -> None:
    base = "http://127.0.0.1:8123"
    issuer = f"{base}/realms/{REALM}"

    document = client.get(f"/realms/{REALM}/.well-known/openid-configuration", base_url=base).json

    assert document["issuer"] == issuer
    endpoints = f"{issuer}/protocol/openid-connect"
    assert document["token_endpoint"] == f"{endpoints}/token"
    assert document["authorization_endpoint"] == f"{endpoints}/auth"
    assert document["revocation_endpoint"] == f"{endpoints}/revoke"
    assert document["userinfo_endpoint"] == f"{endpoints}/userinfo"
    assert document["end_session_endpoint"] == f"{endpoints}/logout"
    assert document["jwks_uri"] == f"{endpoints}/certs"
    assert document["introspection_endpoint"] == f"{endpoints}/token/introspect"
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert {"password", "refresh_token", "client_credentials"} <= set(
        document["grant_types_supported"]
    )
    assert "openid" in document["scopes_supported"]
    for field in (
        "response_types_supported",
        "subject_types_supported",
        "token_endpoint_auth_methods_supported",
        "claims_supported",
    ):
        assert document[field]
    token = client.post(
        TOKEN,
        base_url=base,
        data={
            "grant_type": "password",
            "client_id": CLIENT_ID,
            "username": ALICE.email,
            "password": ALICE.password,
        },
    ).json["access_token"]
    assert claims_of(token)["iss"] == issuer
    assert call_api(client, token, base_url=base).status_code == 200


def test_certs_publish_rsa_signing_keys(client: Client, idp: IdentityProvider) -> None:
    (key,) = client.get(f"{OIDC}/certs").json["keys"]

    assert key["kid"] == idp.keys.signing_key().kid
    assert (key["kty"], key["use"], key["alg"]) == ("RSA", "sig", "RS256")
    assert key["e"] == "AQAB"
    assert len(base64.urlsafe_b64decode(key["n"] + "==")) == 256


# ---------------------------------------------------------------- construction


def test_user_id_is_stable_and_case_insensitive() -> None:
    assert Account("A@B.example", "x").user_id == Account("a@b.example", "y").user_id
    assert Account("a@b.example", "x").user_id != Account("c@b.example", "x").user_id


def test_account_lookup(idp: IdentityProvider) -> None:
    assert idp.account_by_id(ALICE.user_id) == ALICE
    assert idp.account_by_id("no-such-id") is None
    assert list(idp.accounts) == [ALICE, BOB, CAROL]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"accounts": [ALICE, Account(ALICE.email.upper(), "x")]}, "share the e-mail"),
        ({"confidential_clients": {CLIENT_ID: "s"}}, "both public and confidential"),
        ({"access_token_lifetime": 0}, "access_token_lifetime"),
        ({"realm": ""}, "realm"),
    ],
)
def test_bad_configuration_is_refused(
    shared_keys: KeyRing, kwargs: dict[str, Any], message: str
) -> None:
    arguments: dict[str, Any] = {"accounts": [ALICE], "client_ids": [CLIENT_ID], **kwargs}
    accounts, client_ids = arguments.pop("accounts"), arguments.pop("client_ids")

    with pytest.raises(ValueError, match=message):
        IdentityProvider(accounts, client_ids, keys=shared_keys, **arguments)
