"""Benchmark 8: the console's journal page with 10,000 entries kept, on both stores.

The journal is filled with 10,000 requests whose bodies are JSON of the size a script's
objects have (1 KB sent, 2 KB answered), then the console's journal page is fetched
through the WSGI application (no socket): the newest page, a page filtered by path and
status class, and the last page. The goal is under a second for each.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from werkzeug.test import Client

from bench.timing import Profile, Ratio, Report, at_most, measure
from fake_server.app import FakeSpacestudioApp
from fake_server.config import ServerConfig
from fake_server.journal import Body, journal_query
from fake_server.store import MemoryStore, SQLiteStore, Store

TITLE = "8. The console's journal page with 10,000 entries"
ENTRIES = 10_000


def fill(app: FakeSpacestudioApp, count: int) -> None:
    """``count`` journal entries, one in ten a 404, with object-sized bodies."""
    sent = json.dumps({"name": "orbit", "values": list(range(180))}).encode()
    answered = json.dumps({"id": "x" * 36, "values": list(range(400))}).encode()
    now = time.time()
    for number in range(count):
        status = 404 if number % 10 == 0 else 200
        app.journal.record(
            "POST",
            f"/exoops/users/u{number % 7}/orbitdefinitions",
            status,
            0.001,
            at=now,
            query="page=1",
            user=f"u{number % 7}",
            request_body=Body(sent, "application/json"),
            response_body=Body(answered, "application/json"),
        )


def run(profile: Profile) -> Report:
    count = profile.pick(ENTRIES, ENTRIES, 300)
    report = Report(TITLE)
    with tempfile.TemporaryDirectory(prefix="spacestudio-bench-") as scratch:
        stores: dict[str, Store] = {
            "memory": MemoryStore(),
            "SQLite": SQLiteStore(Path(scratch) / "state.db"),
        }
        for name, store in stores.items():
            app = FakeSpacestudioApp.from_config(
                # Room for every entry: 10,000 of these take ~30 MB, above the default bound.
                ServerConfig(journal_size=count, journal_bytes=1 << 30, compute_seconds=0.0),
                store=store,
            )
            try:
                fill(app, count)
                kept = app.journal.page(journal_query({"limit": "1"})).total
                assert kept == count, f"the journal kept {kept} of {count} entries"
                client = Client(app)
                last = (count - 1) // 50 * 50
                pages = {
                    "newest 50": "/__admin/console/journal",
                    "path and 4xx": "/__admin/console/journal?path=orbit&status=4xx",
                    "last page": f"/__admin/console/journal?offset={last}",
                }
                for label, url in pages.items():

                    def fetch(url: str = url, client: Client = client) -> None:
                        answer = client.get(url, headers={"Host": "127.0.0.1"})
                        assert answer.status_code == 200, answer.get_data(as_text=True)[:300]

                    timed = measure(
                        f"{name}: {label}",
                        fetch,
                        profile,
                        detail=f"{count} entries",
                    )
                    report.measurements.append(timed)
                    report.ratios.append(
                        Ratio(f"{name}: {label}", timed.value, at_most(1.0, " s"), " s")
                    )
            finally:
                app.close()
    return report
