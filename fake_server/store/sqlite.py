"""The store in an SQLite state file: users' objects, computation logs and gridfs file
names, shared by every process that opens the file and surviving restarts and
``kill -9``; and every role at once on the file's connections (:class:`SQLiteStore`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from fake_server.store.changes import Change, InsertObject, ObjectWrite, SaveLog, SetField
from fake_server.store.errors import NameTaken, ObjectNotFound, StoreError
from fake_server.store.interface import ObjectStore, Store
from fake_server.store.quota import NOTHING, Quota, Usage, check_quota
from fake_server.store.records import ComputationLog, JsonObject, object_name
from fake_server.store.sqlite_faults import SQLiteFaultRules
from fake_server.store.sqlite_journal import SQLiteJournal
from fake_server.store.sqlite_realm import SQLiteRealmState
from fake_server.store.state_file import StateFile

#: Selects one object by its parameters (user_id, segment, id).
_THE_OBJECT = "user_id = ? AND segment = ? AND id = ?"
#: Selects the computation logs of one mission by the same parameters.
_THE_MISSIONS_LOGS = "user_id = ? AND segment = ? AND mission_id = ?"


class SQLiteObjectStore(StateFile, ObjectStore):
    """Objects, logs and file names in one SQLite file; they survive restarts and
    ``kill -9``.

    One connection serves all threads behind a lock: the fake server's load is far
    below what a single SQLite writer handles, and it keeps every read consistent
    with the last acknowledged write.
    """

    def __init__(self, path: str | Path, *, quota: Quota | None = None) -> None:
        super().__init__(path)
        self.quota = quota

    def list_objects(self, user_id: str, segment: str) -> list[JsonObject]:
        rows = self._query(
            "SELECT body FROM objects WHERE user_id = ? AND segment = ? ORDER BY seq",
            (user_id, segment),
        )
        return [json.loads(body) for (body,) in rows]

    def get_object(self, user_id: str, segment: str, obj_id: str) -> JsonObject | None:
        body = self._first(
            f"SELECT body FROM objects WHERE {_THE_OBJECT}", (user_id, segment, obj_id)
        )
        return None if body is None else json.loads(body)

    def get_log(self, user_id: str, log_id: str) -> ComputationLog | None:
        return _log(
            self._first(
                "SELECT body FROM computation_logs WHERE user_id = ? AND id = ?", (user_id, log_id)
            )
        )

    def find_file(self, user_id: str, filename: str) -> ComputationLog | None:
        return _log(
            self._first(
                "SELECT l.body FROM gridfs_files f JOIN computation_logs l"
                " ON l.user_id = f.user_id AND l.id = f.log_id"
                " WHERE f.user_id = ? AND f.filename = ?",
                (user_id, filename),
            )
        )

    def apply(self, user_id: str, changes: Sequence[Change]) -> None:
        def apply_all(db: sqlite3.Connection) -> None:
            # The usage tables' triggers count the changes in this transaction; reading
            # them before and after is at most four lookups, however many objects and logs
            # the user has.
            if self.quota is None:
                for change in changes:
                    self._apply_one(user_id, change)
                return
            # Only saving a log can grow the results (a deleted mission's go with it, and
            # shrinking is never refused): other writes skip their two lookups.
            saves_log = any(isinstance(change, SaveLog) for change in changes)
            before = self._usage(user_id)
            results_before = self._result_bytes(user_id) if saves_log else 0
            for change in changes:
                self._apply_one(user_id, change)
            after = self._usage(user_id)
            results_after = self._result_bytes(user_id) if saves_log else 0
            check_quota(self.quota, before, after, results_before, results_after)

        self._write(apply_all)

    def _apply_one(self, user_id: str, change: Change) -> None:
        db = self._db
        if isinstance(change, SaveLog):
            log = change.log
            # An upsert, not INSERT OR REPLACE: the rows REPLACE deletes fire no trigger,
            # and the usage would keep counting the overwritten log.
            db.execute(
                "INSERT INTO computation_logs (user_id, id, body, segment, mission_id)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, id) DO UPDATE"
                " SET body = excluded.body, segment = excluded.segment,"
                " mission_id = excluded.mission_id",
                (user_id, log.id, log.to_json(), log.segment, log.mission_id),
            )
            db.executemany(
                "INSERT OR REPLACE INTO gridfs_files (user_id, filename, log_id) VALUES (?, ?, ?)",
                [(user_id, filename, log.id) for filename in log.files],
            )
            return
        the_object = (user_id, change.segment, change.obj_id)
        if isinstance(change, ObjectWrite):
            name = object_name(change.obj)
            clash = db.execute(
                "SELECT 1 FROM objects WHERE user_id = ? AND segment = ? AND name = ? AND id != ?",
                (user_id, change.segment, name, change.obj_id),
            ).fetchone()
            if clash:
                raise NameTaken(change.segment, name)
            body = json.dumps(change.obj)
            if isinstance(change, InsertObject):
                try:
                    db.execute(
                        "INSERT INTO objects (user_id, segment, id, name, body)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (*the_object, name, body),
                    )
                except sqlite3.IntegrityError:
                    raise StoreError(
                        f"id {change.obj_id!r} is already used in {change.segment}"
                    ) from None
                return
            self._update(the_object, name, body)
            return
        if isinstance(change, SetField):
            row = db.execute(f"SELECT body FROM objects WHERE {_THE_OBJECT}", the_object).fetchone()
            if row is None:
                raise ObjectNotFound(change.segment, change.obj_id)
            obj = json.loads(row[0])
            obj[change.name] = change.value
            self._update(the_object, object_name(obj), json.dumps(obj))
            return
        cursor = db.execute(f"DELETE FROM objects WHERE {_THE_OBJECT}", the_object)
        if cursor.rowcount == 0:
            raise ObjectNotFound(change.segment, change.obj_id)
        # A deleted mission's computations go with it, freeing the results budget; the
        # logs record their mission in indexed columns, so no body is parsed here.
        db.execute(
            "DELETE FROM gridfs_files WHERE user_id = ? AND log_id IN (SELECT id FROM"
            f" computation_logs WHERE {_THE_MISSIONS_LOGS})",
            (user_id, *the_object),
        )
        db.execute(f"DELETE FROM computation_logs WHERE {_THE_MISSIONS_LOGS}", the_object)

    def _usage(self, user_id: str) -> Usage:
        """What the user's objects count for, as the write transaction under way sees it."""
        row = self._db.execute(
            "SELECT bytes, json_values FROM object_usage WHERE user_id = ?", (user_id,)
        ).fetchone()
        return NOTHING if row is None else (row[0], row[1])

    def _result_bytes(self, user_id: str) -> int:
        """The bytes the user's computation logs count for, as the write transaction under
        way sees it."""
        row = self._db.execute(
            "SELECT bytes FROM result_usage WHERE user_id = ?", (user_id,)
        ).fetchone()
        return 0 if row is None else int(row[0])

    def _update(self, the_object: tuple[str, str, str], name: str, body: str) -> None:
        cursor = self._db.execute(
            f"UPDATE objects SET name = ?, body = ? WHERE {_THE_OBJECT}", (name, body, *the_object)
        )
        if cursor.rowcount == 0:
            raise ObjectNotFound(the_object[1], the_object[2])

    def clear_objects(self) -> None:
        def clear(db: sqlite3.Connection) -> None:
            tables = ("objects", "object_usage", "computation_logs", "result_usage", "gridfs_files")
            for table in tables:
                db.execute(f"DELETE FROM {table}")  # fixed names

        self._write(clear)


class SQLiteStore(SQLiteObjectStore, SQLiteRealmState, SQLiteFaultRules, SQLiteJournal, Store):
    """Every role in one state file, on its two shared connections."""


def _log(body: str | None) -> ComputationLog | None:
    return None if body is None else ComputationLog.from_record(json.loads(body))
