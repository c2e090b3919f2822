"""The state file and what the server prints: nothing served from a broken file, nothing
secret in the banner, the access log or a file others can read.

A state file that SQLite still opens but whose pages are damaged, or that belongs to
another program, is refused at start with exit status 2 and a message saying what to do,
instead of a server that answers 500 to every call.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import requests

from fake_server.oidc import Account

from .conftest import RawUser, ServerProcess, orbit_body, user_flags

ALICE = Account("alice@state.test", "alice-very-private-password")


def _start_and_fail(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fake_server", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=30,
    )


def _filled_state_file(start_server: type[ServerProcess], path: Path) -> None:
    server = start_server("--state", str(path), *user_flags([ALICE]))
    alice = RawUser(server.url, server.realm, server.client_id, ALICE)
    for index in range(300):  # a few dozen pages of objects
        alice.create("orbitdefinitions", {**orbit_body(f"orbit {index}"), "notes": "x" * 500})
    assert server.stop() == 0


def test_a_damaged_state_file_is_refused_at_start(
    start_server: type[ServerProcess], tmp_path: Path
) -> None:
    path = tmp_path / "state.db"
    _filled_state_file(start_server, path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every page in the main file
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.close()
    assert pages > 10
    original = path.read_bytes()
    # Scribble over the page holding an object, at its start (SQLite's own bookkeeping)
    # and over the object's JSON: the file header still says "SQLite format 3".
    found = original.index(b'"orbit 150"')
    page_start = found - found % page_size
    for start in (page_start, found):
        damaged = bytearray(original)
        damaged[start : start + 16] = b"\xff\x13" * 8
        path.write_bytes(bytes(damaged))
        result = _start_and_fail("--state", str(path))
        assert result.returncode == 2, result.stdout + result.stderr
        assert "is damaged" in result.stderr and "backup" in result.stderr, result.stderr
        assert "listening" not in result.stdout


def test_a_foreign_sqlite_file_is_refused_at_start(tmp_path: Path) -> None:
    path = tmp_path / "other-program.db"
    with sqlite3.connect(path) as db:
        # Another program's layout, even with the same table name and layout version.
        db.execute("CREATE TABLE objects (id INTEGER PRIMARY KEY, payload BLOB)")
        db.execute("INSERT INTO objects (payload) VALUES (x'00ff')")
        db.execute("PRAGMA user_version = 1")
    result = _start_and_fail("--state", str(path))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "not a fake server state file" in result.stderr, result.stderr
    assert "objects" in result.stderr
    with sqlite3.connect(path) as db:  # left as it was
        assert db.execute("SELECT count(*) FROM objects").fetchone()[0] == 1


def test_the_state_file_is_private(start_server: type[ServerProcess], tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    server = start_server("--state", str(path), *user_flags([ALICE]))
    alice = RawUser(server.url, server.realm, server.client_id, ALICE)
    alice.create("orbitdefinitions", orbit_body("private"))
    files = {
        candidate.name: stat.S_IMODE(candidate.stat().st_mode) for candidate in tmp_path.iterdir()
    }
    assert server.stop() == 0
    assert {"state.db", "state.db.keys.pem"} <= set(files)
    for name, mode in files.items():  # the log and shared-memory files too
        assert mode & 0o077 == 0, f"{name} is {oct(mode)}"


def test_the_banner_and_access_log_keep_secrets_out(start_server: type[ServerProcess]) -> None:
    server = start_server(*user_flags([ALICE]), "--log-level", "INFO")
    assert server.env["LOG_MAIL"] == ALICE.email
    # The password is the user's own: not echoed into logs that CI keeps.
    assert ALICE.password not in "".join(server.env.values())
    alice = RawUser(server.url, server.realm, server.client_id, ALICE)
    token = alice.tokens["access_token"]
    leaks = {"password": "hunter2-in-a-url", "access_token": token}
    requests.get(f"{server.url}/openapi.json", params=leaks, timeout=10)
    requests.get(f"{server.url}/no/such/route", params=leaks, timeout=10)
    server.process.terminate()
    server.process.wait(timeout=15)
    log = server.stderr_text()
    server.stop()
    assert "GET /openapi.json" in log, log[-2000:]  # the access log is on
    for secret in (ALICE.password, "hunter2-in-a-url", token):
        assert secret not in log, f"{secret[:12]}… is in the log"


def test_the_banner_says_where_the_password_comes_from(tmp_path: Path) -> None:
    del tmp_path
    server = subprocess.Popen(
        [sys.executable, "-m", "fake_server", "--port", "0", *user_flags([ALICE])],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ},
    )
    try:
        assert server.stdout is not None
        lines = []
        for line in server.stdout:
            lines.append(line)
            if line.startswith("CLIENT_ID="):
                break
    finally:
        server.terminate()
        server.wait(timeout=15)
    text = "".join(lines)
    assert ALICE.password not in text
    assert f"the password given with --user for {ALICE.email}" in text


def test_a_state_file_whose_object_body_is_not_an_object_is_refused_at_start(
    start_server: type[ServerProcess], tmp_path: Path
) -> None:
    path = tmp_path / "state.db"
    server = start_server("--state", str(path), *user_flags([ALICE]))
    RawUser(server.url, server.realm, server.client_id, ALICE).create(
        "orbitdefinitions", orbit_body("kept")
    )
    assert server.stop() == 0
    for body in ("[1, 2]", '"an orbit"', "42"):
        with sqlite3.connect(path) as db:
            db.execute("UPDATE objects SET body = ?", (body,))
        db.close()
        result = _start_and_fail("--state", str(path))
        assert result.returncode == 2, result.stdout + result.stderr
        assert "not an object" in result.stderr and "Traceback" not in result.stderr
