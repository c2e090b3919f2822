"""Sample bodies of the objects scripts build, as tests and benchmarks send them.

A sun-synchronous orbit at 600 km, a Hall-effect thruster, a small satellite and an
orbit-raising mission, with the fields and units of the published client's scripts. The
tests and benchmarks send these too, so what they record stays the same. The objects are
shared: copy before changing one (``{**SSO_600, "altitude": 650e3}``).
"""

from __future__ import annotations

import textwrap
from typing import Any

SSO_600: dict[str, Any] = {
    "name": "SSO-600",
    "type": "Circular",
    "sunSynchronousOrbit": True,
    "altitude": 600e3,
    "inclination": 1.7,
    "ascendingNodeDefinitionType": "LTAN",
    "ltan": 36000,
    "orbitDateTime": "2024-01-01T00:00:00Z",
}
HALL_THRUSTER: dict[str, Any] = {
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
#: Without its ``thruster``: scripts put in the one they read back with get_propulsion_system.
SMALL_SATELLITE: dict[str, Any] = {
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


def orbit_raising_mission(spacecraft: object, orbit: object, name: str = "raise") -> dict[str, Any]:
    """A 10 km low-thrust raise of ``orbit`` by ``spacecraft`` (both as read back)."""
    return {
        "name": name,
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


#: A seed script that starts a computation, says "waiting", then waits for its results
#: (polling every 0.05 s): what the wait and Ctrl-C tests run under `spacestudio run`.
WAITING_SCRIPT = textwrap.dedent(
    """
    import spacestudio
    from tests.support.samples import HALL_THRUSTER, SSO_600

    spacestudio.connect(spacestudio.log_base_url, spacestudio.log_mail,
                        spacestudio.log_password, poll_interval=0.05)
    sim = spacestudio.simulation
    sim.create_orbit(SSO_600)
    sim.create_propulsion_system(HALL_THRUSTER)
    sim.create_spacecraft({
        "name": "sat", "platformMass": 100, "platformPower": 500,
        "onBoardAveragePower": 100, "dutyCycle": 1, "powerSystemDefined": False,
        "dragModelDefined": True, "dragCoefficient": 2.2, "srpModelDefined": False,
        "attitudeModelDefined": False, "thruster": sim.get_propulsion_system("HET"),
    })
    sim.create_mission({
        "name": "raise", "type": "Orbital Transfer", "targetDefinition": "DELTA",
        "deltaSemiMajorAxis": 10e3, "deltaInclination": 0, "deltaEccentricity": 0,
        "spacecraft": sim.get_spacecraft("sat"), "initialOrbit": sim.get_orbit("SSO-600"),
        "perturbations": [], "propagationType": "NUMERICAL", "durationUntilPause": None,
        "maximumDuration": 86400, "ephemeridesStepInSeconds": 3600,
        "withEclipse": False, "attitudeAndSystemSimulated": False,
    })
    sim.compute_mission("raise")
    print("waiting", flush=True)
    sim.wait_and_get_mission_results("raise")
    """
)
