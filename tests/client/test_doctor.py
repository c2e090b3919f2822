"""``spacestudio doctor`` against the fake server over real HTTP: a line per check, the
fix of each failure, exit status 1 when one fails."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_server.embedded import FakeServer
from spacestudio.cli import main

SETTINGS = ("LOG_BASE_URL", "LOG_MAIL", "LOG_PASSWORD", "CLIENT_ID", "SPACESTUDIO_AUTH_URL",
            "SPACESTUDIO_REALM")  # fmt: skip


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with FakeServer() as running:
        yield running


def _doctor(
    monkeypatch: pytest.MonkeyPatch,
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
) -> tuple[int, dict[str, str]]:
    """Exit status, and each check's line (with its fix) by name."""
    monkeypatch.chdir(folder)  # no .env above it
    for name in SETTINGS:  # set first, so that undoing removes what a .env file added
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    status = main(["doctor"])
    lines: dict[str, str] = {}
    last = ""
    for line in capsys.readouterr().out.splitlines():
        if line[:4] in ("PASS", "FAIL", "SKIP"):
            last = line.split()[1]
            lines[last] = line
        elif line.strip().startswith("fix:"):
            lines[last] += "\n" + line.strip()
    return status, lines


def test_all_pass_against_a_working_server(
    server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    status, lines = _doctor(monkeypatch, tmp_path, capsys, server.env())
    assert status == 0
    assert list(lines) == ["install", "settings", "service", "login", "clock", "token"]
    assert all(line.startswith("PASS") for line in lines.values()), lines
    assert "accepted by the scripting API" in lines["token"]


def test_a_wrong_password_fails_the_login(
    server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    status, lines = _doctor(monkeypatch, tmp_path, capsys,
                            {**server.env(), "LOG_PASSWORD": "not-it"})  # fmt: skip
    assert status == 1
    assert lines["service"].startswith("PASS")
    assert lines["login"].startswith("FAIL") and "HTTP 401" in lines["login"]
    assert "fix: check LOG_MAIL, LOG_PASSWORD and CLIENT_ID" in lines["login"]
    assert lines["token"].startswith("SKIP")


def test_a_refused_port_fails_the_service_and_the_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    status, lines = _doctor(monkeypatch, tmp_path, capsys, {
        "LOG_BASE_URL": url, "SPACESTUDIO_AUTH_URL": url, "LOG_MAIL": "a@b.test",
        "LOG_PASSWORD": "pw", "CLIENT_ID": "scripts"})  # fmt: skip
    assert status == 1
    for check in ("service", "login"):
        assert lines[check].startswith("FAIL")
        assert f"connection refused by 127.0.0.1:{port}" in lines[check]


def test_a_url_without_scheme_fails_the_settings(
    server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    bare = server.url.removeprefix("http://")
    status, lines = _doctor(monkeypatch, tmp_path, capsys,
                            {**server.env(), "LOG_BASE_URL": bare})  # fmt: skip
    assert status == 1
    assert f"The URL in LOG_BASE_URL, '{bare}', has no scheme" in lines["settings"]
    assert f"fix: write it as https://{bare}" in lines["settings"]
    assert lines["service"].startswith("SKIP")


def test_missing_settings_are_named_with_the_lines_to_add(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines = _doctor(monkeypatch, tmp_path, capsys, {"LOG_MAIL": "a@b.test"})
    assert status == 1
    assert lines["install"].startswith("PASS")
    assert "LOG_BASE_URL, LOG_PASSWORD, CLIENT_ID not set" in lines["settings"]
    assert "fix: add LOG_BASE_URL=… LOG_PASSWORD=… CLIENT_ID=… to a .env file" in lines["settings"]


def test_settings_come_from_the_env_file_of_the_folder(
    server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in server.env().items()))
    status, lines = _doctor(monkeypatch, tmp_path, capsys, {})
    assert status == 0, lines
    assert f"from {tmp_path / '.env'}" in lines["settings"]
