"""The realm's state in the memory of one process: gone when it ends."""

from __future__ import annotations

import threading

from fake_server.representations import Account, Client
from fake_server.store.identity import (
    ADDED_AT_RUN_TIME,
    RealmState,
    SessionRecord,
    SessionUpdate,
    UserEntry,
)


class MemoryRealmState(RealmState):
    """A realm in dictionaries: for one process, gone when it ends."""

    def __init__(self) -> None:
        self._realm_lock = threading.RLock()
        self._users: dict[str, UserEntry] = {}  # by lower-case login name
        self._clients: dict[str, tuple[Client, str]] = {}
        self._sessions: dict[str, SessionRecord] = {}
        self._revoked: dict[str, float] = {}

    def put_user(self, account: Account, origin: str) -> None:
        with self._realm_lock:
            self._users[account.login] = UserEntry(account, origin)

    def delete_user(self, login: str) -> bool:
        with self._realm_lock:
            account = self._find_user(login)
            if account is None:
                return False
            del self._users[account.login]
            return True

    def _find_user(self, login: str) -> Account | None:
        key = login.lower()
        entry = self._users.get(key)
        if entry is not None:
            return entry.account
        return next((e.account for e in self._users.values() if e.account.email_key == key), None)

    def user_by_login(self, login: str) -> Account | None:
        with self._realm_lock:
            return self._find_user(login)

    def user_by_id(self, user_id: str) -> Account | None:
        with self._realm_lock:
            return next(
                (e.account for e in self._users.values() if e.account.user_id == user_id), None
            )

    def users(self) -> list[UserEntry]:
        with self._realm_lock:
            return list(self._users.values())

    def put_client(self, client: Client, origin: str) -> None:
        with self._realm_lock:
            self._clients[client.client_id] = (client, origin)

    def delete_client(self, client_id: str) -> bool:
        with self._realm_lock:
            return self._clients.pop(client_id, None) is not None

    def client(self, client_id: str) -> Client | None:
        with self._realm_lock:
            entry = self._clients.get(client_id)
            return None if entry is None else entry[0]

    def clients(self) -> list[tuple[Client, str]]:
        with self._realm_lock:
            return list(self._clients.values())

    def forget_run_time_entries(self) -> None:
        with self._realm_lock:
            self._users = {k: e for k, e in self._users.items() if e.origin != ADDED_AT_RUN_TIME}
            self._clients = {k: e for k, e in self._clients.items() if e[1] != ADDED_AT_RUN_TIME}

    def session(self, sid: str) -> SessionRecord | None:
        with self._realm_lock:
            return self._sessions.get(sid)

    def update_session(self, sid: str, change: SessionUpdate) -> SessionRecord | None:
        with self._realm_lock:
            current = self._sessions.get(sid)
            updated = change(current)
            if updated is not None:
                self._sessions[sid] = updated
                return updated
            return current

    def prune_sessions(self, online_before: int, offline_before: int) -> int:
        with self._realm_lock:
            stale = [
                sid
                for sid, s in self._sessions.items()
                if s.last_refresh < (offline_before if s.offline else online_before)
            ]
            for sid in stale:
                del self._sessions[sid]
            return len(stale)

    def revoke_token(self, jti: str, expires: float, now: float) -> None:
        with self._realm_lock:
            self._revoked = {j: e for j, e in self._revoked.items() if e > now}
            self._revoked[jti] = expires

    def is_revoked(self, jti: str) -> bool:
        with self._realm_lock:
            return jti in self._revoked
