"""The realm's state as the store keeps it: users, clients, sign-in sessions and revoked
tokens, behind :class:`RealmState`, the interface the identity provider reads and writes.

Both backends implement it: in memory (:mod:`fake_server.store.memory_realm`), or in the
SQLite state file (:mod:`fake_server.store.sqlite_realm`) so that every worker process of
a WSGI server, and a restarted server, sees the same users, clients, sign-in sessions and
revoked tokens.

Every change that reads before it writes (refreshing a session, ending it) goes through
:meth:`RealmState.update_session`, which applies a function to the current record under
the state's write lock, so two workers refreshing the same session cannot both win.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

from fake_server.representations import Account, Client

#: Who put a user or client in the realm: the server's configuration (flags, realm file),
#: re-applied at every start, or the admin API at run time.
CONFIGURED = "config"
ADDED_AT_RUN_TIME = "admin"


@dataclass(frozen=True)
class SessionRecord:
    """A sign-in session (a Keycloak user session with one client), online or offline.

    ``refresh_jti`` is the refresh token used last, ``refresh_uses`` how often it was
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
    #: The refresh token the last refresh issued: the one token newer than ``refresh_jti``.
    issued_jti: str | None = None


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
