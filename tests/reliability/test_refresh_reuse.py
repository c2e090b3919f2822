"""With Keycloak's "Revoke Refresh Token" on, a superseded refresh token stays refused,
however quickly it is replayed: staleness is told by the token's id, not by its
issue time, whose whole seconds let a token superseded in the same second through.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from .conftest import ServerProcess, serving_realm

ROUNDS = 10


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    realm = {
        "realm": "acme",
        "revokeRefreshToken": True,
        "users": [{"username": "ana", "email": "ana@acme.example", "enabled": True,
                   "credentials": [{"type": "password", "value": "pw"}]}],
        "clients": [{"clientId": "scripts", "publicClient": True,
                     "directAccessGrantsEnabled": True}],
    }  # fmt: skip
    yield from serving_realm(tmp_path_factory, realm)


def test_a_superseded_refresh_token_is_refused_within_the_same_second(
    server: ServerProcess,
) -> None:
    token_url = f"{server.url}/realms/acme/protocol/openid-connect/token"

    def grant(**form: str) -> requests.Response:
        return requests.post(token_url, data={"client_id": "scripts", **form}, timeout=10)

    accepted = []
    for _ in range(ROUNDS):
        first = grant(grant_type="password", username="ana", password="pw").json()
        second = grant(grant_type="refresh_token", refresh_token=first["refresh_token"]).json()
        third = grant(grant_type="refresh_token", refresh_token=second["refresh_token"])
        assert third.status_code == 200, third.text
        replayed = grant(grant_type="refresh_token", refresh_token=first["refresh_token"])
        accepted.append(replayed.status_code == 200)
        if not accepted[-1]:
            assert replayed.json()["error_description"] == "Stale token"
    assert accepted.count(True) == 0, f"{accepted.count(True)}/{ROUNDS} replays accepted"
