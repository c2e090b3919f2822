"""Realms, users and clients from Keycloak's JSON representations.

:func:`load_realm_file` reads a realm export (``kc.sh export --realm NAME --file FILE``, or
the admin console's partial export): the realm's name and token settings, its ``clients``
and its ``users``. :func:`user_from_representation` and :func:`client_from_representation`
read one UserRepresentation or ClientRepresentation, for the realm file and for the admin
API alike. Absent fields take Keycloak's defaults on import: a user without
``"enabled": true`` is disabled, a client without ``"publicClient": true`` is confidential
and needs a ``secret``, and one without ``"directAccessGrantsEnabled": true`` may not use
the password grant.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fake_server.oidc.realm_model import SCRIPTING_ROLE, UnsupportedHash, hash_from_credential
from fake_server.representations import (
    PKCE_ATTRIBUTE,
    PKCE_METHODS,
    Account,
    Client,
    RealmSettings,
)

logger = logging.getLogger(__name__)

#: How Keycloak's admin console masks secrets in a partial export.
MASKED_SECRET = "**********"
#: The largest realm file read: an export of thousands of users is a few megabytes.
MAX_REALM_FILE_BYTES = 64 * 1024 * 1024


class RealmFileError(ValueError):
    """A realm file or representation that cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class RealmImport:
    """What a realm file defines."""

    realm: str
    settings: RealmSettings
    accounts: tuple[Account, ...] = ()
    clients: tuple[Client, ...] = ()
    #: Whether the realm defines the ``scripting`` role, so only users holding it may
    #: script (otherwise every user may).
    scripting_role_required: bool = False


