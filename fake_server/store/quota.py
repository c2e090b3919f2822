"""What one user's stored data may hold: the quota, how the JSON text of an object or of a
computation log counts against it, and the refusal of a write that would go beyond it."""

from __future__ import annotations

from dataclasses import dataclass

from fake_server.store.errors import StoreError


@dataclass(frozen=True)
class Quota:
    """What one user's stored objects and computation logs may hold together.

    ``bytes`` of JSON text, and ``values``: JSON values, counted by their separators (a
    comma inside a text counts too).  Reading and writing an object costs about a
    microsecond per value, so the values bound what listing a collection costs.
    """

    bytes: int
    values: int


class QuotaExceeded(StoreError):
    """The write would make the user's stored data larger than the quota."""

    def __init__(self, what: str, total: int, limit: int) -> None:
        super().__init__(
            f"this would bring your stored objects and computation results to {total} "
            f"{what}, beyond the quota of {limit}; delete objects or missions you no longer "
            "need, or send smaller ones"
        )
        self.what = what
        self.total = total
        self.limit = limit


#: A user's stored objects and logs: bytes of JSON text and JSON values.
Usage = tuple[int, int]

#: What no object, or a missing one, counts for.
NOTHING: Usage = (0, 0)


def text_usage(text: str) -> Usage:
    """The bytes and values one object's or log's JSON text counts for (``json.dumps`` escapes every
    non-ASCII character, so one character is one byte)."""
    return len(text), text.count(",") + 1


def bytes_sql(body: str) -> str:
    """What :func:`text_usage` counts as bytes, in SQL, of the column ``body`` (bodies are
    ASCII: length() counts bytes)."""
    return f"length({body})"


def values_sql(body: str) -> str:
    """What :func:`text_usage` counts as values, in SQL, of the column ``body``."""
    return f"length({body}) - length(replace({body}, ',', '')) + 1"


def replaced(usage: Usage, old: Usage, new: Usage) -> Usage:
    """``usage`` once an object that counted for ``old`` counts for ``new``."""
    return usage[0] + new[0] - old[0], usage[1] + new[1] - old[1]


def check_quota(quota: Quota | None, before: Usage, after: Usage) -> None:
    """Refuse a write that grows a user's stored data beyond ``quota`` (shrinking is fine;
    None: no bound)."""
    if quota is None:
        return
    limits = (("bytes of JSON", quota.bytes), ("JSON values", quota.values))
    for (what, limit), old, new in zip(limits, before, after, strict=True):
        if new > old and new > limit:
            raise QuotaExceeded(what, new, limit)
