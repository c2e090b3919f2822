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
    for the JSON text the SQLite backend would store of them.  A write touches only the objects
    it changes (and undoes them if the whole of it cannot be made), so it costs the same
    however many objects are stored.
    """

    def __init__(self, *, quota: Quota | None = None) -> None:
        self.quota = quota
        self._lock = threading.Lock()
        self._collections: dict[tuple[str, str], _Collection] = {}  # by (user_id, segment)
        self._created = itertools.count()
        self._usage: dict[str, Usage] = {}
        self._logs: dict[tuple[str, str], ComputationLog] = {}
        self._log_usage: dict[tuple[str, str], Usage] = {}  # what each log counts for
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
            return self._logs.get((user_id, log_id))

    def find_file(self, user_id: str, filename: str) -> ComputationLog | None:
        with self._lock:
            log_id = self._files.get((user_id, filename))
            return None if log_id is None else self._logs.get((user_id, log_id))

    def apply(self, user_id: str, changes: Sequence[Change]) -> None:
        with self._lock:
            undo: list[tuple[_Collection, str, _Stored | None]] = []
            logs: dict[str, tuple[ComputationLog, Usage]] = {}  # saved once all is checked
            before = after = self._usage.get(user_id, NOTHING)
            try:
                for change in changes:
                    if isinstance(change, SaveLog):
                        log_id = change.log.id
                        overwritten = (
                            logs[log_id][1]
                            if log_id in logs
                            else self._log_usage.get((user_id, log_id), NOTHING)
                        )
                        log_usage = text_usage(change.log.to_json())
                        logs[log_id] = (change.log, log_usage)
                        after = replaced(after, overwritten, log_usage)
                        continue
                    key = (user_id, change.segment)
                    collection = self._collections.setdefault(key, _Collection())
                    old = collection.objects.get(change.obj_id)
                    new = self._changed(collection, old, change)
                    undo.append((collection, change.obj_id, old))
                    collection.put(change.obj_id, new)
                    after = replaced(after, _usage_of(old), _usage_of(new))
                check_quota(self.quota, before, after)
            except BaseException:
                _undo(undo)
                raise
            self._usage[user_id] = after
            for log, log_usage in logs.values():
                self._logs[(user_id, log.id)] = log
                self._log_usage[(user_id, log.id)] = log_usage
                for filename in log.files:
                    self._files[(user_id, filename)] = log.id

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
            self._log_usage.clear()
            self._files.clear()


class MemoryStore(MemoryObjectStore, MemoryRealmState, MemoryFaultRules, MemoryJournal, Store):
    """Every role in the memory of one process."""

    def __init__(self, *, quota: Quota | None = None) -> None:
        MemoryObjectStore.__init__(self, quota=quota)
        MemoryRealmState.__init__(self)
        MemoryFaultRules.__init__(self)
        MemoryJournal.__init__(self)


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
