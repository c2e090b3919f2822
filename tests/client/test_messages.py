"""Each message a user acts on, read as the user sees it, against the fake server over
real HTTP: what went wrong and what to change."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import spacestudio
from fake_server.embedded import FakeServer
from fake_server.oidc import Account
from spacestudio import Client, RetryPolicy
from spacestudio.progress import ComputationProgress
from tests.support.samples import WAITING_SCRIPT

ALICE = Account("alice@example.test", "alice-password")
VIEWER = Account("viewer@example.test", "viewer-password", scripting=False)
SETTINGS = ("LOG_BASE_URL", "LOG_MAIL", "LOG_PASSWORD", "CLIENT_ID")


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with FakeServer(accounts=[ALICE, VIEWER]) as running:
        yield running


def _connect(server: FakeServer, url: str | None = None, **options: Any) -> Client:
    options.setdefault("auth_url", server.auth_url)
    options.setdefault("realm", server.realm)
    options.setdefault("progress", False)
    return Client(
        url or server.url, ALICE.email, ALICE.password, server.client_id, **options
    )  # fmt: skip


def _message(error: pytest.ExceptionInfo[BaseException]) -> str:
    return str(error.value)


# -- users/infos: why the scripting API would not say who you are ----------------------------


def test_a_wrong_base_url_says_there_is_no_scripting_api_there(server: FakeServer) -> None:
    with pytest.raises(spacestudio.NotFoundError) as raised:
        _connect(server, url=f"{server.url}/app")
    message = _message(raised)
    assert message.startswith(f"There is no scripting API at {server.url}/app")
    assert "Check LOG_BASE_URL" in message
    assert "scripting is not enabled" not in message.lower()


def test_a_wrong_realm_says_the_identity_provider_has_no_such_realm(server: FakeServer) -> None:
    with pytest.raises(spacestudio.AuthenticationError) as raised:
        _connect(server, realm="spacestudio-user")
    message = _message(raised)
    assert f"The identity provider at {server.auth_url} has no realm 'spacestudio-user'" in message
    assert "Set SPACESTUDIO_REALM" in message


def test_a_token_signed_by_another_key_says_the_identity_provider_is_another(
    server: FakeServer,
) -> None:
    with (
        FakeServer(accounts=[ALICE]) as other_provider,
        pytest.raises(spacestudio.AuthenticationError) as raised,
    ):
        _connect(server, auth_url=other_provider.auth_url)
    message = _message(raised)
    assert "cannot check the token's signature: the identity provider at " in message
    assert other_provider.auth_url in message
    assert "SPACESTUDIO_AUTH_URL points at another identity provider" in message


def test_a_token_of_another_issuer_says_which_and_what_to_set(tmp_path: Path) -> None:
    keys = str(tmp_path / "shared-keys.pem")  # same keys, so only the issuer differs
    with (
        FakeServer(accounts=[ALICE], keys=keys) as api,
        FakeServer(accounts=[ALICE], keys=keys) as other_provider,
        pytest.raises(spacestudio.AuthenticationError) as raised,
    ):
        _connect(api, auth_url=other_provider.auth_url)
    message = _message(raised)
    assert f"does not accept tokens issued by {other_provider.auth_url}" in message
    assert "set SPACESTUDIO_AUTH_URL" in message and "SPACESTUDIO_REALM" in message


def test_an_account_without_scripting_is_told_to_ask_for_it(server: FakeServer) -> None:
    with pytest.raises(spacestudio.ScriptingNotEnabledError) as raised:
        Client(server.url, VIEWER.email, VIEWER.password, server.client_id,
               auth_url=server.auth_url, progress=False)  # fmt: skip
    assert "enable scripting for this account" in _message(raised)


# -- settings -------------------------------------------------------------------------------


def test_every_missing_setting_is_named_at_once_with_the_lines_to_add(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable in SETTINGS:
        monkeypatch.delenv(variable, raising=False)
    with pytest.raises(spacestudio.ConfigurationError) as raised:
        spacestudio.connect(
            spacestudio.log_base_url, spacestudio.log_mail, spacestudio.log_password
        )
    message = _message(raised)
    assert message.startswith("4 settings are missing: the scripting API's base URL")
    for line in ("LOG_BASE_URL=", "LOG_MAIL=", "LOG_PASSWORD=", "CLIENT_ID="):
        assert f"\n    {line}" in message
    assert "No the" not in message


def test_one_missing_setting_is_named_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLIENT_ID", raising=False)
    with pytest.raises(spacestudio.ConfigurationError) as raised:
        spacestudio.connect("http://127.0.0.1:9", "a@example.test", "pw")
    message = _message(raised)
    assert message.startswith("1 setting is missing: the OIDC client id (CLIENT_ID)")
    assert message.endswith("    CLIENT_ID=<the client id you were given>")


# -- the network ----------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_connection_refused_is_said_at_once_and_at_each_retry(
    caplog: pytest.LogCaptureFixture,
) -> None:
    port = _closed_port()
    url = f"http://127.0.0.1:{port}"
    with (
        caplog.at_level(logging.WARNING, logger="spacestudio"),
        pytest.raises(spacestudio.TransportError) as raised,
    ):
        Client(url, "a@example.test", "pw", "scripts", auth_url=url,
               retry=RetryPolicy(max_attempts=3, backoff=0.01))  # fmt: skip
    retries = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(retries) == 2
    for said in retries:
        assert f"connection refused by 127.0.0.1:{port}: nothing listens there" in said
    assert "trying again in 0.0 s (attempt 2 of 3)" in retries[0]
    assert f"after 3 attempts: connection refused by 127.0.0.1:{port}" in _message(raised)


def test_an_unknown_host_is_said_at_once_without_retrying(
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = "http://no-such-host.invalid"
    started = time.monotonic()
    with pytest.raises(spacestudio.TransportError) as raised:
        Client(url, "a@example.test", "pw", "scripts", auth_url=url)
    assert time.monotonic() - started < 5
    message = _message(raised)
    assert "the host name 'no-such-host.invalid' could not be resolved (DNS failure)" in message
    assert "attempts" not in message


def test_https_against_an_http_port_says_so(server: FakeServer) -> None:
    url = server.url.replace("http://", "https://")
    with pytest.raises(spacestudio.TransportError) as raised:
        Client(url, ALICE.email, ALICE.password, server.client_id, auth_url=url)
    message = _message(raised)
    netloc = url.removeprefix("https://")
    assert f"{netloc} answers in plain HTTP, not TLS" in message
    assert f"use http://{netloc}" in message
    assert "attempts" not in message


# -- waiting --------------------------------------------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_progress_bar_estimates_the_time_left(capsys: pytest.CaptureFixture[str]) -> None:
    clock = _Clock()
    with ComputationProgress("simulation mission 'raise'", True, clock=clock) as bar:
        bar.update(0)
        clock.now += 5
        bar.update(10)  # starts running: no estimate yet
        clock.now += 10
        bar.update(30)  # 20 % in 10 s: 70 % left takes 35 s
        shown = capsys.readouterr().err
        assert "pending" in shown
        assert "30%" in shown and "running, about 00:35 left" in shown
        clock.now += 35
        line = bar.finish()
    assert line == "simulation mission 'raise': computed, after waiting 00:50"
    assert capsys.readouterr().err.endswith(line + "\n")


def test_the_wait_is_logged_when_no_bar_is_shown(caplog: pytest.LogCaptureFixture) -> None:
    clock = _Clock()
    with (
        caplog.at_level(logging.INFO, logger="spacestudio"),
        ComputationProgress("mission 'm'", False, clock=clock) as bar,
    ):
        clock.now += 61
        bar.finish()
    assert "mission 'm': computed, after waiting 01:01" in caplog.text


def test_a_wait_in_a_log_is_a_line_at_a_steady_interval_and_one_at_the_end(
    capsys: pytest.CaptureFixture[str],
) -> None:
    clock = _Clock()
    with ComputationProgress("mission 'm'", False, clock=clock, line_every=10) as wait:
        for status in (0, 0, 10, 20, 30, 40, 50, 60, 70):  # a poll every 4 s
            wait.update(status)
            clock.now += 4
        wait.finish()
    assert capsys.readouterr().err.splitlines() == [
        "mission 'm': waited 00:00, pending",
        # Running since 10 % at 8 s: 10 % in 4 s, so 80 % left takes 32 s.
        "mission 'm': waited 00:12, 20% done, running, about 00:32 left",
        "mission 'm': waited 00:20, 40% done, running, about 00:24 left",
        "mission 'm': waited 00:32, 70% done, running, about 00:12 left",
        "mission 'm': computed, after waiting 00:36",
    ]


def test_a_wait_with_stderr_no_terminal_speaks_at_the_interval_asked(
    tmp_path: Path,
) -> None:
    (tmp_path / "wait.py").write_text(WAITING_SCRIPT)
    with FakeServer(compute_seconds=1.5) as server:
        done = subprocess.run(
            [sys.executable, "wait.py"], cwd=tmp_path, capture_output=True, text=True,
            env={**os.environ, **server.env(), "PYTHONPATH": str(Path.cwd()),
                 "SPACESTUDIO_PROGRESS_INTERVAL": "0.3"},
            timeout=60, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    telling = [line for line in lines if line.startswith("simulation mission 'raise': waited")]
    assert 3 <= len(telling) <= 8, done.stderr  # 1.5 s told every 0.3 s
    assert "% done, running" in telling[-1]
    end = [
        i for i, line in enumerate(lines) if line.startswith("simulation mission 'raise': computed")
    ]
    assert len(end) == 1 and lines.index(telling[-1]) < end[0], done.stderr


def test_a_wrong_progress_interval_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPACESTUDIO_PROGRESS_INTERVAL", "10s")
    with pytest.raises(spacestudio.ConfigurationError) as raised:
        ComputationProgress.for_choice("mission 'm'", None)
    assert "SPACESTUDIO_PROGRESS_INTERVAL is '10s', not a number of seconds" in _message(raised)


def _until_polled(server: FakeServer) -> None:
    deadline = time.monotonic() + 30
    while not any("/status/" in entry.path for entry in server.app.journal.entries()):
        assert time.monotonic() < deadline, "the script never polled the status"
        time.sleep(0.02)


def test_ctrl_c_while_waiting_says_the_computation_goes_on_without_a_traceback(
    tmp_path: Path,
) -> None:
    (tmp_path / "wait.py").write_text(WAITING_SCRIPT)
    with FakeServer(compute_seconds=60) as slow:
        environment = {**os.environ, **slow.env(), "PYTHONPATH": str(Path.cwd())}
        running = subprocess.Popen(
            [sys.executable, "wait.py"], cwd=tmp_path, env=environment,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert running.stdout is not None
            assert running.stdout.readline() == "waiting\n"
            _until_polled(slow)  # inside the wait, not before it
            running.send_signal(signal.SIGINT)
            _, stderr = running.communicate(timeout=30)
        finally:
            running.kill()
    assert "Traceback" not in stderr
    # Before it, the wait's own line: stderr is no terminal.
    lines = stderr.strip().splitlines()
    assert lines[:-1], stderr
    assert all(line.startswith("simulation mission 'raise': waited ") for line in lines[:-1])
    assert lines[-1] == (
        "Stopped waiting for the simulation mission 'raise': it goes on computing on the "
        "server; pick up its results later with "
        "spacestudio.simulation.wait_and_get_mission_results('raise') "
        "(or client.simulation.missions.wait_for_results)"
    )
    assert running.returncode != 0


def test_ctrl_c_stays_a_keyboard_interrupt_for_code_that_catches_it() -> None:
    from spacestudio.errors import WaitInterrupted

    assert issubclass(WaitInterrupted, KeyboardInterrupt)
