"""A Keycloak-faithful OpenID Connect provider for the fake spacestudio backend.

The fake server mounts the endpoint methods of :class:`IdentityProvider` on Keycloak's
paths and calls :meth:`IdentityProvider.authenticate` on every API request.

Names load with the submodule that defines them, on first use: importing one part of
the identity package loads neither PyJWT nor the provider.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fake_server.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from fake_server.oidc.errors import TokenRejected
    from fake_server.oidc.keys import KeyRing
    from fake_server.oidc.provider import IdentityProvider
    from fake_server.representations import Account

#: Where each name of the front door is defined.
_HOMES = {
    "Account": "fake_server.representations",
    "IdentityProvider": "provider",
    "KeyRing": "keys",
    "TokenRejected": "errors",
}

__all__ = ["Account", "IdentityProvider", "KeyRing", "TokenRejected"]


__getattr__ = lazy_exports(__name__, _HOMES)
