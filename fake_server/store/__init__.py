"""Per-user objects and computation logs: in memory, or in an SQLite file.

This package's front door: what the rest of the server imports from the store, and
:func:`open_store`, which picks the backend for a ``--state`` path.

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

from pathlib import Path

from fake_server.store.changes import (
    Change,
    DeleteObject,
    InsertObject,
    ReplaceObject,
    SaveLog,
    SetField,
)
from fake_server.store.errors import NameTaken, ObjectNotFound, StateFileError, StoreError
from fake_server.store.fault_rules import FaultStep, StoredFaultRule
from fake_server.store.interface import Store
from fake_server.store.memory import MemoryStore
from fake_server.store.quota import Quota, QuotaExceeded
from fake_server.store.records import ComputationLog, JsonObject
from fake_server.store.schema import SCHEMA_VERSION
from fake_server.store.sqlite import SQLiteStore

__all__ = [
    "SCHEMA_VERSION",
    "Change",
    "ComputationLog",
    "DeleteObject",
    "FaultStep",
    "InsertObject",
    "JsonObject",
    "MemoryStore",
    "NameTaken",
    "ObjectNotFound",
    "Quota",
    "QuotaExceeded",
    "ReplaceObject",
    "SQLiteStore",
    "SaveLog",
    "SetField",
    "StateFileError",
    "Store",
    "StoreError",
    "StoredFaultRule",
    "open_store",
]


def open_store(state_path: str | Path | None, *, quota: Quota | None = None) -> Store:
    """A SQLite store on ``state_path``, or a memory store when it is None; each user's
    objects are held to ``quota`` (None: no bound)."""
    if state_path is None:
        return MemoryStore(quota=quota)
    return SQLiteStore(state_path, quota=quota)
