"""The console as a person uses it, in a real headless Chromium, against a fake on which
a script has just run: objects, plots and journal appear; recorded markup stays text;
another site's form changes nothing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from fake_server.embedded import FakeServer
from tests.console.conftest import HOSTILE_NAME, SCREENSHOTS


def _open(browser: Any, url: str) -> None:
    browser.get(url)
    WebDriverWait(browser, 10).until(
        lambda b: b.execute_script("return document.readyState") == "complete"
    )


def test_root_leads_to_the_users_and_their_objects(browser: Any, scripted_fake: FakeServer) -> None:
    _open(browser, scripted_fake.url + "/")
    assert "Realm" in browser.find_element(By.TAG_NAME, "h1").text
    browser.save_screenshot(str(SCREENSHOTS / "users.png"))
    browser.find_element(By.LINK_TEXT, scripted_fake.account.login).click()
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Raising sat" in page
    # mission → spacecraft → thruster, each a reference of the one before
    assert "thruster → HET 15 mN (propulsionsystemdefinitions)" in page
    assert "spacecraft → Raising sat (spacecraftdefinitions)" in page
    browser.save_screenshot(str(SCREENSHOTS / "objects.png"))
    browser.find_element(By.LINK_TEXT, "Their requests in the journal").click()
    rows = browser.find_elements(By.CSS_SELECTOR, "table.journal tbody tr")
    assert rows and all("/exoops/users/" in row.text for row in rows)


def test_a_finished_computation_shows_figures_plots_and_files(
    browser: Any, scripted_fake: FakeServer
) -> None:
    _open(browser, f"{scripted_fake.url}/__admin/console/users/{scripted_fake.account.login}")
    browser.find_element(By.PARTIAL_LINK_TEXT, "FINISHED").click()
    titles = [
        plot.get_attribute("aria-label")
        for plot in browser.find_elements(By.CSS_SELECTOR, "svg.plot")
    ]
    assert titles == [
        "Mean altitude (km) over days",
        "Total mass (kg) over days",
        "RAAN (deg) over days",
        "Thrust duty cycle (%) over days",
    ]
    assert "Key figures" in browser.page_source
    browser.save_screenshot(str(SCREENSHOTS / "computation.png"))
    csv_link = browser.find_element(By.PARTIAL_LINK_TEXT, ".csv").get_attribute("href")
    answer = requests.get(csv_link, timeout=10)
    assert answer.status_code == 200
    assert answer.text.startswith("ELAPSED_TIME,")


def test_the_journal_lists_requests_with_bodies_and_filters(
    browser: Any, scripted_fake: FakeServer
) -> None:
    _open(browser, f"{scripted_fake.url}/__admin/console/journal?path=/protocol/")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.journal tbody tr")
    assert rows and all("/protocol/" in row.text for row in rows)
    token_row = next(row for row in rows if "POST" in row.text)
    token_row.find_element(By.TAG_NAME, "summary").click()
    shown = token_row.text
    assert "password=scrubbed-password" in shown
    assert scripted_fake.account.password not in browser.page_source
    browser.save_screenshot(str(SCREENSHOTS / "journal.png"))


def test_markup_recorded_in_a_body_renders_as_text_and_runs_nothing(
    browser: Any, scripted_fake: FakeServer
) -> None:
    _open(browser, f"{scripted_fake.url}/__admin/console/journal?path=orbitdefinitions&limit=500")
    bodies = browser.find_elements(By.CSS_SELECTOR, "table.journal details")
    for details in bodies:
        browser.execute_script("arguments[0].open = true", details)
    text = browser.find_element(By.TAG_NAME, "main").text
    assert HOSTILE_NAME.replace('"', '\\"') in text
    assert browser.title != "pwned"
    assert browser.execute_script("return window.pwned") is None
    assert not browser.find_elements(By.CSS_SELECTOR, "main script, main img")


class _AttackerPage(BaseHTTPRequestHandler):
    """Another site: a page whose forms post to the fake's admin routes on load."""

    target = ""

    def do_GET(self) -> None:
        page = f"""<!DOCTYPE html><html><body>
<iframe name="sink"></iframe>
<form id="reset" method="post" action="{self.target}/__admin/reset" target="sink"
      enctype="text/plain"><input name='{{"users": true, "x": "' value='"}}'></form>
<form id="fault" method="post" action="{self.target}/__admin/faults" target="sink"
      enctype="text/plain"><input name='{{"pattern": "/*", "kind": "drop", "x": "' value='"}}'>
</form>
<script>
document.getElementById("reset").submit();
setTimeout(() => document.getElementById("fault").submit(), 300);
fetch("{self.target}/__admin/reset", {{method: "POST", mode: "no-cors",
  headers: {{"Content-Type": "text/plain"}}, body: "{{}}"}});
setTimeout(() => document.title = "sent", 1200);
</script></body></html>"""
        data = page.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def attacker(scripted_fake: FakeServer) -> Iterator[str]:
    handler = type("Attacker", (_AttackerPage,), {"target": scripted_fake.url})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_another_sites_form_changes_nothing(
    browser: Any, scripted_fake: FakeServer, attacker: str
) -> None:
    user = scripted_fake.account.login
    before = requests.get(f"{scripted_fake.url}/__admin/users/{user}/objects", timeout=10).json()
    faults = requests.get(f"{scripted_fake.url}/__admin/faults", timeout=10).json()
    _open(browser, attacker)
    WebDriverWait(browser, 10).until(expected_conditions.title_is("sent"))
    time.sleep(0.5)
    after = requests.get(f"{scripted_fake.url}/__admin/users/{user}/objects", timeout=10).json()
    assert after == before and after["collections"]
    assert requests.get(f"{scripted_fake.url}/__admin/faults", timeout=10).json() == faults


