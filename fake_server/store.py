"""Per-user objects and computation logs: in memory, or in an SQLite file.

The same store also holds what the worker processes of one server share: the realm's
users, clients, sign-in sessions and revoked tokens (:class:`~fake_server.oidc.realm.RealmState`),
the fault rules with their counters and the request journal. With an SQLite file every
process that opens it sees the same realm, faults and journal; in memory, one process does.

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

import copy
import dataclasses
import json
import logging
import os
import sqlite3
import threading
import time
from abc import abstractmethod
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fake_server.oidc.accounts import Account
from fake_server.oidc.realm import (
    ADDED_AT_RUN_TIME,
    Client,
    MemoryRealmState,
    RealmState,
    SessionRecord,
    SessionUpdate,
    UserEntry,
)

logger = logging.getLogger(__name__)

JsonObject = dict[str, Any]

#: Bumped whenever the SQLite layout changes; older files are refused, not misread.
SCHEMA_VERSION = 2
#: Layouts an open upgrades in place (version 2 only added tables).
UPGRADABLE_VERSIONS = (1,)


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


@dataclass(frozen=True)
class StoredFaultRule:
    """A fault rule as the store keeps it: its JSON definition and its counters."""

    id: int
    definition: JsonObject
    origin: str
    fired: int
    credit: float


#: Given a rule's id, fired count and credit, its new fired count and credit, and whether
#: it fires for the request at hand.
FaultStep = Callable[[int, int, float], tuple[int, float, bool]]


class Store(RealmState):
    """Per-user objects, computation logs and gridfs file names; the realm's users,
    clients, sessions and revoked tokens; fault rules and the request journal.

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

    def close(self) -> None:  # nothing to release in memory
        """Release files and connections."""

    def find_by_name(self, user_id: str, segment: str, name: str) -> JsonObject | None:
        """The object of that name in a collection, or None."""
        for obj in self.list_objects(user_id, segment):
            if object_name(obj) == name:
                return obj
        return None

    # -- shared by the worker processes: objects reset, fault rules, journal

    @abstractmethod
    def clear_objects(self) -> None:
        """Forget every user's objects, computation logs and file names."""

    @abstractmethod
    def fault_rules_version(self) -> int:
        """A number that changes whenever a rule is added or removed (not when it fires)."""

    @abstractmethod
    def fault_rules(self) -> list[StoredFaultRule]:
        """The rules in the order they were added."""

    @abstractmethod
    def add_fault_rule(self, definition: JsonObject, origin: str) -> int:
        """Store a rule with zero counters; returns its id (never reused)."""

    @abstractmethod
    def remove_fault_rules(self, ids: Sequence[int] | None = None) -> int:
        """Remove the rules with these ids (None: all); returns how many went."""

    @abstractmethod
    def sync_fault_rules(self, origin: str, definitions: Sequence[JsonObject]) -> None:
        """Make the rules of ``origin`` exactly ``definitions``, atomically: rules already
        stored keep their counters, the others are added or removed."""

    @abstractmethod
    def advance_fault_rules(self, ids: Sequence[int], step: FaultStep) -> set[int]:
        """Apply ``step`` to each rule's counters atomically; the ids of those that fire."""

    @abstractmethod
    def append_journal(self, entry: JsonObject, capacity: int) -> None:
        """Add a request to the journal, keeping the last ``capacity`` entries."""

    @abstractmethod
    def journal(self, capacity: int) -> list[JsonObject]:
        """The last ``capacity`` requests, oldest first."""

    @abstractmethod
    def clear_journal(self) -> None: ...


