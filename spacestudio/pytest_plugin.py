"""pytest plugin: recorded spacestudio sessions replayed offline, the pytest-recording way.

A test replays its cassette when it uses ``spacestudio_client`` (a connected client) or
``spacestudio_cassette``, or is marked ``@pytest.mark.vcr`` or ``@pytest.mark.cassette``:
``<test file's folder>/cassettes/<test module>/<test name>.yaml``, as pytest-recording
places them (the ``vcr_cassette_dir`` and ``default_cassette_name`` fixtures, or the
``cassette("path")`` marker, choose another file), with no network and no waiting.
``pytest --record`` records those cassettes again, against the fake server started on
loopback for each test (``--backend fake``, the default) or against the service the
settings name (``--backend live``: ``LOG_BASE_URL``, ``LOG_MAIL``, ``LOG_PASSWORD``,
``CLIENT_ID``, ``SPACESTUDIO_AUTH_URL`` from the environment or ``.env``).

pytest-recording's conventions hold, with or without that plugin installed: its
options (``--record-mode`` in its five modes, ``--disable-recording``,
``--block-network``, ``--allowed-hosts``), its markers (``vcr`` with extra cassettes,
``block_network``, ``default_cassette``) and its fixtures (``vcr_config``,
``vcr_cassette_dir``, ``default_cassette_name``, ``record_mode``, ``vcr``). When it is
installed it owns the options, and this plugin's fixtures replace its ``vcr`` and
``block_network``, so every cassette is a scrubbed spacestudio cassette.

Fixtures: ``spacestudio_client`` (a connected client, also the default client of the
module functions), ``spacestudio_cassette`` (the cassette in use),
``spacestudio_fake_server`` (a fake server for the session) and ``spacestudio_settings``
(what the client connects with).

This module is the plugin's glue: options, markers, hooks and fixtures. Which cassette
a test uses, in which record mode, and the backend a recording runs against are
:mod:`spacestudio.pytest_cassettes`.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

from spacestudio.cassettes.record_modes import RECORD_MODES
from spacestudio.pytest_cassettes import (
    BACKENDS,
    CASSETTE_DIRECTORY,
    CassettePlan,
    allowed_hosts,
    backend_settings,
    cassette_plan,
    default_cassette_directory,
    default_name,
    hosts_through_blocked_network,
    marked_for_cassette,
    record_mode_option,
    session_record_mode,
    use_test_cassette,
)

if TYPE_CHECKING:
    from fake_server.embedded import FakeServer
    from spacestudio.cassettes.session import CassetteSession
    from spacestudio.client import Client

_SESSION_KEY = pytest.StashKey["CassetteSession"]()
_CALL_FAILED_KEY = pytest.StashKey[bool]()
_CALL_DONE_KEY = pytest.StashKey[bool]()
_RECORD_MODE_HELP = (
    "cassette record mode: none (replay only, the default), once (record missing "
    "cassettes), new_episodes (record requests a cassette lacks), all (record every "
    "request, keeping the others), rewrite (record afresh)"
)


# -- options ----------------------------------------------------------------------------------


def _recording_plugin_provides_record_mode(pluginmanager: pytest.PytestPluginManager) -> bool:
    """Whether pytest-recording is (or, installed, will be) what registers --record-mode."""
    if pluginmanager.has_plugin("recording") or pluginmanager.has_plugin("pytest_recording"):
        return True
    return (
        importlib.util.find_spec("pytest_recording") is not None
        and not os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
        and not pluginmanager.is_blocked("recording")
    )


def _has_option(parser: pytest.Parser, name: str) -> bool:
    return any(name in option.names() for option in parser.getgroup("recording").options)


def _add_recording_options(parser: pytest.Parser) -> None:
    # pytest-recording's group, spellings and defaults, so that whichever plugin comes
    # first owns them and a test suite written for it runs with either.
    group = parser.getgroup("recording")
    group.addoption(
        "--record-mode", action="store", default=None, choices=RECORD_MODES, help=_RECORD_MODE_HELP
    )
    group.addoption(
        "--block-network",
        action="store_true",
        default=False,
        help="block network access, except to a fake server being recorded against",
    )
    group.addoption(
        "--allowed-hosts",
        action="store",
        default=None,
        help="regular expressions, separated by commas, of hosts that stay reachable "
        "(never recorded) while the network is blocked or a cassette is in use",
    )
    group.addoption(
        "--disable-recording",
        action="store_true",
        default=False,
        help="use no cassette: tests marked vcr reach whatever backend the settings name",
    )


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    group = parser.getgroup("spacestudio", "spacestudio cassettes")
    group.addoption(
        "--record",
        action="store_true",
        default=False,
        help="record the cassettes of the tests that use spacestudio_client afresh "
        "(--record-mode=rewrite), against the backend --backend names",
    )
    group.addoption(
        "--backend",
        action="store",
        default="fake",
        choices=BACKENDS,
        help="what --record records against: fake (a fake server on loopback, the "
        "default) or live (the service named by LOG_BASE_URL … in the environment or .env)",
    )
    parser.addini(
        "spacestudio_vcr",
        type="bool",
        default=True,
        help="whether tests marked vcr record spacestudio cassettes (the default), or, with "
        "pytest-recording installed and this false, keep pytest-recording's vcrpy cassettes "
        "(for a suite whose vcr tests talk to other services)",
    )
    if not _recording_plugin_provides_record_mode(pluginmanager):
        _add_recording_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    # Every plugin given by entry point or -p is registered now: if none of them brought
    # --record-mode (pytest-recording installed but not loaded), bring the options.
    if not _has_option(parser, "--record-mode"):
        _add_recording_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "cassette(path): the cassette this test replays or records, relative to the test "
        f"file's folder (default: {CASSETTE_DIRECTORY}/<test module>/<test name>.yaml there)",
    )
    # pytest-recording's markers, for when it is not installed (declaring one twice is
    # harmless when it is).
    for line in (
        "vcr(*extra_cassettes, **config): replay (or record) the test's cassette",
        "block_network(allowed_hosts=None): block network access except for recording",
        "default_cassette(name): the test's cassette name",
        "allowed_hosts(*hosts): hosts that stay reachable",
    ):
        config.addinivalue_line("markers", line)
    if config.getoption("--record") and record_mode_option(config) not in (None, "rewrite"):
        raise pytest.UsageError(
            "--record records afresh (--record-mode=rewrite); give either --record or "
            "--record-mode, not both"
        )
    # Registered now, after every plugin loaded by entry point: these fixtures replace
    # pytest-recording's namesakes when it is installed (the last plugin registered wins).
    if not config.pluginmanager.has_plugin("spacestudio-recording-conventions"):
        recording_plugin = config.pluginmanager.has_plugin("recording")
        only = None
        if recording_plugin and not config.getini("spacestudio_vcr"):
            only = {"spacestudio_cassette_plan"}  # pytest-recording keeps the rest
        config.pluginmanager.register(
            _conventions_plugin(only), "spacestudio-recording-conventions"
        )


# pytest-recording's fixtures, serving spacestudio cassettes (see the module doc). They are
# registered as a plugin of their own once every plugin is loaded (pytest_configure), so
# that they replace pytest-recording's namesakes: of two plugins' fixtures of one name,
# the one registered last is used.


def _fixture_record_mode(request: pytest.FixtureRequest) -> str:
    """The record mode the command line asks for (``none`` by default)."""
    return str(session_record_mode(request.config))


def _fixture_disable_recording(request: pytest.FixtureRequest) -> bool:
    """Whether ``--disable-recording`` turns cassettes off."""
    return bool(request.config.getoption("--disable-recording", default=False))


def _fixture_vcr_config() -> dict[str, Any]:
    """Settings shared by the cassettes of a folder or module: ``record_mode`` and
    ``allowed_hosts`` apply; vcrpy's filters and matchers are not needed (every
    cassette is scrubbed and matched the spacestudio way)."""
    return {}


def _fixture_vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    """The folder of the module's cassettes: ``cassettes/<module>`` beside it."""
    return str(default_cassette_directory(request.node))


