"""The pytest plugin as a user meets it: --record, replay by default, explained failures."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import pytest

# Imported here, in the outer session, so that pytester's in-process runs share these modules
# (C extensions such as libyaml's and numpy's cannot be imported a second time).
import fake_server.embedded  # noqa: F401
import spacestudio.cassettes
import spacestudio.pytest_plugin  # noqa: F401

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

USER_TEST = textwrap.dedent(
    """
    import os

    import pytest
    import spacestudio

    ALTITUDE = float(os.environ.get("ORBIT_ALTITUDE", "600000"))


    def test_orbit(spacestudio_client):
        spacestudio.simulation.create_orbit({"name": "LEO", "type": "Circular",
                                             "altitude": ALTITUDE})
        assert spacestudio.simulation.get_orbit("LEO")["altitude"] == ALTITUDE


    @pytest.mark.cassette("cassettes/shared/named.yaml")
    def test_named(spacestudio_client):
        assert spacestudio.simulation.get_all_orbits() == []
    """
)


@pytest.fixture
def user_project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_user=USER_TEST)
    # Plugins the inner runs do not need, and that would import again at every run.
    pytester.makeini("[pytest]\naddopts = -p no:hypothesispytest -p no:cacheprovider\n")
    return pytester


def test_record_then_replay_with_no_server(user_project: pytest.Pytester) -> None:
    recorded = user_project.runpytest("--record")
    recorded.assert_outcomes(passed=2)
    cassette = user_project.path / "cassettes" / "test_user" / "test_orbit.yaml"
    assert cassette.is_file()
    assert (user_project.path / "cassettes" / "shared" / "named.yaml").is_file()
    assert "127.0.0.1" not in cassette.read_text()

    replayed = user_project.runpytest()
    replayed.assert_outcomes(passed=2)


def test_a_changed_request_fails_with_the_difference_and_the_record_command(
    user_project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_project.runpytest("--record").assert_outcomes(passed=2)
    monkeypatch.setenv("ORBIT_ALTITUDE", "650000")
    result = user_project.runpytest("-k", "test_orbit")
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert "CassetteMismatchError" in output
    assert "POST /exoops/users/" in output
    assert "$.altitude: recorded 600000.0, sent 650000.0" in output
    assert "pytest --record test_user.py::test_orbit" in output
    assert " error" not in result.parseoutcomes()  # reported once, not again at teardown
    # The failure points at the test's own line, not at the plugin's source.
    assert "test_user.py:10: CassetteMismatchError" in output
    assert "spacestudio_pytest/__init__.py" not in output and "pytest_plugin.py" not in output
    assert "cassettes/session.py" not in output


def test_a_missing_cassette_is_explained(user_project: pytest.Pytester) -> None:
    result = user_project.runpytest("-k", "test_named")
    result.assert_outcomes(errors=1)
    output = result.stdout.str()
    assert "cassettes/shared/named.yaml does not exist" in output
    assert "pytest --record test_user.py::test_named" in output


def test_record_mode_once_records_only_missing_cassettes(user_project: pytest.Pytester) -> None:
    user_project.runpytest("--record", "-k", "test_orbit").assert_outcomes(passed=1)
    cassette = user_project.path / "cassettes" / "test_user" / "test_orbit.yaml"
    before = cassette.read_bytes()
    user_project.runpytest("--record-mode=once").assert_outcomes(passed=2)
    assert cassette.read_bytes() == before
    assert (user_project.path / "cassettes" / "shared" / "named.yaml").is_file()


def test_record_and_record_mode_together_are_refused(user_project: pytest.Pytester) -> None:
    result = user_project.runpytest("--record", "--record-mode=none")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*give either --record or --record-mode*"])


@pytest.mark.skipif(
    importlib.util.find_spec("pytest_recording") is None, reason="pytest-recording not installed"
)
def test_coexists_with_pytest_recording(user_project: pytest.Pytester) -> None:
    user_project.makepyfile(
        test_vcr=textwrap.dedent(
            """
            import pytest

            @pytest.mark.vcr
            @pytest.mark.block_network
            def test_plain():
                pass
            """
        )
    )
    user_project.runpytest("--record").assert_outcomes(passed=3)
    for plugins in (["-p", "pytest_recording"], ["-p", "no:recording"]):
        result = user_project.runpytest("--strict-markers", "--record-mode=none", *plugins)
        result.assert_outcomes(passed=3)


def test_records_and_replays_under_xdist(user_project: pytest.Pytester) -> None:
    recorded = user_project.runpytest_subprocess("-n", "2", "-p", "xdist", "--record")
    recorded.assert_outcomes(passed=2)
    assert len(list(Path(user_project.path, "cassettes").rglob("*.yaml"))) == 2
    replayed = user_project.runpytest_subprocess("-n", "2", "-p", "xdist")
    replayed.assert_outcomes(passed=2)
