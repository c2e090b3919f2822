"""Many clients at once against one server process: creating, listing, deleting and
computing for a while; afterwards no error, and the server holds exactly what each client
was told it created (nothing lost, nothing doubled).  Latency percentiles are reported,
never asserted: they depend on the machine.

The short variant runs a few seconds in ``make test``; ``--run-slow`` adds a soak of
minutes on the SQLite store.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from fake_server.oidc import Account
from spacestudio import Client, RetryPolicy

from .conftest import (
    THRUSTER,
    Figures,
    ServerProcess,
    orbit_body,
    percentile,
    spacecraft_body,
    transfer_body,
    user_flags,
)

CLIENTS = 16
#: Clients 0..SHARING-1 share one account; the others have one each.
SHARING = 4


@dataclass
class Worker:
    """What one client did and what the server acknowledged to it."""

    number: int
    account: Account
    orbits: dict[str, str] = field(default_factory=dict)  # id -> name, still there
    deleted: set[str] = field(default_factory=set)
    missions: dict[str, str] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)  # seconds, per HTTP request
    operations: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def timed(self, kind: str, action: Callable[..., Any], *args: Any) -> Any:
        started = time.perf_counter()
        result = action(*args)
        self.operations.setdefault(kind, []).append(time.perf_counter() - started)
        return result


def accounts() -> list[Account]:
    shared = Account("shared@load.test", "shared-load-password")
    own = [Account(f"client{n}@load.test", f"load-password-{n}") for n in range(SHARING, CLIENTS)]
    return [shared, *own]


def account_of(number: int, all_accounts: list[Account]) -> Account:
    return all_accounts[0] if number < SHARING else all_accounts[number - SHARING + 1]


def connect(server: ServerProcess, account: Account, worker: Worker | None = None) -> Client:
    session = requests.Session()
    if worker is not None:
        session.hooks["response"].append(
            lambda response, *args, **kwargs: worker.latencies.append(
                response.elapsed.total_seconds()
            )
        )
    return Client(
        server.url, account.email, account.password, server.client_id,
        auth_url=server.url, realm=server.realm, progress=False, poll_interval=0.05,
        computation_timeout=60, retry=RetryPolicy(max_attempts=1), session=session,
    )  # fmt: skip


def work(
    server: ServerProcess, worker: Worker, deadline: list[float], start: threading.Barrier
) -> None:
    """Log in, then create, list, delete and compute until ``deadline[0]`` (set when all
    clients are ready)."""
    try:
        client = connect(server, worker.account, worker)
        prefix = f"client {worker.number}"
        thruster = client.simulation.propulsion_systems.create(
            {**THRUSTER, "name": f"{prefix} HET"}
        )
        craft = client.simulation.spacecrafts.create(spacecraft_body(f"{prefix} sat", thruster))
        orbits, missions = client.simulation.orbits, client.simulation.missions
        start.wait()
        step = 0
        while time.monotonic() < deadline[0]:
            step += 1
            name = f"{prefix} orbit {step}"
            created = worker.timed("create", orbits.create, orbit_body(name))
            worker.orbits[created["id"]] = name
            if step % 4 == 0:
                listed = worker.timed("list", orbits.all)
                ids = {obj["id"] for obj in listed}
                missing = set(worker.orbits) - ids
                if missing:
                    worker.errors.append(f"step {step}: created orbits missing: {missing}")
            if step % 5 == 0:
                oldest = next(iter(worker.orbits))
                worker.timed("delete", orbits.delete, worker.orbits[oldest])
                del worker.orbits[oldest]
                worker.deleted.add(oldest)
            if step % 6 == 0:
                mission_name = f"{prefix} mission {step}"
                body = transfer_body(mission_name, created, craft)
                mission = worker.timed("create", missions.create, body)
                worker.missions[mission["id"]] = mission_name
                worker.timed("compute", missions.compute, mission_name)
                results = worker.timed("wait+results", missions.wait_for_results, mission_name)
                if "finalOrbit" not in (results.get("results") or {}):
                    worker.errors.append(f"{mission_name}: results without finalOrbit")
        client.close()
    except Exception as error:  # every failure is a finding, reported below
        worker.errors.append(f"{type(error).__name__}: {error}")


def run_load(server: ServerProcess, seconds: float, figures: Figures, store: str) -> None:
    all_accounts = accounts()
    workers = [Worker(n, account_of(n, all_accounts)) for n in range(CLIENTS)]
    deadline: list[float] = []
    # The clock starts once every client has logged in (the barrier's action).
    start = threading.Barrier(CLIENTS, action=lambda: deadline.append(time.monotonic() + seconds))
    threads = [
        threading.Thread(target=work, args=(server, worker, deadline, start), daemon=True)
        for worker in workers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    began = deadline[0] - seconds if deadline else time.monotonic()
    elapsed = time.monotonic() - began
    errors = [f"client {w.number}: {e}" for w in workers for e in w.errors]
    assert errors == []
    assert not any(thread.is_alive() for thread in threads)

    # The server holds exactly what was acknowledged: each account, from a fresh client.
    for account in all_accounts:
        mine = [w for w in workers if w.account == account]
        checker = connect(server, account)
        listed_orbits = checker.simulation.orbits.all()
        listed_missions = checker.simulation.missions.all()
        checker.close()
        orbit_ids = Counter(obj["id"] for obj in listed_orbits)
        assert all(count == 1 for count in orbit_ids.values()), "an orbit is listed twice"
        names = Counter(obj["name"] for obj in listed_orbits)
        assert all(count == 1 for count in names.values()), "a name is stored twice"
        expected_orbits = {oid: name for w in mine for oid, name in w.orbits.items()}
        assert {o["id"]: o["name"] for o in listed_orbits} == expected_orbits
        deleted = set().union(*(w.deleted for w in mine))
        assert not deleted & set(orbit_ids)
        expected_missions = {mid: name for w in mine for mid, name in w.missions.items()}
        assert {m["id"]: m["name"] for m in listed_missions} == expected_missions

    latencies = [value for w in workers for value in w.latencies]
    operations: dict[str, list[float]] = {}
    for w in workers:
        for kind, values in w.operations.items():
            operations.setdefault(kind, []).extend(values)
    memory = server.memory_kib()
    figures.record(
        "load",
        store=store,
        clients=CLIENTS,
        accounts=len(all_accounts),
        seconds=round(elapsed, 1),
        requests=len(latencies),
        requests_per_second=round(len(latencies) / elapsed, 1),
        errors=len(errors),
        orbits_created=sum(len(w.orbits) + len(w.deleted) for w in workers),
        orbits_deleted=sum(len(w.deleted) for w in workers),
        missions_computed=sum(len(w.missions) for w in workers),
        request_ms={
            f"p{int(share * 100)}": round(percentile(latencies, share) * 1000, 1)
            for share in (0.5, 0.95, 0.99)
        },
        operation_ms={
            kind: {
                f"p{int(share * 100)}": round(percentile(values, share) * 1000, 1)
                for share in (0.5, 0.95, 0.99)
            }
            for kind, values in sorted(operations.items())
        },
        server_peak_rss_mib=round(memory["VmHWM"] / 1024, 1),
    )
    assert server.alive()


def start_load_server(
    start_server: type[ServerProcess], store: str, tmp_path: Path
) -> ServerProcess:
    state = ["--state", str(tmp_path / "load.db")] if store == "sqlite" else []
    return start_server(*user_flags(accounts()), "--compute-seconds", "0.2", *state)


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_sixteen_clients_for_a_few_seconds_lose_nothing(
    start_server: type[ServerProcess], tmp_path: Path, figures: Figures, store: str
) -> None:
    run_load(start_load_server(start_server, store, tmp_path), 4.0, figures, store)


@pytest.mark.slow
def test_sixteen_clients_for_two_minutes_lose_nothing(
    start_server: type[ServerProcess], tmp_path: Path, figures: Figures
) -> None:
    run_load(start_load_server(start_server, "sqlite", tmp_path), 120.0, figures, "sqlite")
