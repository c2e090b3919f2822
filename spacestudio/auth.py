"""The OIDC password flow, plugged into the client's ``requests.Session`` as its auth.

One object does everything about tokens, so no request code handles them: it gets a
token with the password grant, refreshes it with the refresh token shortly before it
expires (a refused refresh falls back to a new password grant), and when the service
still answers 401 it renews the token and sends the request once more.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
import requests.auth

from spacestudio.answers import error_from_response, looks_like_html, server_message_of
from spacestudio.errors import AuthenticationError, SpacestudioError, TransportError
from spacestudio_contract.endpoints import DEFAULT_REALM, REALMS_PREFIX

logger = logging.getLogger("spacestudio")

#: Posts a form to the token endpoint and returns the raw answer, without this auth.
TokenPoster = Callable[[str, dict[str, str]], requests.Response]

#: Renew this long before the access token expires, so a request never carries a token
#: that expires on its way (capped at half the token's lifetime for short-lived tokens).
DEFAULT_REFRESH_MARGIN = 30.0


@dataclass(frozen=True)
class Tokens:
    """One answer of the token endpoint, with its expiry times on the client's clock."""

    access_token: str
    #: When the access token stops being valid; None when it does not say.
    access_expires_at: float | None
    #: When to renew it: ahead of the expiry by the refresh margin.
    renew_at: float | None
    refresh_token: str | None
    refresh_expires_at: float | None


def unverified_claims(token: str) -> dict[str, Any]:
    """The claims of a JWT (empty when it is not one), read without checking the signature.

    The client holds no key for it and needs none, since the service checks every token
    it receives; and so it needs no cryptography, which a replay then never loads.
    """
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, binascii.Error):
        return {}
    return claims if isinstance(claims, dict) else {}


def _expiry_of(access_token: str) -> tuple[float | None, float | None]:
    """``exp`` and ``iat`` of a JWT."""
    claims = unverified_claims(access_token)
    exp, iat = claims.get("exp"), claims.get("iat")
    return (
        float(exp) if isinstance(exp, int | float) else None,
        float(iat) if isinstance(iat, int | float) else None,
    )


