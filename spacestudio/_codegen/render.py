"""The source of every generated module: the seed modules and the object API's namespaces.

Each seed module (``spacestudio.simulation`` …) is written with one decorated ``def`` per
function of :mod:`spacestudio._codegen.families`, the URL-level functions and URL
constants the published module offered, and its ``__all__``. A module whose functions do
not fit in :data:`MAX_LINES` keeps that surface and takes its functions from two part
modules beside it: those of its object collections and those of its mission collections.
``spacestudio.namespaces`` gets one class per module of the catalog. The text is
formatted by ``ruff format``, so what is committed is what ``ruff format`` leaves alone.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path

from spacestudio._codegen.families import URL_LEVEL_IMPORTS, ModuleFunction, module_functions
from spacestudio.urls import URL_SEGMENTS
from spacestudio_contract.catalog import MODULES, CollectionSpec, collections_of

#: What regenerates the modules; their docstrings and the drift test name it.
COMMAND = "python -m spacestudio._codegen"
PACKAGE_DIR = Path(__file__).resolve().parents[1]
#: The longest a module may be (the project's rule for every module).
MAX_LINES = 500
#: The project's line length (pyproject.toml), which ruff format keeps to.
LINE_LENGTH = 100
INDENT = "    "

#: The seed modules with functions made from the catalog (gridfs is written by hand).
SEED_MODULES: tuple[str, ...] = tuple(module for module in MODULES if collections_of(module))

#: Second paragraph of every generated module's docstring, already cut into lines.
GENERATED_NOTE = (
    "Generated from the catalog (``spacestudio_contract.catalog``) by\n"
    f"``{COMMAND}``; to change it, change the catalog or\n"
    "``spacestudio/_codegen`` and run that command again."
)

#: The part modules of a seed module too long for one file (``_constellation_objects`` …):
#: their suffix, the collections whose functions they hold, and whether those are missions.
PARTS: tuple[tuple[str, str, bool], ...] = (
    ("objects", "object", False),
    ("missions", "mission", True),
)


def namespace_class_name(module: str) -> str:
    """``"parametric_study"`` → ``"ParametricStudyCollections"``."""
    return "".join(word.capitalize() for word in module.split("_")) + "Collections"


def _words(module: str) -> str:
    return module.replace("_", " ")


def _docstring(text: str, indent: str = "") -> list[str]:
    lines = text.strip("\n").split("\n")
    if len(lines) == 1:
        return [f'{indent}"""{lines[0]}"""']
    return [
        f'{indent}"""{lines[0]}',
        *(f"{indent}{line}" if line else "" for line in lines[1:]),
        f'{indent}"""',
    ]


def _function(described: ModuleFunction) -> list[str]:
    options = ", missing_goes_on=True" if described.missing_goes_on else ""
    params = ", ".join(f"{name}: {annotation}" for name, annotation in described.params)
    return [
        f'@module_function("{described.module}"{options})',
        f"def {described.name}({params}) -> {described.returns}:",
        *_docstring(described.doc, INDENT),
        f"{INDENT}return {described.call}",
    ]


def _functions_source(functions: Iterable[ModuleFunction]) -> list[str]:
    lines: list[str] = []
    for described in functions:
        lines += ["", "", *_function(described)]
    return lines


def _function_imports() -> list[str]:
    return [
        "from typing import Any",
        "",
        "from spacestudio.client import default_client",
        "from spacestudio.module_function import module_function",
    ]


def _url_constants(module: str) -> list[str]:
    """Declarations for type checkers, values read through ``__getattr__`` (PEP 562)."""
    return [
        "",
        "# Declared for type checkers and editors; the values come from __getattr__ below.",
        "if TYPE_CHECKING:",
        *(f"{INDENT}{name}: str" for name in URL_SEGMENTS),
        "else:",
        "",
        f"{INDENT}def __getattr__(name: str) -> str:",
        f"{INDENT * 2}# The published module imported the URL constants; each read gives",
        f"{INDENT * 2}# the value for the current connection.",
        f"{INDENT * 2}if name in URL_SEGMENTS:",
        f'{INDENT * 3}return connected_value("{module}", name)',
        f"{INDENT * 2}raise AttributeError("
        f"f\"module 'spacestudio.{module}' has no attribute {{name!r}}\")",
        "",
        "",
        "def __dir__() -> list[str]:",
        f"{INDENT}return sorted({{*globals(), *URL_SEGMENTS}})",
    ]


