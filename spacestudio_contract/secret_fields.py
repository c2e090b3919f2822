"""Where secrets travel in spacestudio traffic: the form, query and JSON field names that
hold credentials, tokens and a person's identity, each with the kind of secret it holds.

One table for both sides: the cassettes (``spacestudio.cassettes.secrets``) learn secrets
from these fields before searching for them everywhere, and the fake server's request
journal replaces the values of these fields before it keeps a body or a query string.
"""

from __future__ import annotations

#: Form and query fields holding credentials, with the kind of secret each holds.
CREDENTIAL_FIELDS: dict[str, str] = {
    "username": "user name",
    "password": "password",
    "client_id": "client id",
    "client_secret": "client secret",
    "refresh_token": "refresh token",
    "access_token": "access token",
    "id_token": "ID token",
    "id_token_hint": "ID token",
    "token": "token",
    "code": "authorization code",
    "assertion": "assertion",
}
#: JSON keys holding tokens, with the kind of token.
TOKEN_KEYS: dict[str, str] = {
    "access_token": "access token",
    "accessToken": "access token",
    "refresh_token": "refresh token",
    "refreshToken": "refresh token",
    "id_token": "ID token",
    "idToken": "ID token",
}
#: JSON keys holding a person's identity, in any body, and in token claims.
PERSONAL_KEYS: dict[str, str] = {
    "email": "e-mail",
    "mail": "e-mail",
    "username": "user name",
    "userName": "user name",
    "preferred_username": "user name",
    "given_name": "first name",
    "firstName": "first name",
    "family_name": "last name",
    "lastName": "last name",
    "fullName": "full name",
}


def placeholder_for(kind: str) -> str:
    """The placeholder that stands for a secret of ``kind``: ``scrubbed-user-name``."""
    return "scrubbed-" + "-".join(kind.lower().replace("-", " ").split())
