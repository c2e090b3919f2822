"""Simulation missions (collection ``simulationrequests``): one run of a mission, from its
inputs to its results (orbits, maneuver report, ephemerides), paused at a duration when
asked.

The steps each mission type flies come from :mod:`.maneuver_plans`, the start and the state
of a pause from :mod:`.paused_state`, the powers of a maneuvering strategy design from
:mod:`.strategy_design`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from . import inputs
from .atmosphere import REFERENCE_SOLAR_FLUX, SOLAR_FLUX_RANGE
from .constants import DAY, MAX_EPHEMERIS_ROWS
from .ephemerides import FIELD_INDEXES, Angles, Segment, build, row_count, row_times
from .maneuver_plans import DEFAULT_MAXIMUM_DURATION, MAX_DURATION, MISSION_TYPES, plan
from .orbits import MeanOrbit, orbit_body, read_orbit
from .paused_state import Start, paused_state, read_start
from .power import attitude_mode
from .results import Computation, as_errors, mission_name, refused
from .spacecraft import Spacecraft, read_spacecraft
from .strategy_design import strategy_results
from .timescale import shift
from .trajectory import Point, run_plan
from .transfer import CoastArc, DragModel

DEFAULT_STEP = 120.0
DEFAULT_PERTURBATIONS = ("DRAG", "EARTH_POTENTIAL")


def compute(mission: Mapping[str, Any], until_duration: float | None) -> Computation:
    """Run one simulation mission (or a continuation of a paused one)."""
    results: dict[str, Any] = {"name": mission_name(mission)}
    try:
        return _compute(mission, until_duration, results)
    except inputs.MissionInputError as problem:
        return refused(results, problem)


def _compute(
    mission: Mapping[str, Any], until_duration: float | None, results: dict[str, Any]
) -> Computation:
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
    start = read_start(mission, orbit, craft)
    results["initialOrbit"] = orbit_body(
        _mean_orbit(start.point, start.angles, start.epoch),
        str(orbit_template.get("name") or f"{results['name']} initial orbit"),
        template=orbit_template,
    )
    if start.plan is not None:
        steps = start.plan
    else:
        steps = plan(kind, mission, start, craft, drag, results)
    if kind == "Maneuvering Strategy Design" and "strategy" not in results:
        results.update(
            strategy_results(mission, craft, _mean_orbit(start.point, start.angles, start.epoch))
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
        return Computation(results, as_errors(errors), False)
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
        thrust_attitude=attitude_mode(mission, "thrustAttitudeMode", "PROGRADE"),
        rest_attitude=attitude_mode(mission, "restAttitudeMode", "SUN_POINTING"),
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
        results["pausedState"] = paused_state(kind, start, end, table, run.remaining_steps)
    return Computation(results, as_errors(errors), paused)


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


__all__ = ["compute"]
