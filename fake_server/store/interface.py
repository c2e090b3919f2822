"""The store's interface, which both backends implement: per-user objects, computation
logs and gridfs file names, the realm, fault rules and the request journal."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence

from fake_server.store.changes import Change
from fake_server.store.fault_rules import FaultStep, StoredFaultRule
from fake_server.store.identity import RealmState
from fake_server.store.quota import Quota
from fake_server.store.records import ComputationLog, JsonObject, object_name


class Store(RealmState):
    """Per-user objects, computation logs and gridfs file names; the realm's users,
    clients, sessions and revoked tokens; fault rules and the request journal.

    ``quota`` bounds one user's objects (None: no bound).
    """

    quota: Quota | None = None

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
