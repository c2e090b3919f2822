"""Installing this project brings everything the published package brought its scripts."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from tests import vendor

SCRIPT = Path(__file__).with_name("published_imports.py")


def _published_requirements(version: str) -> set[str]:
    setup = (vendor.sdist(version) / "setup.py").read_text()
    for node in ast.walk(ast.parse(setup)):
        if isinstance(node, ast.keyword) and node.arg == "install_requires":
            return {_name(requirement) for requirement in ast.literal_eval(node.value)}
    raise AssertionError(f"{version}: no install_requires in setup.py")


def _name(requirement: str) -> str:
    found = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert found, requirement
    return re.sub(r"[-_.]+", "-", found.group(0)).lower()


def _our_requirements() -> set[str]:
    requires = importlib.metadata.requires("spacestudio-harness") or []
    # Only what a plain `pip install` brings: no extra's requirement.
    return {_name(r) for r in requires if "extra ==" not in r}


@pytest.mark.parametrize("version", vendor.VERSIONS)
def test_a_plain_install_brings_every_published_requirement(version: str) -> None:
    missing = _published_requirements(version) - _our_requirements()
    assert not missing, f"{version} installed {sorted(missing)}; add them to dependencies"


def test_a_script_importing_what_the_published_package_brought_runs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok True"
    sheet = openpyxl.load_workbook(tmp_path / "altitudes.xlsx").active
    assert sheet is not None and sheet.max_row == 6
    assert (tmp_path / "altitudes.png").stat().st_size > 0
