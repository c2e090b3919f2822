"""Proof Key for Code Exchange (RFC 7636): the form of challenges and verifiers, and the
check of a verifier against the challenge its authorization code carries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from fake_server.oidc.errors import OAuthError

# RFC 7636 §4.1-4.2: verifiers and challenges are 43 to 128 unreserved characters.
_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")
_CHALLENGE = _VERIFIER
METHODS = ("plain", "S256")


def is_valid_challenge(challenge: str) -> bool:
    """Whether ``challenge`` has the form RFC 7636 gives a code challenge."""
    return _CHALLENGE.fullmatch(challenge) is not None


def check_verifier(verifier: str | None, challenge: str, method: str) -> None:
    """Refuse a token request whose ``code_verifier`` does not answer ``challenge``, with
    Keycloak's ``invalid_grant`` descriptions."""
    if not verifier:
        raise OAuthError(400, "invalid_grant", "PKCE code verifier not specified")
    if not _VERIFIER.fullmatch(verifier):
        raise OAuthError(400, "invalid_grant", "PKCE invalid code verifier")
    computed = verifier if method == "plain" else _s256(verifier)
    if not hmac.compare_digest(computed.encode(), challenge.encode()):
        raise OAuthError(400, "invalid_grant", "PKCE verification failed: Code mismatch")


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
