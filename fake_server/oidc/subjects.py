"""Whom a token speaks for: a realm user or a confidential client's service account.

Each has the realm roles Keycloak grants it and the identity claims Keycloak puts in its
tokens and in the userinfo answer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from fake_server.oidc.accounts import Account

# Roles Keycloak grants every user through the realm's default role.
ACCOUNT_CLIENT_ROLES = ["manage-account", "manage-account-links", "view-profile"]
SCRIPTING_ROLE = "scripting"


@dataclass(frozen=True)
class Subject:
    """Whom a token speaks for: a user account or a confidential client's service account."""

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


def user_subject(realm: str, account: Account) -> Subject:
    """The subject of ``account``'s tokens in ``realm``."""
    roles = [f"default-roles-{realm}", "offline_access", "uma_authorization"]
    if account.scripting:
        roles.append(SCRIPTING_ROLE)
    return Subject(account.user_id, account.login, tuple(roles), account)


def service_subject(realm: str, client_id: str) -> Subject:
    """The subject of the service account of confidential client ``client_id``."""
    sub = str(uuid.uuid5(uuid.NAMESPACE_URL, f"spacestudio-fake-service-account:{client_id}"))
    roles = (f"default-roles-{realm}", "offline_access", "uma_authorization")
    return Subject(sub, f"service-account-{client_id}".lower(), roles)
