"""When satellites on circular J2 orbits see ground points: access windows found
analytically, and the coverage, access and revisit statistics they give.

A satellite sees a point when the Earth central angle between the point and the
sub-satellite point is at most the swath's half-angle ``lambda``. In the frame of the
satellite's orbital plane (x toward the ascending node, z along the orbit normal) the point
is at ``(cos b cos a, cos b sin a, sin b)``: ``b`` its angular distance from the plane,
``a`` its angle along it. With the satellite at argument of latitude ``u``, the cosine of
the central angle is ``cos b cos(u - a)``, so a pass needs ``|b| <= lambda`` (the point is
in the plane's *band*) and ``|u - a| <= acos(cos lambda / cos b)``.

The point turns with the Earth relative to the plane's node at ``w = omega_earth -
dRAAN/dt``: with ``D`` its longitude from the node, ``sin b = sin(lat) cos i - cos(lat) sin i
sin D``, so the band holds at most two arcs of ``D``, solved in closed form, and repeats
every ``2 pi / w`` (about a day). Within a band window the satellites of the plane come by
once per revolution: ``u - a`` grows monotonically (``a`` drifts at most
``w (|cos i| + sin lambda) / cos^2 lambda``, far below the mean motion in low orbit), so
each pass is numbered by the revolution ``k`` with ``u - a = 2 pi k`` at its closest
approach. Each pass's closest approach and its bounds (``u - a = 2 pi k -+ lambda``, where
the satellite is surely out of view) come from Newton's method on ``u - a``; entry and exit
from a bracketed Newton search on the central-angle condition. The cost grows with the
number of passes, not with a sampling rate; a point is never missed between samples.

Sources: Wertz, *Space Mission Analysis and Design*, 3rd ed., sec. 5.2 and eqs. 5-17..5-19
(swath geometry); Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed.,
eqs. 9-41/9-42 (J2 secular rates) and eq. 3-47 (sidereal time). Grazing passes whose
closest approach is within numerical noise of the swath edge may be skipped.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .inputs import MissionInputError
from .timescale import SIDEREAL_RATE, FloatArray

TWO_PI = 2.0 * math.pi
IntArray = npt.NDArray[np.int64]
#: A satellite must lap the point at least this fraction of its mean motion for passes to
#: be numbered by revolution (true below about 10,000 km; geosynchronous orbits are not).
_SLOWEST_LAP = 0.25
#: Accesses closer than this (s) are one access: a pass cut where a band window was split.
_JOIN = 1e-6
#: Passes whose closest approach along the plane misses the swath by less than this (in
#: cosine of the central angle) are searched for the true, drifted closest approach.
_GRAZING = 1e-4
#: Root-finding tolerance on times (s).
_TIME_TOLERANCE = 1e-4
#: Satellite revolutions x points handled at once (bounds memory to a few hundred MB).
_CHUNK_REVOLUTIONS = 1_000_000


@dataclass(frozen=True)
class Planes:
    """Orbital planes (index p) and the satellites on them (index s), circular orbits,
    elements at the analysis start. Angles in rad, rates in rad/s."""

    inclination: FloatArray  # (P,)
    raan: FloatArray  # (P,)
    raan_rate: FloatArray  # (P,)
    latitude_argument_rate: FloatArray  # (P,) du/dt, argument of perigee drift included
    central_angle: FloatArray  # (P,) swath half-angle lambda of the plane's payloads
    satellite_plane: IntArray  # (S,) plane of each satellite
    latitude_argument: FloatArray  # (S,) u at the start


@dataclass(frozen=True)
class Accesses:
    """Access windows, sorted by point then start; overlapping passes are merged."""

    point: IntArray
    start: FloatArray
    end: FloatArray


def _wrap(angle: FloatArray) -> FloatArray:
    """Angle in [-pi, pi)."""
    return np.asarray(np.mod(angle + math.pi, TWO_PI) - math.pi)


def _expand(counts: IntArray) -> tuple[IntArray, IntArray]:
    """For items repeated ``counts`` times: the item of each copy and its rank within it."""
    owner = np.repeat(np.arange(counts.size), counts)
    first = np.cumsum(counts) - counts
    return owner, np.arange(owner.size) - first[owner]


def check_lapping(planes: Planes) -> None:
    """Refuse planes whose satellites lap the ground too slowly to number passes."""
    w = SIDEREAL_RATE - planes.raan_rate
    lam = planes.central_angle
    drift = np.abs(w) * (np.abs(np.cos(planes.inclination)) + np.sin(lam)) / np.cos(lam) ** 2
    slow = drift > (1.0 - _SLOWEST_LAP) * planes.latitude_argument_rate
    if np.any(slow):
        raise MissionInputError(
            "the coverage model numbers passes by revolution and needs satellites that lap the"
            " ground much faster than the Earth turns under them; these orbits are too high"
            " for their swath: lower the altitude (below about 10,000 km) or narrow the payload"
        )


def band_windows(
    planes: Planes,
    latitudes: FloatArray,
    longitudes: FloatArray,
    sidereal_angle: float,
    duration: float,
) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """(plane, point, start, end) of every interval of ``[0, duration]`` in which the point
    is within ``lambda`` of the plane (the only times its satellites may see it)."""
    inc = planes.inclination[:, None]
    sin_lam = np.sin(planes.central_angle)[:, None]
    w = (SIDEREAL_RATE - planes.raan_rate)[:, None]
    k = np.cos(latitudes)[None, :] * np.sin(inc)
    m = np.sin(latitudes)[None, :] * np.cos(inc)
    node_longitude = np.mod(longitudes[None, :] + sidereal_angle - planes.raan[:, None], TWO_PI)
    flat = k < 1e-12
    safe_k = np.where(flat, 1.0, k)
    a = (m - sin_lam) / safe_k
    b = (m + sin_lam) / safe_k
    always = np.where(flat, np.abs(m) <= sin_lam, (a <= -1.0) & (b >= 1.0))
    never = np.where(flat, np.abs(m) > sin_lam, (a > 1.0) | (b < -1.0))
    arc_a = np.arcsin(np.clip(a, -1.0, 1.0))
    arc_b = np.arcsin(np.clip(b, -1.0, 1.0))
    some = ~(always | never)
    upper_open = (b >= 1.0) & some  # one arc over the top: [A, pi - A]
    lower_open = (a <= -1.0) & some  # one arc under the bottom: [pi - B, 2 pi + B]
    two = ~(always | never | upper_open | lower_open)
    # Up to two arcs of the node longitude D per (plane, point), as [d1, d2].
    d1 = np.stack(
        [
            np.where(upper_open, arc_a, np.where(lower_open, math.pi - arc_b, arc_a)),
            math.pi - arc_b,
        ],
        axis=-1,
    )
    d2 = np.stack(
        [
            np.where(upper_open, math.pi - arc_a, np.where(lower_open, TWO_PI + arc_b, arc_b)),
            math.pi - arc_a,
        ],
        axis=-1,
    )
    used = np.stack([two | upper_open | lower_open, two], axis=-1)
    plane_index, point_index, arc_index = np.nonzero(used)
    d0 = node_longitude[plane_index, point_index]
    rate = w[plane_index, 0]
    lo = d1[plane_index, point_index, arc_index]
    hi = d2[plane_index, point_index, arc_index]
    # Turn m of the arc spans [(lo + 2 pi m - d0) / w, (hi + 2 pi m - d0) / w].
    first_turn = np.floor((d0 - hi) / TWO_PI).astype(np.int64) + 1
    last_turn = np.ceil((d0 - lo + rate * duration) / TWO_PI).astype(np.int64) - 1
    owner, rank = _expand(np.maximum(last_turn - first_turn + 1, 0))
    turn = first_turn[owner] + rank
    start = (lo[owner] + TWO_PI * turn - d0[owner]) / rate[owner]
    end = (hi[owner] + TWO_PI * turn - d0[owner]) / rate[owner]
    always_plane, always_point = np.nonzero(always)
    planes_out = np.concatenate([plane_index[owner], always_plane])
    points_out = np.concatenate([point_index[owner], always_point])
    starts = np.concatenate([np.clip(start, 0.0, duration), np.zeros(always_plane.size)])
    ends = np.concatenate([np.clip(end, 0.0, duration), np.full(always_plane.size, duration)])
    keep = ends > starts
    return planes_out[keep], points_out[keep], starts[keep], ends[keep]


class _PlaneGeometry:
    """The point's position in its plane's frame at given times, for a set of
    (plane, point) pairs: everything the pass search evaluates."""

    def __init__(
        self,
        planes: Planes,
        plane: IntArray,
        latitude: FloatArray,
        longitude: FloatArray,
        sidereal_angle: float,
    ) -> None:
        self.w = SIDEREAL_RATE - planes.raan_rate[plane]
        self.d0 = np.mod(longitude + sidereal_angle - planes.raan[plane], TWO_PI)
        self.cos_lat, self.sin_lat = np.cos(latitude), np.sin(latitude)
        inc = planes.inclination[plane]
        self.cos_i, self.sin_i = np.cos(inc), np.sin(inc)
        self.u_rate = planes.latitude_argument_rate[plane]
        self.cos_lam = np.cos(planes.central_angle[plane])

    def take(self, index: IntArray) -> _PlaneGeometry:
        taken = object.__new__(_PlaneGeometry)
        for name, value in vars(self).items():
            setattr(taken, name, value[index])
        return taken

    def position(self, t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """x, y (in-plane components), sin D and cos D at times ``t``."""
        d = self.d0 + self.w * t
        sin_d, cos_d = np.sin(d), np.cos(d)
        x = self.cos_lat * cos_d
        y = self.cos_lat * sin_d * self.cos_i + self.sin_lat * self.sin_i
        return x, y, sin_d, cos_d

    def along_plane(self, t: FloatArray) -> tuple[FloatArray, FloatArray]:
        """The point's angle a along the plane (wrapped) and its rate da/dt."""
        x, y, sin_d, _ = self.position(t)
        z = self.sin_lat * self.cos_i - self.cos_lat * self.sin_i * sin_d
        cos_b2 = np.maximum(x * x + y * y, 1e-300)
        rate = self.w * (self.cos_i - z * self.sin_lat) / cos_b2
        return np.arctan2(y, x), rate

    def sight(
        self, t: FloatArray, u0: FloatArray, with_rate: bool = True
    ) -> tuple[FloatArray, FloatArray]:
        """g = cos(central angle) - cos(lambda) for satellites at ``u0 + du/dt t``, and dg/dt."""
        x, y, sin_d, cos_d = self.position(t)
        u = u0 + self.u_rate * t
        cos_u, sin_u = np.cos(u), np.sin(u)
        g = x * cos_u + y * sin_u - self.cos_lam
        if not with_rate:
            return g, g
        dx = -self.w * self.cos_lat * sin_d
        dy = self.w * self.cos_lat * cos_d * self.cos_i
        dg = dx * cos_u + dy * sin_u + self.u_rate * (y * cos_u - x * sin_u)
        return g, dg


