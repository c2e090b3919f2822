"""The realm as its endpoints see it, as Keycloak's ``RealmModel``: its name, signing keys,
clock and settings, the issuer its tokens name, its users and clients, the passwords they
log in with, and whom a token speaks for.

Users and clients live in the realm's :class:`~fake_server.store.identity.RealmState`: the
model puts the configured ones there (checking that no two clash) and puts them back when
the run-time additions are dropped.

Passwords from a realm export are checked as Keycloak hashed them: the export's
``secretData`` (hash and salt) and ``credentialData`` (algorithm and parameters) become
the fake's own record (:func:`hash_from_credential`, a JSON string kept on
:class:`~fake_server.representations.Account`), which :func:`verify_password` checks:
``argon2`` (Keycloak's default since 24, with argon2-cffi), ``pbkdf2-sha512``,
``pbkdf2-sha256`` and ``pbkdf2`` (SHA-1).
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import hashlib
import hmac
import json
import logging
import os
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from werkzeug.wrappers import Request

from fake_server.oidc.errors import OAuthError
from fake_server.oidc.keys import KeyRing
from fake_server.representations import Account, Client, RealmSettings
from fake_server.store.identity import CONFIGURED, RealmState

logger = logging.getLogger(__name__)

# Clock skew allowed on the exp and iat of bearer tokens, in seconds.
BEARER_LEEWAY = 2
# Base URLs (scheme and host) whose issuer is remembered; a server is reached by a few.
MAX_REMEMBERED_ISSUERS = 64


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


class RealmModel:
    """One realm: its ``name``, signing ``keys``, ``clock`` (seconds since the epoch) and
    ``settings``, with its users and clients kept in ``state``.

    ``client_ids`` are public clients, ``confidential_clients`` maps client ids to secrets,
    ``clients`` are clients with every setting spelt out; they and ``accounts`` are the
    configured entries, put in ``state`` now and again by :meth:`restore_configured`.
    """

    def __init__(
        self,
        name: str,
        keys: KeyRing,
        clock: Callable[[], float],
        settings: RealmSettings,
        state: RealmState,
        *,
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
        self.name = name
        self.keys = keys
        self.clock = clock
        self.settings = settings
        self.state = state
        self._configured_accounts = tuple(accounts)
        self._configured_clients = tuple(all_clients.values())
        self._issuers: dict[tuple[str, str], str] = {}
        #: Replaced by the WSGI entry point with one shared by its worker processes.
        self.password_hashing = PasswordHashing()
        seed_realm(state, self._configured_accounts, self._configured_clients)

    def issuer(self, request: Request) -> str:
        """The ``iss`` of tokens issued through ``request``'s base URL: that URL plus
        ``/realms/{realm}``, as Keycloak derives its frontend URL."""
        # Werkzeug decodes the host URL anew for each request (about 10 µs of each check);
        # it depends on the scheme and host only, so remember the few a server is reached by.
        reached_at = (request.scheme, request.host)
        issuer = self._issuers.get(reached_at)
        if issuer is None:
            issuer = f"{request.host_url.rstrip('/')}/realms/{self.name}"
            if len(self._issuers) >= MAX_REMEMBERED_ISSUERS:
                self._issuers.clear()  # Host headers are the client's to choose
            self._issuers[reached_at] = issuer
        return issuer

    # ------------------------------------------------------------ users and clients

    @property
    def accounts(self) -> Sequence[Account]:
        """The realm's accounts."""
        return tuple(entry.account for entry in self.state.users())

    def account_by_id(self, user_id: str) -> Account | None:
        """The account whose :attr:`Account.user_id` is ``user_id``, None when unknown."""
        return self.state.user_by_id(user_id)

    def account_by_username(self, username: str) -> Account | None:
        """The account logging in as ``username`` (its username or e-mail, any case)."""
        return self.state.user_by_login(username)

    def update_account(self, account: Account, origin: str = CONFIGURED) -> None:
        """Add ``account``, or replace the account with its login."""
        self.state.put_user(account, origin)

    def restore_configured(self) -> None:
        """Drop the users and clients added at run time; restore the configured ones."""
        self.state.forget_run_time_entries()
        seed_realm(self.state, self._configured_accounts, self._configured_clients)

    def service_account(self, client_id: str) -> Account | None:
        """The service-account user of client ``client_id``, when the realm has one."""
        user = self.state.user_by_login(service_account_name(client_id))
        return user if user is not None and user.service_account_client_id == client_id else None

    def client(self, client_id: str) -> Client | None:
        """The enabled client ``client_id``; None when it is unknown or disabled."""
        client = self.state.client(client_id)
        return client if client is not None and client.enabled else None

    def check_credentials(self, username: str | None, password: str) -> Account:
        """The enabled account ``username`` logs in as with ``password``; OAuthError else."""
        if not username:
            raise OAuthError(401, "invalid_request", "Missing parameter: username")
        account = self.account_by_username(username)
        given = password.encode()
        if account is not None and account.password_hash:
            matches = bool(password) and self.password_hashing.verify(
                password, account.password_hash
            )
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


