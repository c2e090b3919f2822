"""Per-user objects and computation logs: in memory, or in an SQLite file.

Both backends implement :class:`Store`.  Reads return fresh copies; every write goes
through :meth:`Store.apply`, which takes a list of changes and applies all of them or
none (a name already taken, an unknown id or a full quota raises before anything is
written).  The SQLite backend commits each :meth:`~Store.apply` in one transaction with
``synchronous=FULL`` on a write-ahead log, so a write the server has acknowledged
survives the process being killed.  It refuses, at open, a file that is damaged or that
holds tables of another layout, and creates new files readable by their owner only.

Both keep each object as its JSON text and count, per user, the bytes of that text and
the JSON values in it against a :class:`Quota`: what a user can make the server hold,
and what listing it costs, is bounded.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

JsonObject = dict[str, Any]

#: Bumped whenever the SQLite layout changes; older files are refused, not misread.
SCHEMA_VERSION = 1


class StoreError(Exception):
    """A write that cannot be applied; nothing was written."""


class NameTaken(StoreError):
    """Another object of the collection already has this name."""

    def __init__(self, segment: str, name: str) -> None:
        super().__init__(f"an object named {name!r} already exists in {segment}")
        self.segment = segment
        self.name = name


class ObjectNotFound(StoreError):
    """No object of the collection has this id."""

    def __init__(self, segment: str, obj_id: str) -> None:
        super().__init__(f"no object with id {obj_id!r} in {segment}")
        self.segment = segment
        self.obj_id = obj_id


@dataclass(frozen=True)
class Quota:
    """What one user's stored objects may hold.

    ``bytes`` of JSON text, and ``values``: JSON values, counted by their separators (a
    comma inside a text counts too).  Reading and writing an object costs about a
    microsecond per value, so the values bound what listing a collection costs.
    """

    bytes: int
    values: int


class QuotaExceeded(StoreError):
    """The write would make the user's objects larger than the quota."""

    def __init__(self, what: str, total: int, limit: int) -> None:
        super().__init__(
            f"this would bring your stored objects to {total} {what}, beyond the quota of "
            f"{limit}; delete objects you no longer need, or send smaller ones"
        )
        self.total = total
        self.limit = limit


#: A user's stored objects: bytes of JSON text and JSON values.
Usage = tuple[int, int]


def text_usage(text: str) -> Usage:
    """The bytes and values one object's JSON text counts for (``json.dumps`` escapes every
    non-ASCII character, so one character is one byte)."""
    return len(text), text.count(",") + 1


class StateFileError(Exception):
    """The ``--state`` file cannot be used (not a state file, unreadable …)."""


@dataclass(frozen=True)
class ComputationLog:
    """One computation of a mission: when it started, how long it runs, what it produced.

    ``results`` and ``errors`` are known from the start (the computation itself is
    fast); the server reveals them once ``duration`` seconds have passed since
    ``started_at``.  ``files`` are the gridfs file names the results provide.
    Treat ``results`` as read-only: stores may hand out the same object again.
    """

    id: str
    user_id: str
    segment: str
    mission_id: str
    mission_name: str
    kind: str  # "compute", "compute_until_duration" or "merge"
    started_at: float  # seconds since the epoch
    duration: float  # seconds until it reports finished
    results: JsonObject | None
    errors: list[dict[str, str]] = field(default_factory=list)
    paused: bool = False
    files: tuple[str, ...] = ()

    def finished_by(self, now: float) -> bool:
        return now - self.started_at >= self.duration

    def to_record(self) -> JsonObject:
        return {
            "id": self.id,
            "userId": self.user_id,
            "segment": self.segment,
            "missionId": self.mission_id,
            "missionName": self.mission_name,
            "kind": self.kind,
            "startedAt": self.started_at,
            "duration": self.duration,
            "results": self.results,
            "errors": self.errors,
            "paused": self.paused,
            "files": list(self.files),
        }

    @classmethod
    def from_record(cls, record: JsonObject) -> ComputationLog:
        return cls(
            id=record["id"],
            user_id=record["userId"],
            segment=record["segment"],
            mission_id=record["missionId"],
            mission_name=record["missionName"],
            kind=record["kind"],
            started_at=float(record["startedAt"]),
            duration=float(record["duration"]),
            results=record["results"],
            errors=list(record["errors"]),
            paused=bool(record["paused"]),
            files=tuple(record["files"]),
        )


