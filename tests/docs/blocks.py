"""The code blocks of the documentation, each with the mark that says how it is tested.

A block is a fenced ```python / ```sh / ```bash block, or a block indented by four
spaces after a blank line (the docs' shell commands). The mark is an HTML comment on the
last non-blank line before it, ``<!-- doc-test: KIND -->``, KIND one of :data:`KINDS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
#: Every document whose commands a reader copies.
DOCUMENTS = (
    REPOSITORY / "README.md",
    REPOSITORY / "examples/README.md",
    *sorted((REPOSITORY / "docs").glob("*.md")),
)
#: The fence languages that hold commands or code to run.
LANGUAGES = ("python", "sh", "bash")
#: What each mark means; the first five are run by tests/docs/test_doc_commands.py.
KINDS = {
    "scratch": "run in a scratch folder holding my_script.py and the .env of a fresh fake "
    "server (localhost:8080 in the block is that server)",
    "repo": "run in a copy of the repository, with .venv the test environment",
    "dry-run": "run in a copy of the repository, `make` as `make -n`, `pytest` with "
    "--collect-only: too long to run inside the suite (CI runs them through make test)",
    "fake-server-flags": "each line's flags given to spacestudio-fake-server, and "
    "my_script.py run against it",
    "server": "each line starts a server (--port 8080 as --port 0), which must come up",
    "fresh-install": "installing the project: nox's fresh_install session builds the wheel "
    "and installs it alone in a fresh virtualenv",
    "live-service": "needs the live service and an account",
    "illustrative": "not a command to run as written: a fragment, placeholders, output "
    "or file contents",
}
MARK = re.compile(r"<!--\s*doc-test:\s*([\w-]+)\s*-->")


@dataclass(frozen=True)
class Block:
    """One code block of a document."""

    document: Path
    line: int  # 1-based, of the block's first line
    language: str  # "python", or "sh" for shell commands
    text: str
    kind: str | None  # the mark's KIND, None when unmarked

    @property
    def where(self) -> str:
        return f"{self.document.relative_to(REPOSITORY)}:{self.line}"


def blocks(document: Path) -> list[Block]:
    """Every runnable-looking block of ``document``, in order."""
    lines = document.read_text().splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("```"):
            language = line[3:].strip()
            end = index + 1
            while end < len(lines) and not lines[end].startswith("```"):
                end += 1
            if language in LANGUAGES:
                body = "\n".join(lines[index + 1 : end]) + "\n"
                kind = "python" if language == "python" else "sh"
                found.append(Block(document, index + 2, kind, body, _mark(lines, index)))
            index = end + 1
            continue
        if line.startswith("    ") and (index == 0 or not lines[index - 1].strip()):
            end = index
            # A blank line inside the block is followed by another indented line.
            while end < len(lines) and (
                lines[end].startswith("    ")
                or (not lines[end].strip() and lines[end + 1 : end + 2] != [""]
                    and "".join(lines[end + 1 : end + 2]).startswith("    "))
            ):  # fmt: skip
                end += 1
            body = "\n".join(text[4:] for text in lines[index:end]) + "\n"
            found.append(Block(document, index + 1, "sh", body, _mark(lines, index)))
            index = end
            continue
        index += 1
    return found


def _mark(lines: list[str], start: int) -> str | None:
    for previous in reversed(lines[:start]):
        if previous.strip():
            found = MARK.search(previous)
            return found.group(1) if found else None
    return None


def every_block() -> list[Block]:
    return [block for document in DOCUMENTS for block in blocks(document)]
