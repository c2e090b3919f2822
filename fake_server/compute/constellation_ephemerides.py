"""Constellation simulation missions: the ephemerides (the shared layout) of every satellite
of a constellation, J2 secular, no thrust."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import inputs
from .constants import EARTH_RADIUS, MAX_EPHEMERIS_ROWS
from .constellation import read_analysis_span, read_shells, walker_elements
from .ephemerides import FIELD_INDEXES, Angles, build, coast_segment, row_count, row_times
from .results import Computation, guarded


def simulation(mission: Mapping[str, Any]) -> Computation:
    """Ephemerides (the shared layout) of every satellite, J2 secular, no thrust."""

    def run() -> dict[str, Any]:
        epoch, duration = read_analysis_span(mission)
        step = inputs.number(
            mission, "ephemeridesStepInSeconds", "mission", default=60.0, minimum=1.0, unit="s"
        )
        shells = read_shells(mission.get("constellation"), "mission.constellation", epoch)
        total_rows = sum(shell.count for shell in shells) * row_count(0.0, duration, step)
        if total_rows > MAX_EPHEMERIS_ROWS:
            raise inputs.MissionInputError(
                f"the ephemerides of all satellites would hold {total_rows} rows, more than the"
                f" {MAX_EPHEMERIS_ROWS} allowed: raise ephemeridesStepInSeconds or shorten"
                " simulationDuration"
            )
        satellites = []
        times = row_times(0.0, duration, step)
        for shell in shells:
            raan, u = walker_elements(shell)
            a = EARTH_RADIUS + shell.altitude
            for k in range(shell.count):
                angles = Angles(float(raan[k]), 0.0, float(u[k]), 0.0)
                segment = coast_segment(epoch, duration, a, 0.0, shell.inclination, angles)
                table = build(segment, times)
                satellites.append(
                    {
                        "name": f"{shell.name}-P{k // shell.per_plane + 1}"
                        f"-S{k % shell.per_plane + 1}",
                        "ephemerides": table.rows.tolist(),
                    }
                )
        return {
            "satellites": satellites,
            "fieldIndexes": dict(FIELD_INDEXES),
            "ephemeridesStepInSeconds": step,
        }

    return guarded(mission, run)
