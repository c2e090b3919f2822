"""The realm's public documents, as Keycloak publishes them: the realm info (its public
key and service URLs) and the OpenID Connect discovery document."""

from __future__ import annotations

import base64
from typing import Any

from cryptography.hazmat.primitives import serialization

from fake_server.oidc.keys import KeyRing
from fake_server.oidc.scopes import SCOPE_ORDER


def realm_info(realm: str, issuer: str, keys: KeyRing) -> dict[str, Any]:
    """``GET /realms/{realm}``: the signing key (base64 DER) and the service URLs."""
    der = keys.signing_key().public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return {
        "realm": realm,
        "public_key": base64.b64encode(der).decode("ascii"),
        "token-service": f"{issuer}/protocol/openid-connect",
        "account-service": f"{issuer}/account",
        "tokens-not-before": 0,
    }


def openid_configuration(issuer: str) -> dict[str, Any]:
    """The discovery document of the realm whose tokens name ``issuer``."""
    endpoints = f"{issuer}/protocol/openid-connect"
    client_auth = ["client_secret_basic", "client_secret_post"]
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{endpoints}/auth",
        "token_endpoint": f"{endpoints}/token",
        "introspection_endpoint": f"{endpoints}/token/introspect",
        "userinfo_endpoint": f"{endpoints}/userinfo",
        "end_session_endpoint": f"{endpoints}/logout",
        "revocation_endpoint": f"{endpoints}/revoke",
        "jwks_uri": f"{endpoints}/certs",
        "grant_types_supported": [
            "authorization_code",
            "password",
            "refresh_token",
            "client_credentials",
        ],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "code_challenge_methods_supported": ["plain", "S256"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "userinfo_signing_alg_values_supported": ["none"],
        "token_endpoint_auth_methods_supported": [*client_auth, "none"],
        "introspection_endpoint_auth_methods_supported": client_auth,
        "revocation_endpoint_auth_methods_supported": [*client_auth, "none"],
        "scopes_supported": list(SCOPE_ORDER),
        "claims_supported": [
            "aud",
            "sub",
            "iss",
            "auth_time",
            "name",
            "given_name",
            "family_name",
            "preferred_username",
            "email",
            "email_verified",
            "acr",
        ],
        "claim_types_supported": ["normal"],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "backchannel_logout_supported": False,
    }