class OidcPasswordFlow(requests.auth.AuthBase):
    """Bearer tokens from an OIDC password grant, kept fresh; thread-safe.

    ``post_form`` sends the token requests (the client's transport, with its retries and
    timeouts); ``clock`` gives the current time in seconds since the epoch, the same
    scale as the tokens' ``exp``.
    """

    def __init__(
        self,
        *,
        token_url: str,
        client_id: str,
        username: str,
        password: str,
        post_form: TokenPoster,
        clock: Callable[[], float] = time.time,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.username = username
        self._password = password
        self._post_form = post_form
        self._clock = clock
        self._refresh_margin = refresh_margin
        self._lock = threading.RLock()
        self._tokens: Tokens | None = None

    def __repr__(self) -> str:
        return f"OidcPasswordFlow(token_url={self.token_url!r}, username={self.username!r})"

    # -- tokens ---------------------------------------------------------------------------

    def login(self) -> None:
        """Make a password grant now; raises :class:`AuthenticationError` when refused."""
        with self._lock:
            self._tokens = self._password_grant()

    def access_token(self) -> str:
        """A valid access token, renewed first when it is about to expire."""
        with self._lock:
            tokens = self._tokens
            if tokens is None:
                tokens = self._tokens = self._password_grant()
            elif tokens.renew_at is not None and self._clock() >= tokens.renew_at:
                tokens = self._tokens = self._renew(tokens)
            return tokens.access_token

    def renew_after_rejection(self, rejected_token: str) -> str:
        """A new access token after the service refused ``rejected_token``.

        When another thread already replaced that token, its replacement is used as is.
        """
        with self._lock:
            tokens = self._tokens
            if tokens is not None and tokens.access_token != rejected_token:
                return tokens.access_token
            tokens = self._tokens = (
                self._renew(tokens) if tokens is not None else self._password_grant()
            )
            return tokens.access_token

    def _renew(self, tokens: Tokens) -> Tokens:
        refresh_usable = tokens.refresh_token is not None and (
            tokens.refresh_expires_at is None or self._clock() < tokens.refresh_expires_at
        )
        if refresh_usable and tokens.refresh_token is not None:
            try:
                renewed = self._grant(
                    {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token}
                )
            except AuthenticationError as refused:
                logger.info(
                    "The identity provider refused the token refresh (%s); logging in again",
                    refused.server_message or refused.status,
                )
            else:
                logger.debug("Access token refreshed")
                return renewed
        return self._password_grant()

    def _password_grant(self) -> Tokens:
        tokens = self._grant(
            {"grant_type": "password", "username": self.username, "password": self._password}
        )
        logger.debug("Logged in as %s", self.username)
        return tokens

    def _grant(self, grant: dict[str, str]) -> Tokens:
        requested_at = self._clock()
        response = self._post_form(self.token_url, {"client_id": self.client_id, **grant})
        if response.status_code in (400, 401, 403):
            what = (
                "refresh the access token"
                if grant["grant_type"] == "refresh_token"
                else (f"log in as {self.username}")
            )
            raise AuthenticationError(
                f"The identity provider refused to {what}",
                method="POST",
                url=self.token_url,
                status=response.status_code,
                server_message=server_message_of(response),
            )
        if response.status_code == 404 and not looks_like_html(response):
            provider, _, realm_and_path = self.token_url.partition(REALMS_PREFIX)
            realm = realm_and_path.partition("/")[0]
            raise AuthenticationError(
                f"The identity provider at {provider} has no realm {realm!r}",
                method="POST",
                url=self.token_url,
                status=response.status_code,
                server_message=server_message_of(response),
                hint=(
                    f"Set SPACESTUDIO_REALM to the realm of your accounts ({DEFAULT_REALM} "
                    "unless told otherwise), or SPACESTUDIO_AUTH_URL to the identity provider "
                    "that holds it."
                ),
            )
        if response.status_code >= 300:
            raise error_from_response(response)
        return self._tokens_from(response, requested_at)

    def _tokens_from(self, response: requests.Response, requested_at: float) -> Tokens:
        def malformed(detail: str) -> TransportError:
            return TransportError(
                f"The identity provider's token answer is unusable: {detail}",
                method="POST",
                url=self.token_url,
                status=response.status_code,
            )

        if looks_like_html(response):
            raise malformed("an HTML page instead of JSON")
        try:
            payload = json.loads(response.content)
        except ValueError:
            raise malformed("invalid or truncated JSON") from None
        access_token = payload.get("access_token") if isinstance(payload, dict) else None
        if not isinstance(access_token, str) or not access_token:
            raise malformed("no access_token in it")
        exp, iat = _expiry_of(access_token)
        expires_in = payload.get("expires_in")
        if exp is None and isinstance(expires_in, int | float) and expires_in > 0:
            exp, iat = requested_at + float(expires_in), requested_at
        renew_at = None
        if exp is not None:
            lifetime = exp - (iat if iat is not None else requested_at)
            renew_at = exp - min(self._refresh_margin, max(lifetime, 0.0) / 2)
        refresh_token = payload.get("refresh_token")
        refresh_expires_in = payload.get("refresh_expires_in")
        # Keycloak says refresh_expires_in = 0 for a refresh token that does not expire.
        refresh_expires_at = (
            requested_at + float(refresh_expires_in)
            if isinstance(refresh_expires_in, int | float) and refresh_expires_in > 0
            else None
        )
        return Tokens(
            access_token=access_token,
            access_expires_at=exp,
            renew_at=renew_at,
            refresh_token=refresh_token if isinstance(refresh_token, str) else None,
            refresh_expires_at=refresh_expires_at,
        )

    # -- requests.auth.AuthBase -------------------------------------------------------------

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.access_token()}"
        request.hooks.setdefault("response", []).append(self._retry_once_on_401)
        return request

    def _retry_once_on_401(self, response: requests.Response, **send_options: Any) -> Any:
        if response.status_code != 401 or response.request is None:
            return response
        rejected = str(response.request.headers.get("Authorization", "")).removeprefix("Bearer ")
        try:
            token = self.renew_after_rejection(rejected)
        except SpacestudioError as failure:
            logger.warning("Could not renew the access token after a 401: %s", failure)
            return response
        # Drain and release the refused answer so its connection can be reused.
        _ = response.content
        response.close()
        retry = response.request.copy()
        retry.headers["Authorization"] = f"Bearer {token}"
        # The retry carries no hook: a second 401 is the service's final answer.
        retry.hooks = {"response": []}
        send_options.pop("hooks", None)
        logger.debug("Retrying %s %s once with a renewed token", retry.method, retry.url)
        retried: requests.Response = response.connection.send(retry, **send_options)
        retried.history.append(response)
        retried.request = retry
        return retried
