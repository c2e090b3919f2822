"""No single request may cost the server much more than reading its bytes.

Each test sends one expensive request to a server process over loopback and bounds
what it costs: the time to its answer, what another client waits meanwhile, and how
much the server's peak memory grows.  The bounds are loose multiples of what parsing
the same bytes costs here, so a slow machine passes and a quadratic check does not.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from typing import Any

import requests

from fake_server.oidc import Account

from .conftest import Figures, RawUser, ServerProcess, user_flags

ALICE = Account("alice@costs.test", "alice-costs-password")
#: Digits per number: below both the 300 digits that once triggered a slow check and
#: Python's 4300-digit limit for parsing integers.
DIGITS = 299


def _peak_mib(server: ServerProcess) -> float:
    return server.memory_kib()["VmHWM"] / 1024


class _Bystander(threading.Thread):
    """Another client: health checks one after another until stopped, each timed."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.latencies: list[float] = []
        self.stop = threading.Event()
        self._answered = threading.Condition()

    def run(self) -> None:
        with requests.Session() as http:
            while not self.stop.is_set():
                started = time.perf_counter()
                http.get(f"{self.url}/__admin/health", timeout=30)
                with self._answered:
                    self.latencies.append(time.perf_counter() - started)
                    self._answered.notify_all()

    def answered(self) -> int:
        with self._answered:
            return len(self.latencies)

    def wait_for_answers(self, count: int) -> None:
        """Until ``count`` health checks were answered (a bounded wait)."""
        with self._answered:
            reached = self._answered.wait_for(lambda: len(self.latencies) >= count, timeout=60)
        assert reached, f"the bystander had {self.answered()} of {count} answers after 60 s"


def _timed(send: Any) -> tuple[requests.Response, float, list[float]]:
    """``send(url)``'s answer, its duration, and a bystander's latencies meanwhile."""
    bystander = _Bystander(send.url)
    bystander.start()
    try:
        bystander.wait_for_answers(3)  # the bystander's first requests set its normal pace
        started = time.perf_counter()
        answer = send()
        elapsed = time.perf_counter() - started
        # Two answers more: the health check in flight when the answer came (the one the
        # request may have held up) and one sent after it.
        bystander.wait_for_answers(bystander.answered() + 2)
    finally:
        bystander.stop.set()
        bystander.join(timeout=60)
    return answer, elapsed, bystander.latencies


def test_a_body_of_long_number_runs_is_checked_in_linear_time(
    start_server: type[ServerProcess], figures: Figures
) -> None:
    server = start_server(*user_flags([ALICE]))
    alice = RawUser(server.url, server.realm, server.client_id, ALICE)
    number = "1" * DIGITS
    count = 15_600_000 // (DIGITS + 1)
    values = "[" + ",".join([number] * count) + "]"
    body = f'{{"name": "long numbers", "values": {values}}}'.encode()
    started = time.perf_counter()
    json.loads(body)
    parse_seconds = time.perf_counter() - started
    # Both behind a token and on the tokenless admin route.
    results: dict[str, tuple[int, float, float]] = {}
    for route, url, headers in (
        ("create", f"{alice.base}/orbitdefinitions", dict(alice.http.headers)),
        ("admin", f"{server.url}/__admin/faults", {}),
    ):

        def send(url: str = url, headers: dict[str, Any] = headers) -> requests.Response:
            return requests.post(
                url,
                data=body,
                headers={**headers, "Content-Type": "application/json"},
                timeout=60,
            )

        send.url = server.url  # type: ignore[attr-defined]
        answer, elapsed, latencies = _timed(send)
        results[route] = (answer.status_code, elapsed, max(latencies))
        if route == "create":
            assert answer.status_code == 200, answer.text[:300]
            assert alice("DELETE", f"orbitdefinitions/{answer.json()['id']}").status_code == 200
        else:
            assert answer.status_code == 400, answer.text[:300]  # an array is no fault rule
    figures.record(
        "15.6 MB body of 299-digit numbers",
        body_mib=round(len(body) / 2**20, 1),
        json_loads_s=round(parse_seconds, 3),
        **{f"{route}_status": status for route, (status, _, _) in results.items()},
        **{f"{route}_answer_s": round(seconds, 2) for route, (_, seconds, _) in results.items()},
        **{f"{route}_bystander_max_s": round(worst, 2) for route, (_, _, worst) in results.items()},
    )
    for route, (_, elapsed, worst) in results.items():
        # Sending 15.6 MB over loopback, parsing and storing it: a few parses' worth.
        assert elapsed < 1.0 + 15 * parse_seconds, f"{route}: {elapsed:.2f} s"
        assert worst < 1.0 + 15 * parse_seconds, f"{route}: a bystander waited {worst:.2f} s"


