"""The journal keeps scrubbed, bounded bodies and the query string, answers filtered
pages on both stores alike, scrubs as the cassettes do, and `spacestudio run --fake
--journal FILE` writes it at exit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from werkzeug.test import Client

import spacestudio.cassettes.secrets as cassette_secrets
from fake_server.app import FakeSpacestudioApp
from fake_server.config import ServerConfig
from fake_server.embedded import FakeServer
from fake_server.journal import Body, RequestJournal
from fake_server.journal_scrubbing import scrub_body, scrub_query
from fake_server.oidc import KeyRing
from fake_server.store import MemoryStore, Store
from spacestudio_contract import secret_fields
from tests.console.conftest import token

ADMIN = {"Host": "127.0.0.1"}


def test_bodies_and_query_are_kept_scrubbed(store: Store, keys: KeyRing) -> None:
    config = ServerConfig(compute_seconds=0.0)
    app = FakeSpacestudioApp.from_config(config, store=store, keys=keys)
    client = Client(app)
    account = config.accounts[0]
    client.post(
        f"/realms/{config.realm}/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": config.first_client_id,
            "username": account.email,
            "password": account.password,
        },
    )
    client.get("/exoops/users/infos?access_token=eyJhbGciOi.eyJzdWIi.c2ln&page=2")
    answer = client.get("/__admin/journal?limit=5", headers=ADMIN).get_json()
    infos, grant = answer["requests"]
    assert grant["requestBody"] == (
        "grant_type=password&client_id=scrubbed-client-id&username=scrubbed-user-name"
        "&password=scrubbed-password"
    )
    assert json.loads(grant["responseBody"])["access_token"] == "scrubbed-access-token"
    assert infos["query"] == "access_token=scrubbed-access-token&page=2"
    assert infos["status"] == 401 and infos["responseBody"]
    everything = json.dumps(answer)
    assert account.password not in everything and account.email not in everything


def test_a_body_is_cut_and_the_oldest_entries_go_first(store: Store) -> None:
    journal = RequestJournal(100, store, body_limit=40, max_bytes=3000)
    for number in range(30):
        journal.record(
            "POST", f"/p{number}", 200, 0.0, at=0.0,
            request_body=Body(json.dumps({"values": list(range(50))}).encode(), "application/json"),
        )  # fmt: skip
    entries = journal.entries()
    assert all(len(e.request_body.encode()) < 80 for e in entries if e.request_body)
    assert entries[-1].request_body.endswith("more bytes not kept]")  # type: ignore[union-attr]
    assert entries[-1].path == "/p29"
    kept = sum(len(json.dumps(e.to_json())) for e in entries)
    # SQLite trims in batches of 64 appends; memory at once.
    assert len(entries) < 30 if isinstance(store, MemoryStore) else kept > 0
    assert [e.path for e in entries] == [f"/p{n}" for n in range(30 - len(entries), 30)]


def test_pages_filter_by_user_path_and_status_on_both_stores(store: Store) -> None:
    journal = RequestJournal(1000, store)
    for number in range(120):
        journal.record(
            "GET", f"/exoops/users/u{number % 3}/orbits", 404 if number % 4 == 0 else 200, 0.0,
            at=0.0, user=f"u{number % 3}",
        )  # fmt: skip
    app_store_query = journal.page
    from fake_server.journal import journal_query

    page = app_store_query(journal_query({"user": "u1", "status": "4xx", "limit": "5"}))
    assert page.total == len([n for n in range(120) if n % 3 == 1 and n % 4 == 0])
    assert [e.status for e in page.entries] == [404] * 5
    assert all(e.user == "u1" for e in page.entries)
    # newest first, then the next page continues
    second = app_store_query(
        journal_query({"user": "u1", "status": "4xx", "limit": "5", "offset": "5"})
    )
    assert page.entries[0].time >= second.entries[0].time
    assert {e.path for e in page.entries} == {"/exoops/users/u1/orbits"}


@pytest.mark.parametrize(
    ("query", "says"),
    [("status=abc", "status='abc'"), ("limit=0", "limit='0'"), ("offset=-1", "offset='-1'")],
)
def test_a_bad_filter_is_a_400_that_says_which(keys: KeyRing, query: str, says: str) -> None:
    app = FakeSpacestudioApp.from_config(ServerConfig(), store=MemoryStore(), keys=keys)
    answer = Client(app).get(f"/__admin/journal?{query}", headers=ADMIN)
    assert answer.status_code == 400
    assert says in answer.get_json()["message"]


def test_the_journal_and_the_cassettes_share_one_table_of_secret_fields() -> None:
    assert cassette_secrets.CREDENTIAL_FIELDS is secret_fields.CREDENTIAL_FIELDS
    assert cassette_secrets.TOKEN_KEYS is secret_fields.TOKEN_KEYS
    assert cassette_secrets.PERSONAL_KEYS is secret_fields.PERSONAL_KEYS
    for field in secret_fields.CREDENTIAL_FIELDS:
        assert "s3cret-value" not in scrub_query(f"{field}=s3cret-value")
    for key in (*secret_fields.TOKEN_KEYS, *secret_fields.PERSONAL_KEYS):
        kept = scrub_body(json.dumps({key: "s3cret-value"}).encode(), "application/json", 999)
        assert kept is not None and "s3cret-value" not in kept


def test_what_a_recording_scrubs_the_journal_never_keeps(tmp_path: Path) -> None:
    """A session recorded into a cassette against the fake: every secret the cassette
    replaced (learned by its scrubber) is absent from the fake's journal too."""
    from spacestudio.cassettes import use_cassette
    from spacestudio.cassettes.scrubbing import Scrubber

    with FakeServer() as server:
        access, user_id = token(server)
        scrubber = Scrubber(
            api_url=server.url,
            auth_url=server.auth_url,
            mail=server.account.email,
            password=server.account.password,
            client_id=server.client_id,
        )
        with use_cassette(tmp_path / "session.yaml", record=True, scrubber=scrubber) as session:
            import requests

            requests.get(
                f"{server.url}/exoops/users/{user_id}/orbitdefinitions",
                headers={"Authorization": f"Bearer {access}"},
                timeout=10,
            )
            token(server)
        learned = [secret.value for secret in session.scrubber.secrets if secret.secret]
        journal = json.dumps([entry.to_json() for entry in server.app.journal.entries()])
    assert learned, "the recording learned no secret: the test would prove nothing"
    assert [value for value in learned if value in journal] == []


