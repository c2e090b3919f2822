"""The one ephemerides builder every mission type shares.

Rows hold one instant each; :data:`COLUMNS` fixes their layout for every mission type (the
positions of ``ELAPSED_TIME`` 0, ``KEPLERIAN_SEMI_MAJOR_AXIS`` 24, ``TOTAL_MASS`` 41 and
``RELATIVE_RAAN`` 56 are part of the contract with users' scripts). Angles in rad, lengths
in m, masses in kg, powers in W, energies in Wh; the inertial frame is the mean equator and
equinox of date (precession ignored), the Earth-fixed frame turns with the Greenwich mean
sidereal angle, altitudes are above the equatorial radius (spherical Earth).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from . import atmosphere
from .constants import DAY, EARTH_RADIUS, MU_EARTH
from .orbits import cartesian, eccentric_from_mean, j2_rates, true_from_eccentric
from .power import (
    array_incidence,
    battery_energy,
    eclipse_fractions,
    in_shadow,
    solar_array_power,
)
from .spacecraft import Spacecraft
from .timescale import FloatArray, greenwich_sidereal_angle, julian_date, sun_direction
from .trajectory import arc_index
from .transfer import Arc, CoastArc, DragModel

TWO_PI = 2.0 * math.pi

COLUMNS: tuple[str, ...] = (
    "ELAPSED_TIME",  # 0  s since the start of the mission chain
    "JULIAN_DATE",  # 1  days (UTC)
    "POSITION_X",  # 2  inertial, m
    "POSITION_Y",  # 3
    "POSITION_Z",  # 4
    "VELOCITY_X",  # 5  inertial, m/s
    "VELOCITY_Y",  # 6
    "VELOCITY_Z",  # 7
    "POSITION_ECEF_X",  # 8  Earth-fixed, m
    "POSITION_ECEF_Y",  # 9
    "POSITION_ECEF_Z",  # 10
    "LATITUDE",  # 11 geocentric, rad
    "LONGITUDE",  # 12 rad, (-pi, pi]
    "ALTITUDE",  # 13 m above the equatorial radius
    "RADIUS",  # 14 m
    "SPEED",  # 15 m/s
    "EQUINOCTIAL_A",  # 16 m
    "EQUINOCTIAL_EX",  # 17 e cos(w + RAAN)
    "EQUINOCTIAL_EY",  # 18 e sin(w + RAAN)
    "EQUINOCTIAL_HX",  # 19 tan(i/2) cos(RAAN)
    "EQUINOCTIAL_HY",  # 20 tan(i/2) sin(RAAN)
    "EQUINOCTIAL_LM",  # 21 mean longitude argument M + w + RAAN, rad in [0, 2 pi)
    "ORBITAL_PERIOD",  # 22 s
    "MEAN_MOTION",  # 23 rad/s
    "KEPLERIAN_SEMI_MAJOR_AXIS",  # 24 m
    "KEPLERIAN_ECCENTRICITY",  # 25
    "KEPLERIAN_INCLINATION",  # 26 rad
    "KEPLERIAN_RAAN",  # 27 rad in [0, 2 pi)
    "KEPLERIAN_PERIGEE_ARGUMENT",  # 28 rad in [0, 2 pi)
    "KEPLERIAN_MEAN_ANOMALY",  # 29 rad in [0, 2 pi)
    "KEPLERIAN_TRUE_ANOMALY",  # 30 rad in [0, 2 pi)
    "ARGUMENT_OF_LATITUDE",  # 31 true, rad in [0, 2 pi)
    "PERIGEE_ALTITUDE",  # 32 m
    "APOGEE_ALTITUDE",  # 33 m
    "MEAN_ALTITUDE",  # 34 a - Re, m
    "LTAN",  # 35 local time of the ascending node, s after midnight
    "BETA_ANGLE",  # 36 Sun elevation above the orbit plane, rad
    "ECLIPSE",  # 37 1 in the Earth's shadow, else 0
    "THRUST_ON",  # 38 1 while the thruster fires, else 0
    "THRUST",  # 39 N
    "PROPELLANT_MASS",  # 40 kg left
    "TOTAL_MASS",  # 41 kg
    "CONSUMED_PROPELLANT",  # 42 kg since the start of the chain
    "CUMULATED_DELTA_V",  # 43 m/s since the start of the chain
    "NUMBER_OF_BURNS",  # 44 since the start of the chain
    "ATMOSPHERIC_DENSITY",  # 45 kg/m^3
    "DRAG_ACCELERATION",  # 46 m/s^2
    "SOLAR_ARRAY_POWER",  # 47 W
    "POWER_CONSUMPTION",  # 48 W
    "NET_POWER",  # 49 W
    "BATTERY_ENERGY",  # 50 Wh
    "BATTERY_STATE_OF_CHARGE",  # 51 0..1
    "RAAN_DRIFT_RATE",  # 52 rad/s
    "REFERENCE_SEMI_MAJOR_AXIS",  # 53 m, the orbit that stayed put
    "REFERENCE_RAAN",  # 54 rad in [0, 2 pi)
    "RELATIVE_SEMI_MAJOR_AXIS",  # 55 m
    "RELATIVE_RAAN",  # 56 rad, unwrapped RAAN minus the reference's
    "RELATIVE_INCLINATION",  # 57 rad
    "SUN_RIGHT_ASCENSION",  # 58 rad
)
FIELD_INDEXES: dict[str, int] = {name: index for index, name in enumerate(COLUMNS)}
_C = FIELD_INDEXES
_GAUSS_NODES, _GAUSS_WEIGHTS = np.polynomial.legendre.leggauss(4)


@dataclass(frozen=True)
class Angles:
    """Angles that drift (rad, unwrapped) at one instant."""

    raan: float
    perigee_argument: float
    mean_anomaly: float
    relative_raan: float


@dataclass(frozen=True)
class Reference:
    """The orbit that stays put (no thrust, no drag) the relative columns compare to."""

    semi_major_axis: float
    eccentricity: float
    inclination: float
    #: Its RAAN at ``elapsed`` (rad).
    raan: float
    elapsed: float


@dataclass(frozen=True)
class Counters:
    """What the chain accumulated before this segment started."""

    delta_v: float = 0.0
    propellant_used: float = 0.0
    burns: int = 0
    battery_energy: float | None = None


@dataclass(frozen=True)
class Segment:
    """Everything the builder needs about one computed run."""

    arcs: Sequence[Arc]
    fresh: Sequence[bool]
    epoch: datetime  # date at elapsed time 0 of the chain
    start_angles: Angles
    reference: Reference
    counters: Counters
    spacecraft: Spacecraft
    drag: DragModel | None
    solar_flux: float
    with_j2: bool
    #: Attitude while the thruster fires and while it rests (see power.ATTITUDE_MODES).
    thrust_attitude: str = "PROGRADE"
    rest_attitude: str = "SUN_POINTING"


@dataclass(frozen=True)
class Table:
    """The rows and what the mission ends with."""

    rows: FloatArray
    end_angles: Angles
    end_burns: int
    end_battery_energy: float
    eclipse_share: float


#: The spacecraft of a body that never fires: the mass and power columns of its
#: ephemerides are placeholders.
_COASTING_CRAFT = Spacecraft(
    1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, False, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0
)


def coast_segment(
    epoch: datetime,
    duration: float,
    semi_major_axis: float,
    eccentricity: float,
    inclination: float,
    angles: Angles,
) -> Segment:
    """A body that coasts from ``epoch`` for ``duration`` s under J2 alone, never firing nor
    feeling drag (a satellite of a constellation, the target of a relative motion)."""
    arc = CoastArc(0.0, duration, semi_major_axis, eccentricity, inclination, 1.0, None)
    return Segment(
        [arc],
        [True],
        epoch,
        angles,
        Reference(semi_major_axis, eccentricity, inclination, angles.raan, 0.0),
        Counters(),
        _COASTING_CRAFT,
        None,
        atmosphere.REFERENCE_SOLAR_FLUX,
        True,
    )


def row_times(start: float, end: float, step: float) -> FloatArray:
    """The instants of the rows: ``start``, every multiple of ``step`` (counted from the chain
    start) after it, and ``end``."""
    first = math.floor(start / step) + 1
    last = math.ceil(end / step) - 1
    inner = np.arange(first, last + 1, dtype=np.float64) * step if last >= first else np.empty(0)
    times = np.concatenate([[start], inner, [end]]) if end > start else np.array([start])
    return np.asarray(times)


def row_count(start: float, end: float, step: float) -> int:
    """How many rows :func:`row_times` gives, without building them."""
    if end <= start:
        return 1
    return max(math.ceil(end / step) - 1 - (math.floor(start / step) + 1) + 1, 0) + 2


def _rates(
    segment: Segment, a: FloatArray, e: FloatArray, i: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    if segment.with_j2:
        return j2_rates(a, e, i)
    zero = np.zeros_like(a)
    return zero, zero, np.sqrt(MU_EARTH / a**3)


def _elements_at(arcs: Sequence[Arc], times: FloatArray) -> tuple[FloatArray, ...]:
    """a, e, i, mass, arc delta-v and arc index at sorted ``times``."""
    index = arc_index(arcs, times)
    out = [np.empty_like(times) for _ in range(5)]
    bounds = np.searchsorted(index, np.arange(len(arcs) + 1))
    for k, arc in enumerate(arcs):
        lo, hi = int(bounds[k]), int(bounds[k + 1])
        if lo == hi:
            continue
        elements = arc.elements(times[lo:hi])
        for column, values in zip(
            out,
            (
                elements.semi_major_axis,
                elements.eccentricity,
                elements.inclination,
                elements.mass,
                elements.delta_v,
            ),
            strict=True,
        ):
            column[lo:hi] = values
    return (*out, index)


def build(segment: Segment, times: FloatArray) -> Table:
    """Rows at ``times`` (sorted, first = start of the first arc, last = end of the last)."""
    arcs = segment.arcs
    boundaries = np.array([arc.start for arc in arcs] + [arcs[-1].end])
    breaks = np.unique(
        np.concatenate([times, boundaries[(boundaries >= times[0]) & (boundaries <= times[-1])]])
    )
    # Integrate the drifting angles over every interval with 4-point Gauss-Legendre.
    half = np.diff(breaks) / 2.0
    nodes = ((breaks[:-1] + half)[:, None] + half[:, None] * _GAUSS_NODES[None, :]).ravel()
    a_n, e_n, i_n, _, _, _ = _elements_at(arcs, nodes)
    raan_rate_n, perigee_rate_n, anomaly_rate_n = _rates(segment, a_n, e_n, i_n)
    ref = segment.reference
    ref_raan_rate = float(
        _rates(
            segment,
            np.array([ref.semi_major_axis]),
            np.array([ref.eccentricity]),
            np.array([ref.inclination]),
        )[0][0]
    )

    def integrate(rate: FloatArray, start: float) -> FloatArray:
        increments = half * np.sum(rate.reshape(-1, 4) * _GAUSS_WEIGHTS[None, :], axis=1)
        return np.concatenate([[start], start + np.cumsum(increments)])

    start = segment.start_angles
    raan_b = integrate(raan_rate_n, start.raan)
    perigee_b = integrate(perigee_rate_n, start.perigee_argument)
    anomaly_b = integrate(anomaly_rate_n, start.mean_anomaly)
    relative_b = integrate(raan_rate_n - ref_raan_rate, start.relative_raan)

    burns_b = _burn_counts(segment, breaks, (perigee_b + anomaly_b))
    pick = np.searchsorted(breaks, times)
    raan, perigee, anomaly, relative = (
        raan_b[pick],
        perigee_b[pick],
        anomaly_b[pick],
        relative_b[pick],
    )
    burns = burns_b[pick]
    a, e, i, mass, arc_dv, index = _elements_at(arcs, times)
    thrusting = np.array([arc.thrusting for arc in arcs])[index]

    rows = np.empty((times.size, len(COLUMNS)))
    rows[:, _C["ELAPSED_TIME"]] = times
    rows[:, _C["JULIAN_DATE"]] = julian_date(segment.epoch) + times / DAY
    position, velocity = cartesian(a, e, i, raan, perigee, anomaly)
    rows[:, _C["POSITION_X"] : _C["POSITION_Z"] + 1] = position
    rows[:, _C["VELOCITY_X"] : _C["VELOCITY_Z"] + 1] = velocity
    theta = greenwich_sidereal_angle(segment.epoch, times)
    cos_t, sin_t = np.cos(theta), np.sin(theta)
    x_ecef = cos_t * position[:, 0] + sin_t * position[:, 1]
    y_ecef = -sin_t * position[:, 0] + cos_t * position[:, 1]
    rows[:, _C["POSITION_ECEF_X"]] = x_ecef
    rows[:, _C["POSITION_ECEF_Y"]] = y_ecef
    rows[:, _C["POSITION_ECEF_Z"]] = position[:, 2]
    radius = np.linalg.norm(position, axis=1)
    rows[:, _C["LATITUDE"]] = np.arcsin(position[:, 2] / radius)
    rows[:, _C["LONGITUDE"]] = np.arctan2(y_ecef, x_ecef)
    rows[:, _C["ALTITUDE"]] = radius - EARTH_RADIUS
    rows[:, _C["RADIUS"]] = radius
    rows[:, _C["SPEED"]] = np.linalg.norm(velocity, axis=1)
    mean_anomaly = np.mod(anomaly, TWO_PI)
    eccentric = eccentric_from_mean(mean_anomaly, e)
    true_anomaly = np.mod(true_from_eccentric(eccentric, e), TWO_PI)
    tan_half_i = np.tan(i / 2.0)
    rows[:, _C["EQUINOCTIAL_A"]] = a
    rows[:, _C["EQUINOCTIAL_EX"]] = e * np.cos(perigee + raan)
    rows[:, _C["EQUINOCTIAL_EY"]] = e * np.sin(perigee + raan)
    rows[:, _C["EQUINOCTIAL_HX"]] = tan_half_i * np.cos(raan)
    rows[:, _C["EQUINOCTIAL_HY"]] = tan_half_i * np.sin(raan)
    rows[:, _C["EQUINOCTIAL_LM"]] = np.mod(anomaly + perigee + raan, TWO_PI)
    mean_motion = np.sqrt(MU_EARTH / a**3)
    rows[:, _C["ORBITAL_PERIOD"]] = TWO_PI / mean_motion
    rows[:, _C["MEAN_MOTION"]] = mean_motion
    rows[:, _C["KEPLERIAN_SEMI_MAJOR_AXIS"]] = a
    rows[:, _C["KEPLERIAN_ECCENTRICITY"]] = e
    rows[:, _C["KEPLERIAN_INCLINATION"]] = i
    rows[:, _C["KEPLERIAN_RAAN"]] = np.mod(raan, TWO_PI)
    rows[:, _C["KEPLERIAN_PERIGEE_ARGUMENT"]] = np.mod(perigee, TWO_PI)
    rows[:, _C["KEPLERIAN_MEAN_ANOMALY"]] = mean_anomaly
    rows[:, _C["KEPLERIAN_TRUE_ANOMALY"]] = true_anomaly
    rows[:, _C["ARGUMENT_OF_LATITUDE"]] = np.mod(true_anomaly + perigee, TWO_PI)
    rows[:, _C["PERIGEE_ALTITUDE"]] = a * (1.0 - e) - EARTH_RADIUS
    rows[:, _C["APOGEE_ALTITUDE"]] = a * (1.0 + e) - EARTH_RADIUS
    rows[:, _C["MEAN_ALTITUDE"]] = a - EARTH_RADIUS

    sun, sun_distance = sun_direction(segment.epoch, times)
    sun_ra = np.mod(np.arctan2(sun[:, 1], sun[:, 0]), TWO_PI)
    rows[:, _C["LTAN"]] = np.mod(raan - sun_ra + math.pi, TWO_PI) * DAY / TWO_PI
    normal = np.stack([np.sin(i) * np.sin(raan), -np.sin(i) * np.cos(raan), np.cos(i)], axis=1)
    rows[:, _C["BETA_ANGLE"]] = np.arcsin(np.clip(np.sum(normal * sun, axis=1), -1.0, 1.0))
    shadow = in_shadow(position, sun)
    rows[:, _C["ECLIPSE"]] = shadow

    craft = segment.spacecraft
    argument = np.mod(perigee + anomaly, TWO_PI)
    firing = thrusting & ((craft.duty_cycle >= 1.0) | (argument < TWO_PI * craft.duty_cycle))
    rows[:, _C["THRUST_ON"]] = firing
    rows[:, _C["THRUST"]] = np.where(firing, craft.thrust, 0.0)
    start_mass = _elements_at(arcs, np.array([arcs[0].start]))[3][0]
    burnt = start_mass - mass
    rows[:, _C["PROPELLANT_MASS"]] = craft.propellant_mass - burnt
    rows[:, _C["TOTAL_MASS"]] = mass
    rows[:, _C["CONSUMED_PROPELLANT"]] = segment.counters.propellant_used + burnt
    arc_dv_before = _arc_delta_v_before(arcs)
    rows[:, _C["CUMULATED_DELTA_V"]] = segment.counters.delta_v + arc_dv_before[index] + arc_dv
    rows[:, _C["NUMBER_OF_BURNS"]] = burns
    rho = atmosphere.density(a - EARTH_RADIUS, segment.solar_flux)
    rows[:, _C["ATMOSPHERIC_DENSITY"]] = rho
    drag_force = segment.drag.force(a) if segment.drag is not None else np.zeros_like(a)
    rows[:, _C["DRAG_ACCELERATION"]] = drag_force / mass

    incidence = np.where(
        firing,
        array_incidence(segment.thrust_attitude, craft.array_normal, position, velocity, sun),
        array_incidence(segment.rest_attitude, craft.array_normal, position, velocity, sun),
    )
    generated = solar_array_power(craft.array_peak_power, sun_distance, incidence * (1.0 - shadow))
    consumed = craft.platform_power + np.where(firing, craft.thruster_power, craft.standby_power)
    net = generated - consumed
    capacity = craft.battery_capacity_wh
    start_energy = (
        segment.counters.battery_energy
        if segment.counters.battery_energy is not None
        else craft.battery_initial_charge * capacity
    )
    energy = battery_energy(net, times, start_energy, capacity)
    rows[:, _C["SOLAR_ARRAY_POWER"]] = generated
    rows[:, _C["POWER_CONSUMPTION"]] = consumed
    rows[:, _C["NET_POWER"]] = net
    rows[:, _C["BATTERY_ENERGY"]] = energy
    rows[:, _C["BATTERY_STATE_OF_CHARGE"]] = energy / capacity if capacity > 0 else 0.0
    raan_rate = _rates(segment, a, e, i)[0]
    rows[:, _C["RAAN_DRIFT_RATE"]] = raan_rate
    reference_raan = ref.raan + ref_raan_rate * (times - ref.elapsed)
    rows[:, _C["REFERENCE_SEMI_MAJOR_AXIS"]] = ref.semi_major_axis
    rows[:, _C["REFERENCE_RAAN"]] = np.mod(reference_raan, TWO_PI)
    rows[:, _C["RELATIVE_SEMI_MAJOR_AXIS"]] = a - ref.semi_major_axis
    rows[:, _C["RELATIVE_RAAN"]] = relative
    rows[:, _C["RELATIVE_INCLINATION"]] = i - ref.inclination
    rows[:, _C["SUN_RIGHT_ASCENSION"]] = sun_ra

    total = float(times[-1] - times[0])
    eclipse_share = _eclipse_share(segment, breaks, raan_b) if total > 0 else float(shadow[0])
    return Table(
        rows=rows,
        end_angles=Angles(
            float(raan[-1]), float(perigee[-1]), float(anomaly[-1]), float(relative[-1])
        ),
        end_burns=int(burns[-1]),
        end_battery_energy=float(energy[-1]),
        eclipse_share=eclipse_share,
    )


#: Longest piece (s) over which the orbit-averaged shadow is integrated: the beta angle
#: moves by about a degree a day, so a quarter of a day holds it well.
_ECLIPSE_PIECE = DAY / 4.0
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]


def _eclipse_share(segment: Segment, breaks: FloatArray, raan_b: FloatArray) -> float:
    """Share of the run spent in the shadow: the orbit-averaged fraction of the cylindrical
    shadow (Vallado algorithm 34) at the beta angle of each instant, integrated over the run
    with Gauss-Legendre on pieces of at most six hours, whatever the ephemeris step."""
    start, end = float(breaks[0]), float(breaks[-1])
    pieces = max(math.ceil((end - start) / _ECLIPSE_PIECE), 1)
    edges = np.unique(np.concatenate([np.linspace(start, end, pieces + 1), breaks]))
    half = np.diff(edges) / 2.0
    nodes = ((edges[:-1] + half)[:, None] + half[:, None] * _GAUSS_NODES[None, :]).ravel()
    a, _, i, _, _, _ = _elements_at(segment.arcs, nodes)
    raan = np.interp(nodes, breaks, raan_b)
    sun, _ = sun_direction(segment.epoch, nodes)
    normal = np.stack([np.sin(i) * np.sin(raan), -np.sin(i) * np.cos(raan), np.cos(i)], axis=1)
    beta = np.arcsin(np.clip(np.sum(normal * sun, axis=1), -1.0, 1.0))
    fraction = eclipse_fractions(a, beta).reshape(-1, 4)
    shaded = float(np.sum(half * np.sum(fraction * _GAUSS_WEIGHTS[None, :], axis=1)))
    return shaded / (end - start)


def _arc_delta_v_before(arcs: Sequence[Arc]) -> FloatArray:
    """Velocity delivered by the arcs before each arc (m/s)."""
    ends = np.array([arc.end for arc in arcs])
    per_arc = np.array(
        [
            float(arc.elements(np.array([end])).delta_v[0])
            for arc, end in zip(arcs, ends, strict=True)
        ]
    )
    return np.concatenate([[0.0], np.cumsum(per_arc)[:-1]])


def _burn_counts(segment: Segment, breaks: FloatArray, argument: FloatArray) -> FloatArray:
    """Cumulative number of burns at each break.

    With a duty cycle below one, each orbit has one burn window, from the ascending node
    (mean argument of latitude 0) over ``dutyCycle`` of the orbit: a thrust arc counts the
    windows it overlaps, and at least one burn as soon as it has fired at all (the thrust is
    orbit-averaged, so even an arc shorter than the gap between two windows burns). A thrust
    arc resuming a burn begun before a pause does not count that burn again."""
    arcs = segment.arcs
    duty = segment.spacecraft.duty_cycle
    index = arc_index(arcs, breaks).astype(np.intp)
    at_start = np.searchsorted(breaks, [arc.start for arc in arcs])
    at_end = np.searchsorted(breaks, [arc.end for arc in arcs])
    thrusting = np.array([arc.thrusting for arc in arcs])
    fresh = np.array(segment.fresh, dtype=bool)
    turns_start = argument[at_start] / TWO_PI
    started_in_window = np.mod(turns_start, 1.0) < duty

    def burns_since_start(arc: IntArray, turns_now: FloatArray, fired: BoolArray) -> FloatArray:
        if duty >= 1.0:
            return np.where(fired & fresh[arc], 1.0, 0.0)
        # Windows j with turns_start - duty < j < turns_now.
        windows = np.maximum(np.ceil(turns_now) - 1.0 - np.floor(turns_start[arc] - duty), 0.0)
        windows = windows - np.where(~fresh[arc] & started_in_window[arc], 1.0, 0.0)
        least = np.where(fired & fresh[arc], 1.0, 0.0)
        return np.where(fired, np.maximum(windows, least), 0.0)

    arc_ids = np.arange(len(arcs))
    ended = np.array([arc.end > arc.start for arc in arcs])
    totals = np.where(thrusting, burns_since_start(arc_ids, argument[at_end] / TWO_PI, ended), 0.0)
    before = np.concatenate([[0.0], np.cumsum(totals)[:-1]])
    fired = breaks > np.array([arc.start for arc in arcs])[index]
    current = np.where(thrusting[index], burns_since_start(index, argument / TWO_PI, fired), 0.0)
    return np.asarray(segment.counters.burns + before[index] + current)