# The changes one Store.apply call can make.


@dataclass(frozen=True)
class InsertObject:
    """Add a new object (its ``id`` and ``displayedName`` already set)."""

    segment: str
    obj: JsonObject


@dataclass(frozen=True)
class ReplaceObject:
    """Replace the object with ``obj["id"]``, keeping its place in the listing."""

    segment: str
    obj: JsonObject


@dataclass(frozen=True)
class SetField:
    """Set one field of a stored object, leaving the rest as it is now."""

    segment: str
    obj_id: str
    name: str
    value: Any


@dataclass(frozen=True)
class DeleteObject:
    segment: str
    obj_id: str


@dataclass(frozen=True)
class SaveLog:
    """Store (or overwrite) a computation log and register its gridfs files."""

    log: ComputationLog


Change = InsertObject | ReplaceObject | SetField | DeleteObject | SaveLog


def object_name(obj: JsonObject) -> str:
    """The name that must be unique within a collection."""
    return str(obj["displayedName"])


class Store(ABC):
    """Per-user objects, computation logs and gridfs file names.

    ``quota`` bounds one user's objects (None: no bound).
    """

    quota: Quota | None = None

    def _check_quota(self, before: Usage, after: Usage) -> None:
        """Refuse a write that grows a user's objects beyond the quota (shrinking is fine)."""
        if self.quota is None:
            return
        limits = (("bytes of JSON", self.quota.bytes), ("JSON values", self.quota.values))
        for (what, limit), old, new in zip(limits, before, after, strict=True):
            if new > old and new > limit:
                raise QuotaExceeded(what, new, limit)

    @abstractmethod
    def list_objects(self, user_id: str, segment: str) -> list[JsonObject]:
        """The collection's objects in creation order (copies)."""

    @abstractmethod
    def get_object(self, user_id: str, segment: str, obj_id: str) -> JsonObject | None:
        """A copy of one object, or None."""

    @abstractmethod
    def get_log(self, user_id: str, log_id: str) -> ComputationLog | None:
        """One computation log of this user, or None."""

    @abstractmethod
    def find_file(self, user_id: str, filename: str) -> ComputationLog | None:
        """The computation log that provides a gridfs file of this user, or None."""

    @abstractmethod
    def apply(self, user_id: str, changes: Sequence[Change]) -> None:
        """Apply all changes, or none of them (raises :class:`StoreError`)."""

    def close(self) -> None:  # noqa: B027  # nothing to release in memory
        """Release files and connections."""

    def find_by_name(self, user_id: str, segment: str, name: str) -> JsonObject | None:
        """The object of that name in a collection, or None."""
        for obj in self.list_objects(user_id, segment):
            if object_name(obj) == name:
                return obj
        return None


