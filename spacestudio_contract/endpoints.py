"""Where the service answers: the auth URL, the realm, the client id, the API's paths.

The one home of these defaults: the client connects to them, the fake server serves
them, the cassette layer and the verifier recognise them.
"""

from __future__ import annotations

#: Exotrail's Keycloak, which the published client has hard-coded.
DEFAULT_AUTH_URL = "https://auth.exotrail.space"
#: The Keycloak realm of spacestudio's users.
DEFAULT_REALM = "spacestudio-users"
#: The OIDC client the fake server accepts unless told others.
DEFAULT_CLIENT_ID = "spacestudio-scripting"

#: Every route of the scripting API lives under this prefix.
API_PREFIX = "/exoops/"
#: The account's identity: ``GET {base}/exoops/users/infos``.
USER_INFOS_PATH = "/exoops/users/infos"
#: Keycloak's OpenID Connect endpoints of a realm live under ``/realms/{realm}`` + this.
OIDC_PATH = "/protocol/openid-connect"
#: Keycloak's realms live under this prefix.
REALMS_PREFIX = "/realms/"


def users_path(user_id: str) -> str:
    """``/exoops/users/{user_id}``: the root of one account's collections."""
    return f"{API_PREFIX}users/{user_id}"


def realm_path(realm: str) -> str:
    """``/realms/{realm}``: the realm's root on the auth server."""
    return f"{REALMS_PREFIX}{realm}"


def token_path(realm: str) -> str:
    """The path of ``realm``'s token endpoint on the auth server."""
    return f"{realm_path(realm)}{OIDC_PATH}/token"


def token_url(auth_url: str, realm: str) -> str:
    """Keycloak's token endpoint of ``realm`` at ``auth_url``."""
    return auth_url.rstrip("/") + token_path(realm)
