"""Constellations: Walker geometry, J2 propagation, coverage and revisit over earth meshes,
searches of Walker configurations, and ephemerides of every satellite.

Satellites fly circular orbits propagated with the J2 secular rates (node and argument of
latitude). A payload of half-cone ``semiViewAngleCircularDefinition`` (rad) at altitude h
sees the ground within the Earth central angle ``lambda = asin(sin(eta) / sin(rho)) ... ``,
i.e. (Wertz, *Space Mission Analysis and Design*, eqs. 5-17 to 5-19)::

    sin(rho) = Re / (Re + h)           angular radius of the Earth
    cos(eps) = sin(eta) / sin(rho)     elevation at the swath edge
    lambda   = pi/2 - eta - eps        (pi/2 - rho when eta reaches the horizon)

A mesh point is seen when the angle between it and a satellite's sub-satellite point is
below lambda. Sampling every ``samplingStep`` s (default: a tenth of the shortest pass
across the swath, at most 60 s), accesses are the runs of seen samples; the revisit time is
the gap between the end of one access and the start of the next.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from . import inputs
from .constants import DAY, EARTH_RADIUS, MAX_EPHEMERIS_ROWS, MIN_ALTITUDE, MU_EARTH
from .ephemerides import (
    FIELD_INDEXES,
    Angles,
    Counters,
    Reference,
    Segment,
    build,
    row_count,
    row_times,
)
from .orbits import j2_rates, raan_from_ltan, sun_synchronous_inclination
from .simulation import Outcome
from .spacecraft import Spacecraft
from .timescale import DEFAULT_EPOCH, FloatArray, greenwich_sidereal_angle, parse_datetime
from .transfer import CoastArc

TWO_PI = 2.0 * math.pi
#: Work bound of one coverage evaluation: samples x satellites x mesh points.
MAX_COVERAGE_WORK = 4e9
#: Elements handled at once (bounds memory to a few hundred MB).
_CHUNK_ELEMENTS = 4_000_000
MAX_MESH_POINTS = 40_000


@dataclass(frozen=True)
class Shell:
    """One Walker sub-constellation."""

    name: str
    altitude: float
    inclination: float
    planes: int
    per_plane: int
    delta_raan: float
    phasing: int
    first_raan: float
    central_angle: float

    @property
    def count(self) -> int:
        return self.planes * self.per_plane


def central_angle(altitude: float, semi_view_angle: float) -> float:
    """Earth central angle (rad) of the swath edge of a nadir payload of half-cone
    ``semi_view_angle`` at ``altitude``."""
    sin_rho = EARTH_RADIUS / (EARTH_RADIUS + altitude)
    rho = math.asin(sin_rho)
    if semi_view_angle >= rho:
        return math.pi / 2.0 - rho
    elevation = math.acos(min(1.0, math.sin(semi_view_angle) / sin_rho))
    return math.pi / 2.0 - semi_view_angle - elevation


def read_shell(body: object, where: str, epoch: datetime) -> Shell:
    shell = inputs.as_mapping(body, where)
    altitude = inputs.number(
        shell, "altitude", where, minimum=MIN_ALTITUDE, maximum=50_000e3, unit="m"
    )
    if shell.get("inclination") is None and shell.get("sunSynchronousOrbit") is True:
        inclination = sun_synchronous_inclination(EARTH_RADIUS + altitude)
    else:
        inclination = inputs.number(
            shell,
            "inclination",
            where,
            default=math.radians(53.0),
            minimum=0.0,
            maximum=math.pi,
            unit="rad",
        )
    planes = inputs.integer(shell, "numberOfPlanes", where, minimum=1, maximum=1000)
    per_plane = inputs.integer(shell, "numberOfSpacecraftsPerPlane", where, minimum=1, maximum=1000)
    delta_raan = inputs.number(shell, "deltaRaan", where, default=TWO_PI / planes, unit="rad")
    phasing = inputs.integer(
        shell, "interPlanePhasing", where, default=0, minimum=0, maximum=planes * per_plane
    )
    payload = inputs.as_mapping(shell.get("payload"), f"{where}.payload", required=False)
    eta = inputs.number(
        payload,
        "semiViewAngleCircularDefinition",
        f"{where}.payload",
        default=math.radians(30.0),
        minimum=0.0,
        exclusive_minimum=True,
        maximum=math.pi / 2,
        unit="rad",
    )
    if shell.get("raan") is not None:
        first = inputs.number(shell, "raan", where, unit="rad")
    elif shell.get("ltan") is not None:
        first = raan_from_ltan(
            inputs.number(shell, "ltan", where, minimum=0.0, maximum=DAY, unit="s"), epoch
        )
    else:
        first = 0.0
    name = shell.get("name") if isinstance(shell.get("name"), str) else where
    return Shell(
        str(name),
        altitude,
        inclination,
        planes,
        per_plane,
        delta_raan,
        phasing,
        first,
        central_angle(altitude, eta),
    )


def read_shells(constellation_body: object, where: str, epoch: datetime) -> list[Shell]:
    body = inputs.as_mapping(constellation_body, where)
    geometries = body.get("homogeneousConstellationGeometries")
    if not isinstance(geometries, list) or not geometries:
        raise inputs.MissionInputError(
            f"{where}.homogeneousConstellationGeometries must be a non-empty list"
            " of sub-constellations"
        )
    return [
        read_shell(item, f"{where}.homogeneousConstellationGeometries[{k}]", epoch)
        for k, item in enumerate(geometries)
    ]


def walker_elements(shell: Shell) -> tuple[FloatArray, FloatArray]:
    """RAAN and argument of latitude (rad) at epoch of every satellite, plane-major: plane p
    at ``first + p deltaRaan``, slot s at ``2 pi s / S + 2 pi F p / T`` (Walker, 1984)."""
    planes = np.repeat(np.arange(shell.planes), shell.per_plane)
    slots = np.tile(np.arange(shell.per_plane), shell.planes)
    raan = shell.first_raan + planes * shell.delta_raan
    latitude_argument = (
        TWO_PI * slots / shell.per_plane + TWO_PI * shell.phasing * planes / shell.count
    )
    return np.mod(raan, TWO_PI), np.mod(latitude_argument, TWO_PI)


def subsatellite_vectors(shell: Shell, epoch: datetime, times: FloatArray) -> FloatArray:
    """Earth-fixed unit vectors of every satellite's sub-satellite point, shape (T, S, 3)."""
    a = EARTH_RADIUS + shell.altitude
    raan_rate, perigee_rate, anomaly_rate = (float(x) for x in j2_rates(a, 0.0, shell.inclination))
    raan0, u0 = walker_elements(shell)
    raan = raan0[None, :] + raan_rate * times[:, None]
    u = u0[None, :] + (perigee_rate + anomaly_rate) * times[:, None]
    lon = raan - greenwich_sidereal_angle(epoch, times)[:, None]
    cos_u, sin_u = np.cos(u), np.sin(u)
    cos_i, sin_i = math.cos(shell.inclination), math.sin(shell.inclination)
    return np.stack(
        [
            np.cos(lon) * cos_u - np.sin(lon) * sin_u * cos_i,
            np.sin(lon) * cos_u + np.cos(lon) * sin_u * cos_i,
            sin_u * sin_i,
        ],
        axis=-1,
    )