class MemoryStore(Store):
    """Everything in dictionaries; gone when the process ends.

    Objects are kept as JSON text: a read parses a fresh copy, and the memory a user's
    objects take is about the bytes the quota counts.
    """

    def __init__(self, *, quota: Quota | None = None) -> None:
        self.quota = quota
        self._lock = threading.Lock()
        # (user_id, segment) -> {obj_id: (name, JSON text)}; dicts keep creation order.
        self._collections: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}
        self._usage: dict[str, Usage] = {}
        self._logs: dict[tuple[str, str], ComputationLog] = {}
        self._files: dict[tuple[str, str], str] = {}

    def list_objects(self, user_id: str, segment: str) -> list[JsonObject]:
        with self._lock:
            texts = [text for _, text in self._collections.get((user_id, segment), {}).values()]
        return [json.loads(text) for text in texts]

    def get_object(self, user_id: str, segment: str, obj_id: str) -> JsonObject | None:
        with self._lock:
            stored = self._collections.get((user_id, segment), {}).get(obj_id)
        return None if stored is None else json.loads(stored[1])

    def get_log(self, user_id: str, log_id: str) -> ComputationLog | None:
        with self._lock:
            return self._logs.get((user_id, log_id))

    def find_file(self, user_id: str, filename: str) -> ComputationLog | None:
        with self._lock:
            log_id = self._files.get((user_id, filename))
            return None if log_id is None else self._logs.get((user_id, log_id))

    def apply(self, user_id: str, changes: Sequence[Change]) -> None:
        with self._lock:
            # Stage on copies of the touched collections; publish only if all succeed.
            staged: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}

            def collection(segment: str) -> dict[str, tuple[str, str]]:
                key = (user_id, segment)
                if key not in staged:
                    staged[key] = dict(self._collections.get(key, {}))
                return staged[key]

            logs: list[ComputationLog] = []
            before = after = self._usage.get(user_id, (0, 0))
            for change in changes:
                if isinstance(change, SaveLog):
                    logs.append(change.log)
                    continue
                objects = collection(change.segment)
                obj_id = (
                    change.obj["id"]
                    if isinstance(change, InsertObject | ReplaceObject)
                    else change.obj_id
                )
                old = objects.get(obj_id)
                if isinstance(change, InsertObject):
                    obj_id = change.obj["id"]
                    if obj_id in objects:
                        raise StoreError(f"id {obj_id!r} is already used in {change.segment}")
                    objects[obj_id] = _named_text(objects, change.segment, change.obj)
                elif isinstance(change, ReplaceObject):
                    obj_id = change.obj["id"]
                    if obj_id not in objects:
                        raise ObjectNotFound(change.segment, obj_id)
                    objects[obj_id] = _named_text(objects, change.segment, change.obj)
                elif isinstance(change, SetField):
                    if change.obj_id not in objects:
                        raise ObjectNotFound(change.segment, change.obj_id)
                    updated = json.loads(objects[change.obj_id][1])
                    updated[change.name] = change.value
                    objects[change.obj_id] = (object_name(updated), json.dumps(updated))
                else:
                    if objects.pop(change.obj_id, None) is None:
                        raise ObjectNotFound(change.segment, change.obj_id)
                new = objects.get(obj_id)
                grown = text_usage(new[1]) if new is not None else (0, 0)
                shrunk = text_usage(old[1]) if old is not None else (0, 0)
                after = (after[0] + grown[0] - shrunk[0], after[1] + grown[1] - shrunk[1])
            self._check_quota(before, after)
            self._collections.update(staged)
            self._usage[user_id] = after
            for log in logs:
                self._logs[(user_id, log.id)] = log
                for filename in log.files:
                    self._files[(user_id, filename)] = log.id


def _named_text(
    objects: dict[str, tuple[str, str]], segment: str, obj: JsonObject
) -> tuple[str, str]:
    """``obj``'s name and JSON text, once no other object of the collection has the name."""
    name = object_name(obj)
    for other_id, (other_name, _) in objects.items():
        if other_id != obj["id"] and other_name == name:
            raise NameTaken(segment, name)
    return name, json.dumps(obj)


_SCHEMA = """
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
"""


