"""Cassettes that users commit to shared repositories: what tests/cassettes does not
already cover.

- a whole seed session (login, token refreshes, creates, a computation, its results, a
  gridfs download, the user's profile) recorded with distinctive credentials holds no
  secret and no token in any encoding, upper or lower case;
- a recording process killed with SIGKILL mid-session leaves the previous cassette whole;
- a cassette cut short or left with merge-conflict markers names the file and line.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests

import spacestudio
from fake_server.embedded import FakeServer
from fake_server.oidc import Account
from spacestudio.cassettes import CassetteFormatError, Scrubber, use_cassette
from spacestudio.cassettes.leaks import leaked_kinds
from spacestudio.cassettes.secrets import KnownSecret
from spacestudio.client import set_default_client
from tests.cassettes.secrets import encodings

from .conftest import THRUSTER, orbit_body, spacecraft_body, transfer_body

MAIL = "Zelda.Quartermain+ops@hush-orbital.example"
PASSWORD = "v9!Kx#q:Zr/Plü 42%&=+"
CLIENT_ID = "hush-orbital-scripting-91c"
ACCOUNT = Account(MAIL, PASSWORD, first_name="Zelda", last_name="Quartermain")


@pytest.fixture
def server() -> Iterator[FakeServer]:
    # Short tokens, so the session refreshes them while it waits for a computation.
    with FakeServer(
        accounts=[ACCOUNT], client_ids=(CLIENT_ID,), token_lifetime=2, compute_seconds=1.5
    ) as running:
        yield running
    set_default_client(None)


def scrubber_for(server: FakeServer) -> Scrubber:
    return Scrubber(
        api_url=server.url, auth_url=server.auth_url, mail=MAIL, password=PASSWORD,
        client_id=CLIENT_ID,
    )  # fmt: skip


def seed_session(base: str, issued: list[str], tmp_path: Path) -> dict[str, Any]:
    """A seed-style session; every token the identity provider hands out lands in ``issued``."""
    session = requests.Session()

    def keep_tokens(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        if response.url.endswith("/openid-connect/token") and response.ok:
            answer = response.json()
            issued.extend(answer[key] for key in ("access_token", "refresh_token") if key in answer)

    session.hooks["response"].append(keep_tokens)
    client = spacestudio.connect(
        base, MAIL, PASSWORD, CLIENT_ID, auth_url=base, progress=False, poll_interval=0.2,
        session=session,
    )  # fmt: skip
    sim = spacestudio.simulation
    sim.create_orbit(orbit_body("SSO-500"))
    sim.create_propulsion_system(THRUSTER)
    sim.create_spacecraft(spacecraft_body("sat", sim.get_propulsion_system("HET")))
    sim.create_mission(transfer_body("raise", sim.get_orbit("SSO-500"), sim.get_spacecraft("sat")))
    sim.compute_mission("raise")
    results = sim.wait_and_get_mission_results("raise")["results"]
    spacestudio.gridfs.save_csv_file_to_disk(results["ephemeridesFileName"], tmp_path / "e.csv")
    profile = client.call(
        "GET", f"{base}/realms/spacestudio-users/protocol/openid-connect/userinfo"
    )
    client.close()
    return {"final": results["finalOrbit"]["altitude"], "profile": profile}


def case_variants(forms: Iterator[str]) -> set[str]:
    """Each form as written, in lower case and in upper case (hex escapes come in both)."""
    return {variant for form in forms for variant in (form, form.lower(), form.upper())}


def test_a_whole_seed_session_leaks_no_secret_in_any_encoding_or_case(
    server: FakeServer, tmp_path: Path
) -> None:
    path = tmp_path / "cassettes" / "seed.yaml"
    issued: list[str] = []
    with use_cassette(path, record=True, scrubber=scrubber_for(server)):
        recorded = seed_session(server.url, issued, tmp_path)
    refreshes = [e for e in server.app.journal.entries() if e.path.endswith("/token")]
    assert len(refreshes) >= 2, "the session was meant to refresh its token"
    assert recorded["profile"]["family_name"] == "Quartermain"
    secrets = [MAIL, PASSWORD, CLIENT_ID, "Quartermain", server.url.removeprefix("http://"),
               *issued]  # fmt: skip
    files = [p for p in path.parent.rglob("*") if p.is_file()]
    found = []
    for secret in secrets:
        forms = case_variants(encodings(secret))
        for file in files:
            data = file.read_bytes()
            found += [f"{file.name}: {secret[:20]!r} as {form[:30]!r}" for form in forms
                      if len(form) >= 8 and form.encode() in data]  # fmt: skip
    assert found == []
    # Scrubbed, it still replays the whole session offline, with other credentials.
    set_default_client(None)
    with use_cassette(path):
        replayed = seed_session("https://elsewhere.invalid", [], tmp_path)
    assert replayed["final"] == recorded["final"]


RECORDER = textwrap.dedent(
    """
    import sys, time
    import spacestudio
    from spacestudio.cassettes import Scrubber, use_cassette
    url, path = sys.argv[1], sys.argv[2]
    scrubber = Scrubber(api_url=url, auth_url=url, mail={mail!r}, password={password!r},
                        client_id={client_id!r})
    with use_cassette(path, record=True, scrubber=scrubber):
        client = spacestudio.connect(url, {mail!r}, {password!r}, {client_id!r}, auth_url=url,
                                     progress=False)
        number = 0
        while True:
            number += 1
            client.simulation.orbits.create({{"name": f"orbit {{number}}"}})
            if number == 10:
                print("recording", flush=True)
    """
).format(mail=MAIL, password=PASSWORD, client_id=CLIENT_ID)


def test_a_recording_process_killed_mid_session_leaves_the_previous_cassette(
    server: FakeServer, tmp_path: Path
) -> None:
    path = tmp_path / "cassettes" / "seed.yaml"
    with use_cassette(path, record=True, scrubber=scrubber_for(server)):
        seed_session(server.url, [], tmp_path)
    before = {p: p.read_bytes() for p in path.parent.rglob("*") if p.is_file()}
    script = tmp_path / "recorder.py"
    script.write_text(RECORDER)
    recorder = subprocess.Popen(
        [sys.executable, str(script), server.url, str(path)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )  # fmt: skip
    try:
        assert recorder.stdout is not None
        # Ten orbits in, it goes on recording: killed now, it dies mid-session.
        assert recorder.stdout.readline().strip() == "recording"
        recorder.send_signal(signal.SIGKILL)
        assert recorder.wait(timeout=10) == -signal.SIGKILL
    finally:
        if recorder.poll() is None:
            recorder.kill()
        if recorder.stdout is not None:
            recorder.stdout.close()
    after = {p: p.read_bytes() for p in path.parent.rglob("*") if p.is_file()}
    assert after == before  # not a byte of the old cassette changed, nothing half-written
    set_default_client(None)
    with use_cassette(path):
        seed_session("https://elsewhere.invalid", [], tmp_path)


@pytest.fixture
def recorded(server: FakeServer, tmp_path: Path) -> Path:
    path = tmp_path / "seed.yaml"
    with use_cassette(path, record=True, scrubber=scrubber_for(server)):
        seed_session(server.url, [], tmp_path)
    set_default_client(None)
    return path


def test_a_cassette_cut_short_names_the_file_and_line(recorded: Path) -> None:
    text = recorded.read_text()
    recorded.write_text(text[: len(text) // 2])
    with pytest.raises(CassetteFormatError) as broken, use_cassette(recorded):
        pass
    assert broken.value.path == recorded
    assert str(recorded) in str(broken.value)
    assert broken.value.line is not None


def test_merge_conflict_markers_name_the_file_and_line(recorded: Path) -> None:
    lines = recorded.read_text().splitlines()
    middle = len(lines) // 2
    lines[middle:middle] = ["<<<<<<< HEAD", lines[middle], "=======", lines[middle], ">>>>>>> b"]
    recorded.write_text("\n".join(lines) + "\n")
    with pytest.raises(CassetteFormatError) as broken, use_cassette(recorded):
        pass
    assert f"{recorded}:" in str(broken.value)
    assert broken.value.line is not None and middle - 1 <= broken.value.line <= middle + 6


@pytest.mark.parametrize("encoding", ["base64", "base64url", "hex", "HEX"])
@pytest.mark.parametrize("case", [str.lower, str.upper], ids=["lower", "upper"])
def test_the_mail_encoded_in_a_case_the_scrubber_never_saw_is_a_leak(
    encoding: str, case: Any
) -> None:
    raw = case(MAIL).encode()
    encoded = {
        "base64": base64.b64encode(raw).decode(),
        "base64url": base64.urlsafe_b64encode(b"id:" + raw).decode(),
        "hex": raw.hex(),
        "HEX": raw.hex().upper(),
    }[encoding]
    data = json.dumps({"state": encoded}).encode()
    assert leaked_kinds([KnownSecret("e-mail", MAIL, "<e-mail>")], data) == ["e-mail"]


def test_a_placeholder_jwt_hides_an_issuer_other_than_the_auth_url() -> None:
    issuer = "https://keycloak.internal.hush-orbital.example/realms/ops"
    token = jwt.encode(
        {"sub": "u", "iss": issuer, "azp": CLIENT_ID, "exp": 1_790_000_300, "typ": "Bearer"},
        "a-signing-key-of-at-least-32-bytes!",
        "HS256",
    )
    scrubber = Scrubber(
        api_url="https://api.hush-orbital.example", auth_url="https://sso.hush-orbital.example",
        mail=MAIL, password=PASSWORD, client_id=CLIENT_ID,
    )  # fmt: skip
    body = json.dumps({"access_token": token, "token_type": "Bearer"}).encode()
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"Content-Type": ["application/json"]},
        "body": {"string": body},
    }
    scrubbed = scrubber.scrub_response(response)
    placeholder = json.loads(scrubbed["body"]["string"])["access_token"]
    claims = jwt.decode(placeholder, options={"verify_signature": False})
    assert "hush-orbital" not in claims["iss"], claims["iss"]
    assert claims["iss"].endswith(".invalid/realms/ops")
    # The issuer's host is now known: found elsewhere, it is replaced there too.
    later = scrubber.scrub_response(
        {**response, "body": {"string": json.dumps({"issuer": issuer}).encode()}}
    )
    assert b"keycloak.internal" not in later["body"]["string"]
