"""The usage the SQLite state file keeps per user, of objects against the quota and of
computation logs against the results budget: right after every kind of write (deleting a
mission deletes its logs), across processes sharing the file, after a restart and after
an upgrade from a previous layout, and a write's cost independent of how many objects
are stored."""

from __future__ import annotations

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
    ResultsBudgetExceeded,
    SaveLog,
    SetField,
    SQLiteStore,
)
from fake_server.store.quota import text_usage

ALICE = "user-alice"
BOB = "user-bob"
ROOMY = Quota(bytes=10**9, values=10**9, result_bytes=10**9)
MISSIONS = "simulationrequests"


def orbit(obj_id: str, name: str, **fields: object) -> dict[str, object]:
    return {"id": obj_id, "name": name, "displayedName": name, **fields}


def computation_log(log_id: str, rows: int, mission_id: str = "m1") -> ComputationLog:
    """A finished computation of mission ``mission_id`` whose results hold ``rows`` rows
    of ephemerides, in a gridfs file named after the log."""
    return ComputationLog(
        id=log_id,
        user_id=ALICE,
        segment=MISSIONS,
        mission_id=mission_id,
        mission_name=mission_id.upper(),
        kind="compute",
        started_at=0.0,
        duration=0.0,
        results={"ephemerides": [[float(t), 7e6] for t in range(rows)]},
        files=(f"{log_id}-ephemerides",),
    )


def kept_usage(path: Path) -> dict[str, tuple[int, int]]:
    """The usage the file keeps, users with no object left out."""
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT user_id, bytes, json_values FROM object_usage").fetchall()
    return {user: (size, values) for user, size, values in rows if (size, values) != (0, 0)}


def counted_usage(path: Path) -> dict[str, tuple[int, int]]:
    """The usage counted anew from every stored object, as the quota defines it."""
    usage: dict[str, tuple[int, int]] = {}
    with sqlite3.connect(path) as db:
        for user, body in db.execute("SELECT user_id, body FROM objects"):
            size, values = text_usage(body)
            total = usage.get(user, (0, 0))
            usage[user] = (total[0] + size, total[1] + values)
    return usage


def kept_result_bytes(path: Path) -> dict[str, int]:
    """The bytes of results the file keeps, users with none left out."""
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT user_id, bytes FROM result_usage").fetchall()
    return {user: size for user, size in rows if size}


def counted_result_bytes(path: Path) -> dict[str, int]:
    """The bytes of results counted anew from every stored log, as the budget defines it."""
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT user_id, sum(length(body)) FROM computation_logs GROUP BY user_id"
        ).fetchall()
    return dict(rows)


def mission(obj_id: str) -> InsertObject:
    return InsertObject(MISSIONS, orbit(obj_id, obj_id.upper()))


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


