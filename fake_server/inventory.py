"""What one user holds: objects by collection, the references between them, and each
mission's latest computation as clients see it; for the administration's listing and
the console.

A stored object refers to another by nesting it with its ``id`` (see
:mod:`fake_server.relations`); a :class:`Reference` names the field, the collection and
the object it leads to, so a mission → its spacecraft → its thruster can be followed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fake_server.lifecycle import Computations
from fake_server.store import ComputationLog, JsonObject, ObjectStore
from spacestudio_contract.catalog import COLLECTIONS
from spacestudio_contract.wire import COMPUTATION_LOG_ID, DISPLAYED_NAME, ID


@dataclass(frozen=True)
class Reference:
    """A stored object nested in another one, under ``field``."""

    field: str
    segment: str
    id: str
    name: str

    def to_json(self) -> JsonObject:
        return {"field": self.field, "segment": self.segment, "id": self.id, "name": self.name}


@dataclass(frozen=True)
class HeldObject:
    """One stored object, the objects it refers to, and its latest computation."""

    segment: str
    id: str
    name: str
    references: tuple[Reference, ...]
    computation: JsonObject | None  # as ``GET computationlogs/{id}`` answers, results left out

    def to_json(self) -> JsonObject:
        return {
            "segment": self.segment,
            "id": self.id,
            "name": self.name,
            "references": [reference.to_json() for reference in self.references],
            "computation": self.computation,
        }


def user_objects(
    store: ObjectStore, computations: Computations, user_id: str
) -> dict[str, list[HeldObject]]:
    """Every non-empty collection of the user's, in catalog order, objects in creation
    order."""
    stored = {spec.segment: store.list_objects(user_id, spec.segment) for spec in COLLECTIONS}
    where = {
        str(obj[ID]): (segment, str(obj.get(DISPLAYED_NAME, "")))
        for segment, objects in stored.items()
        for obj in objects
    }
    held: dict[str, list[HeldObject]] = {}
    for segment, objects in stored.items():
        for obj in objects:
            log = computations.latest_log(user_id, obj)
            held.setdefault(segment, []).append(
                HeldObject(
                    segment,
                    str(obj[ID]),
                    str(obj.get(DISPLAYED_NAME, "")),
                    tuple(_references(obj, where, str(obj[ID]))),
                    _summary(computations, log) if log is not None else None,
                )
            )
    return held


def _summary(computations: Computations, log: ComputationLog) -> JsonObject:
    described = computations.describe(log)
    described.pop("results", None)
    return {**described, "kind": log.kind, "durationSeconds": log.duration}


def _references(obj: JsonObject, where: dict[str, tuple[str, str]], own_id: str) -> list[Reference]:
    """The stored objects nested in ``obj`` (not those nested in them), each once, named
    by the field that holds them."""
    found: dict[str, Reference] = {}

    def walk(field: str, value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                walk(field, item)
        elif isinstance(value, dict):
            nested_id = value.get(ID)
            if isinstance(nested_id, str) and nested_id in where and nested_id != own_id:
                segment, name = where[nested_id]
                # Its own references are its own: the chain is followed object by object.
                found.setdefault(nested_id, Reference(field, segment, nested_id, name))
                return
            for key, item in value.items():
                walk(key, item)

    for key, value in obj.items():
        if key != COMPUTATION_LOG_ID:
            walk(key, value)
    return list(found.values())
