"""The layout of the SQLite state file: its tables, and the checks that refuse, at open,
a file that is damaged or that holds tables of another layout."""

from __future__ import annotations

import sqlite3
from typing import Any

from fake_server.store.quota import bytes_sql, values_sql

#: Bumped whenever the SQLite layout changes; older files are refused, not misread.
SCHEMA_VERSION = 4
#: Layouts an open upgrades in place (versions 2 and 3 only added tables, 3 the triggers
#: that keep ``object_usage``, and 4 those that count computation logs in it too: an
#: upgrade counts the usage anew from the bodies).
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
    PRIMARY KEY (user_id, id)
);
CREATE TABLE IF NOT EXISTS gridfs_files (
    user_id TEXT NOT NULL,
    filename TEXT NOT NULL,
    log_id TEXT NOT NULL,
    PRIMARY KEY (user_id, filename)
);
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
"""


def _usage_triggers(table: str, prefix: str) -> tuple[str, ...]:
    """The triggers that keep ``object_usage`` counting the bodies of ``table``."""
    return (
        f"""CREATE TRIGGER IF NOT EXISTS {prefix}_after_insert AFTER INSERT ON {table} BEGIN
    INSERT INTO object_usage (user_id, bytes, json_values)
    VALUES (NEW.user_id, {bytes_sql("NEW.body")}, {values_sql("NEW.body")})
    ON CONFLICT (user_id) DO UPDATE SET bytes = bytes + excluded.bytes,
        json_values = json_values + excluded.json_values;
END""",
        f"""CREATE TRIGGER IF NOT EXISTS {prefix}_after_update AFTER UPDATE OF body ON {table}
BEGIN
    UPDATE object_usage
    SET bytes = bytes + {bytes_sql("NEW.body")} - {bytes_sql("OLD.body")},
        json_values = json_values + ({values_sql("NEW.body")}) - ({values_sql("OLD.body")})
    WHERE user_id = NEW.user_id;
END""",
        f"""CREATE TRIGGER IF NOT EXISTS {prefix}_after_delete AFTER DELETE ON {table} BEGIN
    UPDATE object_usage
    SET bytes = bytes - {bytes_sql("OLD.body")},
        json_values = json_values - ({values_sql("OLD.body")})
    WHERE user_id = OLD.user_id;
END""",
    )


# What each user's objects and computation logs count for against the quota (the table
# keeps its first name, ``object_usage``), kept by SQLite in the transaction of every
# write to either table, whichever process writes: a write costs the same however many
# objects are stored, and no process has a cache to invalidate.
USAGE_TRIGGERS = (
    *_usage_triggers("objects", "object_usage"),
    *_usage_triggers("computation_logs", "log_usage"),
)

#: Counts every user's usage anew from the stored bodies (a file of an older layout).
_RECOUNT_USAGE = (
    "INSERT INTO object_usage (user_id, bytes, json_values)"
    f" SELECT user_id, sum({bytes_sql('body')}), sum({values_sql('body')})"
    " FROM (SELECT user_id, body FROM objects"
    " UNION ALL SELECT user_id, body FROM computation_logs)"
    " GROUP BY user_id"
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
    for statement in SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    for trigger in USAGE_TRIGGERS:
        db.execute(trigger)
    if tables:  # an older layout has just gained the tables it lacked
        _check_layout(db)
        _check_bodies(db)
        if version != SCHEMA_VERSION:
            db.execute("DELETE FROM object_usage")
            db.execute(_RECOUNT_USAGE)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


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
