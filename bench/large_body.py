"""Benchmark 2: replaying a cassette whose result body is about 20 MB, against ``json.loads``.

The session a script runs to read a long mission's results: log in, find the mission,
fetch its results (the large body). Its cassette is recorded against the fake server,
then replayed, cassette loading included; the baseline is ``json.loads`` of the same
bytes, the least any client must do with them. The two are timed in turns. Their peak
memory (``tracemalloc``, traced apart from the timing, which it slows) is compared too:
``json.loads`` needs the bytes and what it builds from them (the decoded text, the
objects); what a replay holds beyond that is counted in copies of the body. The same
session replayed from plain vcrpy's YAML cassette and from the ``responses`` recorder's
file shows what the usual tools cost on such a body.
"""

from __future__ import annotations

import gc
import json
import tempfile
import tracemalloc
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import spacestudio
from bench.timing import Profile, Ratio, Report, at_most, measure, measure_side_by_side
from bench.workflow import (
    Backend,
    connected,
    fake_server,
    record,
    record_with_plain_vcr,
    record_with_responses,
    replay,
    replay_with_plain_vcr,
    replay_with_responses,
    station_keeping_mission,
)
from spacestudio import Client

TITLE = "2. Replay of a large result body vs json.loads of that body"
MISSION = "long station keeping"
#: Ephemeris step of the mission, and the bytes one day of its ephemerides takes in JSON.
STEP = 120.0
BYTES_PER_DAY = 630_000


def fetch_results(client: Client) -> dict[str, Any]:
    """What a script does to read a computed mission's results."""
    results: dict[str, Any] = spacestudio.simulation.get_mission_results(MISSION)
    return results


def prepare_mission(client: Client, days: float) -> None:
    """Create and compute a station-keeping mission whose results span ``days`` days."""
    simulation = client.simulation
    simulation.missions.create(station_keeping_mission(MISSION, days, STEP))
    simulation.missions.compute(MISSION)
    simulation.missions.wait_for_results(MISSION, poll_interval=0.05)


def results_body(cassette: Path) -> bytes:
    """The largest body file of ``cassette`` (the results)."""
    bodies = cassette.parent.glob(f"{cassette.stem}.bodies/*")
    files = sorted(bodies, key=lambda file: file.stat().st_size)
    if not files:
        raise RuntimeError(f"{cassette} keeps no body file: the result body is too small")
    return files[-1].read_bytes()


def peak_memory(action: Callable[[], object], *, holding: int = 0) -> int:
    """The most bytes allocated at once while ``action`` runs, plus ``holding`` bytes it
    needs already in memory (a body read before)."""
    gc.collect()
    tracemalloc.start()
    try:
        action()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak + holding


def memory_ratios(cassette: Path, body: bytes) -> list[Ratio]:
    """Peak memory of a replay against ``json.loads`` of the body, and the body copies
    the replay holds beyond what ``json.loads`` allocates."""
    decoding = peak_memory(lambda: json.loads(body))
    replaying = peak_memory(lambda: replay(cassette, fetch_results))
    return [
        Ratio(
            "peak memory: replay / json.loads (its bytes counted)",
            replaying / (decoding + len(body)),
            at_most(1.3),
        ),
        Ratio(
            "body copies a replay holds beyond json.loads's allocations",
            (replaying - decoding) / len(body),
            # One copy: the cassette's bytes, which are the response's content.
            at_most(1.1, ""),
            suffix="",
        ),
    ]


def run(profile: Profile, *, megabytes: float | None = None) -> Report:
    size = megabytes if megabytes is not None else profile.pick(20.0, 20.0, 0.3)
    days = size * 1e6 / BYTES_PER_DAY
    report = Report(TITLE)
    with tempfile.TemporaryDirectory(prefix="spacestudio-bench-") as scratch:
        directory = Path(scratch)
        cassette = directory / "results.yaml"
        vcr_cassette = directory / "results.vcrpy.yaml"
        responses_file = directory / "results.responses.yaml"
        compare = profile.name != "quick"
        with fake_server() as server:
            backend = Backend.of(server)
            with connected(backend) as client:
                prepare_mission(client, days)
            record(cassette, server, fetch_results)
            if compare:
                record_with_plain_vcr(vcr_cassette, server, fetch_results)
                record_with_responses(responses_file, server, fetch_results)
        body = results_body(cassette)
        decoded, replayed = measure_side_by_side(
            [
                ("json.loads of the body alone", lambda: json.loads(body)),
                ("replay, spacestudio cassette", lambda: replay(cassette, fetch_results)),
            ],
            profile,
            repeats=profile.pick(7, 3, 1),
        )
        decoded = replace(decoded, detail=f"{len(body) / 1e6:.1f} MB")
        replayed = replace(
            replayed, detail="log in, find the mission, fetch its results; cassette load included"
        )
        report.measurements += [decoded, replayed]
        report.ratios.append(
            Ratio("replay / json.loads", replayed.value / decoded.value, at_most(1.1))
        )
        report.ratios += memory_ratios(cassette, body)
        if compare:
            # Slow on a large body: one run each is enough to see by how much.
            plain_vcr = measure(
                "replay, plain vcrpy YAML",
                lambda: replay_with_plain_vcr(vcr_cassette, backend, fetch_results),
                profile,
                repeats=1,
                warmups=0,
                detail=f"cassette {vcr_cassette.stat().st_size / 1e6:.1f} MB",
            )
            from_responses = measure(
                "replay, responses recorder file",
                lambda: replay_with_responses(responses_file, backend, fetch_results),
                profile,
                repeats=1,
                warmups=0,
                detail=f"file {responses_file.stat().st_size / 1e6:.1f} MB",
            )
            report.measurements += [plain_vcr, from_responses]
            report.ratios += [
                Ratio("plain vcrpy replay / json.loads", plain_vcr.value / decoded.value),
                Ratio("responses replay / json.loads", from_responses.value / decoded.value),
            ]
        else:
            report.notes.append("--quick leaves out the plain vcrpy and responses comparisons")
    return report
