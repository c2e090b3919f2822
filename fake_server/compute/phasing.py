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


#: How close (rad) the relative RAAN must end to the target: well within the 1e-5 rad
#: the service documents.
RAAN_TOLERANCE = 1e-7
#: How much of the budget (FASTEST) or of the allowed time (LEAST_DELTA_V) a plan may leave
#: unused: the optimum sits on the constraint.
CONSTRAINT_SLACK = 1e-4


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
    horizon: float = math.inf,
) -> PhasingPlan | str:
    """The phasing plan reaching ``target`` (rad) within ``horizon`` (s, the mission's
    maximumDuration), or a message saying why none exists.

    The plan is one number, the delta-v ``2 h`` of the two transfers: the higher ``h``, the
    farther the drift orbit, the faster the drift and the shorter the mission. FASTEST is
    the largest ``h`` whose flown delta-v (drag included) stays within the budget,
    LEAST_DELTA_V the smallest ``h`` whose flown duration stays within the deadline: a root
    of the constraint on the full simulation, found by regula falsi (Illinois) on a bracket,
    each point shot so that it reaches the target."""
    if abs(target) < 1e-12:
        return PhasingPlan(reference_a, 0.0, 0.0, 0.0)
    if abs(math.cos(inclination)) < 1e-6:
        return (
            "a polar orbit's node does not drift with altitude: RAAN phasing by drift is impossible"
        )
    if optimization == FASTEST and budget is None:
        return "targetDeltaVmax (m/s) is needed when optimizationType is FASTEST"
    if optimization != FASTEST and deadline is None:
        return "targetMissionDuration (s) is needed when optimizationType is LEAST_DELTA_V"
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
    ceiling = _fastest_half(_largest_half(direction, reference_a), lambda h: _estimate(h, *args))
    if ceiling is None:
        return f"no drift orbit reaches a relative RAAN of {target:.4f} rad"
    limit = budget if optimization == FASTEST else deadline
    assert limit is not None
    constraint = (
        f"targetDeltaVmax = {limit:g} m/s"
        if optimization == FASTEST
        else f"targetMissionDuration = {limit:g} s"
    )
    failures: list[str] = []

    def shot_at(half: float) -> tuple[PhasingPlan | None, float]:
        """The shot plan of ``half`` and its constraint excess (inf when it fails)."""
        chosen = _estimate(half, *args)
        if chosen is None:
            failures.append(f"no drift orbit for {2 * half:.1f} m/s")
            return None, math.inf
        drift_a, coast, _ = chosen
        shot = _shoot(
            target,
            drift_a,
            min(coast, horizon),
            reference_a,
            eccentricity,
            inclination,
            evaluate,
            horizon,
        )
        if isinstance(shot, str):
            failures.append(shot)
            return None, math.inf
        used = shot.estimated_delta_v if optimization == FASTEST else shot.estimated_duration
        return shot, used - limit

    # The feasible end of the bracket and the other one: FASTEST is feasible toward h = 0
    # (nothing spent), LEAST_DELTA_V toward the farthest drift orbit.
    if optimization == FASTEST:
        best, best_excess = None, -limit
        good_h, bad_h = 0.0, ceiling
        shot, excess = shot_at(ceiling)
        if excess <= 0:
            return shot if shot is not None else "no drift orbit"
        bad_excess = excess
        guess: float | None = min(limit / 2.0, 0.5 * ceiling)
    else:
        # The fastest drift may not survive the drag: back off toward the reference orbit.
        for _ in range(12):
            best, best_excess = shot_at(ceiling)
            if best is not None:
                break
            ceiling *= 0.8
        if best is None or best_excess > 0:
            reason = (
                f"even the fastest drift orbit takes {(best_excess + limit) / 86400.0:.1f} days"
                if best is not None
                else (failures[-1] if failures else "no drift orbit")
            )
            return (
                f"no drift orbit reaches a relative RAAN of {target:.4f} rad within"
                f" {constraint}: {reason}"
            )
        good_h, bad_h, bad_excess = ceiling, 0.0, math.inf
        guess = _half_for_duration(limit, ceiling, lambda h: _estimate(h, *args))
    # Regula falsi weights: the excesses at both ends, the kept one halved when an end is
    # kept twice in a row (Illinois), so the bracket closes from both sides.
    good_excess: float = best_excess
    side = 0
    for _ in range(60):
        if best is not None and -CONSTRAINT_SLACK * limit <= best_excess <= 0:
            break
        if abs(bad_h - good_h) <= 1e-9 * ceiling:
            break
        if guess is not None:
            half, guess = guess, None
        elif math.isfinite(bad_excess) and math.isfinite(good_excess):
            half = good_h + (bad_h - good_h) * good_excess / (good_excess - bad_excess)
        else:
            half = 0.5 * (good_h + bad_h)
        if not min(good_h, bad_h) < half < max(good_h, bad_h):
            half = 0.5 * (good_h + bad_h)
        shot, excess = shot_at(half)
        if shot is not None and excess <= 0:
            good_h, good_excess, best, best_excess = half, excess, shot, excess
            if side == 1 and math.isfinite(bad_excess):
                bad_excess /= 2.0
            side = 1
        else:
            bad_h, bad_excess = half, excess
            if side == -1:
                good_excess /= 2.0
            side = -1
    if best is None:
        reason = failures[-1] if failures else "every drift orbit failed"
        return (
            f"no drift orbit reaches a relative RAAN of {target:.4f} rad within"
            f" {constraint}: {reason}"
        )
    return best


