"""The fake server as a shared service: ``gunicorn -w 2 fake_server.wsgi:application``.

Two worker processes on one state file must behave as one server: a login on one worker
is used, refreshed and logged out on both, a fault added once fires in both, and a
restart forgets no logout or revocation. Which worker answers a request is read from the
journal (each entry names its worker). Two requests are made to overlap by a latency
fault: a gunicorn sync worker answers one request at a time, so the second goes to the
other worker.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.served import GunicornServer

REALM = "spacestudio-users"
CLIENT_ID = "spacestudio-scripting"
EMAIL, PASSWORD = "demo@spacestudio.test", "spacestudio-demo"
TOKEN_PATH = f"/realms/{REALM}/protocol/openid-connect/token"
LOGOUT_PATH = f"/realms/{REALM}/protocol/openid-connect/logout"
REVOKE_PATH = f"/realms/{REALM}/protocol/openid-connect/revoke"
INFOS_PATH = "/exoops/users/infos"
#: Long enough for two requests started together to be in flight at once.
OVERLAP_SECONDS = 0.6


def environment(state: Path) -> dict[str, str]:
    return {"SPACESTUDIO_FAKE_STATE": str(state), "SPACESTUDIO_FAKE_COMPUTE_SECONDS": "0"}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GunicornServer]:
    state = tmp_path_factory.mktemp("shared") / "state.sqlite"
    # --preload: the workers fork from a process that built the application, and each
    # builds its own (the restart test below starts without it).
    with GunicornServer(
        workers=2, env=environment(state), extra_args=["--preload"], ready_line=None
    ) as server:
        yield server


@pytest.fixture(autouse=True)
def clean(service: GunicornServer) -> None:
    requests.delete(f"{service.url}/__admin/faults", timeout=10).raise_for_status()
    requests.delete(f"{service.url}/__admin/journal", timeout=10).raise_for_status()


def login(url: str) -> dict[str, Any]:
    form = {"grant_type": "password", "client_id": CLIENT_ID, "username": EMAIL}
    form["password"] = PASSWORD
    answer = requests.post(f"{url}{TOKEN_PATH}", data=form, timeout=10)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def refresh(url: str, refresh_token: str) -> requests.Response:
    form = {"grant_type": "refresh_token", "client_id": CLIENT_ID, "refresh_token": refresh_token}
    return requests.post(f"{url}{TOKEN_PATH}", data=form, timeout=10)


def infos(url: str, access_token: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {access_token}"}
    return requests.get(f"{url}{INFOS_PATH}", headers=headers, timeout=10)


def add_fault(url: str, **rule: Any) -> None:
    requests.post(f"{url}/__admin/faults", json=rule, timeout=10).raise_for_status()


def slow_down(url: str, pattern: str, methods: list[str]) -> None:
    add_fault(url, pattern=pattern, kind="latency", seconds=OVERLAP_SECONDS, methods=methods)


def together(*calls: Callable[[], requests.Response]) -> list[requests.Response]:
    """Run the calls at the same moment, each on its own connection."""
    results: list[requests.Response | None] = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index: int) -> None:
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(result is not None for result in results)
    return [result for result in results if result is not None]


def workers_for(url: str, method: str, path: str) -> list[int]:
    """The worker of each journaled request ``method path``, oldest first."""
    journal = requests.get(f"{url}/__admin/journal", timeout=10).json()["requests"]
    return [e["worker"] for e in journal if e["method"] == method and e["path"] == path]


def test_a_login_is_used_refreshed_and_logged_out_across_both_workers(
    service: GunicornServer,
) -> None:
    url = service.url
    tokens = login(url)
    login_worker = workers_for(url, "POST", TOKEN_PATH)[-1]
    slow_down(url, INFOS_PATH, ["GET"])
    slow_down(url, TOKEN_PATH, ["POST"])

    used = together(*[lambda: infos(url, tokens["access_token"])] * 2)
    assert [answer.status_code for answer in used] == [200, 200]
    use_workers = set(workers_for(url, "GET", INFOS_PATH))
    assert len(use_workers) == 2 and login_worker in use_workers

    # Both workers refresh with the same refresh token (reuse is allowed by default).
    refreshed = together(*[lambda: refresh(url, tokens["refresh_token"])] * 2)
    assert [answer.status_code for answer in refreshed] == [200, 200], refreshed[0].text
    assert len(set(workers_for(url, "POST", TOKEN_PATH)[1:])) == 2
    renewed = refreshed[0].json()
    assert renewed["session_state"] == tokens["session_state"]

    form = {"client_id": CLIENT_ID, "refresh_token": renewed["refresh_token"]}
    assert requests.post(f"{url}{LOGOUT_PATH}", data=form, timeout=10).status_code == 204
    requests.delete(f"{url}/__admin/journal", timeout=10).raise_for_status()

    refused = together(
        lambda: infos(url, renewed["access_token"]), lambda: infos(url, tokens["access_token"])
    )
    assert [answer.status_code for answer in refused] == [401, 401]
    assert "Session not active" in refused[0].headers["WWW-Authenticate"]
    assert len(set(workers_for(url, "GET", INFOS_PATH))) == 2
    stale = together(*[lambda: refresh(url, refreshed[1].json()["refresh_token"])] * 2)
    assert [answer.json()["error_description"] for answer in stale] == ["Session not active"] * 2
    assert len(set(workers_for(url, "POST", TOKEN_PATH))) == 2


def test_a_fault_added_once_fires_in_every_worker(service: GunicornServer) -> None:
    url = service.url
    access_token = login(url)["access_token"]
    slow_down(url, INFOS_PATH, ["GET"])
    add_fault(url, pattern=INFOS_PATH, kind="status", status=503, retryAfter=1)

    answers = together(*[lambda: infos(url, access_token)] * 2)

    assert [answer.status_code for answer in answers] == [503, 503]
    journal = requests.get(f"{url}/__admin/journal", timeout=10).json()["requests"]
    faulted = [e for e in journal if e["path"] == INFOS_PATH]
    assert {e["fault"] for e in faulted} == {f"latency={OVERLAP_SECONDS:g},status=503"}
    assert len({e["worker"] for e in faulted}) == 2


def test_a_shared_fault_counts_matches_from_every_worker(service: GunicornServer) -> None:
    url = service.url
    access_token = login(url)["access_token"]
    slow_down(url, INFOS_PATH, ["GET"])
    add_fault(url, pattern=INFOS_PATH, kind="status", status=500, share=0.5)

    answers = [*together(*[lambda: infos(url, access_token)] * 2)]
    answers += together(*[lambda: infos(url, access_token)] * 2)

    # Error diffusion over the matches of both workers: exactly every second one fires.
    assert sorted(answer.status_code for answer in answers) == [200, 200, 500, 500]
    rules = requests.get(f"{url}/__admin/faults", timeout=10).json()["faults"]
    assert [rule["fired"] for rule in rules if rule["kind"] == "status"] == [2]


def test_logouts_and_revocations_survive_a_restart(tmp_path: Path) -> None:
    env = environment(tmp_path / "state.sqlite")
    server = GunicornServer(workers=2, env=env).start()
    try:
        url = server.url
        logged_out, revoked, live = login(url), login(url), login(url)
        form = {"client_id": CLIENT_ID, "refresh_token": logged_out["refresh_token"]}
        assert requests.post(f"{url}{LOGOUT_PATH}", data=form, timeout=10).status_code == 204
        form = {"client_id": CLIENT_ID, "token": revoked["access_token"]}
        assert requests.post(f"{url}{REVOKE_PATH}", data=form, timeout=10).status_code == 200
    finally:
        server.stop()

    restarted = GunicornServer(
        workers=2, env=env, port=server.port, extra_args=["--preload"], ready_line=None
    ).start()
    try:
        assert infos(url, logged_out["access_token"]).status_code == 401
        assert refresh(url, logged_out["refresh_token"]).json() == {
            "error": "invalid_grant",
            "error_description": "Session not active",
        }
        assert infos(url, revoked["access_token"]).status_code == 401
        # The revocation concerned the access token only: its session lives on.
        assert refresh(url, revoked["refresh_token"]).status_code == 200
        assert infos(url, live["access_token"]).status_code == 200
    finally:
        restarted.close()
        server.close()
