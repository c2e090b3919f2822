"""Thrust and coast arcs: Edelbaum low-thrust transfers, eccentricity changes, drag decay.

Thrust arcs are orbit-averaged: the thruster delivers ``thrust * dutyCycle`` continuously
(the duty cycle spread over every orbit), so the mass falls linearly and the velocity budget
follows the rocket equation ``dv = Isp g0 ln(m0 / m)``. When drag acts, thrust and drag
together move the orbit along its path: a raise pays for the drag, a descent rides it.

* Circle-to-circle with plane change: Edelbaum (1961), "Propulsion requirements for
  controllable satellites", ARS Journal 31(8); in the closed form of Kechichian (1997),
  J. Guidance 20(3): ``dv = sqrt(v0^2 - 2 v0 v1 cos(pi/2 di) + v1^2)``, constant yaw
  ``v sin(beta) = v0 sin(beta0)``.
* Eccentricity at constant semi-major axis: the optimal steering of Gauss' equation,
  ``de/dt = f/v sqrt(1 + 3 cos^2 nu)`` averaged over the orbit, i.e.
  ``dv = v |de| / 1.5422`` (Ruggiero et al., 2011, "Low-thrust maneuvers for the efficient
  correction of orbital elements").
* Drag decay of a near-circular orbit: ``da/dt = -sqrt(mu a) rho(a) Cd A / m``.

Every arc is parameterised by what is left to do (the velocity still to deliver along its
path), so an arc resumed from any of its own states follows the same path: pausing and
continuing a mission reproduces the uninterrupted run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np

from . import atmosphere
from .constants import EARTH_RADIUS, MU_EARTH
from .timescale import FloatArray

#: Orbit average of sqrt(1 + 3 cos^2 nu): the efficiency of optimal eccentricity steering.
ECCENTRICITY_STEERING_GAIN = float(
    np.mean(np.sqrt(1.0 + 3.0 * np.cos(np.linspace(0.0, 2.0 * math.pi, 4096, endpoint=False)) ** 2))
)
#: Altitude (m) at which a decaying orbit counts as re-entered.
REENTRY_ALTITUDE = 100e3
#: Above this altitude (m) drag is neglected (density below 1e-17 kg/m^3 at any flux).
DRAG_CEILING = 2500e3
_DECAY_NODE_SPACING = 500.0
_GAUSS_NODES, _GAUSS_WEIGHTS = np.polynomial.legendre.leggauss(4)


def circular_speed(semi_major_axis: FloatArray | float) -> FloatArray:
    return np.asarray(np.sqrt(MU_EARTH / np.asarray(semi_major_axis, dtype=np.float64)))


@dataclass(frozen=True)
class ArcElements:
    """Elements along an arc, one value per requested instant."""

    semi_major_axis: FloatArray
    eccentricity: FloatArray
    inclination: FloatArray
    mass: FloatArray
    #: Velocity delivered by the thruster since the start of the arc (m/s).
    delta_v: FloatArray


class Path(Protocol):
    """Shape of the orbit as a function of the velocity still to deliver along the path."""

    @property
    def total(self) -> float: ...

    def at(self, remaining: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]: ...

    def thrust_along_velocity(self, remaining: FloatArray) -> FloatArray: ...


@dataclass(frozen=True)
class EdelbaumPath:
    """Circle-to-circle transfer with plane change, from the current circular speed ``v0``
    and inclination ``i0`` to ``target_a`` / ``target_i`` (eccentricity carried along)."""

    v0: float
    i0: float
    eccentricity: float
    target_a: float
    target_i: float

    @property
    def _geometry(self) -> tuple[float, float, float]:
        v1 = math.sqrt(MU_EARTH / self.target_a)
        half_turn = 0.5 * math.pi * abs(self.target_i - self.i0)
        yaw0 = (
            math.atan2(math.sin(half_turn), self.v0 / v1 - math.cos(half_turn))
            if half_turn > 0
            else (0.0 if self.v0 >= v1 else math.pi)
        )
        total = math.sqrt(max(self.v0**2 - 2.0 * self.v0 * v1 * math.cos(half_turn) + v1**2, 0.0))
        return yaw0, total, v1

    @property
    def total(self) -> float:
        return self._geometry[1]

    def at(self, remaining: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        yaw0, total, _ = self._geometry
        # Beyond the start the closed form goes on along the same arc (a resumed arc's drag
        # table reaches a little past its start and must see the arc it came from).
        used = np.minimum(total - remaining, total)
        speed2 = self.v0**2 - 2.0 * self.v0 * used * math.cos(yaw0) + used**2
        semi_major_axis = MU_EARTH / speed2
        if math.sin(yaw0) < 1e-15:
            inclination = np.full_like(used, self.i0)
        else:
            turned = (2.0 / math.pi) * (
                np.arctan((used - self.v0 * math.cos(yaw0)) / (self.v0 * math.sin(yaw0)))
                + math.pi / 2.0
                - yaw0
            )
            inclination = self.i0 + math.copysign(1.0, self.target_i - self.i0) * turned
        # The last sliver lands exactly on the target (the closed form is exact only in theory).
        done = remaining <= 0.0
        semi_major_axis = np.where(done, self.target_a, semi_major_axis)
        inclination = np.where(done, self.target_i, inclination)
        return semi_major_axis, np.full_like(used, self.eccentricity), inclination

    def thrust_along_velocity(self, remaining: FloatArray) -> FloatArray:
        """Cosine of the yaw: +1 thrusting along the velocity (raising), -1 against it
        (lowering), in between while the plane turns. In Kechichian's triangle the speed
        still to lose is ``v0 cos(beta0) - x`` out of ``v(x)``."""
        yaw0, total, _ = self._geometry
        used = np.minimum(total - np.asarray(remaining, dtype=np.float64), total)
        along = self.v0 * math.cos(yaw0) - used
        speed = np.sqrt(np.maximum(along**2 + (self.v0 * math.sin(yaw0)) ** 2, 1e-300))
        return np.asarray(along / speed)


@dataclass(frozen=True)
class EccentricityPath:
    """Eccentricity change at constant semi-major axis and inclination."""

    semi_major_axis: float
    inclination: float
    e0: float
    target_e: float

    @property
    def total(self) -> float:
        speed = math.sqrt(MU_EARTH / self.semi_major_axis)
        return speed * abs(self.target_e - self.e0) / ECCENTRICITY_STEERING_GAIN

    def at(self, remaining: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        total = self.total
        share = np.maximum(remaining / total, 0.0) if total > 0 else np.zeros_like(remaining)
        eccentricity = self.target_e + (self.e0 - self.target_e) * share
        return (
            np.full_like(remaining, self.semi_major_axis),
            eccentricity,
            np.full_like(remaining, self.inclination),
        )

    def thrust_along_velocity(self, remaining: FloatArray) -> FloatArray:
        # The steering turns over the orbit; counted as fully opposed by the drag, the
        # conservative reading (the drag must be made up before the eccentricity moves).
        return np.ones_like(np.asarray(remaining, dtype=np.float64))


@dataclass(frozen=True)
class DragModel:
    """Drag of one spacecraft in one atmosphere: ``Cd A`` (m^2) and the F10.7 flux."""

    ballistic_factor: float
    solar_flux: float

    def force(self, semi_major_axis: FloatArray) -> FloatArray:
        """Drag force (N) on a circular orbit of this semi-major axis."""
        altitude = np.asarray(semi_major_axis) - EARTH_RADIUS
        rho = atmosphere.density(altitude, self.solar_flux)
        force = 0.5 * rho * (MU_EARTH / np.asarray(semi_major_axis)) * self.ballistic_factor
        return np.asarray(np.where(altitude > DRAG_CEILING, 0.0, force))


@lru_cache(maxsize=32)
def _decay_table(ballistic_factor: float, solar_flux: float) -> tuple[FloatArray, FloatArray]:
    """Nodes a_k (m) and Phi(a_k) = integral of da / (sqrt(mu a) rho(a) Cd A) from the
    re-entry altitude: the time a unit mass takes to decay between two altitudes."""
    model = DragModel(ballistic_factor, solar_flux)
    nodes = EARTH_RADIUS + np.arange(REENTRY_ALTITUDE, DRAG_CEILING + 1.0, _DECAY_NODE_SPACING)
    half = _DECAY_NODE_SPACING / 2.0
    mids = (nodes[:-1] + nodes[1:]) / 2.0
    points = mids[:, None] + half * _GAUSS_NODES[None, :]
    rate = 2.0 * np.sqrt(points**3 / MU_EARTH) * model.force(points)  # m * da/dt
    integral = half * np.sum(_GAUSS_WEIGHTS[None, :] / rate, axis=1)
    phi = np.concatenate([[0.0], np.cumsum(integral)])
    return nodes, phi


class Arc(Protocol):
    """One thrust or coast arc between two mission instants (elapsed seconds)."""

    @property
    def start(self) -> float: ...

    @property
    def end(self) -> float: ...

    @property
    def thrusting(self) -> bool: ...

    def elements(self, elapsed: FloatArray) -> ArcElements: ...


@dataclass(frozen=True)
class CoastArc:
    """No thrust; drag (when modelled) lowers the semi-major axis."""

    start: float
    end: float
    semi_major_axis: float
    eccentricity: float
    inclination: float
    mass: float
    drag: DragModel | None

    @property
    def thrusting(self) -> bool:
        return False

    def elements(self, elapsed: FloatArray) -> ArcElements:
        t = np.asarray(elapsed, dtype=np.float64)
        if self.drag is None:
            a = np.full_like(t, self.semi_major_axis)
        else:
            a = decayed(self.drag, self.semi_major_axis, (t - self.start) / self.mass)
        return ArcElements(
            a,
            np.full_like(t, self.eccentricity),
            np.full_like(t, self.inclination),
            np.full_like(t, self.mass),
            np.zeros_like(t),
        )


def _decay_applies(drag: DragModel | None, semi_major_axis: float) -> bool:
    return (
        drag is not None
        and drag.ballistic_factor > 0
        and semi_major_axis - EARTH_RADIUS < DRAG_CEILING
    )


def decayed(drag: DragModel, start_a: float, time_per_mass: FloatArray) -> FloatArray:
    """Semi-major axis after decaying ``time_per_mass`` (s/kg) from ``start_a``; values below
    the re-entry altitude come back as the re-entry radius."""
    if not _decay_applies(drag, start_a):
        return np.full_like(np.asarray(time_per_mass, dtype=np.float64), start_a)
    nodes, phi = _decay_table(drag.ballistic_factor, drag.solar_flux)
    level = float(np.interp(start_a, nodes, phi)) - np.asarray(time_per_mass)
    return np.asarray(np.interp(level, phi, nodes))


def decay_time(drag: DragModel | None, start_a: float, end_a: float, mass: float) -> float:
    """Seconds to decay from ``start_a`` to ``end_a`` (inf when drag cannot get there)."""
    if drag is None or not _decay_applies(drag, start_a):
        return math.inf
    nodes, phi = _decay_table(drag.ballistic_factor, drag.solar_flux)
    return mass * float(np.interp(start_a, nodes, phi) - np.interp(end_a, nodes, phi))


@dataclass(frozen=True)
class ThrustArc:
    """Orbit-averaged thrust along ``path`` from ``remaining_start`` (m/s left) down to zero."""

    start: float
    end: float
    path: EdelbaumPath | EccentricityPath
    remaining_start: float
    mass_start: float
    mean_thrust: float
    exhaust_velocity: float
    #: (remaining nodes, G nodes): G = integral of d(remaining) / (thrust - drag); None
    #: when drag is not modelled (then G = remaining / thrust exactly).
    drag_table: tuple[FloatArray, FloatArray] | None

    @property
    def thrusting(self) -> bool:
        return True

    @property
    def mass_flow(self) -> float:
        return self.mean_thrust / self.exhaust_velocity

    def remaining_after(self, delta_v: FloatArray) -> FloatArray:
        """What is left of the path once the thruster delivered ``delta_v`` on this arc."""
        if self.drag_table is None:
            return np.asarray(self.remaining_start - delta_v)
        nodes, g = self.drag_table
        level = (
            float(np.interp(self.remaining_start, nodes, g))
            - np.asarray(delta_v) / self.mean_thrust
        )
        return np.asarray(np.interp(level, g, nodes, left=-1.0))

    def delta_v_to_finish(self) -> float:
        """Velocity the thruster must deliver to finish the path (drag compensation included)."""
        if self.drag_table is None:
            return self.remaining_start
        nodes, g = self.drag_table
        return float(np.interp(self.remaining_start, nodes, g)) * self.mean_thrust

    def elements(self, elapsed: FloatArray) -> ArcElements:
        t = np.asarray(elapsed, dtype=np.float64)
        mass = self.mass_start - self.mass_flow * (t - self.start)
        delta_v = self.exhaust_velocity * np.log(self.mass_start / mass)
        a, e, i = self.path.at(np.maximum(self.remaining_after(delta_v), 0.0))
        return ArcElements(a, e, i, mass, delta_v)


def thrust_drag_table(
    path: EdelbaumPath | EccentricityPath,
    remaining_start: float,
    mean_thrust: float,
    drag: DragModel,
) -> tuple[FloatArray, FloatArray] | str:
    """The table G(remaining) of a thrust arc under drag, or a message when the thrust cannot
    overcome the drag somewhere on the path. Nodes are spaced 1 m/s from the end of the path,
    so a resumed arc uses the very same nodes.

    The path advances at the rate the thrust T and the drag D together give along it: with
    the path's direction at yaw beta from the velocity, ``T u - D v_hat = m s' (cos beta,
    sin beta)`` with ``|u| = 1`` gives ``m s' = -D cos beta + sqrt(T^2 - D^2 sin^2 beta)``:
    ``T - D`` for a raise, ``T + D`` for a descent (the drag lowers the orbit too)."""
    spacing = 1.0
    count = math.ceil(remaining_start / spacing) + 1
    nodes = np.arange(count + 1, dtype=np.float64) * spacing
    half = spacing / 2.0
    points = (nodes[:-1] + half)[:, None] + half * _GAUSS_NODES[None, :]
    a, _, _ = path.at(points.ravel())
    force = drag.force(a).reshape(points.shape)
    along = path.thrust_along_velocity(points.ravel()).reshape(points.shape)
    across2 = mean_thrust**2 - force**2 * np.maximum(1.0 - along**2, 0.0)
    margin = np.where(across2 > 0.0, -force * along + np.sqrt(np.maximum(across2, 0.0)), 0.0)
    if float(np.min(margin)) <= 0.0:
        worst = float(np.min(a)) - EARTH_RADIUS
        return (
            f"the mean thrust ({mean_thrust:.3g} N, thrust x dutyCycle) cannot overcome the drag"
            f" near {worst / 1e3:.0f} km altitude: raise the thrust or the duty cycle,"
            " or aim higher"
        )
    g = np.concatenate([[0.0], np.cumsum(half * np.sum(_GAUSS_WEIGHTS[None, :] / margin, axis=1))])
    return nodes, g