def _wait_for_faults_table(browser: Any, shows: Callable[[str], bool]) -> None:
    """Until the faults table, as the page reloads, shows what ``shows`` looks for."""
    WebDriverWait(
        browser, 10, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)
    ).until(lambda b: shows(b.find_element(By.CSS_SELECTOR, "table.faults").text))


def test_faults_are_added_and_removed_from_the_console(
    browser: Any, scripted_fake: FakeServer
) -> None:
    _open(browser, f"{scripted_fake.url}/__admin/console/faults")
    form = browser.find_element(By.ID, "add-fault")
    form.find_element(By.NAME, "pattern").send_keys("/exoops/*/nothing-here")
    form.find_element(By.NAME, "status").send_keys("503")
    form.find_element(By.NAME, "times").send_keys("2")
    form.find_element(By.CSS_SELECTOR, "button").click()
    _wait_for_faults_table(browser, lambda text: "/exoops/*/nothing-here" in text)
    rules = requests.get(f"{scripted_fake.url}/__admin/faults", timeout=10).json()["faults"]
    assert [(r["pattern"], r["status"], r["times"]) for r in rules] == [
        ("/exoops/*/nothing-here", 503, 2)
    ]
    browser.save_screenshot(str(SCREENSHOTS / "faults.png"))
    browser.find_element(By.CSS_SELECTOR, "table.faults button").click()
    _wait_for_faults_table(browser, lambda text: "nothing-here" not in text)
    assert requests.get(f"{scripted_fake.url}/__admin/faults", timeout=10).json()["faults"] == []


def test_the_cassette_page_opens_in_a_browser(browser: Any, tmp_path: Any) -> None:
    from spacestudio.cli import main
    from tests.console.conftest import ROOT

    page = tmp_path / "orbital_transfer.html"
    cassette = ROOT / "cassettes" / "examples" / "orbital_transfer.yaml"
    assert main(["cassette", "html", str(cassette), "-o", str(page)]) == 0
    _open(browser, page.as_uri())
    rows = browser.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) >= 28
    rows[0].find_element(By.TAG_NAME, "summary").click()
    assert "scrubbed-password" in rows[0].text
    browser.save_screenshot(str(SCREENSHOTS / "cassette.png"))
