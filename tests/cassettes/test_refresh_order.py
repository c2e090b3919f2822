"""Token refreshes replay by the token they refresh, not merely in recorded order."""

from __future__ import annotations

from pathlib import Path

import requests

from spacestudio.cassettes import use_cassette
from tests.cassettes.backend import TOKEN_PATH, MiniBackend


def _tokens(base: str, backend: MiniBackend) -> dict[str, str]:
    answer = requests.post(
        base + TOKEN_PATH,
        data={
            "client_id": backend.client_id,
            "grant_type": "password",
            "username": backend.email,
            "password": backend.password,
        },
    )
    return dict(answer.json())


def _refresh(base: str, backend: MiniBackend, refresh_token: str) -> requests.Response:
    return requests.post(
        base + TOKEN_PATH,
        data={
            "client_id": backend.client_id,
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
        },
    )


def test_a_stale_refresh_replays_as_recorded_whatever_the_order(
    backend: MiniBackend, tmp_path: Path
) -> None:
    path = tmp_path / "refresh.yaml"
    with use_cassette(path, record=True, scrubber=backend.scrubber()):
        first = _tokens(backend.url, backend)["refresh_token"]
        second = _refresh(backend.url, backend, first).json()["refresh_token"]
        assert _refresh(backend.url, backend, first).status_code == 400  # stale
        assert _refresh(backend.url, backend, second).status_code == 200

    base = "https://elsewhere.invalid"
    with use_cassette(path):
        first = _tokens(base, backend)["refresh_token"]
        second = _refresh(base, backend, first).json()["refresh_token"]
        # The good refresh first this time: it gets the 200 recorded for it, and the
        # stale one still gets its 400.
        assert _refresh(base, backend, second).status_code == 200
        stale = _refresh(base, backend, first)
        assert stale.status_code == 400
        assert stale.json()["error_description"] == "Stale token"
