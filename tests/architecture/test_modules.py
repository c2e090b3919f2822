"""Each module does one job, says which in its docstring, and stays small enough to read.

A module over the limit has grown a second job; split it where the docstring's job ends.
A hand-written module is sized by its job: its limit is a little higher than a generated
module's, as far as the largest job needs (``fake_server/oidc/tokens.py``, 561 lines:
Keycloak's token endpoint, the tokens it signs and the endpoints that take them back,
whose parts call one another).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from spacestudio._codegen.render import GENERATED_NOTE

REPOSITORY = Path(__file__).resolve().parents[2]
PACKAGES = ("spacestudio", "spacestudio_contract", "fake_server")
MAX_GENERATED_LINES = 500
MAX_HAND_WRITTEN_LINES = 575

MODULES = sorted(path for package in PACKAGES for path in (REPOSITORY / package).rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(REPOSITORY).as_posix()


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_a_module_says_its_job_in_its_docstring(path: Path) -> None:
    docstring = ast.get_docstring(ast.parse(path.read_text()))
    assert docstring, f"{_name(path)} has no docstring saying what it is for"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_a_module_stays_under_the_size_limit(path: Path) -> None:
    source = path.read_text()
    lines = len(source.splitlines())
    docstring = ast.get_docstring(ast.parse(source)) or ""
    limit = MAX_GENERATED_LINES if GENERATED_NOTE in docstring else MAX_HAND_WRITTEN_LINES
    assert lines <= limit, f"{_name(path)} has {lines} lines (limit {limit})"
