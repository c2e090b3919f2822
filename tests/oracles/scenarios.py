"""Mission bodies for the oracle grid, and the fake's answers to them."""

from __future__ import annotations

import math
from typing import Any

from fake_server.compute import compute_mission

from .gauss import RE, Craft

THRUST, ISP, DUTY = 0.05, 1500.0, 1.0
PLATFORM_MASS, THRUSTER_MASS, PROPELLANT = 180.0, 10.0, 60.0
DRAG_AREA, DRAG_COEFFICIENT = 1.0, 2.2
MASS = PLATFORM_MASS + THRUSTER_MASS + PROPELLANT


def craft(solar_flux: float = 150.0, thrust: float = THRUST) -> Craft:
    return Craft(thrust * DUTY, ISP, MASS, DRAG_AREA * DRAG_COEFFICIENT, solar_flux)


def spacecraft(thrust: float = THRUST) -> dict[str, Any]:
    return {
        "name": "oracle craft",
        "platformMass": PLATFORM_MASS,
        "dutyCycle": DUTY,
        "dragModelDefined": True,
        "dragCoefficient": DRAG_COEFFICIENT,
        "spacecraftGeometry": {"crossSectionArea": DRAG_AREA},
        "thruster": {
            "name": "oracle thruster",
            "thrust": thrust,
            "isp": ISP,
            "power": 1500.0,
            "propellantMass": PROPELLANT,
            "totalMass": THRUSTER_MASS + PROPELLANT,
        },
    }


def orbit(altitude: float, inclination: float) -> dict[str, Any]:
    return {
        "name": "oracle orbit",
        "type": "Circular",
        "altitude": altitude,
        "inclination": inclination,
        "ascendingNodeDefinitionType": "RAAN",
        "raan": 0.0,
        "orbitDateTime": "2024-01-01T00:00:00Z",
    }


def simulate(body: dict[str, Any]) -> dict[str, Any]:
    """The fake's results, failing the test with its errors if it has any."""
    computation = compute_mission("simulationrequests", body)
    assert computation.errors == [], computation.errors
    return computation.results


def mission(altitude: float, inclination: float, drag: bool, **fields: Any) -> dict[str, Any]:
    return {
        "name": "oracle mission",
        "spacecraft": spacecraft(),
        "initialOrbit": orbit(altitude, inclination),
        "perturbations": ["DRAG", "EARTH_POTENTIAL"] if drag else ["EARTH_POTENTIAL"],
        "ephemeridesStepInSeconds": 86400.0,
        "maximumDuration": 3 * 365.25 * 86400.0,
        **fields,
    }


def semi_major_axis(altitude: float) -> float:
    return RE + altitude + (6378137.0 - RE)  # the fake's altitudes are above its own Re


def degrees(value: float) -> float:
    return math.radians(value)
