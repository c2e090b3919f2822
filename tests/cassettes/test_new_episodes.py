"""``new_episodes``: what the cassette holds replays, what it lacks reaches the backend with
the backend's own tokens and ids, and is added to the cassette."""

from __future__ import annotations

from pathlib import Path

import pytest

from spacestudio.cassettes import CassetteMismatchError, use_cassette
from tests.cassettes.backend import MiniBackend, log_in


def _create_orbit(backend: MiniBackend, base: str | None = None) -> tuple[str, str]:
    """Log in and create an orbit: (the user's collection prefix, the orbit's id)."""
    http, users = backend.log_in(base)
    created = http.post(f"{users}/orbitdefinitions", json={"name": "SSO"}).json()
    return users, created["id"]


def test_a_request_the_cassette_lacks_reaches_the_backend_logged_in(
    backend: MiniBackend, tmp_path: Path
) -> None:
    path = tmp_path / "session.yaml"
    with use_cassette(path, record=True, scrubber=backend.scrubber()):
        _create_orbit(backend)
    recorded = path.read_text()

    with use_cassette(path, record_mode="new_episodes", scrubber=backend.scrubber()) as session:
        http, users = backend.log_in()
        created = http.post(f"{users}/orbitdefinitions", json={"name": "SSO"}).json()
        listed = http.get(f"{users}/spacecraft")  # not in the cassette: sent to the backend
        assert listed.status_code == 200, listed.text  # not refused as unauthorized
        names = [item["name"] for item in listed.json()]
    assert created["id"].startswith("00000000-0000-4000-8000-")  # replayed
    assert session.interactions == 4
    text = path.read_text()
    assert text.startswith(recorded.split("interactions:")[0])
    assert text.count("uri:") == 4 and "/spacecraft" in text
    assert "unauthorized" not in text

    with use_cassette(path):
        http, users = log_in("https://x.invalid", "m", "p", backend.client_id)
        http.post(f"{users}/orbitdefinitions", json={"name": "SSO"})
        assert [item["name"] for item in http.get(f"{users}/spacecraft").json()] == names


def test_new_ids_never_take_the_number_of_a_recorded_one(
    backend: MiniBackend, tmp_path: Path
) -> None:
    path = tmp_path / "session.yaml"
    with use_cassette(path, record=True, scrubber=backend.scrubber()):
        _create_orbit(backend)
    with use_cassette(path, record_mode="new_episodes", scrubber=backend.scrubber()):
        http, users = backend.log_in()
        replayed = http.post(f"{users}/orbitdefinitions", json={"name": "SSO"}).json()["id"]
        fresh = http.post(f"{users}/spacecraft", json={"name": "sat"}).json()["id"]
        # The backend's own id: later requests name it, and reach the backend.
        assert http.get(f"{users}/spacecraft/{fresh}").json()["name"] == "sat"
    with use_cassette(path):
        http, users = log_in("https://x.invalid", "m", "p", backend.client_id)
        assert http.post(f"{users}/orbitdefinitions", json={"name": "SSO"}).json()["id"] == (
            replayed
        )
        placeholder = http.post(f"{users}/spacecraft", json={"name": "sat"}).json()["id"]
        assert placeholder != replayed
        assert http.get(f"{users}/spacecraft/{placeholder}").json()["name"] == "sat"


def test_a_request_naming_an_object_only_the_cassette_knows_is_explained(
    backend: MiniBackend, tmp_path: Path
) -> None:
    path = tmp_path / "session.yaml"
    with use_cassette(path, record=True, scrubber=backend.scrubber()):
        _create_orbit(backend)
    before = path.read_bytes()
    with (
        pytest.raises(CassetteMismatchError, match="which the cassette's replayed answers"),
        use_cassette(
            path, record_mode="new_episodes", scrubber=backend.scrubber(), record_hint="REDO"
        ),
    ):
        http, users = backend.log_in()
        orbit = http.post(f"{users}/orbitdefinitions", json={"name": "SSO"}).json()["id"]
        http.get(f"{users}/orbitdefinitions/{orbit}")
    assert path.read_bytes() == before
