"""Shared pieces of the reliability tests: fake servers as separate processes, logins,
mission bodies, and the record of measured figures.

A server in its own process is what a user runs, and the only way to read its memory
use (``/proc/<pid>/status``) or to ``kill -9`` it.  Figures each test measures are
printed (``pytest -s`` shows them) and, when ``SPACESTUDIO_FIGURES`` names a file,
appended to it as JSON lines; docs/reliability.md quotes them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import requests

from fake_server.oidc import Account

#: Seconds a server process may take to print its banner.
START_TIMEOUT = 30.0


class ServerProcess:
    """``python -m fake_server`` in a child process, as a user starts it.

    ``env`` holds the ``.env`` lines its banner printed; ``url`` its base URL.
    """

    def __init__(self, *args: str, preexec: Any = None, cwd: Path | None = None) -> None:
        self.args = args
        environment = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fake_server", "--port", "0", "--log-level", "ERROR", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
            preexec_fn=preexec,
            cwd=cwd,
        )
        self.env: dict[str, str] = {}
        assert self.process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT
        for line in self.process.stdout:
            key, sep, value = line.strip().partition("=")
            if sep and key.isupper():
                self.env[key] = value
            if key == "CLIENT_ID" or time.monotonic() > deadline:
                break
        if "CLIENT_ID" not in self.env:
            self.process.kill()
            _, err = self.process.communicate(timeout=10)
            raise AssertionError(f"the fake server did not start: {err}")
        self.url = self.env["LOG_BASE_URL"]
        self.realm = self.env["SPACESTUDIO_REALM"]
        self.client_id = self.env["CLIENT_ID"]

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        """Whether the process runs and answers its health route."""
        if self.process.poll() is not None:
            return False
        try:
            answer = requests.get(f"{self.url}/__admin/health", timeout=10)
        except requests.RequestException:
            return False
        return answer.status_code == 200 and answer.json().get("status") == "UP"

    def memory_kib(self) -> dict[str, int]:
        """``VmRSS`` (now) and ``VmHWM`` (peak) of the process, in KiB."""
        figures: dict[str, int] = {}
        with open(f"/proc/{self.pid}/status", encoding="ascii") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    figures[name] = int(value.split()[0])
        return figures

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait(timeout=15)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        return code

    def stderr_text(self) -> str:
        """What the stopped process wrote to stderr."""
        if self.process.stderr is None or self.process.stderr.closed:
            return ""
        return self.process.stderr.read()


def serving_realm(
    tmp_path_factory: pytest.TempPathFactory, realm: dict[str, Any]
) -> Iterator[ServerProcess]:
    """A server on ``realm`` (a Keycloak realm export, written to a file of its own),
    stopped when the generator is closed: ``yield from`` it in a fixture."""
    path = tmp_path_factory.mktemp("realm") / "realm.json"
    path.write_text(json.dumps(realm))
    running = ServerProcess("--realm-file", str(path))
    yield running
    running.stop()


@pytest.fixture
def start_server() -> Iterator[type[ServerProcess]]:
    """Starts server processes; any still running at the end are killed."""
    started: list[ServerProcess] = []

    class Tracked(ServerProcess):
        def __init__(self, *args: str, preexec: Any = None, cwd: Path | None = None) -> None:
            super().__init__(*args, preexec=preexec, cwd=cwd)
            started.append(self)

    yield Tracked
    for server in started:
        if server.process.poll() is None:
            server.stop(signal.SIGKILL)


def user_flags(accounts: Sequence[Account]) -> list[str]:
    """``--user EMAIL:PASSWORD`` flags for ``accounts``."""
    flags: list[str] = []
    for account in accounts:
        flags += ["--user", f"{account.email}:{account.password}"]
    return flags


def token_answer(
    url: str, realm: str, client_id: str, account: Account, scope: str | None = None
) -> dict[str, Any]:
    """The token endpoint's JSON for a password grant of ``account``."""
    form = {
        "client_id": client_id,
        "grant_type": "password",
        "username": account.email,
        "password": account.password,
    }
    if scope is not None:
        form["scope"] = scope
    answer = requests.post(
        f"{url}/realms/{realm}/protocol/openid-connect/token", data=form, timeout=10
    )
    assert answer.status_code == 200, answer.text
    tokens: dict[str, Any] = answer.json()
    return tokens


class RawUser:
    """A user of the API over plain ``requests`` (no retries, nothing hidden)."""

    def __init__(self, url: str, realm: str, client_id: str, account: Account) -> None:
        self.url = url
        self.http = requests.Session()
        self.tokens = token_answer(url, realm, client_id, account)
        self.http.headers["Authorization"] = f"Bearer {self.tokens['access_token']}"
        self.user_id = account.user_id
        self.base = f"{url}/exoops/users/{self.user_id}"

    def __call__(self, method: str, path: str, **options: Any) -> requests.Response:
        options.setdefault("timeout", 30)
        return self.http.request(method, f"{self.base}/{path}", **options)

    def create(self, segment: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = self("POST", segment, json=body)
        assert answer.status_code == 200, answer.text
        created: dict[str, Any] = answer.json()
        return created


def orbit_body(name: str, altitude: float = 500e3) -> dict[str, Any]:
    return {
        "name": name,
        "type": "Circular",
        "sunSynchronousOrbit": True,
        "altitude": altitude,
        "ascendingNodeDefinitionType": "LTAN",
        "ltan": 36_000.0,
        "orbitDateTime": "2024-01-01T00:00:00Z",
    }


THRUSTER = {
    "name": "HET",
    "thrust": 0.02,
    "isp": 1500.0,
    "power": 300.0,
    "standbyPower": 5.0,
    "propellantMass": 5.0,
    "totalMass": 15.0,
}


def spacecraft_body(name: str, thruster: Any) -> dict[str, Any]:
    """A spacecraft carrying ``thruster`` (what get_propulsion_system returned)."""
    return {
        "name": name,
        "platformMass": 100.0,
        "platformPower": 500.0,
        "dutyCycle": 1.0,
        "dragModelDefined": True,
        "dragCoefficient": 2.2,
        "thruster": thruster,
    }


def transfer_body(name: str, orbit: Any, spacecraft: Any, **fields: Any) -> dict[str, Any]:
    """A small orbit raising: a few hours of thrust, hourly ephemerides."""
    return {
        "name": name,
        "type": "Orbital Transfer",
        "targetDefinition": "DELTA",
        "deltaSemiMajorAxis": 10e3,
        "deltaInclination": 0.0,
        "deltaEccentricity": 0.0,
        "initialOrbit": orbit,
        "spacecraft": spacecraft,
        "perturbations": ["DRAG"],
        "durationUntilPause": None,
        "maximumDuration": 30 * 86_400.0,
        "ephemeridesStepInSeconds": 3600.0,
        **fields,
    }


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` (0..1) percentile of ``values``, nearest-rank."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


class Figures:
    """Measured figures of one test: printed, and appended to ``$SPACESTUDIO_FIGURES``."""

    def __init__(self, test: str) -> None:
        self.test = test

    def record(self, what: str, **values: Any) -> None:
        line = {"test": self.test, "what": what, **values}
        print(f"\n[figures] {json.dumps(line)}")
        target = os.environ.get("SPACESTUDIO_FIGURES")
        if target:
            with Path(target).open("a", encoding="utf-8") as out:
                out.write(json.dumps(line) + "\n")


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Figures:
    return Figures(request.node.nodeid)
