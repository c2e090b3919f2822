"""Tolerant reading of the JSON bodies scripts send.

Every reader names the object and the field it reads, so a bad value comes back to the
user as "spacecraft.dutyCycle must be a number between 0 and 1, got 'abc'" rather than as
an exception. Missing optional fields take the documented default (docs/physics.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any


class MissionInputError(ValueError):
    """A mission, or an object it holds, cannot be computed as given. The message says which
    field is wrong and what it should be."""


def _describe(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def as_mapping(value: object, where: str, *, required: bool = True) -> Mapping[str, Any]:
    """``value`` as a JSON object; an empty one when absent and not required."""
    if isinstance(value, Mapping):
        return value
    if value is None and not required:
        return {}
    if value is None:
        raise MissionInputError(f"{where} is missing: give it as a JSON object")
    raise MissionInputError(f"{where} must be a JSON object, got {_describe(value)}")


def number(
    body: Mapping[str, Any],
    key: str,
    where: str,
    *,
    default: float | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
    unit: str = "",
) -> float:
    """A finite float from ``body[key]``; ``default`` when absent or null (an error when
    there is no default). Bounds are checked and named in the error."""
    value = body.get(key)
    label = f"{where}.{key}"
    suffix = f" {unit}" if unit else ""
    if value is None:
        if default is None:
            raise MissionInputError(f"{label} is missing: give it as a number{suffix}")
        return float(default)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise MissionInputError(f"{label} must be a number{suffix}, got {_describe(value)}")
    try:
        result = float(value)
    except ValueError:
        raise MissionInputError(
            f"{label} must be a number{suffix}, got {_describe(value)}"
        ) from None
    if not math.isfinite(result):
        raise MissionInputError(f"{label} must be a finite number{suffix}, got {_describe(value)}")
    below = minimum is not None and (result <= minimum if exclusive_minimum else result < minimum)
    above = maximum is not None and result > maximum
    if below or above:
        low = (
            "" if minimum is None else f"{'above' if exclusive_minimum else 'at least'} {minimum:g}"
        )
        high = "" if maximum is None else f"at most {maximum:g}"
        bounds = " and ".join(part for part in (low, high) if part)
        raise MissionInputError(f"{label} must be {bounds}{suffix}, got {result:g}")
    return result


def optional_number(body: Mapping[str, Any], key: str, where: str, **bounds: Any) -> float | None:
    """As :func:`number`, but ``None`` when the field is absent or null."""
    if body.get(key) is None:
        return None
    return number(body, key, where, **bounds)


def integer(
    body: Mapping[str, Any],
    key: str,
    where: str,
    *,
    default: int | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """An int from ``body[key]`` (a float with no fractional part is accepted)."""
    value = number(
        body,
        key,
        where,
        default=None if default is None else float(default),
        minimum=None if minimum is None else float(minimum),
        maximum=None if maximum is None else float(maximum),
    )
    if value != math.floor(value):
        raise MissionInputError(f"{where}.{key} must be a whole number, got {value:g}")
    return int(value)


def boolean(body: Mapping[str, Any], key: str, where: str, *, default: bool) -> bool:
    """A bool from ``body[key]`` (``"true"``/``"false"`` strings accepted)."""
    value = body.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise MissionInputError(f"{where}.{key} must be true or false, got {_describe(value)}")


def text(
    body: Mapping[str, Any],
    key: str,
    where: str,
    *,
    default: str | None = None,
    choices: Sequence[str] | None = None,
) -> str:
    """A string from ``body[key]``; matched case- and separator-insensitively against
    ``choices`` (returning the canonical spelling) when given."""
    value = body.get(key)
    if value is None:
        if default is None:
            options = f" (one of {', '.join(repr(c) for c in choices)})" if choices else ""
            raise MissionInputError(f"{where}.{key} is missing{options}")
        return default
    if not isinstance(value, str):
        raise MissionInputError(f"{where}.{key} must be a string, got {_describe(value)}")
    if choices is None:
        return value

    def canon(word: str) -> str:
        return "".join(ch for ch in word.lower() if ch.isalnum())

    for choice in choices:
        if canon(choice) == canon(value):
            return choice
    options = ", ".join(repr(choice) for choice in choices)
    raise MissionInputError(f"{where}.{key} must be one of {options}, got {_describe(value)}")


def string_list(body: Mapping[str, Any], key: str, where: str) -> list[str]:
    """A list of strings (upper-cased), empty when absent; a lone string counts as one."""
    value = body.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [value.upper()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [item.upper() for item in value]
    raise MissionInputError(f"{where}.{key} must be a list of strings, got {_describe(value)}")
