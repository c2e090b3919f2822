"""Simulation missions (collection ``simulationrequests``): orbital transfer, RAAN phasing,
LEO station keeping and maneuvering strategy design, with pause and resume."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from . import inputs, phasing
from .atmosphere import REFERENCE_SOLAR_FLUX, SOLAR_FLUX_RANGE
from .constants import DAY, EARTH_RADIUS, MAX_EPHEMERIS_ROWS, MIN_ALTITUDE
from .ephemerides import (
    FIELD_INDEXES,
    Angles,
    Counters,
    Reference,
    Segment,
    build,
    cartesian,
    row_count,
    row_times,
)
from .orbits import MeanOrbit, j2_rates, orbit_body, read_orbit
from .power import (
    ATTITUDE_MODES,
    array_incidence,
    attitude_mode,
    eclipse_fraction,
    in_shadow,
    solar_array_power,
)
from .spacecraft import Spacecraft, read_spacecraft
from .timescale import parse_datetime, shift, sun_direction
from .trajectory import Point, run_plan
from .transfer import CoastArc, DragModel

MISSION_TYPES = (
    "Orbital Transfer",
    "RAAN Phasing",
    "LEO Station Keeping",
    "Maneuvering Strategy Design",
)
DEFAULT_STEP = 120.0
DEFAULT_MAXIMUM_DURATION = 5 * 365.25 * DAY
#: Longest mission time a run may cover: a century, so mission dates stay within year 9999.
MAX_DURATION = 100 * 365.25 * DAY
DEFAULT_STRATEGY_DURATION = DAY
DEFAULT_PERTURBATIONS = ("DRAG", "EARTH_POTENTIAL")


@dataclass(frozen=True)
class Outcome:
    """Results ``R``, error messages, and whether the run paused."""

    results: dict[str, Any]
    errors: list[str]
    paused: bool


@dataclass(frozen=True)
class Start:
    """Where a run starts: the chain's clock, the state, and what was accumulated."""

    epoch: datetime
    point: Point
    angles: Angles
    reference: Reference
    counters: Counters
    plan: list[dict[str, Any]] | None


def compute(mission: Mapping[str, Any], until_duration: float | None) -> Outcome:
    """Run one simulation mission (or a continuation of a paused one)."""
    name = mission.get("name")
    results: dict[str, Any] = {"name": name if isinstance(name, str) else ""}
    try:
        return _compute(mission, until_duration, results)
    except inputs.MissionInputError as problem:
        return Outcome(results, [str(problem)], False)


