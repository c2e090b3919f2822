"""Dates and the Sun: ISO date parsing, Julian dates, sidereal time, a low-precision solar
ephemeris (the Astronomical Almanac's, as given by Vallado, algorithm 29: about 0.01 deg
from 1950 to 2050)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

from .constants import DAY
from .inputs import MissionInputError

FloatArray = npt.NDArray[np.float64]

#: Date used when a body names none (the J2000 epoch).
DEFAULT_EPOCH = datetime(2000, 1, 1, 12, 0, 0, tzinfo=UTC)
_J2000_JD = 2451545.0
_UNIX_EPOCH_JD = 2440587.5
#: Seconds of Greenwich mean sidereal time per Julian century: the linear term of the IAU-82
#: expression (Vallado eq. 3-47).
_SIDEREAL_SECONDS_PER_CENTURY = 876600.0 * 3600.0 + 8640184.812866
#: Earth rotation in sidereal time (rad/s): the rate of :func:`greenwich_sidereal_angle`, so
#: the Earth turns at the rate its angle grows (the expression's t^2 term moves the rate by
#: 1e-15 relative per century, nothing here).
SIDEREAL_RATE = _SIDEREAL_SECONDS_PER_CENTURY / (36525.0 * DAY) * (2.0 * math.pi) / DAY


def parse_datetime(value: object) -> datetime | None:
    """A timezone-aware UTC datetime from an ISO 8601 string (``Z`` or offset accepted;
    naive strings are taken as UTC); ``None`` when the value is not such a string."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_datetime(value: datetime) -> str:
    """ISO 8601 UTC with milliseconds and a ``Z``, as the service writes dates."""
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def shift(epoch: datetime, seconds: float) -> datetime:
    """The date ``seconds`` after ``epoch``; a MissionInputError past the year 9999."""
    try:
        return epoch + timedelta(seconds=float(seconds))
    except OverflowError:
        raise MissionInputError(
            f"the mission reaches past the year 9999 ({float(seconds):g} s after "
            f"{format_datetime(epoch)}): start it earlier or make it shorter"
        ) from None


def julian_date(epoch: datetime) -> float:
    """Julian date (UTC, leap seconds ignored) of ``epoch``."""
    return _UNIX_EPOCH_JD + epoch.timestamp() / DAY


def centuries_since_j2000(epoch: datetime, elapsed: FloatArray | float = 0.0) -> FloatArray:
    """Julian centuries from J2000 at ``epoch + elapsed`` seconds."""
    jd = julian_date(epoch) + np.asarray(elapsed, dtype=np.float64) / DAY
    return np.asarray((jd - _J2000_JD) / 36525.0, dtype=np.float64)


def greenwich_sidereal_angle(epoch: datetime, elapsed: FloatArray | float = 0.0) -> FloatArray:
    """Greenwich mean sidereal angle (rad), IAU-82 expression (Vallado eq. 3-47)."""
    t = centuries_since_j2000(epoch, elapsed)
    seconds = 67310.54841 + _SIDEREAL_SECONDS_PER_CENTURY * t + 0.093104 * t**2 - 6.2e-6 * t**3
    return np.asarray(np.mod(seconds / 240.0 * math.pi / 180.0, 2.0 * math.pi))


def sun_direction(
    epoch: datetime, elapsed: FloatArray | float = 0.0
) -> tuple[FloatArray, FloatArray]:
    """Unit vector(s) Earth -> Sun in the inertial (mean equator) frame, shape (..., 3), and
    the Earth-Sun distance (m). Vallado algorithm 29."""
    t = centuries_since_j2000(epoch, elapsed)
    mean_longitude = np.radians(280.460 + 36000.771 * t)
    mean_anomaly = np.radians(357.5291092 + 35999.05034 * t)
    ecliptic_longitude = (
        mean_longitude
        + np.radians(1.914666471) * np.sin(mean_anomaly)
        + np.radians(0.019994643) * np.sin(2.0 * mean_anomaly)
    )
    obliquity = np.radians(23.439291 - 0.0130042 * t)
    distance_au = (
        1.000140612 - 0.016708617 * np.cos(mean_anomaly) - 0.000139589 * np.cos(2.0 * mean_anomaly)
    )
    direction = np.stack(
        [
            np.cos(ecliptic_longitude),
            np.cos(obliquity) * np.sin(ecliptic_longitude),
            np.sin(obliquity) * np.sin(ecliptic_longitude),
        ],
        axis=-1,
    )
    return direction, np.asarray(distance_au * 1.495978707e11)


def sun_right_ascension(epoch: datetime, elapsed: FloatArray | float = 0.0) -> FloatArray:
    """Right ascension of the Sun (rad, in [0, 2 pi))."""
    direction, _ = sun_direction(epoch, elapsed)
    return np.asarray(np.mod(np.arctan2(direction[..., 1], direction[..., 0]), 2.0 * math.pi))
