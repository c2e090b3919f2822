"""The live path over real TLS: a script recorded and replayed against the fake on HTTPS.

The live service speaks HTTPS, so the client's certificate checks, ``REQUESTS_CA_BUNDLE``,
``VERIFY_SSL_CERTIFICATE=FALSE`` and a TLS failure are tried here on a real TLS socket:
the fake with a throw-away CA (``FakeServer(tls=True)``, ``spacestudio-fake-server --tls``)
or with the user's own certificate (``--cert``/``--key``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from fake_server.embedded import FakeServer
from fake_server.tls import throwaway_certificate

SCRIPT = textwrap.dedent(
    """
    import sys

    import spacestudio

    spacestudio.connect(spacestudio.log_base_url, spacestudio.log_mail,
                        spacestudio.log_password)
    names = [f"{sys.argv[1]}-{n}" for n in range(3)]
    for name in names:
        spacestudio.simulation.create_orbit(
            {"name": name, "type": "Circular", "altitude": 600e3, "inclination": 1.7})
    print([spacestudio.simulation.get_orbit(name)["name"] for name in names])
    """
)
#: The settings that would point the script elsewhere, or trust other CAs, left out.
OUTSIDE = (
    "LOG_BASE_URL", "LOG_MAIL", "LOG_PASSWORD", "CLIENT_ID", "SPACESTUDIO_AUTH_URL",
    "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "VERIFY_SSL_CERTIFICATE",
)  # fmt: skip


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with FakeServer(tls=True) as running:
        yield running


def run_script(
    folder: Path, *args: str, env: dict[str, str], under_run: bool = True
) -> subprocess.CompletedProcess[str]:
    """The script, under ``spacestudio run ARGS`` or (``under_run`` false) as ``python``."""
    (folder / "script.py").write_text(SCRIPT)
    clean = {key: value for key, value in os.environ.items() if key not in OUTSIDE}
    command = ["-m", "spacestudio.cli", "run", *args] if under_run else list(args)
    return subprocess.run(
        [sys.executable, *command],
        cwd=folder,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_script_is_recorded_over_a_trusted_chain_and_replayed(
    server: FakeServer, tmp_path: Path
) -> None:
    assert server.url.startswith("https://127.0.0.1:")
    assert server.env()["REQUESTS_CA_BUNDLE"] == str(server.ca_bundle)

    recorded = run_script(
        tmp_path, "--cassette", "tls.yaml", "--record", "script.py", "trusted", env=server.env()
    )
    assert recorded.returncode == 0, recorded.stderr
    assert recorded.stdout == "['trusted-0', 'trusted-1', 'trusted-2']\n"
    assert "uri: https://" in (tmp_path / "tls.yaml").read_text()  # the host is scrubbed

    replayed = run_script(tmp_path, "--cassette", "tls.yaml", "script.py", "trusted", env={})
    assert replayed.returncode == 0, replayed.stderr
    assert replayed.stdout == recorded.stdout


def test_an_untrusted_certificate_stops_the_script_with_one_line_naming_the_ca_setting(
    server: FakeServer, tmp_path: Path
) -> None:
    env = {k: v for k, v in server.env().items() if k != "REQUESTS_CA_BUNDLE"}

    failed = run_script(tmp_path, "--cassette", "x.yaml", "--record", "script.py", "x", env=env)

    assert failed.returncode != 0
    said = [line for line in failed.stderr.splitlines() if "not trusted" in line]
    assert len(said) == 1, failed.stderr
    assert "REQUESTS_CA_BUNDLE=" in said[0] and "VERIFY_SSL_CERTIFICATE=FALSE" in said[0]
    assert "trying again" not in failed.stderr  # a certificate does not change on retry


def test_checks_turned_off_warn_once_even_with_a_ca_bundle_in_the_environment(
    server: FakeServer, tmp_path: Path
) -> None:
    # A machine-wide bundle (as many set) that does not hold the fake's CA.
    system_bundle = requests.certs.where()
    env = {
        **server.env(),
        "REQUESTS_CA_BUNDLE": system_bundle,
        "CURL_CA_BUNDLE": system_bundle,
        "VERIFY_SSL_CERTIFICATE": "FALSE",
    }

    recorded = run_script(
        tmp_path, "--cassette", "off.yaml", "--record", "script.py", "off", env=env
    )
    plain = run_script(tmp_path, "script.py", "plain", env=env, under_run=False)

    for run in (recorded, plain):
        assert run.returncode == 0, run.stderr
        warnings = [
            line
            for line in run.stderr.splitlines()
            if "certificate checks are off" in line or "Unverified HTTPS request" in line
        ]
        assert len(warnings) == 1, run.stderr  # 8 requests were made


def start_command(*flags: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """``spacestudio-fake-server FLAGS --port 0`` and the ``.env`` lines it printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "fake_server", "--port", "0", *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    lines: dict[str, str] = {}
    for line in process.stdout:
        key, sep, value = line.strip().partition("=")
        if sep and not key.startswith("#"):
            lines[key] = value
        if key == "CLIENT_ID" and ("--tls" not in flags or "REQUESTS_CA_BUNDLE" in lines):
            break
        if key == "REQUESTS_CA_BUNDLE":
            break
    return process, lines


def stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=15)


def test_the_command_makes_a_private_throwaway_ca_and_prints_its_env_lines() -> None:
    process, env = start_command("--tls")
    try:
        assert env["LOG_BASE_URL"].startswith("https://127.0.0.1:")
        ca_bundle = Path(env["REQUESTS_CA_BUNDLE"])
        assert ca_bundle.parent.stat().st_mode & 0o777 == 0o700
        assert (ca_bundle.parent / "server-key.pem").stat().st_mode & 0o777 == 0o600
        for host in ("127.0.0.1", "localhost"):
            url = env["LOG_BASE_URL"].replace("127.0.0.1", host) + "/health/live"
            assert requests.get(url, verify=str(ca_bundle), timeout=10).status_code == 200
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(env["LOG_BASE_URL"] + "/health/live", timeout=10)
    finally:
        stop(process)
    assert not ca_bundle.parent.exists()  # the throw-away CA goes with the server


def test_the_command_serves_the_users_own_certificate(tmp_path: Path) -> None:
    own = throwaway_certificate(tmp_path / "own")
    process, env = start_command("--cert", str(own.cert), "--key", str(own.key))
    try:
        assert "REQUESTS_CA_BUNDLE" not in env  # the user knows their own CA
        answer = requests.get(env["LOG_BASE_URL"] + "/health/live", verify=str(own.ca), timeout=10)
        assert answer.status_code == 200
    finally:
        stop(process)


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--cert", "server.pem"], "--cert and --key go together"),
        (["--tls", "--cert", "a", "--key", "b"], "either --tls or --cert/--key"),
        (["--cert", "missing.pem", "--key", "missing.pem"], "cannot read missing.pem"),
    ],
)
def test_tls_flags_that_cannot_work_stop_the_start(
    flags: list[str], message: str, tmp_path: Path
) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "fake_server", "--port", "0", *flags],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 2
    assert message in finished.stderr
