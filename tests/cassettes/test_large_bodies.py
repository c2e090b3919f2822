"""A 20 MB result replays whole, and about as fast as parsing it (the figure is printed).

No timed assertion: machines differ. Run with ``-s`` to see the measurement; the
same figures are attached to the test report as properties.
"""

from __future__ import annotations

import json
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from spacestudio.cassettes import Scrubber, use_cassette
from spacestudio.cassettes.body_files import body_file_directory
from tests.cassettes.backend import MiniBackend, running

TARGET_BYTES = 20 * 1024 * 1024


def ephemerides_body(target_bytes: int) -> bytes:
    """Mission results shaped like the service's: a long table of numeric rows."""
    row = [3600.0 * 1.000001, *[7e6 + 0.123456789 * k for k in range(57)]]
    row_bytes = len(json.dumps(row)) + 2
    rows = [[index * 3600.0, *row[1:]] for index in range(target_bytes // row_bytes)]
    return json.dumps({"results": {"name": "raise", "ephemerides": rows}}).encode()


def _login(base: str, backend: MiniBackend) -> str:
    form = {
        "client_id": backend.client_id,
        "grant_type": "password",
        "username": backend.email,
        "password": backend.password,
    }
    answer = requests.post(
        f"{base}/realms/spacestudio-users/protocol/openid-connect/token", data=form
    )
    token: str = answer.json()["access_token"]
    return token


def _best_of(runs: int, action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def test_a_20_mb_result_replays_about_as_fast_as_json_loads(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    body = ephemerides_body(TARGET_BYTES)
    backend = MiniBackend(big_body=body)
    path = tmp_path / "big.yaml"
    with running(backend):
        scrubber = Scrubber(api_url=backend.url, auth_url=backend.url)
        with use_cassette(path, record=True, scrubber=scrubber):
            headers = {"Authorization": f"Bearer {_login(backend.url, backend)}"}
            assert (
                requests.get(f"{backend.url}/exoops/users/u/big", headers=headers).content == body
            )
    (body_file,) = body_file_directory(path).iterdir()
    assert body_file.stat().st_size == len(body)

    replayed: dict[str, bytes] = {}

    def replay_interaction() -> None:
        with use_cassette(path):
            _login("https://x.invalid", MiniBackend())
            replayed["body"] = requests.get("https://x.invalid/exoops/users/u/big").content

    def replay_and_parse() -> None:
        with use_cassette(path):
            _login("https://x.invalid", MiniBackend())
            requests.get("https://x.invalid/exoops/users/u/big").json()

    parse = _best_of(2, lambda: json.loads(body))
    replay = _best_of(3, replay_interaction)
    replay_parsed = _best_of(2, replay_and_parse)
    assert replayed["body"] == body
    ratio, ratio_parsed = replay / parse, replay_parsed / parse
    record_property("json_loads_seconds", round(parse, 4))
    record_property("replay_seconds", round(replay, 4))
    record_property("replay_over_json_loads", round(ratio, 3))
    record_property("replay_and_parse_over_json_loads", round(ratio_parsed, 3))
    print(
        f"\n{len(body) / 1e6:.1f} MB body: json.loads {parse * 1e3:.0f} ms; replay "
        f"(load cassette, serve through requests) {replay * 1e3:.0f} ms = {ratio:.2f}x; "
        f"replay + response.json() {replay_parsed * 1e3:.0f} ms = {ratio_parsed:.2f}x"
    )


@pytest.mark.parametrize("size", [1, 70_000])
def test_bodies_on_both_sides_of_the_threshold_replay_exactly(tmp_path: Path, size: int) -> None:
    body = ephemerides_body(size)
    backend = MiniBackend(big_body=body)
    path = tmp_path / "b.yaml"
    with running(backend), use_cassette(path, record=True, scrubber=Scrubber()):
        token = _login(backend.url, backend)
        requests.get(
            f"{backend.url}/exoops/users/u/big", headers={"Authorization": f"Bearer {token}"}
        )
    with use_cassette(path):
        _login("https://x.invalid", MiniBackend())
        assert requests.get("https://x.invalid/exoops/users/u/big").json() == json.loads(body)


def _record_big_body(path: Path, body: bytes) -> None:
    backend = MiniBackend(big_body=body)
    with running(backend), use_cassette(path, record=True, scrubber=Scrubber()):
        token = _login(backend.url, backend)
        requests.get(
            f"{backend.url}/exoops/users/u/big", headers={"Authorization": f"Bearer {token}"}
        )


def test_a_replayed_large_body_is_held_once(tmp_path: Path) -> None:
    """The cassette's bytes are the response's content: no copy on the way through
    vcrpy, urllib3 and requests (there were three copies alive at once)."""
    body = ephemerides_body(4 * 1024 * 1024)
    path = tmp_path / "big.yaml"
    _record_big_body(path, body)
    with use_cassette(path):
        _login("https://x.invalid", MiniBackend())
        tracemalloc.start()
        try:
            content = requests.get("https://x.invalid/exoops/users/u/big").content
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert content == body
    # The body file's bytes were read before tracing began: whatever the request adds
    # is bookkeeping, far below a copy of the body.
    assert peak < len(body) / 4, f"replaying the body allocated {peak / len(body):.1f}x its size"


def test_a_replayed_large_body_streams_whole(tmp_path: Path) -> None:
    body = ephemerides_body(200_000)
    path = tmp_path / "big.yaml"
    _record_big_body(path, body)
    with use_cassette(path):
        _login("https://x.invalid", MiniBackend())
        answer = requests.get("https://x.invalid/exoops/users/u/big", stream=True)
        assert int(answer.raw.length_remaining) == len(body)
        assert b"".join(answer.iter_content(chunk_size=1024)) == body