def test_run_fake_journal_writes_json_lines_at_exit(tmp_path: Path) -> None:
    script = tmp_path / "study.py"
    script.write_text(
        "import spacestudio\n"
        "spacestudio.connect(spacestudio.log_base_url, spacestudio.log_mail, "
        "spacestudio.log_password)\n"
        "spacestudio.simulation.get_all_orbits()\nraise SystemExit(3)\n"
    )
    journal = tmp_path / "journal.jsonl"
    run = subprocess.run(
        [sys.executable, "-m", "spacestudio.cli", "run", "--fake", "--journal", str(journal),
         str(script)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 3, run.stderr
    entries = [json.loads(line) for line in journal.read_text().splitlines()]
    paths = [entry["path"] for entry in entries]
    assert any(path.endswith("/orbitdefinitions") for path in paths)
    assert any("/token" in path for path in paths)
    assert "wrote" in run.stderr and str(journal) in run.stderr


def test_run_journal_without_fake_says_what_to_do(tmp_path: Path) -> None:
    from spacestudio.cli import main

    (tmp_path / "s.py").write_text("")
    assert main(["run", "--journal", str(tmp_path / "j"), str(tmp_path / "s.py")]) == 2


def test_hostile_entries_and_paging_render_as_pages_not_errors(store: Store, keys: KeyRing) -> None:
    """A body nested deeper than Python recurses is shown as it came; an offset beyond
    SQLite's integers is a 400 naming the bound, on the console and the admin API."""
    app = FakeSpacestudioApp.from_config(ServerConfig(compute_seconds=0.0), store=store, keys=keys)
    client = Client(app)
    deep = "[" * 12_000 + "]" * 12_000
    client.post("/exoops/users/infos", data=deep, content_type="application/json")
    page = client.get("/__admin/console/journal", headers=ADMIN)
    assert page.status_code == 200
    assert "[[[[" in page.get_data(as_text=True)
    for path in ("/__admin/console/journal", "/__admin/journal"):
        far = client.get(f"{path}?offset={10**30}", headers=ADMIN)
        assert far.status_code == 400
        assert "from 0 to 1000000000" in far.get_data(as_text=True)


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        # No secret: kept as sent, spacing and all.
        (b'{"name":"SSO-600",  "altitude": 600000}', '{"name":"SSO-600",  "altitude": 600000}'),
        # A secret key, however it is spelled or spaced, and whatever it is beside.
        (b'{"password" : "hunter2"}', '{"password": "scrubbed-password"}'),
        (b'{"pass\\u0077ord": "hunter2"}', '{"password": "scrubbed-password"}'),
        (b'{"sub": "u-1", "name": "Ada Lovelace"}', '{"sub": "u-1", "name": "scrubbed-full-name"}'),
        (b'{"type": "password", "value": "x1"}',
         '{"type": "password", "value": "scrubbed-password"}'),
        (b'{"note": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln"}', '{"note": "scrubbed-token"}'),
    ],
)  # fmt: skip
def test_json_bodies_without_secrets_are_kept_as_sent_and_the_others_scrubbed(
    body: bytes, kept: str
) -> None:
    assert scrub_body(body, "application/json", 1000) == kept
