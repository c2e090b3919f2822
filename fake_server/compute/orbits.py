"""Orbits: reading orbit bodies, J2 secular rates, the sun-synchronous condition, anomaly,
Cartesian and LTAN/RAAN conversions, and writing orbit bodies back.

Elements are *mean* elements under the J2 secular theory (Vallado section 9.6): the
semi-major axis, eccentricity and inclination stay put, the node, the perigee and the mean
anomaly drift at constant rates. ``meanOscType`` is kept but both kinds are read as mean.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from spacestudio_contract.wire import DISPLAYED_NAME

from . import inputs
from .constants import (
    DAY,
    EARTH_RADIUS,
    J2,
    MAX_ALTITUDE,
    MU_EARTH,
    SUN_MEAN_MOTION,
)
from .timescale import (
    DEFAULT_EPOCH,
    FloatArray,
    format_datetime,
    parse_datetime,
    sun_right_ascension,
)

TWO_PI = 2.0 * math.pi
_ORBIT_TYPES = ("Circular", "Elliptical")
_NODE_DEFINITIONS = ("LTAN", "RAAN")
_ANOMALY_TYPES = ("MEAN", "TRUE", "ECCENTRIC")


@dataclass(frozen=True)
class MeanOrbit:
    """Mean Keplerian elements at ``epoch`` (m, rad)."""

    semi_major_axis: float
    eccentricity: float
    inclination: float
    raan: float
    perigee_argument: float
    mean_anomaly: float
    epoch: datetime

    @property
    def altitude(self) -> float:
        """Mean altitude above the equatorial radius (m)."""
        return self.semi_major_axis - EARTH_RADIUS

    @property
    def perigee_altitude(self) -> float:
        return self.semi_major_axis * (1.0 - self.eccentricity) - EARTH_RADIUS

    @property
    def apogee_altitude(self) -> float:
        return self.semi_major_axis * (1.0 + self.eccentricity) - EARTH_RADIUS

    @property
    def period(self) -> float:
        return TWO_PI * math.sqrt(self.semi_major_axis**3 / MU_EARTH)


# --- J2 secular theory -------------------------------------------------------------------


def j2_rates(
    semi_major_axis: FloatArray | float,
    eccentricity: FloatArray | float,
    inclination: FloatArray | float,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Secular rates (rad/s) of the node, the perigee argument and the mean anomaly (mean
    motion included) under J2, Vallado eqs. 9-41 and 9-42."""
    a = np.asarray(semi_major_axis, dtype=np.float64)
    e = np.asarray(eccentricity, dtype=np.float64)
    i = np.asarray(inclination, dtype=np.float64)
    n = np.sqrt(MU_EARTH / a**3)
    eta2 = 1.0 - e**2
    factor = 1.5 * n * J2 * (EARTH_RADIUS / a) ** 2 / eta2**2
    cos_i = np.cos(i)
    raan_rate = -factor * cos_i
    perigee_rate = 0.5 * factor * (5.0 * cos_i**2 - 1.0)
    anomaly_rate = n + 0.5 * factor * np.sqrt(eta2) * (3.0 * cos_i**2 - 1.0)
    return raan_rate, perigee_rate, anomaly_rate


def sun_synchronous_inclination(semi_major_axis: float, eccentricity: float = 0.0) -> float:
    """Inclination (rad) whose J2 node drift follows the mean Sun (0.9856 deg/day).

    Raises :class:`~fake_server.compute.inputs.MissionInputError` above the altitude
    (about 5,970 km for circular orbits) where no inclination is fast enough."""
    n = math.sqrt(MU_EARTH / semi_major_axis**3)
    factor = 1.5 * n * J2 * (EARTH_RADIUS / semi_major_axis) ** 2 / (1.0 - eccentricity**2) ** 2
    cos_i = -SUN_MEAN_MOTION / factor
    if cos_i < -1.0:
        raise inputs.MissionInputError(
            f"no sun-synchronous orbit exists at {(semi_major_axis - EARTH_RADIUS) / 1e3:.0f} km"
            " altitude (J2 drift too slow above about 5,970 km): lower the orbit or set"
            " sunSynchronousOrbit to false"
        )
    return math.acos(cos_i)


# --- LTAN <-> RAAN ---------------------------------------------------------------------


