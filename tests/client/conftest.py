"""Fixtures of the client's unit tests: a mocked service behind ``responses``.

The mocked identity provider issues real HS256-signed JWTs whose ``exp`` follows a
fake clock, so token expiry is tested without waiting.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import jwt
import pytest
import requests
import responses

import spacestudio
from spacestudio import pacing
from spacestudio.client import Client, set_default_client
from spacestudio.transport import RetryPolicy

BASE_URL = "https://api.spacestudio.test"
AUTH_URL = "https://auth.spacestudio.test"
REALM = "spacestudio-users"
TOKEN_URL = f"{AUTH_URL}/realms/{REALM}/protocol/openid-connect/token"
INFOS_URL = f"{BASE_URL}/exoops/users/infos"
USER_ID = "5f0c1d2e-0000-4000-8000-000000000001"
USER_URL = f"{BASE_URL}/exoops/users/{USER_ID}/"
MAIL = "engineer@example.test"
PASSWORD = "s3cret p@ss&word"
CLIENT_ID = "spacestudio-scripts"
SIGNING_KEY = "test-signing-key-long-enough-for-hs256"


class FakeClock:
    """Seconds since the epoch that only move when a test says so."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class IdentityProvider:
    """A Keycloak-like token endpoint: password and refresh_token grants."""

    clock: FakeClock
    token_lifetime: int = 300
    refresh_lifetime: int = 1800
    refuse_refresh: bool = False
    #: Each grant received: (grant_type, form).
    grants: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)
    _serial: int = 0

    def token(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        body = request.body if isinstance(request.body, str) else (request.body or b"").decode()
        form = {key: values[0] for key, values in parse_qs(body).items()}
        grant = form.get("grant_type", "")
        self.grants.append((grant, form))
        if form.get("client_id") != CLIENT_ID:
            return _oauth_error(401, "invalid_client", "Invalid client credentials")
        if grant == "password":
            if form.get("username") != MAIL or form.get("password") != PASSWORD:
                return _oauth_error(401, "invalid_grant", "Invalid user credentials")
        elif grant == "refresh_token":
            if self.refuse_refresh or form.get("refresh_token") not in self.refresh_tokens():
                return _oauth_error(400, "invalid_grant", "Token is not active")
        else:
            return _oauth_error(400, "unsupported_grant_type", "Unsupported grant_type")
        return 200, {"Content-Type": "application/json"}, json.dumps(self._issue())

    def refresh_tokens(self) -> set[str]:
        return {f"refresh-{serial}" for serial in range(1, self._serial + 1)}

    def _issue(self) -> dict[str, Any]:
        self._serial += 1
        now = int(self.clock())
        access = jwt.encode(
            {"sub": USER_ID, "iat": now, "exp": now + self.token_lifetime, "n": self._serial},
            SIGNING_KEY,
            algorithm="HS256",
        )
        self.issued.append(access)
        return {
            "access_token": access,
            "expires_in": self.token_lifetime,
            "refresh_token": f"refresh-{self._serial}",
            "refresh_expires_in": self.refresh_lifetime,
            "token_type": "Bearer",
        }

    @property
    def grant_types(self) -> list[str]:
        return [grant for grant, _ in self.grants]


def _oauth_error(status: int, error: str, description: str) -> tuple[int, dict[str, str], str]:
    body = json.dumps({"error": error, "error_description": description})
    return status, {"Content-Type": "application/json"}, body


@dataclass
class MockService:
    """The mocked service of one test: ``responses``, the identity provider, the clock."""

    rsps: responses.RequestsMock
    idp: IdentityProvider
    clock: FakeClock
    sleeps: list[float]

    def client(self, **options: Any) -> Client:
        options.setdefault("auth_url", AUTH_URL)
        options.setdefault("clock", self.clock)
        options.setdefault("progress", False)
        options.setdefault("retry", RetryPolicy(max_attempts=4, backoff=0.5))
        return Client(BASE_URL, MAIL, PASSWORD, CLIENT_ID, **options)

    def connect(self, **options: Any) -> Client:
        options.setdefault("auth_url", AUTH_URL)
        options.setdefault("clock", self.clock)
        options.setdefault("progress", False)
        return spacestudio.connect(BASE_URL, MAIL, PASSWORD, CLIENT_ID, **options)

    def calls_to(self, url: str, method: str | None = None) -> list[Any]:
        return [
            call
            for call in self.rsps.calls
            if call.request.url == url and (method is None or call.request.method == method)
        ]


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every wait the client asks pacing for, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(pacing, "sleep", recorded.append)
    return recorded


@pytest.fixture
def service(sleeps: list[float]) -> Iterator[MockService]:
    """A mocked service where the account can log in; register the routes a test needs."""
    clock = FakeClock()
    idp = IdentityProvider(clock)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add_callback(responses.POST, TOKEN_URL, callback=idp.token)
        rsps.add(responses.GET, INFOS_URL, json={"id": USER_ID, "email": MAIL})
        yield MockService(rsps, idp, clock, sleeps)


@pytest.fixture(autouse=True)
def no_default_client() -> Iterator[None]:
    """Each test starts and ends without a default client."""
    set_default_client(None)
    yield
    set_default_client(None)


def bearer_of(call: Any) -> str:
    """The access token a recorded call carried."""
    header: str = call.request.headers.get("Authorization", "")
    return header.removeprefix("Bearer ")