def _reexport(module: str, name: str) -> str:
    """An explicit re-export, on one line or wrapped as ``ruff format`` wraps it."""
    line = f"from {module} import {name} as {name}"
    if len(line) <= LINE_LENGTH:
        return line
    inner = f"{INDENT}{name} as {name},"
    # ruff format cannot shorten a name: the line stays long, and says it may.
    long_line = "  # noqa: E501" if len(inner) > LINE_LENGTH else ""
    return f"from {module} import (\n{inner}{long_line}\n)"


def _url_constant_of(spec: CollectionSpec) -> str:
    """The URL constant of the published client for the collection ``spec``."""
    return next(name for name, segment in URL_SEGMENTS.items() if segment == spec.segment)


def _all(names: Iterable[str]) -> list[str]:
    return ["", "__all__ = [", *(f'{INDENT}"{name}",' for name in sorted(names)), "]"]


def seed_module(module: str, parts: dict[str, tuple[ModuleFunction, ...]] | None) -> str:
    """The source of ``spacestudio.{module}``: with its functions, or importing them from
    its ``parts`` (by suffix)."""
    functions = module_functions(module)
    example = _url_constant_of(functions[0].spec)
    docstring = [
        f"The {_words(module)} functions of the published spacestudio client, for scripts "
        "written for it.",
        "",
        GENERATED_NOTE,
        "",
        "Each function runs on the client that ``spacestudio.connect()`` made, through its "
        f"object API (``client.{module}.<collection>``), which offers the same operations per "
        "client. The module also offers what the published one imported: the URL-level "
        f"functions and the URL constants (``{module}.{example}`` …), read for the current "
        "connection.",
    ]
    if parts:
        docstring += [
            "",
            "The functions are written in "
            + " and ".join(f"``spacestudio._{module}_{suffix}``" for suffix in parts)
            + f" (one module would be too long); they are functions of ``spacestudio.{module}`` "
            "all the same, for ``help()``, pickling and their error messages.",
        ]
    lines = [
        *_docstring(_wrapped(docstring)),
        "",
        "from typing import TYPE_CHECKING" + ("" if parts else ", Any"),
        "",
        "# What the published module imported, so scripts could reach it through it.",
        *(_reexport("spacestudio.api_requests", name) for name in sorted(URL_LEVEL_IMPORTS)),
    ]
    if parts:
        for suffix, part_functions in parts.items():
            names = ", ".join(described.name for described in part_functions)
            lines.append(f"from spacestudio._{module}_{suffix} import {names}")
    else:
        lines += ["from spacestudio.client import default_client"]
        lines += ["from spacestudio.module_function import module_function"]
    lines += ["from spacestudio.urls import URL_SEGMENTS, connected_value"]
    lines += _all(described.name for described in functions)
    lines += _url_constants(module)
    if not parts:
        lines += _functions_source(functions)
    return "\n".join(lines) + "\n"


def part_module(module: str, kind: str, functions: tuple[ModuleFunction, ...]) -> str:
    """The source of a part module: the functions of ``module``'s ``kind`` collections."""
    docstring = [
        f"The functions of ``spacestudio.{module}`` for its {kind} collections.",
        "",
        GENERATED_NOTE,
    ]
    lines = [*_docstring(_wrapped(docstring)), "", *_function_imports()]
    lines += _functions_source(functions)
    return "\n".join(lines) + "\n"


def _wrapped(paragraphs: list[str]) -> str:
    # The docstring's first line stays whole: it says what the module is for. Paragraphs
    # already cut into lines stay as they are.
    first, *rest = paragraphs
    wrapped = [textwrap.fill(text, 92) if "\n" not in text else text for text in rest]
    return "\n".join([first, *wrapped])


def _collection_class(spec: CollectionSpec) -> str:
    if not spec.mission:
        return "Collection"
    return "PausableMissionCollection" if spec.pausable else "MissionCollection"


