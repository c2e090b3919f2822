"""use_cassette over real HTTP: record against a loopback backend, replay with none."""

from __future__ import annotations

import contextlib
import json
import os
import socket
from pathlib import Path
from typing import Any

import pytest
import requests

from spacestudio.cassettes import (
    CassetteFormatError,
    CassetteMismatchError,
    NetworkBlockedError,
    use_cassette,
)
from spacestudio.cassettes.body_files import BODY_FILE_THRESHOLD, body_file_directory
from tests.cassettes.backend import MiniBackend, log_in, running


def session_script(
    base: str, mail: str, password: str, client_id: str, altitude: float = 6e5
) -> list[Any]:
    """What a user's code does: log in, create an object, poll, read big results."""
    http, users = log_in(base, mail, password, client_id)
    created = http.post(
        f"{users}/orbitdefinitions", json={"name": "SSO", "altitude": altitude, "tags": ["a"]}
    ).json()
    polls = []
    while True:
        status = http.get(f"{users}/orbitdefinitions/status/{created['id']}").json()
        polls.append(status)
        if status == -1:
            break
    listed = http.get(f"{users}/orbitdefinitions").json()
    return [created["displayedName"], polls, [item["altitude"] for item in listed]]


def _record(backend: MiniBackend, path: Path, **kwargs: Any) -> list[Any]:
    with use_cassette(path, record=True, scrubber=backend.scrubber()):
        return session_script(
            backend.url, backend.email, backend.password, backend.client_id, **kwargs
        )


def test_a_recorded_session_replays_offline_against_any_host_and_credentials(
    backend: MiniBackend, tmp_path: Path
) -> None:
    path = tmp_path / "session.yaml"
    recorded = _record(backend, path)
    assert recorded == ["SSO", [0.0, 0.5, -1], [6e5]]
    seen = backend.requests_seen
    with use_cassette(path) as session:
        replayed = session_script("https://elsewhere.example", "x@y.z", "other", "other-client")
    assert replayed == recorded
    assert backend.requests_seen == seen  # the backend saw nothing of the replay
    assert session.played == session.interactions == 7


def test_rerecording_an_unchanged_session_writes_the_same_file(tmp_path: Path) -> None:
    # Two different servers: other ports, other user ids, other object ids and tokens.
    texts = []
    for name in ("first.yaml", "second.yaml"):
        with running(MiniBackend()) as backend:
            _record(backend, tmp_path / name)
        texts.append((tmp_path / name).read_text())
    assert texts[0] == texts[1]


def test_a_changed_json_body_is_refused_with_the_json_path_and_both_values(
    backend: MiniBackend, tmp_path: Path
) -> None:
    path = tmp_path / "session.yaml"
    _record(backend, path)
    with pytest.raises(CassetteMismatchError) as refused, use_cassette(path, record_hint="REDO"):
        session_script("https://x.invalid", "m", "p", "c", altitude=7e5)
    message = str(refused.value)
    assert "POST /exoops/users/00000000-0000-4000-8000-000000000001/orbitdefinitions" in message
    assert "$.altitude: recorded 600000.0, sent 700000.0" in message
    assert "body differs" in message
    assert "REDO" in message


def test_more_polls_than_recorded_are_explained(backend: MiniBackend, tmp_path: Path) -> None:
    path = tmp_path / "session.yaml"
    _record(backend, path)
    user = "00000000-0000-4000-8000-000000000001"
    item = "00000000-0000-4000-8000-000000000003"
    poll = f"https://x.invalid/exoops/users/{user}/orbitdefinitions/status/{item}"
    refused = pytest.raises(CassetteMismatchError, match="every one has been replayed already")
    with refused, use_cassette(path):
        session_script("https://x.invalid", "m", "p", "c")
        requests.get(poll)


def test_a_refusal_the_code_swallows_still_fails_the_block(
    backend: MiniBackend, tmp_path: Path
) -> None:
    path = tmp_path / "session.yaml"
    _record(backend, path)
    refused = pytest.raises(CassetteMismatchError, match="GET /nowhere")
    # The innermost block swallows every error, as careless code does.
    with refused, use_cassette(path), contextlib.suppress(Exception):
        requests.get("https://x.invalid/nowhere")


def test_a_missing_cassette_is_explained_at_the_first_request(
    backend: MiniBackend, tmp_path: Path
) -> None:
    with use_cassette(tmp_path / "none.yaml"):
        pass  # code that sends nothing needs no cassette, as in vcrpy
    missing = use_cassette(tmp_path / "none.yaml", record_hint="pytest --record t.py::x")
    with pytest.raises(CassetteMismatchError) as refused, missing:
        backend.log_in("https://x.invalid")
    assert "does not exist" in str(refused.value)
    assert "pytest --record t.py::x" in str(refused.value)


def test_replay_blocks_the_network(backend: MiniBackend, tmp_path: Path) -> None:
    path = tmp_path / "session.yaml"
    _record(backend, path)
    host, port = backend.url.removeprefix("http://").split(":")
    with use_cassette(path), pytest.raises(NetworkBlockedError, match="never uses"):
        socket.create_connection((host, int(port)), timeout=2)
    # Outside the block the network is back.
    socket.create_connection((host, int(port)), timeout=2).close()


def test_a_recording_that_raises_keeps_the_previous_cassette(
    backend: MiniBackend, tmp_path: Path
) -> None:
    path = tmp_path / "session.yaml"
    _record(backend, path)
    before = path.read_bytes()
    with (
        pytest.raises(KeyboardInterrupt),
        use_cassette(path, record=True, scrubber=backend.scrubber()),
    ):
        requests.get(f"{backend.url}/exoops/users/infos")
        raise KeyboardInterrupt
    assert path.read_bytes() == before


