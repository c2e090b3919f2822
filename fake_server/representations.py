"""The realm as configured, in Keycloak's representations: users (:class:`Account`),
clients (:class:`Client`) and the realm's settings (:class:`RealmSettings`).

Plain data that the server's configuration, its store and its identity provider share;
this module imports nothing beyond the standard library.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass

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


#: PKCE's code challenge methods (RFC 7636), as Keycloak offers them.
PKCE_METHODS = ("plain", "S256")
#: The client attribute that makes PKCE required, with one of the methods.
PKCE_ATTRIBUTE = "pkce.code.challenge.method"


@dataclass(frozen=True)
class Client:
    """An OIDC client of the realm (Keycloak's ClientRepresentation, the fields that matter).

    ``secret`` None makes a public client. ``redirect_uris`` are Keycloak's valid redirect
    URIs: exact, or ending in ``*`` to match any URI with that prefix. ``pkce_method`` is
    Keycloak's ``pkce.code.challenge.method`` attribute: ``S256`` or ``plain`` make every
    authorization request carry a challenge by that method; empty leaves PKCE optional.
    """

    client_id: str
    secret: str | None = None
    enabled: bool = True
    direct_access_grants: bool = True
    standard_flow: bool = True
    service_accounts: bool = True
    redirect_uris: tuple[str, ...] = ("*",)
    pkce_method: str = ""

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
    #: The realm roles the user holds beyond the default ones (a realm export's
    #: ``realmRoles``); they go into its tokens' ``realm_access``.
    realm_roles: tuple[str, ...] = ()
    #: The client whose service account this user is (Keycloak's
    #: ``serviceAccountClientId``): its client-credentials tokens speak for this user.
    service_account_client_id: str = ""

    def __post_init__(self) -> None:
        # A stored account comes back from JSON with a list.
        object.__setattr__(self, "realm_roles", tuple(self.realm_roles))

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
