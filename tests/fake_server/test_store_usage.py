"""The quota usage the SQLite state file keeps per user, objects and computation logs
together: right after every kind of write, across processes sharing the file, after a
restart and after an upgrade from a previous layout, and a write's cost independent of
how many objects are stored."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from fake_server.store import (
    ComputationLog,
    DeleteObject,
    InsertObject,
    Quota,
    QuotaExceeded,
    ReplaceObject,
    SaveLog,
    SetField,
    SQLiteStore,
)
from fake_server.store.quota import text_usage

ALICE = "user-alice"
BOB = "user-bob"
ROOMY = Quota(bytes=10**9, values=10**9)


def orbit(obj_id: str, name: str, **fields: object) -> dict[str, object]:
    return {"id": obj_id, "name": name, "displayedName": name, **fields}


def computation_log(log_id: str, rows: int) -> ComputationLog:
    """A finished computation whose results hold ``rows`` rows of ephemerides."""
    return ComputationLog(
        id=log_id,
        user_id=ALICE,
        segment="simulationrequests",
        mission_id="m1",
        mission_name="M1",
        kind="compute",
        started_at=0.0,
        duration=0.0,
        results={"ephemerides": [[float(t), 7e6] for t in range(rows)]},
    )


def kept_usage(path: Path) -> dict[str, tuple[int, int]]:
    """The usage the file keeps, users with no object left out."""
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT user_id, bytes, json_values FROM object_usage").fetchall()
    return {user: (size, values) for user, size, values in rows if (size, values) != (0, 0)}


def counted_usage(path: Path) -> dict[str, tuple[int, int]]:
    """The usage counted anew from every stored body, as the quota defines it."""
    usage: dict[str, tuple[int, int]] = {}
    with sqlite3.connect(path) as db:
        bodies = db.execute(
            "SELECT user_id, body FROM objects UNION ALL SELECT user_id, body FROM computation_logs"
        )
        for user, body in bodies:
            size, values = text_usage(body)
            total = usage.get(user, (0, 0))
            usage[user] = (total[0] + size, total[1] + values)
    return usage


def test_the_kept_usage_follows_inserts_replaces_fields_deletes_and_clears(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite"
    store = SQLiteStore(path, quota=ROOMY)
    try:
        store.apply(ALICE, [InsertObject("orbits", orbit(f"o{n}", f"O{n}")) for n in range(5)])
        store.apply(BOB, [InsertObject("orbits", orbit("o1", "Bob's", items=[1, 2, 3]))])
        store.apply(ALICE, [ReplaceObject("orbits", orbit("o1", "O1", text="x" * 500))])
        store.apply(ALICE, [SetField("orbits", "o2", "items", list(range(40)))])
        store.apply(ALICE, [DeleteObject("orbits", "o3")])
        assert kept_usage(path) == counted_usage(path)
        assert set(kept_usage(path)) == {ALICE, BOB}

        with pytest.raises(QuotaExceeded):  # a refused write leaves the usage as it was
            SQLiteStore(path, quota=Quota(bytes=10**9, values=10)).apply(
                ALICE, [InsertObject("orbits", orbit("big", "Big", items=list(range(40))))]
            )
        assert kept_usage(path) == counted_usage(path)

        store.clear_objects()
        assert kept_usage(path) == {}
    finally:
        store.close()


def test_the_kept_usage_counts_logs_saved_and_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    store = SQLiteStore(path, quota=ROOMY)
    try:
        store.apply(ALICE, [SaveLog(computation_log("l1", 100)), SaveLog(computation_log("l2", 5))])
        store.apply(ALICE, [SaveLog(computation_log("l1", 3))])  # overwritten: smaller
        assert kept_usage(path) == counted_usage(path)
        assert kept_usage(path)[ALICE][0] > len(computation_log("l2", 5).to_json())

        with pytest.raises(QuotaExceeded):  # a log beyond the quota is not stored
            SQLiteStore(path, quota=Quota(bytes=10**9, values=100)).apply(
                ALICE, [SaveLog(computation_log("l3", 100))]
            )
        assert store.get_log(ALICE, "l3") is None
        assert kept_usage(path) == counted_usage(path)
    finally:
        store.close()


def _save_logs_to_the_quota(path: str, quota: Quota) -> str:
    """In another process: save logs until the quota refuses one; its message."""
    store = SQLiteStore(path, quota=quota)
    try:
        for number in range(1000):
            store.apply(ALICE, [SaveLog(computation_log(f"l{number}", 10))])
    except QuotaExceeded as exc:
        return str(exc)
    finally:
        store.close()
    return "never refused"


def test_two_processes_on_one_file_count_each_others_logs(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    quota = Quota(bytes=5000, values=10**6)
    here = SQLiteStore(path, quota=quota)
    try:
        here.apply(ALICE, [InsertObject("orbits", orbit("mine", "Mine", text="x" * 900))])
        context = multiprocessing.get_context("fork")
        with context.Pool(1) as pool:
            refusal = pool.apply(_save_logs_to_the_quota, (str(path), quota))
        assert "beyond the quota of 5000" in refusal
        with pytest.raises(QuotaExceeded):
            here.apply(ALICE, [InsertObject("orbits", orbit("more", "More", text="x" * 300))])
        assert kept_usage(path) == counted_usage(path)
        assert kept_usage(path)[ALICE][0] <= 5000
    finally:
        here.close()


def test_the_usage_of_logs_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    quota = Quota(bytes=3000, values=10**6)
    first = SQLiteStore(path, quota=quota)
    first.apply(ALICE, [SaveLog(computation_log("l1", 100))])
    first.close()

    second = SQLiteStore(path, quota=quota)
    try:
        assert kept_usage(path) == counted_usage(path)
        with pytest.raises(QuotaExceeded):
            second.apply(ALICE, [InsertObject("orbits", orbit("b", "B", text="x" * 1500))])
        second.apply(ALICE, [SaveLog(computation_log("l1", 1))])  # a smaller log makes room
        second.apply(ALICE, [InsertObject("orbits", orbit("b", "B", text="x" * 1500))])
    finally:
        second.close()


def _fill_to_the_quota(path: str, quota: Quota) -> str:
    """In another process: insert objects until the quota refuses one; its message."""
    store = SQLiteStore(path, quota=quota)
    try:
        for number in range(1000):
            store.apply(ALICE, [InsertObject("orbits", orbit(f"p{number}", f"P{number}"))])
    except QuotaExceeded as exc:
        return str(exc)
    finally:
        store.close()
    return "never refused"


def test_two_processes_on_one_file_count_each_others_writes(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    quota = Quota(bytes=2000, values=10**6)
    here = SQLiteStore(path, quota=quota)
    try:
        here.apply(ALICE, [InsertObject("orbits", orbit("mine", "Mine", text="x" * 900))])
        context = multiprocessing.get_context("fork")
        with context.Pool(1) as pool:
            refusal = pool.apply(_fill_to_the_quota, (str(path), quota))
        assert "beyond the quota of 2000" in refusal
        # This process has written before the other one: it must see the other's objects.
        with pytest.raises(QuotaExceeded):
            here.apply(ALICE, [InsertObject("orbits", orbit("more", "More", text="x" * 300))])
        # The other process's objects deleted through this one make room again.
        for other in here.list_objects(ALICE, "orbits"):
            if other["id"] != "mine":
                here.apply(ALICE, [DeleteObject("orbits", str(other["id"]))])
        here.apply(ALICE, [InsertObject("orbits", orbit("more", "More", text="x" * 900))])
        assert kept_usage(path) == counted_usage(path)
    finally:
        here.close()


def test_the_usage_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    quota = Quota(bytes=2000, values=10**6)
    first = SQLiteStore(path, quota=quota)
    first.apply(ALICE, [InsertObject("orbits", orbit("a", "A", text="x" * 1500))])
    first.close()

    second = SQLiteStore(path, quota=quota)
    try:
        with pytest.raises(QuotaExceeded):
            second.apply(ALICE, [InsertObject("orbits", orbit("b", "B", text="x" * 600))])
        second.apply(ALICE, [ReplaceObject("orbits", orbit("a", "A", text="x" * 100))])
        second.apply(ALICE, [InsertObject("orbits", orbit("b", "B", text="x" * 600))])
    finally:
        second.close()


def test_a_file_of_the_previous_layout_has_its_usage_counted_from_the_bodies(
    tmp_path: Path,
) -> None:
    path = tmp_path / "layout-2.sqlite"
    store = SQLiteStore(path)
    store.apply(ALICE, [InsertObject("orbits", orbit(f"o{n}", f"O{n}")) for n in range(3)])
    store.apply(BOB, [InsertObject("orbits", orbit("o1", "B", text="x" * 1800))])
    store.close()
    with sqlite3.connect(path) as db:  # back to layout 2: no usage table, no triggers
        for (trigger,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
            db.execute(f'DROP TRIGGER "{trigger}"')
        db.execute("DROP TABLE object_usage")
        db.execute("PRAGMA user_version = 2")

    reopened = SQLiteStore(path, quota=Quota(bytes=2000, values=10**6))
    try:
        assert kept_usage(path) == counted_usage(path)
        assert set(kept_usage(path)) == {ALICE, BOB}
        with pytest.raises(QuotaExceeded):
            reopened.apply(BOB, [InsertObject("orbits", orbit("o2", "B2", text="x" * 300))])
    finally:
        reopened.close()


def test_a_file_of_layout_3_has_its_logs_counted_at_open(tmp_path: Path) -> None:
    path = tmp_path / "layout-3.sqlite"
    store = SQLiteStore(path)
    store.apply(ALICE, [InsertObject("orbits", orbit("o1", "O1"))])
    store.apply(ALICE, [SaveLog(computation_log("l1", 100))])
    store.close()
    with sqlite3.connect(path) as db:  # back to layout 3: logs not counted
        triggers = db.execute(
            "SELECT name FROM sqlite_master"
            " WHERE type = 'trigger' AND tbl_name = 'computation_logs'"
        ).fetchall()
        for (trigger,) in triggers:
            db.execute(f'DROP TRIGGER "{trigger}"')
        db.execute(
            "UPDATE object_usage SET bytes = ?, json_values = ?",
            text_usage(json.dumps(orbit("o1", "O1"))),
        )
        db.execute("PRAGMA user_version = 3")

    reopened = SQLiteStore(path, quota=Quota(bytes=2000, values=10**6))
    try:
        assert kept_usage(path) == counted_usage(path)
        with pytest.raises(QuotaExceeded):
            reopened.apply(ALICE, [InsertObject("orbits", orbit("o2", "O2", text="x" * 300))])
    finally:
        reopened.close()


def _steps_of_one_write(store: SQLiteStore, number: int) -> int:
    """SQLite virtual-machine steps (in hundreds) one insert takes, a journal entry
    written between it and the previous write as the server writes one per request."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    store.append_journal({"request": number}, capacity=1000)
    store._db.set_progress_handler(count, 100)
    try:
        store.apply(ALICE, [InsertObject("orbits", orbit(f"n{number}", f"N{number}"))])
    finally:
        store._db.set_progress_handler(None, 100)
    return steps


def test_a_write_costs_the_same_however_many_objects_are_stored(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "state.sqlite", quota=ROOMY)
    try:
        few = _steps_of_one_write(store, 0)
        store.apply(ALICE, [InsertObject("orbits", orbit(f"o{n}", f"O{n}")) for n in range(3000)])
        many = _steps_of_one_write(store, 1)
    finally:
        store.close()
    # An index lookup grows with the log of the rows; a scan of 3,000 bodies, a thousandfold.
    assert many <= few + 2, (few, many)
