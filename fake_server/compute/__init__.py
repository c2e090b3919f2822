"""The fake backend's compute engine: mission bodies in, results out.

Pure functions over plain JSON: no HTTP, no I/O, no global state. The models are analytic
(J2 secular theory, Edelbaum low-thrust transfers, an exponential atmosphere, cylindrical
shadow, Walker constellations, Clohessy-Wiltshire relative motion); docs/physics.md states
them with their sources, units and limits.

Identical inputs give identical results, bit for bit. Bad user input never raises: the
:class:`Computation` carries ``errors`` naming the cause.

Names load with the submodule that defines them, on first use: a module that needs the
result types does not load every model (and numpy).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fake_server.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from .missions import complete_orbit, compute_mission, continue_from_paused, merge_results
    from .results import JSON, Computation, Continuation

#: Where each name of the front door is defined.
_HOMES = {
    "JSON": "results",
    "Computation": "results",
    "Continuation": "results",
    "complete_orbit": "missions",
    "compute_mission": "missions",
    "continue_from_paused": "missions",
    "merge_results": "missions",
}

__all__ = [
    "JSON",
    "Computation",
    "Continuation",
    "complete_orbit",
    "compute_mission",
    "continue_from_paused",
    "merge_results",
]


__getattr__ = lazy_exports(__name__, _HOMES)
