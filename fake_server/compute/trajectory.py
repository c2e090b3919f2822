"""Mission trajectories as a sequence of arcs, driven by a plan of steps.

A plan is a list of JSON steps with absolute targets, so what is left of a plan after a
pause is itself a plan (a paused mission resumes by running it):

* ``{"kind": "transfer", "semiMajorAxis": m, "inclination": rad}`` Edelbaum thrust arc
  (with ``"until": s`` when it must stop at that mission time, done or not);
* ``{"kind": "eccentricity", "eccentricity": e}`` thrust arc at constant size;
* ``{"kind": "coast", "until": s}`` no thrust until that mission time (drag still acts);
* ``{"kind": "stationKeeping", "bottom": m, "top": m, "until": s}`` coast while the
  semi-major axis stays above ``bottom``; each time it reaches it, thrust back to ``top``.

A step may carry ``"resumed": true``: its thrust arc started before the pause, so resuming it
does not count a new burn.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .constants import EARTH_RADIUS
from .spacecraft import Spacecraft
from .timescale import FloatArray
from .transfer import (
    REENTRY_ALTITUDE,
    Arc,
    CoastArc,
    DragModel,
    EccentricityPath,
    EdelbaumPath,
    ThrustArc,
    circular_speed,
    decay_time,
    thrust_drag_table,
)

#: Semi-major axis tolerance (m) under which a transfer counts as done.
_SMA_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Point:
    """Slowly varying state at one instant (the angles are integrated separately)."""

    elapsed: float
    semi_major_axis: float
    eccentricity: float
    inclination: float
    mass: float
    #: Thruster velocity delivered since the start of the whole mission chain (m/s).
    delta_v: float


@dataclass
class PlanRun:
    """What running a plan produced."""

    arcs: list[Arc]
    end: Point
    remaining_steps: list[dict[str, Any]]
    errors: list[str] = field(default_factory=list)
    #: One flag per arc: False for a thrust arc that goes on with a burn begun before a pause.
    fresh: list[bool] = field(default_factory=list)
    #: True when the run stopped at the time limit with steps left (a pause).
    stopped_by_limit: bool = False


def _transfer_arc(
    point: Point,
    path: EdelbaumPath | EccentricityPath,
    spacecraft: Spacecraft,
    drag: DragModel | None,
) -> ThrustArc | str:
    remaining = path.total
    table = None
    if drag is not None and drag.ballistic_factor > 0:
        computed = thrust_drag_table(path, remaining, spacecraft.mean_thrust, drag)
        if isinstance(computed, str):
            return computed
        table = computed
    arc = ThrustArc(
        start=point.elapsed,
        end=point.elapsed,
        path=path,
        remaining_start=remaining,
        mass_start=point.mass,
        mean_thrust=spacecraft.mean_thrust,
        exhaust_velocity=spacecraft.exhaust_velocity,
        drag_table=table,
    )
    needed_mass = point.mass * math.exp(-arc.delta_v_to_finish() / spacecraft.exhaust_velocity)
    duration = (point.mass - needed_mass) / arc.mass_flow
    return replace(arc, end=point.elapsed + duration)


def run_plan(
    steps: Sequence[Mapping[str, Any]],
    start: Point,
    spacecraft: Spacecraft,
    drag: DragModel | None,
    limit: float,
) -> PlanRun:
    """Run ``steps`` from ``start`` until they are done or the mission time reaches ``limit``
    (elapsed s). Stops early, with an error, when propellant runs out, the orbit re-enters,
    or the thrust cannot overcome drag."""
    pending: list[dict[str, Any]] = [dict(step) for step in steps]
    arcs: list[Arc] = []
    fresh: list[bool] = []
    point = start
    errors: list[str] = []
    # Bound the number of arcs so a degenerate plan (e.g. margins of a millimetre) cannot spin.
    for _ in range(200_000):
        if not pending or point.elapsed >= limit:
            break
        step = pending[0]
        kind = step["kind"]
        if kind in ("transfer", "eccentricity"):
            # A station keeping's raise stops with the station keeping itself.
            step_until = float(step.get("until", math.inf))
            if point.elapsed >= step_until:
                pending.pop(0)
                continue
            path: EdelbaumPath | EccentricityPath
            if kind == "transfer":
                path = EdelbaumPath(
                    float(circular_speed(point.semi_major_axis)),
                    point.inclination,
                    point.eccentricity,
                    float(step["semiMajorAxis"]),
                    float(step["inclination"]),
                )
            else:
                path = EccentricityPath(
                    point.semi_major_axis,
                    point.inclination,
                    point.eccentricity,
                    float(step["eccentricity"]),
                )
            if path.total < 1e-9:
                pending.pop(0)
                continue
            made = _transfer_arc(point, path, spacecraft, drag)
            if isinstance(made, str):
                errors.append(made)
                break
            natural_end = made.end
            dry_end = point.elapsed + (point.mass - spacecraft.dry_mass) / made.mass_flow
            end = min(natural_end, dry_end, limit, step_until)
            arc = replace(made, end=end)
            arcs.append(arc)
            fresh.append(not step.get("resumed", False))
            point = _end_point(arc, point)
            if end >= natural_end or end >= step_until:
                pending.pop(0)
                continue
            pending[0] = {**step, "resumed": True}
            if end >= dry_end:
                errors.append(
                    f"propellant exhausted after {point.elapsed / 86400:.2f} days, before the"
                    f" {kind} ended ({_describe_target(step)}): carry more propellant or ask for"
                    " less"
                )
                break
        elif kind == "coast":
            until = min(float(step["until"]), limit)
            coast = _coast(point, until, spacecraft, drag)
            arcs.append(coast)
            fresh.append(True)
            point = _end_point(coast, point)
            if _reentered(point):
                errors.append(_reentry_message(point))
                break
            if point.elapsed >= float(step["until"]):
                pending.pop(0)
        elif kind == "stationKeeping":
            bottom, top, until = float(step["bottom"]), float(step["top"]), float(step["until"])
            if point.elapsed >= until:
                pending.pop(0)
                continue
            if point.semi_major_axis <= bottom + _SMA_TOLERANCE:
                pending.insert(
                    0,
                    {
                        "kind": "transfer",
                        "semiMajorAxis": top,
                        "inclination": point.inclination,
                        "until": until,
                    },
                )
                continue
            to_bottom = decay_time(drag, point.semi_major_axis, bottom, point.mass)
            reaches_bottom = point.elapsed + to_bottom <= min(until, limit)
            coast = _coast(point, min(until, limit, point.elapsed + to_bottom), spacecraft, drag)
            arcs.append(coast)
            fresh.append(True)
            point = _end_point(coast, point)
            if reaches_bottom:
                # The decay table is exact at its own inverse: land on the margin itself.
                point = replace(point, semi_major_axis=bottom)
            elif point.elapsed >= until:
                pending.pop(0)
        else:
            errors.append(f"unknown plan step {kind!r}")
            break
    return PlanRun(
        arcs,
        point,
        pending,
        errors,
        fresh,
        stopped_by_limit=bool(pending) and point.elapsed >= limit,
    )


def _describe_target(step: Mapping[str, Any]) -> str:
    if step["kind"] == "transfer":
        return f"target altitude {(float(step['semiMajorAxis']) - EARTH_RADIUS) / 1e3:.1f} km"
    return f"target eccentricity {float(step['eccentricity']):.5f}"


def _coast(point: Point, until: float, spacecraft: Spacecraft, drag: DragModel | None) -> CoastArc:
    return CoastArc(
        start=point.elapsed,
        end=max(until, point.elapsed),
        semi_major_axis=point.semi_major_axis,
        eccentricity=point.eccentricity,
        inclination=point.inclination,
        mass=point.mass,
        drag=drag if drag is not None and drag.ballistic_factor > 0 else None,
    )


def _end_point(arc: Arc, before: Point) -> Point:
    elements = arc.elements(np.array([arc.end]))
    return Point(
        elapsed=arc.end,
        semi_major_axis=float(elements.semi_major_axis[0]),
        eccentricity=float(elements.eccentricity[0]),
        inclination=float(elements.inclination[0]),
        mass=float(elements.mass[0]),
        delta_v=before.delta_v + float(elements.delta_v[0]),
    )


def _reentered(point: Point) -> bool:
    return point.semi_major_axis - EARTH_RADIUS <= REENTRY_ALTITUDE + 1.0


def _reentry_message(point: Point) -> str:
    return (
        f"the orbit decayed to re-entry ({REENTRY_ALTITUDE / 1e3:.0f} km) after"
        f" {point.elapsed / 86400:.2f} days: start higher or keep the orbit up with station keeping"
    )


def arc_index(arcs: Sequence[Arc], elapsed: FloatArray) -> FloatArray:
    """Index of the arc each instant falls in (the later arc at a shared boundary)."""
    starts = np.array([arc.start for arc in arcs])
    return np.asarray(np.clip(np.searchsorted(starts, elapsed, side="right") - 1, 0, len(arcs) - 1))
