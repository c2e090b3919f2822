"""The request journal in the SQLite state file, on the connection that does not wait
for the disk: it changes on every request and needs no durability."""

from __future__ import annotations

import json

from fake_server.store.records import JsonObject
from fake_server.store.request_journal import RequestJournalStore
from fake_server.store.state_file import StateFile, retry_while_locked


class SQLiteJournal(StateFile, RequestJournalStore):
    """The request journal of a state file, one for every process that opens it."""

    def append_journal(self, entry: JsonObject, capacity: int) -> None:
        db = self._journal_db
        body = json.dumps(entry)
        with self._journal_lock:
            # One statement is its own transaction: no BEGIN and COMMIT round trips.
            cursor = retry_while_locked(
                lambda: db.execute("INSERT INTO request_journal (body) VALUES (?)", (body,))
            )
            seq = int(cursor.lastrowid or 0)
            # Trimming in batches keeps the cost of the bound off most requests.
            if seq % 64 == 0:
                retry_while_locked(
                    lambda: db.execute(
                        "DELETE FROM request_journal WHERE seq <= ?", (seq - capacity,)
                    )
                )

    def journal(self, capacity: int) -> list[JsonObject]:
        with self._journal_lock:
            rows = self._journal_db.execute(
                "SELECT body FROM request_journal ORDER BY seq DESC LIMIT ?", (capacity,)
            ).fetchall()
        return [json.loads(body) for (body,) in reversed(rows)]

    def clear_journal(self) -> None:
        self._write_fast(lambda db: db.execute("DELETE FROM request_journal"))
