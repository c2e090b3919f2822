"""The spacecraft as the models see it: masses, thruster, drag, solar arrays, battery.

Fields read (all SI; defaults apply when a field is absent or null):

spacecraft: ``platformMass`` (kg, required), ``platformPower`` (W drawn by the platform, 0),
``dutyCycle`` (the largest share of each orbit the thruster may fire, 1),
``onBoardAveragePower`` (W, the orbit-average power left for the thruster; it caps the share
at ``onBoardAveragePower / thruster.power``), ``dragModelDefined`` (true), ``dragCoefficient``
(2.2), ``thruster``, ``spacecraftGeometry``, ``batteryDefinition``. The thruster fires
``min(dutyCycle, onBoardAveragePower / power)`` of each orbit: the published
``Pause-capability-in-simulation-missions.py`` changes only ``onBoardAveragePower`` between
paused parts to change the duty cycle, and its plot reads ``OAP / power`` as the duty cycle.

thruster: ``thrust`` (N, required), ``isp`` (s, required), ``power`` (W, 0), ``standbyPower``
(W, 0), ``warmUpDuration`` (s, 0), ``warmUpPower`` (W, 0), ``propellantMass`` (kg, required),
``totalMass`` (kg, dry thruster + propellant; the propellant mass when absent).

spacecraftGeometry: a ``BOX`` of ``x``, ``y``, ``z`` (m) whose face across the thruster axis
(``thrusterAxisInSatelliteFrameX/Y/Z``, default +X; the attitude keeps it along the velocity)
meets the flow; or ``crossSectionArea`` (m^2, also ``dragArea``/``frontalArea``; default 0.1
without a box). Solar array: ``solarArrayMaximumPower`` (W at 1 AU and normal incidence,
``solarArrayDefinitionType`` MAXIMUM_POWER) or ``solarArrayArea`` (m^2, 0.5) times
``solarArrayEfficiency`` (0.28) times the solar constant; its normal
``solarArrayNormalInSatelliteFrameX/Y/Z`` (default -Z) sets how the Sun lights it in each
attitude (see :mod:`.power`).

batteryDefinition: ``nominalCapacity`` (Wh; also ``capacity``/``capacityWh``, 100),
``initialStateOfCharge`` (0..1, 1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spacestudio_contract.wire import DISPLAYED_NAME

from . import inputs
from .constants import G0, SOLAR_CONSTANT

DEFAULT_DRAG_COEFFICIENT = 2.2
DEFAULT_CROSS_SECTION = 0.1
DEFAULT_SOLAR_ARRAY_AREA = 0.5
DEFAULT_SOLAR_ARRAY_EFFICIENCY = 0.28
DEFAULT_BATTERY_CAPACITY_WH = 100.0
#: Body axes of the published geometry: thruster along +X, solar array facing -Z.
DEFAULT_THRUSTER_AXIS = (1.0, 0.0, 0.0)
DEFAULT_ARRAY_NORMAL = (0.0, 0.0, -1.0)
Vector = tuple[float, float, float]


@dataclass(frozen=True)
class Spacecraft:
    """Everything the models need about one spacecraft (SI units)."""

    dry_mass: float
    propellant_mass: float
    thruster_dry_mass: float
    thrust: float
    isp: float
    duty_cycle: float
    thruster_power: float
    standby_power: float
    warm_up_duration: float
    warm_up_power: float
    platform_power: float
    drag_enabled: bool
    drag_coefficient: float
    cross_section: float
    solar_array_area: float
    solar_array_efficiency: float
    battery_capacity_wh: float
    battery_initial_charge: float
    #: Electrical power of the arrays at 1 AU, Sun on their normal (W); None: area-based.
    array_maximum_power: float | None = None
    array_normal: Vector = DEFAULT_ARRAY_NORMAL
    thruster_axis: Vector = DEFAULT_THRUSTER_AXIS

    @property
    def array_peak_power(self) -> float:
        """Power of the arrays at 1 AU with the Sun on their normal (W)."""
        if self.array_maximum_power is not None:
            return self.array_maximum_power
        return SOLAR_CONSTANT * self.solar_array_area * self.solar_array_efficiency

    @property
    def wet_mass(self) -> float:
        return self.dry_mass + self.propellant_mass

    @property
    def exhaust_velocity(self) -> float:
        """Effective exhaust velocity Isp * g0 (m/s)."""
        return self.isp * G0

    @property
    def mean_thrust(self) -> float:
        """Orbit-averaged thrust (N): the thrust times the duty cycle."""
        return self.thrust * self.duty_cycle

    @property
    def ballistic_factor(self) -> float:
        """Cd * A (m^2); zero when the drag model is off."""
        return self.drag_coefficient * self.cross_section if self.drag_enabled else 0.0


def read_spacecraft(body: object, where: str = "spacecraft") -> Spacecraft:
    """The spacecraft a spacecraft body describes; errors name the faulty field."""
    spacecraft = inputs.as_mapping(body, where)
    thruster = inputs.as_mapping(spacecraft.get("thruster"), f"{where}.thruster")
    geometry = inputs.as_mapping(
        spacecraft.get("spacecraftGeometry"), f"{where}.spacecraftGeometry", required=False
    )
    battery = inputs.as_mapping(
        spacecraft.get("batteryDefinition"), f"{where}.batteryDefinition", required=False
    )
    t_where = f"{where}.thruster"
    platform_mass = inputs.number(
        spacecraft, "platformMass", where, minimum=0.0, exclusive_minimum=True, unit="kg"
    )
    propellant = inputs.number(thruster, "propellantMass", t_where, minimum=0.0, unit="kg")
    total = inputs.number(
        thruster, "totalMass", t_where, default=propellant, minimum=0.0, unit="kg"
    )
    if total < propellant:
        raise inputs.MissionInputError(
            f"{t_where}.totalMass ({total:g} kg) is below its propellantMass ({propellant:g} kg):"
            " totalMass is the dry thruster plus its propellant"
        )
    platform_power = inputs.number(
        spacecraft, "platformPower", where, default=0.0, minimum=0.0, unit="W"
    )
    thruster_power = inputs.number(thruster, "power", t_where, default=0.0, minimum=0.0, unit="W")
    g_where = f"{where}.spacecraftGeometry"
    thruster_axis = _unit_vector(
        geometry, "thrusterAxisInSatelliteFrame", g_where, DEFAULT_THRUSTER_AXIS
    )
    return Spacecraft(
        dry_mass=platform_mass + total - propellant,
        propellant_mass=propellant,
        thruster_dry_mass=total - propellant,
        thrust=inputs.number(
            thruster, "thrust", t_where, minimum=0.0, exclusive_minimum=True, maximum=1e6, unit="N"
        ),
        isp=inputs.number(
            thruster, "isp", t_where, minimum=0.0, exclusive_minimum=True, maximum=1e5, unit="s"
        ),
        duty_cycle=_duty_cycle(spacecraft, where, thruster_power),
        thruster_power=thruster_power,
        standby_power=inputs.number(
            thruster, "standbyPower", t_where, default=0.0, minimum=0.0, unit="W"
        ),
        warm_up_duration=inputs.number(
            thruster, "warmUpDuration", t_where, default=0.0, minimum=0.0, unit="s"
        ),
        warm_up_power=inputs.number(
            thruster, "warmUpPower", t_where, default=0.0, minimum=0.0, unit="W"
        ),
        platform_power=platform_power,
        drag_enabled=inputs.boolean(spacecraft, "dragModelDefined", where, default=True),
        drag_coefficient=inputs.number(
            spacecraft,
            "dragCoefficient",
            where,
            default=DEFAULT_DRAG_COEFFICIENT,
            minimum=0.0,
            maximum=10.0,
        ),
        cross_section=_cross_section(geometry, g_where, thruster_axis),
        solar_array_area=inputs.number(
            geometry,
            "solarArrayArea",
            f"{where}.spacecraftGeometry",
            default=DEFAULT_SOLAR_ARRAY_AREA,
            minimum=0.0,
            maximum=1e4,
            unit="m^2",
        ),
        solar_array_efficiency=inputs.number(
            geometry,
            "solarArrayEfficiency",
            f"{where}.spacecraftGeometry",
            default=DEFAULT_SOLAR_ARRAY_EFFICIENCY,
            minimum=0.0,
            maximum=1.0,
        ),
        battery_capacity_wh=_first_number(
            battery,
            ("nominalCapacity", "capacity", "capacityWh"),
            f"{where}.batteryDefinition",
            DEFAULT_BATTERY_CAPACITY_WH,
            "Wh",
        ),
        battery_initial_charge=inputs.number(
            battery,
            "initialStateOfCharge",
            f"{where}.batteryDefinition",
            default=1.0,
            minimum=0.0,
            maximum=1.0,
        ),
        array_maximum_power=_array_maximum_power(geometry, g_where),
        array_normal=_unit_vector(
            geometry, "solarArrayNormalInSatelliteFrame", g_where, DEFAULT_ARRAY_NORMAL
        ),
        thruster_axis=thruster_axis,
    )


def _duty_cycle(spacecraft: Mapping[str, Any], where: str, thruster_power: float) -> float:
    """The share of each orbit the thruster fires: ``dutyCycle``, capped by the power left
    for the thruster (``onBoardAveragePower / power``)."""
    duty = inputs.number(spacecraft, "dutyCycle", where, default=1.0, minimum=0.0, maximum=1.0)
    average = inputs.optional_number(spacecraft, "onBoardAveragePower", where, unit="W")
    if average is not None and thruster_power > 0.0:
        if average < 0.0:
            raise inputs.MissionInputError(
                f"{where}.onBoardAveragePower is {average:g} W: the platform draws more than the"
                " solar arrays give, so nothing is left for the thruster; lower platformPower"
                " or raise the array power"
            )
        duty = min(duty, average / thruster_power)
    return duty


def _unit_vector(body: Mapping[str, Any], prefix: str, where: str, default: Vector) -> Vector:
    """The unit vector of fields ``{prefix}X``, ``Y``, ``Z`` (``default`` when all are absent)."""
    keys = (f"{prefix}X", f"{prefix}Y", f"{prefix}Z")
    if all(body.get(key) is None for key in keys):
        return default
    x, y, z = (inputs.number(body, key, where, default=0.0) for key in keys)
    norm = math.sqrt(x * x + y * y + z * z)
    if norm == 0.0:
        raise inputs.MissionInputError(
            f"{where}.{prefix}X/Y/Z is the zero vector: give the axis a direction"
        )
    return (x / norm, y / norm, z / norm)


def _cross_section(geometry: Mapping[str, Any], where: str, axis: Vector) -> float:
    """Area the flow meets (m^2): the box's face across the thruster axis, projected."""
    explicit = ("crossSectionArea", "dragArea", "frontalArea")
    if any(geometry.get(key) is not None for key in explicit) or geometry.get("x") is None:
        return _first_number(geometry, explicit, where, DEFAULT_CROSS_SECTION, "m^2")
    x, y, z = (
        inputs.number(geometry, key, where, minimum=0.0, exclusive_minimum=True, unit="m")
        for key in ("x", "y", "z")
    )
    return abs(axis[0]) * y * z + abs(axis[1]) * x * z + abs(axis[2]) * x * y


