"""Run one of the vendor's use-case scripts, unchanged, against a fake server over HTTP.

Each script runs in a subprocess from a scratch copy of the sdist's ``API use cases``
folder, with the settings a user's ``.env`` would hold, and ``HOME`` pointing to a scratch
folder (the scripts write ``.xlsx`` files to ``~/Downloads``). The client is this project's
``spacestudio`` or one of the published versions, put first on ``PYTHONPATH``; the shim
beside this file redirects the published client's hard-coded login origin and captures
the figures the script shows (see ``shim/sitecustomize.py``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fake_server.embedded import FakeServer
from tests import vendor

#: The five use-case scripts every published sdist ships.
SCRIPTS = (
    "Simple_RAAN_mission.py",
    "Full-mission-simulation.py",
    "Compute-maximum-reachable-altitude.py",
    "Pause-capability-in-simulation-missions.py",
    "Constellations_revisit_rate_evolution.py",
)
#: This project's client, and the published clients the fake must satisfy.
HARNESS = "harness"
CLIENTS = (HARNESS, "3.4.4", "3.8.0")
SHIM = Path(__file__).resolve().parent / "shim"
REPOSITORY = Path(__file__).resolve().parents[2]
#: Where the figures of every run are kept for a person to look at (git-ignored).
PLOTS = Path(os.environ.get("SPACESTUDIO_CONFORMANCE_PLOTS", REPOSITORY / ".cache/conformance"))
SCRIPT_TIMEOUT = 600.0
#: Settings of the caller that must not leak into a script's environment.
_SETTINGS = (
    "LOG_BASE_URL", "LOG_MAIL", "LOG_PASSWORD", "CLIENT_ID", "VERIFY_SSL_CERTIFICATE",
    "SPACESTUDIO_AUTH_URL", "SPACESTUDIO_REALM", "SPACESTUDIO_STRICT", "PYTHONPATH",
)  # fmt: skip


@dataclass(frozen=True)
class ScriptRun:
    """What one run of a script did: exit code, output, the figures it showed."""

    script: str
    client: str
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    figures: list[dict[str, Any]]
    workdir: Path

    def explain(self) -> str:
        return (
            f"{self.script} with client {self.client} exited {self.returncode} after "
            f"{self.seconds:.1f} s\n--- stdout (end) ---\n{self.stdout[-3000:]}\n"
            f"--- stderr (end) ---\n{self.stderr[-5000:]}"
        )

    def axes(self, figure: int = 0) -> list[dict[str, Any]]:
        axes: list[dict[str, Any]] = self.figures[figure]["axes"]
        return axes


def scratch_copy(workdir: Path) -> Path:
    """A fresh copy of the use-case folder (scripts and their helper module)."""
    target = workdir / "use-cases"
    if not target.exists():
        shutil.copytree(vendor.use_cases(), target)
    return target


def run_script(
    script: str, client: str, server: FakeServer, workdir: Path, label: str
) -> ScriptRun:
    """Run ``script`` once with ``client`` against ``server``; ``label`` names its figures."""
    folder = scratch_copy(workdir)
    home = workdir / "home"
    (home / "Downloads").mkdir(parents=True, exist_ok=True)
    plots = PLOTS / client / Path(script).stem
    for old in plots.glob(f"{label}-fig*"):
        old.unlink()
    env = {key: value for key, value in os.environ.items() if key not in _SETTINGS}
    env.update(server.env())
    env.update(
        HOME=str(home),
        MPLBACKEND="Agg",
        MPLCONFIGDIR=str(workdir / "mpl"),
        CONFORMANCE_PLOTS=str(plots),
        CONFORMANCE_PLOT_STEM=label,
        PYTHONDONTWRITEBYTECODE="1",
    )
    path = [str(SHIM)]
    if client != HARNESS:
        path.append(str(vendor.client_package(client)))
        env["CONFORMANCE_AUTH_REDIRECT"] = server.auth_url
    env["PYTHONPATH"] = os.pathsep.join(path)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, script],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT,
        check=False,
    )
    figures = [
        json.loads(path.read_text())
        for path in sorted(plots.glob(f"{label}-fig*.json"), key=_figure_number)
    ]
    return ScriptRun(
        script,
        client,
        done.returncode,
        done.stdout,
        done.stderr,
        time.perf_counter() - started,
        figures,
        folder,
    )


def _figure_number(path: Path) -> int:
    return int(path.stem.rsplit("-fig", 1)[1])