class SQLiteStore(Store):
    """Everything in one SQLite file; survives restarts and ``kill -9``.

    One connection serves all threads behind a lock: the fake server's load is far
    below what a single SQLite writer handles, and it keeps every read consistent
    with the last acknowledged write.
    """

    def __init__(self, path: str | Path, *, quota: Quota | None = None) -> None:
        self.path = Path(path)
        self.quota = quota
        self._lock = threading.Lock()
        self._usages: dict[str, Usage] = {}  # by user, valid while data_version holds
        self._data_version: int | None = None
        try:
            _create_private(self.path)
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30.0
            )
        except (OSError, sqlite3.Error) as exc:
            raise StateFileError(f"cannot open state file {self.path}: {exc}") from None
        try:
            self._prepare()
        except _Damaged as exc:
            self._db.close()
            raise StateFileError(
                f"{self.path} is damaged ({exc}); restore it from a backup, or pass a new "
                "file name to start afresh"
            ) from None
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StateFileError(
                f"{self.path} is not a fake server state file ({exc}); "
                "pass a new file name or delete it"
            ) from None

    def _prepare(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        tables = self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables:
            try:
                problems = [row[0] for row in self._db.execute("PRAGMA integrity_check(5)")]
            except sqlite3.DatabaseError as exc:
                raise _Damaged(str(exc)) from None
            if problems != ["ok"]:
                raise _Damaged("; ".join(problems))
            _check_layout(self._db)
            _check_bodies(self._db)
        if tables and version != SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"layout version {version}, expected {SCHEMA_VERSION}")
        mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode != "wal":
            logger.warning("state file %s: journal mode %s instead of WAL", self.path, mode)
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _query(self, sql: str, params: Sequence[Any]) -> list[Any]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def list_objects(self, user_id: str, segment: str) -> list[JsonObject]:
        rows = self._query(
            "SELECT body FROM objects WHERE user_id = ? AND segment = ? ORDER BY seq",
            (user_id, segment),
        )
        return [json.loads(body) for (body,) in rows]

    def get_object(self, user_id: str, segment: str, obj_id: str) -> JsonObject | None:
        rows = self._query(
            "SELECT body FROM objects WHERE user_id = ? AND segment = ? AND id = ?",
            (user_id, segment, obj_id),
        )
        return json.loads(rows[0][0]) if rows else None

    def get_log(self, user_id: str, log_id: str) -> ComputationLog | None:
        rows = self._query(
            "SELECT body FROM computation_logs WHERE user_id = ? AND id = ?", (user_id, log_id)
        )
        return ComputationLog.from_record(json.loads(rows[0][0])) if rows else None

    def find_file(self, user_id: str, filename: str) -> ComputationLog | None:
        rows = self._query(
            "SELECT l.body FROM gridfs_files f JOIN computation_logs l"
            " ON l.user_id = f.user_id AND l.id = f.log_id"
            " WHERE f.user_id = ? AND f.filename = ?",
            (user_id, filename),
        )
        return ComputationLog.from_record(json.loads(rows[0][0])) if rows else None

    def apply(self, user_id: str, changes: Sequence[Change]) -> None:
        counted = self.quota is not None
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                before = after = self._usage(user_id) if counted else (0, 0)
                for change in changes:
                    if not counted or isinstance(change, SaveLog):
                        self._apply_one(user_id, change)
                        continue
                    obj_id = (
                        change.obj["id"]
                        if isinstance(change, InsertObject | ReplaceObject)
                        else change.obj_id
                    )
                    old = self._object_usage(user_id, change.segment, obj_id)
                    self._apply_one(user_id, change)
                    new = self._object_usage(user_id, change.segment, obj_id)
                    after = (after[0] + new[0] - old[0], after[1] + new[1] - old[1])
                self._check_quota(before, after)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            if counted:
                self._usages[user_id] = after

    def _apply_one(self, user_id: str, change: Change) -> None:
        db = self._db
        if isinstance(change, SaveLog):
            log = change.log
            db.execute(
                "INSERT OR REPLACE INTO computation_logs (user_id, id, body) VALUES (?, ?, ?)",
                (user_id, log.id, json.dumps(log.to_record())),
            )
            db.executemany(
                "INSERT OR REPLACE INTO gridfs_files (user_id, filename, log_id) VALUES (?, ?, ?)",
                [(user_id, filename, log.id) for filename in log.files],
            )
            return
        if isinstance(change, InsertObject | ReplaceObject):
            obj = change.obj
            name = object_name(obj)
            clash = db.execute(
                "SELECT 1 FROM objects WHERE user_id = ? AND segment = ? AND name = ? AND id != ?",
                (user_id, change.segment, name, obj["id"]),
            ).fetchone()
            if clash:
                raise NameTaken(change.segment, name)
            body = json.dumps(obj)
            if isinstance(change, InsertObject):
                try:
                    db.execute(
                        "INSERT INTO objects (user_id, segment, id, name, body)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (user_id, change.segment, obj["id"], name, body),
                    )
                except sqlite3.IntegrityError:
                    raise StoreError(
                        f"id {obj['id']!r} is already used in {change.segment}"
                    ) from None
                return
            self._update(user_id, change.segment, obj["id"], name, body)
            return
        if isinstance(change, SetField):
            row = db.execute(
                "SELECT body FROM objects WHERE user_id = ? AND segment = ? AND id = ?",
                (user_id, change.segment, change.obj_id),
            ).fetchone()
            if row is None:
                raise ObjectNotFound(change.segment, change.obj_id)
            obj = json.loads(row[0])
            obj[change.name] = change.value
            self._update(user_id, change.segment, change.obj_id, object_name(obj), json.dumps(obj))
            return
        cursor = db.execute(
            "DELETE FROM objects WHERE user_id = ? AND segment = ? AND id = ?",
            (user_id, change.segment, change.obj_id),
        )
        if cursor.rowcount == 0:
            raise ObjectNotFound(change.segment, change.obj_id)

    def _usage(self, user_id: str) -> Usage:
        """What the user's objects count for: remembered from the last write, unless another
        connection (another server process on the same file) has written since."""
        version = self._db.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version:
            self._usages.clear()
            self._data_version = version
        usage = self._usages.get(user_id)
        if usage is None:
            row = self._db.execute(
                f"SELECT total({_BYTES}), total({_VALUES}) FROM objects WHERE user_id = ?",
                (user_id,),
            ).fetchone()
            usage = int(row[0]), int(row[1])
        return usage

    def _object_usage(self, user_id: str, segment: str, obj_id: str) -> Usage:
        row = self._db.execute(
            f"SELECT {_BYTES}, {_VALUES} FROM objects WHERE user_id = ? AND segment = ? AND id = ?",
            (user_id, segment, obj_id),
        ).fetchone()
        return (0, 0) if row is None else (int(row[0]), int(row[1]))

    def _update(self, user_id: str, segment: str, obj_id: str, name: str, body: str) -> None:
        cursor = self._db.execute(
            "UPDATE objects SET name = ?, body = ? WHERE user_id = ? AND segment = ? AND id = ?",
            (name, body, user_id, segment, obj_id),
        )
        if cursor.rowcount == 0:
            raise ObjectNotFound(segment, obj_id)


