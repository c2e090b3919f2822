"""Secrets in another case or encoding: scrubbed where they are case-insensitive, and
searched for in every encoding before any write."""

from __future__ import annotations

import html
import json
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from spacestudio.cassettes import SecretLeakError, use_cassette
from spacestudio.cassettes.scrubbing import Scrubber
from tests.cassettes.backend import MiniBackend

MAIL = "bob.noscript@example-corp.com"
PASSWORD = "pässwörd-Ünïcode&<42>"
CLIENT_ID = "orbit-scripting-client"
API = "https://api.example-corp.com"


def _scrubber() -> Scrubber:
    return Scrubber(api_url=API, auth_url=API, mail=MAIL, password=PASSWORD, client_id=CLIENT_ID)


VARIANTS = {
    "echoed e-mail": "Bob.NoScript@Example-Corp.COM",
    "upper-case e-mail": MAIL.upper(),
    "upper-case host": "API.EXAMPLE-CORP.COM",
    "mixed-case client id": "Orbit-Scripting-Client",
    "NFD password": unicodedata.normalize("NFD", PASSWORD),
    "HTML-escaped password": html.escape(PASSWORD),
    "double URL-encoded password": quote(quote(PASSWORD, safe=""), safe=""),
    "URL-encoded mixed-case e-mail": quote("Bob.NoScript@Example-Corp.COM", safe=""),
}


def _response(text: str) -> dict[str, Any]:
    return {
        "status": {"code": 403, "message": "Forbidden"},
        "headers": {"Content-Type": ["application/json"]},
        "body": {"string": json.dumps({"message": f"denied: {text}!"}).encode()},
    }


@pytest.mark.parametrize("variant", VARIANTS.values(), ids=list(VARIANTS))
def test_variants_are_scrubbed_from_what_the_server_answers(variant: str) -> None:
    scrubbed = _scrubber().scrub_response(_response(variant))["body"]["string"]
    assert variant.encode() not in scrubbed
    assert variant.lower().encode() not in scrubbed.lower()
    assert b"denied: " in scrubbed


#: Forms only searched for before a write (replacing them would slow every recording).
SEARCHED_ONLY = {
    "hex password": PASSWORD.encode().hex(),
    "upper hex password": PASSWORD.encode().hex().upper(),
}


@pytest.mark.parametrize(
    "variant", [*VARIANTS.values(), *SEARCHED_ONLY.values()], ids=[*VARIANTS, *SEARCHED_ONLY]
)
def test_variants_are_found_by_the_check_before_every_write(variant: str) -> None:
    data = json.dumps({"note": f"x {variant} y"}, ensure_ascii=False).encode()
    assert _scrubber().leaks_in(data) != []


def test_a_case_sensitive_secret_in_another_case_is_no_leak() -> None:
    # A password is case-sensitive: the same letters in another case are another word.
    assert _scrubber().leaks_in(PASSWORD.upper().encode()) == []


def test_an_echoed_e_mail_in_another_case_never_reaches_the_cassette(
    backend: MiniBackend, tmp_path: Path
) -> None:
    backend.email = "Ada.Lovelace@Example.ORG"
    path = tmp_path / "echo.yaml"
    scrubber = Scrubber(
        api_url=backend.url,
        auth_url=backend.url,
        mail="ada.lovelace@example.org",  # as the user typed it in .env
        password=backend.password,
        client_id=backend.client_id,
    )
    with use_cassette(path, record=True, scrubber=scrubber):
        http, users = backend.log_in()
        http.get(f"{users}/echo").json()
    text = path.read_text()
    assert "lovelace@example.org" not in text.lower()


def test_a_leak_found_only_by_a_new_encoding_stops_the_write(tmp_path: Path) -> None:
    from spacestudio.cassettes.messages import LoadedResponse, ScrubbedRequest
    from spacestudio.cassettes.storage import CassettePersister

    request = ScrubbedRequest("GET", "https://spacestudio.invalid/x", None, {})
    response = LoadedResponse(
        status={"code": 200, "message": "OK"},
        headers={"Content-Type": ["text/plain"]},
        body={"string": PASSWORD.encode().hex().encode()},
    )
    persister = CassettePersister(_scrubber().leaks_in)
    with pytest.raises(SecretLeakError):
        persister.save_cassette(
            tmp_path / "c.yaml", {"requests": [request], "responses": [response]}
        )
    assert not (tmp_path / "c.yaml").exists()
