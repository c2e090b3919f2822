"""A seed-style session through the pytest plugin: recorded once, replayed by default.

Its cassette lives in cassettes/test_workflow/; ``pytest --record`` records it again
against the fake server.
"""

from __future__ import annotations

from typing import Any

import spacestudio
from spacestudio import Client

ORBIT: dict[str, Any] = {
    "name": "SSO-600",
    "type": "Circular",
    "sunSynchronousOrbit": True,
    "altitude": 600e3,
    "inclination": 1.7,
    "ascendingNodeDefinitionType": "LTAN",
    "ltan": 36000,
    "orbitDateTime": "2024-01-01T00:00:00Z",
}
THRUSTER: dict[str, Any] = {
    "name": "HET",
    "thrust": 0.02,
    "isp": 1500,
    "power": 300,
    "standbyPower": 5,
    "warmUpDuration": 600,
    "warmUpPower": 50,
    "propellantCapacityChoice": "mass",
    "propellantMass": 5,
    "totalMass": 15,
}
SPACECRAFT: dict[str, Any] = {
    "name": "sat",
    "platformMass": 100,
    "platformPower": 500,
    "onBoardAveragePower": 100,
    "dutyCycle": 1,
    "powerSystemDefined": False,
    "dragModelDefined": True,
    "dragCoefficient": 2.2,
    "srpModelDefined": False,
    "attitudeModelDefined": False,
}


def test_orbit_raising_session(spacestudio_client: Client) -> None:
    simulation = spacestudio.simulation
    simulation.create_orbit(ORBIT)
    orbit = simulation.get_orbit("SSO-600")
    assert orbit is not None and orbit["altitude"] == 600e3
    simulation.create_propulsion_system(THRUSTER)
    thruster = simulation.get_propulsion_system("HET")
    simulation.create_spacecraft({**SPACECRAFT, "thruster": thruster})
    spacecraft = simulation.get_spacecraft("sat")

    simulation.create_mission(
        {
            "name": "raise",
            "type": "Orbital Transfer",
            "targetDefinition": "DELTA",
            "deltaSemiMajorAxis": 10e3,
            "deltaInclination": 0,
            "deltaEccentricity": 0,
            "spacecraft": spacecraft,
            "initialOrbit": orbit,
            "perturbations": ["DRAG"],
            "propagationType": "NUMERICAL",
            "durationUntilPause": None,
            "maximumDuration": 30 * 86400,
            "ephemeridesStepInSeconds": 3600,
            "withEclipse": True,
            "attitudeAndSystemSimulated": False,
        }
    )
    simulation.compute_mission("raise")
    results = simulation.wait_and_get_mission_results("raise")["results"]
    assert results["finalOrbit"]["altitude"] > results["initialOrbit"]["altitude"]

    simulation.create_orbit({**results["finalOrbit"], "name": "final"})
    final = simulation.get_orbit("final")
    assert final is not None and final["altitude"] == results["finalOrbit"]["altitude"]

    simulation.modify_orbit(ORBIT, {**ORBIT, "altitude": 650e3})
    modified = simulation.get_orbit("SSO-600")
    assert modified is not None and modified["altitude"] == 650e3
    simulation.delete_orbit("final")
    assert simulation.get_orbit("final") is None
    names = sorted(item["displayedName"] for item in simulation.get_all_orbits())
    assert names == ["SSO-600"]
