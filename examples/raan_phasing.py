"""Shift a satellite's orbital plane by 1 deg of RAAN with differential J2 drift, in two legs.

A "RAAN Phasing" mission lowers the orbit, lets the node drift against the orbit it left, and
climbs back. It is computed until a pause (durationUntilPause), resumed from the paused
results as a new mission, and the two legs are merged into one history, as an operator does
to review a long mission midway. The plot shows the relative RAAN and the semi-major axis of
the whole chain; the intermediate objects of the resumed leg are deleted at the end.

    spacestudio run --fake examples/raan_phasing.py     # against a fake backend
    python examples/raan_phasing.py [PLOT.png]          # against the backend in .env
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from dotenv import load_dotenv
from example_support import (
    DAY,
    RELATIVE_RAAN,
    SEMI_MAJOR_AXIS,
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

MISSION = "Plane B phasing"
RESUMED = "Plane B phasing - leg 2"
MERGED = f"{MISSION} - merged"  # the mission the service stores the merged results under
ORBIT = "SSO-500 plane A"
THRUSTER = "HET 15 mN"
GEOMETRY = "Phasing sat geometry"
SPACECRAFT = "Phasing sat"
TARGET_DELTA_RAAN = math.radians(1.0)
DELTA_V_BUDGET = 60.0  # m/s
PAUSE_AFTER = 20 * DAY


def delete_previous_run() -> None:
    """Objects of an earlier run, resumed legs included (deleting a missing one does nothing)."""
    simulation = spacestudio.simulation
    if simulation.get_mission(MISSION) is not None:
        simulation.delete_intermediate_objects_from_mission(MISSION)
    for mission in (RESUMED, MERGED, MISSION):
        simulation.delete_mission(mission)
    simulation.delete_spacecraft(SPACECRAFT)
    simulation.delete_spacecraft_geometry(GEOMETRY)
    simulation.delete_propulsion_system(THRUSTER)
    simulation.delete_orbit(ORBIT)


def build_objects() -> None:
    simulation = spacestudio.simulation
    simulation.create_orbit(
        {
            "name": ORBIT,
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
            "thruster": simulation.get_propulsion_system(THRUSTER),
            "spacecraftGeometry": simulation.get_spacecraft_geometry(GEOMETRY),
        }
    )


def print_leg(label: str, results: dict[str, Any]) -> None:
    report = results["maneuverReport"]
    print(
        f"  {label}: {report['simulationDuration'] / DAY:.2f} days, "
        f"{report['totalDeltaV']:.2f} m/s, {report['totalConsumption']:.3f} kg"
    )


def print_summary(merged: dict[str, Any]) -> None:
    report = merged["maneuverReport"]
    rows = merged["ephemerides"]
    reached = math.degrees(rows[-1][RELATIVE_RAAN])
    lowest = min(column(rows, SEMI_MAJOR_AXIS)) - rows[0][SEMI_MAJOR_AXIS]
    print("Whole mission (merged legs):")
    print(f"  initial orbit: {describe_orbit(merged['initialOrbit'])}")
    print(f"  final orbit: {describe_orbit(merged['finalOrbit'])}")
    print(f"  relative RAAN reached: {reached:.3f} deg")
    print(f"  target relative RAAN: {math.degrees(TARGET_DELTA_RAAN):.3f} deg")
    print(f"  drift orbit below start: {-lowest / 1e3:.1f} km")
    print(f"  duration: {report['simulationDuration'] / DAY:.2f} days")
    print(f"  delta-V: {report['totalDeltaV']:.2f} m/s")
    print(f"  delta-V budget: {DELTA_V_BUDGET:.2f} m/s")
    print(f"  propellant used: {report['totalConsumption']:.3f} kg")
    print(f"  burns: {report['totalNumberOfBurns']}")


def plot(merged: dict[str, Any], pause_day: float, path: Path) -> None:
    made = new_figure(rows=2, height=3.2)
    if made is None:
        return
    figure, (raan_axes, sma_axes) = made
    rows = merged["ephemerides"]
    elapsed = days(rows)
    raan_axes.plot(elapsed, column(rows, RELATIVE_RAAN, 180.0 / math.pi), color="tab:purple")
    raan_axes.axhline(
        math.degrees(TARGET_DELTA_RAAN), color="tab:green", linestyle="--", label="target"
    )
    raan_axes.set_ylabel("relative RAAN [deg]")
    raan_axes.set_title(f"{MISSION}: RAAN phasing by differential J2 drift")
    sma_axes.plot(elapsed, column(rows, SEMI_MAJOR_AXIS, 1e-3), color="tab:blue")
    sma_axes.set_ylabel("semi-major axis [km]")
    sma_axes.ticklabel_format(axis="y", useOffset=False)
    sma_axes.set_xlabel("elapsed time [days]")
    for axes in (raan_axes, sma_axes):
        axes.axvline(pause_day, color="grey", linestyle=":", label="pause / resume")
        axes.grid(True, alpha=0.3)
    raan_axes.legend(loc="upper left")
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
            "type": "RAAN Phasing",
            "targetDeltaRaan": TARGET_DELTA_RAAN,
            "optimizationType": "FASTEST",
            "targetDeltaVmax": DELTA_V_BUDGET,
            "spacecraft": simulation.get_spacecraft(SPACECRAFT),
            "initialOrbit": simulation.get_orbit(ORBIT),
            "perturbations": ["DRAG", "EARTH_POTENTIAL"],
            "propagationType": "NUMERICAL",
            "durationUntilPause": PAUSE_AFTER,
            "maximumDuration": 365 * DAY,
            "ephemeridesStepInSeconds": 6 * 3600,
            "withEclipse": True,
            "attitudeAndSystemSimulated": False,
        }
    )
    simulation.compute_mission(MISSION)
    first_leg = results_of(simulation.wait_and_get_mission_results(MISSION), MISSION)
    print(f"RAAN phasing {MISSION!r}, paused after {PAUSE_AFTER / DAY:.0f} days and resumed")
    print_leg("leg 1 (until the pause)", first_leg)

    simulation.create_mission_from_paused_results(MISSION, RESUMED)
    # The resumed mission keeps durationUntilPause (it would pause again 20 days on):
    # clear it so the second leg runs to the end.
    resumed = simulation.get_mission(RESUMED)
    simulation.modify_mission(resumed, {**resumed, "durationUntilPause": None})
    simulation.compute_mission(RESUMED)
    second_leg = results_of(simulation.wait_and_get_mission_results(RESUMED), RESUMED)
    print_leg("leg 2 (resumed)", second_leg)

    merged = results_of(simulation.get_paused_mission_results_merged(MISSION), MERGED)
    print_summary(merged)
    # The resumed leg's mission, orbit and spacecraft are no longer needed.
    deleted = simulation.delete_intermediate_objects_from_mission(MISSION)
    print(f"  intermediate objects deleted: {deleted}")
    plot(merged, first_leg["maneuverReport"]["simulationDuration"] / DAY, path)


if __name__ == "__main__":
    main()