def raan_from_ltan(ltan_seconds: float, epoch: datetime) -> float:
    """Right ascension of the ascending node (rad) whose local time is ``ltan_seconds`` after
    midnight at ``epoch``: the node sits (LTAN - 12 h) of hour angle east of the Sun."""
    sun_ra = float(sun_right_ascension(epoch))
    return (sun_ra + (ltan_seconds - DAY / 2.0) * TWO_PI / DAY) % TWO_PI


def ltan_from_raan(
    raan: FloatArray | float, epoch: datetime, elapsed: FloatArray | float = 0.0
) -> FloatArray:
    """Local time of the ascending node (s after midnight) at ``epoch + elapsed``."""
    sun_ra = sun_right_ascension(epoch, elapsed)
    hour_angle = np.mod(np.asarray(raan) - sun_ra + math.pi, TWO_PI)
    return np.asarray(hour_angle * DAY / TWO_PI)


# --- anomalies ------------------------------------------------------------------------


def eccentric_from_mean(mean_anomaly: FloatArray, eccentricity: FloatArray | float) -> FloatArray:
    """Solve Kepler's equation (vectorised Newton iterations, converged to 1e-13 rad)."""
    m = np.asarray(mean_anomaly, dtype=np.float64)
    e = np.broadcast_to(np.asarray(eccentricity, dtype=np.float64), m.shape)
    ecc = np.where(e < 0.8, m, math.pi + 0.0 * m)
    for _ in range(30):
        step = (ecc - e * np.sin(ecc) - m) / (1.0 - e * np.cos(ecc))
        ecc = ecc - step
        if float(np.max(np.abs(step), initial=0.0)) < 1e-13:
            break
    return np.asarray(ecc)


def true_from_eccentric(eccentric: FloatArray, eccentricity: FloatArray | float) -> FloatArray:
    e = np.asarray(eccentricity)
    return np.asarray(
        2.0
        * np.arctan2(
            np.sqrt(1.0 + e) * np.sin(eccentric / 2), np.sqrt(1.0 - e) * np.cos(eccentric / 2)
        )
    )


