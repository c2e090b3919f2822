"""The store in the memory of one process, gone when it ends: objects, logs and file
names, and every role at once (:class:`MemoryStore`)."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence

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

#: One stored object: its name and its JSON text.
_Stored = tuple[str, str]


class MemoryObjectStore(ObjectStore):
    """Objects, logs and file names in dictionaries; gone when the process ends.

    Objects are kept as JSON text: a read parses a fresh copy, and the memory a user's
    objects take is about the bytes the quota counts.
    """

    def __init__(self, *, quota: Quota | None = None) -> None:
        self.quota = quota
        self._lock = threading.Lock()
        # (user_id, segment) -> {obj_id: (name, JSON text)}; dicts keep creation order.
        self._collections: dict[tuple[str, str], dict[str, _Stored]] = {}
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
            staged: dict[tuple[str, str], dict[str, _Stored]] = {}
            logs: list[ComputationLog] = []
            before = after = self._usage.get(user_id, NOTHING)
            for change in changes:
                if isinstance(change, SaveLog):
                    logs.append(change.log)
                    continue
                key = (user_id, change.segment)
                if key not in staged:
                    staged[key] = dict(self._collections.get(key, {}))
                objects = staged[key]
                old = _usage_of(objects.get(change.obj_id))
                _change_collection(objects, change)
                after = replaced(after, old, _usage_of(objects.get(change.obj_id)))
            check_quota(self.quota, before, after)
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


class MemoryStore(MemoryObjectStore, MemoryRealmState, MemoryFaultRules, MemoryJournal, Store):
    """Every role in the memory of one process."""

    def __init__(self, *, quota: Quota | None = None) -> None:
        MemoryObjectStore.__init__(self, quota=quota)
        MemoryRealmState.__init__(self)
        MemoryFaultRules.__init__(self)
        MemoryJournal.__init__(self)


def _usage_of(stored: _Stored | None) -> Usage:
    return NOTHING if stored is None else text_usage(stored[1])


def _change_collection(
    objects: dict[str, _Stored], change: ObjectWrite | SetField | DeleteObject
) -> None:
    """Apply one change to a staged collection (raises :class:`StoreError`)."""
    if isinstance(change, InsertObject):
        if change.obj_id in objects:
            raise StoreError(f"id {change.obj_id!r} is already used in {change.segment}")
    elif change.obj_id not in objects:
        raise ObjectNotFound(change.segment, change.obj_id)
    if isinstance(change, ObjectWrite):
        objects[change.obj_id] = _named_text(objects, change.segment, change.obj)
    elif isinstance(change, SetField):
        updated = json.loads(objects[change.obj_id][1])
        updated[change.name] = change.value
        objects[change.obj_id] = (object_name(updated), json.dumps(updated))
    else:
        del objects[change.obj_id]


def _named_text(objects: dict[str, _Stored], segment: str, obj: JsonObject) -> _Stored:
    """``obj``'s name and JSON text, once no other object of the collection has the name."""
    name = object_name(obj)
    for other_id, (other_name, _) in objects.items():
        if other_id != obj["id"] and other_name == name:
            raise NameTaken(segment, name)
    return name, json.dumps(obj)