NAMESPACE_BASE = '''

class CollectionNamespace:
    """The collections of one module of the catalog, as attributes."""

    #: The module of the catalog whose collections these are.
    module: ClassVar[str]

    def __iter__(self) -> Iterator[Collection]:
        return (getattr(self, spec.attribute) for spec in collections_of(self.module))

    def __repr__(self) -> str:
        attributes = ", ".join(spec.attribute for spec in collections_of(self.module))
        return f"<{type(self).__name__}: {attributes}>"
'''


def namespaces_module() -> str:
    """The source of ``spacestudio.namespaces``: one class per module of the catalog."""
    docstring = [
        "The object API's per-module groups of collections: ``client.simulation.orbits`` …",
        "",
        GENERATED_NOTE,
        "",
        "One class per module of the catalog; the attributes of an instance are the module's "
        "collections, named by ``CollectionSpec.attribute``, each of the kind that offers its "
        "operations (missions compute, simulation missions also pause and resume).",
    ]
    lines = [
        *_docstring(_wrapped(docstring)),
        "",
        "from __future__ import annotations",
        "",
        "from collections.abc import Iterator",
        "from typing import TYPE_CHECKING, ClassVar",
        "",
        "from spacestudio.resources import Collection, MissionCollection, "
        "PausableMissionCollection",
        "from spacestudio_contract.catalog import collections_of, spec_for",
        "",
        "if TYPE_CHECKING:",
        f"{INDENT}from spacestudio.client import Client",
        NAMESPACE_BASE,
    ]
    for module in SEED_MODULES:
        lines += [
            "",
            f"class {namespace_class_name(module)}(CollectionNamespace):",
            f'{INDENT}"""The {_words(module)} collections of one client."""',
            "",
            f'{INDENT}module = "{module}"',
            "",
            f"{INDENT}def __init__(self, client: Client) -> None:",
        ]
        for spec in collections_of(module):
            lines.append(f"{INDENT * 2}#: {spec.segment}")
            lines.append(
                f"{INDENT * 2}self.{spec.attribute} = {_collection_class(spec)}.from_catalog("
                f'client, spec_for("{module}", "{spec.stem}"))'
            )
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def formatted(path: Path, source: str) -> str:
    """``source`` with its imports sorted and formatted as ruff (with the project's settings)
    leaves them: what ``ruff check`` and ``ruff format --check`` accept."""
    sorted_imports = _ruff(path, source, "check", "--select", "I", "--fix", "--exit-zero")
    return _ruff(path, sorted_imports, "format")


def _ruff(path: Path, source: str, *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", *arguments, "--quiet", "--stdin-filename", str(path), "-"],
        input=source,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ruff {arguments[0]} failed on {path.name}:\n{done.stderr}")
    return done.stdout


def _part_path(module: str, suffix: str) -> Path:
    return PACKAGE_DIR / f"_{module}_{suffix}.py"


def _seed_module_files(module: str) -> dict[Path, str]:
    single = PACKAGE_DIR / f"{module}.py"
    text = formatted(single, seed_module(module, None))
    if text.count("\n") <= MAX_LINES:
        return {single: text}
    functions = module_functions(module)
    parts = {
        suffix: tuple(f for f in functions if f.spec.mission == missions)
        for suffix, _, missions in PARTS
    }
    files = {single: formatted(single, seed_module(module, parts))}
    for suffix, kind, _ in PARTS:
        path = _part_path(module, suffix)
        files[path] = formatted(path, part_module(module, kind, parts[suffix]))
    return files


def generated_files() -> dict[Path, str]:
    """Every generated module: its path and its source."""
    files: dict[Path, str] = {}
    for module in SEED_MODULES:
        files |= _seed_module_files(module)
    namespaces = PACKAGE_DIR / "namespaces.py"
    files[namespaces] = formatted(namespaces, namespaces_module())
    return files


def obsolete_files(generated: dict[Path, str]) -> list[Path]:
    """Part modules left from an earlier generation that this one does not write."""
    paths = (_part_path(module, suffix) for module in SEED_MODULES for suffix, _, _ in PARTS)
    return [path for path in paths if path.exists() and path not in generated]