def cartesian(
    a: FloatArray,
    e: FloatArray,
    i: FloatArray,
    raan: FloatArray,
    perigee: FloatArray,
    anomaly: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Inertial position and velocity from Keplerian elements (Vallado algorithm 10)."""
    eccentric = eccentric_from_mean(np.mod(anomaly, TWO_PI), e)
    cos_e, sin_e = np.cos(eccentric), np.sin(eccentric)
    root = np.sqrt(1.0 - e**2)
    x_pf = a * (cos_e - e)
    y_pf = a * root * sin_e
    r = a * (1.0 - e * cos_e)
    factor = np.sqrt(MU_EARTH * a) / r
    vx_pf = -factor * sin_e
    vy_pf = factor * root * cos_e
    cos_o, sin_o = np.cos(raan), np.sin(raan)
    cos_w, sin_w = np.cos(perigee), np.sin(perigee)
    cos_i, sin_i = np.cos(i), np.sin(i)
    p = np.stack(
        [
            cos_o * cos_w - sin_o * sin_w * cos_i,
            sin_o * cos_w + cos_o * sin_w * cos_i,
            sin_w * sin_i,
        ],
        axis=1,
    )
    q = np.stack(
        [
            -cos_o * sin_w - sin_o * cos_w * cos_i,
            -sin_o * sin_w + cos_o * cos_w * cos_i,
            cos_w * sin_i,
        ],
        axis=1,
    )
    position = x_pf[:, None] * p + y_pf[:, None] * q
    velocity = vx_pf[:, None] * p + vy_pf[:, None] * q
    return position, velocity


def _mean_from_anomaly(anomaly: float, anomaly_type: str, eccentricity: float) -> float:
    if anomaly_type == "MEAN":
        return anomaly
    if anomaly_type == "ECCENTRIC":
        eccentric = anomaly
    else:
        eccentric = 2.0 * math.atan2(
            math.sqrt(1.0 - eccentricity) * math.sin(anomaly / 2),
            math.sqrt(1.0 + eccentricity) * math.cos(anomaly / 2),
        )
    return eccentric - eccentricity * math.sin(eccentric)


# --- reading and writing bodies ---------------------------------------------------------


def read_orbit(body: object, where: str = "orbit") -> MeanOrbit:
    """The mean orbit an orbit body describes (see docs/physics.md, "Orbit bodies")."""
    orbit = inputs.as_mapping(body, where)
    epoch = DEFAULT_EPOCH
    if orbit.get("orbitDateTime") is not None:
        parsed = parse_datetime(orbit.get("orbitDateTime"))
        if parsed is None:
            raise inputs.MissionInputError(
                f"{where}.orbitDateTime must be an ISO 8601 date such as"
                f" '2024-01-01T00:00:00Z', got {orbit.get('orbitDateTime')!r}"
            )
        epoch = parsed
    kind = inputs.text(orbit, "type", where, default="", choices=(*_ORBIT_TYPES, ""))
    semi_major_axis, eccentricity = _size_and_shape(orbit, where, kind)
    if semi_major_axis * (1.0 - eccentricity) - EARTH_RADIUS < 0.0:
        raise inputs.MissionInputError(
            f"{where}: the perigee lies below the Earth's surface"
            f" ({(semi_major_axis * (1 - eccentricity) - EARTH_RADIUS) / 1e3:.1f} km)"
        )
    if inputs.boolean(orbit, "sunSynchronousOrbit", where, default=False):
        inclination = sun_synchronous_inclination(semi_major_axis, eccentricity)
    else:
        inclination = inputs.number(
            orbit, "inclination", where, default=0.0, minimum=0.0, maximum=math.pi, unit="rad"
        )
    node_definition = inputs.text(
        orbit,
        "ascendingNodeDefinitionType",
        where,
        default="LTAN" if orbit.get("raan") is None and orbit.get("ltan") is not None else "RAAN",
        choices=_NODE_DEFINITIONS,
    )
    if node_definition == "LTAN":
        ltan = inputs.number(
            orbit, "ltan", where, default=DAY / 2.0, minimum=0.0, maximum=DAY, unit="s"
        )
        raan = raan_from_ltan(ltan, epoch)
    else:
        raan = inputs.number(orbit, "raan", where, default=0.0, unit="rad") % TWO_PI
    perigee_argument = inputs.number(orbit, "perigeeArgument", where, default=0.0, unit="rad")
    anomaly_type = inputs.text(orbit, "anomalyType", where, default="MEAN", choices=_ANOMALY_TYPES)
    anomaly = inputs.number(orbit, "anomaly", where, default=0.0, unit="rad")
    mean_anomaly = _mean_from_anomaly(anomaly, anomaly_type, eccentricity)
    return MeanOrbit(
        semi_major_axis,
        eccentricity,
        inclination,
        raan,
        perigee_argument % TWO_PI,
        mean_anomaly % TWO_PI,
        epoch,
    )


def _size_and_shape(orbit: Mapping[str, Any], where: str, kind: str) -> tuple[float, float]:
    altitude_bounds: dict[str, Any] = {
        "minimum": -EARTH_RADIUS,
        "maximum": MAX_ALTITUDE,
        "unit": "m",
    }
    has_apsides = (
        orbit.get("perigeeAltitude") is not None and orbit.get("apogeeAltitude") is not None
    )
    if kind == "Elliptical" or (kind == "" and has_apsides):
        if has_apsides:
            perigee = inputs.number(orbit, "perigeeAltitude", where, **altitude_bounds)
            apogee = inputs.number(orbit, "apogeeAltitude", where, **altitude_bounds)
            if apogee < perigee:
                raise inputs.MissionInputError(
                    f"{where}: apogeeAltitude ({apogee:g} m) is below"
                    f" perigeeAltitude ({perigee:g} m)"
                )
            semi_major_axis = EARTH_RADIUS + (perigee + apogee) / 2.0
            return semi_major_axis, (apogee - perigee) / (2.0 * semi_major_axis)
        if orbit.get("semiMajorAxis") is not None:
            return _semi_major_axis(orbit, where), inputs.number(
                orbit, "eccentricity", where, default=0.0, minimum=0.0, maximum=0.95
            )
        raise inputs.MissionInputError(
            f"{where}: an Elliptical orbit needs perigeeAltitude and apogeeAltitude (m)"
            " or semiMajorAxis and eccentricity"
        )
    if orbit.get("altitude") is not None:
        return EARTH_RADIUS + inputs.number(orbit, "altitude", where, **altitude_bounds), 0.0
    if orbit.get("semiMajorAxis") is not None:
        return _semi_major_axis(orbit, where), 0.0
    raise inputs.MissionInputError(f"{where}.altitude is missing: give the orbit altitude in m")


def _semi_major_axis(orbit: Mapping[str, Any], where: str) -> float:
    return inputs.number(
        orbit,
        "semiMajorAxis",
        where,
        minimum=EARTH_RADIUS,
        maximum=EARTH_RADIUS + MAX_ALTITUDE,
        unit="m",
    )


def orbit_body(
    orbit: MeanOrbit,
    name: str,
    *,
    template: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An orbit body (as scripts POST with ``create_orbit``) describing ``orbit``.

    Fields of ``template`` that are not orbital elements (user metadata) are kept. The node
    is given both as ``raan`` (authoritative, ``ascendingNodeDefinitionType`` "RAAN") and as
    the equivalent ``ltan``; ``sunSynchronousOrbit`` stays true only while the inclination
    still satisfies the condition at the new size (so re-reading the body never moves it)."""
    body: dict[str, Any] = dict(template or {})
    body.pop("id", None)
    body.pop(DISPLAYED_NAME, None)
    circular = orbit.eccentricity < 1e-9
    sso = False
    if template is not None and template.get("sunSynchronousOrbit") is True:
        try:
            sso_inclination = sun_synchronous_inclination(orbit.semi_major_axis, orbit.eccentricity)
            sso = abs(sso_inclination - orbit.inclination) < 1e-9
        except inputs.MissionInputError:
            sso = False
    true_anomaly = float(
        true_from_eccentric(
            eccentric_from_mean(np.array([orbit.mean_anomaly]), orbit.eccentricity),
            orbit.eccentricity,
        )[0]
    )
    body.update(
        {
            "name": name,
            "type": "Circular" if circular else "Elliptical",
            "sunSynchronousOrbit": sso,
            "altitude": orbit.altitude,
            "perigeeAltitude": orbit.perigee_altitude,
            "apogeeAltitude": orbit.apogee_altitude,
            "semiMajorAxis": orbit.semi_major_axis,
            "eccentricity": 0.0 if circular else orbit.eccentricity,
            "inclination": orbit.inclination,
            "ascendingNodeDefinitionType": "RAAN",
            "raan": orbit.raan % TWO_PI,
            "ltan": float(ltan_from_raan(orbit.raan, orbit.epoch)),
            "orbitDateTime": format_datetime(orbit.epoch),
            "meanOscType": (template or {}).get("meanOscType", "MEAN"),
            "perigeeArgument": orbit.perigee_argument % TWO_PI,
            "anomalyType": "MEAN",
            "anomaly": orbit.mean_anomaly % TWO_PI,
            "trueAnomaly": true_anomaly % TWO_PI,
            "period": orbit.period,
        }
    )
    return body


def complete_orbit(orbit: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``orbit`` with the derived fields it lacks filled in; never raises.

    Fills ``semiMajorAxis``, ``eccentricity``, ``period``, ``perigeeAltitude`` /
    ``apogeeAltitude`` (circular) or ``altitude`` (elliptical, mean altitude), ``raan`` from
    the LTAN at ``orbitDateTime``, ``ltan`` from the RAAN, and, when ``sunSynchronousOrbit``
    is true, the inclination the J2 sun-synchronous condition requires. Fields the user sent
    are kept (the inclination of a sun-synchronous orbit is the one exception: it follows
    from the condition). What cannot be derived is left out."""
    completed: dict[str, Any] = dict(orbit)
    try:
        mean = read_orbit(orbit)
    except (inputs.MissionInputError, OverflowError, ValueError, TypeError, ZeroDivisionError):
        return completed
    derived: dict[str, Any] = {
        "semiMajorAxis": mean.semi_major_axis,
        "eccentricity": mean.eccentricity,
        "period": mean.period,
        "altitude": mean.altitude,
        "perigeeAltitude": mean.perigee_altitude,
        "apogeeAltitude": mean.apogee_altitude,
        "inclination": mean.inclination,
        "raan": mean.raan,
        "ltan": float(ltan_from_raan(mean.raan, mean.epoch)),
    }
    if completed.get("type") is None:
        derived["type"] = "Circular" if mean.eccentricity < 1e-9 else "Elliptical"
    for key, value in derived.items():
        if completed.get(key) is None:
            completed[key] = value
    if orbit.get("sunSynchronousOrbit") is True:
        completed["inclination"] = mean.inclination
    return completed
