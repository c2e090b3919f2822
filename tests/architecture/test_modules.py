"""Each module does one job, says which in its docstring, and stays small enough to read.

A module over the limit has grown a second job; split it where the docstring's job ends.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
PACKAGES = ("spacestudio", "spacestudio_contract", "fake_server")
MAX_LINES = 500

MODULES = sorted(path for package in PACKAGES for path in (REPOSITORY / package).rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(REPOSITORY).as_posix()


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_a_module_says_its_job_in_its_docstring(path: Path) -> None:
    docstring = ast.get_docstring(ast.parse(path.read_text()))
    assert docstring, f"{_name(path)} has no docstring saying what it is for"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_a_module_stays_under_the_size_limit(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{_name(path)} has {lines} lines (limit {MAX_LINES})"
