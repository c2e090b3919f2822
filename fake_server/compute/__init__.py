"""The fake backend's compute engine: mission bodies in, results out.

Pure functions over plain JSON: no HTTP, no I/O, no global state. The models are analytic
(J2 secular theory, Edelbaum low-thrust transfers, an exponential atmosphere, cylindrical
shadow, Walker constellations, Clohessy-Wiltshire relative motion); docs/physics.md states
them with their sources, units and limits.

Identical inputs give identical results, bit for bit. Bad user input never raises: the
:class:`Computation` carries ``errors`` naming the cause.
"""

from __future__ import annotations

from .missions import complete_orbit, compute_mission, continue_from_paused, merge_results
from .results import JSON, Computation, Continuation

__all__ = [
    "JSON",
    "Computation",
    "Continuation",
    "complete_orbit",
    "compute_mission",
    "continue_from_paused",
    "merge_results",
]
