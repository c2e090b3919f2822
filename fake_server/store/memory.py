"""The store in the memory of one process: gone when the process ends."""

from __future__ import annotations

import copy
import dataclasses
import json
import threading
from collections import deque
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
from fake_server.store.fault_rules import FaultStep, StoredFaultRule, plan_sync
from fake_server.store.interface import Store
from fake_server.store.memory_realm import MemoryRealmState
from fake_server.store.quota import NOTHING, Quota, Usage, check_quota, replaced, text_usage
from fake_server.store.records import ComputationLog, JsonObject, object_name

#: One stored object: its name and its JSON text.
_Stored = tuple[str, str]


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
        self._collections: dict[tuple[str, str], dict[str, _Stored]] = {}
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

    # -- fault rules

    def fault_rules_version(self) -> int:
        with self._lock:
            return self._fault_version

    def fault_rules(self) -> list[StoredFaultRule]:
        with self._lock:
            return list(self._fault_rules.values())

    def _add_rule(self, definition: JsonObject, origin: str) -> int:
        """Store a rule with zero counters (caller holds the lock)."""
        self._fault_ids += 1
        rule_id = self._fault_ids
        self._fault_rules[rule_id] = StoredFaultRule(rule_id, definition, origin, 0, 0.0)
        return rule_id

    def add_fault_rule(self, definition: JsonObject, origin: str) -> int:
        with self._lock:
            self._fault_version += 1
            return self._add_rule(copy.deepcopy(definition), origin)

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
            stored = [(i, r.definition) for i, r in self._fault_rules.items() if r.origin == origin]
            doomed, added = plan_sync(stored, definitions)
            for rule_id in doomed:
                del self._fault_rules[rule_id]
            for key in added:
                self._add_rule(json.loads(key), origin)
            self._fault_version += 1

    def advance_fault_rules(self, ids: Sequence[int], step: FaultStep) -> set[int]:
        fired: set[int] = set()
        with self._lock:
            for rule_id in ids:
                rule = self._fault_rules.get(rule_id)
                if rule is None:
                    continue
                count, credit, fires = step(rule_id, rule.fired, rule.credit)
                self._fault_rules[rule_id] = dataclasses.replace(rule, fired=count, credit=credit)
                if fires:
                    fired.add(rule_id)
        return fired

    # -- the request journal

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
