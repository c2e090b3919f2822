"""The client against the fake backend over real HTTP on loopback: scripts as users run them."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import spacestudio
from fake_server.embedded import FakeServer
from fake_server.faults import FaultRule
from fake_server.oidc import Account
from spacestudio import Client, RetryPolicy
from tests.support.samples import HALL_THRUSTER as THRUSTER
from tests.support.samples import SSO_600 as ORBIT

ALICE = Account("alice@example.test", "alice-password")
BOB = Account("bob@example.test", "bob-password")
VIEWER = Account("viewer@example.test", "viewer-password", scripting=False)


SEED_SCRIPT = textwrap.dedent(
    """
    from dotenv import load_dotenv
    load_dotenv()
    import spacestudio

    spacestudio.connect(spacestudio.log_base_url, spacestudio.log_mail,
                        spacestudio.log_password)
    spacestudio.simulation.create_orbit(ORBIT)
    orbit = spacestudio.simulation.get_orbit("SSO-600")
    spacestudio.simulation.create_propulsion_system(THRUSTER)
    thruster = spacestudio.simulation.get_propulsion_system("HET")
    spacestudio.simulation.create_spacecraft({
        "name": "sat", "platformMass": 100, "platformPower": 500,
        "onBoardAveragePower": 100, "dutyCycle": 1, "powerSystemDefined": False,
        "dragModelDefined": True, "dragCoefficient": 2.2, "srpModelDefined": False,
        "attitudeModelDefined": False, "thruster": thruster,
    })
    spacecraft = spacestudio.simulation.get_spacecraft("sat")
    spacestudio.simulation.create_mission({
        "name": "raise", "type": "Orbital Transfer", "targetDefinition": "DELTA",
        "deltaSemiMajorAxis": 10e3, "deltaInclination": 0, "deltaEccentricity": 0,
        "spacecraft": spacecraft, "initialOrbit": orbit, "perturbations": ["DRAG"],
        "propagationType": "NUMERICAL", "durationUntilPause": None,
        "maximumDuration": 30 * 86400, "ephemeridesStepInSeconds": 3600,
        "withEclipse": True, "attitudeAndSystemSimulated": False,
    })
    spacestudio.simulation.compute_mission("raise")
    results = spacestudio.simulation.wait_and_get_mission_results("raise")["results"]
    spacestudio.simulation.create_orbit({**results["finalOrbit"], "name": "final"})
    print(results["initialOrbit"]["altitude"], results["finalOrbit"]["altitude"],
          spacestudio.simulation.get_orbit("final")["altitude"])
    """
)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with FakeServer(accounts=[ALICE, BOB, VIEWER]) as running:
        yield running


def _connect(server: FakeServer, account: Account = ALICE, **options: Any) -> Client:
    options.setdefault("progress", False)
    return Client(
        server.url,
        account.email,
        account.password,
        server.client_id,
        auth_url=server.auth_url,
        realm=server.realm,
        **options,
    )


def test_a_seed_script_runs_unchanged_with_a_dotenv_file(tmp_path: Path) -> None:
    with FakeServer() as server:
        settings = "\n".join(f"{key}={value}" for key, value in server.env().items())
        (tmp_path / ".env").write_text(settings + "\n")
        script = f"ORBIT = {ORBIT!r}\nTHRUSTER = {THRUSTER!r}\n{SEED_SCRIPT}"
        (tmp_path / "transfer.py").write_text(script)
        environment = {
            key: value
            for key, value in os.environ.items()
            if key not in server.env() and key != "VERIFY_SSL_CERTIFICATE"
        }
        finished = subprocess.run(
            [sys.executable, "transfer.py"],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert finished.returncode == 0, finished.stderr
    initial, final, stored = (float(value) for value in finished.stdout.split())
    assert initial == pytest.approx(600e3)
    assert final == pytest.approx(610e3, abs=100)
    assert stored == final
    # No bar when stderr is not a terminal: plain lines telling the wait, for a log.
    assert "\r" not in finished.stderr
    assert finished.stderr.splitlines()[-1].startswith(
        "simulation mission 'raise': computed, after waiting"
    )


def test_the_module_functions_run_on_the_client_connect_made(server: FakeServer) -> None:
    client = spacestudio.connect(
        server.url,
        ALICE.email,
        ALICE.password,
        server.client_id,
        auth_url=server.auth_url,
        progress=False,
    )
    assert spacestudio.default_client() is client
    spacestudio.simulation.delete_orbit("module-level")
    created = spacestudio.simulation.create_orbit({**ORBIT, "name": "module-level"})
    assert created["displayedName"] == "module-level"
    assert spacestudio.simulation.get_orbit("module-level") == created
    spacestudio.simulation.modify_orbit(created, {**ORBIT, "name": "module-level", "ltan": 0})
    modified = spacestudio.simulation.get_orbit("module-level")
    assert modified is not None and modified["ltan"] == 0
    spacestudio.simulation.delete_orbit("module-level")
    assert spacestudio.simulation.get_orbit("module-level") is None
    spacestudio.simulation.delete_orbit("module-level")  # already gone: nothing happens


def test_wrong_password_is_an_authentication_error(server: FakeServer) -> None:
    with pytest.raises(spacestudio.AuthenticationError) as raised:
        _connect(server, Account(ALICE.email, "not-the-password"))
    assert raised.value.server_message
    assert "not-the-password" not in str(raised.value)


def test_an_account_without_scripting_is_told_so(server: FakeServer) -> None:
    with pytest.raises(spacestudio.ScriptingNotEnabledError):
        _connect(server, VIEWER)


def test_a_duplicate_name_is_a_conflict(server: FakeServer) -> None:
    client = _connect(server)
    client.simulation.orbits.delete("twice")
    client.simulation.orbits.create({**ORBIT, "name": "twice"})
    with pytest.raises(spacestudio.ConflictError) as raised:
        client.simulation.orbits.create({**ORBIT, "name": "twice"})
    assert raised.value.status == 409
    assert "twice" in (raised.value.server_message or "")


def test_two_accounts_in_one_process_stay_apart(server: FakeServer) -> None:
    alice, bob = _connect(server, ALICE), _connect(server, BOB)
    assert alice.user_id != bob.user_id
    alice.simulation.orbits.delete("alice's orbit")
    alice.simulation.orbits.create({**ORBIT, "name": "alice's orbit"})
    assert alice.simulation.orbits.get("alice's orbit") is not None
    assert bob.simulation.orbits.get("alice's orbit") is None
    assert alice.access_token != bob.access_token


def test_tokens_from_the_server_are_refreshed_before_they_expire() -> None:
    clock = _Clock()
    with FakeServer(token_lifetime=60, clock=clock) as server:
        client = _connect(server, server.account, clock=clock)
        first = client.access_token
        clock.now += 45  # 15 s left of 60: inside the margin (half the lifetime, 30 s)
        assert client.simulation.orbits.all() == []
        assert client.access_token != first
        grants = [e for e in server.app.journal.entries() if e.path.endswith("/token")]
        assert len(grants) == 2


class _Clock:
    """Wall-clock time that tests move forward by hand."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def test_pause_resume_merge_and_clean_up(server: FakeServer) -> None:
    client = _connect(server, poll_interval=0.01)
    missions = client.simulation.missions
    for name in ("leg 1", "leg 2", "leg 1 - merged"):
        missions.delete(name)
    for orbit in client.simulation.orbits.all():
        if orbit["displayedName"] in ("pause-start",):
            client.simulation.orbits.delete(orbit["displayedName"])
    client.simulation.orbits.create({**ORBIT, "name": "pause-start"})
    client.simulation.propulsion_systems.delete("pause-HET")
    client.simulation.propulsion_systems.create({**THRUSTER, "name": "pause-HET"})
    client.simulation.spacecrafts.delete("pause-sat")
    client.simulation.spacecrafts.create(
        {
            "name": "pause-sat",
            "platformMass": 100,
            "platformPower": 500,
            "dragModelDefined": False,
            "thruster": client.simulation.propulsion_systems.get("pause-HET"),
        }
    )
    missions.create(
        {
            "name": "leg 1",
            "type": "Orbital Transfer",
            "targetDefinition": "DELTA",
            "deltaSemiMajorAxis": 20e3,
            "deltaInclination": 0,
            "deltaEccentricity": 0,
            "spacecraft": client.simulation.spacecrafts.get("pause-sat"),
            "initialOrbit": client.simulation.orbits.get("pause-start"),
            "maximumDuration": 30 * 86400,
            "ephemeridesStepInSeconds": 3600,
        }
    )
    missions.compute_until_duration("leg 1", 7200)
    paused = missions.wait_for_results("leg 1")
    assert paused["results"]["maneuverReport"]["simulationDuration"] == pytest.approx(7200, abs=1)

    missions.create_from_paused_results("leg 1", "leg 2")
    missions.compute("leg 2")
    assert missions.wait_for_results("leg 2")["results"]["maneuverReport"]
    merged = missions.merged_results("leg 1")
    assert merged["results"]["maneuverReport"]["simulationDuration"] > 7200
    assert missions.get("leg 1 - merged") is not None

    deleted = missions.delete_intermediate_objects("leg 1")
    assert deleted >= 1
    assert missions.get("leg 2") is None
    assert missions.get("leg 1") is not None