def _fixture_default_cassette_name(request: pytest.FixtureRequest) -> str:
    """The test's cassette name, without suffix (``[Class.]test_name``)."""
    return default_name(request.node)


def _fixture_allowed_hosts(request: pytest.FixtureRequest) -> list[str]:
    """Hosts (regular expressions) that stay reachable and are never recorded."""
    return list(allowed_hosts(request, request.getfixturevalue("vcr_config") or {}))


def _fixture_vcr_markers(request: pytest.FixtureRequest) -> list[pytest.Mark]:
    return list(request.node.iter_markers(name="vcr"))


def _fixture_spacestudio_cassette_plan(request: pytest.FixtureRequest) -> CassettePlan:
    """The test's cassette: file, extra cassettes, record mode, hosts let through."""
    return cassette_plan(request)


def _fixture_block_network(
    request: pytest.FixtureRequest, disable_recording: bool
) -> Iterator[None]:
    """``@pytest.mark.block_network`` / ``--block-network``: no connection leaves the
    process, but to allowed hosts, and to loopback while recording against the fake
    server (replaying, a cassette blocks the network by itself)."""
    from spacestudio.cassettes.network import network_blocked

    item = request.node
    marker = item.get_closest_marker("block_network")
    if marker is not None and (marker.args or set(marker.kwargs) - {"allowed_hosts"}):
        raise pytest.UsageError(
            f"{item.nodeid}: @pytest.mark.block_network takes only allowed_hosts=[...]"
        )
    if marker is None and not request.config.getoption("--block-network", default=False):
        yield
        return
    allowed = hosts_through_blocked_network(request, disable_recording)
    if allowed is None:
        yield  # recording against the live service: it must be reachable
        return
    with network_blocked(f"The network is blocked for {item.nodeid}", allowed):
        yield


