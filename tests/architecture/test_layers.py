"""The layers depend one way: the contract on nothing, each side on the contract alone.

``spacestudio_contract`` imports nothing of either side; the fake server never imports
the client; the client imports the fake server only in the code that starts one (the
CLI's ``--fake``, the pytest plugin, the verifier), inside the function that does so.
Proved twice: by reading every module's imports, and by what a fresh interpreter loads
(``python -X importtime``).
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
#: The client's modules that may start a fake server, and so import it when they do.
STARTS_A_FAKE_SERVER = (
    "spacestudio/cli.py",
    "spacestudio/pytest_plugin.py",
    "spacestudio/pytest_cassettes.py",
    "spacestudio/verify_fake/",
)


def _modules(package: str) -> list[Path]:
    return sorted((REPOSITORY / package).rglob("*.py"))


def _imported(node: ast.AST) -> Iterator[tuple[str, ast.stmt]]:
    """Every module an import statement under ``node`` names, with the statement."""
    for statement in ast.walk(node):
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                yield alias.name, statement
        elif isinstance(statement, ast.ImportFrom) and statement.level == 0 and statement.module:
            yield statement.module, statement


def _is_of(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def _loaded_at_import(tree: ast.Module) -> Iterator[str]:
    """The modules a module imports when it is imported (not in functions, not for types)."""
    for statement in tree.body:
        if isinstance(statement, ast.If) and "TYPE_CHECKING" in ast.unparse(statement.test):
            continue
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for module, _ in _imported(statement):
            yield module


def test_the_contract_imports_neither_side() -> None:
    for path in _modules("spacestudio_contract"):
        for module, _ in _imported(ast.parse(path.read_text())):
            assert not _is_of(module, "spacestudio"), f"{path} imports {module}"
            assert not _is_of(module, "fake_server"), f"{path} imports {module}"


def test_the_fake_server_never_imports_the_client() -> None:
    for path in _modules("fake_server"):
        for module, _ in _imported(ast.parse(path.read_text())):
            assert not _is_of(module, "spacestudio"), f"{path} imports {module}"


def test_the_client_imports_the_fake_server_only_to_start_one() -> None:
    for path in _modules("spacestudio"):
        relative = path.relative_to(REPOSITORY).as_posix()
        tree = ast.parse(path.read_text())
        at_import = [m for m in _loaded_at_import(tree) if _is_of(m, "fake_server")]
        assert at_import == [], f"{relative} imports {at_import} when it is imported"
        if not relative.startswith(STARTS_A_FAKE_SERVER):
            anywhere = [m for m, _ in _imported(tree) if _is_of(m, "fake_server")]
            assert anywhere == [], f"{relative} imports {anywhere}, yet starts no fake server"


_IMPORTED = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", re.MULTILINE)


def _imports_of(arguments: list[str], cwd: Path, env: dict[str, str] | None = None) -> set[str]:
    """The top-level packages a fresh interpreter imports to run ``arguments``."""
    finished = subprocess.run(
        [sys.executable, "-X", "importtime", *arguments],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return {name.partition(".")[0] for name in _IMPORTED.findall(finished.stderr)}


def test_the_fake_server_app_loads_no_client_stack(tmp_path: Path) -> None:
    imported = _imports_of(["-c", "import fake_server.app, fake_server.wsgi"], tmp_path)
    assert "fake_server" in imported and "werkzeug" in imported  # the probe sees imports
    assert imported.isdisjoint({"spacestudio", "requests", "tqdm"}), sorted(imported)


def test_the_contract_loads_alone(tmp_path: Path) -> None:
    imported = _imports_of(
        [
            "-c",
            "import spacestudio_contract.catalog, spacestudio_contract.endpoints, "
            "spacestudio_contract.json_types",
        ],
        tmp_path,
    )
    assert "spacestudio_contract" in imported
    assert imported.isdisjoint({"spacestudio", "fake_server", "requests", "werkzeug"})


def test_a_replay_loads_no_fake_server_and_no_cryptography(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")  # the example plots its result
    imported = _imports_of(
        [
            "-m",
            "spacestudio.cli",
            "run",
            "--cassette",
            str(REPOSITORY / "cassettes" / "examples" / "raan_phasing.yaml"),
            str(REPOSITORY / "examples" / "raan_phasing.py"),
        ],
        tmp_path,
        {"SPACESTUDIO_PLOT_DIR": str(tmp_path)},
    )
    assert {"spacestudio", "vcr", "requests"} <= imported  # it did replay
    assert imported.isdisjoint({"fake_server", "werkzeug", "cryptography"}), sorted(imported)
