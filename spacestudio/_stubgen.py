"""Write the ``.pyi`` stubs of the functions and namespaces made from the catalog.

The seed modules (``simulation`` …) and the object API's namespaces are built at import
time, so editors and type checkers learn about them from stubs. This writes them from the
same tables the runtime uses; a test checks that the committed stubs are what this
writes, so they cannot drift apart::

    python -m spacestudio._stubgen          # rewrite the stubs
    python -m spacestudio._stubgen --check  # exit 1 when a stub is stale
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from spacestudio._module_functions import URL_LEVEL_IMPORTS, ModuleFunction, module_functions
from spacestudio.namespaces import NAMESPACE_MODULES, namespace_class_name
from spacestudio.urls import URL_SEGMENTS
from spacestudio_contract.catalog import CollectionSpec, collections_of

PACKAGE_DIR = Path(__file__).resolve().parent
HEADER = (
    "# Generated from spacestudio_contract.catalog by `python -m spacestudio._stubgen`; "
    "do not edit."
)
LINE_LENGTH = 100
INDENT = "    "


def _signature(name: str, params: list[str], returns: str) -> list[str]:
    """A ``def`` line, wrapped the way ``ruff format`` wraps it."""
    one_line = f"def {name}({', '.join(params)}) -> {returns}:"
    if len(one_line) <= LINE_LENGTH:
        return [one_line]
    inner = INDENT + ", ".join(params)
    if len(inner) <= LINE_LENGTH:
        return [f"def {name}(", inner, f") -> {returns}:"]
    return [f"def {name}(", *(f"{INDENT}{param}," for param in params), f") -> {returns}:"]


def _docstring(text: str, indent: str) -> list[str]:
    lines = text.split("\n")
    if len(lines) == 1:
        return [f'{indent}"""{text}"""']
    return [
        f'{indent}"""{lines[0]}',
        *(f"{indent}{line}" if line else "" for line in lines[1:]),
        f'{indent}"""',
    ]


def _reexport(module: str, name: str) -> str:
    """An explicit re-export, on one line or wrapped as ``ruff format`` wraps it."""
    line = f"from {module} import {name} as {name}"
    if len(line) <= LINE_LENGTH:
        return line
    inner = f"{INDENT}{name} as {name},"
    long_line = "  # noqa: E501" if len(inner) > LINE_LENGTH else ""
    return f"from {module} import (\n{inner}{long_line}\n)"


def _function_stub(described: ModuleFunction) -> list[str]:
    params = [f"{name}: {annotation}" for name, annotation in described.params]
    return [
        *_signature(described.name, params, described.returns),
        *_docstring(described.doc, INDENT),
    ]


def module_stub(module: str) -> str:
    """The ``.pyi`` text of one seed module."""
    docstring = sys.modules[f"spacestudio.{module}"].__doc__ or ""
    blocks = [_function_stub(described) for described in module_functions(module)]
    lines = [
        *_docstring(docstring.strip("\n"), ""),
        "",
        HEADER,
        "",
        "from typing import Any",
        "",
        "# What the published module imported, so scripts could reach it through it.",
        *(_reexport("spacestudio.api_requests", name) for name in sorted(URL_LEVEL_IMPORTS)),
        "",
        *(f"{name}: str" for name in URL_SEGMENTS),
    ]
    for block in blocks:
        lines += ["", *block]
    return "\n".join(lines) + "\n"


def _collection_class(spec: CollectionSpec) -> str:
    if not spec.mission:
        return "Collection"
    return "PausableMissionCollection" if spec.pausable else "MissionCollection"


def namespaces_stub() -> str:
    """The ``.pyi`` text of ``spacestudio.namespaces``."""
    docstring = (sys.modules["spacestudio.namespaces"].__doc__ or "").strip("\n")
    lines = [
        *_docstring(docstring, ""),
        "",
        HEADER,
        "",
        "from collections.abc import Iterator",
        "from typing import ClassVar",
        "",
        "from spacestudio.client import Client",
        "from spacestudio.resources import (",
        f"{INDENT}Collection,",
        f"{INDENT}MissionCollection,",
        f"{INDENT}PausableMissionCollection,",
        ")",
        "",
        "NAMESPACE_MODULES: tuple[str, ...]",
        "",
        "def namespace_class_name(module: str) -> str: ...",
        "",
        "class CollectionNamespace:",
        f'{INDENT}"""The collections of one module of the catalog, as attributes."""',
        "",
        f"{INDENT}module: ClassVar[str]",
        f"{INDENT}def __init__(self, client: Client) -> None: ...",
        f"{INDENT}def __iter__(self) -> Iterator[Collection]: ...",
    ]
    for module in NAMESPACE_MODULES:
        lines += ["", f"class {namespace_class_name(module)}(CollectionNamespace):"]
        lines += [f'{INDENT}"""The {module} collections of one client."""', ""]
        for spec in collections_of(module):
            lines.append(f"{INDENT}{spec.attribute}: {_collection_class(spec)}")
            lines.append(f'{INDENT}"""{spec.segment}"""')
    return "\n".join(lines) + "\n"


def stubs() -> dict[Path, str]:
    """Every generated stub: its path and its text."""
    written = {}
    for module in NAMESPACE_MODULES:
        importlib.import_module(f"spacestudio.{module}")
        written[PACKAGE_DIR / f"{module}.pyi"] = module_stub(module)
    written[PACKAGE_DIR / "namespaces.pyi"] = namespaces_stub()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="only report stale stubs")
    arguments = parser.parse_args(argv)
    stale = [path for path, text in stubs().items() if _read(path) != text]
    if arguments.check:
        for path in stale:
            sys.stderr.write(f"stale stub: {path} (run python -m spacestudio._stubgen)\n")
        return 1 if stale else 0
    for path, text in stubs().items():
        if path in stale:
            path.write_text(text, encoding="utf-8")
            sys.stderr.write(f"wrote {path}\n")
    return 0


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


if __name__ == "__main__":
    raise SystemExit(main())
