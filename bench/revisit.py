"""Benchmark 6: the vendor's revisit scenario, access windows against brute-force sampling.

``Constellations_revisit_rate_evolution.py`` (in every published sdist's ``API use cases``)
runs four performance analyses of a 4 x 6 sun-synchronous constellation at 600 km over a
30 x 30 mesh of western Europe for 7 days, with payload half-cones of 10, 15, 20 and 30 deg.
The goal is under 3 s per analysis on the project's 2-core machine. The baseline is the
brute-force method the fake used before: every satellite against every point at every
sample, sampling every tenth of the shortest pass across the swath. Both run over the same
shorter analysis (sampling 7 days would take minutes), in turns, and their figures are
compared.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime
from typing import Any

import numpy as np

from bench.timing import (
    Measurement,
    Profile,
    Ratio,
    Report,
    at_least,
    at_most,
    measure,
    measure_side_by_side,
)
from fake_server.compute import compute_mission
from fake_server.compute.constants import EARTH_RADIUS, MU_EARTH
from fake_server.compute.constellation import Shell, read_shells, walker_elements
from fake_server.compute.constellation_performance import Mesh, read_mesh, revisit_statistics
from fake_server.compute.orbits import j2_rates
from fake_server.compute.timescale import FloatArray, greenwich_sidereal_angle, parse_datetime

TITLE = "6. Vendor revisit scenario: access windows vs brute-force sampling"
ANGLES = (10.0, 15.0, 20.0, 30.0)
DAY = 86_400.0
#: Elements of one sampled block (bounds the baseline's memory).
_BLOCK = 4_000_000


def vendor_mission(semi_view_angle_deg: float, duration: float = 7 * DAY) -> dict[str, Any]:
    """The performance analysis mission as the vendor's script sends it: the stored objects
    nested whole (with the ids and names the service gives them)."""
    mesh = {
        "id": "mesh-1",
        "name": "basic rectangular earth mesh",
        "southernmostLatitude": math.radians(40),
        "northernmostLatitude": math.radians(55),
        "westernmostLongitude": math.radians(-5),
        "easternmostLongitude": math.radians(10),
        "rangeType": "NUMBER",
        "numberOfLatitudes": 30,
        "numberOfLongitudes": 30,
    }
    payload = {
        "id": "payload-1",
        "name": "basic payload",
        "fieldOfViewType": "TYPE_CIRCULAR",
        "circularFOVDefinitionType": "ALTITUDE_AND_SEMI_VIEW_ANGLE",
        "constantParameterType": "SEMI_VIEW_ANGLE",
        "semiViewAngleCircularDefinition": math.radians(semi_view_angle_deg),
        "payloadPower": 10,
        "constantParameterChoice": "SAME",
        "telecomType": "NONE",
    }
    geometry = {
        "id": "sub-1",
        "name": "basic constellation geometry",
        "constellationType": "CUSTOM",
        "planeDefinitionType": "ALTITUDE_AND_SUN_SYNCHRONOUS",
        "definitionType": "DELTA_RAAN",
        "altitude": 600000,
        "numberOfSpacecraftsPerPlane": 6,
        "numberOfPlanes": 4,
        "deltaRaan": math.radians(45),
        "minInitialRaan": math.radians(0),
        "firstPlaneInitialRaan": math.radians(0),
        "firstSpacecraftInitialInOrbitPosition": math.radians(0),
        "payload": payload,
        "interPlanePhasing": math.radians(60),
    }
    return {
        "name": "Batched performance analysis mission",
        "constellation": {
            "id": "constellation-1",
            "name": "basic constellation",
            "homogeneousConstellationGeometries": [geometry],
        },
        "earthMeshes": [mesh],
        "simulationDate": "2022-01-01T12:00:00.000Z",
        "simulationDuration": duration,
        "computeRevisit": True,
        "threshold": 1,
    }


def average_revisits(results: dict[str, Any]) -> FloatArray:
    """What the script reads: each point's average revisit time (s)."""
    points = results["meshPerformances"][0]["points"]
    return np.array([p["metrics"]["statisticalMetrics"]["REVISIT_TIME"]["average"] for p in points])


def sampling_step(shells: list[Shell]) -> float:
    """The brute-force method's step: a tenth of the shortest pass across the swath."""
    shortest = min(
        2.0 * shell.central_angle / math.sqrt(MU_EARTH / (EARTH_RADIUS + shell.altitude) ** 3)
        for shell in shells
    )
    return max(1.0, min(60.0, shortest / 10.0))


