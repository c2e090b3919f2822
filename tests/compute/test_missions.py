"""What scripts notice: results shape, determinism, pause/resume/merge, errors and bounds."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from fake_server.compute import complete_orbit, compute_mission, continue_from_paused, merge_results
from fake_server.compute.constants import EARTH_RADIUS
from fake_server.compute.missions import RUNNERS
from spacestudio_contract.catalog import COLLECTIONS

SIM = "simulationrequests"


def _transfer(mission: Any) -> dict[str, Any]:
    return mission(
        type="Orbital Transfer",
        targetDefinition="DELTA",
        deltaSemiMajorAxis=100e3,
        deltaInclination=0.01,
        deltaEccentricity=0.001,
    )


def test_transfer_results_hold_the_contract(mission: Any) -> None:
    computation = compute_mission(SIM, _transfer(mission))
    assert computation.errors == [] and not computation.paused
    results = computation.results
    fields = results["fieldIndexes"]
    assert (
        fields["ELAPSED_TIME"],
        fields["KEPLERIAN_SEMI_MAJOR_AXIS"],
        fields["TOTAL_MASS"],
        fields["RELATIVE_RAAN"],
    ) == (0, 24, 41, 56)
    rows = results["ephemerides"]
    assert rows[0][0] == 0.0 and rows[1][0] == 120.0
    assert rows[-1][0] == pytest.approx(results["maneuverReport"]["simulationDuration"])
    assert rows[-1][24] == pytest.approx(EARTH_RADIUS + 600e3, abs=1e-3)
    report = results["maneuverReport"]
    assert rows[0][41] - rows[-1][41] == pytest.approx(report["totalConsumption"])
    assert report["totalNumberOfBurns"] > 1 and report["totalDeltaV"] > 50
    final = results["finalOrbit"]
    assert final["type"] == "Elliptical" and final["name"] == "M final orbit"
    assert final["altitude"] == pytest.approx(600e3, abs=1e-3)
    # finalOrbit reads back as the same orbit.
    assert complete_orbit(final)["inclination"] == pytest.approx(final["inclination"])
    json.dumps(results, allow_nan=False)


def test_identical_inputs_give_identical_json(mission: Any) -> None:
    body = mission(
        type="LEO Station Keeping", smaTopMargin=500.0, smaBottomMargin=500.0, duration=20 * 86400.0
    )
    first = json.dumps(compute_mission(SIM, body).results, sort_keys=True)
    assert first == json.dumps(compute_mission(SIM, body).results, sort_keys=True)


@pytest.mark.parametrize("pause", [36000.0, 36037.5])
@pytest.mark.parametrize(
    "kind",
    [
        {
            "type": "Orbital Transfer",
            "targetDefinition": "DELTA",
            "deltaSemiMajorAxis": 100e3,
            "deltaInclination": 0.01,
        },
        {
            "type": "RAAN Phasing",
            "targetDeltaRaan": 0.05,
            "optimizationType": "FASTEST",
            "targetDeltaVmax": 200.0,
        },
        {
            "type": "LEO Station Keeping",
            "smaTopMargin": 500.0,
            "smaBottomMargin": 500.0,
            "duration": 40 * 86400.0,
        },
    ],
)
def test_pause_resume_and_merge_equal_one_run(
    mission: Any, kind: dict[str, Any], pause: float
) -> None:
    body = mission(**kind)
    whole = compute_mission(SIM, body).results
    first = compute_mission(SIM, body, until_duration=pause)
    assert first.paused and first.errors == []
    assert first.results["maneuverReport"]["simulationDuration"] == pytest.approx(pause, abs=1.0)
    continuation = continue_from_paused(SIM, body, first.results, "M part 2")
    assert continuation.mission["name"] == "M part 2"
    burnt = first.results["maneuverReport"]["totalConsumption"]
    assert continuation.spacecraft["thruster"]["propellantMass"] == pytest.approx(20.0 - burnt)
    second = compute_mission(SIM, continuation.mission)
    assert second.errors == [] and not second.paused
    merged = merge_results([first.results, second.results])
    expected, got = np.array(whole["ephemerides"]), np.array(merged["ephemerides"])
    assert got.shape == expected.shape
    scale = np.maximum(np.max(np.abs(expected), axis=0), 1.0)
    angle_columns = [
        whole["fieldIndexes"][name]
        for name in whole["fieldIndexes"]
        if name
        in (
            "KEPLERIAN_RAAN",
            "KEPLERIAN_PERIGEE_ARGUMENT",
            "KEPLERIAN_MEAN_ANOMALY",
            "KEPLERIAN_TRUE_ANOMALY",
            "ARGUMENT_OF_LATITUDE",
            "EQUINOCTIAL_LM",
            "LONGITUDE",
            "REFERENCE_RAAN",
            "LTAN",
        )
    ]
    difference = np.abs(got - expected) / scale
    wrapped = np.abs(np.angle(np.exp(1j * (got[:, angle_columns] - expected[:, angle_columns]))))
    difference[:, angle_columns] = np.where(
        np.isin(angle_columns, [whole["fieldIndexes"]["LTAN"]]), 0.0, wrapped
    )
    assert float(difference.max()) < 1e-8
    for key in ("simulationDuration", "totalConsumption", "totalNumberOfBurns", "totalDeltaV"):
        assert merged["maneuverReport"][key] == pytest.approx(
            whole["maneuverReport"][key], rel=1e-9
        )
    assert merged["finalOrbit"]["semiMajorAxis"] == pytest.approx(
        whole["finalOrbit"]["semiMajorAxis"], rel=1e-12
    )
    assert merged["initialOrbit"] == whole["initialOrbit"]


def test_raan_phasing_ends_at_the_target(mission: Any) -> None:
    results = compute_mission(
        SIM,
        mission(
            type="RAAN Phasing",
            targetDeltaRaan=0.1,
            optimizationType="FASTEST",
            targetDeltaVmax=200.0,
        ),
    ).results
    assert results["ephemerides"][-1][56] == pytest.approx(0.1, abs=1e-5)
    assert results["ephemerides"][-1][24] == pytest.approx(EARTH_RADIUS + 500e3, abs=1e-3)
    assert results["maneuverReport"]["totalDeltaV"] <= 200.0


def test_raan_phasing_least_delta_v_respects_the_duration(mission: Any) -> None:
    body = mission(
        type="RAAN Phasing",
        targetDeltaRaan=-0.05,
        optimizationType="LEAST_DELTA_V",
        targetMissionDuration=120 * 86400.0,
    )
    computation = compute_mission(SIM, body)
    assert computation.errors == []
    assert computation.results["maneuverReport"]["simulationDuration"] <= 120 * 86400.0 * (1 + 1e-6)


def test_station_keeping_keeps_the_orbit_in_its_box(mission: Any) -> None:
    results = compute_mission(
        SIM,
        mission(
            type="LEO Station Keeping",
            smaTopMargin=500.0,
            smaBottomMargin=500.0,
            duration=100 * 86400.0,
            customSolarFlux=200.0,
        ),
    ).results
    sma = np.array(results["ephemerides"])[:, 24] - (EARTH_RADIUS + 500e3)
    assert sma.min() >= -500.0 - 1e-3 and sma.max() <= 500.0 + 1e-3
    assert results["maneuverReport"]["totalNumberOfBurns"] >= 3


def test_strategy_design_reports_the_power_generated_in_each_mode(mission: Any) -> None:
    results = compute_mission(
        SIM,
        mission(
            type="Maneuvering Strategy Design",
            thrustAttitudeMode="TANGENTIAL",
            restAttitudeMode="SUN_POINTING",
            maximumDuration=86400.0,
        ),
    ).results
    strategy = results["strategy"]
    beta = strategy["betaAngle"]
    # Wertz (SMAD 3rd ed.) eq. 5-5, cylindrical shadow of the circular 500 km orbit.
    radius = 6378137.0 + 500e3
    limit = math.sqrt(radius**2 - 6378137.0**2) / radius
    eclipse = math.acos(limit / math.cos(beta)) / math.pi if math.cos(beta) > limit else 0.0
    # Sun-pointed arrays give their full power whenever lit; arrays on the -Z face with +Z to
    # nadir face the zenith, whose mean max(0, cos beta cos u) over an orbit is cos(beta)/pi
    # (their lit half is all in sunlight): the ratio is free of the Sun's distance and size.
    ratio = results["thrustModeMeanPower"] / results["restModeMeanPower"]
    assert ratio == pytest.approx((math.cos(beta) / math.pi) / (1 - eclipse), rel=0.01)
    # The duty cycle the budget allows is the published computeOAPWithMSD's balance.
    rest, thrust = results["restModeMeanPower"], results["thrustModeMeanPower"]
    share = (rest - strategy["platformPower"]) / (strategy["thrusterPower"] + rest - thrust)
    assert strategy["sustainableDutyCycle"] == pytest.approx(min(1.0, max(0.0, share)))


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"type": "Orbital Transfer", "deltaSemiMajorAxis": -400e3}, "below the 150 km"),
        ({"type": "Orbital Transfer", "deltaSemiMajorAxis": 20000e3}, "propellant exhausted"),
        (
            {
                "type": "RAAN Phasing",
                "targetDeltaRaan": 1.0,
                "optimizationType": "FASTEST",
                "targetDeltaVmax": 1.0,
            },
            "targetDeltaVmax",
        ),
        ({"type": "Teleport"}, "mission.type must be one of"),
        (
            {"type": "Orbital Transfer", "ephemeridesStepInSeconds": "soon"},
            "ephemeridesStepInSeconds must be a number",
        ),
        (
            {"type": "RAAN Phasing", "targetDeltaRaan": 0.1, "optimizationType": "CHEAPEST"},
            "optimizationType",
        ),
    ],
)
def test_impossible_missions_come_back_with_errors(
    mission: Any, fields: dict[str, Any], fragment: str
) -> None:
    computation = compute_mission(SIM, mission(**fields))
    assert computation.errors, computation.results
    assert fragment in computation.errors[0]["message"]
    assert computation.results["name"] == "M"


def test_every_mission_collection_of_the_catalog_has_a_runner_and_no_other() -> None:
    missions = {spec.segment for spec in COLLECTIONS if spec.mission}
    runners = {spec.segment for spec in RUNNERS}
    assert missions - runners == set(), "mission collections without a runner"
    assert runners - missions == set(), "runners of no mission collection of the catalog"
    assert set(RUNNERS) <= set(COLLECTIONS)


def test_nonsense_bodies_never_raise() -> None:
    for body in (
        {},
        {"name": 3},
        {"type": "Orbital Transfer", "spacecraft": []},
        {"initialOrbit": "x"},
    ):
        for collection in (
            "simulationrequests",
            "constellationperformanceanalysisrequests",
            "deploymentrequests",
            "parametricstudyrequests",
            "formationflyingsimulationrequests",
            "inspectionsimulationrequests",
            "constellationoptimizationrequests",
            "constellationgenerationrequests",
            "constellationsimulationrequests",
            "nosuch",
        ):
            computation = compute_mission(collection, body)
            json.dumps(computation.results, allow_nan=False)
    assert complete_orbit({"altitude": "high", "type": 5}) == {"altitude": "high", "type": 5}


def test_too_many_rows_are_refused_not_computed(mission: Any) -> None:
    body = mission(
        type="LEO Station Keeping",
        smaTopMargin=500.0,
        smaBottomMargin=500.0,
        duration=3650 * 86400.0,
        ephemeridesStepInSeconds=1.0,
        maximumDuration=3650 * 86400.0,
    )
    computation = compute_mission(SIM, body)
    assert "rows" in computation.errors[0]["message"]
    assert "ephemerides" not in computation.results


def _walker(planes: int, per_plane: int) -> dict[str, Any]:
    return {
        "name": "W",
        "altitude": 700e3,
        "inclination": math.radians(60.0),
        "numberOfPlanes": planes,
        "numberOfSpacecraftsPerPlane": per_plane,
        "deltaRaan": 2 * math.pi / planes,
        "interPlanePhasing": 1,
        "payload": {"semiViewAngleCircularDefinition": math.radians(45.0)},
    }


def _mesh(n_lat: int, n_lon: int) -> dict[str, Any]:
    return {
        "name": "Europe",
        "southernmostLatitude": math.radians(35),
        "northernmostLatitude": math.radians(55),
        "westernmostLongitude": math.radians(-10),
        "easternmostLongitude": math.radians(20),
        "numberOfLatitudes": n_lat,
        "numberOfLongitudes": n_lon,
    }


def test_more_satellites_revisit_more_often() -> None:
    def revisit(planes: int) -> list[float]:
        body = {
            "name": "P",
            "constellation": {"homogeneousConstellationGeometries": [_walker(planes, 4)]},
            "earthMeshes": [_mesh(3, 4)],
            "simulationDate": "2024-01-01T00:00:00Z",
            "simulationDuration": 2 * 86400.0,
        }
        computation = compute_mission("constellationperformanceanalysisrequests", body)
        assert computation.errors == []
        points = computation.results["meshPerformances"][0]["points"]
        assert len(points) == 12
        assert [p["latitude"] for p in points[:4]] == [pytest.approx(math.radians(35))] * 4
        assert points[1]["longitude"] > points[0]["longitude"]
        return [p["metrics"]["statisticalMetrics"]["REVISIT_TIME"]["average"] for p in points]

    sparse, dense = revisit(2), revisit(6)
    assert np.mean(dense) < np.mean(sparse)
    assert all(value > 0 for value in dense)


def test_huge_meshes_are_refused() -> None:
    body = {
        "name": "P",
        "constellation": {"homogeneousConstellationGeometries": [_walker(2, 2)]},
        "earthMeshes": [_mesh(1000, 1000)],
    }
    computation = compute_mission("constellationperformanceanalysisrequests", body)
    assert "points" in computation.errors[0]["message"]


def test_generation_finds_a_constellation_meeting_the_threshold() -> None:
    body = {
        "name": "G",
        "altitude": 700e3,
        "inclination": math.radians(60.0),
        "payload": {"semiViewAngleCircularDefinition": math.radians(50.0)},
        "earthMesh": _mesh(2, 2),
        "threshold": 6 * 3600.0,
        "simulationDuration": 86400.0,
        "maximumNumberOfPlanes": 4,
        "maximumNumberOfSpacecraftsPerPlane": 4,
    }
    computation = compute_mission("constellationgenerationrequests", body)
    assert computation.errors == []
    tried = computation.results["evaluatedConfigurations"]
    assert tried[-1]["meetsThreshold"] and not any(t["meetsThreshold"] for t in tried[:-1])


def test_inspection_keeps_its_distance(sso_orbit: dict[str, Any]) -> None:
    computation = compute_mission(
        "inspectionsimulationrequests",
        {"name": "I", "initialOrbit": sso_orbit, "inspectionDistance": 50.0},
    )
    assert computation.results["minimumRange"] == pytest.approx(50.0)
    assert computation.results["maximumRange"] == pytest.approx(50.0)


def test_other_missions_give_structured_results(sso_orbit: dict[str, Any]) -> None:
    deployment = compute_mission(
        "deploymentrequests",
        {"name": "D", "launch": {"injectionOrbit": sso_orbit, "numberOfSatellites": 4}},
    )
    assert deployment.errors == [] and deployment.results["timeToEvenSpacing"] > 0
    study = compute_mission(
        "parametricstudyrequests",
        {
            "name": "S",
            "parametricOrbit": {"altitude": [500e3, 600e3]},
            "parametricPropulsionSystem": {
                "thrust": {"min": 0.01, "max": 0.02, "numberOfValues": 3}
            },
            "deltaSemiMajorAxis": 50e3,
        },
    )
    assert study.results["numberOfCases"] == 6
    simulation = compute_mission(
        "constellationsimulationrequests",
        {
            "name": "C",
            "constellation": {"homogeneousConstellationGeometries": [_walker(2, 2)]},
            "simulationDuration": 3600.0,
            "ephemeridesStepInSeconds": 600.0,
        },
    )
    assert len(simulation.results["satellites"]) == 4
    assert len(simulation.results["satellites"][0]["ephemerides"]) == 7
