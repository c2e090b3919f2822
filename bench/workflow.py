"""The sessions the benchmarks run, and the ways to run them: live, recorded, replayed.

A session is a function of a connected :class:`~spacestudio.Client` (the seed-style module
functions use the client :func:`spacestudio.connect` made). It runs live against a
:class:`~fake_server.embedded.FakeServer` on loopback, is recorded into a cassette in a
temporary directory, and is replayed from it, so every figure measures the code as it is
now. The same session is also recorded and replayed with what a user would otherwise
pick: plain vcrpy with its default YAML cassette, and the ``responses`` recorder.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import responses
import vcr
from responses import _recorder
from responses.registries import OrderedRegistry

import spacestudio
from fake_server.config import ServerConfig
from fake_server.embedded import FakeServer
from spacestudio import Client, pacing
from spacestudio.cassettes import REPLAY_SETTINGS, Scrubber, use_cassette
from tests.support.samples import HALL_THRUSTER as THRUSTER
from tests.support.samples import SMALL_SATELLITE as SPACECRAFT
from tests.support.samples import SSO_600 as ORBIT
from tests.support.samples import orbit_raising_mission

Session = Callable[[Client], object]

DAY = 86400.0


def station_keeping_mission(name: str, days: float, step: float) -> dict[str, Any]:
    """A LEO station-keeping mission of ``days`` days with one ephemeris row per ``step`` s."""
    return {
        "name": name,
        "type": "LEO Station Keeping",
        "smaTopMargin": 500,
        "smaBottomMargin": 500,
        "duration": days * DAY,
        "spacecraft": {**SPACECRAFT, "thruster": THRUSTER},
        "initialOrbit": ORBIT,
        "perturbations": ["DRAG", "EARTH_POTENTIAL"],
        "propagationType": "NUMERICAL",
        "durationUntilPause": None,
        "maximumDuration": days * DAY,
        "ephemeridesStepInSeconds": step,
        "withEclipse": True,
        "attitudeAndSystemSimulated": False,
    }


def seed_workflow(client: Client) -> dict[str, Any]:
    """A seed-style script: a dozen CRUD calls, one computation waited for, its results.

    Uses the module functions of the published client, which act through the client
    :func:`spacestudio.connect` made last (``client`` is that client).
    """
    simulation = spacestudio.simulation
    simulation.create_orbit(ORBIT)
    orbit = simulation.get_orbit("SSO-600")
    simulation.create_propulsion_system(THRUSTER)
    thruster = simulation.get_propulsion_system("HET")
    simulation.create_spacecraft({**SPACECRAFT, "thruster": thruster})
    spacecraft = simulation.get_spacecraft("sat")
    simulation.create_mission(orbit_raising_mission(spacecraft, orbit))
    simulation.compute_mission("raise")
    results: dict[str, Any] = simulation.wait_and_get_mission_results("raise")["results"]
    if not results["finalOrbit"]["altitude"] > results["initialOrbit"]["altitude"]:
        raise AssertionError("the orbit raising did not raise the orbit")
    simulation.create_orbit({**results["finalOrbit"], "name": "final"})
    simulation.modify_orbit(ORBIT, {**ORBIT, "altitude": 650e3})
    simulation.get_orbit("SSO-600")
    simulation.delete_orbit("final")
    simulation.get_all_orbits()
    return results


def reset_user_objects(server: FakeServer) -> None:
    """Delete every object the server's first account owns (so a session can run again)."""
    with connected(Backend.of(server)) as client:
        for namespace in (
            client.simulation,
            client.constellation,
            client.deployment,
            client.parametric_study,
            client.formation_flying,
            client.inspection,
        ):
            for collection in namespace:
                for item in collection.all():
                    client.call("DELETE", f"{collection.url}/{item['id']}")


@dataclass(frozen=True)
class Backend:
    """What a client connects with: a fake server's settings, or a replay's placeholders."""

    url: str
    auth_url: str
    mail: str
    password: str
    client_id: str

    @classmethod
    def of(cls, server: FakeServer) -> Backend:
        return cls(
            server.url,
            server.auth_url,
            server.account.email,
            server.account.password,
            server.client_id,
        )

    @classmethod
    def replayed(cls) -> Backend:
        return cls(
            REPLAY_SETTINGS["LOG_BASE_URL"],
            REPLAY_SETTINGS["SPACESTUDIO_AUTH_URL"],
            REPLAY_SETTINGS["LOG_MAIL"],
            REPLAY_SETTINGS["LOG_PASSWORD"],
            REPLAY_SETTINGS["CLIENT_ID"],
        )

    def connect(self) -> Client:
        """Log in as a script does (``spacestudio.connect``), with the client's defaults."""
        return spacestudio.connect(
            self.url,
            self.mail,
            self.password,
            self.client_id,
            auth_url=self.auth_url,
            progress=False,
        )

    def scrubber(self) -> Scrubber:
        return Scrubber(
            api_url=self.url,
            auth_url=self.auth_url,
            mail=self.mail,
            password=self.password,
            client_id=self.client_id,
        )


@contextlib.contextmanager
def connected(backend: Backend) -> Iterator[Client]:
    client = backend.connect()
    try:
        yield client
    finally:
        client.close()
        spacestudio.set_default_client(None)


def run_session(backend: Backend, session: Session) -> object:
    """Connect to ``backend`` and run ``session`` (login included, as a script would)."""
    with connected(backend) as client:
        return session(client)


def fake_server(*, live_compute_time: bool = False) -> FakeServer:
    """A fake server on loopback; with ``live_compute_time``, the computation time that
    ``spacestudio-fake-server`` uses by default (the embedded one finishes at once)."""
    seconds = ServerConfig().compute_seconds if live_compute_time else 0.0
    return FakeServer(compute_seconds=seconds)


# -- the harness's cassettes ---------------------------------------------------------------


def record(path: Path, server: FakeServer, session: Session) -> None:
    """Record ``session`` against ``server`` into the cassette ``path``."""
    backend = Backend.of(server)
    with use_cassette(path, record=True, scrubber=backend.scrubber()):
        run_session(backend, session)


def replay(path: Path, session: Session) -> object:
    """Replay ``session`` from the cassette ``path``: offline, no waiting."""
    backend = Backend.replayed()
    with use_cassette(path, scrubber=backend.scrubber()):
        return run_session(backend, session)


# -- what a user would otherwise pick ------------------------------------------------------


def plain_vcr() -> vcr.VCR:
    """vcrpy as its documentation sets it up: default YAML serializer and matching."""
    return vcr.VCR(record_mode="once")


def record_with_plain_vcr(path: Path, server: FakeServer, session: Session) -> None:
    with plain_vcr().use_cassette(str(path), record_mode="all"):
        run_session(Backend.of(server), session)


def replay_with_plain_vcr(path: Path, backend: Backend, session: Session) -> object:
    """Replay from a plain vcrpy cassette. vcrpy knows nothing of the client's status
    polling, so the client waits between polls as long as it did live."""
    with plain_vcr().use_cassette(str(path), record_mode="none"):
        return run_session(backend, session)


def record_with_responses(path: Path, server: FakeServer, session: Session) -> None:
    recorder = _recorder.Recorder()
    with recorder:
        run_session(Backend.of(server), session)
        recorder.dump_to_file(path, registered=recorder.get_registry().registered)


def replay_with_responses(path: Path, backend: Backend, session: Session) -> object:
    """Replay from a ``responses`` recorder file, in recorded order, waits skipped."""
    with responses.RequestsMock(registry=OrderedRegistry) as mock, pacing.instant():
        mock._add_from_file(path)
        return run_session(backend, session)
