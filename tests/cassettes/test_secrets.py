"""No secret in any cassette: recorded with known credentials, searched in every encoding."""

from __future__ import annotations

from pathlib import Path

import pytest

import spacestudio
from fake_server.config import DEMO_EMAIL, DEMO_PASSWORD
from fake_server.embedded import FakeServer
from spacestudio.cassettes import Scrubber, use_cassette
from spacestudio.client import set_default_client
from spacestudio_contract.endpoints import DEFAULT_CLIENT_ID
from tests.cassettes.secrets import (
    SECRET_ACCOUNT,
    SECRET_CLIENT_ID,
    SECRET_MAIL,
    SECRET_PASSWORD,
    all_files,
    leaks,
)
from tests.cassettes.test_workflow import ORBIT, THRUSTER

REPOSITORY_CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"


def test_a_recording_with_secret_credentials_holds_none_of_them(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    with FakeServer(accounts=[SECRET_ACCOUNT], client_ids=(SECRET_CLIENT_ID,)) as server:
        scrubber = Scrubber(
            api_url=server.url,
            auth_url=server.auth_url,
            mail=SECRET_MAIL,
            password=SECRET_PASSWORD,
            client_id=SECRET_CLIENT_ID,
        )
        with use_cassette(path, record=True, scrubber=scrubber):
            client = spacestudio.connect(
                server.url, SECRET_MAIL, SECRET_PASSWORD, SECRET_CLIENT_ID, auth_url=server.auth_url
            )
            try:
                tokens = [client.access_token]
                client.simulation.orbits.create(ORBIT)
                client.simulation.propulsion_systems.create(THRUSTER)
                assert client.simulation.orbits.get("SSO-600") is not None
                tokens.append(client.access_token)
            finally:
                client.close()
                set_default_client(None)
        host = server.url.removeprefix("http://")
    files = all_files(tmp_path)
    assert path in files
    secrets = [SECRET_MAIL, SECRET_PASSWORD, SECRET_CLIENT_ID, "Secrett", host, *tokens]
    assert leaks(files, secrets) == []
    # The recording still says who logged in how: placeholders, not blanks.
    text = path.read_text()
    assert "grant_type=password" in text and "scrubbed-password" in text


def test_no_committed_cassette_holds_a_secret() -> None:
    files = all_files(REPOSITORY_CASSETTES)
    if not files:
        pytest.skip("no cassette committed yet")
    secrets = [SECRET_MAIL, SECRET_PASSWORD, SECRET_CLIENT_ID, DEMO_EMAIL, DEMO_PASSWORD]
    assert leaks(files, [*secrets, DEFAULT_CLIENT_ID, "127.0.0.1"]) == []
