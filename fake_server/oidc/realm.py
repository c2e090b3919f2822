"""What one realm holds beyond its keys: settings, clients, users, sessions, revocations.

:class:`RealmState` is what the identity provider reads and writes; the fake server's
store implements it (in memory, or in the SQLite state file so that every worker process
of a WSGI server, and a restarted server, sees the same users, clients, sign-in sessions
and revoked tokens). :class:`MemoryRealmState` is the in-process implementation.

Every change that reads before it writes (refreshing a session, ending it) goes through
:meth:`RealmState.update_session`, which applies a function to the current record under
the state's write lock, so two workers refreshing the same session cannot both win.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fake_server.oidc.accounts import Account

#: Who put a user or client in the realm: the server's configuration (flags, realm file),
#: re-applied at every start, or the admin API at run time.
CONFIGURED = "config"
ADDED_AT_RUN_TIME = "admin"

# Keycloak's defaults for a new realm, in seconds.
DEFAULT_ACCESS_TOKEN_LIFESPAN = 300
DEFAULT_SSO_SESSION_IDLE = 1800
DEFAULT_SSO_SESSION_MAX = 36_000
DEFAULT_OFFLINE_SESSION_IDLE = 2_592_000


@dataclass(frozen=True)
class RealmSettings:
    """The realm settings the fake honours, named and defaulted as Keycloak's.

    ``revoke_refresh_token`` ("Revoke Refresh Token", off by default): a refresh token may
    be used ``refresh_token_max_reuse`` + 1 times and only while it is the session's newest;
    off, any unexpired refresh token of a live session works.
    """

    access_token_lifespan: int = DEFAULT_ACCESS_TOKEN_LIFESPAN
    sso_session_idle_timeout: int = DEFAULT_SSO_SESSION_IDLE
    sso_session_max_lifespan: int = DEFAULT_SSO_SESSION_MAX
    offline_session_idle_timeout: int = DEFAULT_OFFLINE_SESSION_IDLE
    revoke_refresh_token: bool = False
    refresh_token_max_reuse: int = 0

    def __post_init__(self) -> None:
        for name in (
            "access_token_lifespan",
            "sso_session_idle_timeout",
            "sso_session_max_lifespan",
            "offline_session_idle_timeout",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"{name} must be a positive number of seconds, not {value!r}")
        reuse = self.refresh_token_max_reuse
        if isinstance(reuse, bool) or not isinstance(reuse, int) or reuse < 0:
            raise ValueError(f"refresh_token_max_reuse must be 0 or more, not {reuse!r}")


@dataclass(frozen=True)
class Client:
    """An OIDC client of the realm (Keycloak's ClientRepresentation, the fields that matter).

    ``secret`` None makes a public client. ``redirect_uris`` are Keycloak's valid redirect
    URIs: exact, or ending in ``*`` to match any URI with that prefix.
    """

    client_id: str
    secret: str | None = None
    enabled: bool = True
    direct_access_grants: bool = True
    standard_flow: bool = True
    service_accounts: bool = True
    redirect_uris: tuple[str, ...] = ("*",)

    def __post_init__(self) -> None:
        if not self.client_id:
            raise ValueError("a client needs a clientId")
        if self.secret is not None and not self.secret:
            raise ValueError(
                f"confidential client {self.client_id!r} needs a non-empty secret "
                "(or make it public)"
            )

    @property
    def confidential(self) -> bool:
        return self.secret is not None

    def accepts_redirect(self, uri: str) -> bool:
        """Whether ``uri`` is one of the client's valid redirect URIs."""
        for pattern in self.redirect_uris:
            if pattern.endswith("*"):
                if uri.startswith(pattern[:-1]):
                    return True
            elif uri == pattern:
                return True
        return False


@dataclass(frozen=True)
class SessionRecord:
    """A sign-in session (a Keycloak user session with one client), online or offline.

    ``refresh_jti`` is the newest refresh token issued, ``refresh_uses`` how often it was
    used; ``refresh_jti`` None marks a session resumed from a token after a restart of a
    server without a state file, whose first valid refresh token is accepted.
    """

    sid: str
    user_id: str
    client_id: str
    auth_time: int
    last_refresh: int
    refresh_jti: str | None
    offline: bool = False
    ended: bool = False
    refresh_uses: int = 0
    #: Whether the authorization code that opened the session was exchanged already.
    code_used: bool = False


SessionUpdate = Callable[[SessionRecord | None], SessionRecord | None]


@dataclass(frozen=True)
class UserEntry:
    """A user and where it came from (:data:`CONFIGURED` or :data:`ADDED_AT_RUN_TIME`)."""

    account: Account
    origin: str


class RealmState(ABC):
    """Users, clients, sessions and revoked tokens of one realm; safe across threads."""

    #: Whether sessions outlive the process (a state file): an unknown session id is then
    #: one that never existed or was pruned, never one a restart forgot.
    persistent: bool = False

    # -- users
    @abstractmethod
    def put_user(self, account: Account, origin: str) -> None:
        """Add the user, or replace the one with the same login name."""

    @abstractmethod
    def delete_user(self, login: str) -> bool:
        """Remove the user logging in as ``login``; False when there is none."""

    @abstractmethod
    def user_by_login(self, login: str) -> Account | None:
        """The user whose username or e-mail is ``login`` (any letter case)."""

    @abstractmethod
    def user_by_id(self, user_id: str) -> Account | None: ...

    @abstractmethod
    def users(self) -> list[UserEntry]:
        """Every user, in the order they were first added."""

    # -- clients
    @abstractmethod
    def put_client(self, client: Client, origin: str) -> None: ...

    @abstractmethod
    def delete_client(self, client_id: str) -> bool: ...

    @abstractmethod
    def client(self, client_id: str) -> Client | None: ...

    @abstractmethod
    def clients(self) -> list[tuple[Client, str]]:
        """Every client with its origin, in the order they were first added."""

    @abstractmethod
    def forget_run_time_entries(self) -> None:
        """Drop the users and clients the admin API added (a reset)."""

    # -- sessions
    @abstractmethod
    def session(self, sid: str) -> SessionRecord | None: ...

    @abstractmethod
    def update_session(self, sid: str, change: SessionUpdate) -> SessionRecord | None:
        """Store ``change(current)`` atomically (None from ``change``: leave it as it is);
        returns what is stored afterwards. Exceptions from ``change`` write nothing."""

    @abstractmethod
    def prune_sessions(self, online_before: int, offline_before: int) -> int:
        """Forget online sessions last refreshed before ``online_before`` (and offline ones
        before ``offline_before``); returns how many went."""

    # -- revoked access tokens
    @abstractmethod
    def revoke_token(self, jti: str, expires: float, now: float) -> None:
        """Refuse the access token ``jti`` until it expires anyway (``now``: the realm's
        clock, to forget revocations of tokens that have expired)."""

    @abstractmethod
    def is_revoked(self, jti: str) -> bool: ...

    def session_and_revocation(self, sid: str, jti: str) -> tuple[SessionRecord | None, bool]:
        """:meth:`session` and :meth:`is_revoked` at once (what every bearer check asks)."""
        return self.session(sid), self.is_revoked(jti)


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


def seed_realm(state: RealmState, accounts: Sequence[Account], clients: Sequence[Client]) -> None:
    """Put the configured users and clients in ``state`` (replacing earlier versions of
    them), and drop configured ones the configuration no longer names."""
    logins = {account.login for account in accounts}
    client_ids = {client.client_id for client in clients}
    for entry in state.users():
        if entry.origin == CONFIGURED and entry.account.login not in logins:
            state.delete_user(entry.account.login)
    for client, origin in state.clients():
        if origin == CONFIGURED and client.client_id not in client_ids:
            state.delete_client(client.client_id)
    for account in accounts:
        state.put_user(account, CONFIGURED)
    for client in clients:
        state.put_client(client, CONFIGURED)


__all__ = [
    "ADDED_AT_RUN_TIME",
    "CONFIGURED",
    "Client",
    "MemoryRealmState",
    "RealmSettings",
    "RealmState",
    "SessionRecord",
    "UserEntry",
    "seed_realm",
]