def _solve_bracketed(
    function: Callable[[IntArray, FloatArray], tuple[FloatArray, FloatArray]],
    outside: FloatArray,
    inside: FloatArray,
    guess: FloatArray,
) -> FloatArray:
    """Roots of ``function`` (value, derivative) between ``outside`` (value <= 0) and
    ``inside`` (value > 0): Newton's method from ``guess``, bisecting when a step leaves
    the bracket."""
    lo, hi = outside.copy(), inside.copy()
    low, high = np.minimum(lo, hi), np.maximum(lo, hi)
    t = np.where((guess > low) & (guess < high), guess, 0.5 * (lo + hi))
    active = np.arange(t.size)
    for _ in range(60):
        if active.size == 0:
            break
        value, slope = function(active, t[active])
        positive = value > 0
        hi[active] = np.where(positive, t[active], hi[active])
        lo[active] = np.where(positive, lo[active], t[active])
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(slope != 0.0, value / slope, np.inf)
        proposal = t[active] - step
        low, high = np.minimum(lo[active], hi[active]), np.maximum(lo[active], hi[active])
        inside_bracket = (proposal > low) & (proposal < high)
        proposal = np.where(inside_bracket, proposal, 0.5 * (low + high))
        done = (np.abs(proposal - t[active]) < _TIME_TOLERANCE) | (high - low < _TIME_TOLERANCE)
        t[active] = proposal
        active = active[~done]
    return t


