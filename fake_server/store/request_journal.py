"""The request journal as the store keeps it: the interface both backends implement
(:class:`RequestJournalStore`), the query it answers (:class:`JournalQuery`) and the
memory one."""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from collections import deque
from dataclasses import dataclass

from fake_server.store.records import JsonObject


@dataclass(frozen=True)
class JournalQuery:
    """Which entries to list, newest first: those of ``user`` (exact), whose path contains
    ``path``, whose status lies in ``[status_min, status_max]``; ``limit`` of them after
    skipping ``offset``."""

    user: str | None = None
    path: str | None = None
    status_min: int | None = None
    status_max: int | None = None
    offset: int = 0
    limit: int = 50

    def matches(self, entry: JsonObject) -> bool:
        status = entry.get("status")
        if self.user is not None and entry.get("user") != self.user:
            return False
        if self.path is not None and self.path not in str(entry.get("path", "")):
            return False
        if self.status_min is not None and (status is None or status < self.status_min):
            return False
        return self.status_max is None or (status is not None and status <= self.status_max)


def entry_size(entry: JsonObject) -> int:
    """What an entry counts against the journal's byte bound: its JSON text."""
    return len(json.dumps(entry).encode("utf-8"))


class RequestJournalStore(ABC):
    """The last requests the server answered, shared by the worker processes of one
    server."""

    @abstractmethod
    def append_journal(
        self, entry: JsonObject, capacity: int, max_bytes: int | None = None
    ) -> None:
        """Add a request to the journal, keeping the last ``capacity`` entries and, with
        ``max_bytes``, dropping the oldest while the entries' JSON exceeds it."""

    @abstractmethod
    def journal(self, capacity: int) -> list[JsonObject]:
        """The last ``capacity`` requests, oldest first."""

    @abstractmethod
    def query_journal(self, query: JournalQuery, capacity: int) -> tuple[int, list[JsonObject]]:
        """How many of the last ``capacity`` requests match ``query``, and the page of
        them it asks for, newest first."""

    @abstractmethod
    def clear_journal(self) -> None: ...


class MemoryJournal(RequestJournalStore):
    """The journal in a ring, for one process."""

    def __init__(self) -> None:
        self._journal_lock = threading.Lock()
        self._journal: deque[tuple[JsonObject, int]] = deque()
        self._journal_bytes = 0

    def append_journal(
        self, entry: JsonObject, capacity: int, max_bytes: int | None = None
    ) -> None:
        size = entry_size(entry)
        with self._journal_lock:
            self._journal.append((entry, size))
            self._journal_bytes += size
            while len(self._journal) > capacity or (
                max_bytes is not None and self._journal_bytes > max_bytes and self._journal
            ):
                self._journal_bytes -= self._journal.popleft()[1]

    def journal(self, capacity: int) -> list[JsonObject]:
        with self._journal_lock:
            return [entry for entry, _ in list(self._journal)[-capacity:]]

    def query_journal(self, query: JournalQuery, capacity: int) -> tuple[int, list[JsonObject]]:
        matching = [entry for entry in reversed(self.journal(capacity)) if query.matches(entry)]
        return len(matching), matching[query.offset : query.offset + query.limit]

    def clear_journal(self) -> None:
        with self._journal_lock:
            self._journal.clear()
            self._journal_bytes = 0
