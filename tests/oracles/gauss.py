"""An independent low-thrust oracle: Gauss' variational equations, orbit-averaged for a
near-circular orbit, integrated numerically (scipy's ``solve_ivp``) with thrust, J2 and
NRLMSISE-00 drag.

Nothing here comes from the fake's engine: its own constants (EGM2008's J2 and radius),
its own density (``pymsis`` along the orbit's track, :mod:`.msis`), its own steering and
its own integration. For a thrust acceleration ``f`` at yaw ``beta`` from the velocity
(the out-of-plane part switching sign at the antinodes) and the drag acceleration
``d = rho v^2 Cd A / (2 m)``, the orbit averages of Gauss' equations are (Vallado eq. 9-24,
averaged over the argument of latitude; ``<|cos u|> = 2 / pi``):

    da/dt    = 2 a / v (f cos beta - d)
    di/dt    = (2 / pi) f sin beta / v
    dRAAN/dt = -3/2 n J2 (Re / a)^2 cos i
    dm/dt    = -T / (Isp g0)

The yaw follows Edelbaum's optimal law, ``v sin(beta)`` constant, its first value found by
shooting (Brent) so that the inclination and the semi-major axis reach their targets
together: the same optimal control as the engine's closed form, found another way, with
the drag inside the dynamics rather than in a table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from .msis import orbit_mean_density

#: EGM2008 (Pavlis et al., 2012): GM, equatorial radius, J2 = -sqrt(5) C20.
MU = 3.986004415e14
RE = 6378136.3
J2 = -math.sqrt(5.0) * -4.84165143790815e-4
G0 = 9.80665


@dataclass(frozen=True)
class Craft:
    """What the oracle needs of a spacecraft: mean thrust (N), Isp (s), mass (kg), Cd A (m^2)."""

    mean_thrust: float
    isp: float
    mass: float
    drag_area: float = 0.0
    solar_flux: float = 150.0


@dataclass(frozen=True)
class Flight:
    """The end of a flown arc."""

    duration: float
    delta_v: float
    semi_major_axis: float
    inclination: float
    mass: float
    raan_drift: float


class Density:
    """NRLMSISE-00 orbit-mean density against altitude for one flux, log-interpolated on a
    5 km grid computed once."""

    def __init__(self, solar_flux: float, inclination_deg: float) -> None:
        self.altitudes = np.arange(100.0, 2000.0 + 1.0, 5.0)
        self.log_rho = np.log(
            [orbit_mean_density(float(h), solar_flux, inclination_deg) for h in self.altitudes]
        )

    def __call__(self, semi_major_axis: float) -> float:
        altitude = (semi_major_axis - RE) / 1e3
        if altitude > self.altitudes[-1]:
            return 0.0
        return float(np.exp(np.interp(altitude, self.altitudes, self.log_rho)))


_DENSITIES: dict[tuple[float, int], Density] = {}


def density_for(solar_flux: float, inclination: float) -> Density:
    key = (solar_flux, round(math.degrees(inclination) / 5.0))
    if key not in _DENSITIES:
        _DENSITIES[key] = Density(solar_flux, key[1] * 5.0)
    return _DENSITIES[key]


def node_rate(semi_major_axis: float, inclination: float) -> float:
    n = math.sqrt(MU / semi_major_axis**3)
    return -1.5 * n * J2 * (RE / semi_major_axis) ** 2 * math.cos(inclination)


def _fly(
    craft: Craft,
    a0: float,
    i0: float,
    target_a: float,
    yaw0: float,
    turn_sign: float,
    drag: bool,
    reference_rate: float,
    max_time: float,
) -> Flight | None:
    """Thrust from yaw ``yaw0`` along Edelbaum's optimal law until ``a`` reaches
    ``target_a`` (None when it never does within ``max_time``). The law ``v sin(beta)``
    constant, differentiated along the velocity delivered, is ``dbeta/dt = f sin(beta) / v``,
    smooth through 90 deg (a pure plane change turns the yaw past it)."""
    density = density_for(craft.solar_flux, i0) if drag and craft.drag_area > 0 else None
    flow = craft.mean_thrust / (craft.isp * G0)

    def rates(_: float, state: np.ndarray) -> list[float]:
        a, inc, mass, _raan, yaw = state
        v = math.sqrt(MU / a)
        f = craft.mean_thrust / mass
        d = 0.0 if density is None else 0.5 * density(a) * v**2 * craft.drag_area / mass
        return [
            2.0 * a / v * (f * math.cos(yaw) - d),
            turn_sign * (2.0 / math.pi) * f * math.sin(yaw) / v,
            -flow,
            node_rate(a, inc) - reference_rate,
            f * math.sin(yaw) / v,
        ]

    def arrived(_: float, state: np.ndarray) -> float:
        return float(state[0] - target_a)

    def reentered(_: float, state: np.ndarray) -> float:
        return state[0] - (RE + 100e3)

    arrived.terminal = True  # type: ignore[attr-defined]
    # Crossing the target the way the transfer goes (a plane change leaves it and returns).
    arrived.direction = 1.0 if target_a > a0 else -1.0  # type: ignore[attr-defined]
    reentered.terminal = True  # type: ignore[attr-defined]
    solution = solve_ivp(
        rates,
        (0.0, max_time),
        [a0, i0, craft.mass, 0.0, yaw0],
        events=(arrived, reentered),
        rtol=1e-10,
        atol=[1e-3, 1e-12, 1e-9, 1e-12, 1e-12],
        method="DOP853",
    )
    if solution.t_events[0].size == 0:
        return None
    a, inc, mass, raan, _ = solution.y[:, -1]
    return Flight(
        float(solution.t[-1]),
        craft.isp * G0 * math.log(craft.mass / mass),
        float(a),
        float(inc),
        float(mass),
        float(raan),
    )


def transfer(
    craft: Craft,
    a0: float,
    i0: float,
    target_a: float,
    target_i: float,
    drag: bool = False,
    reference_rate: float | None = None,
) -> Flight:
    """The optimal transfer from (a0, i0) to (target_a, target_i)."""
    rate = node_rate(a0, i0) if reference_rate is None else reference_rate
    v0, v1 = math.sqrt(MU / a0), math.sqrt(MU / target_a)
    turn = abs(target_i - i0)
    sign = 1.0 if target_i >= i0 else -1.0
    # Time enough for ten times the vacuum delta-v of the pure-speed change plus the turn.
    nominal = abs(v0 - v1) + v0 * turn
    max_time = 10.0 * nominal * craft.mass / craft.mean_thrust + 86400.0
    if turn < 1e-12:
        flight = _fly(
            craft, a0, i0, target_a, 0.0 if v1 < v0 else math.pi, sign, drag, rate, max_time
        )
        assert flight is not None, "the oracle never reached the target"
        return flight

    def miss(yaw0: float) -> float:
        flight = _fly(craft, a0, i0, target_a, yaw0, sign, drag, rate, max_time)
        # Never arriving: the yaw turned too much (too little along the velocity).
        return math.inf if flight is None else sign * (flight.inclination - target_i)

    # Bracket around the vacuum optimum's first yaw (Kechichian's triangle), then widen.
    half_turn = 0.5 * math.pi * turn
    guess = math.atan2(math.sin(half_turn), v0 / v1 - math.cos(half_turn))
    for width in (0.05, 0.2, 0.6, 1.5):
        low, high = max(guess - width, 1e-6), min(guess + width, math.pi - 1e-6)
        if miss(low) < 0 < miss(high):
            break
    yaw0 = brentq(lambda y: max(min(miss(y), 1.0), -1.0), low, high, xtol=1e-13, rtol=1e-13)
    flight = _fly(craft, a0, i0, target_a, yaw0, sign, drag, rate, max_time)
    assert flight is not None
    return flight


def drag_impulse(craft: Craft, semi_major_axis: float, inclination: float, seconds: float) -> float:
    """Delta-v (m/s) that holds a circular orbit against the drag for ``seconds``."""
    density = density_for(craft.solar_flux, inclination)(semi_major_axis)
    return 0.5 * density * (MU / semi_major_axis) * craft.drag_area / craft.mass * seconds


def coast(
    craft: Craft,
    a0: float,
    inclination: float,
    seconds: float,
    drag: bool,
    reference_rate: float,
) -> Flight:
    """No thrust for ``seconds``: the drag lowers the orbit, the node drifts."""
    density = density_for(craft.solar_flux, inclination) if drag and craft.drag_area > 0 else None

    def rates(_: float, state: np.ndarray) -> list[float]:
        a = state[0]
        decay = 0.0 if density is None else density(a) * craft.drag_area / craft.mass
        return [-decay * math.sqrt(MU * a), node_rate(a, inclination) - reference_rate]

    solution = solve_ivp(
        rates, (0.0, seconds), [a0, 0.0], rtol=1e-10, atol=[1e-3, 1e-12], method="DOP853"
    )
    a, raan = solution.y[:, -1]
    return Flight(seconds, 0.0, float(a), inclination, craft.mass, float(raan))
