"""Constellations: the sub-constellations' geometry as the service defines it, coverage and
revisit over earth meshes, searches of Walker configurations, and ephemerides of every
satellite.

Satellites fly circular orbits propagated with the J2 secular rates (node and argument of
latitude). A payload of half-cone ``semiViewAngleCircularDefinition`` (rad) at altitude h
sees the ground within the Earth central angle ``lambda`` (Wertz, *Space Mission Analysis
and Design*, eqs. 5-17 to 5-19)::

    sin(rho) = Re / (Re + h)           angular radius of the Earth
    cos(eps) = sin(eta) / sin(rho)     elevation at the swath edge
    lambda   = pi/2 - eta - eps        (pi/2 - rho when eta reaches the horizon)

The access windows and their statistics come from :mod:`.coverage`; the input rules, with
the evidence for each, are in docs/physics.md ("Constellations").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from . import coverage, inputs
from .constants import DAY, EARTH_RADIUS, MAX_EPHEMERIS_ROWS, MIN_ALTITUDE
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
#: Work bound of one coverage analysis: satellites x mesh points x revolutions of the
#: fastest satellite over the analysis (the passes the analysis may have to find). The
#: vendor's revisit scenario (24 satellites, 900 points, 7 days) is 2.3e6 and takes about
#: 0.5 s; the bound, over a global mesh where polar points see every revolution, about 15 s.
MAX_COVERAGE_WORK = 2e7
MAX_MESH_POINTS = 40_000
#: The plane definition types: the inclination given, or the sun-synchronous one.
PLANE_DEFINITIONS = ("ALTITUDE_AND_INCLINATION", "ALTITUDE_AND_SUN_SYNCHRONOUS")
#: The RAAN definition types: a fixed step from the first plane, or spread evenly.
RAAN_DEFINITIONS = ("DELTA_RAAN", "RAAN_SPREAD")


@dataclass(frozen=True)
class Shell:
    """One sub-constellation: ``planes`` circular planes of ``per_plane`` satellites."""

    name: str
    altitude: float
    inclination: float
    planes: int
    per_plane: int
    #: RAAN of each plane (rad) at the analysis start.
    plane_raans: tuple[float, ...]
    #: Argument of latitude (rad) of the first satellite of the first plane.
    first_position: float
    #: Argument of latitude (rad) a plane's satellites are ahead of the previous plane's.
    inter_plane_phasing: float
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


def read_payload(body: object, where: str, altitude: float) -> float:
    """The swath's central angle (rad) of a circular nadir payload."""
    payload = inputs.as_mapping(body, where, required=False)
    inputs.text(
        payload, "fieldOfViewType", where, default="TYPE_CIRCULAR", choices=["TYPE_CIRCULAR"]
    )
    inputs.text(
        payload,
        "circularFOVDefinitionType",
        where,
        default="ALTITUDE_AND_SEMI_VIEW_ANGLE",
        choices=["ALTITUDE_AND_SEMI_VIEW_ANGLE"],
    )
    eta = inputs.number(
        payload,
        "semiViewAngleCircularDefinition",
        where,
        default=math.radians(30.0),
        minimum=0.0,
        exclusive_minimum=True,
        maximum=math.pi / 2,
        unit="rad",
    )
    return central_angle(altitude, eta)


def _inclination(shell: Mapping[str, Any], where: str, altitude: float) -> float:
    if shell.get("planeDefinitionType") is None:
        sun_synchronous = inputs.boolean(shell, "sunSynchronousOrbit", where, default=False)
        kind = PLANE_DEFINITIONS[1] if sun_synchronous else PLANE_DEFINITIONS[0]
    else:
        kind = inputs.text(shell, "planeDefinitionType", where, choices=PLANE_DEFINITIONS)
    if kind == "ALTITUDE_AND_SUN_SYNCHRONOUS":
        return sun_synchronous_inclination(EARTH_RADIUS + altitude)
    return inputs.number(shell, "inclination", where, minimum=0.0, maximum=math.pi, unit="rad")


def _plane_raans(shell: Mapping[str, Any], where: str, planes: int, epoch: datetime) -> list[float]:
    if shell.get("definitionType") is None:
        kind = "DELTA_RAAN" if shell.get("deltaRaan") is not None else "RAAN_SPREAD"
    else:
        kind = inputs.text(shell, "definitionType", where, choices=RAAN_DEFINITIONS)
    if kind == "RAAN_SPREAD":
        low = inputs.number(
            shell, "minInitialRaan", where, default=0.0, minimum=-TWO_PI, maximum=TWO_PI, unit="rad"
        )
        high = inputs.number(
            shell,
            "maxInitialRaan",
            where,
            default=low + TWO_PI,
            minimum=low,
            maximum=low + TWO_PI,
            unit="rad",
        )
        return [low + p * (high - low) / planes for p in range(planes)]
    step = inputs.number(shell, "deltaRaan", where, minimum=-TWO_PI, maximum=TWO_PI, unit="rad")
    if shell.get("firstPlaneInitialRaan") is not None:
        first = inputs.number(
            shell, "firstPlaneInitialRaan", where, minimum=-TWO_PI, maximum=TWO_PI, unit="rad"
        )
    elif shell.get("raan") is not None:
        first = inputs.number(shell, "raan", where, unit="rad")
    elif shell.get("ltan") is not None:
        first = raan_from_ltan(
            inputs.number(shell, "ltan", where, minimum=0.0, maximum=DAY, unit="s"), epoch
        )
    else:
        first = 0.0
    return [first + p * step for p in range(planes)]


