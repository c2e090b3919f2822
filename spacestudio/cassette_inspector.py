"""What a cassette holds, for a person: a listing of cassettes, a table of one's
interactions with the placeholders that stand for what was scrubbed, a field-level diff
of two, and one self-contained HTML page a reviewer opens from a pull request.

Cassettes are read by the cassettes' own loader (``CassettePersister``), so a cassette
the inspector describes is one a replay would load; two cassettes are compared answer by
answer with :class:`~spacestudio.verify_fake.compare.Comparison`, the comparison
``spacestudio verify-fake`` explains a difference with.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from spacestudio.cassettes.body_files import body_file_directory
from spacestudio.cassettes.errors import CassetteFormatError
from spacestudio.cassettes.messages import body_bytes
from spacestudio.cassettes.placeholders import jwt_parts
from spacestudio.cassettes.storage import CassettePersister, recorded_against
from spacestudio.cassettes.vcr_seam import CassetteNotFoundError
from spacestudio.verify_fake.compare import Body, Comparison, Difference, Kind, brief
from spacestudio.verify_fake.identities import IdentityMap
from spacestudio.verify_fake.verify import Settings

#: The placeholders the scrubber writes: ``scrubbed-…`` words and ``….invalid`` names.
_PLACEHOLDER = re.compile(
    r"scrubbed-[A-Za-z0-9-]*[A-Za-z0-9]|[\w.+-]+@spacestudio\.invalid|"
    r"https://(?:auth\.)?spacestudio\.invalid"
)
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
CASSETTE_SUFFIXES = (".yaml", ".yml")


class InspectionError(Exception):
    """A path that is no readable cassette, said with what to do."""


@dataclass(frozen=True)
class Interaction:
    """One recorded request and its answer."""

    method: str
    uri: str
    status: int
    request_body: bytes
    response_body: bytes
    response_type: str

    @property
    def path(self) -> str:
        parts = urlsplit(self.uri)
        return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Cassette:
    """A cassette as read from ``path``: its interactions and what the file says of them."""

    path: Path
    interactions: list[Interaction]
    recorded_against: str | None
    size: int  # bytes: the YAML and its body files
    recorded_at: str  # when the file was last committed, else written
    placeholders: Counter[str] = field(default_factory=Counter)


def load(path: Path) -> Cassette:
    """The cassette at ``path`` (:class:`InspectionError` when there is none)."""
    if path.is_dir() or path.suffix not in CASSETTE_SUFFIXES:
        raise InspectionError(
            f"{path} is not a cassette file (a .yaml one); `spacestudio cassette list "
            f"{path if path.is_dir() else path.parent}` lists the cassettes there"
        )
    try:
        requests_, responses = CassettePersister().load_cassette(path)
    except CassetteNotFoundError:
        raise InspectionError(f"no cassette at {path}, or it holds no interaction") from None
    except CassetteFormatError as error:
        raise InspectionError(str(error)) from None
    interactions = [
        Interaction(
            request.method,
            request.uri,
            int(response["status"]["code"]),
            body_bytes(request),
            bytes(response["body"].get("string") or b""),
            _header(response.get("headers", {}), "Content-Type"),
        )
        for request, response in zip(requests_, responses, strict=True)
    ]
    bodies = body_file_directory(path)
    size = path.stat().st_size + sum(
        file.stat().st_size for file in (bodies.iterdir() if bodies.is_dir() else ())
    )
    placeholders: Counter[str] = Counter()
    for interaction in interactions:
        for data in (interaction.uri.encode(), interaction.request_body, interaction.response_body):
            placeholders.update(_placeholders(data.decode("utf-8", "replace")))
    return Cassette(path, interactions, recorded_against(path), size, _written(path), placeholders)


def _header(headers: dict[str, Any], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return str(value[0] if isinstance(value, list) else value)
    return ""


def _placeholders(text: str) -> list[str]:
    found = _PLACEHOLDER.findall(text)
    for token in _JWT.findall(text):
        parts = jwt_parts(token)
        if parts is not None and parts[0].get("kid") == "scrubbed":
            found.append(f"placeholder JWT ({parts[1].get('typ', 'token')})")
    return found


def _written(path: Path) -> str:
    """When the cassette was recorded: the scrubber fixes the times inside it, so the
    date of its last commit, else of the file."""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        committed = subprocess.run(
            ["git", "log", "-1", "--format=%cI", "--", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        if committed:
            return committed
    stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return stamp.isoformat(timespec="seconds") + " (file)"


def find_cassettes(folder: Path) -> list[Path]:
    """The cassette files under ``folder``, sorted; body files are not cassettes."""
    if not folder.is_dir():
        raise InspectionError(f"{folder} is not a folder; give the folder that holds cassettes")
    return sorted(
        path
        for suffix in CASSETTE_SUFFIXES
        for path in folder.rglob(f"*{suffix}")
        if not any(part.endswith(".bodies") for part in path.parts)
    )


# -- text for the terminal ------------------------------------------------------------------


def _size(count: int) -> str:
    for unit in ("B", "KiB", "MiB"):
        if count < 1024 or unit == "MiB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024  # type: ignore[assignment]
    raise AssertionError("unreachable")


def _columns(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def list_text(folder: Path) -> str:
    """One line per cassette under ``folder``: interactions, size, when, against what."""
    rows = [("CASSETTE", "INTERACTIONS", "SIZE", "RECORDED", "AGAINST")]
    for path in find_cassettes(folder):
        cassette = load(path)
        rows.append(
            (
                str(path),
                str(len(cassette.interactions)),
                _size(cassette.size),
                cassette.recorded_at,
                cassette.recorded_against or "unknown",
            )
        )
    if len(rows) == 1:
        return f"no cassette under {folder}"
    return _columns(rows)


def show_text(path: Path) -> str:
    """The interactions of one cassette as a table, then the placeholders it holds."""
    cassette = load(path)
    rows = [("#", "METHOD", "PATH", "STATUS", "SIZE")]
    rows += [
        (
            str(number),
            interaction.method,
            interaction.path,
            str(interaction.status),
            _size(len(interaction.response_body)),
        )
        for number, interaction in enumerate(cassette.interactions, start=1)
    ]
    head = (
        f"{path}: {len(cassette.interactions)} interactions, {_size(cassette.size)}, recorded "
        f"{cassette.recorded_at} against {cassette.recorded_against or 'an unnamed backend'}"
    )
    scrubbed = "\n".join(
        f"  {placeholder}  ×{count}" for placeholder, count in sorted(cassette.placeholders.items())
    )
    return f"{head}\n\n{_columns(rows)}\n\nscrubbed (placeholders in place of secrets):\n" + (
        scrubbed or "  nothing"
    )


# -- differences -----------------------------------------------------------------------------


@dataclass(frozen=True)
class InteractionDiff:
    """How the ``number``-th interactions of two cassettes differ."""

    number: int
    line: str  # the request, as the first cassette holds it
    differences: list[Difference]


def diff(first: Path, second: Path) -> list[InteractionDiff]:
    """The interactions of ``first`` and ``second``, in order, that differ: request line,
    status, and answer body field by field (as ``verify-fake`` compares)."""
    a, b = load(first), load(second)
    per_server, identifiers = Settings().patterns()
    comparison = Comparison(
        tolerance=Settings().tolerance,
        per_server=per_server,
        identifiers=identifiers,
        identities=IdentityMap(),
    )
    found: list[InteractionDiff] = []
    for number in range(1, max(len(a.interactions), len(b.interactions)) + 1):
        left = a.interactions[number - 1] if number <= len(a.interactions) else None
        right = b.interactions[number - 1] if number <= len(b.interactions) else None
        if left is None or right is None:
            only = left or right
            assert only is not None
            where = first if left is not None else second
            found.append(
                InteractionDiff(
                    number,
                    f"{only.method} {only.path}",
                    [Difference("$", Kind.EXTRA, f"only {where} holds this interaction")],
                )
            )
            continue
        comparison.start()
        if (left.method, left.path) != (right.method, right.path):
            comparison.add(
                Difference(
                    "request",
                    Kind.VALUE,
                    f"another request: {left.method} {left.path}, then {right.method} {right.path}",
                )
            )
        if left.status != right.status:
            comparison.add(
                Difference(
                    "status",
                    Kind.STATUS,
                    f"status {left.status}, then {right.status}",
                    left.status,
                    right.status,
                )
            )
        comparison.bodies(
            Body.decode(left.response_body, left.response_type),
            Body.decode(right.response_body, right.response_type),
        )
        if comparison.differences:
            found.append(
                InteractionDiff(number, f"{left.method} {left.path}", list(comparison.differences))
            )
    return found


def diff_text(first: Path, second: Path) -> tuple[str, bool]:
    """The differences of two cassettes as text, and whether there are any."""
    found = diff(first, second)
    if not found:
        return f"{first} and {second} hold the same interactions (within the tolerance)", False
    lines = [f"{len(found)} interactions differ between {first} and {second}:"]
    for item in found:
        lines.append(f"#{item.number} {item.line}")
        lines += [f"  {d.path}: {d.message}" for d in item.differences]
    return "\n".join(lines), True


# -- one page for a reviewer ------------------------------------------------------------------

_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1em; color: #222; }
table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: 2px 6px;
text-align: left; vertical-align: top; } th { background: #eef2f7; }
pre { margin: 0; max-width: 70em; max-height: 24em; overflow: auto; white-space: pre-wrap; }
.s4 { color: #9a5b00; } .s5 { color: #a01c1c; } .s2 { color: #17652b; }
"""


