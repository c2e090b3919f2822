"""Per-user objects and computation logs: in memory, or in an SQLite file.

This package's front door: what the rest of the server imports from the store, and
:func:`open_store`, which picks the backend for a ``--state`` path.

The same store also holds what the worker processes of one server share: the realm's
users, clients, sign-in sessions and revoked tokens (:class:`RealmState`), the fault
rules with their counters (:class:`FaultRuleStore`) and the request journal
(:class:`RequestJournalStore`). With an SQLite file every process that opens it sees the
same realm, faults and journal; in memory, one process does.  Each consumer is typed
against its role alone; :class:`Store` is every role at once, for the code that wires the
server together.

Both backends implement every role.  Reads return fresh copies; every write of objects
goes through :meth:`ObjectStore.apply`, which takes a list of changes and applies all of them or
none (a name already taken, an unknown id or a full quota raises before anything is
written).  The SQLite backend commits each :meth:`~ObjectStore.apply` in one transaction on
a write-ahead log before it answers, so a write the server has acknowledged survives the
process being killed.  It refuses, at open, a file that is damaged or that
holds tables of another layout, and creates new files readable by their owner only.

Both keep each object as its JSON text and count, per user, the bytes of that text and
the JSON values in it against a :class:`Quota`, and the bytes of the computation logs'
JSON text against its separate results budget: what a user can make the server hold,
and what listing it costs, is bounded.  Deleting a mission deletes its computation logs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fake_server.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from fake_server.store.changes import (
        Change,
        DeleteObject,
        InsertObject,
        ReplaceObject,
        SaveLog,
        SetField,
    )
    from fake_server.store.errors import NameTaken, ObjectNotFound, StateFileError, StoreError
    from fake_server.store.fault_rules import (
        FaultRuleStore,
        FaultStep,
        MemoryFaultRules,
        StoredFaultRule,
    )
    from fake_server.store.identity import RealmState
    from fake_server.store.interface import ObjectStore, Store
    from fake_server.store.memory import MemoryStore
    from fake_server.store.quota import Quota, QuotaExceeded, ResultsBudgetExceeded
    from fake_server.store.records import ComputationLog, JsonObject
    from fake_server.store.request_journal import MemoryJournal, RequestJournalStore
    from fake_server.store.schema import SCHEMA_VERSION
    from fake_server.store.sqlite import SQLiteStore

#: Where each name of the front door is defined.
_HOMES = {
    "SCHEMA_VERSION": "schema",
    "Change": "changes",
    "ComputationLog": "records",
    "DeleteObject": "changes",
    "FaultRuleStore": "fault_rules",
    "FaultStep": "fault_rules",
    "InsertObject": "changes",
    "JsonObject": "records",
    "MemoryFaultRules": "fault_rules",
    "MemoryJournal": "request_journal",
    "MemoryStore": "memory",
    "NameTaken": "errors",
    "ObjectNotFound": "errors",
    "ObjectStore": "interface",
    "Quota": "quota",
    "QuotaExceeded": "quota",
    "RealmState": "identity",
    "ReplaceObject": "changes",
    "RequestJournalStore": "request_journal",
    "ResultsBudgetExceeded": "quota",
    "SQLiteStore": "sqlite",
    "SaveLog": "changes",
    "SetField": "changes",
    "StateFileError": "errors",
    "Store": "interface",
    "StoreError": "errors",
    "StoredFaultRule": "fault_rules",
}

__all__ = [
    "SCHEMA_VERSION",
    "Change",
    "ComputationLog",
    "DeleteObject",
    "FaultRuleStore",
    "FaultStep",
    "InsertObject",
    "JsonObject",
    "MemoryFaultRules",
    "MemoryJournal",
    "MemoryStore",
    "NameTaken",
    "ObjectNotFound",
    "ObjectStore",
    "Quota",
    "QuotaExceeded",
    "RealmState",
    "ReplaceObject",
    "RequestJournalStore",
    "ResultsBudgetExceeded",
    "SQLiteStore",
    "SaveLog",
    "SetField",
    "StateFileError",
    "Store",
    "StoreError",
    "StoredFaultRule",
    "open_store",
]


__getattr__ = lazy_exports(__name__, _HOMES)


def open_store(state_path: str | Path | None, *, quota: Quota | None = None) -> Store:
    """A SQLite store on ``state_path``, or a memory store when it is None; each user's
    objects and computation results are held to ``quota`` (None: no bound)."""
    if state_path is None:
        from fake_server.store.memory import MemoryStore

        return MemoryStore(quota=quota)
    from fake_server.store.sqlite import SQLiteStore

    return SQLiteStore(state_path, quota=quota)
