"""Sunlight and power: the attitude modes, cylindrical Earth shadow, solar array output,
battery energy.

Shadow: the Earth's shadow is a cylinder of the Earth's equatorial radius pointing away
from the Sun (no penumbra), as in Vallado algorithm 34 (SHADOW, cylindrical option). On a
circular orbit of radius r with the Sun at ``beta`` above the orbit plane the shadowed share
of the orbit is ``acos(sqrt(r^2 - Re^2) / (r cos beta)) / pi`` when ``cos beta`` exceeds
``sqrt(r^2 - Re^2) / r`` and zero otherwise (Wertz, *Space Mission Analysis and Design*,
eq. 5-5 in its cylindrical form).

Solar arrays deliver ``P_max (1 AU / d)^2 cos(incidence)`` in sunlight, where ``P_max`` is
their power at 1 AU with the Sun on their normal (``solarArrayMaximumPower``, or
``S * area * efficiency``); the incidence follows the attitude mode and the arrays' normal in
the body frame (:func:`array_incidence`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from .constants import ASTRONOMICAL_UNIT, EARTH_RADIUS
from .inputs import MissionInputError
from .timescale import FloatArray

#: Attitude modes a mission may name, and the spellings read as each. In every mode but
#: SUN_POINTING the body's +X axis (the thruster axis) points along a direction of the orbit
#: and +Z as close to nadir as that allows (Y completes the right-handed frame); SUN_POINTING
#: turns the solar arrays' normal to the Sun.
ATTITUDE_MODES: dict[str, str] = {
    "PROGRADE": "PROGRADE",
    "VELOCITY": "PROGRADE",
    "TANGENTIAL": "PROGRADE",
    "NADIR_POINTING": "NADIR_POINTING",
    "NADIR": "NADIR_POINTING",
    "RETROGRADE": "RETROGRADE",
    "ANTI_VELOCITY": "RETROGRADE",
    "NORMAL": "NORMAL",
    "ORBIT_NORMAL": "NORMAL",
    "ANTI_NORMAL": "ANTI_NORMAL",
    "SUN_POINTING": "SUN_POINTING",
    "SUN_POINTED": "SUN_POINTING",
}


def attitude_mode(mission: Mapping[str, Any], key: str, default: str) -> str:
    """The canonical attitude mode the mission field ``key`` names, ``default`` when absent."""
    value = mission.get(key)
    if value is None:
        return default
    mode = (
        ATTITUDE_MODES.get(value.strip().upper().replace(" ", "_").replace("-", "_"))
        if isinstance(value, str)
        else None
    )
    if mode is None:
        choices = ", ".join(sorted(set(ATTITUDE_MODES.values())))
        raise MissionInputError(f"mission.{key} must be one of {choices}, got {value!r}")
    return mode


def _unit(vectors: FloatArray) -> FloatArray:
    return np.asarray(vectors / np.linalg.norm(vectors, axis=-1, keepdims=True))


def array_incidence(
    mode: str,
    array_normal: tuple[float, float, float],
    position: FloatArray,
    velocity: FloatArray,
    sun: FloatArray,
) -> FloatArray:
    """Cosine of the Sun's incidence on the arrays (0 when they face away), shape (N,).

    ``position`` and ``velocity`` are inertial (N, 3), ``sun`` the unit vector to the Sun
    ((3,) or (N, 3)), ``array_normal`` the arrays' normal in the body frame."""
    count = position.shape[0]
    if mode == "SUN_POINTING":
        return np.ones(count)
    radial = _unit(position)
    if mode in ("NORMAL", "ANTI_NORMAL"):
        x_axis = _unit(np.cross(position, velocity))
        if mode == "ANTI_NORMAL":
            x_axis = -x_axis
    else:
        x_axis = _unit(velocity)
        if mode == "RETROGRADE":
            x_axis = -x_axis
    nadir = -(radial - np.sum(radial * x_axis, axis=1, keepdims=True) * x_axis)
    z_axis = _unit(nadir)
    y_axis = np.cross(z_axis, x_axis)
    normal = array_normal[0] * x_axis + array_normal[1] * y_axis + array_normal[2] * z_axis
    return np.asarray(np.clip(np.sum(normal * sun, axis=-1), 0.0, None))


def in_shadow(position: FloatArray, sun_direction: FloatArray) -> FloatArray:
    """1.0 where the spacecraft at ``position`` (m, shape (N, 3)) is in the cylindrical
    shadow, else 0.0."""
    along = np.sum(position * sun_direction, axis=-1)
    across = np.linalg.norm(position - along[..., None] * sun_direction, axis=-1)
    return np.asarray(((along < 0.0) & (across < EARTH_RADIUS)).astype(np.float64))


def eclipse_fraction(radius: float, beta: float) -> float:
    """Share of a circular orbit of ``radius`` (m) spent in the cylindrical shadow when the
    Sun is ``beta`` (rad) above the orbit plane."""
    return float(eclipse_fractions(np.array([radius]), np.array([beta]))[0])


def eclipse_fractions(radius: FloatArray, beta: FloatArray) -> FloatArray:
    """:func:`eclipse_fraction` of many orbits at once."""
    limit = np.sqrt(np.maximum(radius**2 - EARTH_RADIUS**2, 0.0)) / radius
    cos_beta = np.cos(beta)
    shaded = cos_beta > limit
    ratio = np.where(shaded, limit / np.where(shaded, cos_beta, 1.0), 1.0)
    return np.asarray(np.where(shaded, np.arccos(np.clip(ratio, -1.0, 1.0)) / math.pi, 0.0))


def solar_array_power(
    peak_power: float,
    sun_distance: FloatArray | float,
    illumination: FloatArray | float,
) -> FloatArray:
    """Electrical power (W) of arrays giving ``peak_power`` at 1 AU with the Sun on their
    normal, at ``sun_distance`` (m), for the cosine of incidence times the sunlit share."""
    return np.asarray(
        peak_power * (ASTRONOMICAL_UNIT / np.asarray(sun_distance)) ** 2 * np.asarray(illumination)
    )


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
