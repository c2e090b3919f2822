"""Hand calculations the use-case scripts' figures are checked against.

Written from textbook formulas, with their sources, and from almanac values; nothing here
calls the fake server's engine, so a figure that agrees is one two independent routes give.

Sources:
- [V] Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed. (2013).
- [W] Wertz & Larson, *Space Mission Analysis and Design*, 3rd ed. (1999).
- [E] Edelbaum, "Propulsion requirements for controllable satellites", ARS Journal 31 (1961).
- [A] The Astronomical Almanac for the Year 2022, section C (the Sun), for 2022-01-01 12:00 UT.
- [M] Picone, Hedin, Drob and Aikin, "NRLMSISE-00 empirical model of the atmosphere",
  J. Geophys. Res. 107(A12) (2002), through ``tests/oracles/msis.py``.
"""

from __future__ import annotations

import math

from tests.oracles.msis import orbit_mean_density

MU = 3.986004418e14  # m^3/s^2, [V] table D-1
RE = 6378137.0  # m, [V] table D-1
J2 = 1.08262668e-3  # [V] table D-1
G0 = 9.80665  # m/s^2
SOLAR_YEAR_RATE = 2 * math.pi / (365.2421897 * 86400)  # rad/s, the node rate of an SSO
# [A]: the Sun on 2022-01-01 12:00 UT: declination -23 deg 00.7', distance 0.98333 AU.
SUN_DECLINATION_2022_01_01 = -math.radians(23 + 0.7 / 60)
SUN_DISTANCE_AU_2022_01_01 = 0.98333


def sso_inclination(semi_major_axis: float) -> float:
    """Sun-synchronous inclination of a circular orbit (rad): the J2 node rate
    -3/2 n J2 (Re/a)^2 cos i set to the Sun's mean motion ([V] eq. 9-43, [W] eq. 6-19)."""
    n = math.sqrt(MU / semi_major_axis**3)
    return math.acos(-SOLAR_YEAR_RATE / (1.5 * n * J2 * (RE / semi_major_axis) ** 2))


def node_rate(semi_major_axis: float, inclination: float) -> float:
    """J2 secular node rate of a circular orbit (rad/s), [V] eq. 9-41."""
    n = math.sqrt(MU / semi_major_axis**3)
    return -1.5 * n * J2 * (RE / semi_major_axis) ** 2 * math.cos(inclination)


def noon_midnight_beta(inclination: float, sun_declination: float) -> float:
    """Sun elevation above the plane of an orbit whose ascending node is at local noon (LTAN
    12:00, so the node's right ascension is the Sun's): the orbit normal is
    (sin i sin RA, -sin i cos RA, cos i) and the Sun (cos d cos RA, cos d sin RA, sin d), whose
    dot product reduces to cos i sin d."""
    return math.asin(math.cos(inclination) * math.sin(sun_declination))


def eclipse_fraction(radius: float, beta: float) -> float:
    """Share of a circular orbit in the Earth's cylindrical shadow, [W] eq. 5-5."""
    limit = math.sqrt(radius**2 - RE**2) / radius
    if math.cos(beta) <= limit:
        return 0.0
    return math.acos(limit / math.cos(beta)) / math.pi


def orbit_average_power(
    array_power: float,
    thruster_power: float,
    platform_power: float,
    altitude: float,
    sun_declination: float = SUN_DECLINATION_2022_01_01,
    sun_distance_au: float = SUN_DISTANCE_AU_2022_01_01,
) -> float:
    """The orbit-average power left for the thruster (W) of the published
    ``computeOAPWithMSD`` on a noon-midnight SSO, for arrays on the -Z face.

    Resting sun-pointed, the arrays give their full power whenever lit: P (1 - f_eclipse).
    Thrusting prograde with +Z to nadir, the -Z arrays face the zenith, whose angle to the
    Sun sweeps the whole orbit: the mean of max(0, cos beta cos u) over u is cos(beta)/pi,
    and the lit half is all in sunlight. Both scale with (1 AU / d)^2. Then the energy
    balance d P_thrust + (1 - d) P_rest = P_platform + d P_thr gives d P_thr.
    """
    a = RE + altitude
    beta = noon_midnight_beta(sso_inclination(a), sun_declination)
    scale = array_power / sun_distance_au**2
    rest = scale * (1.0 - eclipse_fraction(a, beta))
    thrust = scale * math.cos(beta) / math.pi
    return thruster_power * (rest - platform_power) / (thruster_power + rest - thrust)


def maximum_delta_v(isp: float, wet_mass: float, dry_mass: float) -> float:
    """Tsiolkovsky: Isp g0 ln(m0 / m1)."""
    return isp * G0 * math.log(wet_mass / dry_mass)


def altitude_gain(
    thrust: float, duty_cycle: float, isp: float, mass: float, altitude: float, seconds: float
) -> float:
    """Altitude gained (m) by a tangential low thrust spiral from a circular orbit: Edelbaum's
    coplanar case, delta-v = v0 - v ([E]), with the delta-v of a mean thrust T d over t from
    the rocket equation."""
    ve = isp * G0
    burnt = thrust * duty_cycle / ve * seconds
    delta_v = ve * math.log(mass / (mass - burnt))
    a0 = RE + altitude
    v = math.sqrt(MU / a0) - delta_v
    return MU / v**2 - a0


def edelbaum_delta_v(a0: float, a1: float, delta_inclination: float) -> float:
    """Edelbaum's delta-v between circular orbits with a plane change ([E]):
    sqrt(v0^2 + v1^2 - 2 v0 v1 cos(pi/2 di))."""
    v0, v1 = math.sqrt(MU / a0), math.sqrt(MU / a1)
    return math.sqrt(v0**2 + v1**2 - 2 * v0 * v1 * math.cos(math.pi / 2 * delta_inclination))


def propellant(mass: float, delta_v: float, isp: float) -> float:
    """Propellant (kg) a delta-v costs a spacecraft of initial ``mass`` (rocket equation)."""
    return mass * (1.0 - math.exp(-delta_v / (isp * G0)))


def period(semi_major_axis: float) -> float:
    return 2 * math.pi * math.sqrt(semi_major_axis**3 / MU)


def drag_delta_v(
    altitude: float,
    drag_coefficient: float,
    area: float,
    mass: float,
    seconds: float,
    inclination: float = math.radians(97.4),
    solar_flux: float = 150.0,
) -> float:
    """Delta-v (m/s) that cancels drag on a circular orbit for ``seconds``:
    the drag deceleration 1/2 rho v^2 Cd A / m ([V] eq. 8-30) times the time, with rho the
    NRLMSISE-00 density averaged along the orbit's track ([M], computed by ``pymsis``)."""
    rho = orbit_mean_density(altitude / 1e3, solar_flux, math.degrees(inclination))
    v2 = MU / (RE + altitude)
    return 0.5 * rho * v2 * drag_coefficient * area / mass * seconds