def read_shell(body: object, where: str, epoch: datetime) -> Shell:
    shell = inputs.as_mapping(body, where)
    inputs.text(shell, "constellationType", where, default="CUSTOM", choices=["CUSTOM"])
    altitude = inputs.number(
        shell, "altitude", where, minimum=MIN_ALTITUDE, maximum=50_000e3, unit="m"
    )
    planes = inputs.integer(shell, "numberOfPlanes", where, minimum=1, maximum=1000)
    per_plane = inputs.integer(shell, "numberOfSpacecraftsPerPlane", where, minimum=1, maximum=1000)
    phasing = inputs.number(
        shell, "interPlanePhasing", where, default=0.0, minimum=-TWO_PI, maximum=TWO_PI, unit="rad"
    )
    first_position = inputs.number(
        shell,
        "firstSpacecraftInitialInOrbitPosition",
        where,
        default=0.0,
        minimum=-TWO_PI,
        maximum=TWO_PI,
        unit="rad",
    )
    name = shell.get("name") if isinstance(shell.get("name"), str) else where
    return Shell(
        str(name),
        altitude,
        _inclination(shell, where, altitude),
        planes,
        per_plane,
        tuple(_plane_raans(shell, where, planes, epoch)),
        first_position,
        phasing,
        read_payload(shell.get("payload"), f"{where}.payload", altitude),
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
    """RAAN and argument of latitude (rad) at epoch of every satellite, plane-major: slot s
    of plane p at ``first + 2 pi s / S + p interPlanePhasing`` (a Walker T/P/F pattern has
    ``interPlanePhasing = 2 pi F / T``: Walker, 1984)."""
    planes = np.repeat(np.arange(shell.planes), shell.per_plane)
    slots = np.tile(np.arange(shell.per_plane), shell.planes)
    raan = np.asarray(shell.plane_raans)[planes]
    latitude_argument = (
        shell.first_position + TWO_PI * slots / shell.per_plane + shell.inter_plane_phasing * planes
    )
    return np.mod(raan, TWO_PI), np.mod(latitude_argument, TWO_PI)


def orbital_planes(shells: Sequence[Shell]) -> coverage.Planes:
    """Every plane of every shell, with its satellites, for :mod:`.coverage`."""
    inclination: list[float] = []
    raan: list[float] = []
    raan_rate: list[float] = []
    u_rate: list[float] = []
    lam: list[float] = []
    plane_of: list[int] = []
    u0: list[float] = []
    for shell in shells:
        a = EARTH_RADIUS + shell.altitude
        rates = [float(x) for x in j2_rates(a, 0.0, shell.inclination)]
        first_plane = len(raan)
        for plane_raan in shell.plane_raans:
            inclination.append(shell.inclination)
            raan.append(plane_raan % TWO_PI)
            raan_rate.append(rates[0])
            u_rate.append(rates[1] + rates[2])
            lam.append(shell.central_angle)
        _, positions = walker_elements(shell)
        plane_of.extend(first_plane + k // shell.per_plane for k in range(shell.count))
        u0.extend(float(x) for x in positions)
    return coverage.Planes(
        np.array(inclination),
        np.array(raan),
        np.array(raan_rate),
        np.array(u_rate),
        np.array(lam),
        np.array(plane_of, dtype=np.int64),
        np.array(u0),
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


def _common(mission: Mapping[str, Any]) -> tuple[datetime, float]:
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
    return epoch, duration


def _check_work(shells: Sequence[Shell], duration: float, points: int) -> None:
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
        epoch, duration = _common(mission)
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
        _check_work(shells, duration, sum(m.latitudes.size * m.longitudes.size for m in meshes))
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

    return _guarded(mission.get("name"), run)


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
    epoch, duration = _common(mission)
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
    _check_work([probe], duration, mesh.latitudes.size * mesh.longitudes.size * 60)
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


def optimization(mission: Mapping[str, Any]) -> Outcome:
    return _guarded(mission.get("name"), lambda: _search(mission))


def generation(mission: Mapping[str, Any]) -> Outcome:
    return _guarded(mission.get("name"), lambda: _search(mission))


def simulation(mission: Mapping[str, Any]) -> Outcome:
    """Ephemerides (the shared layout) of every satellite, J2 secular, no thrust."""

    def run() -> dict[str, Any]:
        epoch, duration = _common(mission)
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