def test_the_kept_results_follow_logs_saved_overwritten_and_deleted_with_their_mission(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite"
    store = SQLiteStore(path, quota=ROOMY)
    try:
        store.apply(ALICE, [mission("m1"), mission("m2")])
        objects = kept_usage(path)
        store.apply(ALICE, [SaveLog(computation_log("l1", 100)), SaveLog(computation_log("l2", 5))])
        store.apply(ALICE, [SaveLog(computation_log("l1", 3))])  # overwritten: smaller
        store.apply(ALICE, [SaveLog(computation_log("l3", 50, mission_id="m2"))])
        assert kept_result_bytes(path) == counted_result_bytes(path)
        assert kept_usage(path) == objects  # logs never count against the objects' quota

        store.apply(ALICE, [DeleteObject(MISSIONS, "m1")])  # its logs and files go with it
        assert store.get_log(ALICE, "l1") is None and store.get_log(ALICE, "l2") is None
        assert store.find_file(ALICE, "l1-ephemerides") is None
        assert store.find_file(ALICE, "l3-ephemerides") == computation_log("l3", 50, "m2")
        assert kept_result_bytes(path) == counted_result_bytes(path)
        assert kept_result_bytes(path)[ALICE] == len(computation_log("l3", 50, "m2").to_json())

        budget = Quota(bytes=10**9, values=10**9, result_bytes=2000)
        with pytest.raises(ResultsBudgetExceeded, match="results budget of 2000 bytes"):
            SQLiteStore(path, quota=budget).apply(ALICE, [SaveLog(computation_log("l4", 100))])
        assert store.get_log(ALICE, "l4") is None
        assert kept_result_bytes(path) == counted_result_bytes(path)

        store.clear_objects()
        assert kept_result_bytes(path) == {}
    finally:
        store.close()


def _write_until_refused(path: str, quota: Quota, kind: str) -> str:
    """In another process: insert objects (``kind`` "objects") or save logs of mission
    "theirs" ("logs") until the quota refuses one; its message."""
    store = SQLiteStore(path, quota=quota)
    try:
        for number in range(1000):
            change = (
                InsertObject("orbits", orbit(f"p{number}", f"P{number}"))
                if kind == "objects"
                else SaveLog(computation_log(f"l{number}", 10, "theirs"))
            )
            store.apply(ALICE, [change])
    except QuotaExceeded as exc:
        return str(exc)
    finally:
        store.close()
    return "never refused"


def test_two_processes_on_one_file_count_each_others_results(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    quota = Quota(bytes=10**6, values=10**6, result_bytes=5000)
    here = SQLiteStore(path, quota=quota)
    try:
        here.apply(ALICE, [mission("mine"), mission("theirs")])
        here.apply(ALICE, [SaveLog(computation_log("mine", 20, "mine"))])
        context = multiprocessing.get_context("fork")
        with context.Pool(1) as pool:
            refusal = pool.apply(_write_until_refused, (str(path), quota, "logs"))
        assert "beyond the results budget of 5000 bytes" in refusal
        # This process has written before the other one: it must see the other's logs.
        with pytest.raises(ResultsBudgetExceeded):
            here.apply(ALICE, [SaveLog(computation_log("more", 20, "mine"))])
        assert kept_result_bytes(path)[ALICE] <= 5000
        # Deleting the other process's mission through this one makes room again.
        here.apply(ALICE, [DeleteObject(MISSIONS, "theirs")])
        here.apply(ALICE, [SaveLog(computation_log("more", 20, "mine"))])
        assert kept_result_bytes(path) == counted_result_bytes(path)
    finally:
        here.close()


def test_the_results_usage_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    quota = Quota(bytes=10**6, values=10**6, result_bytes=3000)
    first = SQLiteStore(path, quota=quota)
    first.apply(ALICE, [mission("m1"), mission("m2")])
    first.apply(ALICE, [SaveLog(computation_log("l1", 100))])
    first.close()

    second = SQLiteStore(path, quota=quota)
    try:
        assert kept_result_bytes(path) == counted_result_bytes(path)
        with pytest.raises(ResultsBudgetExceeded):
            second.apply(ALICE, [SaveLog(computation_log("l2", 100, "m2"))])
        second.apply(ALICE, [DeleteObject(MISSIONS, "m1")])  # frees l1
        second.apply(ALICE, [SaveLog(computation_log("l2", 100, "m2"))])
    finally:
        second.close()


def test_two_processes_on_one_file_count_each_others_writes(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    quota = Quota(bytes=2000, values=10**6)
    here = SQLiteStore(path, quota=quota)
    try:
        here.apply(ALICE, [InsertObject("orbits", orbit("mine", "Mine", text="x" * 900))])
        context = multiprocessing.get_context("fork")
        with context.Pool(1) as pool:
            refusal = pool.apply(_write_until_refused, (str(path), quota, "objects"))
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


def test_a_file_of_layout_3_has_its_logs_counted_and_their_missions_filled_at_open(
    tmp_path: Path,
) -> None:
    path = tmp_path / "layout-3.sqlite"
    store = SQLiteStore(path)
    store.apply(ALICE, [mission("m1"), mission("m2")])
    store.apply(ALICE, [SaveLog(computation_log("l1", 100)), SaveLog(computation_log("l2", 5))])
    store.apply(ALICE, [SaveLog(computation_log("l3", 100, "m2"))])
    store.close()
    with sqlite3.connect(path) as db:  # back to layout 3: logs neither counted nor indexed
        for kind in ("insert", "update", "delete"):
            db.execute(f"DROP TRIGGER result_usage_after_{kind}")
        db.execute("DROP TABLE result_usage")
        db.execute("DROP INDEX computation_logs_by_mission")
        db.execute("DROP INDEX gridfs_files_by_log")
        db.execute("ALTER TABLE computation_logs DROP COLUMN segment")
        db.execute("ALTER TABLE computation_logs DROP COLUMN mission_id")
        db.execute("PRAGMA user_version = 3")

    reopened = SQLiteStore(path, quota=Quota(bytes=10**6, values=10**6, result_bytes=5000))
    try:
        assert kept_result_bytes(path) == counted_result_bytes(path)
        assert kept_usage(path) == counted_usage(path)
        with sqlite3.connect(path) as db:
            missions = db.execute(
                "SELECT id, segment, mission_id FROM computation_logs ORDER BY id"
            ).fetchall()
        assert missions == [("l1", MISSIONS, "m1"), ("l2", MISSIONS, "m1"), ("l3", MISSIONS, "m2")]
        with pytest.raises(ResultsBudgetExceeded):
            reopened.apply(ALICE, [SaveLog(computation_log("l4", 100, "m2"))])
        reopened.apply(ALICE, [DeleteObject(MISSIONS, "m1")])
        assert reopened.get_log(ALICE, "l1") is None
        reopened.apply(ALICE, [SaveLog(computation_log("l4", 100, "m2"))])
        assert kept_result_bytes(path) == counted_result_bytes(path)
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
