"""A seed-style session through the pytest plugin: recorded once, replayed by default.

Its cassette lives in cassettes/test_workflow/; ``pytest --record`` records it again
against the fake server.
"""

from __future__ import annotations

import spacestudio
from spacestudio import Client
from tests.support.samples import HALL_THRUSTER as THRUSTER
from tests.support.samples import SMALL_SATELLITE as SPACECRAFT
from tests.support.samples import SSO_600 as ORBIT
from tests.support.samples import orbit_raising_mission


def test_orbit_raising_session(spacestudio_client: Client) -> None:
    simulation = spacestudio.simulation
    simulation.create_orbit(ORBIT)
    orbit = simulation.get_orbit("SSO-600")
    assert orbit is not None and orbit["altitude"] == 600e3
    simulation.create_propulsion_system(THRUSTER)
    thruster = simulation.get_propulsion_system("HET")
    simulation.create_spacecraft({**SPACECRAFT, "thruster": thruster})
    spacecraft = simulation.get_spacecraft("sat")

    simulation.create_mission(orbit_raising_mission(spacecraft, orbit))
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
