"""Maneuvering strategy design: the mean power the solar arrays generate in the thrust and
in the rest attitude over an orbit, and the share of it the power budget lets the thruster
fire."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from . import inputs
from .orbits import MeanOrbit, cartesian
from .power import array_incidence, attitude_mode, eclipse_fraction, in_shadow, solar_array_power
from .spacecraft import Spacecraft
from .timescale import sun_direction

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


def strategy_results(
    mission: Mapping[str, Any], craft: Spacecraft, orbit: MeanOrbit
) -> dict[str, Any]:
    """Mean power the arrays generate in the thrust and in the rest attitude, on the initial
    orbit, and the share of each orbit the power budget lets the thruster fire: the results
    ``thrustModeMeanPower``, ``restModeMeanPower`` and ``strategy``.

    The published ``computeOAPWithMSD`` turns the two means into the orbit-average power
    left for the thruster, ``P_thr (P_rest - P_platform) / (P_thr + P_rest - P_thrust)``:
    the energy balance of an orbit firing a share ``d`` of it,
    ``d P_thrust + (1 - d) P_rest = P_platform + d P_thr``, solved for ``d P_thr``. That
    reading holds only if both are powers generated, so they are.
    """
    with_eclipse = inputs.boolean(mission, "withEclipse", "mission", default=True)
    thrust_mode = attitude_mode(mission, "thrustAttitudeMode", "PROGRADE")
    rest_mode = attitude_mode(mission, "restAttitudeMode", "SUN_POINTING")
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
    return {
        "thrustModeMeanPower": thrust_power,
        "restModeMeanPower": rest_power,
        "strategy": {
            "betaAngle": beta,
            "eclipseFraction": (
                eclipse_fraction(orbit.semi_major_axis, beta) if with_eclipse else 0.0
            ),
            "orbitalPeriod": orbit.period,
            "platformPower": craft.platform_power,
            "thrusterPower": craft.thruster_power,
            "sustainableDutyCycle": sustainable,
            "orbitAveragePowerForThruster": sustainable * craft.thruster_power,
            "thrustAttitudeMode": thrust_mode,
            "restAttitudeMode": rest_mode,
        },
    }
