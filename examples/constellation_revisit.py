"""Map the average revisit time of a 24-satellite Walker constellation over the globe.

Builds an earth mesh, an imaging payload, a Walker 53 deg sub-constellation (6 planes of 4
satellites at 550 km) and the constellation holding it, then computes a performance analysis
over one day. The summary gives revisit statistics and how many mesh points meet the revisit
requirement; the plot is a colour map of the average revisit time over longitude and latitude.

    spacestudio run --fake examples/constellation_revisit.py     # against a fake backend
    python examples/constellation_revisit.py [PLOT.png]          # against the backend in .env
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from dotenv import load_dotenv
from example_support import DAY, new_figure, plot_path, results_of, save

load_dotenv()

import spacestudio  # noqa: E402  (after load_dotenv, as scripts for the published client do)

MISSION = "Walker 24/6/1 revisit"
MESH = "Globe 5 deg"
PAYLOAD = "Imager 45 deg"
SUB_CONSTELLATION = "Walker 53 deg shell"
CONSTELLATION = "Walker 24/6/1"
REVISIT_REQUIREMENT = 45 * 60.0  # s
DURATION = 1 * DAY
PLANES, SATELLITES_PER_PLANE = 6, 4
# The mesh: 5 deg steps, 80 S to 80 N, 180 W to 175 E (175 E + 5 deg is 180 W again).
LATITUDES = (-80.0, 80.0, 33)
LONGITUDES = (-180.0, 175.0, 72)


def delete_previous_run() -> None:
    """Objects of an earlier run of this script (deleting a missing one does nothing)."""
    constellation = spacestudio.constellation
    constellation.delete_performance_analysis_mission(MISSION)
    constellation.delete_constellation(CONSTELLATION)
    constellation.delete_sub_constellation(SUB_CONSTELLATION)
    constellation.delete_payload(PAYLOAD)
    constellation.delete_earth_mesh(MESH)


def build_objects() -> None:
    constellation = spacestudio.constellation
    constellation.create_earth_mesh(
        {
            "name": MESH,
            "southernmostLatitude": math.radians(LATITUDES[0]),
            "northernmostLatitude": math.radians(LATITUDES[1]),
            "numberOfLatitudes": LATITUDES[2],
            "westernmostLongitude": math.radians(LONGITUDES[0]),
            "easternmostLongitude": math.radians(LONGITUDES[1]),
            "numberOfLongitudes": LONGITUDES[2],
        }
    )
    constellation.create_payload(
        {"name": PAYLOAD, "semiViewAngleCircularDefinition": math.radians(45.0)}
    )
    constellation.create_sub_constellation(
        {
            "name": SUB_CONSTELLATION,
            "altitude": 550e3,
            "inclination": math.radians(53.0),
            "numberOfPlanes": PLANES,
            "numberOfSpacecraftsPerPlane": SATELLITES_PER_PLANE,
            "deltaRaan": 2 * math.pi / PLANES,
            # Walker's F = 1 as the service takes it: the phase angle between adjacent
            # planes' satellites, in rad (2 pi F / T).
            "interPlanePhasing": 2 * math.pi / (PLANES * SATELLITES_PER_PLANE),
            "payload": constellation.get_payload(PAYLOAD),
        }
    )
    constellation.create_constellation(
        {
            "name": CONSTELLATION,
            "homogeneousConstellationGeometries": [
                constellation.get_sub_constellation(SUB_CONSTELLATION)
            ],
        }
    )


def revisit_grid(results: dict[str, Any]) -> list[list[float | None]]:
    """Average revisit time (min) per mesh point as rows of latitude (south first), columns of
    longitude (west first); None where a point was never revisited within the analysis."""
    points = results["meshPerformances"][0]["points"]
    longitudes = LONGITUDES[2]
    if len(points) != LATITUDES[2] * longitudes:
        raise SystemExit(
            f"{MISSION}: expected {LATITUDES[2] * longitudes} mesh points, got {len(points)}"
        )
    grid: list[list[float | None]] = []
    for start in range(0, len(points), longitudes):  # latitude-major order
        row: list[float | None] = []
        for point in points[start : start + longitudes]:
            metrics = point["metrics"]["statisticalMetrics"]
            average = metrics["REVISIT_TIME"]["average"]
            accesses = metrics.get("NUMBER_OF_ACCESSES", {}).get("average")
            revisited = average > 0 and (accesses is None or accesses >= 2)
            row.append(average / 60.0 if revisited else None)
        grid.append(row)
    return grid


def latitude_of(row: int) -> float:
    south, north, count = LATITUDES
    return south + (north - south) * row / (count - 1)


def row_of(latitude: float) -> int:
    south, north, count = LATITUDES
    return round((latitude - south) / (north - south) * (count - 1))


def print_summary(results: dict[str, Any], grid: list[list[float | None]]) -> None:
    revisits = [value for row in grid for value in row if value is not None]
    total = sum(len(row) for row in grid)
    meeting = sum(value <= REVISIT_REQUIREMENT / 60.0 for value in revisits)
    covered = [latitude_of(index) for index, row in enumerate(grid) if any(row)]
    print(f"Constellation performance {MISSION!r} over {DURATION / DAY:.0f} day")
    print(f"  satellites: {PLANES * SATELLITES_PER_PLANE}")
    print(f"  mesh points: {total}")
    print(f"  points revisited: {len(revisits)}")
    if not revisits:
        print("  no mesh point was revisited")
        return
    print(f"  revisited latitudes: {min(covered):.0f} to {max(covered):.0f} deg")
    print(f"  mean revisit time: {sum(revisits) / len(revisits):.1f} min")
    print(f"  best revisit time: {min(revisits):.1f} min")
    print(f"  worst revisit time: {max(revisits):.1f} min")
    print(
        f"  points within {REVISIT_REQUIREMENT / 60:.0f} min: "
        f"{100.0 * meeting / total:.1f} % of the mesh"
    )
    for latitude in (0.0, 30.0, 50.0):
        row = grid[row_of(latitude)]
        values = [value for value in row if value is not None]
        if values:
            print(f"  mean revisit at {latitude:.0f} deg N: {sum(values) / len(values):.1f} min")


def plot(grid: list[list[float | None]], path: Path) -> None:
    made = new_figure(rows=1, height=4.2)
    if made is None:
        return
    import numpy as np

    figure, (axes,) = made
    values = np.ma.masked_invalid(
        np.array([[np.nan if value is None else value for value in row] for row in grid])
    )
    longitudes = np.linspace(*LONGITUDES)
    latitudes = np.linspace(*LATITUDES)
    image = axes.pcolormesh(longitudes, latitudes, values, shading="nearest", cmap="viridis_r")
    axes.set_facecolor("lightgrey")  # masked points: never revisited
    colour_bar = figure.colorbar(image, ax=axes, shrink=0.9)
    colour_bar.set_label("average revisit time [min]")
    axes.set_xlabel("longitude [deg]")
    axes.set_ylabel("latitude [deg]")
    axes.set_xticks(range(-180, 181, 60))
    axes.set_yticks(range(-80, 81, 20))
    axes.set_aspect("equal")
    axes.set_title(
        f"{MISSION}: average revisit over {DURATION / DAY:.0f} day (grey: not revisited)"
    )
    save(figure, path)


def main() -> None:
    path = plot_path(__file__, __doc__)
    spacestudio.connect(spacestudio.log_base_url, spacestudio.log_mail, spacestudio.log_password)
    constellation = spacestudio.constellation
    delete_previous_run()
    build_objects()

    constellation.create_performance_analysis_mission(
        {
            "name": MISSION,
            "constellation": constellation.get_constellation(CONSTELLATION),
            "earthMeshes": [constellation.get_earth_mesh(MESH)],
            "simulationDate": "2025-03-01T00:00:00Z",
            "simulationDuration": DURATION,
            "computeRevisit": True,
            "threshold": REVISIT_REQUIREMENT,
        }
    )
    constellation.compute_performance_analysis_mission(MISSION)
    results = results_of(
        constellation.wait_and_get_performance_analysis_mission_results(MISSION), MISSION
    )
    grid = revisit_grid(results)
    print_summary(results, grid)
    plot(grid, path)


if __name__ == "__main__":
    main()
