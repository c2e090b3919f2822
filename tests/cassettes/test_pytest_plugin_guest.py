"""The plugin is a guest in the user's pytest: it costs nothing where it is not used, and
leaves the vcr tests of other services to vcrpy, as pytest-recording alone would.

Each test runs ``pytest`` in a subprocess, in a scratch project of its own outside the
repository, with this virtualenv (so with pytest-recording installed beside the plugin).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

#: What loading the plugin must not import: the client, the cassette stack, HTTP libraries.
HEAVY_MODULES = ("spacestudio", "vcr", "yaml", "requests", "httpx", "urllib3")

OTHER_SERVICE_TESTS = textwrap.dedent(
    """
    import json
    import os
    import urllib.request

    import pytest

    URL = f"http://127.0.0.1:{os.environ['FORECAST_PORT']}/forecast"


    @pytest.mark.vcr
    def test_forecast():
        with urllib.request.urlopen(URL, timeout=5) as answer:
            assert json.load(answer) == {"sky": "clear"}


    @pytest.mark.vcr
    def test_prerecorded():
        with urllib.request.urlopen("http://127.0.0.1:9/tides", timeout=5) as answer:
            assert json.load(answer) == {"tide": "high"}
    """
)

#: A cassette as vcrpy writes it, recorded before the harness was installed.
PLAIN_VCRPY_CASSETTE = textwrap.dedent(
    """\
    interactions:
    - request:
        body: null
        headers:
          Connection:
          - close
          Host:
          - 127.0.0.1:9
          User-Agent:
          - Python-urllib/3.11
        method: GET
        uri: http://127.0.0.1:9/tides
      response:
        body:
          string: '{"tide": "high"}'
        headers:
          Content-Type:
          - application/json
        status:
          code: 200
          message: OK
    version: 1
    """
)

SPACESTUDIO_TESTS = textwrap.dedent(
    """
    import os

    import pytest
    import spacestudio


    def test_with_the_client(spacestudio_client):
        assert spacestudio.simulation.get_all_orbits() == []


    @pytest.mark.vcr
    def test_marked_vcr():
        spacestudio.connect(os.environ["LOG_BASE_URL"], os.environ["LOG_MAIL"],
                            os.environ["LOG_PASSWORD"], os.environ["CLIENT_ID"],
                            auth_url=os.environ.get("SPACESTUDIO_AUTH_URL"))
        assert spacestudio.simulation.get_all_orbits() == []
    """
)


class _Forecast(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"sky": "clear"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def forecast_server() -> Iterator[ThreadingHTTPServer]:
    """Another HTTP service, on loopback, for the scratch project's tests to record."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Forecast)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _run_pytest(project: Path, *args: str, env: dict[str, str] | None = None) -> str:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "LOG_", "CLIENT_ID", "SPACESTUDIO_"))
    }
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=project,
        env={**environment, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


@pytest.fixture
def scratch_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pytest.ini").write_text("[pytest]\n")
    (project / "conftest.py").write_text('"""The scratch project\'s own conftest."""\n')
    (project / "test_other_service.py").write_text(OTHER_SERVICE_TESTS)
    plain = project / "cassettes" / "test_other_service" / "test_prerecorded.yaml"
    plain.parent.mkdir(parents=True)
    plain.write_text(PLAIN_VCRPY_CASSETTE)
    (project / "test_orbits.py").write_text(SPACESTUDIO_TESTS)
    return project


def test_another_services_tests_record_and_replay_plain_vcrpy_cassettes(
    scratch_project: Path, forecast_server: ThreadingHTTPServer
) -> None:
    port = {"FORECAST_PORT": str(forecast_server.server_address[1])}
    recorded = _run_pytest(scratch_project, "--record-mode=once", env=port)
    assert "4 passed" in recorded and "warning" not in recorded.lower(), recorded
    cassettes = scratch_project / "cassettes"
    forecast = (cassettes / "test_other_service" / "test_forecast.yaml").read_text()
    assert forecast.startswith("interactions:") and "version: 1" in forecast
    assert "/forecast" in forecast and "spacestudio" not in forecast
    # The pre-recorded vcrpy cassette replayed, untouched.
    prerecorded = cassettes / "test_other_service" / "test_prerecorded.yaml"
    assert prerecorded.read_text() == PLAIN_VCRPY_CASSETTE
    # The spacestudio tests of the same project still get spacestudio cassettes.
    for name in ("test_with_the_client", "test_marked_vcr"):
        text = (cassettes / "test_orbits" / f"{name}.yaml").read_text()
        assert "format: spacestudio-cassette/" in text
    forecast_server.shutdown()
    replayed = _run_pytest(scratch_project, env=port)
    assert "4 passed" in replayed and "warning" not in replayed.lower(), replayed


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    probe = textwrap.dedent(
        f"""
        import sys
        from importlib.metadata import entry_points

        (plugin,) = entry_points(group="pytest11", name="spacestudio")
        plugin.load()
        print(sorted(name for name in {HEAVY_MODULES!r} if name in sys.modules))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_record_modes_of_the_entry_point_are_the_cassettes() -> None:
    import spacestudio_pytest
    from spacestudio.cassettes import RECORD_MODES

    assert spacestudio_pytest.RECORD_MODES == RECORD_MODES