def _pass_windows(
    planes: Planes,
    latitudes: FloatArray,
    longitudes: FloatArray,
    sidereal_angle: float,
    duration: float,
) -> tuple[IntArray, FloatArray, FloatArray]:
    """(point, start, end) of every pass of every satellite over every point (unmerged)."""
    plane, point, start, end = band_windows(planes, latitudes, longitudes, sidereal_angle, duration)
    # Split long band windows so that the point's angle along the plane turns by less than
    # pi / 2 within each: it is then unwrapped exactly against its linear trend.
    w = np.abs(SIDEREAL_RATE - planes.raan_rate)
    lam = planes.central_angle
    drift = w * (np.abs(np.cos(planes.inclination)) + np.sin(lam)) / np.cos(lam) ** 2
    longest = (math.pi / 2.0) / np.maximum(drift, 1e-30)
    pieces = np.maximum(np.ceil((end - start) / longest[plane]).astype(np.int64), 1)
    owner, rank = _expand(pieces)
    length = (end - start)[owner] / pieces[owner]
    start = start[owner] + rank * length
    end = start + length
    plane, point = plane[owner], point[owner]

    geometry = _PlaneGeometry(planes, plane, latitudes[point], longitudes[point], sidereal_angle)
    angle_a, _ = geometry.along_plane(start)
    angle_b, _ = geometry.along_plane(end)
    angle_b = angle_a + _wrap(angle_b - angle_a)
    u_rate = geometry.u_rate
    chi_a = u_rate * start - angle_a  # chi = u - u0 - a: grows monotonically
    chi_b = u_rate * end - angle_b

    # Every satellite of the window's plane, then every revolution that may come within
    # lambda: u0 + chi = 2 pi k at its closest approach.
    sats_per_plane = np.bincount(planes.satellite_plane, minlength=planes.inclination.size)
    order = np.argsort(planes.satellite_plane, kind="stable")
    first_sat = np.cumsum(sats_per_plane) - sats_per_plane
    window, rank = _expand(sats_per_plane[plane])
    satellite = order[first_sat[plane[window]] + rank]
    u0 = planes.latitude_argument[satellite]
    lam_w = planes.central_angle[plane[window]]
    k_first = np.ceil((chi_a[window] + u0 - lam_w) / TWO_PI).astype(np.int64)
    k_last = np.floor((chi_b[window] + u0 + lam_w) / TWO_PI).astype(np.int64)
    pass_owner, rank = _expand(np.maximum(k_last - k_first + 1, 0))
    revolution = k_first[pass_owner] + rank
    window = window[pass_owner]
    u0 = u0[pass_owner]
    lam = lam_w[pass_owner]
    target = TWO_PI * revolution - u0

    index = window
    sub = geometry.take(index)
    t_a, t_b = start[index], end[index]
    a_a, a_b = angle_a[index], angle_b[index]
    c_a, c_b = chi_a[index], chi_b[index]
    # Closest approach and the times u - a is lambda before and after it (out of view).
    targets = np.concatenate([target - lam, target, target + lam])
    triple = np.tile(np.arange(index.size), 3)
    tri = sub.take(triple)
    ta3, tb3 = np.tile(t_a, 3), np.tile(t_b, 3)
    aa3, ab3 = np.tile(a_a, 3), np.tile(a_b, 3)
    ca3, cb3 = np.tile(c_a, 3), np.tile(c_b, 3)
    span = np.maximum(tb3 - ta3, 1e-12)
    t = np.clip(ta3 + (targets - ca3) / np.maximum(cb3 - ca3, 1e-30) * span, ta3, tb3)
    for _ in range(6):
        trend = aa3 + (ab3 - aa3) * (t - ta3) / span
        along, along_rate = tri.along_plane(t)
        along = trend + _wrap(along - trend)
        residual = tri.u_rate * t - along - targets
        step = residual / (tri.u_rate - along_rate)
        t = np.clip(t - step, ta3, tb3)
        if np.max(np.abs(step), initial=0.0) < _TIME_TOLERANCE:
            break
    before, closest, after = np.split(t, 3)
    g_closest, _ = sub.sight(closest, u0, with_rate=False)
    picked = np.flatnonzero(g_closest > -_GRAZING)
    near = sub.take(picked)
    u0_seen = u0[picked]
    closest, before, after = closest[picked], before[picked], after[picked]
    # u - a = 2 pi k is the closest approach along the plane; the point's drift across
    # it moves the true one by seconds, which matters to grazing passes: Newton steps
    # on dg/dt = 0 with the curvature of the along-plane motion.
    for _ in range(2):
        g_closest, slope = near.sight(closest, u0_seen)
        _, along_rate = near.along_plane(closest)
        curvature = -((near.u_rate - along_rate) ** 2) * (g_closest + near.cos_lam)
        closest = np.clip(closest - slope / curvature, before, after)
    g_closest, _ = near.sight(closest, u0_seen, with_rate=False)
    seen = g_closest > 0.0
    picked, near, u0_seen = picked[seen], near.take(np.flatnonzero(seen)), u0_seen[seen]
    closest, before, after = closest[seen], before[seen], after[seen]
    g_before, _ = near.sight(before, u0_seen, with_rate=False)
    g_after, _ = near.sight(after, u0_seen, with_rate=False)

    def sight_of(chosen: IntArray) -> Callable[[IntArray, FloatArray], Any]:
        def sight(which: IntArray, t: FloatArray) -> Any:
            return near.take(chosen[which]).sight(t, u0_seen[chosen[which]])

        return sight

    # First guesses: the half-width acos(cos lambda / cos b) of the pass along the plane,
    # flown at the relative rate of u - a.
    x, y, _, _ = near.position(closest)
    _, along_rate = near.along_plane(closest)
    half = np.arccos(np.clip(near.cos_lam / np.sqrt(x * x + y * y), -1.0, 1.0))
    half_time = half / (near.u_rate - along_rate)
    entry = np.where(g_before > 0.0, before, closest)
    exit_ = np.where(g_after > 0.0, after, closest)
    rising = np.flatnonzero(g_before <= 0.0)
    entry[rising] = _solve_bracketed(
        sight_of(rising), before[rising], closest[rising], (closest - half_time)[rising]
    )
    setting = np.flatnonzero(g_after <= 0.0)
    exit_[setting] = _solve_bracketed(
        sight_of(setting), after[setting], closest[setting], (closest + half_time)[setting]
    )
    return point[index[picked]], entry, exit_


