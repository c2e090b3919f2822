"""Mission bodies as scripts build them."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def thruster() -> dict[str, Any]:
    return {
        "name": "HET",
        "thrust": 0.35,
        "isp": 1650.0,
        "power": 350.0,
        "standbyPower": 5.0,
        "propellantMass": 20.0,
        "totalMass": 30.0,
    }


@pytest.fixture
def spacecraft(thruster: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "Sat",
        "platformMass": 150.0,
        "platformPower": 50.0,
        "dutyCycle": 0.5,
        "dragModelDefined": True,
        "dragCoefficient": 2.2,
        "thruster": thruster,
        "spacecraftGeometry": {"crossSectionArea": 1.0, "solarArrayArea": 2.0},
        "batteryDefinition": {"capacity": 200.0},
    }


@pytest.fixture
def sso_orbit() -> dict[str, Any]:
    return {
        "name": "SSO-500",
        "type": "Circular",
        "altitude": 500e3,
        "sunSynchronousOrbit": True,
        "ascendingNodeDefinitionType": "LTAN",
        "ltan": 37800.0,
        "orbitDateTime": "2024-01-01T00:00:00Z",
    }


@pytest.fixture
def mission(spacecraft: dict[str, Any], sso_orbit: dict[str, Any]) -> Any:
    def make(**fields: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": "M",
            "spacecraft": spacecraft,
            "initialOrbit": sso_orbit,
            "perturbations": ["DRAG", "EARTH_POTENTIAL"],
            "ephemeridesStepInSeconds": 120.0,
            "maximumDuration": 400 * 86400.0,
        }
        body.update(fields)
        return body

    return make
