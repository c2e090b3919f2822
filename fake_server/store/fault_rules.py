"""Fault rules as the store keeps them: their JSON definitions and counters, the
interface both backends implement (:class:`FaultRuleStore`), the memory one, and how an
origin's rules are brought in line with the rules it defines."""

from __future__ import annotations

import copy
import dataclasses
import json
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from fake_server.store.records import JsonObject


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


def _rule_key(definition: JsonObject) -> str:
    """A fault rule's definition as one text, equal for equal definitions."""
    return json.dumps(definition, sort_keys=True, separators=(",", ":"))


def plan_sync(
    stored: Iterable[tuple[int, JsonObject]], definitions: Sequence[JsonObject]
) -> tuple[list[int], list[str]]:
    """What makes one origin's ``stored`` rules (id, definition) exactly ``definitions``:
    the ids to remove and the definitions to add, as canonical JSON texts.  A rule
    already stored stays, so that it keeps its counters."""
    wanted = [_rule_key(d) for d in definitions]
    doomed: list[int] = []
    for rule_id, definition in stored:
        key = _rule_key(definition)
        if key in wanted:
            wanted.remove(key)
        else:
            doomed.append(rule_id)
    return doomed, wanted


class FaultRuleStore(ABC):
    """The fault rules with their counters, shared by the worker processes of one server."""

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


class MemoryFaultRules(FaultRuleStore):
    """Fault rules in a dictionary, for one process."""

    def __init__(self) -> None:
        self._faults_lock = threading.Lock()
        self._fault_rules: dict[int, StoredFaultRule] = {}
        self._fault_ids = 0
        self._fault_version = 0

    def fault_rules_version(self) -> int:
        with self._faults_lock:
            return self._fault_version

    def fault_rules(self) -> list[StoredFaultRule]:
        with self._faults_lock:
            return list(self._fault_rules.values())

    def _add_rule(self, definition: JsonObject, origin: str) -> int:
        """Store a rule with zero counters (caller holds the lock)."""
        self._fault_ids += 1
        rule_id = self._fault_ids
        self._fault_rules[rule_id] = StoredFaultRule(rule_id, definition, origin, 0, 0.0)
        return rule_id

    def add_fault_rule(self, definition: JsonObject, origin: str) -> int:
        with self._faults_lock:
            self._fault_version += 1
            return self._add_rule(copy.deepcopy(definition), origin)

    def remove_fault_rules(self, ids: Sequence[int] | None = None) -> int:
        with self._faults_lock:
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
        with self._faults_lock:
            stored = [(i, r.definition) for i, r in self._fault_rules.items() if r.origin == origin]
            doomed, added = plan_sync(stored, definitions)
            for rule_id in doomed:
                del self._fault_rules[rule_id]
            for key in added:
                self._add_rule(json.loads(key), origin)
            self._fault_version += 1

    def advance_fault_rules(self, ids: Sequence[int], step: FaultStep) -> set[int]:
        fired: set[int] = set()
        with self._faults_lock:
            for rule_id in ids:
                rule = self._fault_rules.get(rule_id)
                if rule is None:
                    continue
                count, credit, fires = step(rule_id, rule.fired, rule.credit)
                self._fault_rules[rule_id] = dataclasses.replace(rule, fired=count, credit=credit)
                if fires:
                    fired.add(rule_id)
        return fired
