"""The store in the memory of one process, gone when it ends: objects, logs and file
names, and every role at once (:class:`MemoryStore`)."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from fake_server.store.changes import (
    Change,
    DeleteObject,
    InsertObject,
    ObjectWrite,
    SaveLog,
    SetField,
)
from fake_server.store.errors import NameTaken, ObjectNotFound, StoreError
from fake_server.store.fault_rules import MemoryFaultRules
from fake_server.store.interface import ObjectStore, Store
from fake_server.store.memory_realm import MemoryRealmState
from fake_server.store.quota import NOTHING, Quota, Usage, check_quota, replaced, text_usage
from fake_server.store.records import ComputationLog, JsonObject, object_name
from fake_server.store.request_journal import MemoryJournal

#: One stored object: where it was created in its collection, its name and its JSON text.
_Stored = tuple[int, str, str]


@dataclass(frozen=True)
class _StoredLog:
    """One stored computation log, and the bytes of JSON text it counts for."""

    log: ComputationLog
    size: int


@dataclass
class _Collection:
    """One user's collection: its objects in creation order, and their ids by name."""

    objects: dict[str, _Stored] = field(default_factory=dict)
    ids_by_name: dict[str, str] = field(default_factory=dict)

    def put(self, obj_id: str, stored: _Stored | None) -> None:
        """Make ``obj_id`` hold ``stored`` (None: remove it), keeping the name index."""
        old = self.objects.get(obj_id)
        if old is not None and self.ids_by_name.get(old[1]) == obj_id:
            del self.ids_by_name[old[1]]
        if stored is None:
            self.objects.pop(obj_id, None)
        else:
            self.objects[obj_id] = stored
            self.ids_by_name[stored[1]] = obj_id


