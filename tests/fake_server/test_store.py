"""The store's behaviour, the same on both backends, and SQLite's durability."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from fake_server.store import (
    ComputationLog,
    DeleteObject,
    InsertObject,
    MemoryStore,
    NameTaken,
    ObjectNotFound,
    Quota,
    QuotaExceeded,
    ReplaceObject,
    SaveLog,
    SetField,
    SQLiteStore,
    StateFileError,
    Store,
    StoreError,
)

USER = "user-1"


def obj(obj_id: str, name: str, **fields: object) -> dict[str, object]:
    return {"id": obj_id, "name": name, "displayedName": name, **fields}


def log(log_id: str, files: tuple[str, ...] = ()) -> ComputationLog:
    return ComputationLog(
        id=log_id,
        user_id=USER,
        segment="simulationrequests",
        mission_id="m1",
        mission_name="M",
        kind="compute",
        started_at=1000.0,
        duration=1.5,
        results={"ephemerides": [[0.0, 1.0]], "fieldIndexes": {"t": 0, "x": 1}},
        errors=[{"message": "careful"}],
        paused=True,
        files=files,
    )


def test_objects_are_listed_in_creation_order(store: Store) -> None:
    for index in range(5):
        store.apply(USER, [InsertObject("orbits", obj(f"id{index}", f"name{index}"))])
    assert [o["id"] for o in store.list_objects(USER, "orbits")] == [f"id{i}" for i in range(5)]
    store.apply(USER, [ReplaceObject("orbits", obj("id1", "renamed"))])
    assert [o["name"] for o in store.list_objects(USER, "orbits")][:3] == [
        "name0",
        "renamed",
        "name2",
    ]


def test_reads_are_copies(store: Store) -> None:
    store.apply(USER, [InsertObject("orbits", obj("a", "A", nested={"x": 1}))])
    read = store.get_object(USER, "orbits", "a")
    assert read is not None
    read["nested"]["x"] = 99
    assert store.get_object(USER, "orbits", "a") == obj("a", "A", nested={"x": 1})


def test_names_are_unique_per_user_and_collection(store: Store) -> None:
    store.apply(USER, [InsertObject("orbits", obj("a", "A"))])
    with pytest.raises(NameTaken):
        store.apply(USER, [InsertObject("orbits", obj("b", "A"))])
    store.apply(USER, [InsertObject("spacecrafts", obj("b", "A"))])
    store.apply("user-2", [InsertObject("orbits", obj("c", "A"))])
    store.apply(USER, [InsertObject("orbits", obj("d", "D"))])
    with pytest.raises(NameTaken):
        store.apply(USER, [ReplaceObject("orbits", obj("d", "A"))])
    assert store.find_by_name(USER, "orbits", "A") == obj("a", "A")
    assert store.find_by_name(USER, "orbits", "Z") is None


def test_a_failing_change_writes_nothing(store: Store) -> None:
    store.apply(USER, [InsertObject("orbits", obj("a", "A"))])
    with pytest.raises(NameTaken):
        store.apply(
            USER,
            [
                InsertObject("spacecrafts", obj("s", "S")),
                SaveLog(log("L1", ("file-1",))),
                SetField("orbits", "a", "computationLogId", "L1"),
                InsertObject("orbits", obj("b", "A")),
            ],
        )
    assert store.list_objects(USER, "spacecrafts") == []
    assert store.get_log(USER, "L1") is None
    assert store.find_file(USER, "file-1") is None
    assert store.get_object(USER, "orbits", "a") == obj("a", "A")
    with pytest.raises(ObjectNotFound):
        store.apply(USER, [DeleteObject("orbits", "a"), DeleteObject("orbits", "zz")])
    assert store.get_object(USER, "orbits", "a") is not None
    with pytest.raises(StoreError):
        store.apply(USER, [InsertObject("orbits", obj("a", "other name"))])


def test_a_refused_write_keeps_order_and_names(store: Store) -> None:
    store.apply(USER, [InsertObject("orbits", obj(i, i.upper())) for i in ("a", "b", "c")])
    with pytest.raises(NameTaken):
        store.apply(
            USER,
            [
                DeleteObject("orbits", "a"),
                ReplaceObject("orbits", obj("b", "renamed")),
                InsertObject("orbits", obj("a", "A")),  # the id and name are free again
                InsertObject("orbits", obj("d", "C")),  # but this name is taken
            ],
        )
    assert store.list_objects(USER, "orbits") == [obj(i, i.upper()) for i in ("a", "b", "c")]
    store.apply(USER, [InsertObject("orbits", obj("d", "renamed"))])  # the rename was undone
    with pytest.raises(NameTaken):
        store.apply(USER, [InsertObject("orbits", obj("e", "B"))])


def test_set_field_keeps_the_rest(store: Store) -> None:
    store.apply(USER, [InsertObject("missions", obj("m", "M", duration=5))])
    store.apply(USER, [SetField("missions", "m", "computationLogId", "L")])
    assert store.get_object(USER, "missions", "m") == obj(
        "m", "M", duration=5, computationLogId="L"
    )
    with pytest.raises(ObjectNotFound):
        store.apply(USER, [SetField("missions", "nope", "x", 1)])


def test_delete_and_unknown_ids(store: Store) -> None:
    store.apply(USER, [InsertObject("orbits", obj("a", "A"))])
    store.apply(USER, [DeleteObject("orbits", "a")])
    assert store.get_object(USER, "orbits", "a") is None
    with pytest.raises(ObjectNotFound):
        store.apply(USER, [DeleteObject("orbits", "a")])
    with pytest.raises(ObjectNotFound):
        store.apply(USER, [ReplaceObject("orbits", obj("a", "A"))])
    # A deleted name is free again.
    store.apply(USER, [InsertObject("orbits", obj("b", "A"))])


def test_logs_and_files_round_trip_per_user(store: Store) -> None:
    saved = log("L1", ("file-1",))
    store.apply(USER, [SaveLog(saved)])
    assert store.get_log(USER, "L1") == saved
    assert store.find_file(USER, "file-1") == saved
    assert store.get_log("user-2", "L1") is None
    assert store.find_file("user-2", "file-1") is None


def test_deleting_a_mission_deletes_its_logs_and_their_files(store: Store) -> None:
    missions = "simulationrequests"
    first, second = log("L1", ("file-1",)), log("L2", ("file-2",))
    other = replace(log("L3", ("file-3",)), mission_id="m2")
    store.apply(
        USER, [InsertObject(missions, obj("m1", "M1")), InsertObject("orbits", obj("m1", "O"))]
    )
    store.apply(USER, [InsertObject(missions, obj("m2", "M2"))])
    store.apply(USER, [SaveLog(first), SaveLog(second), SaveLog(other)])
    # An object of another collection with the same id is not the mission.
    store.apply(USER, [DeleteObject("orbits", "m1")])
    assert store.get_log(USER, "L1") == first
    # A refused write that deletes the mission keeps its logs.
    with pytest.raises(StoreError):
        store.apply(USER, [DeleteObject(missions, "m1"), InsertObject(missions, obj("m2", "M3"))])
    assert store.get_log(USER, "L2") == second

    store.apply(USER, [DeleteObject(missions, "m1")])

    assert store.get_log(USER, "L1") is None and store.get_log(USER, "L2") is None
    assert store.find_file(USER, "file-1") is None and store.find_file(USER, "file-2") is None
    assert store.find_file(USER, "file-3") == other


def test_sqlite_state_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    first = SQLiteStore(path)
    first.apply(USER, [InsertObject("orbits", obj("a", "A")), SaveLog(log("L1", ("f",)))])
    first.close()
    second = SQLiteStore(path)
    assert second.get_object(USER, "orbits", "a") == obj("a", "A")
    assert second.find_file(USER, "f") == log("L1", ("f",))
    journal_mode = second._db.execute("PRAGMA journal_mode").fetchone()[0]
    assert journal_mode == "wal"
    second.close()


def test_a_file_that_is_not_a_state_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StateFileError, match="not a fake server state file"):
        SQLiteStore(path)
    assert path.read_text().startswith("these are my notes")


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_each_users_objects_are_held_to_the_quota(backend: str, tmp_path: Path) -> None:
    path = tmp_path / "quota.db"
    quota = Quota(bytes=2000, values=50)

    def open_it() -> Store:
        return MemoryStore(quota=quota) if backend == "memory" else SQLiteStore(path, quota=quota)

    store = open_it()
    store.apply(USER, [InsertObject("orbits", obj("a", "A", text="x" * 900))])
    with pytest.raises(QuotaExceeded, match="bytes of JSON"):
        store.apply(USER, [InsertObject("orbits", obj("b", "B", text="x" * 1200))])
    with pytest.raises(QuotaExceeded, match="JSON values"):
        store.apply(USER, [InsertObject("orbits", obj("c", "C", items=list(range(60))))])
    assert [o["id"] for o in store.list_objects(USER, "orbits")] == ["a"]  # nothing written
    store.apply("user-2", [InsertObject("orbits", obj("b", "B", text="x" * 1200))])  # own quota
    # Growing in place counts; shrinking and deleting make room.
    with pytest.raises(QuotaExceeded):
        store.apply(USER, [SetField("orbits", "a", "text", "x" * 2500)])
    store.apply(USER, [ReplaceObject("orbits", obj("a", "A", text="x" * 100))])
    store.apply(USER, [InsertObject("orbits", obj("b", "B", text="x" * 1200))])
    store.apply(USER, [DeleteObject("orbits", "b")])
    store.apply(USER, [InsertObject("orbits", obj("c", "C", text="x" * 1200))])
    if backend == "sqlite":  # counted anew from the file after a restart
        store.close()
        store = open_it()
        with pytest.raises(QuotaExceeded):
            store.apply(USER, [InsertObject("orbits", obj("d", "D", text="x" * 900))])
    store.close()
