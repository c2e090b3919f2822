"""The request journal: what the fake server answered, most recent last.

It keeps the method, path (no query string), status, duration, time, any injected
fault and the worker process that answered, for the last requests; never headers or
bodies, so tokens and passwords cannot leak into it. It lives in the server's store, so
the worker processes sharing a state file keep one journal.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from fake_server.store.request_journal import MemoryJournal, RequestJournalStore


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

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["durationMs"] = data.pop("duration_ms")
        return data


class RequestJournal:
    """A bounded ring of :class:`JournalEntry` in ``store`` (a private memory store by
    default); safe across threads and processes."""

    def __init__(self, capacity: int = 1000, store: RequestJournalStore | None = None) -> None:
        if capacity < 1:
            raise ValueError("the journal needs room for at least one request")
        self.capacity = capacity
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
    ) -> None:
        entry = JournalEntry(
            time=datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds"),
            method=method,
            path=path,
            status=status,
            duration_ms=round(duration_s * 1000.0, 3),
            fault=fault,
            worker=os.getpid(),
        )
        self._store.append_journal(asdict(entry), self.capacity)

    def entries(self) -> list[JournalEntry]:
        return [JournalEntry(**data) for data in self._store.journal(self.capacity)]

    def clear(self) -> None:
        self._store.clear_journal()
