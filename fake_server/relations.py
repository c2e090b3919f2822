"""Objects that hold other objects: stored by reference, read as they are now.

Scripts build bodies from what ``get_…`` answered, so a spacecraft body nests its whole
thruster, geometry and battery, each with its ``id``; a mission nests its spacecraft and
orbits. The service links such objects by id rather than keeping copies: the published
``Full-mission-simulation.py`` changes the propellant with ``modify_propulsion_system`` and
reads the spacecraft again expecting the new propellant, and ``Pause-capability…`` changes a
spacecraft's ``onBoardAveragePower`` after creating the mission and computes it expecting the
new value. So every read here replaces a nested object that carries the id of a stored object
by that object's current state, recursively; a computation takes its snapshot when it starts.

A nested object whose id no longer resolves (it was deleted) stays as it was written, so a
mission keeps what it was created with rather than losing its spacecraft.
"""

from __future__ import annotations

from typing import Any

from fake_server.store import JsonObject, ObjectStore
from spacestudio_contract.catalog import BY_SEGMENT, collections_of

#: Which collection (by stem, within the holder's module) a nested field usually names; a
#: field not listed is looked up in every collection of the module.
FIELD_STEMS: dict[str, str] = {
    "thruster": "propulsion_system",
    "propulsionSystem": "propulsion_system",
    "spacecraftGeometry": "spacecraft_geometry",
    "batteryDefinition": "battery",
    "battery": "battery",
    "antenna": "antenna",
    "spacecraft": "spacecraft",
    "initialOrbit": "orbit",
    "targetOrbit": "orbit",
    "orbit": "orbit",
    "payload": "payload",
    "homogeneousConstellationGeometries": "sub_constellation",
    "constellation": "constellation",
    "earthMeshes": "earth_mesh",
    "groundStations": "ground_station",
    "pointsOfInterest": "point_of_interest",
    "launch": "launch",
}
#: Deepest chain of references followed (mission → spacecraft → thruster is three).
MAX_DEPTH = 8


class References:
    """Resolves the nested objects of one user's objects against the store."""

    def __init__(self, store: ObjectStore, user_id: str) -> None:
        self.store = store
        self.user_id = user_id
        self._by_segment: dict[str, dict[str, JsonObject]] = {}

    def current(self, segment: str, obj: JsonObject) -> JsonObject:
        """``obj`` of ``segment`` with every nested stored object as it is now."""
        module = BY_SEGMENT[segment].module
        own_id = obj.get("id")
        seen = frozenset({own_id}) if isinstance(own_id, str) else frozenset()
        return {key: self._value(module, key, value, seen, 1) for key, value in obj.items()}

    def _value(self, module: str, key: str, value: Any, seen: frozenset[str], depth: int) -> Any:
        if depth > MAX_DEPTH:
            return value
        if isinstance(value, list):
            return [self._value(module, key, item, seen, depth) for item in value]
        if not isinstance(value, dict):
            return value
        nested_id = value.get("id")
        if isinstance(nested_id, str) and nested_id not in seen:
            stored = self._lookup(module, key, nested_id)
            if stored is not None:
                value = stored
                seen = seen | {nested_id}
        return {
            name: self._value(module, name, item, seen, depth + 1) for name, item in value.items()
        }

    def _lookup(self, module: str, key: str, obj_id: str) -> JsonObject | None:
        stem = FIELD_STEMS.get(key)
        # The field's usual collection first, then the module's others; each collection is
        # read once per request, so a listing of N missions costs a few queries, not 4 N.
        for spec in sorted(collections_of(module), key=lambda spec: spec.stem != stem):
            found = self._collection(spec.segment).get(obj_id)
            if found is not None:
                return found
        return None

    def _collection(self, segment: str) -> dict[str, JsonObject]:
        if segment not in self._by_segment:
            objects = self.store.list_objects(self.user_id, segment)
            self._by_segment[segment] = {str(obj.get("id")): obj for obj in objects}
        return self._by_segment[segment]


def current(store: ObjectStore, user_id: str, segment: str, obj: JsonObject) -> JsonObject:
    """``obj`` with what it references as it is now (see the module docstring)."""
    return References(store, user_id).current(segment, obj)


def current_list(store: ObjectStore, user_id: str, segment: str) -> list[JsonObject]:
    """Every object of a collection, each with what it references as it is now."""
    references = References(store, user_id)
    return [references.current(segment, obj) for obj in store.list_objects(user_id, segment)]