def test_a_form_of_a_million_fields_is_refused_before_it_is_parsed(
    start_server: type[ServerProcess], figures: Figures
) -> None:
    server = start_server()
    peak_before = _peak_mib(server)
    form = "&".join(f"f{index}=1" for index in range(1_000_000)).encode()
    url = f"{server.url}/realms/{server.realm}/protocol/openid-connect/token"

    def send() -> requests.Response:
        return requests.post(
            url,
            data=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=60,
        )

    send.url = server.url  # type: ignore[attr-defined]
    answer, elapsed, latencies = _timed(send)
    growth = _peak_mib(server) - peak_before
    figures.record(
        "form of 10^6 fields to the token endpoint",
        body_mib=round(len(form) / 2**20, 1),
        status=answer.status_code,
        answer_s=round(elapsed, 3),
        bystander_median_ms=round(1000 * statistics.median(latencies), 1),
        peak_growth_mib=round(growth, 1),
    )
    assert answer.status_code == 413, answer.text[:300]
    assert "larger than" in answer.json()["message"]
    assert elapsed < 2.0
    assert growth < 40, f"the server's peak memory grew {growth:.0f} MiB"
    # The token endpoint still works.
    login = requests.post(
        url,
        data={
            "client_id": server.client_id,
            "grant_type": "password",
            "username": server.env["LOG_MAIL"],
            "password": server.env["LOG_PASSWORD"],
        },
        timeout=10,
    )
    assert login.status_code == 200, login.text


def _wide_object(name: str, keys: int) -> bytes:
    members = ",".join(f'"k{key:07d}":0' for key in range(keys))
    return f'{{"name": "{name}", {members}}}'.encode()


def test_a_users_objects_are_held_to_a_quota(
    start_server: type[ServerProcess], figures: Figures
) -> None:
    server = start_server(*user_flags([ALICE]))
    alice = RawUser(server.url, server.realm, server.client_id, ALICE)
    peak_before = _peak_mib(server)

    def create(body: bytes) -> int:
        answer = alice(
            "POST", "payloaddefinitions", data=body, headers={"Content-Type": "application/json"}
        )
        if answer.status_code != 200:
            assert answer.status_code == 413, answer.text[:300]
            assert "quota" in answer.json()["message"], answer.text[:300]
        return answer.status_code

    huge = [_wide_object(f"huge {index}", 1_000_000) for index in range(4)]
    million_key_statuses = [create(body) for body in huge]
    wide_statuses = [create(_wide_object(f"wide {index}", 300_000)) for index in range(2)]
    started = time.perf_counter()
    listing = alice("GET", "payloaddefinitions")
    listing_seconds = time.perf_counter() - started
    growth = _peak_mib(server) - peak_before
    # Deleting makes room again.
    for obj in listing.json():
        assert alice("DELETE", f"payloaddefinitions/{obj['id']}").status_code == 200
    again = create(_wide_object("wide again", 300_000))
    figures.record(
        "objects of 10^6 and 3x10^5 keys",
        million_key_body_mib=round(len(huge[0]) / 2**20, 1),
        million_key_statuses=million_key_statuses,
        wide_statuses=wide_statuses,
        stored=len(listing.json()),
        listing_s=round(listing_seconds, 2),
        peak_growth_mib=round(growth, 1),
    )
    assert million_key_statuses == [413] * 4
    assert wide_statuses == [200, 413]
    assert listing_seconds < 3.0
    assert growth < 150, f"the server's peak memory grew {growth:.0f} MiB"
    assert again == 200


def test_a_chunked_form_over_the_limit_is_refused_not_cut(
    start_server: type[ServerProcess],
) -> None:
    server = start_server()
    url = f"{server.url}/realms/{server.realm}/protocol/openid-connect/token"
    head = f"grant_type=password&client_id={server.client_id}&username=x&password=".encode()

    def chunks(kib: int) -> Any:
        yield head
        for _ in range(kib):
            yield b"a" * 1024

    form = {"Content-Type": "application/x-www-form-urlencoded"}
    # Without Content-Length werkzeug read the first 64 KiB and parsed them as the form.
    over = requests.post(url, data=chunks(100), headers=form, timeout=10)
    assert over.status_code == 413, over.text
    assert "65536 bytes" in over.json()["message"]
    under = requests.post(url, data=chunks(8), headers=form, timeout=10)
    assert under.status_code == 401, under.text  # parsed whole: a wrong password
