"""Constellation performance analysis: coverage and revisit of a constellation over earth
meshes, point by point, with the access windows of :mod:`.coverage`."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from . import coverage, inputs
from .constants import EARTH_RADIUS
from .constellation import TWO_PI, Shell, orbital_planes, read_analysis_span, read_shells
from .orbits import j2_rates
from .results import Computation, guarded
from .timescale import FloatArray, greenwich_sidereal_angle

#: Work bound of one coverage analysis: satellites x mesh points x revolutions of the
#: fastest satellite over the analysis (the passes the analysis may have to find). The
#: vendor's revisit scenario (24 satellites, 900 points, 7 days) is 2.3e6 and takes about
#: 0.5 s; the bound, over a global mesh where polar points see every revolution, about 15 s.
MAX_COVERAGE_WORK = 2e7
MAX_MESH_POINTS = 40_000


@dataclass(frozen=True)
class Mesh:
    """An earth mesh: the latitudes and longitudes (rad) of its grid of ground points."""

    latitudes: FloatArray
    longitudes: FloatArray

    @property
    def points(self) -> tuple[FloatArray, FloatArray]:
        """Latitude-major grid: every longitude of the southernmost latitude first."""
        lat, lon = np.meshgrid(self.latitudes, self.longitudes, indexing="ij")
        return lat.ravel(), lon.ravel()


def read_mesh(body: object, where: str) -> Mesh:
    mesh = inputs.as_mapping(body, where)
    inputs.text(mesh, "rangeType", where, default="NUMBER", choices=["NUMBER"])
    south = inputs.number(
        mesh, "southernmostLatitude", where, minimum=-math.pi / 2, maximum=math.pi / 2, unit="rad"
    )
    north = inputs.number(
        mesh, "northernmostLatitude", where, minimum=-math.pi / 2, maximum=math.pi / 2, unit="rad"
    )
    west = inputs.number(
        mesh, "westernmostLongitude", where, minimum=-TWO_PI, maximum=TWO_PI, unit="rad"
    )
    east = inputs.number(
        mesh, "easternmostLongitude", where, minimum=-TWO_PI, maximum=TWO_PI, unit="rad"
    )
    n_lat = inputs.integer(mesh, "numberOfLatitudes", where, minimum=1, maximum=MAX_MESH_POINTS)
    n_lon = inputs.integer(mesh, "numberOfLongitudes", where, minimum=1, maximum=MAX_MESH_POINTS)
    if north < south:
        raise inputs.MissionInputError(
            f"{where}: northernmostLatitude is south of southernmostLatitude"
        )
    if n_lat * n_lon > MAX_MESH_POINTS:
        raise inputs.MissionInputError(
            f"{where} has {n_lat * n_lon} points, more than the {MAX_MESH_POINTS} a mesh may"
            " hold: use fewer latitudes or longitudes"
        )
    return Mesh(np.linspace(south, north, n_lat), np.linspace(west, east, n_lon))


def revisit_statistics(seen: FloatArray, step: float, duration: float) -> list[dict[str, Any]]:
    """The statistics of :func:`coverage.statistics` for a sampled record: ``seen[t, p]``
    whether point p is in view at sample t (every ``step`` s); an access runs from its first
    seen sample to the first unseen one."""
    padded = np.vstack(
        [np.zeros((1, seen.shape[1]), bool), seen.astype(bool), np.zeros((1, seen.shape[1]), bool)]
    )
    change = np.diff(padded.astype(np.int8), axis=0)
    # Sorted by point then sample, rises and falls pair up run by run.
    point, rises = np.nonzero(change.T == 1)
    _, falls = np.nonzero(change.T == -1)
    found = coverage.merge(
        point.astype(np.int64),
        rises.astype(np.float64) * step,
        np.minimum(falls.astype(np.float64) * step, duration),
        duration,
    )
    return coverage.statistics(found, seen.shape[1], duration)


def check_work(shells: Sequence[Shell], duration: float, points: int) -> None:
    revolutions = max(
        duration
        / (TWO_PI / float(sum(j2_rates(EARTH_RADIUS + s.altitude, 0.0, s.inclination)[1:])))
        for s in shells
    )
    work = max(revolutions, 1.0) * sum(shell.count for shell in shells) * points
    if work > MAX_COVERAGE_WORK:
        raise inputs.MissionInputError(
            f"the coverage analysis would follow {work:.2g} satellite revolutions over mesh"
            f" points, more than the {MAX_COVERAGE_WORK:.0g} allowed: shorten"
            " simulationDuration, coarsen the mesh or use fewer satellites"
        )


def coverage_statistics(
    shells: Sequence[Shell], epoch: datetime, duration: float, mesh: Mesh
) -> list[dict[str, Any]]:
    """Per mesh point (latitude-major), the statistics of :func:`coverage.statistics`."""
    latitudes, longitudes = mesh.points
    return coverage.point_statistics(
        orbital_planes(shells),
        latitudes,
        longitudes,
        float(greenwich_sidereal_angle(epoch)),
        duration,
    )


def performance_analysis(mission: Mapping[str, Any]) -> Computation:
    """Coverage and revisit of a constellation over each earth mesh."""

    def run() -> dict[str, Any]:
        epoch, duration = read_analysis_span(mission)
        shells = read_shells(mission.get("constellation"), "mission.constellation", epoch)
        meshes_body = mission.get("earthMeshes")
        if isinstance(meshes_body, Mapping):
            meshes_body = [meshes_body]
        if not isinstance(meshes_body, list) or not meshes_body:
            raise inputs.MissionInputError(
                "mission.earthMeshes must be a non-empty list of earth meshes"
            )
        meshes = [
            read_mesh(body, f"mission.earthMeshes[{k}]") for k, body in enumerate(meshes_body)
        ]
        threshold = inputs.optional_number(mission, "threshold", "mission", minimum=0.0, unit="s")
        compute_revisit = inputs.boolean(mission, "computeRevisit", "mission", default=True)
        check_work(shells, duration, sum(m.latitudes.size * m.longitudes.size for m in meshes))
        performances = []
        for mesh, body in zip(meshes, meshes_body, strict=True):
            lat, lon = mesh.points
            stats = coverage_statistics(shells, epoch, duration, mesh)
            entry: dict[str, Any] = {
                "name": body.get("name") if isinstance(body, Mapping) else None,
                "meanCoverage": float(np.mean([s["COVERAGE"]["average"] for s in stats])),
            }
            if compute_revisit:
                entry["worstRevisitTime"] = max(s["REVISIT_TIME"]["max"] for s in stats)
                if threshold is not None:
                    meeting = [s["REVISIT_TIME"]["max"] <= threshold for s in stats]
                    entry["shareOfPointsMeetingThreshold"] = float(np.mean(meeting))
            else:
                for s in stats:
                    del s["REVISIT_TIME"]
            entry["points"] = [
                {
                    "latitude": float(la),
                    "longitude": float(lo),
                    "metrics": {"statisticalMetrics": s},
                }
                for la, lo, s in zip(lat, lon, stats, strict=True)
            ]
            performances.append(entry)
        return {
            "meshPerformances": performances,
            "simulationDuration": duration,
            "numberOfSatellites": sum(shell.count for shell in shells),
            "computeRevisit": compute_revisit,
        }

    return guarded(mission, run)
