"""Coverage and revisit by brute force: every satellite propagated with SGP4 (the ``sgp4``
package, Vallado et al., 2006, "Revisiting Spacetrack Report #3"), the ground points
checked for visibility every few seconds. Shares nothing with the fake's analytic
ground-track geometry.

A point is seen when the satellite is above its horizon and the point lies within the
payload's semi-view angle of nadir. Earth-fixed positions come from TEME by the Greenwich
mean sidereal time (polar motion and the equation of the equinoxes neglected: metres).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sgp4.api import WGS72, Satrec, SatrecArray, jday
from sgp4.propagation import gstime

RE_KM = 6378.137
MU_KM = 398600.4418


@dataclass(frozen=True)
class Statistics:
    coverage: float  # share of the time in view
    accesses: int
    mean_revisit: float  # s, mean gap between accesses; the whole duration if seen <= once


def walker(
    altitude_km: float,
    inclination: float,
    planes: int,
    per_plane: int,
    delta_raan: float,
    inter_plane_phasing: float,
    epoch: datetime,
) -> SatrecArray:
    """SGP4 records of a Walker pattern as the service defines it (docs/physics.md):
    plane p at ``p deltaRaan``, slot s at ``2 pi s / S + p interPlanePhasing``."""
    a = RE_KM + altitude_km
    mean_motion = math.sqrt(MU_KM / a**3) * 60.0  # rad/min
    jd, fr = jday(epoch.year, epoch.month, epoch.day, epoch.hour, epoch.minute, epoch.second)
    since_1949 = jd + fr - 2433281.5
    records = []
    for p in range(planes):
        for s in range(per_plane):
            record = Satrec()
            u = (2 * math.pi * s / per_plane + p * inter_plane_phasing) % (2 * math.pi)
            record.sgp4init(
                WGS72,
                "i",
                p * per_plane + s + 1,
                since_1949,
                0.0,
                0.0,
                0.0,
                1e-7,
                0.0,
                inclination,
                u,
                mean_motion,
                (p * delta_raan) % (2 * math.pi),
            )
            records.append(record)
    return SatrecArray(records)


def statistics(
    satellites: SatrecArray,
    epoch: datetime,
    seconds: float,
    step: float,
    latitudes: np.ndarray,
    longitudes: np.ndarray,
    semi_view_angle: float,
) -> list[Statistics]:
    """Coverage and revisit of each ground point (radians) over ``seconds``."""
    jd0, fr0 = jday(epoch.year, epoch.month, epoch.day, epoch.hour, epoch.minute, epoch.second)
    times = np.arange(0.0, seconds + step / 2, step)
    jd = np.full(times.size, jd0)
    fr = fr0 + times / 86400.0
    errors, positions, _ = satellites.sgp4(jd, fr)  # (S, T, 3) km, TEME
    assert not errors.any()
    theta = np.array([gstime(j + f) for j, f in zip(jd, fr, strict=True)])
    cos_t, sin_t = np.cos(theta), np.sin(theta)
    x = cos_t * positions[..., 0] + sin_t * positions[..., 1]
    y = -sin_t * positions[..., 0] + cos_t * positions[..., 1]
    sat = np.stack([x, y, positions[..., 2]], axis=-1)  # (S, T, 3) Earth-fixed
    ground = RE_KM * np.stack(
        [
            np.cos(latitudes) * np.cos(longitudes),
            np.cos(latitudes) * np.sin(longitudes),
            np.sin(latitudes),
        ],
        axis=-1,
    )  # (N, 3)
    out = []
    cos_view = math.cos(semi_view_angle)
    for point in ground:
        line = point[None, None, :] - sat  # satellite to point
        distance = np.linalg.norm(line, axis=-1)
        radius = np.linalg.norm(sat, axis=-1)
        off_nadir = np.sum(line * -sat, axis=-1) / (distance * radius)
        above = np.sum(-line * point, axis=-1) > 0.0  # the satellite above the horizon
        seen = np.any((off_nadir >= cos_view) & above, axis=0)  # (T,)
        out.append(_statistics(seen, times, seconds))
    return out


def _statistics(seen: np.ndarray, times: np.ndarray, seconds: float) -> Statistics:
    edges = np.diff(seen.astype(int))
    starts = list(times[1:][edges == 1])
    ends = list(times[1:][edges == -1])
    if seen[0]:
        starts.insert(0, times[0])
    if seen[-1]:
        ends.append(times[-1])
    gaps = [start - end for end, start in zip(ends[:-1], starts[1:], strict=True)]
    coverage = float(np.mean(seen[:-1])) if seen.size > 1 else float(seen[0])
    mean_revisit = float(np.mean(gaps)) if gaps else seconds
    return Statistics(coverage, len(starts), mean_revisit)
