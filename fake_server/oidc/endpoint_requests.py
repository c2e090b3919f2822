"""What the realm's endpoints read from a request as Keycloak does: the form parameters,
the client calling, and the issuer of the base URL the request reached."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from urllib.parse import unquote_plus

from werkzeug.wrappers import Request

from fake_server.oidc.directory import RealmDirectory
from fake_server.oidc.errors import OAuthError
from fake_server.oidc.realm import Client
from fake_server.oidc.realm_setup import RealmSetup

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
INVALID_CLIENT = "Invalid client or Invalid client credentials"
# Base URLs (scheme and host) whose issuer is remembered; a server is reached by a few.
MAX_REMEMBERED_ISSUERS = 64


def form_params(request: Request) -> dict[str, str]:
    """The form parameters; a parameter given twice is refused, as Keycloak does."""
    params: dict[str, str] = {}
    for name, values in request.form.lists():
        if len(values) > 1:
            raise OAuthError(400, "invalid_request", f"duplicated parameter: {name}")
        params[name] = values[0]
    return params


class Issuers:
    """The ``iss`` of the tokens of ``setup``'s realm issued through each base URL.

    Tokens name the server they came from: the request's own base URL plus
    ``/realms/{realm}``, as Keycloak derives its frontend URL.
    """

    def __init__(self, setup: RealmSetup) -> None:
        self._setup = setup
        self._by_base_url: dict[tuple[str, str], str] = {}

    def __len__(self) -> int:
        return len(self._by_base_url)

    def of(self, request: Request) -> str:
        """The ``iss`` of tokens issued through ``request``'s base URL."""
        # Werkzeug decodes the host URL anew for each request (about 10 µs of each check);
        # it depends on the scheme and host only, so remember the few a server is reached by.
        reached_at = (request.scheme, request.host)
        issuer = self._by_base_url.get(reached_at)
        if issuer is None:
            issuer = f"{request.host_url.rstrip('/')}/realms/{self._setup.realm}"
            if len(self._by_base_url) >= MAX_REMEMBERED_ISSUERS:
                self._by_base_url.clear()  # Host headers are the client's to choose
            self._by_base_url[reached_at] = issuer
        return issuer


def authenticate_client(
    request: Request, form: Mapping[str, str], directory: RealmDirectory
) -> Client:
    """The client calling: ``client_id`` (+ ``client_secret``) in the form or HTTP Basic."""
    client_id = form.get("client_id")
    secret = form.get("client_secret")
    basic = request.authorization
    if basic is not None and basic.type == "basic":
        # RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64.
        basic_id = unquote_plus(basic.username or "")
        if client_id is not None and client_id != basic_id:
            raise OAuthError(
                400,
                "invalid_request",
                "client_id in the form differs from the one in HTTP Basic authentication",
            )
        client_id, secret = basic_id, unquote_plus(basic.password or "")
    if not client_id:
        raise OAuthError(400, "invalid_client", "Missing client_id parameter")
    client = directory.client(client_id)
    if client is None:
        raise OAuthError(401, "invalid_client", INVALID_CLIENT)
    if client.secret is not None:
        if not secret:
            raise OAuthError(401, "unauthorized_client", "Client secret not provided in request")
        if not hmac.compare_digest(secret.encode(), client.secret.encode()):
            raise OAuthError(401, "unauthorized_client", INVALID_CLIENT)
    return client
