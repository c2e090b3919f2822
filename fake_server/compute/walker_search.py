"""Walker constellation search (optimization and generation missions): the smallest Walker
delta configuration whose worst revisit over an earth mesh meets a threshold."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from . import inputs
from .constellation import TWO_PI, read_analysis_span, read_shell
from .constellation_performance import check_work, coverage_statistics, read_mesh
from .results import Computation, guarded

_TEMPLATE_FIELDS = (
    "altitude",
    "inclination",
    "planeDefinitionType",
    "sunSynchronousOrbit",
    "payload",
    "raan",
    "ltan",
    "firstPlaneInitialRaan",
    "firstSpacecraftInitialInOrbitPosition",
)


def _search(mission: Mapping[str, Any]) -> dict[str, Any]:
    """Smallest Walker delta configuration (fewest satellites) whose worst revisit over the
    mesh meets ``threshold`` (s). Fields: those of a sub-constellation's plane and payload
    (``altitude``, ``planeDefinitionType`` / ``inclination``, ``payload``), ``earthMesh``
    (or ``earthMeshes``), ``threshold``, ``maximumNumberOfPlanes`` (12),
    ``maximumNumberOfSpacecraftsPerPlane`` (12)."""
    where = "mission"
    epoch, duration = read_analysis_span(mission)
    threshold = inputs.number(
        mission, "threshold", where, minimum=0.0, exclusive_minimum=True, unit="s"
    )
    template = {key: mission.get(key) for key in _TEMPLATE_FIELDS if mission.get(key) is not None}
    template.setdefault("altitude", 700e3)
    max_planes = inputs.integer(
        mission, "maximumNumberOfPlanes", where, default=12, minimum=1, maximum=60
    )
    max_per_plane = inputs.integer(
        mission, "maximumNumberOfSpacecraftsPerPlane", where, default=12, minimum=1, maximum=60
    )
    mesh_body = (
        mission.get("earthMesh")
        if mission.get("earthMesh") is not None
        else mission.get("earthMeshes")
    )
    if isinstance(mesh_body, list):
        mesh_body = mesh_body[0] if mesh_body else None
    mesh = read_mesh(mesh_body, f"{where}.earthMesh")
    candidates = sorted(
        ((p * s, p, s) for p in range(1, max_planes + 1) for s in range(1, max_per_plane + 1)),
    )

    def walker(planes: int, per_plane: int) -> dict[str, Any]:
        """Walker delta T/P/1: planes evenly over 2 pi, one slot of phase between planes."""
        return {
            **template,
            "numberOfPlanes": planes,
            "numberOfSpacecraftsPerPlane": per_plane,
            "definitionType": "DELTA_RAAN",
            "deltaRaan": TWO_PI / planes,
            "interPlanePhasing": TWO_PI / (planes * per_plane) if planes > 1 else 0.0,
        }

    probe = read_shell(walker(1, 1), where, epoch)
    check_work([probe], duration, mesh.latitudes.size * mesh.longitudes.size * 60)
    tried: list[dict[str, Any]] = []
    for total, planes, per_plane in candidates:
        if len(tried) >= 60:
            break
        body = walker(planes, per_plane)
        shell = read_shell(body, where, epoch)
        stats = coverage_statistics([shell], epoch, duration, mesh)
        worst = max(s["REVISIT_TIME"]["max"] for s in stats)
        tried.append(
            {
                "numberOfPlanes": planes,
                "numberOfSpacecraftsPerPlane": per_plane,
                "numberOfSatellites": total,
                "worstRevisitTime": worst,
                "meanCoverage": float(np.mean([s["COVERAGE"]["average"] for s in stats])),
                "meetsThreshold": worst <= threshold,
            }
        )
        if worst <= threshold:
            best = {
                **body,
                "name": f"{mission.get('name', 'constellation')} {planes}x{per_plane}",
                "inclination": shell.inclination,
            }
            return {
                "evaluatedConfigurations": tried,
                "bestConfiguration": best,
                "constellation": {
                    "name": f"{mission.get('name', 'constellation')} result",
                    "homogeneousConstellationGeometries": [best],
                },
            }
    raise inputs.MissionInputError(
        f"no Walker configuration of the {len(tried)} tried (at most {max_planes} planes x"
        f" {max_per_plane} per plane) keeps the revisit under {threshold:g} s: raise the"
        " threshold, the altitude or the view angle"
    )


def search(mission: Mapping[str, Any]) -> Computation:
    """Run an optimization or a generation mission: both search the same Walker patterns."""
    return guarded(mission, lambda: _search(mission))