def html_page(path: Path) -> str:
    """One self-contained page (no script, no outside asset) describing the cassette."""
    cassette = load(path)
    rows = "".join(
        f"<tr><td>{number}</td><td>{escape(i.method)}</td><td>{escape(i.path)}</td>"
        f'<td class="s{str(i.status)[0]}">{i.status}</td><td>{_size(len(i.response_body))}</td>'
        f"<td>{_details('request', i.request_body)}{_details('response', i.response_body)}</td>"
        "</tr>"
        for number, i in enumerate(cassette.interactions, start=1)
    )
    scrubbed = "".join(
        f"<tr><td>{escape(name)}</td><td>{count}</td></tr>"
        for name, count in sorted(cassette.placeholders.items())
    )
    title = escape(path.name)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        f"<title>{title}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{title}</h1><p>{len(cassette.interactions)} interactions, "
        f"{_size(cassette.size)}, recorded {escape(cassette.recorded_at)} against "
        f"{escape(cassette.recorded_against or 'an unnamed backend')}.</p>"
        "<table><thead><tr><th>#</th><th>Method</th><th>Path</th><th>Status</th>"
        f"<th>Size</th><th>Bodies</th></tr></thead><tbody>{rows}</tbody></table>"
        "<h2>Scrubbed</h2><p>Placeholders standing in for secrets, and how often each "
        "appears.</p><table><thead><tr><th>Placeholder</th><th>Times</th></tr></thead>"
        f"<tbody>{scrubbed}</tbody></table></body></html>"
    )


