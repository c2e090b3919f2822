"""Pause and resume of simulation runs: where a run starts (its initial orbit, or the
``pausedState`` a paused run left) and the ``pausedState`` it leaves when it pauses.

A continuation resumes exactly where the paused run stopped: the state keeps the chain's
clock and epoch, the drifting angles unwrapped, the accumulated counters, the reference
orbit of the relative columns, and the steps of the plan still to fly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import inputs
from .ephemerides import Angles, Counters, Reference, Table
from .orbits import MeanOrbit
from .spacecraft import Spacecraft
from .timescale import parse_datetime
from .trajectory import Point


@dataclass(frozen=True)
class Start:
    """Where a run starts: the chain's clock, the state, and what was accumulated."""

    epoch: datetime
    point: Point
    angles: Angles
    reference: Reference
    counters: Counters
    plan: list[dict[str, Any]] | None


def read_start(mission: Mapping[str, Any], orbit: MeanOrbit, craft: Spacecraft) -> Start:
    """The start of a fresh run on ``orbit``, or of the continuation ``mission.pausedState``
    describes."""
    state = mission.get("pausedState")
    if state is None:
        point = Point(
            0.0, orbit.semi_major_axis, orbit.eccentricity, orbit.inclination, craft.wet_mass, 0.0
        )
        return Start(
            orbit.epoch,
            point,
            Angles(orbit.raan, orbit.perigee_argument, orbit.mean_anomaly, 0.0),
            Reference(
                orbit.semi_major_axis, orbit.eccentricity, orbit.inclination, orbit.raan, 0.0
            ),
            Counters(),
            None,
        )
    where = "mission.pausedState"
    paused = inputs.as_mapping(state, where)
    epoch = parse_datetime(paused.get("epoch"))
    if epoch is None:
        raise inputs.MissionInputError(f"{where}.epoch must be an ISO 8601 date")
    ref = inputs.as_mapping(paused.get("reference"), f"{where}.reference")
    plan = paused.get("plan")
    if not isinstance(plan, list) or not all(
        isinstance(step, Mapping) and "kind" in step for step in plan
    ):
        raise inputs.MissionInputError(
            f"{where}.plan must be the list of steps the paused run left"
        )

    def value(key: str, body: Mapping[str, Any] = paused, at: str = where) -> float:
        return inputs.number(body, key, at)

    # The spacecraft body was rewritten with the propellant left; its wet mass is the state's.
    point = Point(
        value("elapsedTime"),
        value("semiMajorAxis"),
        value("eccentricity"),
        value("inclination"),
        craft.wet_mass,
        value("deltaV"),
    )
    return Start(
        epoch,
        point,
        Angles(
            value("raan"), value("perigeeArgument"), value("meanAnomaly"), value("relativeRaan")
        ),
        Reference(
            value("semiMajorAxis", ref, f"{where}.reference"),
            value("eccentricity", ref, f"{where}.reference"),
            value("inclination", ref, f"{where}.reference"),
            value("raan", ref, f"{where}.reference"),
            value("elapsedTime", ref, f"{where}.reference"),
        ),
        Counters(
            value("deltaV"), value("propellantUsed"), int(value("burns")), value("batteryEnergy")
        ),
        [dict(step) for step in plan],
    )


def paused_state(
    kind: str, start: Start, end: Point, table: Table, plan: list[dict[str, Any]]
) -> dict[str, Any]:
    """The ``pausedState`` of a run of ``kind`` that paused at ``end`` with ``plan`` left."""
    return {
        "missionType": kind,
        "epoch": start.epoch.isoformat(),
        "elapsedTime": end.elapsed,
        "semiMajorAxis": end.semi_major_axis,
        "eccentricity": end.eccentricity,
        "inclination": end.inclination,
        "raan": table.end_angles.raan,
        "perigeeArgument": table.end_angles.perigee_argument,
        "meanAnomaly": table.end_angles.mean_anomaly,
        "relativeRaan": table.end_angles.relative_raan,
        "mass": end.mass,
        "deltaV": end.delta_v,
        "propellantUsed": start.counters.propellant_used + (start.point.mass - end.mass),
        "burns": table.end_burns,
        "batteryEnergy": table.end_battery_energy,
        "reference": {
            "semiMajorAxis": start.reference.semi_major_axis,
            "eccentricity": start.reference.eccentricity,
            "inclination": start.reference.inclination,
            "raan": start.reference.raan,
            "elapsedTime": start.reference.elapsed,
        },
        "plan": plan,
    }