def test_ephemerides_download_over_http(server: FakeServer, tmp_path: Path) -> None:
    client = _connect(server, poll_interval=0.01)
    results = _finished_transfer(client, "download")
    filename = results["results"]["ephemeridesFileName"]
    target = client.gridfs.save_csv(filename, tmp_path / "ephemerides.csv")
    header, *rows = target.read_text().splitlines()
    assert len(header.split(",")) == len(results["results"]["fieldIndexes"])
    assert len(rows) == len(results["results"]["ephemerides"])
    assert client.gridfs.save_json(filename, tmp_path / "e.json").stat().st_size > 0
    assert len(client.gridfs.csv_as_json(filename)) == len(rows)


def _finished_transfer(client: Client, name: str) -> dict[str, Any]:
    simulation = client.simulation
    simulation.missions.delete(name)
    simulation.orbits.delete(f"{name}-orbit")
    simulation.orbits.create({**ORBIT, "name": f"{name}-orbit"})
    simulation.propulsion_systems.delete(f"{name}-HET")
    simulation.propulsion_systems.create({**THRUSTER, "name": f"{name}-HET"})
    simulation.missions.create(
        {
            "name": name,
            "type": "Orbital Transfer",
            "targetDefinition": "DELTA",
            "deltaSemiMajorAxis": 5e3,
            "spacecraft": {
                "name": f"{name}-sat",
                "platformMass": 100,
                "thruster": simulation.propulsion_systems.get(f"{name}-HET"),
            },
            "initialOrbit": simulation.orbits.get(f"{name}-orbit"),
            "maximumDuration": 30 * 86400,
            "ephemeridesStepInSeconds": 3600,
        }
    )
    simulation.missions.compute(name)
    return simulation.missions.wait_for_results(name)


def test_retry_after_503_from_the_server(server: FakeServer) -> None:
    client = _connect(server, retry=RetryPolicy(max_attempts=3, backoff=0.01))
    rule = server.app.faults.add(
        FaultRule("*/orbitdefinitions", "status", status=503, times=2, retry_after="0")
    )
    try:
        assert isinstance(client.simulation.orbits.all(), list)
        assert rule.fired == 2
    finally:
        server.app.faults.clear()


def test_proxies_from_the_environment_are_honoured_no_proxy_included(
    server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A proxy on a closed loopback port: a client that uses it cannot reach the server.
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with pytest.raises(spacestudio.errors.TransportError):
        _connect(server, retry=RetryPolicy(max_attempts=1))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    client = _connect(server)
    assert client.simulation.orbits.all() == client.simulation.orbits.all()
