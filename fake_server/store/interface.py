"""The store's roles, each an interface both backends implement: per-user objects,
computation logs and gridfs file names (:class:`ObjectStore`); the realm's state
(:class:`~fake_server.store.identity.RealmState`); fault rules
(:class:`~fake_server.store.fault_rules.FaultRuleStore`); the request journal
(:class:`~fake_server.store.request_journal.RequestJournalStore`).  :class:`Store` is all
of them at once: what :func:`~fake_server.store.open_store` gives the code that wires the
server together, which hands each consumer only its role."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from fake_server.store.changes import Change
from fake_server.store.fault_rules import FaultRuleStore
from fake_server.store.identity import RealmState
from fake_server.store.quota import Quota
from fake_server.store.records import ComputationLog, JsonObject, object_name
from fake_server.store.request_journal import RequestJournalStore


class ObjectStore(ABC):
    """Per-user objects, computation logs and gridfs file names: what the scripting API
    and the computation lifecycle read and write.

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

    def find_by_name(self, user_id: str, segment: str, name: str) -> JsonObject | None:
        """The object of that name in a collection, or None."""
        for obj in self.list_objects(user_id, segment):
            if object_name(obj) == name:
                return obj
        return None

    @abstractmethod
    def clear_objects(self) -> None:
        """Forget every user's objects, computation logs and file names."""


class Store(ObjectStore, RealmState, FaultRuleStore, RequestJournalStore):
    """Every role in one state (memory, or one state file), for the code that wires the
    server together."""

    def close(self) -> None:  # nothing to release in memory
        """Release files and connections."""