def _fixture_vcr(
    request: pytest.FixtureRequest, disable_recording: bool
) -> Iterator[CassetteSession | None]:
    """The cassette of a test marked ``vcr`` or ``cassette`` (None for other tests)."""
    item = request.node
    if not marked_for_cassette(item):
        yield None
        return
    # With --disable-recording, no cassette but the settings of the backend --backend
    # names (a fake server of its own by default).
    yield request.getfixturevalue("spacestudio_cassette")


#: (name, function, fixture options) of each fixture of the conventions.
_CONVENTIONS: list[tuple[str, Any, dict[str, Any]]] = [
    ("record_mode", _fixture_record_mode, {"scope": "session"}),
    ("disable_recording", _fixture_disable_recording, {"scope": "session"}),
    ("vcr_config", _fixture_vcr_config, {}),
    ("vcr_cassette_dir", _fixture_vcr_cassette_dir, {"scope": "module"}),
    ("default_cassette_name", _fixture_default_cassette_name, {}),
    ("allowed_hosts", _fixture_allowed_hosts, {}),
    ("vcr_markers", _fixture_vcr_markers, {}),
    ("spacestudio_cassette_plan", _fixture_spacestudio_cassette_plan, {}),
    ("block_network", _fixture_block_network, {"autouse": True}),
    ("vcr", _fixture_vcr, {"autouse": True}),
]


def _conventions_plugin(only: set[str] | None = None) -> ModuleType:
    plugin = ModuleType("spacestudio_recording_conventions")
    for name, function, options in _CONVENTIONS:
        if only is not None and name not in only:
            continue
        function.__name__ = name
        setattr(plugin, name, pytest.fixture(name=name, **options)(function))
    return plugin


# -- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def spacestudio_fake_server() -> Iterator[FakeServer]:
    """A fake spacestudio server on a free loopback port for the session (one per worker)."""
    from fake_server.embedded import FakeServer

    with FakeServer() as server:
        yield server


@pytest.fixture
def spacestudio_fake_server_options() -> dict[str, Any]:
    """Keyword arguments of the fake server ``--record`` records a test against
    (``accounts``, ``client_ids`` …); override it to record against other settings."""
    return {}


@pytest.fixture
def spacestudio_settings(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    """What the test's client connects with, also set in the environment for the test:
    placeholders to replay, else the backend a recording runs against (see
    :func:`~spacestudio.pytest_cassettes.backend_settings`)."""
    with backend_settings(request) as settings:
        for key, value in settings.items():
            monkeypatch.setenv(key, value)
        yield settings


@pytest.fixture
def spacestudio_cassette(
    request: pytest.FixtureRequest, spacestudio_settings: dict[str, str]
) -> Iterator[CassetteSession | None]:
    """The cassette of the test: replayed, or recorded under --record / --record-mode
    (None with --disable-recording). A recording whose test failed is not saved."""
    from spacestudio.cassettes.errors import CassetteMismatchError

    if request.getfixturevalue("disable_recording"):
        yield None
        return
    item = request.node
    plan: CassettePlan = request.getfixturevalue("spacestudio_cassette_plan")
    try:
        with use_test_cassette(request, plan, spacestudio_settings) as session:
            item.stash[_SESSION_KEY] = session
            yield session
            interrupted = not item.stash.get(_CALL_DONE_KEY, False)
            if (interrupted or item.stash.get(_CALL_FAILED_KEY, False)) and not session.replaying:
                # An interrupted (Ctrl-C) or failed test keeps the previous cassette: what
                # it recorded is not what the test expects.
                session.discard()
    except CassetteMismatchError:
        session = item.stash.get(_SESSION_KEY, None)
        if session is None or not session.reported:
            raise


@pytest.fixture
def spacestudio_client(
    spacestudio_cassette: CassetteSession | None, spacestudio_settings: dict[str, str]
) -> Iterator[Client]:
    """A client logged in through the test's cassette, and the module functions' default."""
    import spacestudio
    from spacestudio.client import default_client, set_default_client
    from spacestudio.errors import NotConnectedError

    try:
        previous: Client | None = default_client()
    except NotConnectedError:
        previous = None
    try:
        client = spacestudio.connect(
            spacestudio_settings["LOG_BASE_URL"],
            spacestudio_settings["LOG_MAIL"],
            spacestudio_settings["LOG_PASSWORD"],
            spacestudio_settings["CLIENT_ID"],
            auth_url=spacestudio_settings.get("SPACESTUDIO_AUTH_URL"),
            realm=spacestudio_settings.get("SPACESTUDIO_REALM"),
        )
    except Exception as error:
        if spacestudio_cassette is not None:
            spacestudio_cassette.raise_refusal(error)
        raise
    try:
        yield client
    finally:
        client.close()
        set_default_client(previous)


# -- reporting --------------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    session = item.stash.get(_SESSION_KEY, None)
    try:
        result = yield
    except Exception as error:
        if session is not None:
            session.raise_refusal(error)
        raise
    if session is not None:
        session.raise_refusal()
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if call.when == "call":
        item.stash[_CALL_DONE_KEY] = True
        item.stash[_CALL_FAILED_KEY] = report.failed
    return report
