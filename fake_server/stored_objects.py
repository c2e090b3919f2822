"""Objects as the service stores them: the request body plus an ``id`` and a
``displayedName``, orbits with their derived fields filled in."""

from __future__ import annotations

import uuid

from fake_server.compute import complete_orbit
from fake_server.store import JsonObject
from spacestudio_contract.catalog import COLLECTIONS
from spacestudio_contract.wire import DISPLAYED_NAME, ID, NAME

#: Segments whose objects are orbits: stored orbits get their derived fields filled in.
ORBIT_SEGMENTS = frozenset(spec.segment for spec in COLLECTIONS if spec.stem == "orbit")


def new_object(body: JsonObject, obj_id: str | None = None) -> JsonObject:
    """The object as the service stores it: the body plus ``id`` and ``displayedName``."""
    obj = dict(body)
    obj[ID] = obj_id or str(uuid.uuid4())
    obj[DISPLAYED_NAME] = obj[NAME]
    return obj


def with_derived_fields(segment: str, body: JsonObject) -> JsonObject:
    """The body as stored in ``segment``: orbits get their derived fields filled in."""
    if segment in ORBIT_SEGMENTS:
        return complete_orbit(body)
    return body
