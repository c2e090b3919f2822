"""Forged, stale and misplaced tokens, over real HTTP through the API routes a script
uses: each is refused with a JSON 401 (or 403 for another user's objects), and nothing
is created, changed or deleted on its behalf.

The identity provider's own tests check token validation one call at a time; these send
the forgeries through list, create, replace, delete and compute, on a running server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from fake_server.embedded import FakeServer
from fake_server.oidc import Account
from spacestudio import Client

from .conftest import orbit_body, token_answer

ALICE = Account("alice@tokens.test", "alice-token-password")
BOB = Account("bob@tokens.test", "bob-token-password")


class Clock:
    """Server time that tests move forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@pytest.fixture(scope="module")
def stranger_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def server(clock: Clock) -> Iterator[FakeServer]:
    with FakeServer(accounts=[ALICE, BOB], clock=clock, token_lifetime=60) as running:
        yield running


@pytest.fixture
def alice_orbit(server: FakeServer) -> Iterator[dict[str, Any]]:
    """An orbit of Alice's that the forged calls aim at; removed afterwards."""
    store = server.app.store
    token = token_answer(server.url, server.realm, server.client_id, ALICE)["access_token"]
    base = f"{server.url}/exoops/users/{ALICE.user_id}"
    created = requests.post(
        f"{base}/orbitdefinitions",
        json=orbit_body("target"),
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    yield created
    for obj in store.list_objects(ALICE.user_id, "orbitdefinitions"):
        requests.delete(
            f"{base}/orbitdefinitions/{obj['id']}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    return json.loads(unb64url(header)), json.loads(unb64url(payload)), signature


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def compose(header: dict[str, Any], claims: dict[str, Any], signature: str = "") -> str:
    return ".".join(
        [b64url(json.dumps(header).encode()), b64url(json.dumps(claims).encode()), signature]
    )


def api_calls(server: FakeServer, orbit: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """The calls a script makes, aimed at Alice's objects."""
    base = f"{server.url}/exoops/users/{ALICE.user_id}"
    return [
        ("GET", f"{server.url}/exoops/users/infos", None),
        ("GET", f"{base}/orbitdefinitions", None),
        ("POST", f"{base}/orbitdefinitions", orbit_body("forged")),
        ("PUT", f"{base}/orbitdefinitions/{orbit['id']}", orbit_body("renamed")),
        ("DELETE", f"{base}/orbitdefinitions/{orbit['id']}", None),
        ("GET", f"{base}/simulationrequests/compute/{orbit['id']}", None),
        ("GET", f"{base}/gridfs/ascsv/ephemerides-x", None),
    ]


def assert_refused_everywhere(
    server: FakeServer, orbit: dict[str, Any], token: str, status: int, fragment: str
) -> None:
    before = server.app.store.list_objects(ALICE.user_id, "orbitdefinitions")
    for method, url, body in api_calls(server, orbit):
        answer = requests.request(
            method, url, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert answer.status_code == status, f"{method} {url}: {answer.status_code} {answer.text}"
        assert answer.headers["Content-Type"].startswith("application/json")
        message = answer.json()["message"]
        assert fragment.lower() in message.lower(), f"{method} {url}: {message}"
        if status == 401:
            assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    # Nothing was created, changed or deleted on the forged token's behalf.
    assert server.app.store.list_objects(ALICE.user_id, "orbitdefinitions") == before


def alice_tokens(server: FakeServer, scope: str | None = None) -> dict[str, Any]:
    return token_answer(server.url, server.realm, server.client_id, ALICE, scope)


Forgery = Callable[[FakeServer, rsa.RSAPrivateKey], str]


def alg_none(server: FakeServer, stranger: rsa.RSAPrivateKey) -> str:
    header, claims, _ = parts(alice_tokens(server)["access_token"])
    return compose({**header, "alg": "none"}, claims)


def hs256_with_the_public_key(server: FakeServer, stranger: rsa.RSAPrivateKey) -> str:
    header, claims, _ = parts(alice_tokens(server)["access_token"])
    public_pem = (
        server.app.idp.keys.signing_key()
        .public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        .decode()
    )
    # PyJWT refuses to sign with a PEM as HMAC secret, as it should; forge it by hand.
    signing_input = ".".join(
        [b64url(json.dumps({**header, "alg": "HS256"}).encode()),
         b64url(json.dumps(claims).encode())]
    )  # fmt: skip
    mac = hmac.new(public_pem.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(mac)}"


def tampered_payload(server: FakeServer, stranger: rsa.RSAPrivateKey) -> str:
    bob = token_answer(server.url, server.realm, server.client_id, BOB)["access_token"]
    header, claims, signature = parts(bob)
    # Bob's genuine signature over a payload that now says Alice.
    return compose(header, {**claims, "sub": ALICE.user_id, "email": ALICE.email}, signature)


def strangers_key_with_the_realm_kid(server: FakeServer, stranger: rsa.RSAPrivateKey) -> str:
    header, claims, _ = parts(alice_tokens(server)["access_token"])
    return jwt.encode(claims, stranger, "RS256", {"kid": header["kid"]})


def strangers_key_embedded_as_jwk(server: FakeServer, stranger: rsa.RSAPrivateKey) -> str:
    header, claims, _ = parts(alice_tokens(server)["access_token"])
    public = jwt.algorithms.RSAAlgorithm.to_jwk(stranger.public_key(), as_dict=True)
    return jwt.encode(
        claims, stranger, "RS256", {"kid": header["kid"], "jwk": public, "jku": "http://evil/"}
    )


def unknown_kid(server: FakeServer, stranger: rsa.RSAPrivateKey) -> str:
    _, claims, _ = parts(alice_tokens(server)["access_token"])
    return jwt.encode(claims, stranger, "RS256", {"kid": "../../../dev/null' OR '1'='1"})


def refresh_token_as_bearer(server: FakeServer, stranger: rsa.RSAPrivateKey) -> str:
    token: str = alice_tokens(server)["refresh_token"]
    return token


def id_token_as_bearer(server: FakeServer, stranger: rsa.RSAPrivateKey) -> str:
    token: str = alice_tokens(server, scope="openid")["id_token"]
    return token


def padded_signature(server: FakeServer, stranger: rsa.RSAPrivateKey) -> str:
    # The issued token, its signature spelt with base64 padding: the same bytes, so a
    # lenient decoder verifies it, yet not the token the realm issued.
    token: str = alice_tokens(server)["access_token"]
    return token + "=="


def padded_payload(server: FakeServer, stranger: rsa.RSAPrivateKey) -> str:
    header, payload, signature = alice_tokens(server)["access_token"].split(".")
    payload += "=" * (-len(payload) % 4) or "===="
    return f"{header}.{payload}.{signature}"


FORGERIES: list[tuple[Forgery, str]] = [
    (padded_signature, "malformed token"),
    (padded_payload, "malformed token"),
    (alg_none, "algorithm 'none' refused"),
    (hs256_with_the_public_key, "algorithm 'HS256' refused"),
    (tampered_payload, "signature invalid"),
    (strangers_key_with_the_realm_kid, "signature invalid"),
    (strangers_key_embedded_as_jwk, "signature invalid"),
    (unknown_kid, "unknown key"),
    (refresh_token_as_bearer, "refused"),
    (id_token_as_bearer, "type 'ID' refused"),
]


@pytest.mark.parametrize(("forge", "fragment"), FORGERIES, ids=[f.__name__ for f, _ in FORGERIES])
def test_forged_tokens_are_refused_by_every_route(
    server: FakeServer,
    alice_orbit: dict[str, Any],
    stranger_key: rsa.RSAPrivateKey,
    forge: Forgery,
    fragment: str,
) -> None:
    assert_refused_everywhere(server, alice_orbit, forge(server, stranger_key), 401, fragment)


def test_another_users_objects_are_403_with_a_valid_token(
    server: FakeServer, alice_orbit: dict[str, Any]
) -> None:
    bob = token_answer(server.url, server.realm, server.client_id, BOB)["access_token"]
    before = server.app.store.list_objects(ALICE.user_id, "orbitdefinitions")
    for method, url, body in api_calls(server, alice_orbit)[1:]:  # infos is Bob's own
        answer = requests.request(
            method, url, json=body, headers={"Authorization": f"Bearer {bob}"}, timeout=10
        )
        assert answer.status_code == 403, f"{method} {url}: {answer.text}"
        assert "another user" in answer.json()["message"]
    assert server.app.store.list_objects(ALICE.user_id, "orbitdefinitions") == before


def test_an_expired_token_is_refused(
    server: FakeServer, clock: Clock, alice_orbit: dict[str, Any]
) -> None:
    token = alice_tokens(server)["access_token"]
    clock.offset += 60 + 5  # lifetime and leeway passed
    try:
        assert_refused_everywhere(server, alice_orbit, token, 401, "expired")
    finally:
        clock.offset -= 60 + 5


def test_tokens_replayed_after_logout_are_refused(
    server: FakeServer, alice_orbit: dict[str, Any]
) -> None:
    tokens = alice_tokens(server)
    logout = requests.post(
        f"{server.url}/realms/{server.realm}/protocol/openid-connect/logout",
        data={"client_id": server.client_id, "refresh_token": tokens["refresh_token"]},
        timeout=10,
    )
    assert logout.status_code == 204
    assert_refused_everywhere(server, alice_orbit, tokens["access_token"], 401, "session")
    refreshed = requests.post(
        f"{server.url}/realms/{server.realm}/protocol/openid-connect/token",
        data={
            "client_id": server.client_id,
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
        },
        timeout=10,
    )
    assert refreshed.status_code == 400
    assert refreshed.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("realm", ["other-realm", "spacestudio-users"])
def test_tokens_of_another_server_or_realm_are_refused(
    server: FakeServer, alice_orbit: dict[str, Any], realm: str
) -> None:
    """Same account, same realm name or not: its own keys and URL make it a stranger."""
    with FakeServer(accounts=[ALICE], realm=realm) as other:
        token = token_answer(other.url, other.realm, other.client_id, ALICE)["access_token"]
    assert_refused_everywhere(server, alice_orbit, token, 401, "key")


def test_key_rotation_keeps_old_tokens_until_their_key_is_retired() -> None:
    with FakeServer(accounts=[ALICE]) as server:
        keys = server.app.idp.keys
        old_token = alice_tokens(server)["access_token"]
        client = Client(
            server.url, ALICE.email, ALICE.password, server.client_id,
            auth_url=server.auth_url, realm=server.realm, progress=False,
        )  # fmt: skip
        old_kid = keys.signing_key().kid
        new_kid = keys.rotate()
        orbit = client.simulation.orbits.create(orbit_body("rotated"))
        listed = requests.get(
            f"{server.url}/exoops/users/{ALICE.user_id}/orbitdefinitions",
            headers={"Authorization": f"Bearer {old_token}"},
            timeout=10,
        )
        assert listed.status_code == 200  # rotated, not retired: old tokens still work
        new_token = alice_tokens(server)["access_token"]
        assert parts(new_token)[0]["kid"] == new_kid
        keys.retire(old_kid)
        assert_refused_everywhere(server, orbit, old_token, 401, "retired key")
        accepted = requests.get(
            f"{server.url}/exoops/users/{ALICE.user_id}/orbitdefinitions",
            headers={"Authorization": f"Bearer {new_token}"},
            timeout=10,
        )
        assert accepted.status_code == 200
        # The client's token (and refresh token) died with the old key: on the 401 it
        # logs in again and the call goes through, once.
        assert client.simulation.orbits.get("rotated") == orbit
        assert parts(client.access_token)[0]["kid"] == new_kid
        client.close()
