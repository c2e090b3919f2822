"""vcrpy is reached through one module, and a missing private member is named at once."""

from __future__ import annotations

import ast
import http.client
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
import vcr
import vcr.cassette

from spacestudio.cassettes import vcr_seam

PACKAGE = Path(vcr_seam.__file__).resolve().parents[1]
SEAM = Path(vcr_seam.__file__).resolve()
VCRPY = Path(vcr.__file__).resolve().parent


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _vcrpy_private_names() -> set[str]:
    """Every private method and attribute vcrpy's own classes define."""
    names: set[str] = set()
    for path in VCRPY.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                for member in node.body:
                    if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef):
                        names.add(member.name)
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name)
                and node.value.id == "self"
            ):
                names.add(node.attr)
    return {name for name in names if _is_private(name)}


def _own_names(tree: ast.AST) -> set[str]:
    """The attributes a module assigns and the methods of its classes that derive from
    nothing: its own, whatever their names."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.ClassDef) and not node.bases:
            names.update(member.name for member in node.body if isinstance(member, ast.FunctionDef))
    return names


def vcrpy_private_uses(path: Path, private: set[str]) -> list[str]:
    """Where ``path`` reads, calls or overrides one of vcrpy's private members, or
    imports vcrpy at all."""
    tree = ast.parse(path.read_text())
    own = _own_names(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else
                [alias.name for alias in node.names]
            )  # fmt: skip
            found += [
                f"line {node.lineno}: imports {m}" for m in modules if m.split(".")[0] == "vcr"
            ]
        elif isinstance(node, ast.Attribute) and node.attr in private and node.attr not in own:
            found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.ClassDef) and node.bases:
            found += [
                f"line {member.lineno}: overrides {member.name}"
                for member in node.body
                if isinstance(member, ast.FunctionDef) and member.name in private
            ]
    return found


def test_vcrpy_is_reached_through_the_seam_alone() -> None:
    private = _vcrpy_private_names()
    assert {"_responses", "_save", "_before_record_request", "_match_on"} <= private
    uses = {
        path.relative_to(PACKAGE.parent).as_posix(): found
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.resolve() != SEAM and (found := vcrpy_private_uses(path, private))
    }
    assert not uses, f"vcrpy used outside spacestudio/cassettes/vcr_seam.py: {uses}"


def test_the_seam_lists_every_private_member_it_uses() -> None:
    used = {
        use.split()[-1].lstrip(".")
        for use in vcrpy_private_uses(SEAM, _vcrpy_private_names())
        if "imports" not in use
    }
    listed = {dotted.rsplit(".", 1)[1] for dotted in vcr_seam.PRIVATE_MEMBERS}
    assert used <= listed


def test_a_missing_private_member_names_itself_and_the_vcrpy_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(vcr_seam, "_checked", False)
    monkeypatch.delattr(vcr.cassette.Cassette, "_rerecorded_interactions")
    with pytest.raises(vcr_seam.VcrpyIncompatibleError) as raised:
        vcr_seam.SeamCassette(path="unused.yaml")
    message = str(raised.value)
    assert "vcr.cassette.Cassette._rerecorded_interactions" in message
    assert f"vcrpy {vcr_seam.installed_vcrpy_version()}" in message
    assert vcr_seam.installed_vcrpy_version() != "unknown"


#: Recorded headers of many shapes: the usual, repeated names (also in other cases), blank
#: and padded values, non-ASCII and control characters, odd names, too many lines.
HEADER_SHAPES: list[dict[str, list[str]]] = [
    {},
    {"Content-Type": ["application/json"], "Content-Length": ["40"]},
    {"Set-Cookie": ["a=1; Path=/", "b=2"], "set-cookie": ["c=3"], "Link": ["</a>", "</b>"]},
    {"X-Empty": [""], "X-Padded": ["  \t value \t "], "X-Blank": [" \t "], "X-Tab": ["a\tb"]},
    {"Content-Disposition": ['attachment; filename="orbite é.txt"']},
    {"X-Accent": ["caf\u00c5"], "X-Ellipsis": ["\u2026"], "X-Line-Separator": ["a\u2028b"]},
    {"X-Folded": ["first\r\n second"], "X-Newline": ["a\nb"], "X-Form-Feed": ["a\x0cb"]},
    {"X Space": ["v"], "X-After": ["w"]},
    {"": ["no name"], "X-After": ["w"]},
    {"From ": ["someone"], "X-After": ["w"]},
    {"X-Colon:Inside": ["v"]},
    {"X-Too-Many": [str(number) for number in range(100)]},
    {"X-The-Most": [str(number) for number in range(99)]},
    {"X-Long": ["v" * 65533]},
    {"X-Too-Long": ["v" * 65534]},
]


def contents(message: Message) -> dict[str, Any]:
    """Everything a message holds (its defects by kind: they compare by identity)."""
    held = dict(vars(message))
    held["defects"] = [type(defect) for defect in message.defects]
    return held


@pytest.mark.parametrize("recorded", HEADER_SHAPES)
def test_replayed_headers_are_the_message_vcrpys_parser_makes(
    recorded: dict[str, list[str]],
) -> None:
    try:
        parsed = vcr_seam._parse_headers(recorded)
    except http.client.HTTPException as refused:  # vcrpy refuses it: so must the replay
        with pytest.raises(type(refused)):
            vcr_seam.replayed_headers(recorded)
        return
    built = vcr_seam.replayed_headers(recorded)
    assert type(built) is type(parsed)
    assert contents(built) == contents(parsed)
    assert built.items() == parsed.items()
    assert [built.get_all(name) for name in recorded] == [parsed.get_all(name) for name in recorded]
