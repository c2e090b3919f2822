"""Fixtures for the fake server's tests: in-process applications and an API client.

Most tests drive the WSGI application in process through werkzeug's test client (fast,
no socket); tests marked for HTTP use :class:`fake_server.embedded.FakeServer`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client, TestResponse

from fake_server.app import FakeSpacestudioApp
from fake_server.config import ServerConfig
from fake_server.oidc import Account, KeyRing
from fake_server.store import MemoryStore, SQLiteStore, Store

CLIENT_ID = "spacestudio-scripting"
ALICE = Account("alice@example.test", "alice-password", first_name="Alice", last_name="Orbit")
BOB = Account("bob@example.test", "bob-password")
NO_SCRIPTING = Account("viewer@example.test", "viewer-password", scripting=False)


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="session")
def keys() -> KeyRing:
    """One signing key for every in-process application (key generation is slow)."""
    return KeyRing.generate()


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each backend in turn: the same behaviour is expected of both."""
    backend: Store = MemoryStore() if request.param == "memory" else SQLiteStore(tmp_path / "s.db")
    yield backend
    backend.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


AppFactory = Callable[..., FakeSpacestudioApp]


@pytest.fixture
def make_app(keys: KeyRing, clock: FakeClock) -> Iterator[AppFactory]:
    """Builds applications on a memory store (or the one given) with the fake clock."""
    apps: list[FakeSpacestudioApp] = []

    def build(store: Store | None = None, **settings: Any) -> FakeSpacestudioApp:
        settings.setdefault("accounts", (ALICE, BOB, NO_SCRIPTING))
        settings.setdefault("compute_seconds", 0.0)
        app = FakeSpacestudioApp.from_config(
            ServerConfig(**settings), clock=clock, store=store or MemoryStore(), keys=keys
        )
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.close()


class Api:
    """A logged-in user of an in-process application; paths are relative to the user."""

    def __init__(
        self, app: FakeSpacestudioApp, account: Account, realm: str = "spacestudio-users"
    ) -> None:
        self.app = app
        self.http = Client(app)
        self.account = account
        self.token = login(self.http, account, realm)
        self.user_id = account.user_id
        self.base = f"/exoops/users/{self.user_id}"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> TestResponse:
        if body is not None:
            kwargs["data"] = body if isinstance(body, bytes) else json.dumps(body)
            kwargs.setdefault("content_type", "application/json")
        url = path if path.startswith("/") else f"{self.base}/{path}"
        return self.http.open(url, method=method, headers=self.headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> TestResponse:
        return self.call("POST", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> TestResponse:
        return self.call("PUT", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("DELETE", path, **kwargs)

    def create(self, segment: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.post(segment, body)
        assert response.status_code == 200, response.get_data(as_text=True)
        created: dict[str, Any] = response.get_json()
        return created

    def last_log(self, segment: str, mission_id: str) -> dict[str, Any]:
        """The computation log the mission points to (its last computation's)."""
        log_id = self.get(f"{segment}/{mission_id}").get_json()["computationLogId"]
        log: dict[str, Any] = self.get(f"computationlogs/{log_id}").get_json()
        return log


def login(http: Client, account: Account, realm: str = "spacestudio-users") -> str:
    """An access token from the password grant, as the client gets one."""
    response = http.post(
        f"/realms/{realm}/protocol/openid-connect/token",
        data={
            "client_id": CLIENT_ID,
            "grant_type": "password",
            "username": account.email,
            "password": account.password,
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    token: str = response.get_json()["access_token"]
    return token


@pytest.fixture
def app(make_app: AppFactory, store: Store) -> FakeSpacestudioApp:
    """An application on each store backend in turn."""
    return make_app(store)


@pytest.fixture
def api(app: FakeSpacestudioApp) -> Api:
    return Api(app, ALICE)


def assert_json_error(response: TestResponse, status: int) -> dict[str, Any]:
    """The response is a JSON error of that status that says something."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body: dict[str, Any] = response.get_json()
    assert body["status"] == status
    assert body["error"]
    assert len(body["message"]) > 10
    return body
