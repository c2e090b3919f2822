"""What the store keeps of each user: JSON objects, named uniquely per collection, and
computation logs."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Any

from spacestudio_contract.wire import DISPLAYED_NAME

JsonObject = dict[str, Any]

#: The separators of the JSON text the server writes: no spaces.
COMPACT = (",", ":")


class JsonText(str):
    """JSON text written already (compact), to go into a larger text as it is."""


def compact_json(value: Any) -> str:
    """``value`` as compact JSON text; members of a top-level object that are
    :class:`JsonText` go in as they are, not written again (the text is the same)."""
    if isinstance(value, dict) and any(isinstance(item, JsonText) for item in value.values()):
        members = (
            json.dumps(key) + ":" + (item if isinstance(item, JsonText) else compact_json(item))
            for key, item in value.items()
        )
        return "{" + ",".join(members) + "}"
    return json.dumps(value, separators=COMPACT)


def object_name(obj: JsonObject) -> str:
    """The name that must be unique within a collection."""
    return str(obj[DISPLAYED_NAME])


@dataclass(frozen=True)
class ComputationLog:
    """One computation of a mission: when it started, how long it runs, what it produced.

    ``results`` and ``errors`` are known from the start (the computation itself is
    fast); the server reveals them once ``duration`` seconds have passed since
    ``started_at``.  ``files`` are the gridfs file names the results provide.
    Treat ``results`` as read-only: stores may hand out the same object again.
    """

    id: str
    user_id: str
    segment: str
    mission_id: str
    mission_name: str
    kind: str  # "compute", "compute_until_duration" or "merge"
    started_at: float  # seconds since the epoch
    duration: float  # seconds until it reports finished
    results: JsonObject | None
    errors: list[dict[str, str]] = field(default_factory=list)
    paused: bool = False
    files: tuple[str, ...] = ()

    def to_record(self) -> JsonObject:
        return {
            "id": self.id,
            "userId": self.user_id,
            "segment": self.segment,
            "missionId": self.mission_id,
            "missionName": self.mission_name,
            "kind": self.kind,
            "startedAt": self.started_at,
            "duration": self.duration,
            "results": self.results,
            "errors": self.errors,
            "paused": self.paused,
            "files": list(self.files),
        }

    @functools.cached_property
    def results_json(self) -> JsonText:
        """``results`` as JSON text, written once for this record: what it counts against
        the results budget and what an answer carries (a large result takes a tenth of a
        second to write)."""
        return JsonText(json.dumps(self.results, separators=COMPACT))

    def to_json(self) -> str:
        """The record as the store keeps it, and as it counts against the results budget."""
        return compact_json({**self.to_record(), "results": self.results_json})

    @classmethod
    def from_record(cls, record: JsonObject) -> ComputationLog:
        return cls(
            id=record["id"],
            user_id=record["userId"],
            segment=record["segment"],
            mission_id=record["missionId"],
            mission_name=record["missionName"],
            kind=record["kind"],
            started_at=float(record["startedAt"]),
            duration=float(record["duration"]),
            results=record["results"],
            errors=list(record["errors"]),
            paused=bool(record["paused"]),
            files=tuple(record["files"]),
        )
