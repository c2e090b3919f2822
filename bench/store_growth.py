"""Benchmark 8: the fake server's write and read cost as its state file fills up.

One user creates orbits through the WSGI application (called in process, so the figures
are the application's and the store's alone, no sockets), with the quota on and a SQLite
state file, until they keep 10,000 objects; the request journal is then filled to
100,000 entries. The cumulative time of the first N creations, at several N, gives the
cost exponent of N writes (1: each write costs the same however many objects are
stored; 2: each write scans what is stored). POSTs and GETs per second are taken on the
empty store and again on the full one: their ratio says how much a team's service slows
as it is used.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from itertools import count
from pathlib import Path
from urllib.parse import urlencode

from werkzeug.test import Client as WsgiClient

from bench.timing import (
    Measurement,
    Profile,
    Ratio,
    Report,
    at_least,
    at_most,
    fit_exponent,
    measure_rates,
)
from fake_server.app import FakeSpacestudioApp
from fake_server.config import DEMO_EMAIL, DEMO_PASSWORD, ServerConfig
from spacestudio_contract.endpoints import (
    DEFAULT_CLIENT_ID,
    DEFAULT_REALM,
    USER_INFOS_PATH,
    token_path,
)
from tests.support.samples import SSO_600 as ORBIT

TITLE = "8. Fake server cost as the state file grows (10,000 objects, 100,000 journal entries)"
#: Largest exponent of N writes still counted as each write costing the same.
FLAT = 1.05
#: Least share of the empty store's rate the full store keeps.
KEPT = 0.9
#: Seconds the run's one access token stays valid.
TOKEN_LIFETIME = 4 * 3600


class Service:
    """The application on a state file, and one signed-in user's requests to it."""

    def __init__(self, state: Path) -> None:
        # One token for the whole run: growing the store may take longer than its default
        # lifetime (the code before the usage table took minutes).
        config = ServerConfig(state_path=str(state), token_lifetime=TOKEN_LIFETIME)
        self.app = FakeSpacestudioApp.from_config(config)
        self.http = WsgiClient(self.app)
        form = {
            "grant_type": "password",
            "client_id": DEFAULT_CLIENT_ID,
            "username": DEMO_EMAIL,
            "password": DEMO_PASSWORD,
        }
        answer = self.http.post(
            token_path(DEFAULT_REALM),
            data=urlencode(form),
            content_type="application/x-www-form-urlencoded",
        )
        token = self._expect(answer, 200)["access_token"]
        self.headers = {"Authorization": f"Bearer {token}"}
        user_id = self._expect(self.http.get(USER_INFOS_PATH, headers=self.headers), 200)["id"]
        self.collection = f"/exoops/users/{user_id}/orbitdefinitions"
        self._names = count()
        self.one_object = ""
        self.empty()

    def empty(self) -> None:
        """Delete every stored object, and create the one the GETs read."""
        self.app.store.clear_objects()
        self.one_object = f"{self.collection}/{self.create()['id']}"

    def create(self) -> dict[str, object]:
        """POST one new orbit; the created object."""
        body = json.dumps({**ORBIT, "name": f"orbit {next(self._names)}"})
        answer = self.http.post(
            self.collection, data=body, headers=self.headers, content_type="application/json"
        )
        return self._expect(answer, 200)

    def read(self) -> None:
        """GET one orbit by id."""
        self._expect(self.http.get(self.one_object, headers=self.headers), 200)

    @staticmethod
    def _expect(answer: object, status: int) -> dict[str, object]:
        got = getattr(answer, "status_code", None)
        if got != status:
            text = getattr(answer, "text", "")
            raise RuntimeError(f"the fake server answered {got}, expected {status}: {text}")
        result: dict[str, object] = getattr(answer, "json", None) or {}
        return result

    def close(self) -> None:
        self.app.close()


def _window(action: Callable[[], object], requests: int) -> Callable[[], tuple[int, float]]:
    def timed() -> tuple[int, float]:
        started = time.perf_counter()
        for _ in range(requests):
            action()
        return requests, time.perf_counter() - started

    return timed


def _rates(service: Service, when: str, profile: Profile) -> list[Measurement]:
    """POSTs and GETs per second, in turns, median of the profile's windows."""
    requests = profile.pick(300, 100, 10)
    windows = [
        (f"{method} /s, {when}", _window(action, requests))
        for method, action in (("POST", service.create), ("GET", service.read))
    ]
    return [
        replace(rate, detail=f"{requests} requests a window")
        for rate in measure_rates(windows, profile)
    ]


def _grow(service: Service, checkpoints: Sequence[int]) -> list[float]:
    """From an empty store, create objects until the user keeps each checkpoint's count;
    the seconds the creations up to each checkpoint took."""
    service.empty()
    stored = 1
    elapsed = 0.0
    times = []
    for target in checkpoints:
        started = time.perf_counter()
        for _ in range(target - stored):
            service.create()
        elapsed += time.perf_counter() - started
        stored = target
        times.append(elapsed)
    return times


def _fill_journal(service: Service, entries: int) -> int:
    """Record requests in the journal until it has taken ``entries`` since the start."""
    journal = service.app.journal
    taken = len(journal.entries())  # at most its capacity: a lower bound of what it took
    for number in range(max(0, entries - taken)):
        journal.record("GET", f"/exoops/filler/{number}", 200, 0.001, at=time.time())
    return max(entries, taken)


def run(profile: Profile) -> Report:
    report = Report(TITLE)
    objects = profile.pick(10_000, 3_000, 200)
    checkpoints = [objects // 10, objects // 5, objects // 2, objects]
    journal_entries = profile.pick(100_000, 20_000, 1_000)
    with tempfile.TemporaryDirectory(prefix="bench-growth-") as directory:
        service = Service(Path(directory) / "state.sqlite")
        try:
            at_start = _rates(service, "empty store", profile)
            times = _grow(service, checkpoints)
            _fill_journal(service, journal_entries)
            at_end = _rates(service, f"{objects:,} objects, {journal_entries:,} journal", profile)
        finally:
            service.close()
    sizes = [checkpoint - 1 for checkpoint in checkpoints]  # the first object is not timed
    report.measurements += [
        *(
            Measurement(f"first {size:,} POSTs", (seconds,), detail="cumulative, 1 run")
            for size, seconds in zip(sizes, times, strict=True)
        ),
        *at_start,
        *at_end,
    ]
    report.ratios += [
        Ratio("exponent: time of N writes vs N", fit_exponent(sizes, times), at_most(FLAT, ""), ""),
        Ratio("POST /s, full ÷ empty store", at_end[0].value / at_start[0].value, at_least(KEPT)),
        Ratio("GET /s, full ÷ empty store", at_end[1].value / at_start[1].value, at_least(KEPT)),
    ]
    report.notes.append(
        "in process (werkzeug's test client), quota on, SQLite state file; "
        "the writes' time is cumulative from the empty store"
    )
    return report
