"""Structure-aware mutations of a parsed input file (a cassette, a realm export): a value
anywhere in its tree replaced by a hostile one. The fuzz runs of the loaders share them."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

#: Values put in place of a file's own: every kind YAML and JSON give, and sizes that
#: once crashed or exhausted a loader.
HOSTILE_VALUES_POOL: list[Any] = [
    None, True, False, 0, -1, 2**63, 10**15, 10**4000, 1e308, float("inf"), float("nan"),
    "", "2024-13-45", "2024-01-01", "[" * 2000, "7" * 5000, "{json: 1}", "http://[::1",
    "http://h:99999/", "ftp://x/", "0123456789abcdef01234567.json", "../../etc/passwd",
    "/dev/zero", "seed.bodies/0123456789abcdef01234567.bin", "x.bodies/../y.bin", "=", "~",
    "spacestudio-cassette/1", "spacestudio-cassette/2", "\ud800", "é" * 100,
    [], {}, [[[[[[[[[[[]]]]]]]]]]], {"json": "[1"}, {"json": {"a": float("nan")}},
    {"json": "[" * 3000 + "]" * 3000}, {"text": ["a"]}, {"base64": "!!"},
    {"file": "0123456789abcdef01234567.bin", "bytes": 10**15},
    {"file": "0123456789abcdef01234567.bin", "bytes": -5},
    {"file": ["a"], "bytes": 1}, {"json": 1, "text": "a"}, {"code": True},
    {"request": None, "response": None}, [None] * 50, {str(key): key for key in range(50)},
    "[" * 100_000, {"type": "password", "secretData": "[" * 100_000, "credentialData": "{}"},
    {"type": "password", "secretData": {"value": "AAAA", "salt": "AAAA"},
     "credentialData": {"algorithm": "argon2", "hashIterations": 10**7}},
    {"pkce.code.challenge.method": "S512"}, {"realm": ["x"]},
]  # fmt: skip


def places(document: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place (a path of keys and indexes) in a parsed document."""
    found = [prefix]
    if isinstance(document, dict):
        for key, value in document.items():
            found += places(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += places(value, (*prefix, index))
    return found


def replaced(document: Any, place: tuple[Any, ...], value: Any) -> Any:
    """A copy of ``document`` with ``value`` at ``place`` (the rest shared, not copied)."""
    if not place:
        return value
    copied = copy.copy(document)
    copied[place[0]] = replaced(document[place[0]], place[1:], value)
    return copied


def fuzz_in_batches(inputs: int, batch: int) -> Callable[[Callable[[list[int]], None]], Any]:
    """Run the decorated ``run(recipes)`` over ``inputs`` recipes (seeds of one mutation
    each), ``batch`` at a time, as Hypothesis examples: reproducible (derandomized), no
    deadline nor database, and no health check (a batch is slow on purpose)."""
    return lambda run: settings(
        max_examples=max(1, inputs // batch),
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )(given(st.lists(st.integers(0, 2**32), min_size=batch, max_size=batch))(run))
