"""The client through a misbehaving network: latency, 503s with Retry-After and dropped
connections, injected by the fake server's fault rules.

A seed-style script finishes; reads are retried, creates never are (the journal shows
exactly one POST per create and the store exactly one object); and what cannot be done
is reported saying whether it may have happened.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import spacestudio
from fake_server.embedded import FakeServer
from fake_server.faults import FaultRule
from fake_server.oidc import Account
from spacestudio import Client, RetryPolicy, ServerError, TransportError, set_default_client

from .conftest import THRUSTER, Figures, orbit_body, spacecraft_body, transfer_body

ALICE = Account("alice@faults.test", "alice-faults-password")
USER_PATH = f"/exoops/users/{ALICE.user_id}"
LISTINGS = rf"^{USER_PATH}/[a-z]+$"  # a collection itself: listings and creates


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer(accounts=[ALICE], compute_seconds=0.3) as running:
        yield running
    set_default_client(None)


def connect(server: FakeServer, **options: Any) -> Client:
    options.setdefault("retry", RetryPolicy(max_attempts=8, backoff=0.01, max_backoff=0.1))
    return spacestudio.connect(
        server.url, ALICE.email, ALICE.password, server.client_id,
        auth_url=server.auth_url, realm=server.realm, progress=False, poll_interval=0.05,
        **options,
    )  # fmt: skip


def journal_posts(server: FakeServer) -> Counter[str]:
    return Counter(
        entry.path.rsplit("/", 1)[-1]
        for entry in server.app.journal.entries()
        if entry.method == "POST" and entry.path.startswith(USER_PATH)
    )


def test_a_seed_script_finishes_through_latency_503s_and_drops(
    server: FakeServer, tmp_path: Path, figures: Figures
) -> None:
    rules = [
        FaultRule(pattern="/exoops/*", kind="latency", seconds=0.02, share=0.5),
        FaultRule(pattern=LISTINGS, regex=True, kind="status", status=503, retry_after="0.05",
                  share=0.3, methods=frozenset({"GET"})),
        FaultRule(pattern=LISTINGS, regex=True, kind="drop", share=0.2,
                  methods=frozenset({"GET"})),
        FaultRule(pattern="*/status/*", kind="drop", share=0.3),
        FaultRule(pattern="*/computationlogs/*", kind="status", status=502, times=2),
        FaultRule(pattern="*/gridfs/*", kind="drop", share=0.5),
        FaultRule(pattern=f"{USER_PATH}/orbitdefinitions/*", kind="status", status=503,
                  retry_after="0", share=0.5, methods=frozenset({"PUT", "DELETE"})),
        FaultRule(pattern="*/openid-connect/token", kind="latency", seconds=0.05),
    ]  # fmt: skip
    for rule in rules:
        server.app.faults.add(rule)
    started = time.monotonic()
    connect(server)
    sim = spacestudio.simulation
    sim.create_orbit(orbit_body("SSO-500"))
    orbit = sim.get_orbit("SSO-500")
    sim.create_propulsion_system(THRUSTER)
    thruster = sim.get_propulsion_system("HET")
    sim.create_spacecraft(spacecraft_body("sat", thruster))
    spacecraft = sim.get_spacecraft("sat")
    sim.create_mission(transfer_body("raise", orbit, spacecraft))
    sim.compute_mission("raise")
    results = sim.wait_and_get_mission_results("raise")["results"]
    sim.create_orbit({**results["finalOrbit"], "name": "final"})
    sim.modify_orbit("final", {**results["finalOrbit"], "name": "final", "x": 1})
    assert (sim.get_orbit("final") or {}).get("x") == 1
    assert sim.delete_orbit("SSO-500") is True
    saved = spacestudio.gridfs.save_csv_file_to_disk(
        results["ephemeridesFileName"], tmp_path / "e.csv"
    )
    rows = spacestudio.gridfs.get_csv_as_json_object(results["ephemeridesFileName"])
    took = time.monotonic() - started

    assert saved.read_text().count("\n") == len(rows) + 1  # header + every row, whole
    fired = {f"{rule.kind} {rule.pattern}": rule.fired for rule in server.app.faults.rules()}
    assert all(count > 0 for count in fired.values()), [k for k, v in fired.items() if not v]
    # Every create was sent once and stored once.
    assert journal_posts(server) == {
        "orbitdefinitions": 2, "propulsionsystemdefinitions": 1, "spacecraftdefinitions": 1,
        "simulationrequests": 1,
    }  # fmt: skip
    store = server.app.store
    assert [o["name"] for o in store.list_objects(ALICE.user_id, "orbitdefinitions")] == ["final"]
    assert len(store.list_objects(ALICE.user_id, "simulationrequests")) == 1
    computes = [e for e in server.app.journal.entries() if "/compute/" in e.path]
    assert len(computes) == 1
    figures.record(
        "seed script through faults",
        faults_fired=sum(fired.values()),
        by_rule=fired,
        requests=len(server.app.journal.entries()),
        seconds=round(took, 2),
    )


def test_a_create_whose_connection_drops_is_not_repeated_and_says_it_may_have_happened(
    server: FakeServer,
) -> None:
    client = connect(server)
    server.app.faults.add(
        FaultRule(pattern=f"{USER_PATH}/orbitdefinitions", kind="drop", methods=frozenset({"POST"}))
    )
    with pytest.raises(TransportError) as raised:
        client.simulation.orbits.create(orbit_body("dropped"))
    message = str(raised.value)
    assert "may or may not have carried out this POST" in message
    assert f"POST {server.url}{USER_PATH}/orbitdefinitions" in message
    assert "get_all_" in message
    assert journal_posts(server) == {"orbitdefinitions": 1}
    assert server.app.store.list_objects(ALICE.user_id, "orbitdefinitions") == []


def test_a_create_slower_than_the_timeout_is_stored_once_and_reported(server: FakeServer) -> None:
    client = connect(server, timeout=(5.0, 0.3))
    server.app.faults.add(
        FaultRule(pattern=f"{USER_PATH}/orbitdefinitions", kind="latency", seconds=1.0,
                  methods=frozenset({"POST"}), times=1)
    )  # fmt: skip
    with pytest.raises(TransportError) as raised:
        client.simulation.orbits.create(orbit_body("slow"))
    message = str(raised.value)
    assert message.startswith("The service did not answer in time")
    assert "may or may not have carried out this POST" in message
    # The server carried on and stored it: exactly once, as the one POST it received. The
    # slow POST is the last the server finishes: a repeat, sent before the client gave up
    # and without latency (the rule fired once), would be in the journal before it.
    deadline = time.monotonic() + 5
    while not any(
        entry.method == "POST" and entry.fault == "latency=1"
        for entry in server.app.journal.entries()
    ):
        assert time.monotonic() < deadline, "the slow create never landed"
        time.sleep(0.05)
    assert [o["name"] for o in client.simulation.orbits.all()] == ["slow"]
    assert journal_posts(server) == {"orbitdefinitions": 1}


def test_starting_a_computation_is_not_repeated_when_its_connection_drops(
    server: FakeServer,
) -> None:
    client = connect(server)
    orbit = client.simulation.orbits.create(orbit_body("o"))
    craft = client.simulation.spacecrafts.create(spacecraft_body("s", THRUSTER))
    client.simulation.missions.create(transfer_body("m", orbit, craft))
    server.app.faults.add(FaultRule(pattern="*/compute/*", kind="drop"))
    with pytest.raises(TransportError, match="may or may not have carried out this GET"):
        client.simulation.missions.compute("m")
    assert len([e for e in server.app.journal.entries() if "/compute/" in e.path]) == 1


def test_a_service_that_stays_unavailable_is_reported_after_bounded_retries(
    server: FakeServer,
) -> None:
    client = connect(server, retry=RetryPolicy(max_attempts=4, backoff=0.01))
    server.app.faults.add(
        FaultRule(pattern=LISTINGS, regex=True, kind="status", status=503, retry_after="0.01",
                  methods=frozenset({"GET"}))
    )  # fmt: skip
    with pytest.raises(ServerError) as raised:
        client.simulation.orbits.all()
    assert raised.value.status == 503
    assert f"GET {server.url}{USER_PATH}/orbitdefinitions, HTTP 503" in str(raised.value)
    listings = [e for e in server.app.journal.entries() if e.path.endswith("/orbitdefinitions")]
    assert len(listings) == 4
