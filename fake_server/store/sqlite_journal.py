"""The request journal in the SQLite state file, on the connection that does not wait
for the disk: it changes on every request and needs no durability."""

from __future__ import annotations

import json

from fake_server.store.records import JsonObject
from fake_server.store.request_journal import JournalQuery, RequestJournalStore
from fake_server.store.state_file import StateFile, retry_while_locked

#: The newest ``capacity`` rows: trimming runs in batches, so older ones may linger.
_RECENT = "seq > (SELECT COALESCE(MAX(seq), 0) FROM request_journal) - ?"
#: Drops the rows beyond the byte bound, counting the rows' JSON from the newest back.
_TRIM_TO_BUDGET = (
    "DELETE FROM request_journal WHERE seq <= (SELECT MAX(seq) FROM "
    "(SELECT seq, SUM(LENGTH(CAST(body AS BLOB))) OVER (ORDER BY seq DESC) AS kept "
    "FROM request_journal) WHERE kept > ?)"
)


class SQLiteJournal(StateFile, RequestJournalStore):
    """The request journal of a state file, one for every process that opens it."""

    def append_journal(
        self, entry: JsonObject, capacity: int, max_bytes: int | None = None
    ) -> None:
        db = self._journal_db
        body = json.dumps(entry)
        with self._journal_lock, self._turns.turn():
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
                if max_bytes is not None:
                    retry_while_locked(lambda: db.execute(_TRIM_TO_BUDGET, (max_bytes,)))

    def journal(self, capacity: int) -> list[JsonObject]:
        with self._journal_lock:
            rows = self._journal_db.execute(
                "SELECT body FROM request_journal ORDER BY seq DESC LIMIT ?", (capacity,)
            ).fetchall()
        return [json.loads(body) for (body,) in reversed(rows)]

    def query_journal(self, query: JournalQuery, capacity: int) -> tuple[int, list[JsonObject]]:
        # The same filters as JournalQuery.matches, on the JSON of each row.
        where = [_RECENT]
        params: list[object] = [capacity]
        for value, clause in (
            (query.user, "json_extract(body, '$.user') = ?"),
            (query.path, "instr(json_extract(body, '$.path'), ?) > 0"),
            (query.status_min, "json_extract(body, '$.status') >= ?"),
            (query.status_max, "json_extract(body, '$.status') <= ?"),
        ):
            if value is not None:
                where.append(clause)
                params.append(value)
        condition = " AND ".join(where)
        with self._journal_lock:
            db = self._journal_db
            (total,) = db.execute(
                f"SELECT COUNT(*) FROM request_journal WHERE {condition}", params
            ).fetchone()
            rows = db.execute(
                f"SELECT body FROM request_journal WHERE {condition} "
                "ORDER BY seq DESC LIMIT ? OFFSET ?",
                [*params, query.limit, query.offset],
            ).fetchall()
        return int(total), [json.loads(body) for (body,) in rows]

    def clear_journal(self) -> None:
        self._write_fast(lambda db: db.execute("DELETE FROM request_journal"))
