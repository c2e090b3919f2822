"""The fake realm through python-keycloak 7, call by call, as a Keycloak user drives it.

Each test is one thing a script does with ``KeycloakOpenID`` against a real HTTP server
on loopback; where python-keycloak has no call (token revocation, the browser logout),
plain requests to Keycloak's URLs stand in.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from keycloak import KeycloakOpenID
from keycloak.exceptions import KeycloakAuthenticationError, KeycloakPostError

from fake_server.app import FakeSpacestudioApp
from fake_server.config import ServerConfig
from fake_server.oidc import Account, KeyRing
from fake_server.representations import Client
from fake_server.serving import make_http_server

REALM = "keycloak-users"
PUBLIC_CLIENT = "scripts"
ROBOT, ROBOT_SECRET = "ci-robot", "robot-secret"
ANA = Account("ana@example.test", "ana-password", first_name="Ana", last_name="Lyse")


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    config = ServerConfig(
        accounts=(ANA,),
        client_ids=(PUBLIC_CLIENT,),
        clients=(Client(ROBOT, ROBOT_SECRET, redirect_uris=("http://127.0.0.1:9/*",)),),
        realm=REALM,
        compute_seconds=0.0,
    )
    app = FakeSpacestudioApp.from_config(config, keys=KeyRing.generate())
    server = make_http_server(app, "127.0.0.1", 0, config.limits)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    app.close()


@pytest.fixture
def keycloak(server_url: str) -> KeycloakOpenID:
    return KeycloakOpenID(server_url=f"{server_url}/", realm_name=REALM, client_id=PUBLIC_CLIENT)


@pytest.fixture
def robot(server_url: str) -> KeycloakOpenID:
    return KeycloakOpenID(
        server_url=f"{server_url}/",
        realm_name=REALM,
        client_id=ROBOT,
        client_secret_key=ROBOT_SECRET,
    )


def oidc_url(server_url: str, endpoint: str) -> str:
    return f"{server_url}/realms/{REALM}/protocol/openid-connect/{endpoint}"


def test_well_known_names_the_endpoints_it_serves(
    keycloak: KeycloakOpenID, server_url: str
) -> None:
    document = keycloak.well_known()

    assert document["issuer"] == f"{server_url}/realms/{REALM}"
    assert document["token_endpoint"] == oidc_url(server_url, "token")
    assert document["revocation_endpoint"] == oidc_url(server_url, "revoke")
    assert "offline_access" in document["scopes_supported"]
    # Every advertised endpoint answers something other than 404.
    for key in (
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
        "end_session_endpoint",
    ):
        assert requests.get(document[key], timeout=10).status_code != 404, key


def test_token_userinfo_and_decode_token(keycloak: KeycloakOpenID) -> None:
    token = keycloak.token(ANA.email, ANA.password)

    assert {"access_token", "refresh_token", "id_token"} <= set(token)
    assert keycloak.userinfo(token["access_token"])["email"] == ANA.email
    claims = keycloak.decode_token(token["access_token"])  # verified against certs()
    assert claims["preferred_username"] == ANA.email
    assert claims["iss"].endswith(f"/realms/{REALM}")
    assert {key["kid"] for key in keycloak.certs()["keys"]} == {
        jwt.get_unverified_header(token["access_token"])["kid"]
    }


def test_public_key_verifies_the_realms_tokens(keycloak: KeycloakOpenID) -> None:
    token = keycloak.token(ANA.email, ANA.password)

    public_key = serialization.load_der_public_key(base64.b64decode(keycloak.public_key()))

    claims = jwt.decode(token["access_token"], public_key, algorithms=["RS256"], audience="account")
    assert claims["sub"] == ANA.user_id


def test_refresh_token_and_reuse_as_a_default_realm_allows(keycloak: KeycloakOpenID) -> None:
    token = keycloak.token(ANA.email, ANA.password)

    refreshed = keycloak.refresh_token(token["refresh_token"])
    again = keycloak.refresh_token(token["refresh_token"])  # "Revoke Refresh Token" is off

    assert refreshed["session_state"] == again["session_state"] == token["session_state"]
    assert keycloak.userinfo(again["access_token"])["sub"] == ANA.user_id


def test_offline_access_issues_an_offline_token(keycloak: KeycloakOpenID) -> None:
    token = keycloak.token(ANA.email, ANA.password, scope="openid offline_access")

    offline = jwt.decode(token["refresh_token"], options={"verify_signature": False})
    assert offline["typ"] == "Offline"
    assert "exp" not in offline
    assert token["refresh_expires_in"] == 0
    assert "offline_access" in token["scope"].split()
    refreshed = keycloak.refresh_token(token["refresh_token"])
    assert keycloak.userinfo(refreshed["access_token"])["sub"] == ANA.user_id

    keycloak.logout(token["refresh_token"])  # ends the offline session
    with pytest.raises(KeycloakPostError) as refused:
        keycloak.refresh_token(token["refresh_token"])
    assert refused.value.response_code == 400
    assert b"Session not active" in refused.value.response_body


def test_logout_ends_the_session_with_keycloaks_wording(keycloak: KeycloakOpenID) -> None:
    token = keycloak.token(ANA.email, ANA.password)

    assert keycloak.logout(token["refresh_token"]) == {}

    with pytest.raises(KeycloakAuthenticationError) as userinfo:
        keycloak.userinfo(token["access_token"])
    assert userinfo.value.response_code == 401
    assert b"User session not found or doesn't have client attached on it" in (
        userinfo.value.response_body
    )
    with pytest.raises(KeycloakPostError) as refresh:
        keycloak.refresh_token(token["refresh_token"])
    assert refresh.value.response_body == (
        b'{"error": "invalid_grant", "error_description": "Session not active"}'
    )


def test_bad_credentials_and_bad_tokens_answer_as_keycloak(keycloak: KeycloakOpenID) -> None:
    with pytest.raises(KeycloakAuthenticationError) as login:
        keycloak.token(ANA.email, "wrong")
    assert b'"error_description": "Invalid user credentials"' in login.value.response_body
    with pytest.raises(KeycloakAuthenticationError) as userinfo:
        keycloak.userinfo("not-a-token")
    assert b'"error_description": "Token verification failed"' in userinfo.value.response_body


def test_confidential_client_credentials_and_introspection(robot: KeycloakOpenID) -> None:
    service = robot.token(grant_type="client_credentials")
    assert robot.decode_token(service["access_token"])["azp"] == ROBOT

    token = robot.token(ANA.email, ANA.password)
    assert robot.introspect(token["access_token"])["active"] is True
    assert robot.introspect(token["refresh_token"])["token_type"] == "Refresh"
    robot.logout(token["refresh_token"])
    assert robot.introspect(token["access_token"]) == {"active": False}


def test_revoking_an_access_token_refuses_it_and_keeps_its_session(
    keycloak: KeycloakOpenID, server_url: str
) -> None:
    token = keycloak.token(ANA.email, ANA.password)
    form = {"client_id": PUBLIC_CLIENT, "token": token["access_token"]}

    assert requests.post(oidc_url(server_url, "revoke"), data=form, timeout=10).status_code == 200

    with pytest.raises(KeycloakAuthenticationError):
        keycloak.userinfo(token["access_token"])
    renewed = keycloak.refresh_token(token["refresh_token"])
    assert keycloak.userinfo(renewed["access_token"])["sub"] == ANA.user_id


def test_revoking_a_refresh_token_ends_its_session(
    keycloak: KeycloakOpenID, server_url: str
) -> None:
    token = keycloak.token(ANA.email, ANA.password)
    url = oidc_url(server_url, "revoke")

    form = {"client_id": PUBLIC_CLIENT, "token": token["refresh_token"]}
    assert requests.post(url, data=form, timeout=10).status_code == 200

    with pytest.raises(KeycloakPostError):
        keycloak.refresh_token(token["refresh_token"])
    garbage = {"client_id": PUBLIC_CLIENT, "token": "garbage"}
    assert requests.post(url, data=garbage, timeout=10).status_code == 200  # RFC 7009 §2.2
    missing = requests.post(url, data={"client_id": PUBLIC_CLIENT}, timeout=10)
    assert missing.json() == {"error": "invalid_request", "error_description": "Token not provided"}
    other = requests.post(
        url, data={"token": token["refresh_token"]}, auth=(ROBOT, ROBOT_SECRET), timeout=10
    )
    assert other.json()["error_description"] == "Unmatching clients"


def test_browser_logout_with_id_token_hint_redirects(
    robot: KeycloakOpenID, server_url: str
) -> None:
    token = robot.token(ANA.email, ANA.password)
    params: dict[str, Any] = {
        "id_token_hint": token["id_token"],
        "post_logout_redirect_uri": "http://127.0.0.1:9/bye",
        "state": "s-1",
    }

    answer = requests.get(
        oidc_url(server_url, "logout"), params=params, allow_redirects=False, timeout=10
    )

    assert answer.status_code == 302
    assert answer.headers["Location"] == "http://127.0.0.1:9/bye?state=s-1"
    assert robot.introspect(token["access_token"]) == {"active": False}
    elsewhere = {**params, "post_logout_redirect_uri": "https://evil.example/"}
    refused = requests.get(oidc_url(server_url, "logout"), params=elsewhere, timeout=10)
    assert refused.status_code == 400
    assert requests.get(oidc_url(server_url, "logout"), timeout=10).status_code == 200


REDIRECT = "http://127.0.0.1:9/callback"


def sign_in(page_url: str, username: str, password: str) -> requests.Response:
    """Fill in the login page at ``page_url`` as a browser would; the answer unfollowed."""
    page = requests.get(page_url, timeout=10)
    assert page.status_code == 200, page.text
    match = re.search(r'<form id="kc-form-login" method="post" action="([^"]+)"', page.text)
    assert match is not None, page.text
    form = {"username": username, "password": password}
    return requests.post(
        html.unescape(match.group(1)), data=form, allow_redirects=False, timeout=10
    )


def test_authorization_code_flow_with_pkce(robot: KeycloakOpenID) -> None:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    url = robot.auth_url(
        REDIRECT,
        scope="openid",
        state="st-7",
        nonce="n-7",
        code_challenge=challenge.rstrip(b"=").decode(),
        code_challenge_method="S256",
    )

    wrong = sign_in(url, "ana@example.test", "wrong")
    assert wrong.status_code == 200 and "Invalid username or password." in wrong.text
    answer = sign_in(url, "ana@example.test", ANA.password)

    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = {key: values[0] for key, values in parse_qs(location.query).items()}
    assert query["state"] == "st-7"
    with pytest.raises(KeycloakPostError) as mismatch:
        robot.token(
            grant_type="authorization_code",
            code=query["code"],
            redirect_uri=REDIRECT,
            code_verifier=secrets.token_urlsafe(48),
        )
    assert b"PKCE verification failed" in mismatch.value.response_body
    token = robot.token(
        grant_type="authorization_code",
        code=query["code"],
        redirect_uri=REDIRECT,
        code_verifier=verifier,
    )
    assert token["session_state"] == query["session_state"]
    assert robot.decode_token(token["id_token"])["nonce"] == "n-7"
    assert robot.userinfo(token["access_token"])["email"] == ANA.email
    with pytest.raises(KeycloakPostError) as reused:
        robot.token(
            grant_type="authorization_code",
            code=query["code"],
            redirect_uri=REDIRECT,
            code_verifier=verifier,
        )
    assert b"Code not valid" in reused.value.response_body


def test_the_login_page_refuses_unknown_clients_and_foreign_redirects(
    robot: KeycloakOpenID, server_url: str
) -> None:
    elsewhere = robot.auth_url("https://evil.example/cb", scope="openid", state="s")
    assert requests.get(elsewhere, timeout=10).status_code == 400
    unknown = oidc_url(
        server_url, f"auth?client_id=nobody&response_type=code&redirect_uri={REDIRECT}"
    )
    assert "Client not found." in requests.get(unknown, timeout=10).text
    token_flow = robot.auth_url(REDIRECT, scope="openid", state="s").replace(
        "response_type=code", "response_type=token"
    )
    refused = requests.get(token_flow, allow_redirects=False, timeout=10)
    assert refused.status_code == 302
    assert "error=unsupported_response_type" in refused.headers["Location"]
