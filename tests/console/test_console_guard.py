"""The console is guarded as the admin API is: the Host check, the admin token (from a
cookie a browser gets once), and a strict Content-Security-Policy on every page."""

from __future__ import annotations

from werkzeug.test import Client

from fake_server.app import FakeSpacestudioApp
from fake_server.config import ServerConfig
from fake_server.console.markup import CONTENT_SECURITY_POLICY
from fake_server.oidc import KeyRing
from fake_server.store import MemoryStore


def test_with_an_admin_token_the_console_takes_it_once_then_from_a_cookie(keys: KeyRing) -> None:
    app = FakeSpacestudioApp.from_config(
        ServerConfig(admin_token="t0ken-for-admins"), store=MemoryStore(), keys=keys
    )
    browser = Client(app)
    assert browser.get("/__admin/console").status_code == 401
    assert browser.get("/__admin/console?token=wrong").status_code == 401
    # the token is accepted in the address only on the console's first page
    assert browser.get("/__admin/journal?token=t0ken-for-admins").status_code == 401
    given = browser.get("/__admin/console?token=t0ken-for-admins")
    assert given.status_code == 303 and given.headers["Location"] == "/__admin/console"
    cookie = given.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/__admin/" in cookie
    assert browser.get("/__admin/console/journal").status_code == 200
    assert browser.get("/__admin/journal").status_code == 200


def test_pages_answer_only_this_machine_and_carry_the_policy(keys: KeyRing) -> None:
    app = FakeSpacestudioApp.from_config(ServerConfig(), store=MemoryStore(), keys=keys)
    client = Client(app)
    rebound = client.get("/__admin/console", headers={"Host": "evil.example"})
    assert rebound.status_code == 403
    for path in ("/__admin/console", "/__admin/console/journal", "/__admin/console/faults"):
        page = client.get(path, headers={"Host": "localhost:8080"})
        assert page.status_code == 200, path
        assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "script-src 'self'" in CONTENT_SECURITY_POLICY
        assert "<script>" not in page.get_data(as_text=True)  # the one script is a file
    landing = client.get("/", headers={"Host": "localhost"})
    assert landing.status_code == 303 and landing.headers["Location"] == "/__admin/console"


def test_a_cross_site_request_changes_nothing_even_as_json(keys: KeyRing) -> None:
    app = FakeSpacestudioApp.from_config(ServerConfig(), store=MemoryStore(), keys=keys)
    client = Client(app)
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "http://evil.example"}):
        answer = client.post(
            "/__admin/faults",
            json={"pattern": "/*", "kind": "drop"},
            headers={"Host": "127.0.0.1", **headers},
        )
        assert answer.status_code == 403, headers
    assert app.faults.rules() == []
