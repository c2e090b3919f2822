"""Coverage and revisit of constellations against hand calculations, and the vendor's
revisit script's bodies (``Constellations_revisit_rate_evolution.py``) as it sends them.

Every expected figure is computed here from textbook formulas, never from the fake:
Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., eqs. 9-41/9-42 (J2
secular rates); Wertz, *Space Mission Analysis and Design*, 3rd ed., eqs. 5-17..5-19 (the
swath's Earth central angle).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from bench.revisit import sampled_statistics, vendor_mission
from fake_server.compute import compute_mission
from fake_server.compute.constellation import read_shell, read_shells, walker_elements
from fake_server.compute.constellation_performance import read_mesh
from fake_server.compute.timescale import DEFAULT_EPOCH, parse_datetime

PERFORMANCE = "constellationperformanceanalysisrequests"
RE = 6378137.0  # m, WGS-84
MU = 3.986004418e14  # m^3/s^2
J2 = 1.08262668e-3
EARTH_SIDEREAL_RATE = 7.2921158553e-5  # rad/s (Vallado, eq. 3-40)
SUN_MEAN_MOTION = 2 * math.pi / (365.2421897 * 86400.0)  # rad/s, one tropical year
DAY = 86400.0


def swath_half_angle(altitude: float, semi_view_angle: float) -> float:
    """Wertz eqs. 5-17..5-19: sin rho = Re / (Re + h), cos eps = sin eta / sin rho,
    lambda = 90 deg - eta - eps."""
    sin_rho = RE / (RE + altitude)
    elevation = math.acos(math.sin(semi_view_angle) / sin_rho)
    return math.pi / 2 - semi_view_angle - elevation


def j2_factor(altitude: float) -> tuple[float, float]:
    """Mean motion n and F = 3/4 n J2 (Re/a)^2 of a circular orbit (Vallado 9-41/9-42:
    dRAAN/dt = -2 F cos i, dw/dt = F (5 cos^2 i - 1), dM/dt = n + F (3 cos^2 i - 1))."""
    a = RE + altitude
    n = math.sqrt(MU / a**3)
    return n, 0.75 * n * J2 * (RE / a) ** 2


def one_point_mission(
    latitude_deg: float, longitude_deg: float, shells: list[dict[str, Any]], duration: float
) -> dict[str, Any]:
    return {
        "name": "one point",
        "constellation": {"homogeneousConstellationGeometries": shells},
        "earthMeshes": [
            {
                "southernmostLatitude": math.radians(latitude_deg),
                "northernmostLatitude": math.radians(latitude_deg),
                "westernmostLongitude": math.radians(longitude_deg),
                "easternmostLongitude": math.radians(longitude_deg),
                "numberOfLatitudes": 1,
                "numberOfLongitudes": 1,
            }
        ],
        "simulationDate": "2024-03-01T00:00:00Z",
        "simulationDuration": duration,
        "computeRevisit": True,
    }


def single(altitude: float, inclination_deg: float, eta_deg: float, **more: Any) -> dict[str, Any]:
    return {
        "name": "single",
        "planeDefinitionType": "ALTITUDE_AND_INCLINATION",
        "altitude": altitude,
        "inclination": math.radians(inclination_deg),
        "numberOfPlanes": 1,
        "numberOfSpacecraftsPerPlane": 1,
        "deltaRaan": 0.0,
        "payload": {"semiViewAngleCircularDefinition": math.radians(eta_deg)},
        **more,
    }


def metrics_of(results: dict[str, Any]) -> list[dict[str, Any]]:
    points = results["meshPerformances"][0]["points"]
    return [p["metrics"]["statisticalMetrics"] for p in points]


def computed(mission: dict[str, Any]) -> dict[str, Any]:
    computation = compute_mission(PERFORMANCE, mission)
    assert computation.errors == [], computation.errors
    return computation.results


# --- the sun-synchronous inclination ---------------------------------------------------


def test_sun_synchronous_plane_takes_the_j2_inclination() -> None:
    # Node drift -3/2 n J2 (Re/a)^2 cos i equal to the mean Sun's 0.9856 deg/day.
    _, factor = j2_factor(600e3)
    expected = math.degrees(math.acos(-SUN_MEAN_MOTION / (2 * factor)))
    body = vendor_mission(30.0)["constellation"]["homogeneousConstellationGeometries"][0]
    shell = read_shell(body, "geometry", DEFAULT_EPOCH)
    assert math.degrees(shell.inclination) == pytest.approx(expected, abs=1e-6)
    # Published: about 97.8 deg at 600 km, the usual SSO tables; the Wikipedia article
    # "Sun-synchronous orbit" works the same condition at 800 km: 98.6 deg.
    assert math.degrees(shell.inclination) == pytest.approx(97.8, abs=0.05)
    higher = read_shell({**body, "altitude": 800e3}, "geometry", DEFAULT_EPOCH)
    assert math.degrees(higher.inclination) == pytest.approx(98.6, abs=0.05)
    # Without a plane definition type, the orbit bodies' sunSynchronousOrbit flag says it.
    legacy = {**body, "planeDefinitionType": None, "sunSynchronousOrbit": True}
    assert read_shell(legacy, "geometry", DEFAULT_EPOCH).inclination == shell.inclination
    # An inclination sent alongside does not override the sun-synchronous condition.
    tilted = read_shell({**body, "inclination": 1.0}, "geometry", DEFAULT_EPOCH)
    assert tilted.inclination == shell.inclination


# --- single satellites at known geometry -----------------------------------------------


def test_polar_orbit_over_the_pole_passes_once_a_revolution() -> None:
    # The pole lies in every polar plane: the satellite is overhead at u = 90 deg each
    # revolution, in view while |u - 90 deg| <= lambda, whatever the Earth's rotation.
    altitude, eta = 700e3, math.radians(30.0)
    n, factor = j2_factor(altitude)
    u_rate = n + factor * (5 * 0 - 1) + factor * (3 * 0 - 1)  # cos i = 0
    lam = swath_half_angle(altitude, eta)
    duration = 2 * DAY
    results = computed(one_point_mission(90.0, 0.0, [single(altitude, 90.0, 30.0)], duration))
    (stats,) = metrics_of(results)
    pass_duration = 2 * lam / u_rate
    gap = (2 * math.pi - 2 * lam) / u_rate
    assert stats["ACCESS_DURATION"]["average"] == pytest.approx(pass_duration, abs=0.01)
    assert stats["ACCESS_DURATION"]["min"] == pytest.approx(pass_duration, abs=0.01)
    assert stats["REVISIT_TIME"]["average"] == pytest.approx(gap, abs=0.01)
    assert stats["REVISIT_TIME"]["max"] == pytest.approx(gap, abs=0.01)
    assert stats["REVISIT_TIME"]["min"] == pytest.approx(gap, abs=0.01)
    # The revisit is one orbital period (Kepler, 2 pi sqrt(a^3 / mu)) less one pass, to
    # within the J2 slowing of the argument of latitude (3/2 J2 (Re/a)^2, 0.13 %).
    kepler = 2 * math.pi * math.sqrt((RE + altitude) ** 3 / MU)
    assert stats["REVISIT_TIME"]["average"] + pass_duration == pytest.approx(kepler, rel=2e-3)
    # The satellite starts at u = 0 (the equator): its first pass is a quarter orbit in.
    first_start = (math.pi / 2 - lam) / u_rate
    passes = math.floor((duration - first_start) * u_rate / (2 * math.pi)) + 1
    assert stats["NUMBER_OF_ACCESSES"]["average"] == passes
    covered = stats["COVERAGE"]["average"] * duration
    assert covered == pytest.approx(passes * pass_duration, abs=0.05)


def test_equatorial_orbit_over_an_equator_point_laps_it_at_the_synodic_rate() -> None:
    # i = 0: the ground track is the equator; the satellite overtakes the point at
    # dRAAN/dt + dw/dt + dM/dt - omega_earth = n + 4 F - omega_earth (cos i = 1).
    altitude, eta = 800e3, math.radians(20.0)
    n, factor = j2_factor(altitude)
    relative = n + 4 * factor - EARTH_SIDEREAL_RATE
    lam = swath_half_angle(altitude, eta)
    results = computed(one_point_mission(0.0, 30.0, [single(altitude, 0.0, 20.0)], 3 * DAY))
    (stats,) = metrics_of(results)
    assert stats["ACCESS_DURATION"]["average"] == pytest.approx(2 * lam / relative, abs=0.01)
    assert stats["REVISIT_TIME"]["average"] == pytest.approx(
        (2 * math.pi - 2 * lam) / relative, abs=0.01
    )
    assert stats["REVISIT_TIME"]["max"] - stats["REVISIT_TIME"]["min"] < 0.01


def test_a_point_beyond_the_swath_of_an_equatorial_orbit_is_never_seen() -> None:
    # i = 0 sees latitudes up to lambda (about 2.6 deg here): 10 deg N never, so the point
    # has no access, no coverage, and reports the whole duration as its revisit.
    results = computed(one_point_mission(10.0, 0.0, [single(800e3, 0.0, 20.0)], DAY))
    (stats,) = metrics_of(results)
    assert stats["NUMBER_OF_ACCESSES"]["average"] == 0
    assert stats["COVERAGE"]["average"] == 0
    assert stats["REVISIT_TIME"] == {"average": DAY, "max": DAY, "min": DAY}
    assert stats["ACCESS_DURATION"] == {"average": 0.0, "max": 0.0, "min": 0.0}


def test_without_compute_revisit_the_revisit_figures_are_left_out() -> None:
    mission = one_point_mission(90.0, 0.0, [single(700e3, 90.0, 30.0)], DAY)
    mission["computeRevisit"] = False
    results = computed(mission)
    (stats,) = metrics_of(results)
    assert "REVISIT_TIME" not in stats and stats["NUMBER_OF_ACCESSES"]["average"] > 10
    assert "worstRevisitTime" not in results["meshPerformances"][0]


def test_overlapping_passes_of_two_satellites_make_one_access() -> None:
    # Two polar satellites a third of a swath apart in the same plane (two sub-
    # constellations): over the pole their views overlap, so the point has one access per
    # revolution lasting 2 lambda + the separation, and the gap shrinks as much.
    altitude, eta = 700e3, math.radians(30.0)
    n, factor = j2_factor(altitude)
    u_rate = n - 2 * factor
    lam = swath_half_angle(altitude, eta)
    apart = lam * 2 / 3
    leader = single(altitude, 90.0, 30.0, firstSpacecraftInitialInOrbitPosition=apart)
    results = computed(one_point_mission(90.0, 0.0, [single(altitude, 90.0, 30.0), leader], DAY))
    (stats,) = metrics_of(results)
    assert stats["ACCESS_DURATION"]["average"] == pytest.approx(
        (2 * lam + apart) / u_rate, abs=0.01
    )
    assert stats["REVISIT_TIME"]["average"] == pytest.approx(
        (2 * math.pi - 2 * lam - apart) / u_rate, abs=0.01
    )


# --- the vendor's script -----------------------------------------------------------------


@pytest.fixture(scope="module")
def vendor_results() -> dict[float, dict[str, Any]]:
    return {angle: computed(vendor_mission(angle)) for angle in (10.0, 15.0, 20.0, 30.0)}


def test_the_vendor_bodies_give_sensible_revisit_maps(
    vendor_results: dict[float, dict[str, Any]],
) -> None:
    means = []
    for results in vendor_results.values():
        points = results["meshPerformances"][0]["points"]
        assert len(points) == 30 * 30
        # Latitude-major: the script reshapes the list to (latitudes, longitudes).
        grid = np.array([[p["latitude"], p["longitude"]] for p in points]).reshape(30, 30, 2)
        assert np.allclose(grid[:, :, 0], np.radians(np.linspace(40, 55, 30))[:, None])
        assert np.allclose(grid[:, :, 1], np.radians(np.linspace(-5, 10, 30))[None, :])
        averages = np.array([m["REVISIT_TIME"]["average"] for m in metrics_of(results)])
        assert np.all(np.isfinite(averages))
        assert np.all((averages > 0) & (averages < 7 * DAY))
        means.append(float(np.mean(averages)))
    assert means == sorted(means, reverse=True), "a wider view must revisit more often"
    assert len(set(means)) == 4


@pytest.mark.parametrize("angle", [10.0, 15.0, 20.0, 30.0])
def test_vendor_scenario_matches_the_ground_track_statistics(
    vendor_results: dict[float, dict[str, Any]], angle: float
) -> None:
    # Over a week the Earth's rotation spreads each satellite evenly in longitude. A
    # circular orbit (sin lat = sin i sin u, u uniform) spends the share
    # cos(lat) / (pi sqrt(sin^2 i - sin^2 lat)) of its time per radian of latitude, so a
    # point at latitude lat is within the small cap of radius lambda of one satellite for
    # the share lambda^2 / (2 pi sqrt(sin^2 i - sin^2 lat)) of the time; 24 satellites
    # rarely overlap there. Passes cross the cap at random offsets: the mean chord of a
    # circle is pi/2 times its radius, flown at about the mean motion n. The mean gap
    # between accesses is then chord (1/coverage - 1).
    n, factor = j2_factor(600e3)
    inclination = math.acos(-SUN_MEAN_MOTION / (2 * factor))
    lam = swath_half_angle(600e3, math.radians(angle))
    latitudes = np.radians(np.linspace(40, 55, 30))
    share = (
        24 * lam**2 / (2 * math.pi * np.sqrt(math.sin(inclination) ** 2 - np.sin(latitudes) ** 2))
    )
    chord = math.pi / 2 * lam / n
    metrics = metrics_of(vendor_results[angle])
    coverage = np.mean([m["COVERAGE"]["average"] for m in metrics])
    duration = np.mean([m["ACCESS_DURATION"]["average"] for m in metrics])
    revisit = np.mean([m["REVISIT_TIME"]["average"] for m in metrics])
    assert coverage == pytest.approx(np.mean(share), rel=0.03)
    assert duration == pytest.approx(chord, rel=0.03)
    assert revisit == pytest.approx(np.mean(chord * (1 / np.repeat(share, 30) - 1)), rel=0.03)


def test_every_result_field_agrees_with_the_others(
    vendor_results: dict[float, dict[str, Any]],
) -> None:
    for results in vendor_results.values():
        for m in metrics_of(results):
            accesses = m["NUMBER_OF_ACCESSES"]["average"]
            in_view = m["COVERAGE"]["average"] * 7 * DAY
            assert in_view == pytest.approx(accesses * m["ACCESS_DURATION"]["average"], abs=1e-6)
            assert m["ACCESS_DURATION"]["min"] <= m["ACCESS_DURATION"]["average"]
            assert m["ACCESS_DURATION"]["average"] <= m["ACCESS_DURATION"]["max"]
            revisit = m["REVISIT_TIME"]
            assert revisit["min"] <= revisit["average"] <= revisit["max"]
            # Accesses and the gaps between them fit in the analysis.
            assert in_view + (accesses - 1) * revisit["average"] <= 7 * DAY + 1e-6
        worst = max(m["REVISIT_TIME"]["max"] for m in metrics_of(results))
        assert results["meshPerformances"][0]["worstRevisitTime"] == worst
        # The script's threshold of 1 s is met nowhere.
        assert results["meshPerformances"][0]["shareOfPointsMeetingThreshold"] == 0.0


def test_windows_agree_with_fine_sampling() -> None:
    # A method cross-check, not a hand calculation: three hours sampled every second.
    duration = 3 * 3600.0
    mission = vendor_mission(30.0, duration)
    epoch = parse_datetime(mission["simulationDate"])
    assert epoch is not None
    shells = read_shells(mission["constellation"], "c", epoch)
    mesh = read_mesh(mission["earthMeshes"][0], "m")
    sampled = sampled_statistics(shells, epoch, duration, 1.0, mesh)
    windows = metrics_of(computed(mission))
    accesses = [
        (s["NUMBER_OF_ACCESSES"]["average"], w["NUMBER_OF_ACCESSES"]["average"])
        for s, w in zip(sampled, windows, strict=True)
    ]
    agreeing = np.mean([a == b for a, b in accesses])
    assert agreeing > 0.99
    in_view = (
        np.array(
            [
                [s["COVERAGE"]["average"], w["COVERAGE"]["average"]]
                for s, w in zip(sampled, windows, strict=True)
            ]
        )
        * duration
    )
    # Each access's ends fall within one sample of the exact ones.
    counts = np.array([b for _, b in accesses])
    assert np.all(np.abs(in_view[:, 0] - in_view[:, 1]) <= 2.0 * counts + 1e-9)


# --- the input rules ---------------------------------------------------------------------


def test_walker_geometry_follows_the_definition_types() -> None:
    base = vendor_mission(30.0)["constellation"]["homogeneousConstellationGeometries"][0]
    shell = read_shell(
        {**base, "firstPlaneInitialRaan": 0.3, "firstSpacecraftInitialInOrbitPosition": 0.2},
        "g",
        DEFAULT_EPOCH,
    )
    raan, u = walker_elements(shell)
    planes = np.repeat(np.arange(4), 6)
    slots = np.tile(np.arange(6), 4)
    assert np.allclose(raan, 0.3 + planes * math.radians(45))
    expected_u = np.mod(0.2 + 2 * math.pi * slots / 6 + planes * math.radians(60), 2 * math.pi)
    assert np.allclose(u, expected_u)
    spread = read_shell(
        {
            **base,
            "definitionType": "RAAN_SPREAD",
            "minInitialRaan": 0.1,
            "maxInitialRaan": 0.1 + math.pi,
        },
        "g",
        DEFAULT_EPOCH,
    )
    raan, _ = walker_elements(spread)
    assert np.allclose(raan[::6], 0.1 + np.arange(4) * math.pi / 4)
    delta = read_shell(
        {**base, "definitionType": "RAAN_SPREAD", "minInitialRaan": 0.0}, "g", DEFAULT_EPOCH
    )
    assert np.allclose(walker_elements(delta)[0][::6], np.arange(4) * math.pi / 2)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (
            {"interPlanePhasing": 7.0},
            "interPlanePhasing must be at least -6.28319 and at most 6.28319 rad",
        ),
        ({"planeDefinitionType": "ALTITUDE_AND_LTAN"}, "planeDefinitionType must be one of"),
        ({"planeDefinitionType": "ALTITUDE_AND_INCLINATION"}, "inclination is missing"),
        ({"definitionType": "RAAN_LIST"}, "definitionType must be one of"),
        ({"constellationType": "WALKER"}, "constellationType must be one of 'CUSTOM'"),
        ({"payload": {"fieldOfViewType": "TYPE_RECTANGULAR"}}, "fieldOfViewType must be one of"),
        ({"deltaRaan": None}, "deltaRaan is missing"),
    ],
)
def test_ambiguous_or_unknown_inputs_are_refused(change: dict[str, Any], fragment: str) -> None:
    mission = vendor_mission(30.0, 3600.0)
    geometry = mission["constellation"]["homogeneousConstellationGeometries"][0]
    geometry.update(change)
    computation = compute_mission(PERFORMANCE, mission)
    assert computation.errors, computation.results
    assert fragment in computation.errors[0]["message"]


def test_geosynchronous_satellites_are_refused_with_the_reason() -> None:
    mission = one_point_mission(0.0, 0.0, [single(35_786e3, 0.0, 8.0)], DAY)
    computation = compute_mission(PERFORMANCE, mission)
    assert "lower the altitude" in computation.errors[0]["message"]


def test_a_mesh_of_another_range_type_is_refused() -> None:
    mission = vendor_mission(30.0, 3600.0)
    mission["earthMeshes"][0]["rangeType"] = "STEP"
    computation = compute_mission(PERFORMANCE, mission)
    assert "rangeType must be one of 'NUMBER'" in computation.errors[0]["message"]
