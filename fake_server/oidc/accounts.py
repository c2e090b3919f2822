"""User accounts of the fake realm."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Account:
    """A realm user: logs in with its ``username`` (its ``email`` when it has none) or
    its ``email``, and ``password`` (or a password matching ``password_hash``).

    ``id`` is the user's id as a realm export gives it; without one it is derived from the
    e-mail address (or username), so the same account has the same id on every start.
    """

    email: str
    password: str
    scripting: bool = True
    enabled: bool = True
    first_name: str = "Demo"
    last_name: str = "User"
    username: str = ""
    id: str = ""
    #: A password hash from a realm export (see :mod:`fake_server.oidc.realm_model`), checked
    #: instead of ``password`` when set.
    password_hash: str = ""

    # Computed once per account: every API request compares it with its token's ``sub``.
    @functools.cached_property
    def user_id(self) -> str:
        """The user's id (token ``sub``), stable across restarts for the same e-mail."""
        if self.id:
            return self.id
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"spacestudio-fake-user:{self.login}"))

    @property
    def login(self) -> str:
        """The name the user logs in with, in lower case (Keycloak's usernames are)."""
        return (self.username or self.email).lower()

    @property
    def email_key(self) -> str:
        return self.email.lower()
