"""A test file written for pytest-recording runs unchanged, with pytest-recording installed
and without it: markers, fixtures, the five record modes, --disable-recording,
--block-network with --allowed-hosts. Cassettes land where pytest-recording puts them,
wherever pytest starts, one per test file."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import pytest

# Imported here, in the outer session, so that pytester's in-process runs share these modules.
import fake_server.embedded  # noqa: F401
import spacestudio.cassettes
import spacestudio.pytest_plugin  # noqa: F401

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

HAS_PYTEST_RECORDING = importlib.util.find_spec("pytest_recording") is not None
# The two ways a user meets the plugin: beside pytest-recording, or alone.
PLUGIN_SETS = [
    pytest.param(
        ["-p", "pytest_recording"],
        id="with-pytest-recording",
        marks=pytest.mark.skipif(not HAS_PYTEST_RECORDING, reason="pytest-recording absent"),
    ),
    pytest.param(["-p", "no:recording"], id="without-pytest-recording"),
]
QUIET = ["-p", "no:hypothesispytest", "-p", "no:cacheprovider", "-p", "no:randomly"]

RECORDING_USER_TEST = textwrap.dedent(
    """
    import os
    import socket

    import pytest
    import spacestudio
    import spacestudio.cassettes


    @pytest.fixture(scope="module")
    def vcr_config():
        # What pytest-recording users write; the scrubber makes the filter unnecessary.
        return {"filter_headers": ["authorization"]}


    def connect():
        return spacestudio.connect(
            os.environ["LOG_BASE_URL"], os.environ["LOG_MAIL"], os.environ["LOG_PASSWORD"],
            os.environ["CLIENT_ID"], auth_url=os.environ.get("SPACESTUDIO_AUTH_URL"))


    def orbits():
        connect()
        spacestudio.simulation.create_orbit(
            {"name": "LEO", "type": "Circular", "altitude": 6e5})
        return [orbit["name"] for orbit in spacestudio.simulation.get_all_orbits()]


    @pytest.mark.vcr
    def test_orbits():
        assert orbits() == ["LEO"]


    @pytest.mark.vcr("test_orbits.yaml")
    def test_reuses_another_cassette():
        assert orbits() == ["LEO"]


    class TestGrouped:
        @pytest.mark.vcr
        def test_in_a_class(self):
            assert orbits() == ["LEO"]


    @pytest.mark.default_cassette("renamed")
    @pytest.mark.vcr
    def test_named():
        assert orbits() == ["LEO"]


    @pytest.mark.block_network
    def test_blocked():
        # Refused before a packet leaves: not a timeout, nor an unreachable network.
        with pytest.raises(spacestudio.cassettes.NetworkBlockedError):
            socket.create_connection(("192.0.2.1", 9), timeout=0.5)
    """
)


@pytest.fixture
def recording_user(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_user=RECORDING_USER_TEST)
    return pytester


def _cassettes(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*.yaml"))


@pytest.mark.parametrize("plugins", PLUGIN_SETS)
def test_a_pytest_recording_test_file_records_and_replays_unchanged(
    recording_user: pytest.Pytester, plugins: list[str]
) -> None:
    recorded = recording_user.runpytest(*QUIET, *plugins, "--record-mode=once")
    recorded.assert_outcomes(passed=5)
    assert _cassettes(recording_user.path) == [
        "cassettes/test_user/TestGrouped.test_in_a_class.yaml",
        "cassettes/test_user/renamed.yaml",
        "cassettes/test_user/test_orbits.yaml",
    ]
    text = (recording_user.path / "cassettes/test_user/test_orbits.yaml").read_text()
    assert "127.0.0.1" not in text and "recorded_against: fake" in text
    recording_user.runpytest(*QUIET, *plugins).assert_outcomes(passed=5)
    recording_user.runpytest(*QUIET, *plugins, "--record-mode=none").assert_outcomes(passed=5)
    # Blocked, with and without an allowed host; a replay blocks the network by itself.
    recording_user.runpytest(
        *QUIET, *plugins, "--block-network", "--allowed-hosts=192\\.0\\.2\\.7"
    ).assert_outcomes(passed=5)
    # Recording with the network blocked: the fake server on loopback is let through.
    recording_user.runpytest(
        *QUIET, *plugins, "--record-mode=rewrite", "--block-network"
    ).assert_outcomes(passed=5)
    disabled = recording_user.runpytest(*QUIET, *plugins, "--disable-recording", "-k", "orbits")
    disabled.assert_outcomes(passed=1)


@pytest.mark.parametrize("mode", ["new_episodes", "all", "rewrite"])
def test_every_record_mode_keeps_a_cassette_that_replays(
    recording_user: pytest.Pytester, mode: str
) -> None:
    recording_user.runpytest(*QUIET, "--record-mode=once", "-k", "test_orbits").assert_outcomes(
        passed=1
    )
    cassette = recording_user.path / "cassettes/test_user/test_orbits.yaml"
    before = cassette.read_text()
    result = recording_user.runpytest(*QUIET, f"--record-mode={mode}", "-k", "test_orbits")
    result.assert_outcomes(passed=1)
    after = cassette.read_text()
    assert after.count("uri:") == before.count("uri:")  # nothing doubled, nothing lost
    recording_user.runpytest(*QUIET, "-k", "test_orbits").assert_outcomes(passed=1)


def test_allowed_hosts_reach_the_network_while_blocked(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_allowed=textwrap.dedent(
            """
            import socket
            import pytest

            @pytest.mark.block_network(allowed_hosts=["127\\\\.0\\\\.0\\\\.1"])
            def test_loopback_allowed():
                server = socket.create_server(("127.0.0.1", 0))
                socket.create_connection(server.getsockname(), timeout=1).close()
                server.close()

            @pytest.mark.block_network
            def test_loopback_blocked():
                server = socket.create_server(("127.0.0.1", 0))
                with pytest.raises(Exception, match="network"):
                    socket.create_connection(server.getsockname(), timeout=1)
                server.close()
            """
        )
    )
    pytester.runpytest(*QUIET, "-p", "no:recording").assert_outcomes(passed=2)


SAME_NAME_TEST = textwrap.dedent(
    """
    import spacestudio

    def test_foo(spacestudio_client):
        spacestudio.simulation.create_orbit({"name": "{NAME}", "type": "Circular",
                                             "altitude": 6e5})
    """
)


def test_same_named_tests_in_two_folders_get_two_cassettes_wherever_pytest_starts(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No ini file: pytest's rootdir is wherever it starts, the cassettes are not.
    for folder in ("a", "b"):
        test_file = pytester.path / "tests" / folder / "test_x.py"
        test_file.parent.mkdir(parents=True)
        test_file.write_text(SAME_NAME_TEST.replace("{NAME}", folder.upper()))
    importlib_mode = "--import-mode=importlib"  # two modules named test_x, no packages
    pytester.runpytest(*QUIET, importlib_mode, "--record", "tests").assert_outcomes(passed=2)
    assert _cassettes(pytester.path) == [
        "tests/a/cassettes/test_x/test_foo.yaml",
        "tests/b/cassettes/test_x/test_foo.yaml",
    ]
    assert '"A"' in (pytester.path / "tests/a/cassettes/test_x/test_foo.yaml").read_text()
    assert '"B"' in (pytester.path / "tests/b/cassettes/test_x/test_foo.yaml").read_text()
    monkeypatch.chdir(pytester.path / "tests")
    pytester.runpytest(*QUIET, importlib_mode).assert_outcomes(passed=2)
    monkeypatch.chdir(pytester.path / "tests" / "a")
    pytester.runpytest(*QUIET, importlib_mode).assert_outcomes(passed=1)


FAILING_NEW_EPISODE = textwrap.dedent(
    """
    import os
    import spacestudio

    def test_orbits(spacestudio_client):
        spacestudio.simulation.create_orbit({"name": "LEO", "type": "Circular",
                                             "altitude": 6e5})
        if os.environ.get("MORE"):
            spacestudio.simulation.get_all_spacecrafts()
            assert os.environ["MORE"] == "pass"
    """
)


def test_new_episodes_reaches_the_backend_and_a_failed_test_saves_nothing(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_more=FAILING_NEW_EPISODE)
    pytester.runpytest(*QUIET, "--record").assert_outcomes(passed=1)
    cassette = pytester.path / "cassettes/test_more/test_orbits.yaml"
    before = cassette.read_bytes()
    monkeypatch.setenv("MORE", "fail")
    pytester.runpytest(*QUIET, "--record-mode=new_episodes").assert_outcomes(failed=1)
    assert cassette.read_bytes() == before  # the failed test's recording was not saved
    monkeypatch.setenv("MORE", "pass")
    pytester.runpytest(*QUIET, "--record-mode=new_episodes").assert_outcomes(passed=1)
    text = cassette.read_text()
    assert "/spacecraftdefinitions" in text and "code: 401" not in text
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)


@pytest.mark.skipif(not HAS_PYTEST_RECORDING, reason="pytest-recording absent")
def test_a_suite_can_leave_the_vcr_marker_to_pytest_recording(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nspacestudio_vcr = false\n")
    pytester.makepyfile(
        test_other=textwrap.dedent(
            """
            import pytest
            import spacestudio

            @pytest.mark.vcr
            def test_vcr_is_pytest_recordings(vcr):
                assert type(vcr).__module__ == "vcr.cassette"  # a vcrpy cassette, not ours

            def test_spacestudio_still_replays(spacestudio_client):
                spacestudio.simulation.get_all_orbits()
            """
        )
    )
    pytester.runpytest(*QUIET, "-p", "pytest_recording", "--record").assert_outcomes(passed=2)
    assert (pytester.path / "cassettes/test_other/test_spacestudio_still_replays.yaml").is_file()
    pytester.runpytest(*QUIET, "-p", "pytest_recording").assert_outcomes(passed=2)
