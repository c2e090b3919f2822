"""Deployment and parametric studies.

Deployment: a launcher releases ``numberOfSatellites`` on its injection orbit, satellite k
(k = 0..N-1) with ``k * separationDeltaV`` (m/s, default 0.5) along-track. Its semi-major
axis rises by ``2 a dv / v`` (Gauss, tangential impulse) and its argument of latitude drifts
against the first one's at ``-3/2 n da / a``; the table gives each satellite's phase over time
and the time the fleet needs to spread evenly around the orbit.

Parametric study: every combination of the swept parameters (a list, or
``{"min", "max", "numberOfValues"}``) of ``parametricOrbit`` (``altitude`` m,
``inclination`` rad) and ``parametricPropulsionSystem`` (``thrust`` N, ``isp`` s), for a
transfer of ``deltaSemiMajorAxis`` (m) and ``deltaInclination`` (rad) by a spacecraft of
``platformMass`` + ``propellantMass`` (kg): Edelbaum delta-v, rocket-equation propellant,
and duration at constant thrust.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from . import inputs
from .constants import DAY, EARTH_RADIUS, G0, MAX_EPHEMERIS_ROWS, MIN_ALTITUDE, MU_EARTH
from .ephemerides import row_count, row_times
from .orbits import read_orbit
from .results import Computation, guarded
from .transfer import EdelbaumPath

MAX_COMBINATIONS = 100_000


def deployment(mission: Mapping[str, Any]) -> Computation:
    def run() -> dict[str, Any]:
        launch = inputs.as_mapping(mission.get("launch"), "mission.launch", required=False)
        orbit_body = launch.get("injectionOrbit", mission.get("initialOrbit"))
        orbit = read_orbit(orbit_body, "mission.launch.injectionOrbit")
        count = inputs.integer(
            launch,
            "numberOfSatellites",
            "mission.launch",
            default=inputs.integer(
                mission, "numberOfSatellites", "mission", default=4, minimum=1, maximum=1000
            ),
            minimum=1,
            maximum=1000,
        )
        separation = inputs.number(
            launch,
            "separationDeltaV",
            "mission.launch",
            default=0.5,
            minimum=0.0,
            maximum=100.0,
            unit="m/s",
        )
        duration = inputs.number(
            mission,
            "simulationDuration",
            "mission",
            default=30 * DAY,
            minimum=0.0,
            exclusive_minimum=True,
            unit="s",
        )
        step = inputs.number(
            mission, "ephemeridesStepInSeconds", "mission", default=3600.0, minimum=1.0, unit="s"
        )
        if row_count(0.0, duration, step) * max(count, 1) > MAX_EPHEMERIS_ROWS:
            raise inputs.MissionInputError(
                "the phase table would be too large: raise ephemeridesStepInSeconds"
            )
        a = orbit.semi_major_axis
        n = math.sqrt(MU_EARTH / a**3)
        v = math.sqrt(MU_EARTH / a)
        kicks = separation * np.arange(count)
        delta_a = 2.0 * a * kicks / v
        if float((a + delta_a).min()) - EARTH_RADIUS < MIN_ALTITUDE:
            raise inputs.MissionInputError(
                "the injection orbit is below 150 km: the satellites would re-enter"
            )
        drift = -1.5 * n * delta_a / a
        times = row_times(0.0, duration, step)
        phases = np.mod(drift[None, :] * times[:, None], 2.0 * math.pi)
        spread = (
            (2.0 * math.pi / count) / abs(float(drift[1])) if count > 1 and drift[1] != 0 else None
        )
        return {
            "satellites": [
                {
                    "name": f"{mission.get('name', 'deployment')}-{k + 1}",
                    "separationDeltaV": float(kicks[k]),
                    "semiMajorAxis": float(a + delta_a[k]),
                    "altitude": float(a + delta_a[k] - EARTH_RADIUS),
                    "phaseDriftRate": float(drift[k]),
                }
                for k in range(count)
            ],
            "timeToEvenSpacing": spread,
            "phaseTable": np.column_stack([times, phases]).tolist(),
            "phaseFieldIndexes": {
                "ELAPSED_TIME": 0,
                **{f"PHASE_SATELLITE_{k + 1}": k + 1 for k in range(count)},
            },
            "maneuverReport": {
                "simulationDuration": duration,
                "totalConsumption": 0.0,
                "totalNumberOfBurns": 0,
                "totalDeltaV": float(kicks.sum()),
            },
        }

    return guarded(mission, run)


def _sweep(body: Mapping[str, Any], key: str, where: str, default: float) -> list[float]:
    value = body.get(key)
    if value is None:
        return [default]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [inputs.number(body, key, where)]
    if isinstance(value, list) and value:
        return [inputs.number({key: item}, key, where) for item in value]
    if isinstance(value, Mapping):
        low = inputs.number(value, "min", f"{where}.{key}")
        high = inputs.number(value, "max", f"{where}.{key}")
        count = inputs.integer(
            value, "numberOfValues", f"{where}.{key}", default=5, minimum=1, maximum=1000
        )
        return [float(x) for x in np.linspace(low, high, count)]
    raise inputs.MissionInputError(
        f"{where}.{key} must be a number, a list, or {{min, max, numberOfValues}}"
    )


def parametric_study(mission: Mapping[str, Any]) -> Computation:
    def run() -> dict[str, Any]:
        orbit = inputs.as_mapping(
            mission.get("parametricOrbit"), "mission.parametricOrbit", required=False
        )
        thruster = inputs.as_mapping(
            mission.get("parametricPropulsionSystem"),
            "mission.parametricPropulsionSystem",
            required=False,
        )
        altitudes = _sweep(orbit, "altitude", "mission.parametricOrbit", 500e3)
        inclinations = _sweep(orbit, "inclination", "mission.parametricOrbit", math.radians(97.4))
        thrusts = _sweep(thruster, "thrust", "mission.parametricPropulsionSystem", 0.01)
        isps = _sweep(thruster, "isp", "mission.parametricPropulsionSystem", 1000.0)
        delta_a = inputs.number(mission, "deltaSemiMajorAxis", "mission", default=0.0, unit="m")
        delta_i = inputs.number(mission, "deltaInclination", "mission", default=0.0, unit="rad")
        dry = inputs.number(
            mission,
            "platformMass",
            "mission",
            default=20.0,
            minimum=0.0,
            exclusive_minimum=True,
            unit="kg",
        )
        propellant = inputs.number(
            mission, "propellantMass", "mission", default=1.0, minimum=0.0, unit="kg"
        )
        combos = len(altitudes) * len(inclinations) * len(thrusts) * len(isps)
        if combos > MAX_COMBINATIONS:
            raise inputs.MissionInputError(
                f"{combos} combinations exceed the {MAX_COMBINATIONS} a study may sweep"
            )
        rows = []
        for altitude, inclination, thrust, isp in itertools.product(
            altitudes, inclinations, thrusts, isps
        ):
            if (
                altitude < MIN_ALTITUDE
                or altitude + delta_a < MIN_ALTITUDE
                or thrust <= 0
                or isp <= 0
            ):
                raise inputs.MissionInputError(
                    f"the sweep holds an impossible case (altitude {altitude:g} m,"
                    f" thrust {thrust:g} N, isp {isp:g} s)"
                )
            a = EARTH_RADIUS + altitude
            dv = EdelbaumPath(
                math.sqrt(MU_EARTH / a), inclination, 0.0, a + delta_a, inclination + delta_i
            ).total
            used = (dry + propellant) * (1.0 - math.exp(-dv / (isp * G0)))
            duration = used * isp * G0 / thrust
            rows.append(
                [
                    altitude,
                    inclination,
                    thrust,
                    isp,
                    dv,
                    used,
                    duration,
                    1.0 if used <= propellant else 0.0,
                ]
            )
        columns = (
            "ALTITUDE",
            "INCLINATION",
            "THRUST",
            "ISP",
            "DELTA_V",
            "PROPELLANT_MASS",
            "DURATION",
            "FEASIBLE",
        )
        return {
            "table": rows,
            "tableFieldIndexes": {name: k for k, name in enumerate(columns)},
            "numberOfCases": len(rows),
        }

    return guarded(mission, run)
