"""Constellations of 6 to 48 satellites at 20-60 deg semi-view angles against SGP4 brute force."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from fake_server.compute import compute_mission

from .sgp4_coverage import statistics, walker

EPOCH = datetime(2024, 3, 1, tzinfo=UTC)
DURATION, STEP = 86400.0, 10.0

GRID = [
    # (altitude km, inclination deg, planes, per plane, phasing slots, semi-view deg,
    #  coverage tolerance (share), revisit tolerance (relative)), tolerances from the measured
    # worst: 0.0002 / 0.04 %, 0.0013 / 0.15 %, and 0.019 / 8.3 % at 60 deg off nadir, where
    # the swath edge grazes the horizon and SGP4's short-period altitude swing (km) moves it.
    (700.0, 60.0, 2, 3, 1, 20.0, 0.002, 0.005),
    (550.0, 53.0, 4, 6, 1, 40.0, 0.005, 0.01),
    (800.0, 97.6, 6, 8, 2, 60.0, 0.03, 0.12),
]


def fly_walker(
    altitude: float, inclination: float, planes: int, per_plane: int, f: int, eta: float
) -> tuple[list[Any], Any]:
    """The fake's mesh points for a Walker shell (km, deg) and SGP4's statistics of them."""
    total = planes * per_plane
    shell = {
        "name": "W",
        "planeDefinitionType": "ALTITUDE_AND_INCLINATION",
        "altitude": altitude * 1e3,
        "inclination": math.radians(inclination),
        "numberOfPlanes": planes,
        "numberOfSpacecraftsPerPlane": per_plane,
        "deltaRaan": 2 * math.pi / planes,
        "interPlanePhasing": 2 * math.pi * f / total,
        "payload": {"semiViewAngleCircularDefinition": math.radians(eta)},
    }
    mesh = {
        "name": "band",
        "southernmostLatitude": math.radians(-40),
        "northernmostLatitude": math.radians(40),
        "westernmostLongitude": math.radians(-170),
        "easternmostLongitude": math.radians(130),
        "numberOfLatitudes": 3,
        "numberOfLongitudes": 3,
    }
    computation = compute_mission(
        "constellationperformanceanalysisrequests",
        {
            "name": "oracle",
            "constellation": {"homogeneousConstellationGeometries": [shell]},
            "earthMeshes": [mesh],
            "simulationDate": "2024-03-01T00:00:00Z",
            "simulationDuration": DURATION,
            "computeRevisit": True,
        },
    )
    assert computation.errors == []
    points = computation.results["meshPerformances"][0]["points"]
    oracle = statistics(
        walker(
            altitude,
            math.radians(inclination),
            planes,
            per_plane,
            2 * math.pi / planes,
            2 * math.pi * f / total,
            EPOCH,
        ),
        EPOCH,
        DURATION,
        STEP,
        np.array([p["latitude"] for p in points]),
        np.array([p["longitude"] for p in points]),
        math.radians(eta),
    )
    return points, oracle


@pytest.mark.parametrize(
    ("altitude", "inclination", "planes", "per_plane", "f", "eta", "coverage_tol", "revisit_tol"),
    GRID,
)
def test_coverage_and_revisit_against_sgp4(
    altitude: float,
    inclination: float,
    planes: int,
    per_plane: int,
    f: int,
    eta: float,
    coverage_tol: float,
    revisit_tol: float,
) -> None:
    points, oracle = fly_walker(altitude, inclination, planes, per_plane, f, eta)
    for point, expected in zip(points, oracle, strict=True):
        metrics = point["metrics"]["statisticalMetrics"]
        assert metrics["COVERAGE"]["average"] == pytest.approx(expected.coverage, abs=coverage_tol)
        assert metrics["REVISIT_TIME"]["average"] == pytest.approx(
            expected.mean_revisit, rel=revisit_tol, abs=2 * STEP
        )
