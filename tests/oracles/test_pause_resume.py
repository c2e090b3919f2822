"""A transfer paused and resumed in parts, merged, against one oracle flight."""

from __future__ import annotations

import pytest

from fake_server.compute import compute_mission, continue_from_paused, merge_results

from . import gauss
from .scenarios import craft, degrees, mission, semi_major_axis

#: Measured: the parts add up to the oracle's single flight within 0.1 % (drag included).
TOLERANCE = 0.005


@pytest.mark.parametrize("parts", [2, 5])
def test_a_transfer_in_parts_is_the_flight_of_one(parts: int) -> None:
    body = mission(
        400e3,
        degrees(51.6),
        True,
        type="Orbital Transfer",
        targetDefinition="DELTA",
        deltaSemiMajorAxis=300e3,
        deltaInclination=degrees(0.5),
    )
    flight = gauss.transfer(
        craft(),
        semi_major_axis(400e3),
        degrees(51.6),
        semi_major_axis(700e3),
        degrees(52.1),
        drag=True,
    )
    pause = flight.duration / parts * 1.01
    chain = []
    current = body
    for part in range(parts + 1):
        computation = compute_mission(
            "simulationrequests", {**current, "durationUntilPause": pause}
        )
        assert computation.errors == []
        chain.append(computation.results)
        if not computation.paused:
            break
        current = continue_from_paused(
            "simulationrequests", current, computation.results, f"part {part + 2}"
        ).mission
    assert len(chain) == parts
    merged = merge_results(chain)["maneuverReport"]
    assert merged["totalDeltaV"] == pytest.approx(flight.delta_v, rel=TOLERANCE)
    assert merged["simulationDuration"] == pytest.approx(flight.duration, rel=TOLERANCE)