def _compute(
    mission: Mapping[str, Any], until_duration: float | None, results: dict[str, Any]
) -> Outcome:
    where = "mission"
    kind = inputs.text(mission, "type", where, choices=MISSION_TYPES)
    results["type"] = kind
    craft = read_spacecraft(mission.get("spacecraft"), f"{where}.spacecraft")
    orbit_template = inputs.as_mapping(mission.get("initialOrbit"), f"{where}.initialOrbit")
    orbit = read_orbit(orbit_template, f"{where}.initialOrbit")
    perturbations = (
        inputs.string_list(mission, "perturbations", where)
        if mission.get("perturbations") is not None
        else list(DEFAULT_PERTURBATIONS)
    )
    flux = inputs.number(
        mission,
        "customSolarFlux",
        where,
        default=REFERENCE_SOLAR_FLUX,
        minimum=SOLAR_FLUX_RANGE[0],
        maximum=SOLAR_FLUX_RANGE[1],
        unit="sfu",
    )
    drag = (
        DragModel(craft.ballistic_factor, flux)
        if "DRAG" in perturbations and craft.ballistic_factor > 0
        else None
    )
    # RAAN phasing is drift by the Earth's oblateness: the mission type brings J2 with it
    # (the published Simple_RAAN_mission.py sends no perturbation at all).
    with_j2 = "EARTH_POTENTIAL" in perturbations or kind == "RAAN Phasing"
    step = inputs.number(
        mission,
        "ephemeridesStepInSeconds",
        where,
        default=DEFAULT_STEP,
        minimum=0.0,
        exclusive_minimum=True,
        unit="s",
    )
    maximum = inputs.number(
        mission,
        "maximumDuration",
        where,
        default=DEFAULT_MAXIMUM_DURATION,
        minimum=0.0,
        maximum=MAX_DURATION,
        exclusive_minimum=True,
        unit="s",
    )
    pause = (
        until_duration
        if until_duration is not None
        else inputs.optional_number(
            mission, "durationUntilPause", where, minimum=0.0, exclusive_minimum=True, unit="s"
        )
    )
    if until_duration is not None and (not math.isfinite(until_duration) or until_duration <= 0):
        raise inputs.MissionInputError(
            f"the duration until pause must be a positive number of s, got {until_duration!r}"
        )
    start = _start(mission, orbit, craft)
    results["initialOrbit"] = orbit_body(
        _mean_orbit(start.point, start.angles, start.epoch),
        str(orbit_template.get("name") or f"{results['name']} initial orbit"),
        template=orbit_template,
    )
    if start.plan is not None:
        steps = start.plan
    else:
        steps = _plan(kind, mission, start, craft, drag, with_j2, results)
    if kind == "Maneuvering Strategy Design" and "strategy" not in results:
        _strategy_powers(
            mission, craft, _mean_orbit(start.point, start.angles, start.epoch), results
        )
    limit = min(maximum, start.point.elapsed + pause) if pause is not None else maximum
    run = run_plan(steps, start.point, craft, drag, limit)
    errors = list(run.errors)
    finished = not run.remaining_steps
    paused = (
        pause is not None
        and not finished
        and not errors
        and run.end.elapsed >= start.point.elapsed + pause - 1e-6
    )
    if not finished and not paused and not errors:
        errors.append(
            f"maximumDuration ({maximum / DAY:.2f} days) reached before the mission objective:"
            " raise maximumDuration or the thrust"
        )
    if not run.arcs:
        run.arcs.append(_idle_arc(start.point))
        run.fresh.append(True)
    rows = row_count(start.point.elapsed, run.end.elapsed, step)
    least_step = math.ceil((run.end.elapsed - start.point.elapsed) / (MAX_EPHEMERIS_ROWS - 2))
    if rows > MAX_EPHEMERIS_ROWS:
        errors.append(
            f"the ephemerides would hold {rows} rows, more than the {MAX_EPHEMERIS_ROWS} allowed:"
            f" raise ephemeridesStepInSeconds to at least {least_step} s"
        )
        results["maneuverReport"] = _report(start, run.end, None, craft)
        results["finalOrbit"] = orbit_body(
            _mean_orbit(run.end, start.angles, start.epoch),
            f"{results['name']} final orbit",
            template=orbit_template,
        )
        return Outcome(results, errors, False)
    segment = Segment(
        arcs=run.arcs,
        fresh=run.fresh,
        epoch=start.epoch,
        start_angles=start.angles,
        reference=start.reference,
        counters=start.counters,
        spacecraft=craft,
        drag=drag,
        solar_flux=flux,
        with_j2=with_j2,
        thrust_attitude=_attitude(mission, "thrustAttitudeMode", "PROGRADE"),
        rest_attitude=_attitude(mission, "restAttitudeMode", "SUN_POINTING"),
    )
    table = build(segment, row_times(start.point.elapsed, run.end.elapsed, step))
    end = run.end
    results["finalOrbit"] = orbit_body(
        _mean_orbit(end, table.end_angles, start.epoch),
        f"{results['name']} final orbit",
        template=orbit_template,
    )
    results["maneuverReport"] = _report(start, end, table.end_burns, craft)
    results["maneuverReport"]["eclipseShare"] = table.eclipse_share
    results["ephemeridesStepInSeconds"] = step
    results["fieldIndexes"] = dict(FIELD_INDEXES)
    results["ephemerides"] = table.rows.tolist()
    results["status"] = "PAUSED" if paused else ("FAILED" if errors else "FINISHED")
    if paused:
        results["pausedState"] = {
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
            "plan": run.remaining_steps,
        }
    return Outcome(results, errors, paused)


def _idle_arc(point: Point) -> CoastArc:
    """A zero-length arc, so a run that had nothing to do still has its one row."""
    return CoastArc(
        point.elapsed,
        point.elapsed,
        point.semi_major_axis,
        point.eccentricity,
        point.inclination,
        point.mass,
        None,
    )


def _start(mission: Mapping[str, Any], orbit: MeanOrbit, craft: Spacecraft) -> Start:
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


def _mean_orbit(point: Point, angles: Angles, epoch: datetime) -> MeanOrbit:
    two_pi = 2.0 * math.pi
    return MeanOrbit(
        point.semi_major_axis,
        point.eccentricity,
        point.inclination,
        angles.raan % two_pi,
        angles.perigee_argument % two_pi,
        angles.mean_anomaly % two_pi,
        shift(epoch, point.elapsed),
    )


def _report(start: Start, end: Point, burns: int | None, craft: Spacecraft) -> dict[str, Any]:
    consumed = start.point.mass - end.mass
    return {
        "simulationDuration": end.elapsed - start.point.elapsed,
        "totalConsumption": consumed,
        "totalDeltaV": end.delta_v - start.point.delta_v,
        "totalNumberOfBurns": 0 if burns is None else burns - start.counters.burns,
        "totalThrustDuration": consumed * craft.exhaust_velocity / craft.thrust,
        "remainingPropellant": craft.propellant_mass - consumed,
        "finalMass": end.mass,
        "startElapsedTime": start.point.elapsed,
        "endElapsedTime": end.elapsed,
    }


