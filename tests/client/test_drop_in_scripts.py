"""Scripts written for the published client that reach past its module functions (urls,
headers, the shared session) or go on after a 409, run unchanged against the fake server
over real HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import requests

import spacestudio
import spacestudio.transport
from fake_server.embedded import FakeServer
from tests.support.samples import SSO_600 as ORBIT

OWN_CALLS_SCRIPT = textwrap.dedent(
    """
    import json
    from dotenv import load_dotenv
    load_dotenv()
    import spacestudio

    spacestudio.connect(spacestudio.log_base_url, spacestudio.log_mail,
                        spacestudio.log_password)
    from spacestudio import api_requests, urls
    from spacestudio.urls import ORBIT_URL

    # Twice: the second create answers 409, and the script goes on as it did before.
    spacestudio.simulation.create_orbit(ORBIT)
    spacestudio.simulation.create_orbit(ORBIT)

    # Calls of its own, with the published client's URLs, headers and session.
    listed = spacestudio.session.get(urls.ORBIT_URL, headers=api_requests.headers).json()
    again = spacestudio.requests.get(ORBIT_URL, headers=spacestudio.api_requests.headers)
    mine = api_requests.session.post(
        urls.ORBIT_URL, data=json.dumps({**ORBIT, "name": "by hand"}),
        headers=api_requests.get_headers(),
    )
    by_url = spacestudio.get_object("by hand", ORBIT_URL)
    print(len(listed), again.status_code, mine.status_code, by_url["displayedName"])
    print(api_requests.spacestudio_user_url == spacestudio.log_base_url.rstrip("/")
          + "/exoops/users/" + api_requests.userId)
    """
)


def test_a_script_using_urls_headers_and_session_runs_unchanged(tmp_path: Path) -> None:
    with FakeServer() as server:
        (tmp_path / ".env").write_text(
            "".join(f"{key}={value}\n" for key, value in server.env().items())
        )
        (tmp_path / "own_calls.py").write_text(f"ORBIT = {ORBIT!r}\n{OWN_CALLS_SCRIPT}")
        environment = {k: v for k, v in os.environ.items() if k not in server.env()}
        environment.pop("SPACESTUDIO_STRICT", None)
        done = subprocess.run(
            [sys.executable, "own_calls.py"], cwd=tmp_path, env=environment,
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        stored = server.app.store.list_objects(server.account.user_id, "orbitdefinitions")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["1 200 200 by hand", "True"]
    assert sorted(orbit["displayedName"] for orbit in stored) == ["SSO-600", "by hand"]
    # The 409 was said, whole, and the script went on.
    (warning, *rest) = done.stderr.strip().splitlines()
    assert warning.startswith("simulation.create_orbit: ConflictError: An object or mission")
    assert "(POST " in warning and "HTTP 409" in warning
    assert "SPACESTUDIO_STRICT=1" in warning
    assert rest == []


def test_the_same_script_stops_at_the_409_in_strict_mode(tmp_path: Path) -> None:
    with FakeServer() as server:
        (tmp_path / "own_calls.py").write_text(f"ORBIT = {ORBIT!r}\n{OWN_CALLS_SCRIPT}")
        environment = {**os.environ, **server.env(), "SPACESTUDIO_STRICT": "1"}
        done = subprocess.run(
            [sys.executable, "own_calls.py"], cwd=tmp_path, env=environment,
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert done.returncode == 1
    assert "spacestudio.errors.ConflictError: An object or mission" in done.stderr


class _Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def test_headers_carry_the_refreshed_token(tmp_path: Path) -> None:
    clock = _Clock()
    with FakeServer(token_lifetime=60, clock=clock) as server:
        spacestudio.connect(
            server.url, server.account.email, server.account.password, server.client_id,
            auth_url=server.auth_url, realm=server.realm, clock=clock, progress=False,
        )  # fmt: skip
        try:
            api = spacestudio.api_requests
            first = api.headers
            clock.now += 65  # the first token has expired, on both sides (2 s leeway)
            refreshed = api.headers
            assert refreshed != first
            assert refreshed["Authorization"] == f"Bearer {api.jwt_token}"
            # A plain requests call with the headers read now is accepted; the old ones not.
            assert requests.get(spacestudio.urls.ORBIT_URL, headers=refreshed).status_code == 200
            assert requests.get(spacestudio.urls.ORBIT_URL, headers=first).status_code == 401
        finally:
            spacestudio.set_default_client(None)


def test_settings_made_on_the_shared_session_before_connect_are_kept() -> None:
    sent: list[requests.PreparedRequest] = []

    def record(response: requests.Response, **_: object) -> None:
        sent.append(response.request)

    with FakeServer() as server:
        session = spacestudio.session
        session.headers["X-Script"] = "orbit-survey"
        session.hooks["response"].append(record)
        try:
            client = spacestudio.connect(
                server.url, server.account.email, server.account.password, server.client_id,
                auth_url=server.auth_url, realm=server.realm, progress=False,
            )  # fmt: skip
            assert client.session is session is spacestudio.api_requests.session
            assert spacestudio.simulation.get_all_orbits() == []
        finally:
            del session.headers["X-Script"]
            session.hooks["response"].remove(record)
            spacestudio.set_default_client(None)
    urls = [request.url for request in sent]
    assert urls[-1] == spacestudio_orbits(server, client.user_id)
    assert all(request.headers["X-Script"] == "orbit-survey" for request in sent)
    assert any(str(url).endswith("/protocol/openid-connect/token") for url in urls)


def spacestudio_orbits(server: FakeServer, user_id: str) -> str:
    return f"{server.url}/exoops/users/{user_id}/orbitdefinitions"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("HTTP_PROXY", "http://127.0.0.1:9", {"http": "http://127.0.0.1:9"}),
        ("HTTPS_PROXY", "http://127.0.0.1:9", {"https": "http://127.0.0.1:9"}),
        ("NO_PROXY", "api.example.test", {}),
    ],
)
def test_the_shared_session_follows_proxy_variables_set_after_its_first_call(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: dict[str, str]
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    if variable == "NO_PROXY":  # a proxy from the start, then this host exempted from it
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
        monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    # A fresh origin per case: the shared session may have seen the others already.
    url = f"{'https' if variable == 'HTTPS_PROXY' else 'http'}://api.example.test/{variable}"
    first = spacestudio.session.merge_environment_settings(url, {}, None, None, None)
    monkeypatch.setenv(variable, value)
    later = spacestudio.session.merge_environment_settings(url, {}, None, None, None)
    plain = requests.Session().merge_environment_settings(url, {}, None, None, None)
    assert later["proxies"] == plain["proxies"] == expected
    assert first["proxies"] != expected


def test_the_shared_session_settles_the_environment_as_requests_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = spacestudio.transport.Session()
    assert isinstance(spacestudio.session, spacestudio.transport.Session)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    url = "http://api.example.test/exoops"
    plain = requests.Session().merge_environment_settings(url, {}, None, None, None)
    assert session.merge_environment_settings(url, {}, None, None, None) == plain
    # What the script sets on the session later still counts, and so do the variables.
    session.verify = False
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:10")
    again = session.merge_environment_settings(url, {}, None, None, None)
    assert again["proxies"] == {"http": "http://127.0.0.1:10"}
    # requests would let the environment's CA bundle turn checks back on; off stays off.
    assert again["verify"] is False
    assert session.merge_environment_settings(url, {}, None, False, None)["verify"] is False
    session.trust_env = False
    assert session.merge_environment_settings(url, {}, None, None, None)["proxies"] == {}
