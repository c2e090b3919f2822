"""What one realm holds beyond its keys: settings, clients, users, sessions, revocations.

The records and :class:`RealmState`, the interface the identity provider reads and writes,
live with the store that implements it (:mod:`fake_server.store.identity`); the realm's
configured users, clients and settings are plain data (:mod:`fake_server.representations`).
This module puts a configuration's users and clients in a realm's state.
"""

from __future__ import annotations

from collections.abc import Sequence

from fake_server.representations import Account, Client, RealmSettings
from fake_server.store.identity import (
    ADDED_AT_RUN_TIME,
    CONFIGURED,
    RealmState,
    SessionRecord,
    SessionUpdate,
    UserEntry,
)
from fake_server.store.memory_realm import MemoryRealmState


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
    "SessionUpdate",
    "UserEntry",
    "seed_realm",
]
