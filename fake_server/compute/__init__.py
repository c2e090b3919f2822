"""The fake backend's compute engine: mission bodies in, results out.

Pure functions over plain JSON: no HTTP, no I/O, no global state. The models are analytic
(J2 secular theory, Edelbaum low-thrust transfers, an exponential atmosphere, cylindrical
shadow, Walker constellations, Clohessy-Wiltshire relative motion); docs/physics.md states
them with their sources, units and limits.

Identical inputs give identical results, bit for bit. Bad user input never raises: the
:class:`Computation` carries ``errors`` naming the cause.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

JSON = dict[str, Any]


@dataclass(frozen=True)
class Computation:
    """What one computation produced."""

    #: The results ``R`` scripts read (JSON-serialisable, plain Python types only).
    results: JSON
    #: ``[{"message": ...}]``; empty when all went well.
    errors: list[dict[str, str]]
    #: True when the run stopped at ``durationUntilPause`` / ``until_duration``.
    paused: bool


@dataclass(frozen=True)
class Continuation:
    """The objects that resume a paused mission."""

    #: Body of the new mission (named ``new_name``), without ``id``.
    mission: JSON
    #: Body of its initial orbit (the paused mission's final orbit).
    orbit: JSON
    #: Body of its spacecraft (the propellant left at the pause).
    spacecraft: JSON


from .missions import (  # noqa: E402  (the dataclasses above are part of their API)
    complete_orbit,
    compute_mission,
    continue_from_paused,
    merge_results,
)

__all__ = [
    "JSON",
    "Computation",
    "Continuation",
    "complete_orbit",
    "compute_mission",
    "continue_from_paused",
    "merge_results",
]
