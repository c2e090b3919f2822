"""What the example scripts share: where a plot goes, matplotlib as an optional extra, stopping
cleanly on a failed computation, and the units engineers read.

Each example takes the path of its PNG as an optional argument; without it the plot goes to
``$SPACESTUDIO_PLOT_DIR/<example>.png`` when that variable is set, else to ``./<example>.png``.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Directory the examples write their plots to when no path is given on the command line.
PLOT_DIR_VARIABLE = "SPACESTUDIO_PLOT_DIR"
DAY = 86_400.0

# Ephemerides columns whose positions are part of the service's contract with scripts.
ELAPSED_TIME = 0  # s since the start of the mission (chain)
SEMI_MAJOR_AXIS = 24  # m, Keplerian
TOTAL_MASS = 41  # kg
RELATIVE_RAAN = 56  # rad, against an orbit that stayed put


def plot_path(script: str, doc: str | None, argv: Sequence[str] | None = None) -> Path:
    """The PNG path the user asked for when running ``script`` (see the module docstring);
    ``--help`` shows the first line of the script's ``doc`` and explains the argument."""
    example = Path(script).stem
    parser = argparse.ArgumentParser(description=(doc or "").strip().split("\n", 1)[0])
    parser.add_argument(
        "plot",
        nargs="?",
        type=Path,
        help=f"where to write the plot (default: ${PLOT_DIR_VARIABLE}/{example}.png, "
        f"else ./{example}.png)",
    )
    options = parser.parse_args(argv)
    if options.plot is not None:
        return Path(options.plot)
    return Path(os.environ.get(PLOT_DIR_VARIABLE) or ".") / f"{example}.png"


def new_figure(rows: int = 1, height: float = 4.0) -> tuple[Figure, list[Any]] | None:
    """A figure with ``rows`` stacked axes sharing their x axis; None (and a one-line note)
    when matplotlib, the optional ``plots`` extra, is not installed."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        print(
            "matplotlib is not installed, so no plot was written "
            "(pip install 'spacestudio-harness[plots]' to get it)"
        )
        return None
    # A bare Figure draws straight to a file: no GUI backend, no global pyplot state.
    figure = Figure(figsize=(9.0, height * rows), layout="constrained")
    axes = figure.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    return figure, list(axes)


def save(figure: Figure, path: Path) -> None:
    """Write ``figure`` to ``path`` (its directory made when missing) and say where."""
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    print(f"Plot written to {path}")


def results_of(response: Any, what: str) -> dict[str, Any]:
    """The results ``R`` of a finished computation; exits with the service's messages when
    the computation failed, since nothing after it would make sense."""
    if not isinstance(response, dict) or not isinstance(response.get("results"), dict):
        sys.exit(f"{what}: the service returned no results ({response!r:.200})")
    errors = [
        str(error.get("message", error)) if isinstance(error, dict) else str(error)
        for error in response.get("errors") or ()
    ]
    if errors:
        sys.exit(f"{what} failed:\n  " + "\n  ".join(errors))
    results: dict[str, Any] = response["results"]
    return results


def column(rows: Sequence[Sequence[float]], index: int, scale: float = 1.0) -> list[float]:
    """One ephemerides column, multiplied by ``scale`` (for units)."""
    return [row[index] * scale for row in rows]


def days(rows: Sequence[Sequence[float]]) -> list[float]:
    """Elapsed time of each ephemerides row, in days."""
    return column(rows, ELAPSED_TIME, 1.0 / DAY)


def describe_orbit(orbit: dict[str, Any]) -> str:
    """``550.0 km circular, inclination 97.59 deg`` for an orbit object of the service."""
    altitude = orbit.get("altitude")
    if orbit.get("type") == "Elliptical" and orbit.get("perigeeAltitude") is not None:
        size = (
            f"{orbit['perigeeAltitude'] / 1e3:.1f} x {orbit['apogeeAltitude'] / 1e3:.1f} km"
            " elliptical"
        )
    elif isinstance(altitude, int | float):
        size = f"{altitude / 1e3:.1f} km circular"
    else:
        size = "altitude unknown"
    inclination = orbit.get("inclination")
    if isinstance(inclination, int | float):
        size += f", inclination {math.degrees(inclination):.2f} deg"
    return size
