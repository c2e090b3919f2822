"""A bad ``SPACESTUDIO_FAKE_*`` setting stops gunicorn with its message, under real gunicorn.

TLS under gunicorn is gunicorn's own (``--certfile``/``--keyfile``): the command's TLS
settings are refused there rather than ignored.

Before, each worker exited on its own and the master forked new ones without end.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fake_server.options import ENV_PREFIX
from fake_server.wsgi import ConfigurationError, config_from_environment

pytest.importorskip("gunicorn")

#: How long the start may take to give up (it used to crash-loop for as long as it ran).
GIVE_UP_WITHIN = 15.0


@pytest.mark.parametrize(
    ("config", "status", "messages"),
    [
        # Each worker says it once and exits with gunicorn's "App failed to load" (4); the
        # master halts, with 4 or, when the halt lands in its signal handler, 1.
        pytest.param([], {1, 4}, 2, id="plain-command"),
        pytest.param(["-c", "python:fake_server.gunicorn_conf"], {2}, 1, id="shipped-config"),
    ],
)
def test_a_bad_setting_stops_gunicorn_with_its_message(
    config: list[str], status: set[int], messages: int
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    env[f"{ENV_PREFIX}COMPUTE_SECONDS"] = "soon"
    command = [sys.executable, "-m", "gunicorn", *config, "-w", "2", "-b", "127.0.0.1:0"]
    started = time.monotonic()

    finished = subprocess.run(
        [*command, "--no-control-socket", "fake_server.wsgi:application"],
        env=env,
        capture_output=True,
        text=True,
        timeout=GIVE_UP_WITHIN,
    )

    assert time.monotonic() - started < GIVE_UP_WITHIN
    assert finished.returncode in status, finished.stderr
    said = "spacestudio fake server: --compute-seconds: 'soon' is not a number of seconds"
    assert finished.stderr.count(said) == messages, finished.stderr


def test_tls_settings_under_gunicorn_point_to_its_own_certificate_options(tmp_path: Path) -> None:
    environ = {f"{ENV_PREFIX}STATE": str(tmp_path / "state.sqlite"), f"{ENV_PREFIX}TLS": "true"}

    with pytest.raises(ConfigurationError, match="--certfile FILE --keyfile FILE"):
        config_from_environment(environ)
