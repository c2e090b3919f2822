"""Hostile state files: whatever ``--state`` names, the store opens it and reads it, or
refuses it with a :class:`StateFileError` that names the file, never a traceback.

A structure-aware fuzz run starts from a state file a real server wrote (users, objects,
a computation's log) and mutates it: a stored body replaced by a hostile JSON value
(SQL-level, so the file stays a valid SQLite database), bytes overwritten at random
places, or the file cut short. Each input is opened with the server's one state-file
loader, and every user's objects are then listed, as a server would answer them.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from fake_server.oidc import Account
from fake_server.store import StateFileError, open_store

from .conftest import Figures, RawUser, ServerProcess, orbit_body, user_flags
from .mutations import HOSTILE_VALUES_POOL, fuzz_in_batches

FUZZ_INPUTS = int(os.environ.get("SPACESTUDIO_FUZZ_INPUTS_STATE", "400"))
FUZZ_BATCH = 20
ALICE = Account("alice@state-fuzz.test", "alice-state-fuzz-password")
#: Tables whose rows hold a JSON body.
BODY_TABLES = ("objects", "computation_logs", "realm_users", "realm_clients", "sign_in_sessions")


@pytest.fixture(scope="module")
def seed_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("state") / "seed.db"
    server = ServerProcess("--state", str(path), *user_flags([ALICE]))
    alice = RawUser(server.url, server.realm, server.client_id, ALICE)
    for index in range(5):
        alice.create("orbitdefinitions", orbit_body(f"orbit {index}"))
    assert server.stop() == 0
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


def mutate(seed: bytes, path: Path, recipe: int) -> str:
    """Write ``seed``, mutated as ``recipe`` picks, to ``path``; say what was done."""
    choose = random.Random(recipe)
    path.write_bytes(seed)
    kind = choose.choice(["body", "body", "bytes", "cut"])
    if kind == "body":
        table = choose.choice(BODY_TABLES)
        value = choose.choice(HOSTILE_VALUES_POOL)
        try:
            text = json.dumps(value)
        except ValueError:
            text = "[" * 5000
        if choose.random() < 0.3:
            text = text[: choose.randint(0, len(text))]
        with sqlite3.connect(path) as db:
            db.execute(
                f"UPDATE {table} SET body = ? WHERE rowid IN "  # the table: one of BODY_TABLES
                f"(SELECT rowid FROM {table} ORDER BY random() LIMIT 1)",
                (text,),
            )
        db.close()
        return f"{table} body {text[:60]!r}"
    data = bytearray(seed)
    if kind == "cut":
        at = choose.randint(0, len(data))
        path.write_bytes(bytes(data[:at]))
        return f"cut at {at}"
    at = choose.randint(0, len(data) - 16)
    data[at : at + 16] = bytes(choose.randint(0, 255) for _ in range(16))
    path.write_bytes(bytes(data))
    return f"16 bytes at {at}"


def test_fuzzed_state_files_open_and_read_or_are_refused(
    seed_file: Path, tmp_path: Path, figures: Figures
) -> None:
    seed = seed_file.read_bytes()
    with sqlite3.connect(seed_file) as db:
        owners = db.execute("SELECT DISTINCT user_id, segment FROM objects").fetchall()
    db.close()
    worst = {"seconds": 0.0, "opened": 0, "refused": 0}

    @fuzz_in_batches(FUZZ_INPUTS, FUZZ_BATCH)
    def open_batch(batch: list[int]) -> None:
        for recipe in batch:
            # A file of its own for each input: SQLite keeps a file's shared memory while
            # any connection to it is open, and a damaged file's would outlive its input.
            path = tmp_path / f"state-{recipe}.db"
            what = mutate(seed, path, recipe)
            started = time.perf_counter()
            try:
                store = open_store(path)
            except StateFileError as error:
                assert str(path) in str(error), (what, error)
                worst["refused"] += 1
            else:
                try:
                    for user_id, segment in owners:
                        assert all(
                            isinstance(o, dict) for o in store.list_objects(user_id, segment)
                        )
                finally:
                    store.close()
                worst["opened"] += 1
            elapsed = time.perf_counter() - started
            worst["seconds"] = max(worst["seconds"], elapsed)
            assert elapsed < 1.0, f"{elapsed:.2f} s for {what}"
            for leftover in tmp_path.glob(f"{path.name}*"):
                leftover.unlink()

    started = time.monotonic()
    open_batch()
    shutil.rmtree(tmp_path, ignore_errors=True)
    figures.record(
        "fuzzed state files",
        inputs=worst["opened"] + worst["refused"],
        opened=worst["opened"],
        refused=worst["refused"],
        worst_seconds=round(worst["seconds"], 4),
        run_seconds=round(time.monotonic() - started, 1),
    )
    assert worst["refused"] > 0 and worst["opened"] > 0
