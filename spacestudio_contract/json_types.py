"""How a message names the JSON type of a decoded value, on both sides of the wire."""

from __future__ import annotations

from typing import Any


def json_type(value: Any) -> str:
    """The JSON type of a decoded value: object, array, string, number, boolean or null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def json_type_phrase(value: Any) -> str:
    """The JSON type as a message says it: ``an array``, ``a string``, ``null``."""
    name = json_type(value)
    if name == "null":
        return name
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"
