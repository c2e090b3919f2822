"""Each error users reported with independent references, held as a behaviour a user sees."""

from __future__ import annotations

from typing import Any

import pytest

from fake_server.compute import compute_mission

SIM = "simulationrequests"


def _descent(mission: Any, drop: float, **fields: Any) -> dict[str, Any]:
    body = mission(
        type="Orbital Transfer",
        targetDefinition="DELTA",
        deltaSemiMajorAxis=-drop,
        deltaInclination=0.0,
        deltaEccentricity=0.0,
        ephemeridesStepInSeconds=3600.0,
        **fields,
    )
    body["initialOrbit"] = {**body["initialOrbit"], "altitude": 400e3}
    return body


def test_a_descent_rides_the_drag_instead_of_fighting_it(mission: Any) -> None:
    """Lowering with drag on takes less delta-v than in vacuum, and reaching just above the
    floor is feasible even where the drag exceeds the thrust."""
    with_drag = compute_mission(SIM, _descent(mission, 240e3, customSolarFlux=250.0))
    vacuum = compute_mission(SIM, _descent(mission, 240e3, perturbations=["EARTH_POTENTIAL"]))
    assert with_drag.errors == [] and vacuum.errors == []
    spent = with_drag.results["maneuverReport"]["totalDeltaV"]
    assert spent < 0.95 * vacuum.results["maneuverReport"]["totalDeltaV"]
    assert with_drag.results["finalOrbit"]["altitude"] == pytest.approx(160e3, abs=1.0)


def test_a_raise_still_pays_for_the_drag(mission: Any) -> None:
    raise_body = _descent(mission, -200e3)
    with_drag = compute_mission(SIM, raise_body)
    vacuum = compute_mission(SIM, {**raise_body, "perturbations": ["EARTH_POTENTIAL"]})
    assert (
        with_drag.results["maneuverReport"]["totalDeltaV"]
        > vacuum.results["maneuverReport"]["totalDeltaV"]
    )