@dataclass(frozen=True)
class Mesh:
    latitudes: FloatArray
    longitudes: FloatArray

    @property
    def points(self) -> tuple[FloatArray, FloatArray]:
        """Latitude-major grid: every longitude of the southernmost latitude first."""
        lat, lon = np.meshgrid(self.latitudes, self.longitudes, indexing="ij")
        return lat.ravel(), lon.ravel()


def read_mesh(body: object, where: str) -> Mesh:
    mesh = inputs.as_mapping(body, where)
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


def sampling_step(shells: Sequence[Shell], requested: float | None) -> float:
    if requested is not None:
        return requested
    shortest = min(
        2.0 * shell.central_angle / math.sqrt(MU_EARTH / (EARTH_RADIUS + shell.altitude) ** 3)
        for shell in shells
    )
    return max(1.0, min(60.0, shortest / 10.0))


def visibility(
    shells: Sequence[Shell],
    epoch: datetime,
    duration: float,
    step: float,
    latitudes: FloatArray,
    longitudes: FloatArray,
) -> FloatArray:
    """Boolean (T, P): whether any satellite sees each point at each sample."""
    times = np.arange(0.0, duration + step / 2.0, step)
    points = np.stack(
        [
            np.cos(latitudes) * np.cos(longitudes),
            np.cos(latitudes) * np.sin(longitudes),
            np.sin(latitudes),
        ],
        axis=1,
    )
    seen = np.zeros((times.size, points.shape[0]), dtype=bool)
    for shell in shells:
        threshold = math.cos(shell.central_angle)
        chunk = max(1, _CHUNK_ELEMENTS // max(shell.count * points.shape[0], 1))
        for lo in range(0, times.size, chunk):
            block = subsatellite_vectors(shell, epoch, times[lo : lo + chunk])
            cosines = np.einsum("tsk,pk->tsp", block, points)
            seen[lo : lo + chunk] |= np.any(cosines >= threshold, axis=1)
    return np.asarray(seen)


def revisit_statistics(seen: FloatArray, step: float, duration: float) -> list[dict[str, Any]]:
    """Per point: coverage share, access count and revisit average / max / min (s). A point
    with fewer than two accesses is not revisited within the analysis: it reports the whole
    ``duration`` (s)."""
    padded = np.vstack(
        [np.zeros((1, seen.shape[1]), bool), seen.astype(bool), np.zeros((1, seen.shape[1]), bool)]
    )
    change = np.diff(padded.astype(np.int8), axis=0)
    stats: list[dict[str, Any]] = []
    coverage = seen.mean(axis=0)
    for p in range(seen.shape[1]):
        starts = np.flatnonzero(change[:, p] == 1)
        ends = np.flatnonzero(change[:, p] == -1)
        gaps = (starts[1:] - ends[:-1]) * step if starts.size > 1 else np.empty(0)
        if gaps.size:
            revisit = {
                "average": float(gaps.mean()),
                "max": float(gaps.max()),
                "min": float(gaps.min()),
            }
        else:
            revisit = {"average": duration, "max": duration, "min": duration}
        stats.append(
            {
                "REVISIT_TIME": revisit,
                "COVERAGE": {"average": float(coverage[p])},
                "NUMBER_OF_ACCESSES": {"average": float(starts.size)},
            }
        )
    return stats


def _common(mission: Mapping[str, Any]) -> tuple[datetime, float, float | None]:
    where = "mission"
    epoch = DEFAULT_EPOCH
    if mission.get("simulationDate") is not None:
        parsed = parse_datetime(mission.get("simulationDate"))
        if parsed is None:
            raise inputs.MissionInputError(
                f"{where}.simulationDate must be an ISO 8601 date,"
                f" got {mission.get('simulationDate')!r}"
            )
        epoch = parsed
    duration = inputs.number(
        mission,
        "simulationDuration",
        where,
        default=DAY,
        minimum=0.0,
        exclusive_minimum=True,
        maximum=366 * DAY,
        unit="s",
    )
    step = inputs.optional_number(
        mission, "samplingStep", where, minimum=1.0, maximum=3600.0, unit="s"
    )
    return epoch, duration, step


def _check_work(shells: Sequence[Shell], duration: float, step: float, points: int) -> None:
    work = (duration / step + 1) * sum(shell.count for shell in shells) * points
    if work > MAX_COVERAGE_WORK:
        raise inputs.MissionInputError(
            f"the coverage analysis would take {work:.2g} satellite-point samples, more than the"
            f" {MAX_COVERAGE_WORK:.0g} allowed: shorten simulationDuration, coarsen the mesh"
            " or raise samplingStep"
        )


def _guarded(name: object, body: Any) -> Outcome:
    results: dict[str, Any] = {"name": name if isinstance(name, str) else ""}
    try:
        results.update(body())
    except inputs.MissionInputError as problem:
        return Outcome(results, [str(problem)], False)
    return Outcome(results, [], False)


def performance_analysis(mission: Mapping[str, Any]) -> Outcome:
    """Coverage and revisit of a constellation over each earth mesh."""

    def run() -> dict[str, Any]:
        epoch, duration, requested = _common(mission)
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
        step = sampling_step(shells, requested)
        threshold = inputs.optional_number(mission, "threshold", "mission", minimum=0.0, unit="s")
        _check_work(
            shells, duration, step, sum(m.latitudes.size * m.longitudes.size for m in meshes)
        )
        performances = []
        for mesh, body in zip(meshes, meshes_body, strict=True):
            lat, lon = mesh.points
            seen = visibility(shells, epoch, duration, step, lat, lon)
            stats = revisit_statistics(seen, step, duration)
            points: list[dict[str, Any]] = [
                {
                    "latitude": float(la),
                    "longitude": float(lo),
                    "metrics": {"statisticalMetrics": s},
                }
                for la, lo, s in zip(lat, lon, stats, strict=True)
            ]
            worst = max(p["metrics"]["statisticalMetrics"]["REVISIT_TIME"]["max"] for p in points)
            entry: dict[str, Any] = {
                "name": body.get("name") if isinstance(body, Mapping) else None,
                "points": points,
                "worstRevisitTime": worst,
                "meanCoverage": float(np.mean([s["COVERAGE"]["average"] for s in stats])),
            }
            if threshold is not None:
                meeting = [s["REVISIT_TIME"]["max"] <= threshold for s in stats]
                entry["shareOfPointsMeetingThreshold"] = float(np.mean(meeting))
            performances.append(entry)
        return {
            "meshPerformances": performances,
            "samplingStep": step,
            "simulationDuration": duration,
            "numberOfSatellites": sum(shell.count for shell in shells),
            "computeRevisit": bool(mission.get("computeRevisit", True)),
        }

    return _guarded(mission.get("name"), run)


def _search(mission: Mapping[str, Any]) -> dict[str, Any]:
    """Smallest Walker configuration (fewest satellites) whose worst revisit over the mesh
    meets ``threshold`` (s). Fields: ``altitude``, ``inclination``, ``payload``, ``earthMesh``
    (or ``earthMeshes``), ``threshold``, ``maximumNumberOfPlanes`` (12),
    ``maximumNumberOfSpacecraftsPerPlane`` (12)."""
    where = "mission"
    epoch, duration, requested = _common(mission)
    threshold = inputs.number(
        mission, "threshold", where, minimum=0.0, exclusive_minimum=True, unit="s"
    )
    template = {
        key: mission.get(key)
        for key in ("altitude", "inclination", "payload", "raan", "ltan", "sunSynchronousOrbit")
    }
    if template["altitude"] is None:
        template["altitude"] = 700e3
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
    lat, lon = mesh.points
    probe = read_shell(
        {**template, "numberOfPlanes": 1, "numberOfSpacecraftsPerPlane": 1}, where, epoch
    )
    step = sampling_step([probe], requested)
    candidates = sorted(
        ((p * s, p, s) for p in range(1, max_planes + 1) for s in range(1, max_per_plane + 1)),
    )
    _check_work([probe], duration, step, lat.size * 60)
    tried: list[dict[str, Any]] = []
    for total, planes, per_plane in candidates:
        if len(tried) >= 60:
            break
        shell = read_shell(
            {
                **template,
                "numberOfPlanes": planes,
                "numberOfSpacecraftsPerPlane": per_plane,
                "interPlanePhasing": 1 if planes > 1 else 0,
            },
            where,
            epoch,
        )
        seen = visibility([shell], epoch, duration, step, lat, lon)
        stats = revisit_statistics(seen, step, duration)
        worst = max(s["REVISIT_TIME"]["max"] for s in stats)
        coverage = float(np.mean([s["COVERAGE"]["average"] for s in stats]))
        tried.append(
            {
                "numberOfPlanes": planes,
                "numberOfSpacecraftsPerPlane": per_plane,
                "numberOfSatellites": total,
                "worstRevisitTime": worst,
                "meanCoverage": coverage,
                "meetsThreshold": worst <= threshold,
            }
        )
        if worst <= threshold:
            best = {
                **template,
                "name": f"{mission.get('name', 'constellation')} {planes}x{per_plane}",
                "numberOfPlanes": planes,
                "numberOfSpacecraftsPerPlane": per_plane,
                "deltaRaan": TWO_PI / planes,
                "interPlanePhasing": 1 if planes > 1 else 0,
                "inclination": shell.inclination,
            }
            return {
                "evaluatedConfigurations": tried,
                "bestConfiguration": best,
                "constellation": {
                    "name": f"{mission.get('name', 'constellation')} result",
                    "homogeneousConstellationGeometries": [best],
                },
                "samplingStep": step,
            }
    raise inputs.MissionInputError(
        f"no Walker configuration of the {len(tried)} tried (at most {max_planes} planes x"
        f" {max_per_plane} per plane) keeps the revisit under {threshold:g} s: raise the"
        " threshold, the altitude or the view angle"
    )


def optimization(mission: Mapping[str, Any]) -> Outcome:
    return _guarded(mission.get("name"), lambda: _search(mission))


def generation(mission: Mapping[str, Any]) -> Outcome:
    return _guarded(mission.get("name"), lambda: _search(mission))


def simulation(mission: Mapping[str, Any]) -> Outcome:
    """Ephemerides (the shared layout) of every satellite, J2 secular, no thrust."""

    def run() -> dict[str, Any]:
        epoch, duration, _ = _common(mission)
        step = inputs.number(
            mission, "ephemeridesStepInSeconds", "mission", default=60.0, minimum=1.0, unit="s"
        )
        shells = read_shells(mission.get("constellation"), "mission.constellation", epoch)
        total_rows = sum(shell.count for shell in shells) * row_count(0.0, duration, step)
        if total_rows > MAX_EPHEMERIS_ROWS:
            raise inputs.MissionInputError(
                f"the ephemerides of all satellites would hold {total_rows} rows, more than the"
                f" {MAX_EPHEMERIS_ROWS} allowed: raise ephemeridesStepInSeconds or shorten"
                " simulationDuration"
            )
        craft = Spacecraft(
            1.0,
            0.0,
            0.0,
            1.0,
            1.0,
            1.0,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            False,
            0.0,
            0.0,
            0.0,
            0.0,
            1.0,
            1.0,
        )
        satellites = []
        times = row_times(0.0, duration, step)
        for shell in shells:
            raan, u = walker_elements(shell)
            a = EARTH_RADIUS + shell.altitude
            for k in range(shell.count):
                arc = CoastArc(0.0, duration, a, 0.0, shell.inclination, 1.0, None)
                segment = Segment(
                    [arc],
                    [True],
                    epoch,
                    Angles(float(raan[k]), 0.0, float(u[k]), 0.0),
                    Reference(a, 0.0, shell.inclination, float(raan[k]), 0.0),
                    Counters(),
                    craft,
                    None,
                    150.0,
                    True,
                )
                table = build(segment, times)
                satellites.append(
                    {
                        "name": f"{shell.name}-P{k // shell.per_plane + 1}"
                        f"-S{k % shell.per_plane + 1}",
                        "ephemerides": table.rows.tolist(),
                    }
                )
        return {
            "satellites": satellites,
            "fieldIndexes": dict(FIELD_INDEXES),
            "ephemeridesStepInSeconds": step,
        }

    return _guarded(mission.get("name"), run)