def merge(point: IntArray, start: FloatArray, end: FloatArray, duration: float) -> Accesses:
    """Merge the windows of each point into accesses (any satellite in view)."""
    order = np.lexsort((start, point))
    point, start, end = point[order], start[order], end[order]
    if point.size == 0:
        return Accesses(point, start, end)
    # A running maximum of the ends, kept within each point by offsetting points apart.
    offset = point * (2.0 * duration + 10.0)
    reach = np.maximum.accumulate(end + offset)
    begins = np.ones(point.size, dtype=bool)
    begins[1:] = (point[1:] != point[:-1]) | (start[1:] + offset[1:] > reach[:-1] + _JOIN)
    first = np.flatnonzero(begins)
    last = np.append(first[1:] - 1, point.size - 1)
    return Accesses(point[first], start[first], reach[last] - offset[last])


def point_statistics(
    planes: Planes,
    latitudes: FloatArray,
    longitudes: FloatArray,
    sidereal_angle: float,
    duration: float,
) -> list[dict[str, Any]]:
    """The :func:`statistics` of each point (lat, lon in rad, Earth-fixed) over
    ``[0, duration]`` s, for the satellites of ``planes`` (Earth at ``sidereal_angle`` at
    the start). Points are taken in chunks, so memory stays bounded whatever their number."""
    check_lapping(planes)
    revolutions = float(np.max(planes.latitude_argument_rate)) * duration / TWO_PI + 2.0
    chunk = max(1, int(_CHUNK_REVOLUTIONS / (revolutions * max(planes.satellite_plane.size, 1))))
    stats: list[dict[str, Any]] = []
    for lo in range(0, latitudes.size, chunk):
        part = slice(lo, lo + chunk)
        point, start, end = _pass_windows(
            planes, latitudes[part], longitudes[part], sidereal_angle, duration
        )
        found = merge(point, start, end, duration)
        stats.extend(statistics(found, latitudes[part].size, duration))
    return stats


