"""The changes one :meth:`~fake_server.store.Store.apply` call makes, all or none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fake_server.store.records import ComputationLog, JsonObject


@dataclass(frozen=True)
class ObjectWrite:
    """Write a whole object (its ``id`` and ``displayedName`` already set)."""

    segment: str
    obj: JsonObject

    @property
    def obj_id(self) -> str:
        obj_id: str = self.obj["id"]
        return obj_id


class InsertObject(ObjectWrite):
    """Add a new object."""


class ReplaceObject(ObjectWrite):
    """Replace the object with ``obj["id"]``, keeping its place in the listing."""


@dataclass(frozen=True)
class SetField:
    """Set one field of a stored object, leaving the rest as it is now."""

    segment: str
    obj_id: str
    name: str
    value: Any


@dataclass(frozen=True)
class DeleteObject:
    """Remove one object."""

    segment: str
    obj_id: str


@dataclass(frozen=True)
class SaveLog:
    """Store (or overwrite) a computation log and register its gridfs files."""

    log: ComputationLog


Change = InsertObject | ReplaceObject | SetField | DeleteObject | SaveLog
