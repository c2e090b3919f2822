"""Benchmark 5: how cost grows as sessions get longer and bodies larger.

Two families of sessions, each at three sizes a tenfold apart:

* more interactions: a session of N API calls (N/2 objects created, each then read back
  by id), replayed from its cassette and run live against the fake server;
* larger bodies: the session that fetches a mission's results (benchmark 2's), with
  results of growing size, replayed, and its results GET timed live.

For each, the fitted exponent k of ``time ≈ c · size^k``: 1 is linear (each interaction,
each byte, costs the same however many there are); above 1, something grows with the
size of the cassette or the store.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

from bench.large_body import (
    BYTES_PER_DAY,
    MISSION,
    fetch_results,
    prepare_mission,
    results_body,
)
from bench.timing import Measurement, Profile, Ratio, Report, at_most, fit_exponent, measure
from bench.workflow import (
    Backend,
    Session,
    connected,
    fake_server,
    record,
    replay,
    reset_user_objects,
)
from spacestudio import Client
from tests.support.samples import SSO_600 as ORBIT

TITLE = "5. How cost grows with the number of interactions and the body size"
#: Largest exponent still counted as linear growth (the fit's noise on three points).
LINEAR = 1.15
#: From this size on (calls, or hundredths of a MB), a measurement is not warmed up.
LARGE = 500


def crud_session(calls: int, prefix: str) -> Session:
    """``calls`` API calls: create an orbit, read it back by id, and again."""

    def session(client: Client) -> None:
        orbits = client.simulation.orbits
        for index in range(calls // 2):
            created = orbits.create({**ORBIT, "name": f"{prefix} {index}"})
            client.call("GET", f"{orbits.url}/{created['id']}")

    return session


def run(profile: Profile) -> Report:
    report = Report(TITLE)
    with tempfile.TemporaryDirectory(prefix="spacestudio-bench-") as scratch:
        directory = Path(scratch)
        _interactions(profile, directory, report)
        _body_sizes(profile, directory, report)
    report.notes.append(
        f"an exponent up to {LINEAR:g} counts as linear; the fixed cost of logging in and "
        "loading a cassette pulls small sizes up and the exponent below 1"
    )
    return report


def _interactions(profile: Profile, directory: Path, report: Report) -> None:
    counts: Sequence[int] = profile.pick((10, 100, 1000), (4, 40, 400), (4, 40))
    replays: list[Measurement] = []
    lives: list[Measurement] = []
    with fake_server() as server:
        backend = Backend.of(server)
        for calls in counts:
            cassette = directory / f"crud-{calls}.yaml"
            record(cassette, server, crud_session(calls, "recorded"))

            def live(calls: int = calls) -> None:
                with connected(backend) as client:
                    crud_session(calls, "live")(client)

            lives.append(
                measure(
                    f"live, {calls} calls",
                    live,
                    _for_size(profile, calls),
                    before=lambda: reset_user_objects(server),
                    detail="login included",
                )
            )
            replays.append(
                measure(
                    f"replay, {calls} calls",
                    partial(replay, cassette, crud_session(calls, "recorded")),
                    _for_size(profile, calls),
                    detail="cassette load and login included",
                )
            )
    _add_family(report, "calls", counts, replays, lives, "live")


def _body_sizes(profile: Profile, directory: Path, report: Report) -> None:
    sizes: Sequence[float] = profile.pick((0.1, 1.0, 10.0), (0.1, 1.0, 10.0), (0.1, 1.0))
    replays: list[Measurement] = []
    lives: list[Measurement] = []
    actual_sizes: list[float] = []
    for megabytes in sizes:
        cassette = directory / f"results-{megabytes:g}MB.yaml"
        with fake_server() as server:
            with connected(Backend.of(server)) as client:
                prepare_mission(client, megabytes * 1e6 / BYTES_PER_DAY)
                results_url = _results_url(client)
                lives.append(
                    measure(
                        f"live results GET, {megabytes:g} MB",
                        partial(client.call, "GET", results_url),
                        _for_size(profile, megabytes * 100),
                    )
                )
            record(cassette, server, fetch_results)
        actual_sizes.append(len(results_body(cassette)) / 1e6)
        replays.append(
            measure(
                f"replay, {megabytes:g} MB results",
                partial(replay, cassette, fetch_results),
                _for_size(profile, megabytes * 100),
                detail=f"{actual_sizes[-1]:.2f} MB body; cassette load and login included",
            )
        )
    _add_family(report, "MB", actual_sizes, replays, lives, "live results GET")


def _results_url(client: Client) -> str:
    missions = client.simulation.missions
    log_id = missions.require(MISSION)["computationLogId"]
    return f"{client.results_url}{log_id}"


def _for_size(profile: Profile, size: float) -> Profile:
    """``profile``, with fewer samples and no warm-up for the largest sizes (they take
    longest and vary least)."""
    if size < LARGE:
        return profile
    return replace(profile, repeats=max(1, profile.repeats // 2), warmups=0)


def _add_family(
    report: Report,
    unit: str,
    sizes: Sequence[float],
    replays: list[Measurement],
    lives: list[Measurement],
    live_label: str,
) -> None:
    report.measurements += [*replays, *lives]

    def exponent(measurements: list[Measurement]) -> float:
        return fit_exponent(sizes, [measurement.value for measurement in measurements])

    report.ratios += [
        Ratio(f"exponent: replay time vs {unit}", exponent(replays), at_most(LINEAR, ""), ""),
        Ratio(f"exponent: {live_label} time vs {unit}", exponent(lives), at_most(LINEAR, ""), ""),
    ]
