"""What the store keeps for every process of one server: realm, fault rules, journal.

Each test runs on both backends (``store`` fixture): memory and SQLite must agree.
"""

from __future__ import annotations

import dataclasses
import fcntl
import multiprocessing
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from fake_server.oidc import Account
from fake_server.representations import Client
from fake_server.store import SCHEMA_VERSION, SQLiteStore, Store
from fake_server.store.identity import ADDED_AT_RUN_TIME, CONFIGURED, SessionRecord

ANA = Account("ana@example.test", "pw", username="ana")


def session(sid: str = "s-1", last_refresh: int = 100, offline: bool = False) -> SessionRecord:
    return SessionRecord(sid, "user-1", "cli", 100, last_refresh, None, offline=offline)


def test_users_are_found_by_username_email_and_id(store: Store) -> None:
    store.put_user(ANA, CONFIGURED)
    store.put_user(Account("bob@example.test", "pw"), ADDED_AT_RUN_TIME)

    assert store.user_by_login("ANA") == ANA
    assert store.user_by_login("Ana@Example.test") == ANA
    assert store.user_by_id(ANA.user_id) == ANA
    store.put_user(dataclasses.replace(ANA, enabled=False), CONFIGURED)
    assert store.user_by_login("ana") == dataclasses.replace(ANA, enabled=False)
    assert [entry.account.login for entry in store.users()] == ["ana", "bob@example.test"]

    store.forget_run_time_entries()
    assert [entry.origin for entry in store.users()] == [CONFIGURED]
    assert store.delete_user("ana@example.test")
    assert not store.delete_user("ana")
    assert store.user_by_id(ANA.user_id) is None


def test_clients_round_trip(store: Store) -> None:
    robot = Client("robot", "secret", redirect_uris=("http://x/*",), direct_access_grants=False)
    store.put_client(robot, ADDED_AT_RUN_TIME)

    assert store.client("robot") == robot
    assert store.clients() == [(robot, ADDED_AT_RUN_TIME)]
    assert store.delete_client("robot")
    assert store.client("robot") is None


def test_a_session_update_that_raises_writes_nothing(store: Store) -> None:
    store.update_session("s-1", lambda _: session())

    def fail(current: SessionRecord | None) -> SessionRecord:
        raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        store.update_session("s-1", fail)
    assert store.session("s-1") == session()
    ended = store.update_session("s-1", lambda s: s and dataclasses.replace(s, ended=True))
    assert ended is not None and ended.ended
    assert store.update_session("s-1", lambda _: None) == ended  # None leaves it as it is


def test_pruning_keeps_offline_sessions_longer(store: Store) -> None:
    store.update_session("online", lambda _: session("online", last_refresh=100))
    store.update_session("offline", lambda _: session("offline", 100, offline=True))

    assert store.prune_sessions(online_before=200, offline_before=50) == 1

    assert store.session("online") is None
    assert store.session("offline") is not None


def test_revocations_last_until_the_token_expires(store: Store) -> None:
    store.revoke_token("jti-1", expires=1000.0, now=900.0)

    assert store.is_revoked("jti-1")
    assert store.session_and_revocation("none", "jti-1") == (None, True)
    store.revoke_token("jti-2", expires=3000.0, now=2000.0)  # forgets the expired one
    assert not store.is_revoked("jti-1")
    assert store.is_revoked("jti-2")


def test_syncing_configured_fault_rules_keeps_their_counters(store: Store) -> None:
    kept, dropped = {"pattern": "/a", "kind": "drop"}, {"pattern": "/b", "kind": "drop"}
    store.sync_fault_rules(CONFIGURED, [kept, dropped])
    added = store.add_fault_rule({"pattern": "/c", "kind": "drop"}, ADDED_AT_RUN_TIME)
    first = store.fault_rules()[0].id
    store.advance_fault_rules([first], lambda _id, fired, credit: (fired + 1, credit, True))
    version = store.fault_rules_version()

    store.sync_fault_rules(CONFIGURED, [kept])

    assert store.fault_rules_version() != version
    rules = store.fault_rules()
    assert [(r.id, r.fired) for r in rules] == [(first, 1), (added, 0)]
    assert store.remove_fault_rules() == 2
    assert store.fault_rules() == []


def test_the_journal_keeps_its_capacity(store: Store) -> None:
    for number in range(200):
        store.append_journal({"n": number}, capacity=50)

    assert [entry["n"] for entry in store.journal(50)] == list(range(150, 200))
    store.clear_journal()
    assert store.journal(50) == []


def test_a_state_file_of_the_previous_layout_gains_the_shared_tables(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        # The objects table exactly as layout 1 made it.
        db.execute(
            "CREATE TABLE objects (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
            "user_id TEXT NOT NULL, segment TEXT NOT NULL, id TEXT NOT NULL, "
            "name TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (user_id, segment, id), "
            "UNIQUE (user_id, segment, name))"
        )
        db.execute(
            "INSERT INTO objects (user_id, segment, id, name, body) VALUES "
            "('u', 'orbitdefinitions', 'o1', 'SSO', '{\"id\": \"o1\", \"displayedName\": \"SSO\"}')"
        )
        db.execute("PRAGMA user_version=1")

    store = SQLiteStore(path)
    try:
        assert [obj["id"] for obj in store.list_objects("u", "orbitdefinitions")] == ["o1"]
        store.put_user(ANA, CONFIGURED)
        assert store.user_by_login("ana") == ANA
    finally:
        store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def _open_and_close(path: str, barrier: Any) -> str:
    barrier.wait()
    try:
        SQLiteStore(path).close()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""


def test_processes_opening_a_new_state_file_at_once_all_succeed(tmp_path: Path) -> None:
    # As gunicorn's workers do at start: none may see another's half-made layout.
    context = multiprocessing.get_context("fork")
    processes = 6
    with context.Manager() as manager, context.Pool(processes) as pool:
        for attempt in range(8):
            barrier = manager.Barrier(processes)
            path = str(tmp_path / f"new-{attempt}.sqlite")
            results = pool.starmap(_open_and_close, [(path, barrier)] * processes)
            assert [r for r in results if r] == []


def test_writers_of_one_state_file_take_turns_through_its_lock_file(tmp_path: Path) -> None:
    """Another process holding the writers' turn holds every write back until it lets go
    (the kernel's lock wakes the waiting writer; SQLite alone would answer "locked")."""
    state = tmp_path / "state.sqlite"
    store = SQLiteStore(state)
    held = os.open(f"{state}.writers.lock", os.O_RDWR)
    fcntl.flock(held, fcntl.LOCK_EX)  # an open file of its own: another process, to flock
    written = threading.Event()
    writer = threading.Thread(
        target=lambda: (store.append_journal({"n": 1}, capacity=10), written.set())
    )
    try:
        writer.start()
        assert not written.wait(0.3), "the write went ahead while another writer had the turn"
        released = time.monotonic()
        fcntl.flock(held, fcntl.LOCK_UN)
        assert written.wait(5)
        assert time.monotonic() - released < 0.2
    finally:
        os.close(held)
        writer.join(5)
        store.close()
    assert [entry["n"] for entry in SQLiteStore(state).journal(10)] == [1]
