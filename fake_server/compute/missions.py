"""Dispatch by mission collection, and the pause / resume / merge of simulation missions."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from spacestudio_contract.catalog import BY_SEGMENT, CollectionSpec, spec_for
from spacestudio_contract.wire import SERVICE_FIELDS

from . import (
    constellation_ephemerides,
    constellation_performance,
    inputs,
    relative_motion,
    simulation,
    studies,
    walker_search,
)
from .ephemerides import FIELD_INDEXES
from .orbits import complete_orbit
from .results import JSON, Computation, Continuation, as_errors, mission_name
from .spacecraft import with_propellant

logger = logging.getLogger(__name__)

#: Computes a mission; the duration is the pause of a pausable collection's run.
Runner = Callable[[Mapping[str, Any], "float | None"], Computation]

#: The runner of each mission collection of the catalog.
RUNNERS: dict[CollectionSpec, Runner] = {
    spec_for("simulation", "mission"): simulation.compute,
    spec_for("constellation", "performance_analysis_mission"): (
        lambda m, _u: constellation_performance.performance_analysis(m)
    ),
    spec_for("constellation", "optimization_mission"): lambda m, _u: walker_search.search(m),
    spec_for("constellation", "generation_mission"): lambda m, _u: walker_search.search(m),
    spec_for("constellation", "simulation_mission"): (
        lambda m, _u: constellation_ephemerides.simulation(m)
    ),
    spec_for("deployment", "mission"): lambda m, _u: studies.deployment(m),
    spec_for("parametric_study", "mission"): lambda m, _u: studies.parametric_study(m),
    spec_for("formation_flying", "mission"): lambda m, _u: relative_motion.formation_flying(m),
    spec_for("inspection", "mission"): lambda m, _u: relative_motion.inspection(m),
}


def compute_mission(
    collection: str, mission: Mapping[str, Any], *, until_duration: float | None = None
) -> Computation:
    """Compute one mission of ``collection`` (its URL segment). Bad input comes back as
    ``errors``."""
    spec = BY_SEGMENT.get(collection)
    runner = RUNNERS.get(spec) if spec is not None else None
    if spec is None or runner is None:
        name = mission_name(mission) if isinstance(mission, Mapping) else ""
        return Computation(
            {"name": name}, as_errors([f"{collection!r} is not a mission collection"]), False
        )
    if not isinstance(mission, Mapping):
        return Computation({"name": ""}, as_errors(["the mission must be a JSON object"]), False)
    if until_duration is not None and not spec.pausable:
        return Computation(
            {"name": mission_name(mission)},
            as_errors([f"missions of {collection} cannot pause: compute them without a duration"]),
            False,
        )
    computation = runner(mission, until_duration)
    if computation.errors:
        messages = "; ".join(error["message"] for error in computation.errors)
        logger.info("mission %r of %s: %s", mission.get("name"), collection, messages)
    return computation


def continue_from_paused(
    collection: str,
    paused_mission: Mapping[str, Any],
    paused_results: Mapping[str, Any],
    new_name: str,
) -> Continuation:
    """The mission (and its orbit and spacecraft) that resumes ``paused_mission`` where its
    results stopped. Raises ``ValueError`` (with the reason) when the results are not those of
    a paused run."""
    spec = BY_SEGMENT.get(collection)
    if spec is None or not spec.pausable:
        raise ValueError(f"missions of {collection} cannot pause, so none can be resumed")
    state = paused_results.get("pausedState")
    final_orbit = paused_results.get("finalOrbit")
    report = paused_results.get("maneuverReport")
    if (
        not isinstance(state, Mapping)
        or not isinstance(final_orbit, Mapping)
        or not isinstance(report, Mapping)
    ):
        raise ValueError(
            "these results are not those of a paused mission (no pausedState):"
            " compute it until a duration first"
        )
    spacecraft_body = inputs.as_mapping(paused_mission.get("spacecraft"), "mission.spacecraft")
    remaining = float(report.get("remainingPropellant", 0.0))
    orbit = dict(final_orbit)
    orbit["name"] = f"{new_name} initial orbit"
    spacecraft = with_propellant(spacecraft_body, remaining, f"{new_name} spacecraft")
    mission: JSON = {
        key: value
        for key, value in paused_mission.items()
        if key not in (*SERVICE_FIELDS, "status")
    }
    mission.update(
        {
            "name": new_name,
            "initialOrbit": orbit,
            "spacecraft": spacecraft,
            # The continuation pauses again after the same duration: the published
            # computeAndUpdateOAP resumes part after part until one runs shorter than it.
            "pausedState": dict(state),
        }
    )
    return Continuation(mission, orbit, spacecraft)


_SUMMED = (
    "simulationDuration",
    "totalConsumption",
    "totalDeltaV",
    "totalNumberOfBurns",
    "totalThrustDuration",
)


def merge_results(chain: Sequence[Mapping[str, Any]]) -> JSON:
    """The results of a whole chain (a paused mission and its continuations), as one
    uninterrupted run would give them."""
    if not chain:
        return {}
    first, last = chain[0], chain[-1]
    merged: JSON = {key: value for key, value in last.items() if key != "pausedState"}
    merged["name"] = first.get("name", "")
    merged["initialOrbit"] = first.get("initialOrbit")
    merged["finalOrbit"] = last.get("finalOrbit")
    for key in ("phasingPlan", "target", "thrustModeMeanPower", "restModeMeanPower", "strategy"):
        if key in first:
            merged[key] = first[key]
    if isinstance(last.get("pausedState"), Mapping):
        merged["pausedState"] = last["pausedState"]
    reports = [result.get("maneuverReport") for result in chain]
    mappings = [report for report in reports if isinstance(report, Mapping)]
    if len(mappings) == len(reports):
        summary: JSON = dict(mappings[-1])
        for key in _SUMMED:
            values = [report.get(key) for report in mappings]
            if all(isinstance(value, int | float) for value in values):
                summary[key] = sum(float(value) for value in values if value is not None)
                if key == "totalNumberOfBurns":
                    summary[key] = int(summary[key])
        summary["startElapsedTime"] = mappings[0].get("startElapsedTime", 0.0)
        # A share of time: each part weighs by its duration.
        shares = [report.get("eclipseShare") for report in mappings]
        durations = [report.get("simulationDuration") for report in mappings]
        numbers = [
            (float(share), float(duration))
            for share, duration in zip(shares, durations, strict=True)
            if isinstance(share, int | float) and isinstance(duration, int | float)
        ]
        total = sum(duration for _, duration in numbers)
        if len(numbers) == len(mappings) and total > 0:
            summary["eclipseShare"] = sum(share * duration for share, duration in numbers) / total
        merged["maneuverReport"] = summary
    rows: list[list[float]] = []
    time_column = FIELD_INDEXES["ELAPSED_TIME"]
    for result in chain:
        segment = result.get("ephemerides")
        if not isinstance(segment, list):
            continue
        if rows and segment and rows[-1][time_column] == segment[0][time_column]:
            # The pause instant ends one segment and starts the next: keep it once, and only
            # when an uninterrupted run would have a row there (a multiple of the step).
            step = result.get("ephemeridesStepInSeconds")
            on_grid = (
                isinstance(step, int | float) and step > 0 and rows[-1][time_column] % step == 0
            )
            if not on_grid:
                rows.pop()
            segment = segment[1:]
        rows.extend(segment)
    if rows:
        merged["ephemerides"] = rows
    return merged


__all__ = ["complete_orbit", "compute_mission", "continue_from_paused", "merge_results"]