# ------------------------------------------------------------------ token subjects

# Roles Keycloak grants every user through the realm's default role.
ACCOUNT_CLIENT_ROLES = ["manage-account", "manage-account-links", "view-profile"]
#: The realm role that grants scripting access (a realm file that defines it grants it
#: only to the users holding it).
SCRIPTING_ROLE = "scripting"


@dataclass(frozen=True)
class Subject:
    """Whom a token speaks for: a user account or a confidential client's service account,
    with the realm roles Keycloak grants it."""

    sub: str
    preferred_username: str
    roles: tuple[str, ...]
    account: Account | None = None

    def profile_claims(self) -> dict[str, Any]:
        """The identity claims Keycloak puts in tokens and the userinfo answer."""
        if self.account is None:
            return {"email_verified": False, "preferred_username": self.preferred_username}
        account = self.account
        claims: dict[str, Any] = {"email_verified": True}
        name = f"{account.first_name} {account.last_name}".strip()
        if name:
            claims["name"] = name
        claims["preferred_username"] = self.preferred_username
        if account.first_name:
            claims["given_name"] = account.first_name
        if account.last_name:
            claims["family_name"] = account.last_name
        claims["email"] = account.email.lower()
        return claims


def _realm_roles(realm: str, account: Account | None) -> tuple[str, ...]:
    """The realm roles of ``account`` (the default ones alone for None), each once."""
    roles = [f"default-roles-{realm}", "offline_access", "uma_authorization"]
    if account is not None:
        roles.extend(account.realm_roles)
        if account.scripting:
            roles.append(SCRIPTING_ROLE)
    return tuple(dict.fromkeys(roles))


def user_subject(realm: str, account: Account) -> Subject:
    """The subject of ``account``'s tokens in ``realm``."""
    return Subject(account.user_id, account.login, _realm_roles(realm, account), account)


def service_account_name(client_id: str) -> str:
    """The username Keycloak gives the service-account user of ``client_id``."""
    return f"service-account-{client_id}".lower()


def service_subject(realm: str, client_id: str, user: Account | None = None) -> Subject:
    """The subject of the service account of confidential client ``client_id``: its
    service-account ``user`` (a realm export's), else one derived from the client id.
    Either way it is no account the API serves."""
    if user is not None:
        return Subject(user.user_id, user.login, _realm_roles(realm, user))
    sub = str(uuid.uuid5(uuid.NAMESPACE_URL, f"spacestudio-fake-service-account:{client_id}"))
    return Subject(sub, service_account_name(client_id), _realm_roles(realm, None))


# ------------------------------------------------------------ hashed passwords

_PBKDF2_DIGESTS = {"pbkdf2": "sha1", "pbkdf2-sha256": "sha256", "pbkdf2-sha512": "sha512"}
_ARGON2_TYPES = {"id": Type.ID, "i": Type.I, "d": Type.D}
_ARGON2_VERSIONS = {"1.3": 0x13, "1.0": 0x10}
SUPPORTED_HASHES = ("argon2", *_PBKDF2_DIGESTS)


class UnsupportedHash(ValueError):
    """A stored credential the fake cannot check; the message says why."""


