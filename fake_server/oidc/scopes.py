"""The scopes a token carries: the realm's default and optional scopes, and which of them a
request may ask for."""

from __future__ import annotations

from collections.abc import Sequence

from fake_server.oidc.errors import OAuthError

# Scopes every token of the realm carries (Keycloak's default client scopes that show in
# the token's "scope"), scopes a client may add, and default scopes Keycloak accepts in a
# request without naming them in the token.
DEFAULT_SCOPES = ("email", "profile")
OFFLINE_SCOPE = "offline_access"
OPTIONAL_SCOPES = ("openid", "address", "phone", OFFLINE_SCOPE)
SILENT_SCOPES = frozenset({"acr", "basic", "roles", "web-origins"})
# Every scope a token may carry, in the order Keycloak writes them.
SCOPE_ORDER = ("openid", *DEFAULT_SCOPES, *OPTIONAL_SCOPES[1:])


def requested_scopes(
    requested: str | None, *, granted: Sequence[str] = SCOPE_ORDER
) -> tuple[str, ...]:
    """The token scopes for a request's ``scope``: the default scopes plus the extras
    asked for, all of which must be among ``granted`` (a refresh may only narrow)."""
    names = (requested or "").split()
    if any(name not in granted and name not in SILENT_SCOPES for name in names):
        raise OAuthError(400, "invalid_scope", f"Invalid scopes: {requested}")
    wanted = set(names) | set(DEFAULT_SCOPES)
    return tuple(name for name in SCOPE_ORDER if name in wanted)
