"""Thermospheric density: the exponential model of Vallado, *Fundamentals of Astrodynamics
and Applications*, table 8-4 (CIRA-72 base densities and scale heights, 0-1000 km), with the
scale heights above 150 km stretched by the solar activity through Jacchia's (1970) night-time
exospheric temperature ``T = 379 + 3.24 F10.7`` (K).

At the reference flux (F10.7 = 150 sfu) the table is reproduced exactly. Other fluxes move
the density the way the thermosphere does (solar minimum lower, maximum higher: about x0.07
and x5.6 at 400 km for 70 and 250 sfu); expect a factor of 2 against NRLMSISE-00 on a given
day, which is the usual accuracy of exponential models. Above 1000 km the last layer goes on.
"""

from __future__ import annotations

import numpy as np

from .timescale import FloatArray

#: Solar flux (F10.7, sfu) at which the table holds as published.
REFERENCE_SOLAR_FLUX = 150.0
#: Solar flux range the model accepts (sfu); the observed F10.7 stays within it.
SOLAR_FLUX_RANGE = (50.0, 400.0)
#: Altitude (m) above which the scale heights follow the solar activity.
_THERMOSPHERE_BASE = 150e3

_BASE_ALTITUDE_KM = np.array(
    [
        0,
        25,
        30,
        40,
        50,
        60,
        70,
        80,
        90,
        100,
        110,
        120,
        130,
        140,
        150,
        180,
        200,
        250,
        300,
        350,
        400,
        450,
        500,
        600,
        700,
        800,
        900,
        1000,
    ],
    dtype=np.float64,
)
_BASE_DENSITY = np.array(
    [
        1.225,
        3.899e-2,
        1.774e-2,
        3.972e-3,
        1.057e-3,
        3.206e-4,
        8.770e-5,
        1.905e-5,
        3.396e-6,
        5.297e-7,
        9.661e-8,
        2.438e-8,
        8.484e-9,
        3.845e-9,
        2.070e-9,
        5.464e-10,
        2.789e-10,
        7.248e-11,
        2.418e-11,
        9.518e-12,
        3.725e-12,
        1.585e-12,
        6.967e-13,
        1.454e-13,
        3.614e-14,
        1.170e-14,
        5.245e-15,
        3.019e-15,
    ],
    dtype=np.float64,
)
_SCALE_HEIGHT_KM = np.array(
    [
        7.249,
        6.349,
        6.682,
        7.554,
        8.382,
        7.714,
        6.549,
        5.799,
        5.382,
        5.877,
        7.263,
        9.473,
        12.636,
        16.149,
        22.523,
        29.740,
        37.105,
        45.546,
        53.628,
        53.298,
        58.515,
        60.828,
        63.822,
        71.835,
        88.667,
        124.64,
        181.05,
        268.00,
    ],
    dtype=np.float64,
)


def exospheric_temperature(solar_flux: float) -> float:
    """Jacchia (1970) night-time minimum exospheric temperature (K)."""
    return 379.0 + 3.24 * solar_flux


def density(altitude: FloatArray | float, solar_flux: float = REFERENCE_SOLAR_FLUX) -> FloatArray:
    """Atmospheric density (kg/m^3) at ``altitude`` (m) for the F10.7 ``solar_flux`` (sfu)."""
    h_km = np.maximum(np.asarray(altitude, dtype=np.float64), 0.0) / 1e3
    stretch = exospheric_temperature(solar_flux) / exospheric_temperature(REFERENCE_SOLAR_FLUX)
    layer = np.clip(np.searchsorted(_BASE_ALTITUDE_KM, h_km, side="right") - 1, 0, None)
    base_km = _BASE_ALTITUDE_KM[layer]
    thermosphere = base_km >= _THERMOSPHERE_BASE / 1e3
    heights = np.where(thermosphere, _SCALE_HEIGHT_KM[layer] * stretch, _SCALE_HEIGHT_KM[layer])
    # A stretched layer thins the density less over its thickness: each thermospheric base
    # density moves by what the stretched layers below it no longer take away, which keeps
    # the published table exact at the reference flux and the profile continuous in flux.
    thickness = np.diff(_BASE_ALTITUDE_KM)
    in_thermosphere = _BASE_ALTITUDE_KM[:-1] >= _THERMOSPHERE_BASE / 1e3
    gained = np.where(
        in_thermosphere, thickness / _SCALE_HEIGHT_KM[:-1] * (1.0 - 1.0 / stretch), 0.0
    )
    log_base = np.log(_BASE_DENSITY) + np.concatenate([[0.0], np.cumsum(gained)])
    return np.asarray(np.exp(log_base[layer] - (h_km - base_km) / heights))
