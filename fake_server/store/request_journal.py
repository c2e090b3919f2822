"""The request journal as the store keeps it: the interface both backends implement
(:class:`RequestJournalStore`) and the memory one."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections import deque

from fake_server.store.records import JsonObject


class RequestJournalStore(ABC):
    """The last requests the server answered, shared by the worker processes of one
    server."""

    @abstractmethod
    def append_journal(self, entry: JsonObject, capacity: int) -> None:
        """Add a request to the journal, keeping the last ``capacity`` entries."""

    @abstractmethod
    def journal(self, capacity: int) -> list[JsonObject]:
        """The last ``capacity`` requests, oldest first."""

    @abstractmethod
    def clear_journal(self) -> None: ...


class MemoryJournal(RequestJournalStore):
    """The journal in a ring, for one process."""

    def __init__(self) -> None:
        self._journal_lock = threading.Lock()
        self._journal: deque[JsonObject] = deque()

    def append_journal(self, entry: JsonObject, capacity: int) -> None:
        with self._journal_lock:
            self._journal.append(entry)
            while len(self._journal) > capacity:
                self._journal.popleft()

    def journal(self, capacity: int) -> list[JsonObject]:
        with self._journal_lock:
            return list(self._journal)[-capacity:]

    def clear_journal(self) -> None:
        with self._journal_lock:
            self._journal.clear()
