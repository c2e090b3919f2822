"""Running the example scripts the way a user does: ``spacestudio run`` in a fresh process.

By default each example replays its cassette (``cassettes/examples/<name>.yaml``) offline;
``pytest --record`` records the cassette again against a fake server and keeps the summary
the example printed as the expected output (``tests/examples/expected/<name>.txt``).
``spacestudio run --fake --cassette … --record examples/<name>.py`` records the same
requests by hand.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from fake_server.embedded import FakeServer, recording_clock

REPOSITORY = Path(__file__).resolve().parents[2]
EXAMPLES = REPOSITORY / "examples"
EXPECTED = Path(__file__).resolve().parent / "expected"
#: Settings a developer's shell may hold: an example under test must not see them.
SETTINGS = (
    "LOG_BASE_URL",
    "LOG_MAIL",
    "LOG_PASSWORD",
    "CLIENT_ID",
    "SPACESTUDIO_AUTH_URL",
    "SPACESTUDIO_REALM",
    "VERIFY_SSL_CERTIFICATE",
    "SPACESTUDIO_PLOT_DIR",
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class ExampleRun:
    """What one run of an example left: its output, its summary's numbers and its plot."""

    name: str
    stdout: str
    stderr: str
    plot: Path

    @property
    def summary(self) -> dict[str, list[float]]:
        """The numbers of each ``label: value …`` line of the printed summary."""
        numbers: dict[str, list[float]] = {}
        for line in self.stdout.splitlines():
            label, colon, value = line.strip().partition(": ")
            if colon:
                numbers[label] = [float(number) for number in _NUMBER.findall(value)]
        return numbers

    def value(self, label: str) -> float:
        """The first number on the summary line ``label``."""
        values = self.summary.get(label)
        assert values, f"{self.name} printed no number for {label!r}:\n{self.stdout}"
        return values[0]


def run_example(
    name: str, cwd: Path, *options: str, record: bool = False
) -> subprocess.CompletedProcess[str]:
    """``spacestudio run --cassette cassettes/examples/NAME.yaml [--record] examples/NAME.py``:
    a replay, or with ``record`` a recording against a fake server whose clock stands
    still, so that recording again changes nothing that the example did not change."""
    cassette = REPOSITORY / "cassettes" / "examples" / f"{name}.yaml"
    environment = {key: value for key, value in os.environ.items() if key not in SETTINGS}
    command = [sys.executable, "-m", "spacestudio.cli", "run", "--cassette", str(cassette)]
    with contextlib.ExitStack() as stack:
        if record:
            server = stack.enter_context(FakeServer(clock=recording_clock))
            environment.update(server.env())
            command.append("--record")
        return subprocess.run(
            [*command, str(EXAMPLES / f"{name}.py"), *options],
            cwd=cwd,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


@pytest.fixture
def example_run(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[str], ExampleRun]:
    """Run an example (replayed, or recorded under ``--record``) in an empty directory,
    where it writes its plot by default, and check it ran cleanly."""
    recording = bool(request.config.getoption("--record", default=False))

    def run(name: str) -> ExampleRun:
        done = run_example(name, tmp_path, record=recording)
        assert done.returncode == 0, (
            f"{name} exited with {done.returncode}\n--- stdout\n{done.stdout}"
            f"\n--- stderr\n{done.stderr}"
        )
        if recording:
            EXPECTED.mkdir(exist_ok=True)
            (EXPECTED / f"{name}.txt").write_text(done.stdout, encoding="utf-8")
        return ExampleRun(name, done.stdout, done.stderr, tmp_path / f"{name}.png")

    return run