def _details(label: str, data: bytes) -> str:
    if not data:
        return ""
    text = data.decode("utf-8", "replace")
    with contextlib.suppress(ValueError):
        text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    return (
        f"<details><summary>{label} ({_size(len(data))})</summary>"
        f"<pre>{escape(brief(text, 20000) if len(text) > 20000 else text)}</pre></details>"
    )


# -- the `spacestudio cassette` command ------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The subcommands of ``spacestudio cassette``."""
    actions = parser.add_subparsers(dest="cassette_action", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list", help="each cassette under DIR: interactions, size, when, against what"
    )
    listing.add_argument("folder", nargs="?", type=Path, default=Path("cassettes"), metavar="DIR")
    show = actions.add_parser(
        "show", help="a table of a cassette's interactions, and what was scrubbed"
    )
    show.add_argument("cassette", type=Path, metavar="FILE")
    compare = actions.add_parser(
        "diff", help="where two cassettes differ, interaction by interaction, field by field"
    )
    compare.add_argument("first", type=Path, metavar="A")
    compare.add_argument("second", type=Path, metavar="B")
    page = actions.add_parser("html", help="write one self-contained HTML page of a cassette")
    page.add_argument("cassette", type=Path, metavar="FILE")
    page.add_argument(
        "-o", "--output", type=Path, help="where to write it (default: FILE with .html)"
    )


def run(options: argparse.Namespace) -> int:
    """Run one ``spacestudio cassette`` action: 0 done (``diff``: no difference), 1 the
    cassettes differ, 2 a path is no cassette."""
    try:
        if options.cassette_action == "list":
            print(list_text(options.folder))
        elif options.cassette_action == "show":
            print(show_text(options.cassette))
        elif options.cassette_action == "diff":
            text, differ = diff_text(options.first, options.second)
            print(text)
            return 1 if differ else 0
        else:
            output = options.output or options.cassette.with_suffix(".html")
            output.write_text(html_page(options.cassette), encoding="utf-8")
            print(f"wrote {output}")
    except (InspectionError, OSError) as problem:
        print(f"spacestudio cassette: {problem}", file=sys.stderr)
        return 2
    return 0
