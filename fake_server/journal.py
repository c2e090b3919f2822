"""The request journal: what the fake server answered, most recent last.

It keeps the method, path (no query string), status, duration, time and any injected
fault of the last requests, never headers or bodies, so tokens and passwords cannot
leak into it.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class JournalEntry:
    """One answered (or dropped) request."""

    time: str  # ISO 8601, UTC
    method: str
    path: str
    status: int | None  # None when the connection was dropped on purpose
    duration_ms: float
    fault: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["durationMs"] = data.pop("duration_ms")
        return data


class RequestJournal:
    """A bounded, thread-safe ring of :class:`JournalEntry`."""

    def __init__(self, capacity: int = 1000) -> None:
        if capacity < 1:
            raise ValueError("the journal needs room for at least one request")
        self._entries: deque[JournalEntry] = deque(maxlen=capacity)
        self._lock = threading.Lock()

    @property
    def capacity(self) -> int:
        return self._entries.maxlen or 0

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
        )
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[JournalEntry]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