def sampled_statistics(
    shells: list[Shell], epoch: datetime, duration: float, step: float, mesh: Mesh
) -> list[dict[str, Any]]:
    """Brute force: whether any satellite sees each point at every sample, then the runs of
    seen samples as accesses."""
    latitudes, longitudes = mesh.points
    times = np.arange(0.0, duration + step / 2.0, step)
    points = np.stack(
        [
            np.cos(latitudes) * np.cos(longitudes),
            np.cos(latitudes) * np.sin(longitudes),
            np.sin(latitudes),
        ],
        axis=1,
    )
    seen = np.zeros((times.size, points.shape[0]), dtype=bool)
    for shell in shells:
        raan_rate, perigee_rate, anomaly_rate = (
            float(x) for x in j2_rates(EARTH_RADIUS + shell.altitude, 0.0, shell.inclination)
        )
        raan0, u0 = walker_elements(shell)
        threshold = math.cos(shell.central_angle)
        cos_i, sin_i = math.cos(shell.inclination), math.sin(shell.inclination)
        chunk = max(1, _BLOCK // max(shell.count * points.shape[0], 1))
        for lo in range(0, times.size, chunk):
            t = times[lo : lo + chunk]
            u = u0[None, :] + (perigee_rate + anomaly_rate) * t[:, None]
            lon = (
                raan0[None, :]
                + raan_rate * t[:, None]
                - greenwich_sidereal_angle(epoch, t)[:, None]
            )
            cos_u, sin_u = np.cos(u), np.sin(u)
            block = np.stack(
                [
                    np.cos(lon) * cos_u - np.sin(lon) * sin_u * cos_i,
                    np.sin(lon) * cos_u + np.cos(lon) * sin_u * cos_i,
                    sin_u * sin_i,
                ],
                axis=-1,
            )
            cosines = np.einsum("tsk,pk->tsp", block, points)
            seen[lo : lo + chunk] |= np.any(cosines >= threshold, axis=1)
    return revisit_statistics(seen, step, duration)


def run(profile: Profile) -> Report:
    full_duration = profile.pick(7 * DAY, 7 * DAY, 3600.0)
    angles = profile.pick(ANGLES, ANGLES, ANGLES[:1])
    missions = [vendor_mission(angle, full_duration) for angle in angles]
    averages: dict[float, float] = {}

    def run_missions() -> None:
        for angle, mission in zip(angles, missions, strict=True):
            computation = compute_mission("constellationperformanceanalysisrequests", mission)
            if computation.errors:
                raise RuntimeError(f"the vendor's mission failed: {computation.errors}")
            averages[angle] = float(np.mean(average_revisits(computation.results)))

    all_four = measure(
        f"{len(angles)} missions, windows",
        run_missions,
        profile,
        repeats=profile.pick(3, 1, 1),
        warmups=0,
    )
    per_mission = Measurement(
        "one mission (mean), windows",
        tuple(sample / len(angles) for sample in all_four.samples),
        detail=f"{full_duration / DAY:g} days, 24 satellites, 900 points",
    )

    # Like for like: both methods over the same shorter analysis, the finest payload.
    short = profile.pick(DAY, 6 * 3600.0, 1800.0)
    mission = vendor_mission(ANGLES[0], short)
    epoch = parse_datetime(mission["simulationDate"])
    assert epoch is not None
    shells = read_shells(mission["constellation"], "mission.constellation", epoch)
    mesh = read_mesh(mission["earthMeshes"][0], "mission.earthMeshes[0]")
    step = sampling_step(shells)
    compared: dict[str, FloatArray] = {}

    def windows() -> None:
        computation = compute_mission("constellationperformanceanalysisrequests", mission)
        compared["windows"] = average_revisits(computation.results)

    def sampling() -> None:
        stats = sampled_statistics(shells, epoch, short, step, mesh)
        compared["sampling"] = np.array([s["REVISIT_TIME"]["average"] for s in stats])

    windowed, sampled = measure_side_by_side(
        [("windows", windows), ("brute-force sampling", sampling)],
        profile,
        repeats=profile.pick(3, 1, 1),
    )
    detail = f"{short / 3600:g} h, {ANGLES[0]:g} deg payload"
    windowed = replace(windowed, label="same analysis, windows", detail=detail)
    sampled = replace(
        sampled, label="same analysis, sampling", detail=f"{detail}, a sample every {step:.1f} s"
    )
    difference = np.abs(compared["windows"] - compared["sampling"])
    agreeing = float(np.mean(difference <= 2.0 * step))
    report = Report(TITLE, [all_four, per_mission, windowed, sampled])
    report.ratios.append(
        Ratio("time per 7-day mission", per_mission.value, at_most(3.0, " s"), suffix=" s")
    )
    report.ratios.append(
        Ratio("sampling / windows (same analysis)", sampled.value / windowed.value, at_least(10.0))
    )
    report.notes.append(
        "mean average revisit by half-cone: "
        + ", ".join(f"{angle:g} deg {value / 60:.1f} min" for angle, value in averages.items())
    )
    report.notes.append(
        f"points whose average revisit agrees within two sampling steps: {agreeing:.1%}"
        f" (median difference {float(np.median(difference)):.2f} s; sampling misses passes"
        " shorter than its step, which changes a point's revisit by a whole gap)"
    )
    return report
