"""Sunlight and power: cylindrical Earth shadow, solar array output, battery energy.

Shadow: the Earth's shadow is a cylinder of the Earth's equatorial radius pointing away
from the Sun (no penumbra), as in Vallado algorithm 34 (SHADOW, cylindrical option). On a
circular orbit of radius r with the Sun at ``beta`` above the orbit plane the shadowed share
of the orbit is ``acos(sqrt(r^2 - Re^2) / (r cos beta)) / pi`` when ``cos beta`` exceeds
``sqrt(r^2 - Re^2) / r`` and zero otherwise (Wertz, *Space Mission Analysis and Design*,
eq. 5-5 in its cylindrical form).

Solar arrays deliver ``S (1 AU / d)^2 * area * efficiency * cos(incidence)`` in sunlight; the
incidence follows the attitude mode (:data:`ATTITUDE_ILLUMINATION`).
"""

from __future__ import annotations

import math

import numpy as np

from .constants import ASTRONOMICAL_UNIT, EARTH_RADIUS, SOLAR_CONSTANT
from .timescale import FloatArray

#: Orbit-averaged cosine of the Sun incidence on the solar arrays, per attitude mode.
#: Sun pointing tracks the Sun; the others fix the arrays on the body, whose mean cosine over
#: a sunlit arc is 2/pi for an array swept through the Sun line (nadir, tangential, inertial
#: thrust directions) — documented in docs/physics.md.
ATTITUDE_ILLUMINATION: dict[str, float] = {
    "SUN_POINTING": 1.0,
    "SUN_POINTED": 1.0,
    "NADIR_POINTING": 2.0 / math.pi,
    "NADIR": 2.0 / math.pi,
    "TANGENTIAL": 2.0 / math.pi,
    "VELOCITY": 2.0 / math.pi,
    "ANTI_VELOCITY": 2.0 / math.pi,
    "INERTIAL": 2.0 / math.pi,
}


def in_shadow(position: FloatArray, sun_direction: FloatArray) -> FloatArray:
    """1.0 where the spacecraft at ``position`` (m, shape (N, 3)) is in the cylindrical
    shadow, else 0.0."""
    along = np.sum(position * sun_direction, axis=-1)
    across = np.linalg.norm(position - along[..., None] * sun_direction, axis=-1)
    return np.asarray(((along < 0.0) & (across < EARTH_RADIUS)).astype(np.float64))


def eclipse_fraction(radius: float, beta: float) -> float:
    """Share of a circular orbit of ``radius`` (m) spent in the cylindrical shadow when the
    Sun is ``beta`` (rad) above the orbit plane."""
    limit = math.sqrt(max(radius**2 - EARTH_RADIUS**2, 0.0)) / radius
    cos_beta = math.cos(beta)
    if cos_beta <= limit:
        return 0.0
    return math.acos(limit / cos_beta) / math.pi


def solar_array_power(
    area: float,
    efficiency: float,
    sun_distance: FloatArray | float,
    illumination: FloatArray | float,
) -> FloatArray:
    """Electrical power (W) of the arrays at ``sun_distance`` (m) for the given mean cosine of
    incidence times the sunlit share."""
    flux = SOLAR_CONSTANT * (ASTRONOMICAL_UNIT / np.asarray(sun_distance)) ** 2
    return np.asarray(flux * area * efficiency * np.asarray(illumination))


def battery_energy(
    net_power: FloatArray, elapsed: FloatArray, start_energy: float, capacity_wh: float
) -> FloatArray:
    """Battery energy (Wh) at each instant: the net power (W) held over each step (left
    value), clipped between empty and full."""
    energy = np.empty_like(net_power)
    if energy.size == 0:
        return energy
    gains = (net_power[:-1] * np.diff(elapsed) / 3600.0).tolist()
    level = min(max(start_energy, 0.0), capacity_wh)
    values = [level]
    for gain in gains:
        level = min(max(level + gain, 0.0), capacity_wh)
        values.append(level)
    energy[:] = values
    return energy
