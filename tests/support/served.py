"""A WSGI application under gunicorn with N worker processes, on a loopback port.

For tests and benchmarks of the fake server as a shared service::

    with GunicornServer(workers=2, env={"SPACESTUDIO_FAKE_STATE": str(state)}) as server:
        requests.get(f"{server.url}/health/ready")

The listening socket is bound here and handed to gunicorn (``--bind fd://N``), so the port
is known before gunicorn starts and can be bound again for a restart on the same URL
(tokens name the URL they were issued for). :meth:`GunicornServer.start` returns once
every worker has built its application, so requests reach all of them from the start.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Self

from fake_server.background import BackgroundServer, wait_until
from fake_server.options import ENV_PREFIX

#: The application the fake server's workers serve, and the log line each one writes once
#: its application is built.
FAKE_SERVER_APP = "fake_server.wsgi:application"
FAKE_SERVER_READY = "fake_server.wsgi: serving realm"
START_TIMEOUT = 60.0


class GunicornServer(BackgroundServer):
    """``gunicorn -w WORKERS APP`` on ``127.0.0.1:PORT`` (0: a free port) in a child process.

    ``env`` is added to this process's environment, whose ``SPACESTUDIO_FAKE_*`` variables
    are dropped first so that only ``env`` configures the fake. ``ready_line``: the start
    waits until each worker has logged it (to stdout or stderr).
    """

    def __init__(
        self,
        *,
        workers: int = 1,
        app: str = FAKE_SERVER_APP,
        env: Mapping[str, str] | None = None,
        port: int = 0,
        ready_line: str | None = FAKE_SERVER_READY,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.workers = workers
        self.app = app
        self.env = dict(env or {})
        self.port = port
        self.ready_line = ready_line
        self.extra_args = tuple(extra_args)
        self._process: subprocess.Popen[bytes] | None = None
        self._log_dir = tempfile.TemporaryDirectory(prefix="gunicorn-")
        self.log_path = Path(self._log_dir.name) / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        """Everything gunicorn and the workers wrote so far."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def start(self) -> Self:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self.port = listener.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
        env.update(self.env)
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(self.workers),
            "--bind",
            f"fd://{listener.fileno()}",
            "--no-control-socket",
            "--graceful-timeout",
            "5",
            *self.extra_args,
            self.app,
        ]
        offset = len(self.log())
        with open(self.log_path, "ab") as log:
            self._process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                pass_fds=(listener.fileno(),),
            )
        listener.close()  # gunicorn holds its copy
        self._wait_until_ready(offset)
        return self

    def _wait_until_ready(self, offset: int) -> None:
        if not wait_until(lambda: self._ready(offset), START_TIMEOUT, 0.05):
            self.stop()
            raise RuntimeError(f"gunicorn did not start within {START_TIMEOUT:g} s:\n{self.log()}")

    def _ready(self, offset: int) -> bool:
        """Whether every worker logged its ready line (after ``offset``) and the port answers."""
        assert self._process is not None
        if self._process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with status {self._process.returncode}:\n{self.log()}"
            )
        log = self.log()[offset:]
        ready_line = "Booting worker" if self.ready_line is None else self.ready_line
        return log.count(ready_line) >= self.workers and self._answers()

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        """SIGTERM, as a service manager stops it; SIGKILL if it lingers."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def close(self) -> None:
        self.stop()
        self._log_dir.cleanup()