# What text_usage counts, in SQL (bodies are ASCII: length() counts bytes).
_BYTES = "length(body)"
_VALUES = "length(body) - length(replace(body, ',', '')) + 1"


class _Damaged(sqlite3.DatabaseError):
    """The state file opens, but SQLite finds its pages inconsistent."""


def _create_private(path: Path) -> None:
    """Create a missing state file readable by its owner only (SQLite gives its
    write-ahead log and shared-memory files the same mode)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(descriptor)


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
        reference.executescript(_SCHEMA)
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
    """Refuse JSON columns whose text is not JSON: a page damaged inside its data keeps
    the file's structure whole, and would fail every read of that collection."""
    for name, columns in _layout(db).items():  # names _check_layout knows: safe to quote
        if any(column[0] == "body" for column in columns):
            row = db.execute(f'SELECT count(*) FROM "{name}" WHERE NOT json_valid(body)').fetchone()
            if row[0]:
                raise _Damaged(f"{row[0]} rows of {name} hold damaged JSON")


def open_store(state_path: str | Path | None, *, quota: Quota | None = None) -> Store:
    """A SQLite store on ``state_path``, or a memory store when it is None; each user's
    objects are held to ``quota`` (None: no bound)."""
    if state_path is None:
        return MemoryStore(quota=quota)
    return SQLiteStore(state_path, quota=quota)
