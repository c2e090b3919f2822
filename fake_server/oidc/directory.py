"""The realm's users and clients: who they are, adding and restoring them, and checking the
password a user logs in with.

Users and clients live in the realm's :class:`~fake_server.oidc.realm.RealmState`; the
directory puts the configured ones there (checking that no two clash) and puts them back
when the run-time additions are dropped.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping, Sequence

from fake_server.oidc import passwords
from fake_server.oidc.accounts import Account
from fake_server.oidc.errors import OAuthError
from fake_server.oidc.realm import CONFIGURED, Client, RealmState, seed_realm

logger = logging.getLogger(__name__)


class RealmDirectory:
    """The users and clients of the realm kept in ``state``.

    ``client_ids`` are public clients, ``confidential_clients`` maps client ids to secrets,
    ``clients`` are clients with every setting spelt out; they and ``accounts`` are the
    configured entries, put in ``state`` now and again by :meth:`restore_configured`.
    """

    def __init__(
        self,
        state: RealmState,
        accounts: Sequence[Account],
        client_ids: Sequence[str],
        confidential_clients: Mapping[str, str],
        clients: Sequence[Client],
    ) -> None:
        all_clients = _build_clients(client_ids, confidential_clients)
        for client in clients:
            if client.client_id in all_clients:
                raise ValueError(f"client {client.client_id!r} is configured twice")
            all_clients[client.client_id] = client
        logins: set[str] = set()
        for account in accounts:
            if account.login in logins or account.email_key in logins:
                raise ValueError(f"two accounts share the e-mail or username {account.login!r}")
            logins.update({account.login, account.email_key} - {""})
        self._state = state
        self._configured_accounts = tuple(accounts)
        self._configured_clients = tuple(all_clients.values())
        seed_realm(self._state, self._configured_accounts, self._configured_clients)

    @property
    def accounts(self) -> Sequence[Account]:
        """The realm's accounts."""
        return tuple(entry.account for entry in self._state.users())

    def account_by_id(self, user_id: str) -> Account | None:
        """The account whose :attr:`Account.user_id` is ``user_id``, None when unknown."""
        return self._state.user_by_id(user_id)

    def account_by_username(self, username: str) -> Account | None:
        """The account logging in as ``username`` (its username or e-mail, any case)."""
        return self._state.user_by_login(username)

    def update_account(self, account: Account, origin: str = CONFIGURED) -> None:
        """Add ``account``, or replace the account with its login."""
        self._state.put_user(account, origin)

    def restore_configured(self) -> None:
        """Drop the users and clients added at run time; restore the configured ones."""
        self._state.forget_run_time_entries()
        seed_realm(self._state, self._configured_accounts, self._configured_clients)

    def client(self, client_id: str) -> Client | None:
        """The enabled client ``client_id``; None when it is unknown or disabled."""
        client = self._state.client(client_id)
        return client if client is not None and client.enabled else None

    def check_credentials(self, username: str | None, password: str) -> Account:
        """The enabled account ``username`` logs in as with ``password``; OAuthError else."""
        if not username:
            raise OAuthError(401, "invalid_request", "Missing parameter: username")
        account = self.account_by_username(username)
        given = password.encode()
        if account is not None and account.password_hash:
            matches = bool(password) and passwords.verify(password, account.password_hash)
        else:
            # Compare against something even for an unknown user, so timing tells nothing.
            expected = account.password.encode() if account else b"\0" * max(len(given), 1)
            matches = hmac.compare_digest(given, expected) and bool(account and account.password)
        if account is None or not matches:
            logger.info("login refused for %r: invalid user credentials", username)
            raise OAuthError(401, "invalid_grant", "Invalid user credentials")
        if not account.enabled:
            raise OAuthError(400, "invalid_grant", "Account disabled")
        return account


def _build_clients(public_ids: Sequence[str], confidential: Mapping[str, str]) -> dict[str, Client]:
    """The clients given as public client ids and confidential ``{client id: secret}``."""
    if isinstance(public_ids, str):
        raise TypeError("client_ids must be a sequence of client ids, not one string")
    clients: dict[str, Client] = {}
    for client_id in public_ids:
        if not client_id:
            raise ValueError("client ids must be non-empty")
        clients[client_id] = Client(client_id, None)
    for client_id, secret in confidential.items():
        if not client_id or not secret:
            raise ValueError(f"confidential client {client_id!r} needs an id and a secret")
        if client_id in clients:
            raise ValueError(f"client {client_id!r} cannot be both public and confidential")
        clients[client_id] = Client(client_id, secret)
    return clients
