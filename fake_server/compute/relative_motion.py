"""Relative motion of a chaser around a target on a circular orbit: the Clohessy-Wiltshire
(1960) equations, in the target's local frame (x radial outward, y along-track, z along the
orbit normal), closed-form solution as in Vallado eq. 6-66.

Formation flying: the chaser starts at ``relativePosition`` / ``relativeVelocity`` (m, m/s,
lists of 3). Inspection: the chaser flies the natural-motion circumnavigation
``x = d/2 sin(nt), y = d cos(nt), z = (sqrt(3)/2) d sin(nt)``, whose distance to the target
stays exactly ``inspectionDistance`` d (m, default 100) with no thrust at all.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from . import inputs
from .constants import DAY, MAX_EPHEMERIS_ROWS, MU_EARTH
from .ephemerides import FIELD_INDEXES, Angles, build, coast_segment, row_count, row_times
from .orbits import read_orbit
from .results import Computation, mission_name, refused
from .timescale import FloatArray

RELATIVE_COLUMNS = (
    "ELAPSED_TIME",
    "RADIAL",
    "ALONG_TRACK",
    "CROSS_TRACK",
    "RADIAL_VELOCITY",
    "ALONG_TRACK_VELOCITY",
    "CROSS_TRACK_VELOCITY",
    "RANGE",
)


def clohessy_wiltshire(
    mean_motion: float, position: FloatArray, velocity: FloatArray, times: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Relative position and velocity (N, 3) at ``times`` from the initial ones."""
    n = mean_motion
    x0, y0, z0 = position
    vx0, vy0, vz0 = velocity
    nt = n * times
    s, c = np.sin(nt), np.cos(nt)
    x = (4 - 3 * c) * x0 + s / n * vx0 + 2 / n * (1 - c) * vy0
    y = 6 * (s - nt) * x0 + y0 - 2 / n * (1 - c) * vx0 + (4 * s - 3 * nt) / n * vy0
    z = c * z0 + s / n * vz0
    vx = 3 * n * s * x0 + c * vx0 + 2 * s * vy0
    vy = -6 * n * (1 - c) * x0 - 2 * s * vx0 + (4 * c - 3) * vy0
    vz = -n * s * z0 + c * vz0
    return np.stack([x, y, z], axis=1), np.stack([vx, vy, vz], axis=1)


def _vector(body: Mapping[str, Any], key: str, default: list[float]) -> FloatArray:
    value = body.get(key, default)
    if (
        not isinstance(value, list)
        or len(value) != 3
        or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in value
        )
    ):
        raise inputs.MissionInputError(
            f"mission.{key} must be a list of 3 numbers (radial, along-track, cross-track)"
        )
    return np.array(value, dtype=np.float64)


def _run(mission: Mapping[str, Any], inspection: bool) -> Computation:
    results: dict[str, Any] = {"name": mission_name(mission)}
    try:
        orbit = read_orbit(mission.get("initialOrbit"), "mission.initialOrbit")
        duration = inputs.number(
            mission,
            "duration",
            "mission",
            default=inputs.number(mission, "maximumDuration", "mission", default=DAY),
            minimum=0.0,
            exclusive_minimum=True,
            unit="s",
        )
        step = inputs.number(
            mission,
            "ephemeridesStepInSeconds",
            "mission",
            default=60.0,
            minimum=0.0,
            exclusive_minimum=True,
            unit="s",
        )
        if row_count(0.0, duration, step) > MAX_EPHEMERIS_ROWS:
            raise inputs.MissionInputError(
                f"more than {MAX_EPHEMERIS_ROWS} ephemerides rows: raise ephemeridesStepInSeconds"
            )
        n = math.sqrt(MU_EARTH / orbit.semi_major_axis**3)
        if inspection:
            d = inputs.number(
                mission,
                "inspectionDistance",
                "mission",
                default=100.0,
                minimum=0.0,
                exclusive_minimum=True,
                unit="m",
            )
            position = np.array([0.0, d, 0.0])
            velocity = np.array([n * d / 2.0, 0.0, n * d * math.sqrt(3.0) / 2.0])
        else:
            position = _vector(mission, "relativePosition", [0.0, -100.0, 0.0])
            velocity = _vector(mission, "relativeVelocity", [0.0, 0.0, 0.0])
    except inputs.MissionInputError as problem:
        return refused(results, problem)
    times = row_times(0.0, duration, step)
    rel_position, rel_velocity = clohessy_wiltshire(n, position, velocity, times)
    distance = np.linalg.norm(rel_position, axis=1)
    table = np.column_stack([times, rel_position, rel_velocity, distance])
    segment = coast_segment(
        orbit.epoch,
        duration,
        orbit.semi_major_axis,
        orbit.eccentricity,
        orbit.inclination,
        Angles(orbit.raan, orbit.perigee_argument, orbit.mean_anomaly, 0.0),
    )
    results.update(
        {
            "relativeEphemerides": table.tolist(),
            "relativeFieldIndexes": {name: k for k, name in enumerate(RELATIVE_COLUMNS)},
            "ephemerides": build(segment, times).rows.tolist(),
            "fieldIndexes": dict(FIELD_INDEXES),
            "ephemeridesStepInSeconds": step,
            "minimumRange": float(distance.min()),
            "maximumRange": float(distance.max()),
            "finalRange": float(distance[-1]),
            # Secular along-track drift per orbit of the CW solution (m): -6 pi (2 x0 + vy0 / n).
            "alongTrackDriftPerOrbit": float(
                -6.0 * math.pi * (2.0 * position[0] + velocity[1] / n)
            ),
            "orbitalPeriod": 2.0 * math.pi / n,
            "maneuverReport": {
                "simulationDuration": duration,
                "totalConsumption": 0.0,
                "totalNumberOfBurns": 0,
                "totalDeltaV": 0.0,
            },
        }
    )
    return Computation(results, [], False)


def formation_flying(mission: Mapping[str, Any]) -> Computation:
    return _run(mission, inspection=False)


def inspection(mission: Mapping[str, Any]) -> Computation:
    return _run(mission, inspection=True)
