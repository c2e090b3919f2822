"""Raise a sun-synchronous orbit from 500 to 550 km with an electric thruster.

Builds the propulsion system, the spacecraft and the initial orbit, computes an "Orbital
Transfer" mission (target given as a change of semi-major axis), prints its maneuver report,
keeps the final orbit as a new orbit object for the next study, and plots the semi-major
axis and the spacecraft mass over the transfer.

    spacestudio run --fake examples/orbital_transfer.py     # against a fake backend
    python examples/orbital_transfer.py [PLOT.png]          # against the backend in .env
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from dotenv import load_dotenv
from example_support import (
    DAY,
    SEMI_MAJOR_AXIS,
    TOTAL_MASS,
    column,
    days,
    describe_orbit,
    new_figure,
    plot_path,
    results_of,
    save,
)

load_dotenv()

import spacestudio  # noqa: E402  (after load_dotenv, as scripts for the published client do)

MISSION = "SSO 500 to 550 km raise"
INITIAL_ORBIT = "SSO-500 10:30"
FINAL_ORBIT = "SSO-550 after raise"
THRUSTER = "HET 15 mN"
GEOMETRY = "Raising sat geometry"
BATTERY = "Raising sat battery"
SPACECRAFT = "Raising sat"
RAISE = 50e3  # m of semi-major axis


def build_objects() -> None:
    """The orbit, thruster, geometry, battery and spacecraft the mission flies."""
    simulation = spacestudio.simulation
    simulation.create_orbit(
        {
            "name": INITIAL_ORBIT,
            "type": "Circular",
            "sunSynchronousOrbit": True,
            "altitude": 500e3,
            "inclination": math.radians(97.4),
            "ascendingNodeDefinitionType": "LTAN",
            "ltan": 10.5 * 3600,
            "orbitDateTime": "2025-03-01T00:00:00Z",
            "meanOscType": "MEAN",
            "perigeeArgument": 0.0,
            "anomalyType": "TRUE",
            "anomaly": 0.0,
        }
    )
    simulation.create_propulsion_system(
        {
            "name": THRUSTER,
            "thrust": 0.015,
            "isp": 1300.0,
            "power": 250.0,
            "standbyPower": 5.0,
            "warmUpDuration": 600.0,
            "warmUpPower": 40.0,
            "propellantCapacityChoice": "mass",
            "propellantMass": 3.0,
            "totalMass": 8.0,
        }
    )
    simulation.create_spacecraft_geometry(
        {"name": GEOMETRY, "crossSectionArea": 0.3, "solarArrayArea": 1.2}
    )
    simulation.create_battery({"name": BATTERY, "capacity": 200.0, "initialStateOfCharge": 1.0})
    simulation.create_spacecraft(
        {
            "name": SPACECRAFT,
            "platformMass": 150.0,
            "platformPower": 120.0,
            "onBoardAveragePower": 125.0,  # W left for the thruster: half of its 250 W
            "dutyCycle": 0.5,
            "powerSystemDefined": True,
            "dragModelDefined": True,
            "dragCoefficient": 2.2,
            "srpModelDefined": False,
            "attitudeModelDefined": False,
            "maxAngularVelocity": math.radians(1.0),
            "maxAngularAcceleration": math.radians(0.1),
            "thruster": simulation.get_propulsion_system(THRUSTER),
            "spacecraftGeometry": simulation.get_spacecraft_geometry(GEOMETRY),
            "batteryDefinition": simulation.get_battery(BATTERY),
        }
    )


def delete_previous_run() -> None:
    """Objects of an earlier run of this script (deleting a missing one does nothing)."""
    simulation = spacestudio.simulation
    simulation.delete_mission(MISSION)
    simulation.delete_spacecraft(SPACECRAFT)
    simulation.delete_battery(BATTERY)
    simulation.delete_spacecraft_geometry(GEOMETRY)
    simulation.delete_propulsion_system(THRUSTER)
    simulation.delete_orbit(FINAL_ORBIT)
    simulation.delete_orbit(INITIAL_ORBIT)


def print_report(results: dict[str, Any]) -> None:
    report = results["maneuverReport"]
    initial, final = results["initialOrbit"], results["finalOrbit"]
    propellant = report["totalConsumption"]
    print(f"Orbital transfer {MISSION!r}")
    print(f"  initial orbit: {describe_orbit(initial)}")
    print(f"  final orbit: {describe_orbit(final)}")
    print(f"  altitude gained: {(final['altitude'] - initial['altitude']) / 1e3:.2f} km")
    print(f"  duration: {report['simulationDuration'] / DAY:.2f} days")
    print(f"  delta-V: {report['totalDeltaV']:.2f} m/s")
    print(f"  propellant used: {propellant:.3f} kg")
    if "remainingPropellant" in report:
        print(f"  propellant left: {report['remainingPropellant']:.3f} kg")
    print(f"  burns: {report['totalNumberOfBurns']}")
    if "totalThrustDuration" in report:
        print(f"  thrusting time: {report['totalThrustDuration'] / DAY:.2f} days")


def plot(results: dict[str, Any], path: Path) -> None:
    made = new_figure(rows=2, height=3.2)
    if made is None:
        return
    figure, (sma_axes, mass_axes) = made
    rows = results["ephemerides"]
    elapsed = days(rows)
    sma_axes.plot(elapsed, column(rows, SEMI_MAJOR_AXIS, 1e-3), color="tab:blue")
    sma_axes.set_ylabel("semi-major axis [km]")
    sma_axes.ticklabel_format(axis="y", useOffset=False)
    sma_axes.grid(True, alpha=0.3)
    sma_axes.set_title(f"{MISSION}: low-thrust orbit raising")
    mass_axes.plot(elapsed, column(rows, TOTAL_MASS), color="tab:red")
    mass_axes.set_ylabel("spacecraft mass [kg]")
    mass_axes.ticklabel_format(axis="y", useOffset=False)
    mass_axes.set_xlabel("elapsed time [days]")
    mass_axes.grid(True, alpha=0.3)
    save(figure, path)


def main() -> None:
    path = plot_path(__file__, __doc__)
    spacestudio.connect(spacestudio.log_base_url, spacestudio.log_mail, spacestudio.log_password)
    simulation = spacestudio.simulation
    delete_previous_run()
    build_objects()

    simulation.create_mission(
        {
            "name": MISSION,
            "type": "Orbital Transfer",
            "targetDefinition": "DELTA",
            "deltaSemiMajorAxis": RAISE,
            "deltaInclination": 0.0,
            "deltaEccentricity": 0.0,
            "spacecraft": simulation.get_spacecraft(SPACECRAFT),
            "initialOrbit": simulation.get_orbit(INITIAL_ORBIT),
            "perturbations": ["DRAG", "EARTH_POTENTIAL"],
            "propagationType": "NUMERICAL",
            "durationUntilPause": None,
            "maximumDuration": 60 * DAY,
            "ephemeridesStepInSeconds": 3600,
            "withEclipse": True,
            "attitudeAndSystemSimulated": False,
        }
    )
    simulation.compute_mission(MISSION)
    results = results_of(simulation.wait_and_get_mission_results(MISSION), MISSION)
    print_report(results)

    # The final orbit is a valid orbit body: keep it as the start of the next study.
    simulation.create_orbit({**results["finalOrbit"], "name": FINAL_ORBIT})
    kept = simulation.get_orbit(FINAL_ORBIT)
    if kept is not None:
        print(f"  final orbit saved: {describe_orbit(kept)}, as orbit {FINAL_ORBIT!r}")
    plot(results, path)


if __name__ == "__main__":
    main()
