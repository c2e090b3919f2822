"""The fake server over real HTTP on loopback: the seed's flow, faults, journal, OpenAPI,
and the same application mounted into ``responses``."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import responses

from fake_server.embedded import FakeServer, mount_in_responses
from fake_server.faults import FaultRule
from fake_server.oidc import Account
from spacestudio_contract.catalog import COLLECTIONS, GRIDFS_SEGMENT, RESULTS_SEGMENT

from .conftest import ALICE, NO_SCRIPTING

MISSIONS = "simulationrequests"


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with FakeServer(accounts=[ALICE, NO_SCRIPTING]) as running:
        yield running


@pytest.fixture(autouse=True)
def clean_faults(server: FakeServer) -> Iterator[None]:
    yield
    server.app.faults.clear()


class Session:
    """A raw HTTP user of the server, doing what the published client does."""

    def __init__(self, url: str, account: Account, client_id: str) -> None:
        self.http = requests.Session()
        token = self.http.post(
            f"{url}/realms/spacestudio-users/protocol/openid-connect/token",
            data={
                "client_id": client_id,
                "grant_type": "password",
                "username": account.email,
                "password": account.password,
            },
            timeout=10,
        )
        assert token.status_code == 200, token.text
        self.http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        infos = self.http.get(f"{url}/exoops/users/infos", timeout=10)
        assert infos.status_code == 200, infos.text
        self.user_id = infos.json()["id"]
        self.base = f"{url}/exoops/users/{self.user_id}"

    def __call__(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 10)
        return self.http.request(method, f"{self.base}/{path}", **kwargs)

    def create(self, segment: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self("POST", segment, json=body)
        assert response.status_code == 200, response.text
        created: dict[str, Any] = response.json()
        return created


@pytest.fixture
def user(server: FakeServer) -> Session:
    return Session(server.url, ALICE, server.client_id)


def orbit_body(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "type": "Circular",
        "sunSynchronousOrbit": True,
        "altitude": 500_000.0,
        "ascendingNodeDefinitionType": "LTAN",
        "ltan": 36_000.0,
        "orbitDateTime": "2024-01-01T00:00:00Z",
    }


def transfer_body(name: str, orbit: dict[str, Any], spacecraft: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "type": "Orbital Transfer",
        "targetDefinition": "DELTA",
        "deltaSemiMajorAxis": 20_000.0,
        "deltaInclination": 0.0,
        "deltaEccentricity": 0.0,
        "initialOrbit": orbit,
        "spacecraft": spacecraft,
        "perturbations": ["DRAG", "EARTH_POTENTIAL"],
        "durationUntilPause": None,
        "maximumDuration": 90 * 86_400.0,
        "ephemeridesStepInSeconds": 3600.0,
    }


def spacecraft_body(user: Session, name: str) -> dict[str, Any]:
    thruster = user.create(
        "propulsionsystemdefinitions",
        {
            "name": f"{name} thruster",
            "thrust": 0.001,
            "isp": 1000.0,
            "power": 60.0,
            "propellantMass": 1.0,
            "totalMass": 2.5,
        },
    )
    return user.create(
        "spacecraftdefinitions",
        {"name": name, "platformMass": 20.0, "platformPower": 80.0, "thruster": thruster},
    )


def wait_finished(user: Session, mission_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while (status := user("GET", f"{MISSIONS}/status/{mission_id}").json()) != -1:
        assert time.monotonic() < deadline, f"still {status}"
        time.sleep(0.01)
    log_id = user("GET", f"{MISSIONS}/{mission_id}").json()["computationLogId"]
    log: dict[str, Any] = user("GET", f"{RESULTS_SEGMENT}/{log_id}").json()
    return log


def test_the_seed_flow_over_http(user: Session) -> None:
    orbit = user.create("orbitdefinitions", orbit_body("SSO-500"))
    assert user("POST", "orbitdefinitions", json=orbit_body("SSO-500")).status_code == 409
    spacecraft = spacecraft_body(user, "sat")
    mission = user.create(MISSIONS, transfer_body("raise", orbit, spacecraft))
    listed = user("GET", MISSIONS).json()
    assert [m["displayedName"] for m in listed] == ["raise"]

    assert user("GET", f"{MISSIONS}/compute/{mission['id']}").status_code == 200
    log = wait_finished(user, mission["id"])
    assert log["errors"] == [], log["errors"]
    results = log["results"]
    rows, indexes = results["ephemerides"], results["fieldIndexes"]
    assert len(rows) > 2
    assert rows[-1][24] > rows[0][24]  # the semi-major axis rose

    filename = results["ephemeridesFileName"]
    with user("GET", f"{GRIDFS_SEGMENT}/ascsv/{filename}", stream=True) as download:
        assert download.status_code == 200
        body = b"".join(download.iter_content(8192))
        assert int(download.headers["Content-Length"]) == len(body)
    table = list(csv.reader(io.StringIO(body.decode())))
    assert table[0] == sorted(indexes, key=indexes.__getitem__)
    assert len(table) == 1 + len(rows)
    records = user("GET", f"{GRIDFS_SEGMENT}/csvasjson/{filename}").json()
    assert len(records) == len(rows)

    renamed = user("PUT", f"{MISSIONS}/{mission['id']}", json={**mission, "name": "raised"})
    assert renamed.json()["displayedName"] == "raised"
    assert user("DELETE", f"{MISSIONS}/{mission['id']}").status_code == 200
    assert user("GET", f"{MISSIONS}/{mission['id']}").status_code == 404


def test_pause_resume_and_merge_over_http(user: Session) -> None:
    orbit = user.create("orbitdefinitions", orbit_body("start"))
    spacecraft = spacecraft_body(user, "pausing sat")
    first = user.create(MISSIONS, transfer_body("A", orbit, spacecraft))
    user("POST", f"{MISSIONS}/compute_until_duration/{first['id']}", json=86_400.0)
    paused = wait_finished(user, first["id"])
    assert paused["results"]["maneuverReport"]["simulationDuration"] == pytest.approx(
        86_400.0, abs=1.0
    )
    resumed = user(
        "POST", f"{MISSIONS}/create_from_results/{first['id']}/B", json=paused["results"]
    )
    assert resumed.status_code == 200, resumed.text
    second = resumed.json()
    assert second["pausedParentMissionId"] == first["id"]
    user("GET", f"{MISSIONS}/compute/{second['id']}")
    wait_finished(user, second["id"])

    merged = user("GET", f"{MISSIONS}/create_merged_results/{first['id']}")
    assert merged.status_code == 200, merged.text
    rows = merged.json()["results"]["ephemerides"]
    assert rows[0][0] == 0
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)
    names = [m["name"] for m in user("GET", MISSIONS).json()]
    assert "A - merged" in names


def test_every_catalog_collection_is_in_the_openapi_document(server: FakeServer) -> None:
    document = requests.get(f"{server.url}/openapi.json", timeout=10).json()
    assert document["openapi"].startswith("3.1")
    paths = document["paths"]
    for spec in COLLECTIONS:
        assert f"/exoops/users/{{userId}}/{spec.segment}" in paths
        item = paths[f"/exoops/users/{{userId}}/{spec.segment}/{{objId}}"]
        assert set(item) >= {"get", "put", "delete", "parameters"}
        compute = f"/exoops/users/{{userId}}/{spec.segment}/compute/{{objId}}"
        assert (compute in paths) == spec.mission
        resume = (
            f"/exoops/users/{{userId}}/{spec.segment}/create_from_results/{{objId}}/{{newName}}"
        )
        assert (resume in paths) == spec.pausable
    assert f"/exoops/users/{{userId}}/{RESULTS_SEGMENT}/{{logId}}" in paths
    assert "/realms/{realm}/protocol/openid-connect/token" in paths
    operation_ids = [
        op["operationId"]
        for item in paths.values()
        for key, op in item.items()
        if key != "parameters"
    ]
    assert len(operation_ids) == len(set(operation_ids))


def test_no_scripting_account_is_refused(server: FakeServer) -> None:
    with pytest.raises(AssertionError, match="403"):
        Session(server.url, NO_SCRIPTING, server.client_id)


def test_a_status_fault_with_retry_after_from_the_admin_route(
    server: FakeServer, user: Session
) -> None:
    rule = requests.post(
        f"{server.url}/__admin/faults",
        json={"pattern": "/exoops/users/*/orbitdefinitions", "kind": "status", "status": 503,
              "retryAfter": 1, "times": 1},
        timeout=10,
    )  # fmt: skip
    assert rule.status_code == 201
    failed = user("GET", "orbitdefinitions")
    assert failed.status_code == 503
    assert failed.headers["Retry-After"] == "1"
    assert failed.json()["status"] == 503
    assert user("GET", "orbitdefinitions").status_code == 200  # times=1: once only
    listed = requests.get(f"{server.url}/__admin/faults", timeout=10).json()["faults"]
    assert listed[0]["fired"] == 1
    assert requests.delete(f"{server.url}/__admin/faults", timeout=10).status_code == 204
    assert requests.get(f"{server.url}/__admin/faults", timeout=10).json()["faults"] == []


def test_a_latency_fault_delays_the_answer(server: FakeServer, user: Session) -> None:
    server.app.faults.add(FaultRule(pattern="*/batterydefinitions", kind="latency", seconds=0.3))
    started = time.monotonic()
    assert user("GET", "batterydefinitions").status_code == 200
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    assert user("GET", "antennadefinitions").status_code == 200
    assert time.monotonic() - started < 0.3


def test_a_drop_fault_closes_the_connection_without_an_answer(
    server: FakeServer, user: Session
) -> None:
    added = requests.post(
        f"{server.url}/__admin/faults",
        json={"pattern": "*/payloaddefinitions", "kind": "drop", "methods": ["GET"]},
        timeout=10,
    ).json()
    with pytest.raises(requests.ConnectionError):
        user("GET", "payloaddefinitions")
    assert user("POST", "payloaddefinitions", json={"name": "ok"}).status_code == 200
    removed = requests.delete(f"{server.url}/__admin/faults/{added['id']}", timeout=10)
    assert removed.status_code == 204
    assert user("GET", "payloaddefinitions").status_code == 200
    assert requests.get(f"{server.url}/__admin/health", timeout=10).json()["status"] == "UP"


def test_bad_fault_rules_are_400(server: FakeServer) -> None:
    response = requests.post(f"{server.url}/__admin/faults", json={"kind": "drop"}, timeout=10)
    assert response.status_code == 400
    assert "pattern" in response.json()["message"]


def test_faults_given_at_start(user: Session) -> None:
    rule = FaultRule(pattern="*/launchdefinitions", kind="status", status=429, share=0.5)
    with FakeServer(accounts=[ALICE], faults=[rule]) as faulty:
        other = Session(faulty.url, ALICE, faulty.client_id)
        statuses = [other("GET", "launchdefinitions").status_code for _ in range(4)]
    assert statuses == [200, 429, 200, 429]


def test_the_journal_records_requests_without_secrets(server: FakeServer, user: Session) -> None:
    assert requests.delete(f"{server.url}/__admin/journal", timeout=10).status_code == 204
    user("POST", "groundstationdefinitions", json={"name": "Kiruna"})
    user("GET", "groundstationdefinitions/unknown")
    journal = requests.get(f"{server.url}/__admin/journal", timeout=10)
    entries = journal.json()["requests"]
    assert [(e["method"], e["status"]) for e in entries] == [("POST", 200), ("GET", 404)]
    assert entries[0]["path"].endswith("/groundstationdefinitions")
    assert all(e["durationMs"] >= 0 and e["time"] for e in entries)
    assert "Bearer" not in journal.text
    assert ALICE.password not in journal.text


def test_mounted_in_responses_the_same_app_answers_without_a_socket(server: FakeServer) -> None:
    base = "http://fake.spacestudio.test"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mount_in_responses(server.app, base, mock)
        user = Session(base, ALICE, server.client_id)
        created = user.create("earthmeshdefinitions", {"name": "Europe"})
        assert user("GET", f"earthmeshdefinitions/{created['id']}").json() == created
        assert user("GET", "earthmeshdefinitions/nope").status_code == 404
        server.app.faults.add(FaultRule(pattern="*/earthmeshdefinitions", kind="drop", times=1))
        with pytest.raises(requests.ConnectionError):
            user("GET", "earthmeshdefinitions")
        # Same store: the object is there over real HTTP too (another issuer, another login).
    over_http = Session(server.url, ALICE, server.client_id)
    assert created["id"] in [o["id"] for o in over_http("GET", "earthmeshdefinitions").json()]


def test_env_points_a_script_at_the_server(server: FakeServer) -> None:
    env = server.env()
    assert env["LOG_BASE_URL"] == server.url
    assert env["SPACESTUDIO_AUTH_URL"] == server.url
    assert (env["LOG_MAIL"], env["LOG_PASSWORD"]) == (ALICE.email, ALICE.password)
    assert env["CLIENT_ID"] == "spacestudio-scripting"
    assert not server.url.endswith("/")


def test_bodies_over_16_mib_are_refused_with_413(user: Session) -> None:
    blob = "x" * (16 * 1024 * 1024 + 10)
    response = user("POST", "antennadefinitions", data=f'{{"name": "big", "blob": "{blob}"}}',
                    headers={"Content-Type": "application/json"})  # fmt: skip
    assert response.status_code == 413
    assert response.json()["status"] == 413
