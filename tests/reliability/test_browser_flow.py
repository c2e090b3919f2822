"""The browser flow's edges a hostile page or client can reach: PKCE, redirects, logout.

- a ``code_verifier`` sent for a code issued without a challenge is refused (a downgrade
  would let a stolen code through with any verifier), and a client configured for S256
  (Keycloak's ``pkce.code.challenge.method``) is held to it;
- a ``redirect_uri`` or ``post_logout_redirect_uri`` holding CR or LF is a 400, never a
  500 (it would have split the ``Location`` header);
- browser logout checks the redirect against the client the ID token was issued to; a
  ``client_id`` naming another client is refused.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from .conftest import ServerProcess, serving_realm

CALLBACK = "https://app.example/cb"
PASSWORD = "correct horse"


def client(client_id: str, redirect: str, **attributes: str) -> dict[str, object]:
    return {"clientId": client_id, "publicClient": True, "standardFlowEnabled": True,
            "redirectUris": [redirect], "attributes": attributes}  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    realm = {
        "realm": "acme",
        "users": [{"username": "ana", "email": "ana@acme.example", "enabled": True,
                   "credentials": [{"type": "password", "value": PASSWORD}]}],
        "clients": [
            client("app", "https://app.example/*"),
            client("strict", CALLBACK, **{"pkce.code.challenge.method": "S256"}),
            client("other", "https://evil.example/*"),
        ],
    }  # fmt: skip
    yield from serving_realm(tmp_path_factory, realm)


def oidc(server: ServerProcess, endpoint: str) -> str:
    return f"{server.url}/realms/acme/protocol/openid-connect/{endpoint}"


def authorize(server: ServerProcess, client_id: str, **params: str) -> requests.Response:
    """The login page for ``params``, signed in as ana; the answer unfollowed."""
    query = {"client_id": client_id, "response_type": "code", "redirect_uri": CALLBACK,
             "scope": "openid", **params}  # fmt: skip
    url = f"{oidc(server, 'auth')}?{urlencode(query)}"
    page = requests.get(url, allow_redirects=False, timeout=10)
    if page.status_code != 200:
        return page
    action = re.search(r'<form id="kc-form-login" method="post" action="([^"]+)"', page.text)
    assert action is not None, page.text
    return requests.post(
        html.unescape(action.group(1)),
        data={"username": "ana", "password": PASSWORD},
        allow_redirects=False,
        timeout=10,
    )


def redirect_query(answer: requests.Response) -> dict[str, str]:
    assert answer.status_code == 302, answer.text
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    return {key: values[0] for key, values in query.items()}


def redeem(server: ServerProcess, client_id: str, code: str, **extra: str) -> requests.Response:
    form = {"grant_type": "authorization_code", "client_id": client_id, "code": code,
            "redirect_uri": CALLBACK, **extra}  # fmt: skip
    return requests.post(oidc(server, "token"), data=form, timeout=10)


def test_a_verifier_for_a_code_issued_without_a_challenge_is_refused(
    server: ServerProcess,
) -> None:
    code = redirect_query(authorize(server, "app"))["code"]
    answer = redeem(server, "app", code, code_verifier=secrets.token_urlsafe(48))
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"
    assert "challenge not present" in answer.json()["error_description"]


@pytest.mark.parametrize("method", [None, "plain"])
def test_a_client_that_requires_s256_is_held_to_it(
    server: ServerProcess, method: str | None
) -> None:
    params = {"code_challenge": secrets.token_urlsafe(48)} if method else {}
    if method:
        params["code_challenge_method"] = method
    query = redirect_query(authorize(server, "strict", **params))
    assert "code" not in query and query["error"] == "invalid_request", query
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    good = redirect_query(
        authorize(server, "strict", code_challenge=challenge, code_challenge_method="S256")
    )
    assert redeem(server, "strict", good["code"], code_verifier=verifier).status_code == 200


@pytest.mark.parametrize("endpoint", ["auth", "logout"])
def test_cr_or_lf_in_a_redirect_uri_is_a_400(server: ServerProcess, endpoint: str) -> None:
    hostile = "https://app.example/cb\r\nSet-Cookie: planted=1"
    if endpoint == "auth":
        params = {"client_id": "app", "response_type": "code", "redirect_uri": hostile}
    else:
        params = {"client_id": "app", "post_logout_redirect_uri": hostile}
    answer = requests.get(
        oidc(server, endpoint), params=params, allow_redirects=False, timeout=10,
        headers={"Accept": "application/json"},
    )  # fmt: skip
    assert answer.status_code == 400, answer.text
    assert "planted" not in answer.headers.get("Set-Cookie", "")


def test_logout_checks_the_redirect_against_the_id_tokens_client(server: ServerProcess) -> None:
    code = redirect_query(authorize(server, "app"))["code"]
    tokens = redeem(server, "app", code).json()
    params = {
        "id_token_hint": tokens["id_token"],
        "client_id": "other",
        "post_logout_redirect_uri": "https://evil.example/landing",
    }
    answer = requests.get(
        oidc(server, "logout"), params=params, allow_redirects=False, timeout=10,
        headers={"Accept": "application/json"},
    )  # fmt: skip
    assert answer.status_code == 400, answer.headers.get("Location")
    assert "client_id" in answer.text
