"""The maneuver plan of each type of simulation mission: the thrust and coast steps an
orbital transfer, LEO station keeping, RAAN phasing or maneuvering strategy design asks for.

Each plan is a list of steps :func:`.trajectory.run_plan` flies (``transfer``,
``eccentricity``, ``stationKeeping``, ``coast``); a paused run keeps the steps it has left.
RAAN phasing searches its drift orbit with :mod:`.phasing`, evaluating each candidate by
flying it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from . import inputs, phasing
from .constants import DAY, EARTH_RADIUS, MIN_ALTITUDE
from .ephemerides import Reference
from .orbits import j2_rates, read_orbit
from .paused_state import Start
from .spacecraft import Spacecraft
from .trajectory import run_plan
from .transfer import DragModel

MISSION_TYPES = (
    "Orbital Transfer",
    "RAAN Phasing",
    "LEO Station Keeping",
    "Maneuvering Strategy Design",
)
DEFAULT_MAXIMUM_DURATION = 5 * 365.25 * DAY
#: Longest mission time a run may cover: a century, so mission dates stay within year 9999.
MAX_DURATION = 100 * 365.25 * DAY
DEFAULT_STRATEGY_DURATION = DAY


def _check_altitude(semi_major_axis: float, eccentricity: float, what: str) -> None:
    perigee = semi_major_axis * (1.0 - eccentricity) - EARTH_RADIUS
    if perigee < MIN_ALTITUDE:
        raise inputs.MissionInputError(
            f"{what} has its perigee at {perigee / 1e3:.1f} km,"
            f" below the {MIN_ALTITUDE / 1e3:.0f} km"
            " an orbit needs to last: aim higher"
        )


def plan(
    kind: str,
    mission: Mapping[str, Any],
    start: Start,
    craft: Spacecraft,
    drag: DragModel | None,
    results: dict[str, Any],
) -> list[dict[str, Any]]:
    """The steps of a mission of type ``kind``; what it aims for goes into ``results``
    (``target``, ``phasingPlan``)."""
    where = "mission"
    point = start.point
    if kind != "Maneuvering Strategy Design" and craft.mean_thrust <= 0.0:
        raise inputs.MissionInputError(
            "the spacecraft's thruster never fires (dutyCycle, or onBoardAveragePower /"
            " thruster.power, is 0): give it a duty cycle or power above 0"
        )
    if kind == "Orbital Transfer":
        definition = inputs.text(
            mission, "targetDefinition", where, default="DELTA", choices=("DELTA", "TARGET_ORBIT")
        )
        if definition == "DELTA":
            target_a = point.semi_major_axis + inputs.number(
                mission, "deltaSemiMajorAxis", where, default=0.0, unit="m"
            )
            target_i = point.inclination + inputs.number(
                mission, "deltaInclination", where, default=0.0, unit="rad"
            )
            target_e = point.eccentricity + inputs.number(
                mission, "deltaEccentricity", where, default=0.0
            )
        else:
            target = read_orbit(mission.get("targetOrbit"), f"{where}.targetOrbit")
            target_a, target_i, target_e = (
                target.semi_major_axis,
                target.inclination,
                target.eccentricity,
            )
        if not 0.0 <= target_i <= math.pi:
            raise inputs.MissionInputError(
                f"the target inclination {math.degrees(target_i):.3f} deg is outside 0..180 deg"
            )
        if not 0.0 <= target_e < 0.9:
            raise inputs.MissionInputError(
                f"the target eccentricity {target_e:.4f} is outside 0..0.9"
            )
        _check_altitude(target_a, target_e, "the target orbit")
        results["target"] = {
            "semiMajorAxis": target_a,
            "inclination": target_i,
            "eccentricity": target_e,
        }
        return [
            {"kind": "transfer", "semiMajorAxis": target_a, "inclination": target_i},
            {"kind": "eccentricity", "eccentricity": target_e},
        ]
    if kind == "LEO Station Keeping":
        top = inputs.number(
            mission, "smaTopMargin", where, minimum=0.0, exclusive_minimum=True, unit="m"
        )
        bottom = inputs.number(
            mission, "smaBottomMargin", where, minimum=0.0, exclusive_minimum=True, unit="m"
        )
        duration = inputs.number(
            mission,
            "duration",
            where,
            default=inputs.number(
                mission, "maximumDuration", where, default=DEFAULT_MAXIMUM_DURATION
            ),
            minimum=0.0,
            maximum=MAX_DURATION,
            exclusive_minimum=True,
            unit="s",
        )
        _check_altitude(
            point.semi_major_axis - bottom,
            point.eccentricity,
            "the bottom of the station-keeping box",
        )
        return [
            {
                "kind": "stationKeeping",
                "bottom": point.semi_major_axis - bottom,
                "top": point.semi_major_axis + top,
                "until": point.elapsed + duration,
            }
        ]
    if kind == "Maneuvering Strategy Design":
        duration = inputs.number(
            mission,
            "maximumDuration",
            where,
            default=DEFAULT_STRATEGY_DURATION,
            minimum=0.0,
            exclusive_minimum=True,
            unit="s",
        )
        return [{"kind": "coast", "until": point.elapsed + duration}]
    return _phasing_plan(mission, start, craft, drag, results)


def _phasing_plan(
    mission: Mapping[str, Any],
    start: Start,
    craft: Spacecraft,
    drag: DragModel | None,
    results: dict[str, Any],
) -> list[dict[str, Any]]:
    where = "mission"
    target = inputs.number(
        mission, "targetDeltaRaan", where, minimum=-2 * math.pi, maximum=2 * math.pi, unit="rad"
    )
    budget = inputs.optional_number(
        mission, "targetDeltaVmax", where, minimum=0.0, exclusive_minimum=True, unit="m/s"
    )
    deadline = inputs.optional_number(
        mission, "targetMissionDuration", where, minimum=0.0, exclusive_minimum=True, unit="s"
    )
    default_kind = "FASTEST" if budget is not None or deadline is None else "LEAST_DELTA_V"
    raw = inputs.text(mission, "optimizationType", where, default=default_kind)
    optimization = phasing.OPTIMIZATION_ALIASES.get(
        "".join(ch for ch in raw.upper() if ch.isalnum())
    )
    if optimization is None:
        raise inputs.MissionInputError(
            f"mission.optimizationType must be FASTEST (shortest within targetDeltaVmax) or"
            f" LEAST_DELTA_V (least delta-v within targetMissionDuration), got {raw!r}"
        )
    point = start.point
    reference_a = point.semi_major_axis

    def steps(drift_a: float, coast: float, coast_start: float) -> list[dict[str, Any]]:
        return [
            {"kind": "transfer", "semiMajorAxis": drift_a, "inclination": point.inclination},
            {"kind": "coast", "until": coast_start + coast},
            {"kind": "transfer", "semiMajorAxis": reference_a, "inclination": point.inclination},
        ]

    def evaluate(drift_a: float, coast: float) -> tuple[float, float, float] | str:
        outbound = run_plan(steps(drift_a, coast, 0.0)[:1], point, craft, drag, math.inf)
        plan_steps = steps(drift_a, coast, outbound.end.elapsed)
        run = run_plan(plan_steps, point, craft, drag, math.inf)
        if run.errors or outbound.errors:
            return "RAAN phasing impossible: " + "; ".join(run.errors or outbound.errors)
        relative = _relative_raan(run.arcs, start.reference, start.angles.relative_raan)
        return relative, run.end.elapsed - point.elapsed, run.end.delta_v - point.delta_v

    made = phasing.plan(
        target,
        optimization,
        budget,
        deadline,
        reference_a,
        point.eccentricity,
        point.inclination,
        point.mass,
        craft.mean_thrust,
        craft.exhaust_velocity,
        evaluate,
        inputs.number(
            mission, "maximumDuration", where, default=DEFAULT_MAXIMUM_DURATION, unit="s"
        ),
    )
    if isinstance(made, str):
        raise inputs.MissionInputError(made)
    results["phasingPlan"] = {
        "optimizationType": optimization,
        "driftAltitude": made.drift_semi_major_axis - EARTH_RADIUS,
        "driftDuration": made.coast_duration,
        "expectedDuration": made.estimated_duration,
        "expectedDeltaV": made.estimated_delta_v,
        "targetDeltaRaan": target,
    }
    outbound = run_plan(
        steps(made.drift_semi_major_axis, 0.0, 0.0)[:1], point, craft, drag, math.inf
    )
    return steps(made.drift_semi_major_axis, made.coast_duration, outbound.end.elapsed)


def _relative_raan(arcs: list[Any], reference: Reference, start_relative: float) -> float:
    """Relative RAAN at the end of ``arcs`` (fine Gauss-Legendre quadrature, 10-minute pieces)."""
    nodes, weights = np.polynomial.legendre.leggauss(4)
    ref_rate = float(
        j2_rates(reference.semi_major_axis, reference.eccentricity, reference.inclination)[0]
    )
    total = start_relative
    for arc in arcs:
        if arc.end <= arc.start:
            continue
        pieces = max(math.ceil((arc.end - arc.start) / 600.0), 1)
        edges = np.linspace(arc.start, arc.end, pieces + 1)
        half = np.diff(edges) / 2.0
        times = ((edges[:-1] + half)[:, None] + half[:, None] * nodes[None, :]).ravel()
        elements = arc.elements(times)
        rate = (
            j2_rates(elements.semi_major_axis, elements.eccentricity, elements.inclination)[0]
            - ref_rate
        )
        total += float(np.sum(half * np.sum(rate.reshape(-1, 4) * weights[None, :], axis=1)))
    return total
