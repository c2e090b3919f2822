"""The names both sides put on the wire are spelled once, in :mod:`spacestudio_contract.wire`.

A string literal in the client or the fake server equal to one of the contract's
distinctive wire names (a mission sub-route, a field the service adds) is a second
spelling that could drift from the other side's. Docstrings, comments and generated
modules (whose text is written from the catalog) are not code that builds or reads a
message, so they are not counted; nor is the generator's table of function families, whose
strings name the object API's Python methods (``compute_until_duration``), not the wire.
"""

from __future__ import annotations

import ast
from pathlib import Path

from spacestudio._codegen.render import GENERATED_HEADER
from spacestudio_contract import wire

REPOSITORY = Path(__file__).resolve().parents[2]
#: Words of the contract that are also ordinary keys elsewhere ("status" of an error
#: answer, "name" of a realm role): too common to tell apart in a scan.
COMMON_WORDS = {wire.ID, wire.NAME, wire.STATUS, wire.RESULTS, wire.COMPUTE}
DISTINCTIVE = {
    value
    for name, value in vars(wire).items()
    if name.isupper() and isinstance(value, str) and value not in COMMON_WORDS
}


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string constants that are docstrings."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def second_spellings(path: Path) -> list[str]:
    text = path.read_text()
    if text.startswith(GENERATED_HEADER + "\n") or path.name == "families.py":
        return []
    tree = ast.parse(text)
    docstrings = _docstrings(tree)
    return [
        f"{path.relative_to(REPOSITORY)}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value in DISTINCTIVE
        and id(node) not in docstrings
    ]


def test_the_distinctive_names_are_the_ones_scripts_meet() -> None:
    assert {"displayedName", "computationLogId", "create_merged_results"} <= DISTINCTIVE


def test_no_side_spells_a_wire_name_of_its_own() -> None:
    found = [
        line
        for package in ("spacestudio", "fake_server")
        for path in sorted((REPOSITORY / package).rglob("*.py"))
        for line in second_spellings(path)
    ]
    assert not found, (
        "import these from spacestudio_contract.wire instead of spelling them again:\n"
        + "\n".join(found)
    )
