"""Thermospheric density: NRLMSISE-00 (Picone et al., 2002) mean profiles, tabulated against
altitude for solar fluxes F10.7 = 50 to 400 sfu every 25 sfu (``atmosphere_table``, written
by ``tools/atmosphere_table.py`` with ``pymsis``; Ap = 15; each density the mean over local
time, latitude and season, since drag acts on an orbit that flies through all of them).

Between nodes the density is interpolated exponentially in altitude (linearly in its
logarithm, as between the layers of an exponential model) and log-linearly in flux, so it
follows NRLMSISE-00 across solar activity: about 0.1x the reference density at 400 km at
solar minimum (70 sfu) and 3x at maximum (250 sfu). Above the table (2,500 km) the last
layer's scale height goes on. On a given day, at a given place, NRLMSISE-00 itself differs
from this mean by the day-night and latitude swing (up to a factor of 3 around 500 km).
"""

from __future__ import annotations

import numpy as np

from . import atmosphere_table
from .timescale import FloatArray

#: Solar flux (F10.7, sfu) of a mission that sends none.
REFERENCE_SOLAR_FLUX = 150.0
#: Solar flux range the model accepts (sfu): the table's; the observed F10.7 stays within it.
_FLUXES = np.array(atmosphere_table.FLUXES.split(), dtype=np.float64)
SOLAR_FLUX_RANGE = (float(_FLUXES[0]), float(_FLUXES[-1]))
_ALTITUDES_KM = np.array(atmosphere_table.ALTITUDES_KM.split(), dtype=np.float64)
_LOG10_DENSITY = np.array(
    [profile.split() for profile in atmosphere_table.LOG10_DENSITY], dtype=np.float64
)


def density(altitude: FloatArray | float, solar_flux: float = REFERENCE_SOLAR_FLUX) -> FloatArray:
    """Atmospheric density (kg/m^3) at ``altitude`` (m) for the F10.7 ``solar_flux`` (sfu)."""
    flux = min(max(float(solar_flux), SOLAR_FLUX_RANGE[0]), SOLAR_FLUX_RANGE[1])
    upper = min(max(int(np.searchsorted(_FLUXES, flux)), 1), _FLUXES.size - 1)
    share = (flux - _FLUXES[upper - 1]) / (_FLUXES[upper] - _FLUXES[upper - 1])
    profile = (1.0 - share) * _LOG10_DENSITY[upper - 1] + share * _LOG10_DENSITY[upper]
    h_km = np.maximum(np.asarray(altitude, dtype=np.float64), 0.0) / 1e3
    log_rho = np.interp(h_km, _ALTITUDES_KM, profile)
    # Above the table: the last layer's scale height.
    top_slope = (profile[-1] - profile[-2]) / (_ALTITUDES_KM[-1] - _ALTITUDES_KM[-2])
    log_rho = np.where(
        h_km > _ALTITUDES_KM[-1], profile[-1] + top_slope * (h_km - _ALTITUDES_KM[-1]), log_rho
    )
    return np.asarray(10.0**log_rho)