def _largest_half(direction: float, reference_a: float) -> float:
    """Half delta-v to the farthest drift orbit: down to the lowest drift altitude, or up to
    a speed 45 % below the reference's."""
    v0 = math.sqrt(MU_EARTH / reference_a)
    if direction > 0:
        return 0.45 * v0
    lowest = math.sqrt(MU_EARTH / (EARTH_RADIUS + MIN_DRIFT_ALTITUDE))
    return max(min(lowest - v0, 0.45 * v0), 0.0)


def _fastest_half(
    largest: float, estimate: Callable[[float], tuple[float, float, float] | None]
) -> float | None:
    """The half delta-v of the fastest estimated plan up to ``largest``: beyond it a farther
    drift orbit only lengthens the transfers more than it shortens the drift."""
    durations = [
        (made[2], half)
        for k in range(1, 401)
        if (made := estimate(half := largest * k / 400.0)) is not None
    ]
    return min(durations)[1] if durations else None


def _half_for_duration(
    deadline: float,
    ceiling: float,
    estimate: Callable[[float], tuple[float, float, float] | None],
) -> float | None:
    """The half delta-v whose estimated duration is the deadline (bisection), a first guess."""
    low, high = 0.0, ceiling
    for _ in range(60):
        middle = 0.5 * (low + high)
        made = estimate(middle)
        if made is None or made[2] > deadline:
            low = middle
        else:
            high = middle
    return high if 0.0 < high < ceiling else None


def _shoot(
    target: float,
    drift_a: float,
    coast: float,
    reference_a: float,
    eccentricity: float,
    inclination: float,
    evaluate: Evaluate,
    horizon: float = math.inf,
) -> PhasingPlan | str:
    """The coast that makes the relative RAAN land on ``target``: secant steps (drag makes
    the relative RAAN a little nonlinear in the coast), kept within a bracket once one is
    known, bisected when a step leaves it. A coast that ends in re-entry is shortened (a
    decaying drift orbit drifts faster, so the target may come first); no coast is longer
    than ``horizon``."""
    rate = relative_drift_rate(drift_a, reference_a, eccentricity, inclination)
    sign = math.copysign(1.0, target)
    short: tuple[float, float] | None = None  # (coast, miss) ending short of the target
    long: tuple[float, float] | None = None  # (coast, miss) going past it
    previous: tuple[float, float] | None = None
    outcome = evaluate(drift_a, coast)
    for _ in range(40):
        if isinstance(outcome, str):
            if coast <= 1.0:
                return outcome
            # Re-entry while drifting: look between the last coast that ended short and this.
            failed_at = coast
            coast = 0.5 * ((short[0] if short is not None else 0.0) + coast)
            long = (failed_at, -math.inf)
            previous = None
            outcome = evaluate(drift_a, coast)
            continue
        miss = sign * (target - outcome[0])  # > 0: still short of the target
        if abs(miss) < RAAN_TOLERANCE:
            _, duration, delta_v = outcome
            return PhasingPlan(drift_a, coast, duration, delta_v)
        if miss > 0:
            short = (coast, miss)
        else:
            long = (coast, miss)
        slope = abs(rate)
        if previous is not None and previous[0] != coast and previous[1] != miss:
            slope = (previous[1] - miss) / (coast - previous[0])
        previous = (coast, miss)
        step = coast + miss / slope if slope > 0 else math.nan
        if short is not None and long is not None:
            low, high = sorted((short[0], long[0]))
            if not low < step < high:
                step = 0.5 * (low + high)
        if not math.isfinite(step):
            step = 0.5 * (short[0] + long[0]) if short and long else 2.0 * coast + 1.0
        if step >= horizon and coast >= horizon:
            return (
                f"the drift orbit at {(drift_a - EARTH_RADIUS) / 1e3:.1f} km reaches only"
                f" {outcome[0]:.6f} rad of relative RAAN within maximumDuration"
                f" ({horizon / 86400:.1f} days): allow more time or a larger delta-v"
            )
        coast = min(max(step, 0.0), horizon)
        outcome = evaluate(drift_a, coast)
    return (
        f"the drift could not be timed to reach the relative RAAN of {target:.6f} rad"
        f" within {RAAN_TOLERANCE:g} rad: choose another target or drift orbit"
    )
