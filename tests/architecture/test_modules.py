"""Each module does one job, says which in its docstring, and stays small enough to read.

A module over the limit has grown a second job; split it where the docstring's job ends.
A hand-written module is sized by its job, as far as the largest job needs
(``fake_server/oidc/tokens.py``, 561 lines: Keycloak's token endpoint, the tokens it signs
and the endpoints that take them back, whose parts call one another). Generated modules
(known by the generator's header line) are exempt: their length is the catalog's data, one
function per row, not code to split.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from spacestudio._codegen.render import GENERATED_HEADER

REPOSITORY = Path(__file__).resolve().parents[2]
PACKAGES = ("spacestudio", "spacestudio_contract", "fake_server")
MAX_LINES = 575

MODULES = sorted(path for package in PACKAGES for path in (REPOSITORY / package).rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(REPOSITORY).as_posix()


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_a_module_says_its_job_in_its_docstring(path: Path) -> None:
    docstring = ast.get_docstring(ast.parse(path.read_text()))
    assert docstring, f"{_name(path)} has no docstring saying what it is for"


def is_generated(text: str) -> bool:
    """Whether a module's text is the generator's output (its first line says so)."""
    return text.startswith(GENERATED_HEADER + "\n")


WRITTEN_MODULES = [path for path in MODULES if not is_generated(path.read_text())]


def test_the_generated_modules_are_known_by_their_header() -> None:
    generated = {_name(path) for path in MODULES if path not in WRITTEN_MODULES}
    assert {"spacestudio/simulation.py", "spacestudio/namespaces.py"} <= generated
    assert "spacestudio/client.py" not in generated


@pytest.mark.parametrize("path", WRITTEN_MODULES, ids=_name)
def test_a_module_stays_under_the_size_limit(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{_name(path)} has {lines} lines (limit {MAX_LINES})"