def _check_altitude(semi_major_axis: float, eccentricity: float, what: str) -> None:
    perigee = semi_major_axis * (1.0 - eccentricity) - EARTH_RADIUS
    if perigee < MIN_ALTITUDE:
        raise inputs.MissionInputError(
            f"{what} has its perigee at {perigee / 1e3:.1f} km,"
            f" below the {MIN_ALTITUDE / 1e3:.0f} km"
            " an orbit needs to last: aim higher"
        )


def _plan(
    kind: str,
    mission: Mapping[str, Any],
    start: Start,
    craft: Spacecraft,
    drag: DragModel | None,
    with_j2: bool,
    results: dict[str, Any],
) -> list[dict[str, Any]]:
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
    return _phasing_plan(mission, start, craft, drag, with_j2, results)


def _phasing_plan(
    mission: Mapping[str, Any],
    start: Start,
    craft: Spacecraft,
    drag: DragModel | None,
    with_j2: bool,
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


def _attitude(mission: Mapping[str, Any], key: str, default: str) -> str:
    mode = attitude_mode(mission.get(key), default)
    if mode is None:
        choices = ", ".join(sorted(set(ATTITUDE_MODES.values())))
        raise inputs.MissionInputError(
            f"mission.{key} must be one of {choices}, got {mission.get(key)!r}"
        )
    return mode


#: Points per orbit the mean powers of a strategy are averaged over.
STRATEGY_SAMPLES = 720


def mean_array_power(
    craft: Spacecraft, orbit: MeanOrbit, attitude: str, *, with_eclipse: bool
) -> float:
    """Mean power (W) the arrays generate over one orbit flown in ``attitude``."""
    anomalies = np.linspace(0.0, 2.0 * math.pi, STRATEGY_SAMPLES, endpoint=False)
    count = anomalies.size
    position, velocity = cartesian(
        np.full(count, orbit.semi_major_axis),
        np.full(count, orbit.eccentricity),
        np.full(count, orbit.inclination),
        np.full(count, orbit.raan),
        np.full(count, orbit.perigee_argument),
        anomalies,
    )
    sun, distance = sun_direction(orbit.epoch)
    lit = 1.0 - in_shadow(position, sun) if with_eclipse else np.ones(count)
    incidence = array_incidence(attitude, craft.array_normal, position, velocity, sun)
    return float(np.mean(solar_array_power(craft.array_peak_power, distance, incidence * lit)))


def _strategy_powers(
    mission: Mapping[str, Any], craft: Spacecraft, orbit: MeanOrbit, results: dict[str, Any]
) -> None:
    """Mean power the arrays generate in the thrust and in the rest attitude, on the initial
    orbit, and the share of each orbit the power budget lets the thruster fire.

    The published ``computeOAPWithMSD`` turns the two means into the orbit-average power
    left for the thruster, ``P_thr (P_rest - P_platform) / (P_thr + P_rest - P_thrust)``:
    the energy balance of an orbit firing a share ``d`` of it,
    ``d P_thrust + (1 - d) P_rest = P_platform + d P_thr``, solved for ``d P_thr``. That
    reading holds only if both are powers generated, so they are.
    """
    with_eclipse = inputs.boolean(mission, "withEclipse", "mission", default=True)
    thrust_mode = _attitude(mission, "thrustAttitudeMode", "PROGRADE")
    rest_mode = _attitude(mission, "restAttitudeMode", "SUN_POINTING")
    thrust_power = mean_array_power(craft, orbit, thrust_mode, with_eclipse=with_eclipse)
    rest_power = mean_array_power(craft, orbit, rest_mode, with_eclipse=with_eclipse)
    sun, _ = sun_direction(orbit.epoch)
    normal = np.array(
        [
            math.sin(orbit.inclination) * math.sin(orbit.raan),
            -math.sin(orbit.inclination) * math.cos(orbit.raan),
            math.cos(orbit.inclination),
        ]
    )
    beta = math.asin(max(-1.0, min(1.0, float(np.dot(normal, sun)))))
    demand = craft.thruster_power + rest_power - thrust_power
    share = (rest_power - craft.platform_power) / demand if demand > 0 else 1.0
    sustainable = max(0.0, min(1.0, share))
    results["thrustModeMeanPower"] = thrust_power
    results["restModeMeanPower"] = rest_power
    results["strategy"] = {
        "betaAngle": beta,
        "eclipseFraction": eclipse_fraction(orbit.semi_major_axis, beta) if with_eclipse else 0.0,
        "orbitalPeriod": orbit.period,
        "platformPower": craft.platform_power,
        "thrusterPower": craft.thruster_power,
        "sustainableDutyCycle": sustainable,
        "orbitAveragePowerForThruster": sustainable * craft.thruster_power,
        "thrustAttitudeMode": thrust_mode,
        "restAttitudeMode": rest_mode,
    }


__all__ = ["Outcome", "compute"]
