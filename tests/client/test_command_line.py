"""A user's mistakes under ``spacestudio run`` read as one short paragraph, not a
traceback; ``--debug`` (or SPACESTUDIO_DEBUG=1) brings the traceback back."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_server.embedded import FakeServer
from tests.support.samples import WAITING_SCRIPT

CONNECTING_SCRIPT = textwrap.dedent(
    """
    from dotenv import load_dotenv
    load_dotenv()
    import spacestudio

    spacestudio.connect(spacestudio.log_base_url, spacestudio.log_mail,
                        spacestudio.log_password)
    print(len(spacestudio.simulation.get_all_orbits()))
    """
)
#: The most a mistake may take on stderr: the message, and where the traceback is.
MOST_LINES = 5
SETTINGS = ("LOG_BASE_URL", "LOG_MAIL", "LOG_PASSWORD", "CLIENT_ID", "SPACESTUDIO_AUTH_URL",
            "SPACESTUDIO_REALM", "SPACESTUDIO_DEBUG")  # fmt: skip


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with FakeServer() as running:
        yield running


def spacestudio_command(
    folder: Path, *args: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if key not in SETTINGS}
    return subprocess.run(
        [sys.executable, "-m", "spacestudio.cli", *args],
        cwd=folder, env={**clean, **env}, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip


def _run_connecting_script(folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    (folder / "study.py").write_text(CONNECTING_SCRIPT)
    return spacestudio_command(folder, "run", "study.py", env=env)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _assert_one_paragraph(done: subprocess.CompletedProcess[str], *said: str) -> None:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) <= MOST_LINES, done.stderr
    assert "spacestudio run: study.py stopped at study.py:6: " in done.stderr
    for words in said:
        assert words in done.stderr


def test_a_wrong_password_is_one_paragraph(server: FakeServer, tmp_path: Path) -> None:
    done = _run_connecting_script(tmp_path, {**server.env(), "LOG_PASSWORD": "not-it"})
    _assert_one_paragraph(done, "AuthenticationError: ", "Check LOG_MAIL, LOG_PASSWORD")


def test_a_refused_port_is_one_paragraph(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    done = _run_connecting_script(
        tmp_path, {"LOG_BASE_URL": url, "SPACESTUDIO_AUTH_URL": url, "LOG_MAIL": "a@b.test",
                   "LOG_PASSWORD": "pw", "CLIENT_ID": "scripts"},
    )  # fmt: skip
    _assert_one_paragraph(done, "TransportError: ", "connection refused by 127.0.0.1:")


def test_a_url_without_scheme_is_named_so(server: FakeServer, tmp_path: Path) -> None:
    bare = server.url.removeprefix("http://")
    done = _run_connecting_script(tmp_path, {**server.env(), "LOG_BASE_URL": bare})
    _assert_one_paragraph(
        done, f"ConfigurationError: The URL in LOG_BASE_URL, '{bare}', has no scheme",
        f"write it as https://{bare}",
    )  # fmt: skip


@pytest.mark.parametrize("asking", [("--debug",), ("SPACESTUDIO_DEBUG=1",)])
def test_debug_shows_the_traceback_from_the_script_down(
    server: FakeServer, tmp_path: Path, asking: tuple[str]
) -> None:
    (tmp_path / "study.py").write_text(CONNECTING_SCRIPT)
    env = {**server.env(), "LOG_PASSWORD": "not-it"}
    flags: list[str] = []
    if asking[0].startswith("--"):
        flags.append(asking[0])
    else:
        env["SPACESTUDIO_DEBUG"] = "1"
    done = spacestudio_command(tmp_path, "run", *flags, "study.py", env=env)
    assert done.returncode == 1
    assert done.stderr.startswith("Traceback (most recent call last):\n")
    assert 'study.py", line 6, in <module>' in done.stderr
    assert "runpy" not in done.stderr and "cli.py" not in done.stderr
    assert "AuthenticationError: " in done.stderr


def test_another_error_of_the_script_keeps_its_traceback_without_the_commands_frames(
    tmp_path: Path,
) -> None:
    (tmp_path / "study.py").write_text("def f():\n    return 1 / 0\n\nf()\n")
    done = spacestudio_command(tmp_path, "run", "study.py", env={})
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[-1] == "ZeroDivisionError: division by zero"
    assert "runpy" not in done.stderr and "cli.py" not in done.stderr


def test_ctrl_c_under_fake_says_the_computation_is_gone_with_the_server(tmp_path: Path) -> None:
    (tmp_path / "wait.py").write_text(WAITING_SCRIPT)
    clean = {key: value for key, value in os.environ.items() if key not in SETTINGS}
    running = subprocess.Popen(
        [sys.executable, "-m", "spacestudio.cli", "run", "--fake", "--compute-seconds", "60",
         "wait.py"],
        cwd=tmp_path, env={**clean, "PYTHONPATH": str(Path.cwd())},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert running.stdout is not None
        assert running.stdout.readline() == "waiting\n"
        time.sleep(0.5)  # inside the wait: it polls every 0.05 s
        running.send_signal(signal.SIGINT)
        _, stderr = running.communicate(timeout=30)
    finally:
        running.kill()
    assert running.returncode == 130
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == (
        "spacestudio run: stopped waiting for the simulation mission 'raise'; the fake server "
        "of --fake stopped with the script, so its computations and objects are gone: run the "
        "script again to compute them."
    )
    assert "goes on computing" not in stderr


def test_run_loads_none_of_verify_fake(tmp_path: Path) -> None:
    # verify-fake's options import its package, which a script run does not use.
    (tmp_path / "probe.py").write_text(
        "import sys\nprint(sorted(m for m in sys.modules if 'verify_fake' in m))\n"
    )
    done = spacestudio_command(tmp_path, "run", "probe.py", env={})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    helped = spacestudio_command(tmp_path, "verify-fake", "--help", env={})
    assert "--relative-tolerance" in helped.stdout