def _json_field(credential: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = credential.get(key)
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise UnsupportedHash(f"{key} is not JSON") from None
    if not isinstance(value, dict):
        raise UnsupportedHash(f"{key} is missing")
    return value


def _parameter(parameters: Mapping[str, Any], name: str, default: str) -> str:
    """One of Keycloak's ``additionalParameters`` (each a list of strings)."""
    value = parameters.get(name, [default])
    return str(value[0] if isinstance(value, list) and value else value)


#: The costliest parameters a stored hash may ask for: Keycloak's own defaults since 24
#: (OWASP's figures), so an export of a default Keycloak loads, and a hash that would cost
#: seconds of CPU or gigabytes per login attempt is refused when it is imported.
MAX_PBKDF2_ITERATIONS = {"pbkdf2": 1_300_000, "pbkdf2-sha256": 600_000, "pbkdf2-sha512": 210_000}
MAX_ARGON2_TIME_COST = 5
MAX_ARGON2_MEMORY_KIB = 64 * 1024
MAX_ARGON2_PARALLELISM = 4
#: Hash and salt lengths, in bytes: PBKDF2 costs a whole run per block of hash it makes.
HASH_BYTES = (16, 64)
SALT_BYTES = (8, 64)


def _bounded(name: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise UnsupportedHash(
            f"{name} is {value}; the fake accepts {low} to {high} (Keycloak's default is "
            "the highest: a costlier hash would stall logins)"
        )
    return value


def hash_from_credential(credential: Mapping[str, Any]) -> str:
    """The fake's record of a Keycloak password credential's hash (UnsupportedHash when it
    cannot be checked, or would cost more than the bounds above)."""
    secret = _json_field(credential, "secretData")
    data = _json_field(credential, "credentialData")
    algorithm = str(data.get("algorithm", ""))
    if algorithm not in SUPPORTED_HASHES:
        raise UnsupportedHash(
            f"password hash algorithm {algorithm!r} is not supported "
            f"(supported: {', '.join(SUPPORTED_HASHES)})"
        )
    iterations = data.get("hashIterations")
    if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 1:
        raise UnsupportedHash(f"hashIterations {iterations!r} is not a positive number")
    most = MAX_ARGON2_TIME_COST if algorithm == "argon2" else MAX_PBKDF2_ITERATIONS[algorithm]
    _bounded(f"hashIterations of {algorithm}", iterations, 1, most)
    try:
        value = base64.b64decode(str(secret["value"]), validate=True)
        salt = base64.b64decode(str(secret["salt"]), validate=True)
    except (KeyError, binascii.Error):
        raise UnsupportedHash("secretData needs a base64 value and salt") from None
    _bounded("the hash's length in bytes", len(value), *HASH_BYTES)
    _bounded("the salt's length in bytes", len(salt), *SALT_BYTES)
    record: dict[str, Any] = {
        "algorithm": algorithm,
        "iterations": iterations,
        "salt": base64.b64encode(salt).decode(),
        "value": base64.b64encode(value).decode(),
    }
    if algorithm == "argon2":
        parameters = data.get("additionalParameters") or {}
        if not isinstance(parameters, dict):
            raise UnsupportedHash("additionalParameters must be an object")
        kind = _parameter(parameters, "type", "id")
        version = _parameter(parameters, "version", "1.3")
        if kind not in _ARGON2_TYPES or version not in _ARGON2_VERSIONS:
            raise UnsupportedHash(f"argon2 type {kind!r} version {version!r} is not supported")
        try:
            memory = int(_parameter(parameters, "memory", "7168"))
            parallelism = int(_parameter(parameters, "parallelism", "1"))
        except ValueError:
            raise UnsupportedHash("argon2 memory and parallelism must be numbers") from None
        _bounded("argon2 parallelism", parallelism, 1, MAX_ARGON2_PARALLELISM)
        # argon2 needs 8 KiB of memory per lane at least.
        _bounded("argon2 memory in KiB", memory, 8 * parallelism, MAX_ARGON2_MEMORY_KIB)
        record |= {"type": kind, "version": version, "memory": memory, "parallelism": parallelism}
    return json.dumps(record, sort_keys=True)


class PasswordHashing:
    """Where password hashes are computed: one at a time, so a burst of logins (wrong
    passwords included) queues behind itself and other clients keep being served.

    In one process (the built-in server's threads) a login waits its turn in its own
    thread. Processes that share ``lock_path`` (gunicorn's workers) take turns through
    a lock on that file; with ``wait`` false a login that finds another being checked is
    answered 503 at once, since a worker that waited could serve nobody meanwhile.
    """

    def __init__(self, lock_path: str | None = None, *, wait: bool = True) -> None:
        self.lock_path = lock_path
        self.wait = wait
        self._threads = threading.Lock()

    def verify(self, password: str, stored: str) -> bool:
        """Whether ``password`` hashes to the record ``stored``, computed in turn."""
        if not self._threads.acquire(blocking=self.wait):
            raise _busy()
        try:
            if self.lock_path is None:
                return verify_password(password, stored)
            descriptor = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if self.wait else fcntl.LOCK_NB))
                except BlockingIOError:
                    raise _busy() from None
                return verify_password(password, stored)
            finally:
                os.close(descriptor)  # releases the lock
        finally:
            self._threads.release()


def _busy() -> OAuthError:
    return OAuthError(
        503, "temporarily_unavailable", "Another login is being checked; retry in a second"
    )


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` hashes to the record ``stored`` (constant-time comparison)."""
    record = json.loads(stored)
    salt = base64.b64decode(record["salt"])
    expected = base64.b64decode(record["value"])
    secret = password.encode("utf-8")
    computed = _hash(record, secret, salt, len(expected))
    return hmac.compare_digest(computed, expected)


def _hash(record: Mapping[str, Any], secret: bytes, salt: bytes, length: int) -> bytes:
    if record["algorithm"] == "argon2":
        return hash_secret_raw(
            secret,
            salt,
            time_cost=record["iterations"],
            memory_cost=record["memory"],
            parallelism=record["parallelism"],
            hash_len=length,
            type=_ARGON2_TYPES[record["type"]],
            version=_ARGON2_VERSIONS[record["version"]],
        )
    digest = _PBKDF2_DIGESTS[record["algorithm"]]
    return hashlib.pbkdf2_hmac(digest, secret, salt, record["iterations"], length)
