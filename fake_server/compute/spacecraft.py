"""The spacecraft as the models see it: masses, thruster, drag, solar arrays, battery.

Fields read (all SI; defaults apply when a field is absent or null):

spacecraft: ``platformMass`` (kg, required), ``platformPower`` (W, 0; else
``onBoardAveragePower``), ``dutyCycle`` (share of each orbit the thruster fires, 1),
``dragModelDefined`` (true), ``dragCoefficient`` (2.2), ``thruster``,
``spacecraftGeometry``, ``batteryDefinition``.

thruster: ``thrust`` (N, required), ``isp`` (s, required), ``power`` (W, 0), ``standbyPower``
(W, 0), ``warmUpDuration`` (s, 0), ``warmUpPower`` (W, 0), ``propellantMass`` (kg, required),
``totalMass`` (kg, dry thruster + propellant; the propellant mass when absent).

spacecraftGeometry: ``crossSectionArea`` (m^2, the area drag acts on; also read as
``dragArea`` or ``frontalArea``; default 0.1), ``solarArrayArea`` (m^2, 0.5),
``solarArrayEfficiency`` (0.28, cell-to-bus).

batteryDefinition: ``capacity`` (Wh, 100; also ``capacityWh``), ``initialStateOfCharge``
(0..1, 1), ``depthOfDischargeLimit`` (0..1, 0.8: below 1 - limit the battery is reported
flat).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import inputs
from .constants import G0

DEFAULT_DRAG_COEFFICIENT = 2.2
DEFAULT_CROSS_SECTION = 0.1
DEFAULT_SOLAR_ARRAY_AREA = 0.5
DEFAULT_SOLAR_ARRAY_EFFICIENCY = 0.28
DEFAULT_BATTERY_CAPACITY_WH = 100.0


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
        spacecraft,
        "platformPower",
        where,
        default=inputs.number(
            spacecraft, "onBoardAveragePower", where, default=0.0, minimum=0.0, unit="W"
        ),
        minimum=0.0,
        unit="W",
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
        duty_cycle=inputs.number(
            spacecraft,
            "dutyCycle",
            where,
            default=1.0,
            minimum=0.0,
            exclusive_minimum=True,
            maximum=1.0,
        ),
        thruster_power=inputs.number(
            thruster, "power", t_where, default=0.0, minimum=0.0, unit="W"
        ),
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
        cross_section=_first_number(
            geometry,
            ("crossSectionArea", "dragArea", "frontalArea"),
            f"{where}.spacecraftGeometry",
            DEFAULT_CROSS_SECTION,
            "m^2",
        ),
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
            ("capacity", "capacityWh"),
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
    copy.pop("displayedName", None)
    copy["name"] = name
    thruster = dict(inputs.as_mapping(body.get("thruster"), "spacecraft.thruster"))
    thruster.pop("id", None)
    old_propellant = inputs.number(thruster, "propellantMass", "spacecraft.thruster", default=0.0)
    old_total = inputs.number(thruster, "totalMass", "spacecraft.thruster", default=old_propellant)
    thruster["propellantMass"] = propellant_mass
    thruster["totalMass"] = old_total - old_propellant + propellant_mass
    copy["thruster"] = thruster
    return copy