def load_realm_file(path: str | Path, realm: str | None = None) -> RealmImport:
    """The realm of the Keycloak export at ``path``; ``realm`` picks one of several."""
    source = Path(path)
    try:
        data = json.loads(_read_regular_file(source, MAX_REALM_FILE_BYTES).decode("utf-8"))
    except OSError as exc:
        raise RealmFileError(f"cannot read realm file {source}: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise RealmFileError(f"realm file {source} is not JSON: {exc}") from None
    except RecursionError:
        raise RealmFileError(f"realm file {source} nests its JSON too deeply") from None
    realms = data if isinstance(data, list) else [data]
    if not realms or not all(isinstance(r, dict) for r in realms):
        raise RealmFileError(
            f"realm file {source} must hold a realm object (a Keycloak realm export) "
            "or a list of them"
        )
    names = [str(r.get("realm") or "") for r in realms]
    if realm is not None and len(realms) > 1:
        if realm not in names:
            raise RealmFileError(
                f"realm file {source} has no realm {realm!r}; it has {', '.join(names)}"
            )
        chosen = realms[names.index(realm)]
    elif len(realms) > 1:
        raise RealmFileError(
            f"realm file {source} holds {len(realms)} realms ({', '.join(names)}); "
            "choose one with --realm"
        )
    else:
        chosen = realms[0]
    try:
        return realm_from_representation(chosen)
    except RealmFileError as exc:
        raise RealmFileError(f"realm file {source}: {exc}") from None


def realm_from_representation(data: Mapping[str, Any]) -> RealmImport:
    """A realm from Keycloak's RealmRepresentation."""
    name = data.get("realm")
    if not isinstance(name, str) or not name:
        raise RealmFileError('the realm has no "realm" name')
    defaults = RealmSettings()
    try:
        settings = RealmSettings(
            access_token_lifespan=_int(data, "accessTokenLifespan", defaults.access_token_lifespan),
            sso_session_idle_timeout=_int(
                data, "ssoSessionIdleTimeout", defaults.sso_session_idle_timeout
            ),
            sso_session_max_lifespan=_int(
                data, "ssoSessionMaxLifespan", defaults.sso_session_max_lifespan
            ),
            offline_session_idle_timeout=_int(
                data, "offlineSessionIdleTimeout", defaults.offline_session_idle_timeout
            ),
            revoke_refresh_token=_bool(data, "revokeRefreshToken", False),
            refresh_token_max_reuse=_int(data, "refreshTokenMaxReuse", 0),
        )
    except ValueError as exc:
        raise RealmFileError(str(exc)) from None
    roles = data.get("roles") or {}
    realm_roles = roles.get("realm") if isinstance(roles, dict) else None
    scripting_required = isinstance(realm_roles, list) and any(
        isinstance(role, dict) and role.get("name") == SCRIPTING_ROLE for role in realm_roles
    )
    clients = []
    for number, rep in enumerate(_list(data, "clients"), start=1):
        clients.append(client_from_representation(rep, f"client #{number}"))
    accounts = []
    service_accounts = []
    for number, rep in enumerate(_list(data, "users"), start=1):
        account = user_from_representation(
            rep, f"user #{number}", scripting_role_required=scripting_required
        )
        if rep.get("serviceAccountClientId") is None:
            accounts.append(account)
        else:
            service_accounts.append(_service_account(rep, account, clients))
    everyone = [*accounts, *service_accounts]
    _check_unique([a.login for a in everyone], "users share the username")
    _check_unique([a.email_key for a in everyone if a.email_key], "users share the e-mail")
    _check_unique([c.client_id for c in clients], "clients share the clientId")
    return RealmImport(
        realm=name,
        settings=settings,
        # Service accounts last: a script is pointed at the first account.
        accounts=(*accounts, *service_accounts),
        clients=tuple(clients),
        scripting_role_required=scripting_required,
    )


def _service_account(
    rep: Mapping[str, Any], account: Account, clients: Sequence[Client]
) -> Account:
    """The service-account user of a realm export's client, as Keycloak keeps it: the
    client's client-credentials tokens carry its id and roles. It never logs in itself."""
    client_id = _str(rep, "serviceAccountClientId", f"user {account.login!r}")
    client = next((c for c in clients if c.client_id == client_id), None)
    if client is None or not client.service_accounts:
        raise RealmFileError(
            f"user {account.login!r} is the service account of client {client_id!r}, which "
            'the realm file lacks or which has no "serviceAccountsEnabled": true; add the '
            "client, or remove the user"
        )
    return dataclasses.replace(
        account, password="", password_hash="", service_account_client_id=client_id
    )


def user_from_representation(
    rep: Any, where: str = "user", *, scripting_role_required: bool = False
) -> Account:
    """An account from a UserRepresentation: ``username``, ``email``, ``enabled``,
    ``firstName``, ``lastName``, ``id``, ``credentials`` (a ``password`` with its plain
    ``value``, or as an export holds it: ``secretData`` and ``credentialData`` of an argon2
    or PBKDF2 hash), ``realmRoles``, and the fake's own ``scriptingEnabled``."""
    if not isinstance(rep, dict):
        raise RealmFileError(f"{where} must be a JSON object")
    username = _str(rep, "username", where)
    email = _str(rep, "email", where)
    if not username and not email:
        raise RealmFileError(f"{where} needs a username or an email")
    where = f"user {username or email!r}"
    credentials = rep.get("credentials") or []
    if not isinstance(credentials, list):
        raise RealmFileError(f"{where}: credentials must be a list")
    password = password_hash = ""
    for credential in credentials:
        if not isinstance(credential, dict) or credential.get("type", "password") != "password":
            continue
        value = credential.get("value")
        if isinstance(value, str) and value:
            password = value
        elif credential.get("secretData"):
            try:
                password_hash = hash_from_credential(credential)
            except UnsupportedHash as exc:
                raise RealmFileError(
                    f"{where}: {exc}; give it a plain password instead: "
                    '"credentials": [{"type": "password", "value": "..."}]'
                ) from None
    roles = rep.get("realmRoles") or []
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise RealmFileError(f"{where}: realmRoles must be a list of role names")
    scripting = SCRIPTING_ROLE in roles if scripting_role_required else True
    if "scriptingEnabled" in rep:
        scripting = _bool(rep, "scriptingEnabled", True, where)
    return Account(
        email=email,
        password=password,
        scripting=scripting,
        enabled=_bool(rep, "enabled", False, where),
        first_name=_str(rep, "firstName", where),
        last_name=_str(rep, "lastName", where),
        username=username.lower(),
        id=_str(rep, "id", where),
        password_hash=password_hash,
        realm_roles=tuple(roles),
    )


def client_from_representation(rep: Any, where: str = "client") -> Client:
    """A client from a ClientRepresentation: ``clientId``, ``publicClient``, ``secret``,
    ``enabled``, ``bearerOnly``, ``directAccessGrantsEnabled``, ``standardFlowEnabled``,
    ``serviceAccountsEnabled``, ``redirectUris``."""
    if not isinstance(rep, dict):
        raise RealmFileError(f"{where} must be a JSON object")
    client_id = _str(rep, "clientId", where)
    if not client_id:
        raise RealmFileError(f"{where} has no clientId")
    where = f"client {client_id!r}"
    public = _bool(rep, "publicClient", False, where)
    bearer_only = _bool(rep, "bearerOnly", False, where)
    secret: str | None = None
    if not public:
        secret = _str(rep, "secret", where)
        if not secret and not bearer_only:
            raise RealmFileError(
                f'{where} is confidential ("publicClient" is not true) and has no "secret"; '
                'add one, or set "publicClient": true'
            )
        if secret == MASKED_SECRET:
            logger.warning(
                "%s: the secret is masked (%s) as the admin console exports it; "
                "clients must send that literally until it is replaced",
                where,
                MASKED_SECRET,
            )
    redirect_uris = rep.get("redirectUris") or []
    if not isinstance(redirect_uris, list) or not all(isinstance(u, str) for u in redirect_uris):
        raise RealmFileError(f"{where}: redirectUris must be a list of strings")
    attributes = rep.get("attributes") or {}
    if not isinstance(attributes, dict):
        raise RealmFileError(f"{where}: attributes must be an object of strings")
    pkce_method = attributes.get(PKCE_ATTRIBUTE) or ""
    if pkce_method not in ("", *PKCE_METHODS):
        raise RealmFileError(
            f"{where}: attribute {PKCE_ATTRIBUTE} must be S256, plain or empty, not {pkce_method!r}"
        )
    try:
        return Client(
            client_id=client_id,
            secret=secret or None,
            # A bearer-only client only checks tokens: it never obtains one.
            enabled=_bool(rep, "enabled", True, where) and not bearer_only,
            direct_access_grants=_bool(rep, "directAccessGrantsEnabled", False, where),
            standard_flow=_bool(rep, "standardFlowEnabled", True, where),
            service_accounts=_bool(rep, "serviceAccountsEnabled", False, where),
            redirect_uris=tuple(redirect_uris),
            pkce_method=pkce_method,
        )
    except ValueError as exc:
        raise RealmFileError(f"{where}: {exc}") from None


def client_representation(client: Client) -> dict[str, Any]:
    """The ClientRepresentation the admin API lists (the secret included: a test tool)."""
    rep: dict[str, Any] = {
        "clientId": client.client_id,
        "enabled": client.enabled,
        "publicClient": not client.confidential,
        "directAccessGrantsEnabled": client.direct_access_grants,
        "standardFlowEnabled": client.standard_flow,
        "serviceAccountsEnabled": client.service_accounts,
        "redirectUris": list(client.redirect_uris),
    }
    if client.pkce_method:
        rep["attributes"] = {PKCE_ATTRIBUTE: client.pkce_method}
    if client.secret is not None:
        rep["secret"] = client.secret
    return rep


def user_representation(account: Account) -> dict[str, Any]:
    """The UserRepresentation the admin API lists (no password)."""
    return {
        "id": account.user_id,
        "username": account.login,
        "email": account.email,
        "firstName": account.first_name,
        "lastName": account.last_name,
        "enabled": account.enabled,
        "scriptingEnabled": account.scripting,
        "realmRoles": list(account.realm_roles),
        **(
            {"serviceAccountClientId": account.service_account_client_id}
            if account.service_account_client_id
            else {}
        ),
    }


def _read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes: a FIFO would block
    the start, a device or a huge file exhaust memory. Opened without blocking."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise OSError(0, "not a regular file (a device, a FIFO or a folder)")
        if status.st_size > limit:
            raise OSError(0, f"it holds {status.st_size} bytes, more than the {limit} allowed")
        return handle.read(status.st_size + 1)[:limit]


def _list(data: Mapping[str, Any], key: str) -> Sequence[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise RealmFileError(f'"{key}" must be a list')
    return value


def _str(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RealmFileError(f'{where}: "{key}" must be a string, not {value!r}')
    return value


def _bool(data: Mapping[str, Any], key: str, default: bool, where: str = "the realm") -> bool:
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise RealmFileError(f'{where}: "{key}" must be true or false, not {value!r}')
    return value


def _int(data: Mapping[str, Any], key: str, default: int) -> int:
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise RealmFileError(f'"{key}" must be a whole number of seconds, not {value!r}')
    return value


def _check_unique(names: Sequence[str], message: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise RealmFileError(f"two {message} {name!r}")
        seen.add(name)
