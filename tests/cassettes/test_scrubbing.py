"""Scrubbing: credentials, tokens, hosts and server ids leave nothing behind."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote, quote_plus

import jwt
from vcr.request import Request

from spacestudio.cassettes.placeholders import (
    PLACEHOLDER_CLIENT_ID,
    PLACEHOLDER_EMAIL,
    PLACEHOLDER_EXPIRY,
    PLACEHOLDER_PASSWORD,
    jwt_parts,
)
from spacestudio.cassettes.scrubbing import Scrubber
from spacestudio.cassettes.secrets import base64_cores

MAIL = "grace.hopper@navy.example"
PASSWORD = "c0b0l/&=+ rocks"
CLIENT_ID = "harbor-client-7f3a"
API = "https://api.mission.example"
AUTH = "https://sso.mission.example"
USER_ID = "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d"


def _scrubber() -> Scrubber:
    return Scrubber(api_url=API, auth_url=AUTH, mail=MAIL, password=PASSWORD, client_id=CLIENT_ID)


def _token(**claims: Any) -> str:
    base = {
        "sub": USER_ID,
        "email": MAIL,
        "preferred_username": MAIL,
        "azp": CLIENT_ID,
        "iss": f"{AUTH}/realms/spacestudio-users",
        "iat": 1_790_000_000,
        "exp": 1_790_000_300,
        "scope": "openid email",
    }
    return jwt.encode({**base, **claims}, "a-signing-key-of-at-least-32-bytes!", "HS256")


def _response(body: Any, **headers: str) -> dict[str, Any]:
    return {
        "status": {"code": 200, "message": "OK"},
        "headers": {"Content-Type": ["application/json"], **{k: [v] for k, v in headers.items()}},
        "body": {"string": json.dumps(body).encode()},
    }


def test_token_request_keeps_its_shape_without_credentials() -> None:
    form = (
        f"client_id={CLIENT_ID}&grant_type=password"
        f"&username={quote(MAIL)}&password={quote_plus(PASSWORD)}"
    )
    request = Request(
        "POST",
        f"{AUTH}/realms/spacestudio-users/protocol/openid-connect/token",
        form,
        {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "python-requests/2"},
    )
    scrubbed = _scrubber().scrub_request(request)
    body = scrubbed.body.decode()
    assert "grant_type=password" in body
    assert f"password={PASSWORD_PLACEHOLDER_Q}" in body
    assert f"client_id={PLACEHOLDER_CLIENT_ID}" in body
    assert scrubbed.uri.startswith("https://auth.spacestudio.invalid/realms/")
    assert "User-Agent" not in scrubbed.headers
    assert request.body.decode() == form  # the request sent is left alone


PASSWORD_PLACEHOLDER_Q = quote_plus(PLACEHOLDER_PASSWORD)


def test_tokens_become_placeholder_jwts_that_never_expire_and_keep_their_claims() -> None:
    scrubber = _scrubber()
    access = _token(typ="Bearer")
    response = scrubber.scrub_response(
        _response(
            {"access_token": access, "refresh_token": _token(typ="Refresh"), "expires_in": 300}
        )
    )
    answer = json.loads(response["body"]["string"])
    parts = jwt_parts(answer["access_token"])
    assert parts is not None
    header, claims = parts
    assert header["alg"] == "HS256" and header["kid"] == "scrubbed"
    assert claims["exp"] == PLACEHOLDER_EXPIRY
    assert claims["sub"] == "00000000-0000-4000-8000-000000000001"
    assert claims["email"] == PLACEHOLDER_EMAIL and claims["azp"] == PLACEHOLDER_CLIENT_ID
    assert claims["iss"] == "https://auth.spacestudio.invalid/realms/spacestudio-users"
    assert claims["scope"] == "openid email"
    assert answer["expires_in"] == 300
    # The client reads the placeholder as it reads a real token.
    assert jwt.decode(answer["access_token"], options={"verify_signature": False})["exp"] > 4e9
    # The same token later, in a header, is named by the placeholder it became.
    later = scrubber.scrub_request(
        Request("GET", f"{API}/exoops/users/infos", None, {"Authorization": f"Bearer {access}"})
    )
    assert later.headers["Authorization"] == "Bearer <access token 1>"
    assert access not in str(later.headers)


def test_secrets_are_replaced_in_every_plain_encoding() -> None:
    scrubber = _scrubber()
    text = json.dumps(
        {
            "raw": f"{MAIL} {PASSWORD}",
            "url": f"{quote(PASSWORD, safe='')} {quote_plus(PASSWORD)} {quote(MAIL, safe='')}",
            "client": CLIENT_ID,
            "link": f"{API}/exoops/users/{USER_ID}",
        }
    )
    response = scrubber.scrub_response(_response(json.loads(text)))
    body = response["body"]["string"]
    for secret in (MAIL, PASSWORD, CLIENT_ID, "api.mission.example"):
        assert scrubber.leaks_in(body) == []
        assert secret.encode() not in body
    assert b"https://spacestudio.invalid/exoops/users/" in body


def test_leak_check_finds_secrets_in_base64_at_any_offset() -> None:
    scrubber = _scrubber()
    for prefix in (b"", b"x", b"xy", b"user:"):
        encoded = base64.b64encode(prefix + PASSWORD.encode())
        assert "password" in scrubber.leaks_in(b"Basic " + encoded)
        urlsafe = base64.urlsafe_b64encode(prefix + MAIL.encode()).rstrip(b"=")
        assert "e-mail" in scrubber.leaks_in(urlsafe)
    assert scrubber.leaks_in(b"nothing to see") == []
    assert all(len(core) >= 8 for core in base64_cores(PASSWORD))


def test_json_escaped_secrets_are_found_and_replaced() -> None:
    scrubber = Scrubber(password='quote"and\\slash/é')
    body = json.dumps({"note": 'quote"and\\slash/é'}).encode()  # ensure_ascii escapes é
    assert scrubber.leaks_in(body) == ["password"]
    assert scrubber.leaks_in(scrubber.secrets.substitute_bytes(body)) == []


def test_server_ids_are_numbered_in_order_and_stay_stable() -> None:
    scrubber = _scrubber()
    first = scrubber.scrub_response(
        _response({"id": USER_ID, "objectId": "65f1c0ffee0ddba11a5e1234"})
    )
    assert json.loads(first["body"]["string"]) == {
        "id": "00000000-0000-4000-8000-000000000001",
        "objectId": "000000000000000000000002",
    }
    request = scrubber.scrub_request(
        Request("GET", f"{API}/exoops/users/{USER_ID}/x/65f1c0ffee0ddba11a5e1234", None, {})
    )
    assert request.uri == (
        "https://spacestudio.invalid/exoops/users/00000000-0000-4000-8000-000000000001"
        "/x/000000000000000000000002"
    )
    # Ids the caller made up (seen first in a request) are kept; placeholders stay as they are.
    own = "0f0f0f0f-0000-4000-8000-0000deadbeef"
    assert own in scrubber.scrub_request(Request("GET", f"{API}/x/{own}", None, {})).uri
    again = scrubber.scrub_request(Request("GET", request.uri, None, {}))
    assert again.uri == request.uri
    # Long decimal numbers are no ids.
    numbers = scrubber.scrub_response(_response({"value": 123456789012345678901234}))
    assert b"123456789012345678901234" in numbers["body"]["string"]


def test_volatile_and_secret_headers_are_dropped() -> None:
    scrubber = _scrubber()
    response = scrubber.scrub_response(
        _response({}, Date="Mon", Server="nginx", **{"X-Request-Id": "1", "Set-Cookie": "s=1"})
    )
    assert set(response["headers"]) == {"Content-Type"}
    request = scrubber.scrub_request(
        Request("GET", f"{API}/x", None, {"Cookie": "s=1", "Accept": "application/json"})
    )
    assert dict(request.headers) == {"Accept": "application/json"}


def test_personal_fields_of_json_bodies_are_replaced() -> None:
    scrubber = Scrubber()
    response = scrubber.scrub_response(
        _response(
            {"id": 7, "email": "someone@corp.example", "firstName": "Ada", "lastName": "King"}
        )
    )
    assert json.loads(response["body"]["string"]) == {
        "id": 7,
        "email": PLACEHOLDER_EMAIL,
        "firstName": "Scrubbed",
        "lastName": "User",
    }
    # Learned there, the e-mail is scrubbed wherever it shows up next.
    later = scrubber.scrub_response(_response({"owner": "someone@corp.example"}))
    assert b"someone@corp.example" not in later["body"]["string"]


def test_gzip_answers_are_stored_decoded() -> None:
    import gzip

    scrubber = _scrubber()
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"Content-Type": ["application/json"], "Content-Encoding": ["gzip"]},
        "body": {"string": gzip.compress(json.dumps({"owner": MAIL}).encode())},
    }
    scrubbed = scrubber.scrub_response(response)
    assert "Content-Encoding" not in scrubbed["headers"]
    assert json.loads(scrubbed["body"]["string"]) == {"owner": PLACEHOLDER_EMAIL}


def test_short_secrets_are_scrubbed_where_carried_but_not_searched() -> None:
    scrubber = Scrubber(password="pw")
    request = scrubber.scrub_request(
        Request(
            "POST",
            f"{AUTH}/token",
            "grant_type=password&password=pw",
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
    )
    assert request.body == f"grant_type=password&password={PLACEHOLDER_PASSWORD}".encode()
    assert scrubber.secrets.too_short == [("password", 2)]
