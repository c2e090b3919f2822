"""The layout of the SQLite state file: its tables, and the checks that refuse, at open,
a file that is damaged or that holds tables of another layout."""

from __future__ import annotations

import sqlite3
from typing import Any

from fake_server.store.quota import bytes_sql, values_sql

#: Bumped whenever the SQLite layout changes; older files are refused, not misread.
SCHEMA_VERSION = 4
#: Layouts an open upgrades in place (versions 2 and 3 only added tables, 3 the triggers
#: that keep ``object_usage``; 4 added ``result_usage`` with its triggers, and the
#: ``segment`` and ``mission_id`` of each computation log as columns: an upgrade fills
#: them from the bodies and counts the usage anew).
UPGRADABLE_VERSIONS = (1, 2, 3)

SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL,
    segment TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (user_id, segment, id),
    UNIQUE (user_id, segment, name)
);
CREATE TABLE IF NOT EXISTS computation_logs (
    user_id TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    segment TEXT NOT NULL DEFAULT '',
    mission_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (user_id, id)
);
CREATE INDEX IF NOT EXISTS computation_logs_by_mission
    ON computation_logs (user_id, segment, mission_id);
CREATE TABLE IF NOT EXISTS gridfs_files (
    user_id TEXT NOT NULL,
    filename TEXT NOT NULL,
    log_id TEXT NOT NULL,
    PRIMARY KEY (user_id, filename)
);
CREATE INDEX IF NOT EXISTS gridfs_files_by_log ON gridfs_files (user_id, log_id);
CREATE TABLE IF NOT EXISTS realm_users (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    login TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    user_id TEXT NOT NULL,
    origin TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS realm_users_by_id ON realm_users (user_id);
CREATE TABLE IF NOT EXISTS realm_clients (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id TEXT NOT NULL UNIQUE,
    origin TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sign_in_sessions (
    sid TEXT PRIMARY KEY,
    last_refresh INTEGER NOT NULL,
    offline INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS revoked_tokens (
    jti TEXT PRIMARY KEY,
    expires REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS fault_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    origin TEXT NOT NULL,
    definition TEXT NOT NULL,
    fired INTEGER NOT NULL DEFAULT 0,
    credit REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS request_journal (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS object_usage (
    user_id TEXT PRIMARY KEY,
    bytes INTEGER NOT NULL,
    json_values INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS result_usage (
    user_id TEXT PRIMARY KEY,
    bytes INTEGER NOT NULL
);
"""


# What each user's objects count for against the quota, and their computation logs
# against the results budget, kept by SQLite in the transaction of every write to
# ``objects`` or ``computation_logs``, whichever process writes: a write costs the same
# however many objects and logs are stored, and no process has a cache to invalidate.
USAGE_TRIGGERS = (
    f"""CREATE TRIGGER IF NOT EXISTS object_usage_after_insert AFTER INSERT ON objects BEGIN
    INSERT INTO object_usage (user_id, bytes, json_values)
    VALUES (NEW.user_id, {bytes_sql("NEW.body")}, {values_sql("NEW.body")})
    ON CONFLICT (user_id) DO UPDATE SET bytes = bytes + excluded.bytes,
        json_values = json_values + excluded.json_values;
END""",
    f"""CREATE TRIGGER IF NOT EXISTS object_usage_after_update AFTER UPDATE OF body ON objects
BEGIN
    UPDATE object_usage
    SET bytes = bytes + {bytes_sql("NEW.body")} - {bytes_sql("OLD.body")},
        json_values = json_values + ({values_sql("NEW.body")}) - ({values_sql("OLD.body")})
    WHERE user_id = NEW.user_id;
END""",
    f"""CREATE TRIGGER IF NOT EXISTS object_usage_after_delete AFTER DELETE ON objects BEGIN
    UPDATE object_usage
    SET bytes = bytes - {bytes_sql("OLD.body")},
        json_values = json_values - ({values_sql("OLD.body")})
    WHERE user_id = OLD.user_id;
END""",
    f"""CREATE TRIGGER IF NOT EXISTS result_usage_after_insert
AFTER INSERT ON computation_logs BEGIN
    INSERT INTO result_usage (user_id, bytes) VALUES (NEW.user_id, {bytes_sql("NEW.body")})
    ON CONFLICT (user_id) DO UPDATE SET bytes = bytes + excluded.bytes;
END""",
    f"""CREATE TRIGGER IF NOT EXISTS result_usage_after_update
AFTER UPDATE OF body ON computation_logs BEGIN
    UPDATE result_usage SET bytes = bytes + {bytes_sql("NEW.body")} - {bytes_sql("OLD.body")}
    WHERE user_id = NEW.user_id;
END""",
    f"""CREATE TRIGGER IF NOT EXISTS result_usage_after_delete
AFTER DELETE ON computation_logs BEGIN
    UPDATE result_usage SET bytes = bytes - {bytes_sql("OLD.body")}
    WHERE user_id = OLD.user_id;
END""",
)

#: Count every user's usage anew from the stored bodies (a file of an older layout).
_RECOUNT_USAGE = (
    "DELETE FROM object_usage",
    "INSERT INTO object_usage (user_id, bytes, json_values)"
    f" SELECT user_id, sum({bytes_sql('body')}), sum({values_sql('body')})"
    " FROM objects GROUP BY user_id",
    "DELETE FROM result_usage",
    "INSERT INTO result_usage (user_id, bytes)"
    f" SELECT user_id, sum({bytes_sql('body')}) FROM computation_logs GROUP BY user_id",
)

#: Give each log of a file of an older layout the mission it records in its body.
_FILL_LOG_MISSIONS = (
    "UPDATE computation_logs SET segment = coalesce(json_extract(body, '$.segment'), ''),"
    " mission_id = coalesce(json_extract(body, '$.missionId'), '')"
)


class Damaged(sqlite3.DatabaseError):
    """The state file opens, but SQLite finds its pages inconsistent."""


def install_schema(db: sqlite3.Connection) -> None:
    """Check the layout of ``db`` and create the tables it lacks, inside the caller's
    write transaction: worker processes opening a new file at once must not see each
    other's half-made tables.  Raises :class:`Damaged`, or :class:`sqlite3.DatabaseError`
    for a file of another layout."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if tables:
        try:
            problems = [row[0] for row in db.execute("PRAGMA integrity_check(5)")]
        except sqlite3.DatabaseError as exc:
            raise Damaged(str(exc)) from None
        if problems != ["ok"]:
            raise Damaged("; ".join(problems))
    if tables and version != SCHEMA_VERSION and version not in UPGRADABLE_VERSIONS:
        raise sqlite3.DatabaseError(f"layout version {version}, expected {SCHEMA_VERSION}")
    if tables:
        _add_log_mission_columns(db)  # before SCHEMA, whose index names them
    for statement in SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    for trigger in USAGE_TRIGGERS:
        db.execute(trigger)
    if tables:  # an older layout has just gained the tables it lacked
        _check_layout(db)
        _check_bodies(db)  # first: json_extract fails on a damaged body
        if version != SCHEMA_VERSION:
            db.execute(_FILL_LOG_MISSIONS)
            for statement in _RECOUNT_USAGE:
                db.execute(statement)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def _add_log_mission_columns(db: sqlite3.Connection) -> None:
    """Give the ``computation_logs`` of a layout before 4 its ``segment`` and
    ``mission_id`` columns (filled once the bodies are checked)."""
    columns = {
        row[0] for row in db.execute("SELECT name FROM pragma_table_info('computation_logs')")
    }
    if columns and "mission_id" not in columns:
        for column in ("segment", "mission_id"):
            db.execute(f"ALTER TABLE computation_logs ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")


def _layout(db: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Each table of ``db`` (SQLite's own left out) with its columns: name, type,
    NOT NULL and primary-key position."""
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        name: db.execute(
            'SELECT name, upper(type), "notnull", pk FROM pragma_table_info(?) ORDER BY cid',
            (name,),
        ).fetchall()
        for name in names
    }


def _expected_layout() -> dict[str, list[tuple[Any, ...]]]:
    reference = sqlite3.connect(":memory:")
    try:
        reference.executescript(SCHEMA)
        return _layout(reference)
    finally:
        reference.close()


def _check_layout(db: sqlite3.Connection) -> None:
    """Refuse tables this server does not make, or made with other columns (a table
    it makes that is missing is created, as in a new file)."""
    expected = _expected_layout()
    for name, columns in _layout(db).items():
        if name not in expected:
            raise sqlite3.DatabaseError(f"it holds a table {name!r} this server does not use")
        if columns != expected[name]:
            raise sqlite3.DatabaseError(f"its table {name!r} has other columns than expected")


def _check_bodies(db: sqlite3.Connection) -> None:
    """Refuse JSON columns whose text is not a JSON object: a page damaged inside its data
    keeps the file's structure whole, and would fail every read of that collection. Every
    body this server writes is an object, written without leading blanks, so its first
    character tells an object from any other JSON at no parsing cost."""
    for name, columns in _layout(db).items():  # names _check_layout knows: safe to quote
        if any(column[0] == "body" for column in columns):
            row = db.execute(
                f'SELECT count(*) FROM "{name}" '
                "WHERE NOT json_valid(body) OR substr(body, 1, 1) != '{'"
            ).fetchone()
            if row[0]:
                raise Damaged(f"{row[0]} rows of {name} hold damaged JSON or JSON not an object")
            # SQLite keeps text as the bytes it was given; a damaged byte inside a body
            # passes json_valid and fails only when Python decodes it. C decodes fast.
            for (body,) in db.execute(f'SELECT CAST(body AS BLOB) FROM "{name}"'):
                try:
                    body.decode("utf-8")
                except UnicodeDecodeError:
                    raise Damaged(f"rows of {name} hold text that is not UTF-8") from None
