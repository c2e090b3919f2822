"""Benchmark 1: a whole seed-style workflow, replayed, against the same workflow live.

Live: the fake server on loopback with the computation time ``spacestudio-fake-server``
uses by default and the client's default polling (what a developer's loop costs without
a cassette). Replayed: the same workflow from its cassette, in process, cassette loading
included. Also replayed from plain vcrpy's YAML cassette (where the client still waits
between status polls, as vcrpy cannot know about them) and from the ``responses``
recorder's file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.timing import Profile, Ratio, Report, at_least, measure
from bench.workflow import (
    Backend,
    fake_server,
    record,
    record_with_plain_vcr,
    record_with_responses,
    replay,
    replay_with_plain_vcr,
    replay_with_responses,
    reset_user_objects,
    run_session,
    seed_workflow,
)

TITLE = "1. Replay of a seed-style workflow vs the same workflow live"


def run(profile: Profile) -> Report:
    report = Report(TITLE)
    live_repeats = profile.pick(3, 1, 1)
    with tempfile.TemporaryDirectory(prefix="spacestudio-bench-") as scratch:
        directory = Path(scratch)
        cassette = directory / "workflow.yaml"
        vcr_cassette = directory / "workflow.vcrpy.yaml"
        responses_file = directory / "workflow.responses.yaml"
        with fake_server(live_compute_time=profile.name != "smoke") as server:
            backend = Backend.of(server)

            def live() -> None:
                run_session(backend, seed_workflow)
                reset_user_objects(server)

            live_run = measure(
                "live, fake server on loopback",
                live,
                profile,
                repeats=live_repeats,
                detail=f"computation {server.config.compute_seconds:g} s, polls every 1 s",
            )
            record(cassette, server, seed_workflow)
            reset_user_objects(server)
            record_with_plain_vcr(vcr_cassette, server, seed_workflow)
            reset_user_objects(server)
            record_with_responses(responses_file, server, seed_workflow)
        interactions = _interactions(cassette)
        replayed = measure(
            "replay, spacestudio cassette",
            lambda: replay(cassette, seed_workflow),
            profile,
            repeats=profile.pick(15, 7, 1),
            detail=f"{interactions} interactions, cassette load included",
        )
        plain_vcr = measure(
            "replay, plain vcrpy YAML",
            lambda: replay_with_plain_vcr(vcr_cassette, backend, seed_workflow),
            profile,
            repeats=live_repeats,
            detail="the client still waits between status polls",
        )
        from_responses = measure(
            "replay, responses recorder file",
            lambda: replay_with_responses(responses_file, backend, seed_workflow),
            profile,
            repeats=profile.pick(15, 7, 1),
            detail="waits skipped, no scrubbing, no matching of bodies",
        )
    report.measurements += [live_run, replayed, plain_vcr, from_responses]
    report.ratios += [
        Ratio("live / replay (speed-up)", live_run.value / replayed.value, at_least(50)),
        Ratio("plain vcrpy replay / replay", plain_vcr.value / replayed.value),
        Ratio("responses replay / replay", from_responses.value / replayed.value),
    ]
    return report


def _interactions(cassette: Path) -> int:
    return sum(
        1 for line in cassette.read_text("utf-8").splitlines() if line.startswith("- request:")
    )
