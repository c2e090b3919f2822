"""A Keycloak-faithful OpenID Connect provider for the fake spacestudio backend.

The fake server mounts the endpoint methods of :class:`IdentityProvider` on Keycloak's
paths and calls :meth:`IdentityProvider.authenticate` on every API request.
"""

from fake_server.oidc.accounts import Account
from fake_server.oidc.errors import TokenRejected
from fake_server.oidc.keys import KeyRing
from fake_server.oidc.provider import IdentityProvider

__all__ = ["Account", "IdentityProvider", "KeyRing", "TokenRejected"]