class MemoryObjectStore(ObjectStore):
    """Objects, logs and file names in dictionaries; gone when the process ends.

    Objects are kept as JSON text: a read parses a fresh copy, and the memory a user's
    objects take is about the bytes the quota counts.  Logs are kept as records, and count
    against the results budget for the JSON text the SQLite backend would store of them;
    deleting a mission deletes its logs.  A write touches only the objects and logs it
    changes (and undoes the objects if the whole of it cannot be made), so it costs the
    same however many are stored.
    """

    def __init__(self, *, quota: Quota | None = None) -> None:
        self.quota = quota
        self._lock = threading.Lock()
        self._collections: dict[tuple[str, str], _Collection] = {}  # by (user_id, segment)
        self._created = itertools.count()
        self._usage: dict[str, Usage] = {}
        self._logs: dict[tuple[str, str], _StoredLog] = {}  # by (user_id, log id)
        self._logs_of_mission: dict[tuple[str, str, str], set[str]] = {}  # (user, segment, id)
        self._result_bytes: dict[str, int] = {}
        self._files: dict[tuple[str, str], str] = {}

    def list_objects(self, user_id: str, segment: str) -> list[JsonObject]:
        with self._lock:
            collection = self._collections.get((user_id, segment))
            texts = [] if collection is None else [s[2] for s in collection.objects.values()]
        return [json.loads(text) for text in texts]

    def get_object(self, user_id: str, segment: str, obj_id: str) -> JsonObject | None:
        with self._lock:
            collection = self._collections.get((user_id, segment))
            stored = None if collection is None else collection.objects.get(obj_id)
        return None if stored is None else json.loads(stored[2])

    def get_log(self, user_id: str, log_id: str) -> ComputationLog | None:
        with self._lock:
            stored = self._logs.get((user_id, log_id))
            return None if stored is None else stored.log

    def find_file(self, user_id: str, filename: str) -> ComputationLog | None:
        with self._lock:
            log_id = self._files.get((user_id, filename))
            stored = None if log_id is None else self._logs.get((user_id, log_id))
            return None if stored is None else stored.log

    def apply(self, user_id: str, changes: Sequence[Change]) -> None:
        with self._lock:
            undo: list[tuple[_Collection, str, _Stored | None]] = []
            # The logs this write saves (None: deletes), applied once all is checked.
            logs: dict[str, _StoredLog | None] = {}
            before = after = self._usage.get(user_id, NOTHING)
            results_before = results_after = self._result_bytes.get(user_id, 0)
            try:
                for change in changes:
                    if isinstance(change, SaveLog):
                        saved = _StoredLog(change.log, len(change.log.to_json()))
                        results_after += saved.size - self._log_size(user_id, change.log.id, logs)
                        logs[change.log.id] = saved
                        continue
                    key = (user_id, change.segment)
                    collection = self._collections.setdefault(key, _Collection())
                    old = collection.objects.get(change.obj_id)
                    new = self._changed(collection, old, change)
                    undo.append((collection, change.obj_id, old))
                    collection.put(change.obj_id, new)
                    after = replaced(after, _usage_of(old), _usage_of(new))
                    if isinstance(change, DeleteObject):  # its computations go with it
                        for log_id in self._mission_logs(user_id, change, logs):
                            results_after -= self._log_size(user_id, log_id, logs)
                            logs[log_id] = None
                check_quota(self.quota, before, after, results_before, results_after)
            except BaseException:
                _undo(undo)
                raise
            self._usage[user_id] = after
            self._result_bytes[user_id] = results_after
            for log_id, log in logs.items():
                self._put_log(user_id, log_id, log)

    def _log_size(self, user_id: str, log_id: str, pending: dict[str, _StoredLog | None]) -> int:
        """The bytes log ``log_id`` counts for now, the write under way included."""
        stored: _StoredLog | None = (
            pending[log_id] if log_id in pending else self._logs.get((user_id, log_id))
        )
        return 0 if stored is None else stored.size

    def _mission_logs(
        self, user_id: str, mission: DeleteObject, pending: dict[str, _StoredLog | None]
    ) -> list[str]:
        """The ids of the logs of ``mission``, stored or saved by the write under way."""
        key = (user_id, mission.segment, mission.obj_id)
        saved_now = [
            log_id
            for log_id, saved in pending.items()
            if saved is not None and (saved.log.segment, saved.log.mission_id) == key[1:]
        ]
        stored = [log_id for log_id in self._logs_of_mission.get(key, ()) if log_id not in pending]
        return [*stored, *saved_now]

    def _put_log(self, user_id: str, log_id: str, saved: _StoredLog | None) -> None:
        """Make ``log_id`` hold ``saved`` (None: delete it), keeping the indexes."""
        old = self._logs.pop((user_id, log_id), None)
        if old is not None:
            self._logs_of_mission[_mission_key(user_id, old.log)].discard(log_id)
            for filename in old.log.files:
                if self._files.get((user_id, filename)) == log_id:
                    del self._files[(user_id, filename)]
        if saved is None:
            return
        self._logs[(user_id, log_id)] = saved
        self._logs_of_mission.setdefault(_mission_key(user_id, saved.log), set()).add(log_id)
        for filename in saved.log.files:
            self._files[(user_id, filename)] = log_id

    def _changed(
        self,
        collection: _Collection,
        old: _Stored | None,
        change: ObjectWrite | SetField | DeleteObject,
    ) -> _Stored | None:
        """What ``change`` makes of the object ``old`` (raises :class:`StoreError`)."""
        if isinstance(change, InsertObject):
            if old is not None:
                raise StoreError(f"id {change.obj_id!r} is already used in {change.segment}")
        elif old is None:
            raise ObjectNotFound(change.segment, change.obj_id)
        if isinstance(change, DeleteObject):
            return None
        if isinstance(change, SetField):
            assert old is not None  # checked above
            obj = json.loads(old[2])
            obj[change.name] = change.value
        else:
            obj = change.obj
        name = object_name(obj)
        holder = collection.ids_by_name.get(name)
        if holder is not None and holder != change.obj_id:
            raise NameTaken(change.segment, name)
        created = next(self._created) if old is None else old[0]
        return created, name, json.dumps(obj)

    def clear_objects(self) -> None:
        with self._lock:
            self._collections.clear()
            self._usage.clear()
            self._logs.clear()
            self._logs_of_mission.clear()
            self._result_bytes.clear()
            self._files.clear()


class MemoryStore(MemoryObjectStore, MemoryRealmState, MemoryFaultRules, MemoryJournal, Store):
    """Every role in the memory of one process."""

    def __init__(self, *, quota: Quota | None = None) -> None:
        MemoryObjectStore.__init__(self, quota=quota)
        MemoryRealmState.__init__(self)
        MemoryFaultRules.__init__(self)
        MemoryJournal.__init__(self)


def _mission_key(user_id: str, log: ComputationLog) -> tuple[str, str, str]:
    return user_id, log.segment, log.mission_id


def _usage_of(stored: _Stored | None) -> Usage:
    return NOTHING if stored is None else text_usage(stored[2])


def _undo(undo: list[tuple[_Collection, str, _Stored | None]]) -> None:
    """Put back what the changes of a refused write replaced, last first; a deleted object
    put back goes to the end of its dict, so its collection is sorted into creation order
    again (a refused write may cost a sort; a made one never does)."""
    reordered: list[_Collection] = []
    for collection, obj_id, old in reversed(undo):
        if old is not None and obj_id not in collection.objects:
            reordered.append(collection)
        collection.put(obj_id, old)
    for collection in reordered:
        collection.objects = dict(sorted(collection.objects.items(), key=lambda item: item[1][0]))
