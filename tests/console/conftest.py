"""Fixtures for the console's tests: a fake server on which a script has just run, and a
real headless Chromium (Debian's ``chromium`` and ``chromium-driver``) that opens it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from fake_server.embedded import FakeServer
from spacestudio_contract.endpoints import token_url, users_path
from tests.fake_server.conftest import keys, store  # noqa: F401  (its fixtures, shared)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "console"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
#: The name of an object a hostile script would create: recorded in the journal's bodies.
HOSTILE_NAME = "<script>document.title='pwned'</script><img src=x onerror=\"window.pwned=1\">"
LAUNCH_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)


def token(server: FakeServer) -> tuple[str, str]:
    """An access token of the server's first account, and that account's user id."""
    answer = requests.post(
        token_url(server.auth_url, server.realm),
        data={
            "grant_type": "password",
            "client_id": server.client_id,
            "username": server.account.email,
            "password": server.account.password,
        },
        timeout=10,
    )
    answer.raise_for_status()
    access = answer.json()["access_token"]
    infos = requests.get(
        f"{server.url}/exoops/users/infos",
        headers={"Authorization": f"Bearer {access}"},
        timeout=10,
    )
    return access, infos.json()["id"]


@pytest.fixture(scope="package")
def scripted_fake() -> Iterator[FakeServer]:
    """A fake server on which ``examples/orbital_transfer.py`` has just run, and then a
    script that named an orbit with markup."""
    with FakeServer() as server:
        env = {**os.environ, **server.env(), "MPLBACKEND": "Agg"}
        env["SPACESTUDIO_PLOT_DIR"] = tempfile.mkdtemp(prefix="console-plots-")
        run = subprocess.run(
            [sys.executable, "orbital_transfer.py"],
            cwd=ROOT / "examples",
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr
        access, user_id = token(server)
        orbit: dict[str, Any] = {"name": HOSTILE_NAME, "type": "Circular", "altitude": 5e5}
        requests.post(
            f"{server.url}{users_path(user_id)}/orbitdefinitions",
            json=orbit,
            headers={"Authorization": f"Bearer {access}"},
            timeout=10,
        )
        yield server


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """A headless Chromium driven through chromedriver, with a fresh profile."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} or {CHROMEDRIVER} is missing in CI; .ci/run installs them")
        pytest.skip(
            f"no {CHROMIUM} and {CHROMEDRIVER}: apt-get install chromium chromium-driver "
            "to run the console's browser tests"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="console-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*LAUNCH_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
