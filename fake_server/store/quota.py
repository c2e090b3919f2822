"""What one user's stored data may hold: the object quota and the results budget, how the
JSON text of an object or of a computation log counts against them, and the refusal of a
write that would go beyond either."""

from __future__ import annotations

from dataclasses import dataclass

from fake_server.store.errors import StoreError


@dataclass(frozen=True)
class Quota:
    """What one user's stored objects, and separately their computation results, may hold.

    Objects: ``bytes`` of JSON text, and ``values``: JSON values, counted by their
    separators (a comma inside a text counts too).  Reading and writing an object costs
    about a microsecond per value, so the values bound what listing a collection costs.

    Results: ``result_bytes`` of the computation logs' JSON text (None: no bound).  The
    server produces them and they are read one log at a time, so their values are not
    counted, and they never count against the objects' bounds.
    """

    bytes: int
    values: int
    result_bytes: int | None = None


class QuotaExceeded(StoreError):
    """The write would make the user's objects larger than the quota."""

    def __init__(self, what: str, total: int, limit: int, message: str | None = None) -> None:
        super().__init__(
            message
            or f"this would bring your stored objects to {total} {what}, beyond the quota "
            f"of {limit}; delete objects you no longer need, or send smaller ones"
        )
        self.what = what
        self.total = total
        self.limit = limit


class ResultsBudgetExceeded(QuotaExceeded):
    """The write would make the user's computation results larger than the results budget."""

    def __init__(self, total: int, limit: int) -> None:
        super().__init__(
            "bytes of JSON",
            total,
            limit,
            f"this would bring your stored computation results to {total} bytes of JSON, "
            f"beyond the results budget of {limit} bytes; delete missions whose results you "
            "no longer need (deleting a mission deletes its results), or start the server "
            "with a larger --results-quota-mib",
        )


#: A user's stored objects: bytes of JSON text and JSON values.
Usage = tuple[int, int]

#: What no object, or a missing one, counts for.
NOTHING: Usage = (0, 0)


def text_usage(text: str) -> Usage:
    """The bytes and values one object's JSON text counts for (``json.dumps`` escapes every
    non-ASCII character, so one character is one byte)."""
    return len(text), text.count(",") + 1


def bytes_sql(body: str) -> str:
    """What :func:`text_usage` counts as bytes, in SQL, of the column ``body`` (bodies are
    ASCII: length() counts bytes); a log's text counts the same against the results
    budget."""
    return f"length({body})"


def values_sql(body: str) -> str:
    """What :func:`text_usage` counts as values, in SQL, of the column ``body``."""
    return f"length({body}) - length(replace({body}, ',', '')) + 1"


def replaced(usage: Usage, old: Usage, new: Usage) -> Usage:
    """``usage`` once an object that counted for ``old`` counts for ``new``."""
    return usage[0] + new[0] - old[0], usage[1] + new[1] - old[1]


def check_quota(
    quota: Quota | None,
    before: Usage,
    after: Usage,
    results_before: int = 0,
    results_after: int = 0,
) -> None:
    """Refuse a write that grows a user's objects beyond ``quota``, or their computation
    results beyond its results budget (shrinking is fine; None: no bound)."""
    if quota is None:
        return
    limits = (("bytes of JSON", quota.bytes), ("JSON values", quota.values))
    for (what, limit), old, new in zip(limits, before, after, strict=True):
        if new > old and new > limit:
            raise QuotaExceeded(what, new, limit)
    budget = quota.result_bytes
    if budget is not None and results_after > results_before and results_after > budget:
        raise ResultsBudgetExceeded(results_after, budget)
