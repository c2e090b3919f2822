"""JSON paths: how a place in an answer is named, and the patterns that select places.

A place is written as JSONPath writes it: ``$`` is the whole body, ``.key`` a field
(``["odd key"]`` when the key is not a plain word), ``[3]`` an item of a list:
``$.results.maneuverReport.totalConsumption``, ``$[0].spacecraft.thruster.id``.

A :class:`PathPattern` is a small JSONPath subset: ``.key`` and ``["key"]`` (the key may be
a glob: ``.*Id``), ``[3]``, ``[*]`` (any item), ``.*`` (any field) and ``..`` (any depth
in between). A bare field name (``creationDate``, ``*Id``) means that field at any depth
(``$..creationDate``).
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

#: A place in a JSON document: the keys and list indexes that lead to it from the root.
JsonPath = tuple[str | int, ...]

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
_BARE_NAME = re.compile(r"[A-Za-z0-9_*?-]+\Z")


def render(path: Sequence[str | int]) -> str:
    """``path`` as JSONPath text (``$.results.ephemerides[3][0]``)."""
    pieces = ["$"]
    for step in path:
        if isinstance(step, int):
            pieces.append(f"[{step}]")
        elif _PLAIN_KEY.match(step):
            pieces.append(f".{step}")
        else:
            pieces.append(f"[{json.dumps(step, ensure_ascii=False)}]")
    return "".join(pieces)


@dataclass(frozen=True)
class _Step:
    """One step of a pattern: a key glob, an index (None: any), or any depth."""

    kind: str  # "key", "index" or "descend"
    key: str = "*"
    index: int | None = None


class PatternError(ValueError):
    """A pattern that is not one of the accepted forms; the message shows them."""


@dataclass(frozen=True)
class PathPattern:
    """A pattern of JSON paths (see the module's docstring for the syntax)."""

    text: str
    steps: tuple[_Step, ...]

    @classmethod
    def parse(cls, text: str) -> PathPattern:
        """The pattern ``text``; :class:`PatternError` saying what is wrong otherwise."""
        source = text.strip()
        if not source:
            raise PatternError("an empty pattern; give a field name (id) or a path ($..id)")
        if not source.startswith("$"):
            if not _BARE_NAME.match(source):
                raise PatternError(
                    f"{text!r} is neither a field name (id, *Id) nor a path starting with $ "
                    "($.results.name, $..creationDate, $[*].id)"
                )
            return cls(text, (_Step("descend"), _Step("key", key=source)))
        return cls(text, tuple(_parse_steps(text, source[1:])))

    @property
    def names_an_index(self) -> bool:
        """Whether the pattern selects a list item by its index (``[3]``): if not, every
        item of one list is selected alike."""
        return any(step.kind == "index" and step.index is not None for step in self.steps)

    def matches(self, path: JsonPath) -> bool:
        """Whether the place ``path`` is one this pattern selects."""
        steps = self.steps
        if steps and steps[0].kind == "descend" and all(s.kind != "descend" for s in steps[1:]):
            # The common form ($..name): only the end of the path can match, compared once
            # (answers have tens of thousands of places, each checked against every pattern).
            tail = len(steps) - 1
            return len(path) >= tail and _match(steps[1:], path[len(path) - tail :])
        return _match(steps, path)


def _parse_steps(text: str, rest: str) -> list[_Step]:
    steps: list[_Step] = []
    position = 0
    while position < len(rest):
        char = rest[position]
        if rest.startswith("..", position):
            steps.append(_Step("descend"))
            position += 2
            if position < len(rest) and rest[position] not in ".[":
                position = _read_key(rest, position, steps)
        elif char == ".":
            position = _read_key(rest, position + 1, steps)
        elif char == "[":
            end = rest.find("]", position)
            inside = rest[position + 1 : end] if end != -1 else ""
            if end == -1 or not inside:
                raise PatternError(f"{text!r}: '[' at {position + 1} is not closed by ']'")
            if inside == "*":
                steps.append(_Step("index"))
            elif inside.isdigit():
                steps.append(_Step("index", index=int(inside)))
            elif inside[0] in "\"'" and inside[-1] == inside[0] and len(inside) >= 2:
                steps.append(_Step("key", key=inside[1:-1]))
            else:
                raise PatternError(
                    f"{text!r}: [{inside}] must be an index ([3]), [*] or a quoted key "
                    '(["not-a-word"])'
                )
            position = end + 1
        else:
            raise PatternError(f"{text!r}: expected '.', '..' or '[' at {char!r}")
    if steps and steps[-1].kind == "descend":
        raise PatternError(f"{text!r} ends with '..'; name the field after it ($..id)")
    return steps


def _read_key(rest: str, position: int, steps: list[_Step]) -> int:
    end = position
    while end < len(rest) and rest[end] not in ".[":
        end += 1
    key = rest[position:end]
    if not key:
        raise PatternError(f"a '.' must be followed by a field name, in {rest!r}")
    steps.append(_Step("key", key=key))
    return end


def _match(steps: tuple[_Step, ...], path: JsonPath) -> bool:
    if not steps:
        return not path
    step, rest = steps[0], steps[1:]
    if step.kind == "descend":
        return any(_match(rest, path[start:]) for start in range(len(path) + 1))
    if not path:
        return False
    head = path[0]
    if step.kind == "index":
        if not isinstance(head, int) or (step.index is not None and step.index != head):
            return False
    elif not isinstance(head, str) or not _key_matches(step.key, head):
        return False
    return _match(rest, path[1:])


@lru_cache(maxsize=4096)
def _key_matches(pattern: str, key: str) -> bool:
    if not any(char in pattern for char in "*?["):
        return pattern == key
    return fnmatch.fnmatchcase(key, pattern)
