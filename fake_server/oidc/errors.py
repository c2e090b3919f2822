"""Errors the identity provider answers with, shaped as Keycloak shapes them."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Response

# Token responses and errors must never be cached (RFC 6749 §5.1), as Keycloak marks them.
NO_STORE_HEADERS = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response with Keycloak's no-store cache headers."""
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    for name, value in {**NO_STORE_HEADERS, **(headers or {})}.items():
        response.headers[name] = value
    return response


class OAuthError(Exception):
    """An OAuth 2.0 error answer: ``{"error", "error_description"}`` with an HTTP status."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{status} {error}: {description}")
        self.status = status
        self.error = error
        self.description = description

    def response(self, headers: dict[str, str] | None = None) -> Response:
        """The JSON error response Keycloak would send."""
        body = {"error": self.error, "error_description": self.description}
        return json_response(body, self.status, headers)


def _quoted(value: str) -> str:
    """``value`` as an RFC 7235 quoted-string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class TokenRejected(Exception):
    """A bearer token the API refuses; app.py answers 401 with WWW-Authenticate.

    ``description`` says what was wrong with the token. ``error`` is the RFC 6750 error
    code: ``invalid_token`` for a token that is present but unacceptable, ``None`` when the
    request carried no bearer token at all (RFC 6750 §3.1 then omits the error code).
    """

    def __init__(self, description: str, *, error: str | None = "invalid_token") -> None:
        super().__init__(description)
        self.description = description
        self.error = error

    def www_authenticate(self, realm: str) -> str:
        """The ``WWW-Authenticate`` header value of the 401 answer, e.g. ``Bearer
        realm="spacestudio-users", error="invalid_token", error_description="Token expired"``.
        """
        parts = [f"realm={_quoted(realm)}"]
        if self.error is not None:
            parts.append(f"error={_quoted(self.error)}")
            parts.append(f"error_description={_quoted(self.description)}")
        return "Bearer " + ", ".join(parts)

    def response(self, realm: str) -> Response:
        """The complete 401 answer: WWW-Authenticate header and a JSON error body."""
        body = {"error": self.error or "invalid_request", "error_description": self.description}
        return json_response(body, 401, {"WWW-Authenticate": self.www_authenticate(realm)})


class SessionNotActive(TokenRejected):
    """A bearer token whose sign-in session has ended, timed out or is unknown."""