class MemoryStore(MemoryRealmState, Store):
    """Everything in dictionaries; gone when the process ends.

    Objects are kept as JSON text: a read parses a fresh copy, and the memory a user's
    objects take is about the bytes the quota counts.
    """

    def __init__(self, *, quota: Quota | None = None) -> None:
        MemoryRealmState.__init__(self)
        self.quota = quota
        self._lock = threading.Lock()
        # (user_id, segment) -> {obj_id: (name, JSON text)}; dicts keep creation order.
        self._collections: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}
        self._usage: dict[str, Usage] = {}
        self._logs: dict[tuple[str, str], ComputationLog] = {}
        self._files: dict[tuple[str, str], str] = {}
        self._fault_rules: dict[int, StoredFaultRule] = {}
        self._fault_ids = 0
        self._fault_version = 0
        self._journal: deque[JsonObject] = deque()

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

    def clear_objects(self) -> None:
        with self._lock:
            self._collections.clear()
            self._usage.clear()
            self._logs.clear()
            self._files.clear()

    def fault_rules_version(self) -> int:
        with self._lock:
            return self._fault_version

    def fault_rules(self) -> list[StoredFaultRule]:
        with self._lock:
            return list(self._fault_rules.values())

    def add_fault_rule(self, definition: JsonObject, origin: str) -> int:
        with self._lock:
            self._fault_ids += 1
            self._fault_version += 1
            rule_id = self._fault_ids
            self._fault_rules[rule_id] = StoredFaultRule(
                rule_id, copy.deepcopy(definition), origin, 0, 0.0
            )
            return rule_id

    def remove_fault_rules(self, ids: Sequence[int] | None = None) -> int:
        with self._lock:
            doomed = (
                list(self._fault_rules)
                if ids is None
                else [i for i in ids if i in self._fault_rules]
            )
            for rule_id in doomed:
                del self._fault_rules[rule_id]
            self._fault_version += 1
            return len(doomed)

    def sync_fault_rules(self, origin: str, definitions: Sequence[JsonObject]) -> None:
        with self._lock:
            wanted = [_canonical(d) for d in definitions]
            for rule_id, rule in list(self._fault_rules.items()):
                if rule.origin != origin:
                    continue
                key = _canonical(rule.definition)
                if key in wanted:
                    wanted.remove(key)
                else:
                    del self._fault_rules[rule_id]
            for key in wanted:
                self._fault_ids += 1
                self._fault_rules[self._fault_ids] = StoredFaultRule(
                    self._fault_ids, json.loads(key), origin, 0, 0.0
                )
            self._fault_version += 1

    def advance_fault_rules(self, ids: Sequence[int], step: FaultStep) -> set[int]:
        fired: set[int] = set()
        with self._lock:
            for rule_id in ids:
                rule = self._fault_rules.get(rule_id)
                if rule is None:
                    continue
                count, credit, fires = step(rule_id, rule.fired, rule.credit)
                self._fault_rules[rule_id] = StoredFaultRule(
                    rule_id, rule.definition, rule.origin, count, credit
                )
                if fires:
                    fired.add(rule_id)
        return fired

    def append_journal(self, entry: JsonObject, capacity: int) -> None:
        with self._lock:
            self._journal.append(entry)
            while len(self._journal) > capacity:
                self._journal.popleft()

    def journal(self, capacity: int) -> list[JsonObject]:
        with self._lock:
            return list(self._journal)[-capacity:]

    def clear_journal(self) -> None:
        with self._lock:
            self._journal.clear()


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
        self._journal_lock = threading.Lock()
        self._last_prune = 0.0
        self._usages: dict[str, Usage] = {}  # by user, valid while data_version holds
        self._data_version: int | None = None
        try:
            _create_private(self.path)
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30.0
            )
            # The journal and fault counters change on every request and need no
            # durability: a second connection commits them without waiting for the disk.
            # No busy timeout: SQLite's handler sleeps a millisecond or more at the first
            # conflict, longer than these writes take; _transaction retries sooner.
            self._journal_db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=0.0
            )
        except (OSError, sqlite3.Error) as exc:
            raise StateFileError(f"cannot open state file {self.path}: {exc}") from None
        try:
            self._prepare()
        except _Damaged as exc:
            self._db.close()
            self._journal_db.close()
            raise StateFileError(
                f"{self.path} is damaged ({exc}); restore it from a backup, or pass a new "
                "file name to start afresh"
            ) from None
        except sqlite3.DatabaseError as exc:
            self._db.close()
            self._journal_db.close()
            raise StateFileError(
                f"{self.path} is not a fake server state file ({exc}); "
                "pass a new file name or delete it"
            ) from None

    def _prepare(self) -> None:
        # One transaction checks and creates the layout: worker processes opening a new
        # file at once must not see each other's half-made tables.
        _begin_immediate(self._db)
        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            tables = self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                try:
                    problems = [row[0] for row in self._db.execute("PRAGMA integrity_check(5)")]
                except sqlite3.DatabaseError as exc:
                    raise _Damaged(str(exc)) from None
                if problems != ["ok"]:
                    raise _Damaged("; ".join(problems))
            if tables and version != SCHEMA_VERSION and version not in UPGRADABLE_VERSIONS:
                raise sqlite3.DatabaseError(f"layout version {version}, expected {SCHEMA_VERSION}")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            if tables:  # an older layout has just gained the tables it lacked
                _check_layout(self._db)
                _check_bodies(self._db)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        # Switching to WAL needs the file to itself: SQLite answers "locked" at once, not
        # after its busy timeout, while another process opening it holds a lock.
        wal = _retry_while_locked(lambda: self._db.execute("PRAGMA journal_mode=WAL"))
        mode = wal.fetchone()[0]
        if mode != "wal":
            logger.warning("state file %s: journal mode %s instead of WAL", self.path, mode)
        self._db.execute("PRAGMA synchronous=FULL")
        self._journal_db.execute("PRAGMA synchronous=NORMAL")

    def close(self) -> None:
        with self._lock, self._journal_lock:
            self._db.close()
            self._journal_db.close()

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

    # -- writes that read first, and the shared tables

    def _transaction(
        self, db: sqlite3.Connection, work: Callable[[sqlite3.Connection], Any]
    ) -> Any:
        """Run ``work`` in one write transaction on ``db`` (caller holds its lock)."""
        _begin_immediate(db)
        try:
            result = work(db)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return result

    def _write(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        with self._lock:
            return self._transaction(self._db, work)

    def clear_objects(self) -> None:
        def clear(db: sqlite3.Connection) -> None:
            for table in ("objects", "computation_logs", "gridfs_files"):
                db.execute(f"DELETE FROM {table}")  # fixed names

        self._write(clear)
        with self._lock:
            self._usages.clear()  # this connection's writes leave data_version as it was

    # -- realm users and clients

    persistent = True

    def put_user(self, account: Account, origin: str) -> None:
        body = json.dumps(dataclasses.asdict(account))
        self._write(
            lambda db: db.execute(
                "INSERT INTO realm_users (login, email, user_id, origin, body)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (login) DO UPDATE SET"
                " email = excluded.email, user_id = excluded.user_id,"
                " origin = excluded.origin, body = excluded.body",
                (account.login, account.email_key, account.user_id, origin, body),
            )
        )

    def delete_user(self, login: str) -> bool:
        key = login.lower()
        cursor = self._write(
            lambda db: db.execute(
                "DELETE FROM realm_users WHERE login = ? OR (email = ? AND email != '')",
                (key, key),
            )
        )
        return bool(cursor.rowcount)

    def user_by_login(self, login: str) -> Account | None:
        key = login.lower()
        rows = self._query(
            "SELECT body FROM realm_users WHERE login = ?"
            " UNION ALL SELECT body FROM realm_users WHERE email = ? AND email != '' LIMIT 1",
            (key, key),
        )
        return Account(**json.loads(rows[0][0])) if rows else None

    def user_by_id(self, user_id: str) -> Account | None:
        rows = self._query("SELECT body FROM realm_users WHERE user_id = ? LIMIT 1", (user_id,))
        return Account(**json.loads(rows[0][0])) if rows else None

    def users(self) -> list[UserEntry]:
        rows = self._query("SELECT body, origin FROM realm_users ORDER BY seq", ())
        return [UserEntry(Account(**json.loads(body)), origin) for body, origin in rows]

    def put_client(self, client: Client, origin: str) -> None:
        body = json.dumps(dataclasses.asdict(client))
        self._write(
            lambda db: db.execute(
                "INSERT INTO realm_clients (client_id, origin, body) VALUES (?, ?, ?)"
                " ON CONFLICT (client_id) DO UPDATE SET"
                " origin = excluded.origin, body = excluded.body",
                (client.client_id, origin, body),
            )
        )

    def delete_client(self, client_id: str) -> bool:
        cursor = self._write(
            lambda db: db.execute("DELETE FROM realm_clients WHERE client_id = ?", (client_id,))
        )
        return bool(cursor.rowcount)

    def client(self, client_id: str) -> Client | None:
        rows = self._query("SELECT body FROM realm_clients WHERE client_id = ?", (client_id,))
        return _client_from_json(rows[0][0]) if rows else None

    def clients(self) -> list[tuple[Client, str]]:
        rows = self._query("SELECT body, origin FROM realm_clients ORDER BY seq", ())
        return [(_client_from_json(body), origin) for body, origin in rows]

    def forget_run_time_entries(self) -> None:
        def forget(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM realm_users WHERE origin = ?", (ADDED_AT_RUN_TIME,))
            db.execute("DELETE FROM realm_clients WHERE origin = ?", (ADDED_AT_RUN_TIME,))

        self._write(forget)

    # -- sign-in sessions and revoked tokens

    def session(self, sid: str) -> SessionRecord | None:
        rows = self._query("SELECT body FROM sign_in_sessions WHERE sid = ?", (sid,))
        return SessionRecord(**json.loads(rows[0][0])) if rows else None

    def update_session(self, sid: str, change: SessionUpdate) -> SessionRecord | None:
        def update(db: sqlite3.Connection) -> SessionRecord | None:
            row = db.execute("SELECT body FROM sign_in_sessions WHERE sid = ?", (sid,)).fetchone()
            current = SessionRecord(**json.loads(row[0])) if row else None
            updated = change(current)
            if updated is None:
                return current
            db.execute(
                "INSERT OR REPLACE INTO sign_in_sessions (sid, last_refresh, offline, body)"
                " VALUES (?, ?, ?, ?)",
                (sid, updated.last_refresh, int(updated.offline), json.dumps(vars(updated))),
            )
            return updated

        result: SessionRecord | None = self._write(update)
        return result

    def prune_sessions(self, online_before: int, offline_before: int) -> int:
        cursor = self._write(
            lambda db: db.execute(
                "DELETE FROM sign_in_sessions WHERE"
                " (offline = 0 AND last_refresh < ?) OR (offline = 1 AND last_refresh < ?)",
                (online_before, offline_before),
            )
        )
        return int(cursor.rowcount)

    def revoke_token(self, jti: str, expires: float, now: float) -> None:
        def revoke(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM revoked_tokens WHERE expires < ?", (now,))
            db.execute("INSERT OR REPLACE INTO revoked_tokens VALUES (?, ?)", (jti, expires))

        self._write(revoke)

    def is_revoked(self, jti: str) -> bool:
        return bool(self._query("SELECT 1 FROM revoked_tokens WHERE jti = ?", (jti,)))

    def session_and_revocation(self, sid: str, jti: str) -> tuple[SessionRecord | None, bool]:
        rows = self._query(
            "SELECT (SELECT body FROM sign_in_sessions WHERE sid = ?),"
            " EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = ?)",
            (sid, jti),
        )
        body, revoked = rows[0]
        return (SessionRecord(**json.loads(body)) if body else None), bool(revoked)

    # -- fault rules (definitions durable, counters on the journal's connection)

    def fault_rules_version(self) -> int:
        rows = self._query("SELECT value FROM counters WHERE name = 'fault_rules'", ())
        return int(rows[0][0]) if rows else 0

    def fault_rules(self) -> list[StoredFaultRule]:
        rows = self._query(
            "SELECT id, definition, origin, fired, credit FROM fault_rules ORDER BY id", ()
        )
        return [
            StoredFaultRule(int(i), json.loads(d), o, int(f), float(c)) for i, d, o, f, c in rows
        ]

    @staticmethod
    def _bump_fault_version(db: sqlite3.Connection) -> None:
        db.execute(
            "INSERT INTO counters (name, value) VALUES ('fault_rules', 1)"
            " ON CONFLICT (name) DO UPDATE SET value = value + 1"
        )

    def add_fault_rule(self, definition: JsonObject, origin: str) -> int:
        def add(db: sqlite3.Connection) -> int:
            cursor = db.execute(
                "INSERT INTO fault_rules (origin, definition) VALUES (?, ?)",
                (origin, json.dumps(definition)),
            )
            self._bump_fault_version(db)
            return int(cursor.lastrowid or 0)

        rule_id: int = self._write(add)
        return rule_id

    def remove_fault_rules(self, ids: Sequence[int] | None = None) -> int:
        def remove(db: sqlite3.Connection) -> int:
            if ids is None:
                cursor = db.execute("DELETE FROM fault_rules")
            else:
                cursor = db.executemany("DELETE FROM fault_rules WHERE id = ?", [(i,) for i in ids])
            self._bump_fault_version(db)
            return int(cursor.rowcount)

        removed: int = self._write(remove)
        return removed

    def sync_fault_rules(self, origin: str, definitions: Sequence[JsonObject]) -> None:
        def sync(db: sqlite3.Connection) -> None:
            wanted = [_canonical(d) for d in definitions]
            rows = db.execute(
                "SELECT id, definition FROM fault_rules WHERE origin = ? ORDER BY id", (origin,)
            ).fetchall()
            for rule_id, definition in rows:
                key = _canonical(json.loads(definition))
                if key in wanted:
                    wanted.remove(key)
                else:
                    db.execute("DELETE FROM fault_rules WHERE id = ?", (rule_id,))
            db.executemany(
                "INSERT INTO fault_rules (origin, definition) VALUES (?, ?)",
                [(origin, key) for key in wanted],
            )
            self._bump_fault_version(db)

        self._write(sync)

    def advance_fault_rules(self, ids: Sequence[int], step: FaultStep) -> set[int]:
        def advance(db: sqlite3.Connection) -> set[int]:
            fired: set[int] = set()
            for rule_id in ids:
                row = db.execute(
                    "SELECT fired, credit FROM fault_rules WHERE id = ?", (rule_id,)
                ).fetchone()
                if row is None:
                    continue
                count, credit, fires = step(rule_id, int(row[0]), float(row[1]))
                db.execute(
                    "UPDATE fault_rules SET fired = ?, credit = ? WHERE id = ?",
                    (count, credit, rule_id),
                )
                if fires:
                    fired.add(rule_id)
            return fired

        with self._journal_lock:
            result: set[int] = self._transaction(self._journal_db, advance)
        return result

    # -- the request journal

    def append_journal(self, entry: JsonObject, capacity: int) -> None:
        db = self._journal_db
        body = json.dumps(entry)
        with self._journal_lock:
            # One statement is its own transaction: no BEGIN and COMMIT round trips.
            cursor = _retry_while_locked(
                lambda: db.execute("INSERT INTO request_journal (body) VALUES (?)", (body,))
            )
            seq = int(cursor.lastrowid or 0)
            # Trimming in batches keeps the cost of the bound off most requests.
            if seq % 64 == 0:
                _retry_while_locked(
                    lambda: db.execute(
                        "DELETE FROM request_journal WHERE seq <= ?", (seq - capacity,)
                    )
                )

    def journal(self, capacity: int) -> list[JsonObject]:
        with self._journal_lock:
            rows = self._journal_db.execute(
                "SELECT body FROM request_journal ORDER BY seq DESC LIMIT ?", (capacity,)
            ).fetchall()
        return [json.loads(body) for (body,) in reversed(rows)]

    def clear_journal(self) -> None:
        with self._journal_lock:
            self._transaction(
                self._journal_db, lambda db: db.execute("DELETE FROM request_journal")
            )


#: How long a write waits for another process's write to finish before it gives up.
LOCK_WAIT_SECONDS = 30.0


def _retry_while_locked(statement: Callable[[], sqlite3.Cursor]) -> sqlite3.Cursor:
    """Run a writing ``statement``, retrying after short sleeps while another process
    (another worker on the same file) writes."""
    delay = 0.000_05
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            return statement()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.005)


def _begin_immediate(db: sqlite3.Connection) -> None:
    """Start a write transaction, waiting for other processes' writes to finish."""
    _retry_while_locked(lambda: db.execute("BEGIN IMMEDIATE"))


def _canonical(definition: JsonObject) -> str:
    return json.dumps(definition, sort_keys=True, separators=(",", ":"))


def _client_from_json(body: str) -> Client:
    data = json.loads(body)
    data["redirect_uris"] = tuple(data["redirect_uris"])
    return Client(**data)


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