def _array_maximum_power(geometry: Mapping[str, Any], where: str) -> float | None:
    """The arrays' power at 1 AU when they are defined by it (``MAXIMUM_POWER``, the
    published scripts' choice); None when they are defined by their area and efficiency."""
    definition = geometry.get("solarArrayDefinitionType")
    by_power = definition is None or str(definition).upper().replace(" ", "_") == "MAXIMUM_POWER"
    if not by_power or geometry.get("solarArrayMaximumPower") is None:
        return None
    return inputs.number(
        geometry, "solarArrayMaximumPower", where, minimum=0.0, maximum=1e7, unit="W"
    )


def _first_number(
    body: Mapping[str, Any], keys: tuple[str, ...], where: str, default: float, unit: str
) -> float:
    for key in keys:
        if body.get(key) is not None:
            return inputs.number(body, key, where, minimum=0.0, maximum=1e6, unit=unit)
    return default


def with_propellant(body: Mapping[str, Any], propellant_mass: float, name: str) -> dict[str, Any]:
    """A copy of a spacecraft body holding ``propellant_mass`` kg of propellant (the thruster's
    ``totalMass`` lowered by what was burnt), renamed ``name``."""
    copy: dict[str, Any] = dict(body)
    copy.pop("id", None)
    copy.pop(DISPLAYED_NAME, None)
    copy["name"] = name
    thruster = dict(inputs.as_mapping(body.get("thruster"), "spacecraft.thruster"))
    thruster.pop("id", None)
    old_propellant = inputs.number(thruster, "propellantMass", "spacecraft.thruster", default=0.0)
    old_total = inputs.number(thruster, "totalMass", "spacecraft.thruster", default=old_propellant)
    thruster["propellantMass"] = propellant_mass
    thruster["totalMass"] = old_total - old_propellant + propellant_mass
    copy["thruster"] = thruster
    return copy
