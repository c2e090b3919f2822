"""Benchmark 4: computing 100 days of ephemerides at a 120 s step, against ``json.dumps``.

The fake server computes a mission's results with vectorised analytic models; the goal
is that computing 72,000 ephemeris rows costs no more than turning them into the JSON
the server then sends, so the computation is never what a user waits for. The two are
timed in turns.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from bench.timing import Profile, Ratio, Report, at_most, measure_side_by_side
from bench.workflow import station_keeping_mission
from fake_server.compute import compute_mission

TITLE = "4. Computing ephemerides vs json.dumps of the result"
STEP = 120.0


def run(profile: Profile) -> Report:
    days = profile.pick(100.0, 100.0, 2.0)
    mission = station_keeping_mission("ephemerides benchmark", days, STEP)
    computed: list[dict[str, Any]] = []

    def compute() -> None:
        computation = compute_mission("simulationrequests", mission)
        if computation.errors:
            raise RuntimeError(f"the benchmark mission failed: {computation.errors}")
        computed[:] = [computation.results]

    encoded: list[str] = []

    def dump() -> None:
        encoded[:] = [json.dumps(computed[0])]

    compute()  # the results json.dumps is timed on
    computing, dumping = measure_side_by_side(
        [("compute_mission", compute), ("json.dumps of the results", dump)],
        profile,
        repeats=profile.pick(3, 2, 1),
    )
    results = computed[0]
    rows, columns = len(results["ephemerides"]), len(results["ephemerides"][0])
    computing = replace(computing, detail=f"{days:g} days at {STEP:g} s: {rows:,} × {columns}")
    dumping = replace(dumping, detail=f"{len(encoded[0]) / 1e6:.1f} MB of JSON")
    report = Report(TITLE, [computing, dumping])
    report.ratios.append(
        Ratio("compute / json.dumps", computing.value / dumping.value, at_most(1.0))
    )
    return report
