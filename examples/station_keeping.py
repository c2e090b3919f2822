"""Keep a 400 km sun-synchronous satellite within +/- 500 m of its semi-major axis for 60 days.

A "LEO Station Keeping" mission lets drag lower the orbit to the bottom of the margin band,
then fires the thruster until the orbit is back at the top. The summary gives the number of
burns and the propellant they cost; the plot shows the semi-major axis (the saw-tooth between
the margins, with the burns shaded) and the propellant consumed.

    spacestudio run --fake examples/station_keeping.py     # against a fake backend
    python examples/station_keeping.py [PLOT.png]          # against the backend in .env
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

MISSION = "SSO-400 station keeping"
ORBIT = "SSO-400 22:30"
THRUSTER = "HET 15 mN"
GEOMETRY = "Keeping sat geometry"
SPACECRAFT = "Keeping sat"
TOP_MARGIN = 500.0  # m above the initial semi-major axis
BOTTOM_MARGIN = 500.0  # m below it
DURATION = 60 * DAY
SOLAR_FLUX = 150.0  # sfu, a fairly active Sun


def delete_previous_run() -> None:
    """Objects of an earlier run of this script (deleting a missing one does nothing)."""
    simulation = spacestudio.simulation
    simulation.delete_mission(MISSION)
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
            "altitude": 400e3,
            "inclination": math.radians(97.0),
            "ascendingNodeDefinitionType": "LTAN",
            "ltan": 22.5 * 3600,
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
    # Solar arrays deployed face-on to the flow: a large drag area for its mass.
    simulation.create_spacecraft_geometry(
        {"name": GEOMETRY, "crossSectionArea": 0.6, "solarArrayArea": 1.2}
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


def burn_intervals(rows: list[list[float]]) -> list[tuple[float, float]]:
    """(start, end) in days of each run of ephemerides steps during which propellant was
    burnt (the mass went down): the burns as the ephemerides' sampling sees them."""
    intervals: list[tuple[float, float]] = []
    elapsed = days(rows)
    mass = column(rows, TOTAL_MASS)
    for index in range(1, len(rows)):
        if mass[index] < mass[index - 1]:
            start, end = elapsed[index - 1], elapsed[index]
            if intervals and intervals[-1][1] == start:
                intervals[-1] = (intervals[-1][0], end)
            else:
                intervals.append((start, end))
    return intervals


def print_summary(results: dict[str, Any]) -> None:
    report = results["maneuverReport"]
    rows = results["ephemerides"]
    sma = column(rows, SEMI_MAJOR_AXIS)
    reference = sma[0]
    duration_days = report["simulationDuration"] / DAY
    print(f"LEO station keeping {MISSION!r}")
    print(f"  orbit: {describe_orbit(results['initialOrbit'])}")
    print(f"  margins: -{BOTTOM_MARGIN:.0f} m / +{TOP_MARGIN:.0f} m of semi-major axis")
    print(f"  duration: {duration_days:.2f} days")
    print(f"  burns: {report['totalNumberOfBurns']}")
    print(f"  reboost cycles: {len(burn_intervals(rows))}")
    print(f"  delta-V: {report['totalDeltaV']:.2f} m/s")
    print(f"  propellant used: {report['totalConsumption']:.4f} kg")
    print(f"  propellant per year: {report['totalConsumption'] * 365.25 / duration_days:.3f} kg")
    print(f"  lowest semi-major axis: {min(sma) - reference:+.0f} m")
    print(f"  highest semi-major axis: {max(sma) - reference:+.0f} m")


def plot(results: dict[str, Any], path: Path) -> None:
    made = new_figure(rows=2, height=3.2)
    if made is None:
        return
    figure, (sma_axes, propellant_axes) = made
    rows = results["ephemerides"]
    elapsed = days(rows)
    reference_km = rows[0][SEMI_MAJOR_AXIS] / 1e3
    sma_axes.axhspan(
        reference_km - BOTTOM_MARGIN / 1e3,
        reference_km + TOP_MARGIN / 1e3,
        color="tab:green",
        alpha=0.12,
        label="margin band",
    )
    for edge in (reference_km - BOTTOM_MARGIN / 1e3, reference_km + TOP_MARGIN / 1e3):
        sma_axes.axhline(edge, color="tab:green", linewidth=0.8)
    for number, (start, end) in enumerate(burn_intervals(rows)):
        for axes in (sma_axes, propellant_axes):
            axes.axvspan(
                start, end, color="tab:orange", alpha=0.35, label="burns" if number == 0 else None
            )
    sma_axes.plot(elapsed, column(rows, SEMI_MAJOR_AXIS, 1e-3), color="tab:blue", label="SMA")
    # Room under the band for the legend, so it never hides the curve.
    band = (TOP_MARGIN + BOTTOM_MARGIN) / 1e3
    sma_axes.set_ylim(
        reference_km - BOTTOM_MARGIN / 1e3 - 0.35 * band,
        reference_km + TOP_MARGIN / 1e3 + 0.1 * band,
    )
    sma_axes.set_ylabel("semi-major axis [km]")
    sma_axes.ticklabel_format(axis="y", useOffset=False)
    sma_axes.set_title(f"{MISSION}: drag decay and reboosts")
    sma_axes.legend(loc="lower right", ncols=3)
    initial_mass = rows[0][TOTAL_MASS]
    propellant_axes.plot(
        elapsed, [initial_mass - mass for mass in column(rows, TOTAL_MASS)], color="tab:red"
    )
    propellant_axes.set_ylabel("propellant consumed [kg]")
    propellant_axes.set_xlabel("elapsed time [days]")
    for axes in (sma_axes, propellant_axes):
        axes.grid(True, alpha=0.3)
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
            "type": "LEO Station Keeping",
            "smaTopMargin": TOP_MARGIN,
            "smaBottomMargin": BOTTOM_MARGIN,
            "duration": DURATION,
            "customSolarFlux": SOLAR_FLUX,
            "spacecraft": simulation.get_spacecraft(SPACECRAFT),
            "initialOrbit": simulation.get_orbit(ORBIT),
            "perturbations": ["DRAG", "EARTH_POTENTIAL"],
            "propagationType": "NUMERICAL",
            "durationUntilPause": None,
            "maximumDuration": DURATION,
            "ephemeridesStepInSeconds": 3 * 3600,
            "withEclipse": True,
            "attitudeAndSystemSimulated": False,
        }
    )
    simulation.compute_mission(MISSION)
    results = results_of(simulation.wait_and_get_mission_results(MISSION), MISSION)
    print_summary(results)
    plot(results, path)


if __name__ == "__main__":
    main()
