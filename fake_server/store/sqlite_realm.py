"""The realm in the SQLite state file: users, clients, sign-in sessions and revoked
tokens, seen alike by every worker process that opens the file."""

from __future__ import annotations

import dataclasses
import json
import sqlite3

from fake_server.representations import Account, Client
from fake_server.store.identity import (
    ADDED_AT_RUN_TIME,
    RealmState,
    SessionRecord,
    SessionUpdate,
    UserEntry,
)
from fake_server.store.state_file import StateFile


class SQLiteRealmState(StateFile, RealmState):
    """The realm's tables of a state file, written durably."""

    persistent = True

    # -- users and clients

    def put_user(self, account: Account, origin: str) -> None:
        self._execute(
            "INSERT INTO realm_users (login, email, user_id, origin, body)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (login) DO UPDATE SET"
            " email = excluded.email, user_id = excluded.user_id,"
            " origin = excluded.origin, body = excluded.body",
            (
                account.login,
                account.email_key,
                account.user_id,
                origin,
                json.dumps(dataclasses.asdict(account)),
            ),
        )

    def delete_user(self, login: str) -> bool:
        key = login.lower()
        return bool(
            self._execute(
                "DELETE FROM realm_users WHERE login = ? OR (email = ? AND email != '')",
                (key, key),
            )
        )

    def user_by_login(self, login: str) -> Account | None:
        key = login.lower()
        return _account(
            self._first(
                "SELECT body FROM realm_users WHERE login = ? UNION ALL"
                " SELECT body FROM realm_users WHERE email = ? AND email != '' LIMIT 1",
                (key, key),
            )
        )

    def user_by_id(self, user_id: str) -> Account | None:
        return _account(
            self._first("SELECT body FROM realm_users WHERE user_id = ? LIMIT 1", (user_id,))
        )

    def users(self) -> list[UserEntry]:
        rows = self._query("SELECT body, origin FROM realm_users ORDER BY seq", ())
        return [UserEntry(Account(**json.loads(body)), origin) for body, origin in rows]

    def put_client(self, client: Client, origin: str) -> None:
        self._execute(
            "INSERT INTO realm_clients (client_id, origin, body) VALUES (?, ?, ?)"
            " ON CONFLICT (client_id) DO UPDATE SET"
            " origin = excluded.origin, body = excluded.body",
            (client.client_id, origin, json.dumps(dataclasses.asdict(client))),
        )

    def delete_client(self, client_id: str) -> bool:
        return bool(self._execute("DELETE FROM realm_clients WHERE client_id = ?", (client_id,)))

    def client(self, client_id: str) -> Client | None:
        body = self._first("SELECT body FROM realm_clients WHERE client_id = ?", (client_id,))
        return None if body is None else _client_from_json(body)

    def clients(self) -> list[tuple[Client, str]]:
        rows = self._query("SELECT body, origin FROM realm_clients ORDER BY seq", ())
        return [(_client_from_json(body), origin) for body, origin in rows]

    def forget_run_time_entries(self) -> None:
        def forget(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM realm_users WHERE origin = ?", (ADDED_AT_RUN_TIME,))
            db.execute("DELETE FROM realm_clients WHERE origin = ?", (ADDED_AT_RUN_TIME,))

        self._write(forget)

    # -- sign-in sessions and revoked tokens

    def session(self, sid: str) -> SessionRecord | None:
        return _session(self._first("SELECT body FROM sign_in_sessions WHERE sid = ?", (sid,)))

    def update_session(self, sid: str, change: SessionUpdate) -> SessionRecord | None:
        def update(db: sqlite3.Connection) -> SessionRecord | None:
            row = db.execute("SELECT body FROM sign_in_sessions WHERE sid = ?", (sid,)).fetchone()
            current = _session(row[0] if row else None)
            updated = change(current)
            if updated is None:
                return current
            db.execute(
                "INSERT OR REPLACE INTO sign_in_sessions (sid, last_refresh, offline, body)"
                " VALUES (?, ?, ?, ?)",
                (sid, updated.last_refresh, int(updated.offline), json.dumps(vars(updated))),
            )
            return updated

        result: SessionRecord | None = self._write(update)
        return result

    def prune_sessions(self, online_before: int, offline_before: int) -> int:
        return self._execute(
            "DELETE FROM sign_in_sessions WHERE"
            " (offline = 0 AND last_refresh < ?) OR (offline = 1 AND last_refresh < ?)",
            (online_before, offline_before),
        )

    def revoke_token(self, jti: str, expires: float, now: float) -> None:
        def revoke(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM revoked_tokens WHERE expires < ?", (now,))
            db.execute("INSERT OR REPLACE INTO revoked_tokens VALUES (?, ?)", (jti, expires))

        self._write(revoke)

    def is_revoked(self, jti: str) -> bool:
        return bool(self._query("SELECT 1 FROM revoked_tokens WHERE jti = ?", (jti,)))

    def session_and_revocation(self, sid: str, jti: str) -> tuple[SessionRecord | None, bool]:
        rows = self._query(
            "SELECT (SELECT body FROM sign_in_sessions WHERE sid = ?),"
            " EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = ?)",
            (sid, jti),
        )
        body, revoked = rows[0]
        return _session(body), bool(revoked)


def _account(body: str | None) -> Account | None:
    return None if body is None else Account(**json.loads(body))


def _session(body: str | None) -> SessionRecord | None:
    return SessionRecord(**json.loads(body)) if body else None


def _client_from_json(body: str) -> Client:
    data = json.loads(body)
    data["redirect_uris"] = tuple(data["redirect_uris"])
    return Client(**data)
