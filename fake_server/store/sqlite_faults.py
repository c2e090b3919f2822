"""Fault rules in the SQLite state file: definitions written durably, counters on the
journal's connection (they change on every matching request)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from fake_server.store.fault_rules import FaultRuleStore, FaultStep, StoredFaultRule, plan_sync
from fake_server.store.records import JsonObject
from fake_server.store.state_file import StateFile


class SQLiteFaultRules(StateFile, FaultRuleStore):
    """The fault rules of a state file, seen alike by every process that opens it."""

    def fault_rules_version(self) -> int:
        version = self._first("SELECT value FROM counters WHERE name = 'fault_rules'", ())
        return 0 if version is None else int(version)

    def fault_rules(self) -> list[StoredFaultRule]:
        rows = self._query(
            "SELECT id, definition, origin, fired, credit FROM fault_rules ORDER BY id", ()
        )
        return [
            StoredFaultRule(int(i), json.loads(d), o, int(f), float(c)) for i, d, o, f, c in rows
        ]

    @staticmethod
    def _bump_fault_version(db: sqlite3.Connection) -> None:
        db.execute(
            "INSERT INTO counters (name, value) VALUES ('fault_rules', 1)"
            " ON CONFLICT (name) DO UPDATE SET value = value + 1"
        )

    def add_fault_rule(self, definition: JsonObject, origin: str) -> int:
        def add(db: sqlite3.Connection) -> int:
            cursor = db.execute(
                "INSERT INTO fault_rules (origin, definition) VALUES (?, ?)",
                (origin, json.dumps(definition)),
            )
            self._bump_fault_version(db)
            return int(cursor.lastrowid or 0)

        rule_id: int = self._write(add)
        return rule_id

    def remove_fault_rules(self, ids: Sequence[int] | None = None) -> int:
        def remove(db: sqlite3.Connection) -> int:
            if ids is None:
                cursor = db.execute("DELETE FROM fault_rules")
            else:
                cursor = db.executemany("DELETE FROM fault_rules WHERE id = ?", [(i,) for i in ids])
            self._bump_fault_version(db)
            return int(cursor.rowcount)

        removed: int = self._write(remove)
        return removed

    def sync_fault_rules(self, origin: str, definitions: Sequence[JsonObject]) -> None:
        def sync(db: sqlite3.Connection) -> None:
            rows = db.execute(
                "SELECT id, definition FROM fault_rules WHERE origin = ? ORDER BY id", (origin,)
            ).fetchall()
            doomed, added = plan_sync([(i, json.loads(d)) for i, d in rows], definitions)
            db.executemany("DELETE FROM fault_rules WHERE id = ?", [(i,) for i in doomed])
            db.executemany(
                "INSERT INTO fault_rules (origin, definition) VALUES (?, ?)",
                [(origin, key) for key in added],
            )
            self._bump_fault_version(db)

        self._write(sync)

    def advance_fault_rules(self, ids: Sequence[int], step: FaultStep) -> set[int]:
        def advance(db: sqlite3.Connection) -> set[int]:
            fired: set[int] = set()
            for rule_id in ids:
                row = db.execute(
                    "SELECT fired, credit FROM fault_rules WHERE id = ?", (rule_id,)
                ).fetchone()
                if row is None:
                    continue
                count, credit, fires = step(rule_id, int(row[0]), float(row[1]))
                db.execute(
                    "UPDATE fault_rules SET fired = ?, credit = ? WHERE id = ?",
                    (count, credit, rule_id),
                )
                if fires:
                    fired.add(rule_id)
            return fired

        result: set[int] = self._write_fast(advance)
        return result
