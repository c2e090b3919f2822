"""``python -m fake_server`` as a user runs it: banner, .env lines, signals, state files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from fake_server.__main__ import main
from fake_server.config import DEMO_EMAIL, DEMO_PASSWORD
from fake_server.options import parse_user


class RunningServer:
    """A fake server subprocess and the settings its banner printed."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fake_server", "--port", "0", "--log-level", "WARNING", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.banner: list[str] = []
        self.env: dict[str, str] = {}
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.banner.append(line.rstrip("\n"))
            key, sep, value = line.strip().partition("=")
            if sep and key.isupper():
                self.env[key] = value
            if key == "CLIENT_ID":
                break
        else:
            self.process.wait(timeout=10)
            raise AssertionError(f"no banner; stderr: {self.process.stderr.read()}")  # type: ignore[union-attr]
        self.url = self.env["LOG_BASE_URL"]

    def login(self, email: str, password: str) -> requests.Session:
        session = requests.Session()
        token = session.post(
            f"{self.env['SPACESTUDIO_AUTH_URL']}/realms/{self.env['SPACESTUDIO_REALM']}"
            "/protocol/openid-connect/token",
            data={"client_id": self.env["CLIENT_ID"], "grant_type": "password",
                  "username": email, "password": password},
            timeout=10,
        )  # fmt: skip
        assert token.status_code == 200, token.text
        session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        return session

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        code = self.process.wait(timeout=10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        return code


@pytest.fixture
def run() -> Iterator[type[RunningServer]]:
    started: list[RunningServer] = []

    class Tracked(RunningServer):
        def __init__(self, *args: str) -> None:
            super().__init__(*args)
            started.append(self)

    yield Tracked
    for server in started:
        if server.process.poll() is None:
            server.stop(signal.SIGKILL)


def test_it_prints_the_env_lines_serves_and_stops_on_sigterm(run: type[RunningServer]) -> None:
    server = run()
    assert server.banner[0].startswith("spacestudio fake server listening on http://127.0.0.1:")
    assert server.env["LOG_MAIL"] == DEMO_EMAIL
    assert server.env["LOG_PASSWORD"] == DEMO_PASSWORD
    assert server.env["CLIENT_ID"] == "spacestudio-scripting"
    assert server.env["SPACESTUDIO_AUTH_URL"] == server.url
    session = server.login(DEMO_EMAIL, DEMO_PASSWORD)
    infos = session.get(f"{server.url}/exoops/users/infos", timeout=10)
    assert infos.status_code == 200
    assert server.stop(signal.SIGTERM) == 0


def test_users_clients_faults_and_sigint(run: type[RunningServer]) -> None:
    server = run(
        "--user", "ana@example.test:pa:ss",
        "--user", "eve@example.test:secret:no-scripting",
        "--client-id", "my-client",
        "--fault", "*/orbitdefinitions:status=503:retry-after=2:times=1",
    )  # fmt: skip
    assert server.env["LOG_MAIL"] == "ana@example.test"
    assert "LOG_PASSWORD" not in server.env  # passwords given with --user are not echoed
    assert not any("pa:ss" in line or "secret" in line for line in server.banner)
    assert server.env["CLIENT_ID"] == "my-client"
    assert any("eve@example.test" in line and "no scripting" in line for line in server.banner)
    ana = server.login("ana@example.test", "pa:ss")
    user_id = ana.get(f"{server.url}/exoops/users/infos", timeout=10).json()["id"]
    failed = ana.get(f"{server.url}/exoops/users/{user_id}/orbitdefinitions", timeout=10)
    assert (failed.status_code, failed.headers["Retry-After"]) == (503, "2")
    eve = server.login("eve@example.test", "secret")
    assert eve.get(f"{server.url}/exoops/users/infos", timeout=10).status_code == 403
    assert server.stop(signal.SIGINT) == 0


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--port", "70000"], "outside 0..65535"),
        (["--port", "http"], "not a port number"),
        (["--user", "nobody"], "EMAIL:PASSWORD"),
        (["--user", "a@b.c:x", "--user", "A@B.C:y"], "share an e-mail"),
        (["--compute-seconds", "-1"], "zero or more"),
        (["--token-lifetime", "0"], "at least 1"),
        (["--fault", "/exoops/*:status=abc"], "not a number"),
        (["--log-level", "LOUD"], "invalid choice"),
        (["--surprise"], "unrecognized"),
    ],
)
def test_bad_flags_exit_2_with_a_message(
    args: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    assert fragment in capsys.readouterr().err


def test_a_state_file_that_is_not_one_exits_2(tmp_path: Path) -> None:
    state = tmp_path / "notes.db"
    state.write_text("not a database " * 200)
    result = subprocess.run(
        [sys.executable, "-m", "fake_server", "--port", "0", "--state", str(state)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "not a fake server state file" in result.stderr
    assert not (tmp_path / "notes.db.keys.pem").exists()


def test_user_flags() -> None:
    account = parse_user("x@y.z:p:w:disabled:no-scripting")
    assert (account.email, account.password) == ("x@y.z", "p:w")
    assert not account.scripting and not account.enabled


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_acknowledged_writes_survive_a_restart(
    run: type[RunningServer], tmp_path: Path, how: int
) -> None:
    state = str(tmp_path / "state.db")
    first = run("--state", state, "--compute-seconds", "0")
    session = first.login(DEMO_EMAIL, DEMO_PASSWORD)
    user_id = session.get(f"{first.url}/exoops/users/infos", timeout=10).json()["id"]
    base = f"{first.url}/exoops/users/{user_id}"
    created = session.post(f"{base}/antennadefinitions", json={"name": "kept"}, timeout=10)
    assert created.status_code == 200
    mission = session.post(f"{base}/deploymentrequests", json={"name": "d"}, timeout=10).json()
    session.get(f"{base}/deploymentrequests/compute/{mission['id']}", timeout=10)
    log_id = session.get(f"{base}/deploymentrequests/{mission['id']}", timeout=10).json()[
        "computationLogId"
    ]
    first.stop(how)
    assert os.path.exists(f"{state}.keys.pem")

    second = run("--state", state)
    again = second.login(DEMO_EMAIL, DEMO_PASSWORD)
    assert again.get(f"{second.url}/exoops/users/infos", timeout=10).json()["id"] == user_id
    base = f"{second.url}/exoops/users/{user_id}"
    listed = again.get(f"{base}/antennadefinitions", timeout=10).json()
    assert listed == [created.json()]
    log = again.get(f"{base}/computationlogs/{log_id}", timeout=10).json()
    assert log["status"] in ("FINISHED", "FAILED")
    assert again.get(f"{base}/deploymentrequests/status/{mission['id']}", timeout=10).json() == -1
    assert second.stop() == 0
