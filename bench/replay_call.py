"""Benchmark 9: one replayed call against one call through a requests adapter that does nothing.

The floor of any replay through ``requests`` is ``requests`` itself: preparing the call,
its hooks and cookies, building the response. The baseline here is a ``requests.Session``
whose adapter answers every call at once with a canned body (no socket, no parsing).
The replay sends the same plain ``session.get`` calls inside ``use_cassette``, so what it
costs beyond the baseline is the cassette's: vcrpy's patched connection, scrubbing the
request, finding its recording, building the response. It is measured with a short
cassette and with one of 1,000 interactions (a replay must not slow down as the cassette
grows). Cassettes are recorded against the fake server; only the calls are timed, in
turns with the baseline, never the cassette's loading.
"""

from __future__ import annotations

import functools
import io
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import requests
import yaml
from requests.adapters import BaseAdapter

from bench.scaling import crud_session
from bench.timing import Measurement, Profile, Ratio, Report, at_most
from bench.workflow import fake_server, record
from spacestudio.cassettes import use_cassette

TITLE = "9. One replayed call vs one call through a null requests adapter"
#: A replayed call may cost this many null-adapter calls (a quiet machine's goal).
GOAL = 1.5


class NullAdapter(BaseAdapter):
    """Answers every request with the same small JSON body, at once."""

    def __init__(self, body: bytes) -> None:
        super().__init__()
        self.body = body

    def send(  # type: ignore[override]  # the timeouts, proxies, TLS settings are unused
        self, request: requests.PreparedRequest, **settings: Any
    ) -> requests.Response:
        response = requests.Response()
        response.status_code = 200
        response.reason = "OK"
        response.headers["Content-Type"] = "application/json"
        response.raw = io.BytesIO(self.body)
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        pass


def recorded_gets(cassette: Path) -> list[str]:
    """The URIs of the GETs the cassette holds, in recorded order (placeholders and all)."""
    document = yaml.safe_load(cassette.read_text(encoding="utf-8"))
    requests_held: list[Mapping[str, Any]] = [item["request"] for item in document["interactions"]]
    return [request["uri"] for request in requests_held if request["method"] == "GET"]


def timed_calls(session: requests.Session, uris: list[str]) -> float:
    """Seconds per call of ``session.get`` over ``uris``."""
    started = time.perf_counter()
    for uri in uris:
        if not session.get(uri).content:
            raise RuntimeError(f"GET {uri} came back empty: the benchmark measures nothing")
    return (time.perf_counter() - started) / len(uris)


def replayed_calls(cassette: Path, uris: list[str]) -> float:
    """Seconds per call of the same GETs replayed from ``cassette`` (its load not timed)."""
    with use_cassette(cassette), requests.Session() as session:
        return timed_calls(session, uris)


def null_calls(uris: list[str]) -> float:
    """Seconds per call of the same GETs through :class:`NullAdapter`."""
    adapter = NullAdapter(b'{"name": "orbit", "altitude": 650000.0}')
    with requests.Session() as session:
        for scheme in ("https://", "http://"):
            session.mount(scheme, adapter)
        return timed_calls(session, uris)


def in_turns(
    sides: list[tuple[str, Callable[[], float]]], profile: Profile, repeats: int
) -> list[Measurement]:
    """Each side's seconds per call, the sides taken in turns (A, B, A, B …)."""
    for _ in range(profile.warmups):
        for _, side in sides:
            side()
    samples: list[list[float]] = [[] for _ in sides]
    for _ in range(repeats):
        for index, (_, side) in enumerate(sides):
            samples[index].append(side())
    return [
        Measurement(label, tuple(taken)) for (label, _), taken in zip(sides, samples, strict=True)
    ]


def run(profile: Profile) -> Report:
    report = Report(TITLE)
    sizes = {"short": 12, "long": profile.pick(1000, 1000, 60)}
    repeats = profile.pick(15, 5, 1)
    with TemporaryDirectory(prefix="spacestudio-bench-") as scratch:
        cassettes = {name: Path(scratch) / f"{name}.yaml" for name in sizes}
        with fake_server() as server:
            for name, calls in sizes.items():
                record(cassettes[name], server, crud_session(calls - 2, name))
        for cassette in cassettes.values():
            uris = recorded_gets(cassette)
            held = len(yaml.safe_load(cassette.read_text(encoding="utf-8"))["interactions"])
            baseline, replayed = in_turns(
                [
                    (f"null adapter, {len(uris)} GETs", functools.partial(null_calls, uris)),
                    (
                        f"replay, cassette of {held} interactions",
                        functools.partial(replayed_calls, cassette, uris),
                    ),
                ],
                profile,
                repeats,
            )
            report.measurements += [baseline, replayed]
            report.ratios.append(
                Ratio(
                    f"replayed call / null-adapter call, {held} interactions",
                    replayed.value / baseline.value,
                    at_most(GOAL),
                )
            )
    report.notes.append("seconds per call; each sample is the mean of every GET the cassette holds")
    return report
