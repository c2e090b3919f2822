"""The request journal: what the fake server answered, most recent last.

It keeps the method, path, query string, status, duration, time, the user whose objects
the request reached, any injected fault, the worker process that answered, and the
request and response bodies: the query and the bodies scrubbed of secrets by the
contract's rule (:mod:`fake_server.journal_scrubbing`), each body cut at
``body_limit`` bytes, and the oldest entries dropped first once the journal holds
``capacity`` entries or ``max_bytes`` bytes. Headers are never kept. It lives in the
server's store, so the worker processes sharing a state file keep one journal.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fake_server.journal_scrubbing import scrub_body, scrub_query
from fake_server.store.request_journal import JournalQuery, MemoryJournal, RequestJournalStore

#: The JSON names of the fields whose Python names differ.
_JSON_NAMES = {
    "duration_ms": "durationMs",
    "request_body": "requestBody",
    "response_body": "responseBody",
}


@dataclass(frozen=True)
class Body:
    """A request's or response's body as it crossed the wire, before scrubbing."""

    data: bytes
    mimetype: str


@dataclass(frozen=True)
class JournalEntry:
    """One answered (or dropped) request."""

    time: str  # ISO 8601, UTC
    method: str
    path: str
    status: int | None  # None when the connection was dropped on purpose
    duration_ms: float
    fault: str | None = None
    worker: int | None = None  # the process id of the worker that answered
    query: str = ""  # scrubbed
    user: str | None = None  # the id of the user whose token the request carried
    request_body: str | None = None  # scrubbed and bounded
    response_body: str | None = None

    def to_record(self) -> dict[str, Any]:
        """The fields by their Python names, as the store keeps them (every field is a
        plain value: the copy ``dataclasses.asdict`` makes, without its deep walk)."""
        return dict(vars(self))

    def to_json(self) -> dict[str, Any]:
        return {_JSON_NAMES.get(key, key): value for key, value in self.to_record().items()}

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> JournalEntry:
        """An entry from what the store keeps (entries of an older journal lack the
        fields added since)."""
        return cls(**data)


@dataclass(frozen=True)
class JournalPage:
    """One page of the entries a :class:`JournalQuery` matches, newest first."""

    query: JournalQuery
    total: int
    entries: list[JournalEntry]

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "offset": self.query.offset,
            "limit": self.query.limit,
            "requests": [entry.to_json() for entry in self.entries],
        }


class RequestJournal:
    """A bounded ring of :class:`JournalEntry` in ``store`` (a private memory store by
    default); safe across threads and processes."""

    def __init__(
        self,
        capacity: int = 1000,
        store: RequestJournalStore | None = None,
        *,
        body_limit: int = 16 * 1024,
        max_bytes: int | None = None,
    ) -> None:
        if capacity < 1:
            raise ValueError("the journal needs room for at least one request")
        if body_limit < 0:
            raise ValueError("the journal's body limit cannot be negative")
        self.capacity = capacity
        self.body_limit = body_limit
        self.max_bytes = max_bytes
        self._store = store if store is not None else MemoryJournal()

    def record(
        self,
        method: str,
        path: str,
        status: int | None,
        duration_s: float,
        fault: str | None = None,
        *,
        at: float,
        query: str = "",
        user: str | None = None,
        request_body: Body | None = None,
        response_body: Body | None = None,
    ) -> None:
        entry = JournalEntry(
            time=datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds"),
            method=method,
            path=path,
            status=status,
            duration_ms=round(duration_s * 1000.0, 3),
            fault=fault,
            worker=os.getpid(),
            query=scrub_query(query),
            user=user,
            request_body=self._kept(request_body),
            response_body=self._kept(response_body),
        )
        self._store.append_journal(entry.to_record(), self.capacity, self.max_bytes)

    def _kept(self, body: Body | None) -> str | None:
        if body is None:
            return None
        return scrub_body(body.data, body.mimetype, self.body_limit)

    def entries(self) -> list[JournalEntry]:
        return [JournalEntry.from_record(data) for data in self._store.journal(self.capacity)]

    def page(self, query: JournalQuery) -> JournalPage:
        """The entries ``query`` asks for, newest first, and how many match in all."""
        total, records = self._store.query_journal(query, self.capacity)
        return JournalPage(query, total, [JournalEntry.from_record(data) for data in records])

    def clear(self) -> None:
        self._store.clear_journal()


def write_json_lines(entries: Iterable[JournalEntry], path: str | Path) -> int:
    """Write ``entries`` to ``path``, one JSON object a line; returns how many."""
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        for entry in entries:
            out.write(json.dumps(entry.to_json(), ensure_ascii=False) + "\n")
            count += 1
    return count


#: The most entries one page lists.
MAX_PAGE = 500
#: The farthest a page may start: far beyond any journal kept, and within SQLite's integers.
MAX_OFFSET = 10**9


def journal_query(args: Mapping[str, str]) -> JournalQuery:
    """The :class:`JournalQuery` of a request's ``user``, ``path``, ``status`` (``404`` or a
    class such as ``4xx``), ``offset`` and ``limit`` parameters; raises ValueError that
    says which parameter is wrong and what it takes."""
    status = (args.get("status") or "").strip().lower()
    status_min = status_max = None
    if status:
        if len(status) == 3 and status[0] in "12345" and status[1:] == "xx":
            status_min, status_max = int(status[0]) * 100, int(status[0]) * 100 + 99
        elif status.isdigit() and 100 <= int(status) <= 599:
            status_min = status_max = int(status)
        else:
            raise ValueError(
                f"status={status!r} is neither a status code (404) nor a class (4xx); "
                "give one of those, or leave it out for every status"
            )
    return JournalQuery(
        user=args.get("user") or None,
        path=args.get("path") or None,
        status_min=status_min,
        status_max=status_max,
        offset=_count(args, "offset", 0, (0, MAX_OFFSET)),
        limit=_count(args, "limit", 50, (1, MAX_PAGE)),
    )


def _count(args: Mapping[str, str], name: str, default: int, bounds: tuple[int, int]) -> int:
    text = (args.get(name) or "").strip()
    if not text:
        return default
    least, most = bounds
    if not (text.isascii() and text.isdigit()) or not least <= int(text) <= most:
        raise ValueError(f"{name}={text!r} is not a whole number from {least} to {most}; give one")
    return int(text)
