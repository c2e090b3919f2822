"""Fault rules as the store keeps them: their JSON definitions and counters, and how an
origin's rules are brought in line with the rules it defines."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from fake_server.store.records import JsonObject


@dataclass(frozen=True)
class StoredFaultRule:
    """A fault rule as the store keeps it: its JSON definition and its counters."""

    id: int
    definition: JsonObject
    origin: str
    fired: int
    credit: float


#: Given a rule's id, fired count and credit, its new fired count and credit, and whether
#: it fires for the request at hand.
FaultStep = Callable[[int, int, float], tuple[int, float, bool]]


def _rule_key(definition: JsonObject) -> str:
    """A fault rule's definition as one text, equal for equal definitions."""
    return json.dumps(definition, sort_keys=True, separators=(",", ":"))


def plan_sync(
    stored: Iterable[tuple[int, JsonObject]], definitions: Sequence[JsonObject]
) -> tuple[list[int], list[str]]:
    """What makes one origin's ``stored`` rules (id, definition) exactly ``definitions``:
    the ids to remove and the definitions to add, as canonical JSON texts.  A rule
    already stored stays, so that it keeps its counters."""
    wanted = [_rule_key(d) for d in definitions]
    doomed: list[int] = []
    for rule_id, definition in stored:
        key = _rule_key(definition)
        if key in wanted:
            wanted.remove(key)
        else:
            doomed.append(rule_id)
    return doomed, wanted
