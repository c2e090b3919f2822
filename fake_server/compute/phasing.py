"""RAAN phasing by differential J2 drift: move to a drift orbit, wait, come back.

The node of a lower (higher) orbit drifts faster (slower) than the node of the orbit that
stayed put; the relative RAAN builds up at ``dRAAN/dt(drift) - dRAAN/dt(reference)``
(Vallado eq. 9-41). Both transfers are in-plane Edelbaum arcs of ``|v0 - v_drift|`` each;
the drift duration is solved by shooting so that the relative RAAN, transfers included,
ends at the target.

``optimizationType`` (case and separators ignored):

* ``"FASTEST"`` (also ``"DURATION"``, ``"TIME"``, ``"MINIMUM_DURATION"``): the shortest
  mission whose total delta-v stays within ``targetDeltaVmax`` (m/s);
* ``"LEAST_DELTA_V"`` (also ``"DELTA_V"``, ``"CONSUMPTION"``, ``"MINIMUM_DELTA_V"``): the
  least delta-v that finishes within ``targetMissionDuration`` (s).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from .constants import EARTH_RADIUS, MIN_ALTITUDE, MU_EARTH
from .orbits import j2_rates

FASTEST = "FASTEST"
LEAST_DELTA_V = "LEAST_DELTA_V"
#: Spellings of the two optimisations, compared upper-cased with only letters and digits
#: kept. The published ``Simple_RAAN_mission.py`` sends ``"ΔT"``: the shortest mission
#: within ``targetDeltaVmax``; ``"ΔV"`` is the least delta-v within ``targetMissionDuration``.
OPTIMIZATION_ALIASES: dict[str, str] = {
    "ΔT": FASTEST,
    "DELTAT": FASTEST,
    "DT": FASTEST,
    "ΔV": LEAST_DELTA_V,
    "DV": LEAST_DELTA_V,
    "FASTEST": FASTEST,
    "DURATION": FASTEST,
    "TIME": FASTEST,
    "MINIMUMDURATION": FASTEST,
    "LEASTDELTAV": LEAST_DELTA_V,
    "DELTAV": LEAST_DELTA_V,
    "CONSUMPTION": LEAST_DELTA_V,
    "MINIMUMDELTAV": LEAST_DELTA_V,
}
#: Lowest drift altitude the planner uses (m): some margin above the decay limit.
MIN_DRIFT_ALTITUDE = MIN_ALTITUDE + 50e3


def relative_drift_rate(
    semi_major_axis: float, reference_a: float, eccentricity: float, inclination: float
) -> float:
    """Relative node drift (rad/s) of an orbit of ``semi_major_axis`` against the reference."""
    own = float(j2_rates(semi_major_axis, eccentricity, inclination)[0])
    reference = float(j2_rates(reference_a, eccentricity, inclination)[0])
    return own - reference


def drift_direction(target: float, inclination: float) -> float:
    """+1 to raise the orbit, -1 to lower it, to drift the node the way of ``target``."""
    # Prograde orbits' nodes regress faster when lower; retrograde ones advance faster.
    lower_gives = 1.0 if math.cos(inclination) < 0 else -1.0
    return -lower_gives if target > 0 else lower_gives


@dataclass(frozen=True)
class PhasingPlan:
    """Drift orbit and how long to wait on it."""

    drift_semi_major_axis: float
    coast_duration: float
    estimated_duration: float
    estimated_delta_v: float


#: Shooting callback: (drift a, coast duration) -> (relative RAAN reached, duration, delta-v).
Evaluate = Callable[[float, float], "tuple[float, float, float] | str"]


def _estimate(
    half_delta_v: float,
    direction: float,
    target: float,
    reference_a: float,
    eccentricity: float,
    inclination: float,
    mass: float,
    mean_thrust: float,
    exhaust_velocity: float,
) -> tuple[float, float, float] | None:
    """(drift a, coast duration, total duration) of a plan spending ``2 half_delta_v``, or
    None when the drift orbit is out of bounds or the transfers already overshoot."""
    v0 = math.sqrt(MU_EARTH / reference_a)
    v_drift = v0 - direction * half_delta_v
    if v_drift <= 0:
        return None
    drift_a = MU_EARTH / v_drift**2
    if drift_a - EARTH_RADIUS < MIN_DRIFT_ALTITUDE:
        return None
    mass_flow = mean_thrust / exhaust_velocity
    m1 = mass * math.exp(-half_delta_v / exhaust_velocity)
    m2 = m1 * math.exp(-half_delta_v / exhaust_velocity)
    transfer_time = (mass - m1) / mass_flow + (m1 - m2) / mass_flow
    rate = relative_drift_rate(drift_a, reference_a, eccentricity, inclination)
    if rate == 0 or math.copysign(1.0, rate) != math.copysign(1.0, target):
        return None
    # Along a transfer the drift rate grows roughly linearly: half the full rate on average.
    coast = (target - 0.5 * rate * transfer_time) / rate
    if coast < 0:
        return None
    return drift_a, coast, transfer_time + coast


def plan(
    target: float,
    optimization: str,
    budget: float | None,
    deadline: float | None,
    reference_a: float,
    eccentricity: float,
    inclination: float,
    mass: float,
    mean_thrust: float,
    exhaust_velocity: float,
    evaluate: Evaluate,
) -> PhasingPlan | str:
    """The phasing plan reaching ``target`` (rad), or a message saying why none exists."""
    if abs(target) < 1e-12:
        return PhasingPlan(reference_a, 0.0, 0.0, 0.0)
    if abs(math.cos(inclination)) < 1e-6:
        return (
            "a polar orbit's node does not drift with altitude: RAAN phasing by drift is impossible"
        )
    direction = drift_direction(target, inclination)
    args = (
        direction,
        target,
        reference_a,
        eccentricity,
        inclination,
        mass,
        mean_thrust,
        exhaust_velocity,
    )
    ceiling = 0.45 * math.sqrt(MU_EARTH / reference_a)

    def estimate(half: float) -> tuple[float, float, float] | None:
        return _estimate(half, *args)

    if optimization == FASTEST:
        if budget is None:
            return "targetDeltaVmax (m/s) is needed when optimizationType is FASTEST"
        top = min(budget / 2.0, ceiling)
        halves = [top * k / 400.0 for k in range(1, 401)]
        ranked = sorted((e[2], half) for half in halves if (e := estimate(half)) is not None)
        order = [half for _, half in ranked]
        if not order:
            return (
                f"no drift orbit reaches a relative RAAN of {target:.4f} rad within"
                f" targetDeltaVmax = {budget:g} m/s: raise the budget"
            )
    else:
        if deadline is None:
            return "targetMissionDuration (s) is needed when optimizationType is LEAST_DELTA_V"
        halves = [ceiling * k / 400.0 for k in range(1, 401)]
        order = [h for h in halves if (e := estimate(h)) is not None and e[2] <= deadline]
        if not order:
            return (
                f"no drift orbit reaches a relative RAAN of {target:.4f} rad within"
                f" targetMissionDuration = {deadline:g} s: allow more time"
            )
    # Try the best candidates first; drag may make some fail (re-entry, budget exceeded).
    picks = sorted(
        {order[min(len(order) - 1, int(len(order) * (1 - 0.7**k)))] for k in range(12)},
        key=order.index,
    )
    failure = "every candidate drift orbit failed"

    def attempt(half: float) -> PhasingPlan | str | None:
        """The shot plan of one candidate, or why it fails (None: no such drift orbit)."""
        chosen = estimate(half)
        if chosen is None:
            return None
        drift_a, coast, _ = chosen
        shot = _shoot(target, drift_a, coast, reference_a, eccentricity, inclination, evaluate)
        if isinstance(shot, str):
            return shot
        if (
            optimization == FASTEST
            and budget is not None
            and shot.estimated_delta_v > budget * (1 + 1e-6) + 1e-6
        ):
            return (
                f"the phasing needs {shot.estimated_delta_v:.2f} m/s,"
                f" above targetDeltaVmax = {budget:g} m/s"
            )
        if (
            optimization == LEAST_DELTA_V
            and deadline is not None
            and shot.estimated_duration > deadline * (1 + 1e-6)
        ):
            return (
                f"the phasing needs {shot.estimated_duration:.0f} s,"
                f" beyond targetMissionDuration = {deadline:g} s"
            )
        return shot

    failed = -1  # index in ``order`` of the last candidate that failed
    for half in picks:
        outcome = attempt(half)
        if not isinstance(outcome, PhasingPlan):
            failure = outcome or failure
            failed = order.index(half)
            continue
        # The picks thin out geometrically, so a better candidate may work between the last
        # that failed and this one (drag often puts only the very best just over the budget):
        # bisect for it.
        worked = order.index(half)
        while worked - failed > 1:
            middle = (failed + worked) // 2
            better = attempt(order[middle])
            if isinstance(better, PhasingPlan):
                worked, outcome = middle, better
            else:
                failed = middle
        return outcome
    constraint = (
        f"targetDeltaVmax = {budget:g} m/s"
        if optimization == FASTEST
        else f"targetMissionDuration = {deadline:g} s"
    )
    return (
        f"no drift orbit reaches a relative RAAN of {target:.4f} rad within {constraint}: {failure}"
    )


def _shoot(
    target: float,
    drift_a: float,
    coast: float,
    reference_a: float,
    eccentricity: float,
    inclination: float,
    evaluate: Evaluate,
) -> PhasingPlan | str:
    """Adjust the coast so the relative RAAN lands on ``target`` (it grows linearly with it)."""
    rate = relative_drift_rate(drift_a, reference_a, eccentricity, inclination)
    outcome = evaluate(drift_a, coast)
    if isinstance(outcome, str):
        return outcome
    for _ in range(8):
        reached, _, _ = outcome
        error = target - reached
        if abs(error) < 1e-10:
            break
        coast = max(coast + error / rate, 0.0)
        outcome = evaluate(drift_a, coast)
        if isinstance(outcome, str):
            return outcome
    _, duration, delta_v = outcome
    return PhasingPlan(drift_a, coast, duration, delta_v)
