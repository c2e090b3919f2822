"""What a computation hands back: a mission's results, its errors and whether it paused,
and the objects that resume a paused mission."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .inputs import MissionInputError

JSON = dict[str, Any]


@dataclass(frozen=True)
class Computation:
    """What one computation produced."""

    #: The results ``R`` scripts read (JSON-serialisable, plain Python types only).
    results: JSON
    #: ``[{"message": ...}]``; empty when all went well.
    errors: list[dict[str, str]]
    #: True when the run stopped at ``durationUntilPause`` / ``until_duration``.
    paused: bool


@dataclass(frozen=True)
class Continuation:
    """The objects that resume a paused mission."""

    #: Body of the new mission (named ``new_name``), without ``id``.
    mission: JSON
    #: Body of its initial orbit (the paused mission's final orbit).
    orbit: JSON
    #: Body of its spacecraft (the propellant left at the pause).
    spacecraft: JSON


def as_errors(messages: Iterable[str]) -> list[dict[str, str]]:
    """Error messages as :attr:`Computation.errors` holds them."""
    return [{"message": message} for message in messages]


def mission_name(mission: Mapping[str, Any]) -> str:
    """The name results carry: the mission's, or empty when it has none."""
    name = mission.get("name")
    return name if isinstance(name, str) else ""


def refused(results: JSON, problem: MissionInputError) -> Computation:
    """The computation of a mission whose input cannot be computed, with what it holds so
    far."""
    return Computation(results, as_errors([str(problem)]), False)


def guarded(mission: Mapping[str, Any], run: Callable[[], JSON]) -> Computation:
    """The results ``run`` gives after the mission's name, or the input error it raised."""
    results: JSON = {"name": mission_name(mission)}
    try:
        results.update(run())
    except MissionInputError as problem:
        return refused(results, problem)
    return Computation(results, [], False)
