"""``kill -9`` in the middle of writes loses no acknowledged write.

A server process runs on a ``--state`` file while writer threads create and delete
objects through the client, each noting what the server acknowledged.  The process is
killed (SIGKILL) mid-stream, restarted on the same file, and every acknowledged create
must be there, byte for byte, every acknowledged delete gone, and nothing else present
but the one write per writer that was in flight.  Repeated, on the same file.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from fake_server.oidc import Account
from spacestudio import Client, RetryPolicy, SpacestudioError

from .conftest import Figures, RawUser, ServerProcess, orbit_body, user_flags

ACCOUNT = Account("writer@crash.test", "crash-test-password")
WRITERS = 4


@dataclass
class Ledger:
    """What the server acknowledged to the writers, over every round."""

    present: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> object
    deleted: set[str] = field(default_factory=set)
    #: Writes cut off by the kill: (kind, name or id). Their outcome is unknown.
    in_flight: list[tuple[str, str]] = field(default_factory=list)
    acknowledged: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def write_until_killed(server: ServerProcess, prefix: str, ledger: Ledger) -> None:
    try:
        client = Client(
            server.url, ACCOUNT.email, ACCOUNT.password, server.client_id,
            auth_url=server.url, realm=server.realm, progress=False,
            retry=RetryPolicy(max_attempts=1), timeout=(2.0, 5.0),
        )  # fmt: skip
    except SpacestudioError:
        return  # killed before this writer logged in
    orbits = client.simulation.orbits
    mine: list[str] = []
    serial = 0
    while True:
        serial += 1
        name = f"{prefix} {serial}"
        body = {**orbit_body(name), "serial": serial, "payload": "x" * (serial % 7) * 500}
        try:
            created = client.call("POST", orbits.url, body=body)
        except SpacestudioError:
            with ledger.lock:
                ledger.in_flight.append(("create", name))
            break
        with ledger.lock:
            ledger.present[created["id"]] = created
            ledger.acknowledged += 1
        mine.append(created["id"])
        if serial % 3 == 0:
            victim = mine.pop(0)
            try:
                client.request("DELETE", f"{orbits.url}/{victim}").close()
            except SpacestudioError:
                with ledger.lock:
                    ledger.in_flight.append(("delete", victim))
                break
            with ledger.lock:
                del ledger.present[victim]
                ledger.deleted.add(victim)
                ledger.acknowledged += 1
    client.close()


def check_state(server: ServerProcess, ledger: Ledger) -> int:
    """Compare what the restarted server lists with the ledger; returns objects checked."""
    user = RawUser(server.url, server.realm, server.client_id, ACCOUNT)
    listed = user("GET", "orbitdefinitions").json()
    by_id = {obj["id"]: obj for obj in listed}
    assert len(by_id) == len(listed), "an object is listed twice"
    assert len({obj["name"] for obj in listed}) == len(listed), "a name is stored twice"
    uncertain_ids = {key for kind, key in ledger.in_flight if kind == "delete"}
    uncertain_names = {key for kind, key in ledger.in_flight if kind == "create"}
    for obj_id, acknowledged in ledger.present.items():
        if obj_id in uncertain_ids:
            continue
        assert by_id.get(obj_id) == acknowledged, f"acknowledged object {obj_id} lost or changed"
    assert not ledger.deleted & set(by_id), "an acknowledged delete came back"
    for obj_id, obj in by_id.items():
        assert obj_id in ledger.present or obj["name"] in uncertain_names, (
            f"{obj['name']!r} was never acknowledged nor in flight"
        )
    # What a cut-off create left, if anything, now counts as present for the next round.
    for obj in listed:
        if obj["id"] not in ledger.present:
            ledger.present[obj["id"]] = obj
    for obj_id in uncertain_ids - set(by_id):  # a cut-off delete that did happen
        ledger.present.pop(obj_id, None)
        ledger.deleted.add(obj_id)
    ledger.in_flight.clear()
    return len(listed)


def kill_during_writes(
    start_server: type[ServerProcess], tmp_path: Path, rounds: int, figures: Figures
) -> None:
    state = tmp_path / "state.db"
    args = (*user_flags([ACCOUNT]), "--state", str(state))
    ledger = Ledger()
    randomness = random.Random(20240101)
    checked = 0
    server = start_server(*args)
    for round_number in range(rounds):
        writers = [
            threading.Thread(
                target=write_until_killed,
                args=(server, f"round {round_number} writer {n}", ledger),
                daemon=True,
            )
            for n in range(WRITERS)
        ]
        for writer in writers:
            writer.start()
        time.sleep(randomness.uniform(0.4, 0.9))
        server.stop(signal.SIGKILL)
        for writer in writers:
            writer.join(timeout=30)
        assert not any(writer.is_alive() for writer in writers)
        server = start_server(*args)
        checked += check_state(server, ledger)
    server.stop()
    with sqlite3.connect(state) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert ledger.acknowledged > rounds * WRITERS  # the kills did land mid-stream
    figures.record(
        "kill -9 during writes",
        rounds=rounds,
        writers=WRITERS,
        acknowledged_writes=ledger.acknowledged,
        objects_checked_after_restarts=checked,
        objects_at_end=len(ledger.present),
        lost=0,
    )


def test_kill_9_during_writes_loses_no_acknowledged_write(
    start_server: type[ServerProcess], tmp_path: Path, figures: Figures
) -> None:
    kill_during_writes(start_server, tmp_path, 3, figures)


@pytest.mark.slow
def test_kill_9_many_times_loses_no_acknowledged_write(
    start_server: type[ServerProcess], tmp_path: Path, figures: Figures
) -> None:
    kill_during_writes(start_server, tmp_path, 30, figures)
