"""Importing a light part of the fake server loads none of its heavy parts, and every
module keeps to its layer.

Parsing a request body (``fake_server.bodies``) needs werkzeug and the settings, not the
identity provider's cryptography, the password hashes, the fault rules' RE2 or SQLite:
each of those loads with the part that uses it. Checked in a fresh interpreter, since
the test run itself has loaded everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]

#: What each light module must load without: the heavy dependencies of other layers.
HEAVY = ("jwt", "cryptography", "argon2", "re2", "sqlite3", "_sqlite3")


def _top_level_modules_after(statement: str, cwd: Path) -> set[str]:
    """The top-level modules a fresh interpreter holds after running ``statement``."""
    probe = f"{statement}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    finished = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return {name.partition(".")[0] for name in json.loads(finished.stdout)}


def test_parsing_a_request_body_loads_no_identity_store_or_fault_engine(tmp_path: Path) -> None:
    loaded = _top_level_modules_after("import fake_server.bodies", tmp_path)
    assert {"fake_server", "werkzeug"} <= loaded  # the probe sees what was imported
    assert loaded.isdisjoint(HEAVY), sorted(loaded.intersection(HEAVY))


def test_every_module_keeps_to_its_layer(tmp_path: Path) -> None:
    """The layer tables of docs/architecture.md, as import-linter contracts (pyproject)."""
    finished = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
