"""NRLMSISE-00 densities along circular orbits, the oracle for the fake's atmosphere.

``pymsis`` (``version=0``: NRLMSISE-00, Picone et al., 2002) is called with the solar and
geomagnetic activity given explicitly, so nothing is downloaded. The density a near-circular
orbit sees on average is the mean over its track: 72 points of argument of latitude on each
of 8 planes spread in local time, on one date. That sampling differs from the engine's
table (a cos-latitude-weighted global mean over four dates): agreement is a check of both.
"""

from __future__ import annotations

import functools

import numpy as np
import pymsis

GEOMAGNETIC_AP = 15.0


@functools.lru_cache(maxsize=256)
def orbit_mean_density(
    altitude_km: float,
    solar_flux: float,
    inclination_deg: float = 97.4,
    date: str = "2024-01-01T00:00",
    ap: float = GEOMAGNETIC_AP,
) -> float:
    """Mean NRLMSISE-00 density (kg/m^3) over a circular orbit's track."""
    inclination = np.radians(inclination_deg)
    argument = np.linspace(0.0, 2 * np.pi, 72, endpoint=False)
    latitudes = np.degrees(np.arcsin(np.sin(inclination) * np.sin(argument)))
    along = np.degrees(np.arctan2(np.cos(inclination) * np.sin(argument), np.cos(argument)))
    when = np.datetime64(date)
    lats, lons = [], []
    for node in np.arange(0.0, 360.0, 45.0):
        lats.append(latitudes)
        lons.append(np.mod(node + along, 360.0))
    lat = np.concatenate(lats)
    lon = np.concatenate(lons)
    output = pymsis.calculate(
        np.full(lat.size, when),
        lon,
        lat,
        np.full(lat.size, altitude_km),
        f107s=np.full(lat.size, solar_flux),
        f107as=np.full(lat.size, solar_flux),
        aps=np.full((lat.size, 7), ap),
        version=0,
    )
    return float(np.mean(output[..., pymsis.Variable.MASS_DENSITY]))