def statistics(found: Accesses, point_count: int, duration: float) -> list[dict[str, Any]]:
    """Per point: ``REVISIT_TIME`` (gaps between the end of one access and the start of the
    next: average, max, min, s), ``COVERAGE`` (share of the duration in view),
    ``NUMBER_OF_ACCESSES`` and ``ACCESS_DURATION`` (average, max, min, s). A point with fewer
    than two accesses is not revisited within the analysis: its revisit is the whole
    ``duration``; a point never seen has access durations of 0."""
    point, start, end = found.point, found.start, found.end
    count = np.bincount(point, minlength=point_count)
    length = end - start
    total = np.bincount(point, weights=length, minlength=point_count)
    same = point[1:] == point[:-1]
    gap_point = point[1:][same]
    gaps = (start[1:] - end[:-1])[same]
    gap_count = np.bincount(gap_point, minlength=point_count)
    gap_total = np.bincount(gap_point, weights=gaps, minlength=point_count)

    def extreme(values: FloatArray, owner: IntArray, reducer: Any, empty: float) -> FloatArray:
        result = np.full(point_count, empty)
        if values.size:
            bounds = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
            result[owner[bounds]] = reducer.reduceat(values, bounds)
        return result

    gap_max = extreme(gaps, gap_point, np.maximum, duration)
    gap_min = extreme(gaps, gap_point, np.minimum, duration)
    length_max = extreme(length, point, np.maximum, 0.0)
    length_min = extreme(length, point, np.minimum, 0.0)
    stats: list[dict[str, Any]] = []
    for p in range(point_count):
        gaps_here = int(gap_count[p])
        average_gap = float(gap_total[p] / gaps_here) if gaps_here else duration
        accesses_here = int(count[p])
        stats.append(
            {
                "REVISIT_TIME": {
                    "average": average_gap,
                    "max": float(gap_max[p]),
                    "min": float(gap_min[p]),
                },
                "COVERAGE": {"average": float(total[p] / duration)},
                "NUMBER_OF_ACCESSES": {"average": float(accesses_here)},
                "ACCESS_DURATION": {
                    "average": float(total[p] / accesses_here) if accesses_here else 0.0,
                    "max": float(length_max[p]),
                    "min": float(length_min[p]),
                },
            }
        )
    return stats
