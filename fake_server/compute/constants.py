"""Physical constants of the analytic models (SI units, angles in rad).

Earth values are those of WGS-84 / EGM-96 as tabulated by Vallado, *Fundamentals of
Astrodynamics and Applications*, 4th ed., table D-1.
"""

from __future__ import annotations

import math

#: Earth gravitational parameter (m^3/s^2).
MU_EARTH = 3.986004418e14
#: Earth equatorial radius (m).
EARTH_RADIUS = 6378137.0
#: Second zonal harmonic of the Earth potential (unnormalised).
J2 = 1.08262668e-3
#: Standard gravity, used with the specific impulse (m/s^2).
G0 = 9.80665
#: Mean motion of the Sun around the Earth: one tropical year (rad/s); the node drift a
#: sun-synchronous orbit must match (0.9856 deg/day).
SUN_MEAN_MOTION = 2.0 * math.pi / (365.2421897 * 86400.0)
#: Solar flux at 1 AU (W/m^2).
SOLAR_CONSTANT = 1361.0
#: Astronomical unit (m).
ASTRONOMICAL_UNIT = 1.495978707e11
#: Seconds in a day.
DAY = 86400.0
#: Lowest altitude a mission may aim for: below it the orbit decays within hours.
MIN_ALTITUDE = 150e3
#: Highest altitude the near-Earth models accept (beyond GEO the J2 / drag models mean little).
MAX_ALTITUDE = 100_000e3
#: The largest ephemerides table a run may produce (rows); more is refused, never computed.
#: Twice a 100-day run at a 120 s step, and 100 days at 60 s; the results are held as Python
#: lists and JSON text, about 2 KiB a row, so this keeps one computation under ~1 GiB.
MAX_EPHEMERIS_ROWS = 150_000
