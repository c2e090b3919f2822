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


def _station_keeping(mission: Any, days: float, step: float, duty: float) -> dict[str, Any]:
    body = mission(
        type="LEO Station Keeping",
        smaTopMargin=500.0,
        smaBottomMargin=500.0,
        duration=days * 86400.0,
        ephemeridesStepInSeconds=step,
    )
    body["spacecraft"] = {**body["spacecraft"], "dutyCycle": duty}
    body["initialOrbit"] = {**body["initialOrbit"], "altitude": 300e3}
    return body


def test_a_station_keeping_that_burns_counts_its_burns(mission: Any) -> None:
    burns = {}
    for duty in (0.5, 1.0):
        computation = compute_mission(SIM, _station_keeping(mission, 30.0, 86400.0, duty))
        report = computation.results["maneuverReport"]
        assert report["totalConsumption"] > 0
        column = computation.results["fieldIndexes"]["NUMBER_OF_BURNS"]
        assert computation.results["ephemerides"][-1][column] == report["totalNumberOfBurns"]
        burns[duty] = report["totalNumberOfBurns"]
    # Firing continuously, each raise is one burn: dozens in 30 days at 300 km. Firing half
    # of each orbit, a raise can take more burns, never fewer.
    assert burns[1.0] >= 20
    assert burns[0.5] >= burns[1.0]


def test_a_station_keeping_ends_at_its_duration_even_mid_raise(mission: Any) -> None:
    computation = compute_mission(SIM, _station_keeping(mission, 3.0, 10.0, 1.0))
    thrust_on = computation.results["fieldIndexes"]["THRUST_ON"]
    firing = [row[0] for row in computation.results["ephemerides"] if row[thrust_on]]
    assert firing
    mid_raise = firing[0] + 5.0
    body = _station_keeping(mission, mid_raise / 86400.0, 60.0, 1.0)
    report = compute_mission(SIM, body).results["maneuverReport"]
    assert report["simulationDuration"] == pytest.approx(mid_raise, abs=1e-6)


def test_the_eclipse_share_does_not_depend_on_the_ephemeris_step(mission: Any) -> None:
    shares = []
    for step in (60.0, 3600.0, 86400.0):
        body = _station_keeping(mission, 3.0, step, 1.0)
        shares.append(compute_mission(SIM, body).results["maneuverReport"]["eclipseShare"])
    assert max(shares) - min(shares) < 1e-6
    # SSO at 10:30 LTAN in January: beta about 25 deg, about 36 % in the shadow at 300 km.
    assert 0.30 < shares[0] < 0.40


def _phasing(mission: Any, target: float, **fields: Any) -> dict[str, Any]:
    return mission(
        type="RAAN Phasing",
        targetDeltaRaan=target,
        ephemeridesStepInSeconds=3600.0,
        maximumDuration=800 * 86400.0,
        **fields,
    )


def test_least_delta_v_phasing_uses_the_time_it_is_given(mission: Any) -> None:
    spent = []
    for days in (200.0, 250.0, 300.0):
        body = _phasing(
            mission,
            -0.3,
            optimizationType="ΔV",
            targetMissionDuration=days * 86400.0,
            perturbations=["EARTH_POTENTIAL"],
        )
        computation = compute_mission(SIM, body)
        assert computation.errors == []
        report = computation.results["maneuverReport"]
        # The least delta-v sits on the deadline: the whole time is used.
        assert report["simulationDuration"] == pytest.approx(days * 86400.0, rel=1e-3)
        spent.append(report["totalDeltaV"])
    assert spent[0] > spent[1] > spent[2]


@pytest.mark.parametrize(
    ("target", "fields"),
    [
        (0.1, {"optimizationType": "ΔT", "targetDeltaVmax": 200.0}),
        (0.3, {"optimizationType": "ΔT", "targetDeltaVmax": 150.0}),
        (0.5, {"optimizationType": "ΔV", "targetMissionDuration": 600 * 86400.0}),
        (-0.3, {"optimizationType": "ΔV", "targetMissionDuration": 300 * 86400.0}),
    ],
)
def test_phasing_with_drag_reaches_its_target(
    mission: Any, target: float, fields: dict[str, Any]
) -> None:
    computation = compute_mission(SIM, _phasing(mission, target, **fields))
    assert computation.errors == []
    results = computation.results
    assert results["ephemerides"][-1][56] == pytest.approx(target, abs=1e-6)
    report = results["maneuverReport"]
    if "targetDeltaVmax" in fields:
        assert report["totalDeltaV"] <= fields["targetDeltaVmax"] * (1 + 1e-6)
    else:
        assert report["simulationDuration"] <= fields["targetMissionDuration"] * (1 + 1e-6)


def test_a_merged_run_reports_the_eclipse_share_of_the_whole(mission: Any) -> None:
    from fake_server.compute import continue_from_paused, merge_results

    body = _station_keeping(mission, 4.0, 3600.0, 1.0)
    whole = compute_mission(SIM, body).results["maneuverReport"]["eclipseShare"]
    first = compute_mission(SIM, body, until_duration=3 * 86400.0)
    continuation = continue_from_paused(SIM, body, first.results, "part 2").mission
    second = compute_mission(SIM, continuation)
    merged = merge_results([first.results, second.results])["maneuverReport"]["eclipseShare"]
    assert merged == pytest.approx(whole, abs=1e-6)
