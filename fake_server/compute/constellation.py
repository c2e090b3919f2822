"""Constellations as the service defines them: sub-constellations of circular planes
(Walker patterns), the swath of their payloads, and the orbital planes coverage follows.

Satellites fly circular orbits propagated with the J2 secular rates (node and argument of
latitude). A payload of half-cone ``semiViewAngleCircularDefinition`` (rad) at altitude h
sees the ground within the Earth central angle ``lambda`` (Wertz, *Space Mission Analysis
and Design*, eqs. 5-17 to 5-19)::

    sin(rho) = Re / (Re + h)           angular radius of the Earth
    cos(eps) = sin(eta) / sin(rho)     elevation at the swath edge
    lambda   = pi/2 - eta - eps        (pi/2 - rho when eta reaches the horizon)

Every constellation mission reads its analysis span (``simulationDate``, the date the
planes' nodes are placed at, and ``simulationDuration``) with :func:`read_analysis_span`.
The input rules, with the evidence for each, are in docs/physics.md ("Constellations").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from . import coverage, inputs
from .constants import DAY, EARTH_RADIUS, MIN_ALTITUDE
from .orbits import j2_rates, raan_from_ltan, sun_synchronous_inclination
from .timescale import DEFAULT_EPOCH, FloatArray, parse_datetime

TWO_PI = 2.0 * math.pi
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


def read_analysis_span(mission: Mapping[str, Any]) -> tuple[datetime, float]:
    """The start date and the duration (s) of a constellation mission's analysis."""
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