def test_recording_is_atomic_when_the_write_is_cut_short(
    backend: MiniBackend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend.big_body = json.dumps({"rows": [[i, i * 0.5] for i in range(20000)]}).encode()
    path = tmp_path / "session.yaml"

    def record_big() -> None:
        with use_cassette(path, record=True, scrubber=backend.scrubber()):
            _big(backend)

    record_big()
    before = path.read_bytes()
    files_before = sorted(p.name for p in body_file_directory(path).iterdir())
    backend.big_body = json.dumps({"rows": [[i, i * 2.5] for i in range(20000)]}).encode()
    real_replace = os.replace

    def crash_on_cassette(source: Any, target: Any) -> None:
        if Path(target) == path:
            raise KeyboardInterrupt  # power cut between the body file and the cassette
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", crash_on_cassette)
    with pytest.raises(KeyboardInterrupt):
        record_big()
    monkeypatch.setattr(os, "replace", real_replace)
    assert path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    # The previous cassette still replays whole, its body file untouched.
    with use_cassette(path):
        assert _big(backend, base="https://x.invalid")["rows"][3] == [3, 1.5]
    assert set(files_before) <= {p.name for p in body_file_directory(path).iterdir()}
    record_big()  # a complete recording replaces it and drops the unused body file
    assert len(list(body_file_directory(path).iterdir())) == 1


def _big(backend: MiniBackend, base: str | None = None, path: str = "big") -> Any:
    http, users = backend.log_in(base)
    return http.get(f"{users}/{path}").json()


def test_large_bodies_live_beside_the_cassette_byte_for_byte(
    backend: MiniBackend, tmp_path: Path
) -> None:
    backend.big_body = json.dumps([{"t": i, "sma": 7e6 + i} for i in range(10000)]).encode()
    assert len(backend.big_body) > BODY_FILE_THRESHOLD
    path = tmp_path / "big.yaml"
    with use_cassette(path, record=True, scrubber=backend.scrubber()):
        _big(backend)
    (body_file,) = body_file_directory(path).iterdir()
    assert body_file.read_bytes() == backend.big_body
    assert body_file.name in path.read_text()
    with use_cassette(path):
        assert _big(backend, "https://x.invalid") == json.loads(backend.big_body)


def test_hand_edited_invalid_yaml_names_the_file_and_line(
    backend: MiniBackend, tmp_path: Path
) -> None:
    path = tmp_path / "session.yaml"
    _record(backend, path)
    lines = path.read_text().splitlines()
    lines[20] = lines[20] + " : ["
    path.write_text("\n".join(lines))
    with pytest.raises(CassetteFormatError) as broken, use_cassette(path):
        pass
    assert str(path) in str(broken.value)
    assert broken.value.line is not None and 20 <= broken.value.line <= 23
    # Recording afresh does not need to read the broken file.
    _record(backend, path)
    with use_cassette(path):
        pass


def test_hand_edited_body_file_with_invalid_json_names_the_file_and_line(
    backend: MiniBackend, tmp_path: Path
) -> None:
    backend.big_body = json.dumps({"rows": list(range(30000))}, indent=1).encode()
    path = tmp_path / "big.yaml"
    with use_cassette(path, record=True, scrubber=backend.scrubber()):
        _big(backend)
    (body_file,) = body_file_directory(path).iterdir()
    text = body_file.read_text().splitlines()
    text[5] = text[5] + ","
    body_file.write_text("\n".join(text))
    with pytest.raises(CassetteFormatError) as broken, use_cassette(path):
        pass
    assert broken.value.path == body_file and broken.value.line is not None


def test_new_episodes_adds_what_the_cassette_lacks(backend: MiniBackend, tmp_path: Path) -> None:
    path = tmp_path / "session.yaml"
    _record(backend, path)
    with use_cassette(path, record_mode="new_episodes", scrubber=backend.scrubber()):
        session_script(backend.url, backend.email, backend.password, backend.client_id)
        _big(backend, path="zipped")
    with use_cassette(path):
        session_script("https://x.invalid", "m", "p", "c")
        assert _big(backend, "https://x.invalid", path="zipped") == {
            "compressed": True,
            "owner": "user@spacestudio.invalid",
        }


def test_a_broken_line_in_a_json_body_is_named_exactly(
    backend: MiniBackend, tmp_path: Path
) -> None:
    path = tmp_path / "session.yaml"
    _record(backend, path)
    lines = path.read_text().splitlines()
    # A field line inside a body's JSON block (`json: |-` followed by indented JSON).
    block = next(number for number, line in enumerate(lines) if line.endswith("json: |-"))
    broken = next(n for n in range(block + 1, len(lines)) if lines[n].strip().startswith('"'))
    lines[broken] = lines[broken].replace('"', "", 1)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CassetteFormatError) as error, use_cassette(path):
        pass
    assert error.value.line == broken + 1
    assert "is not valid JSON" in str(error.value)


def test_a_version_1_cassette_still_replays(backend: MiniBackend, tmp_path: Path) -> None:
    import yaml

    path = tmp_path / "session.yaml"
    recorded = _record(backend, path)
    document = yaml.safe_load(path.read_text())
    assert document["format"] == "spacestudio-cassette/2"
    # Version 1 stored JSON bodies as YAML structure.
    for interaction in document["interactions"]:
        for side in ("request", "response"):
            body = interaction[side].get("body")
            if isinstance(body, dict) and isinstance(body.get("json"), str):
                body["json"] = json.loads(body["json"])
    document["format"] = "spacestudio-cassette/1"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    with use_cassette(path):
        replayed = session_script("https://x.invalid", "nobody@x.invalid", "pw", "other")
    assert replayed == recorded
