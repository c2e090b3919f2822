"""The pytest plugin's entry point: options, markers, hooks and fixtures, loaded cheaply.

pytest loads this module (the ``pytest11`` entry point ``spacestudio``) in every run of
every project where the harness is installed, so it imports pytest and the standard
library alone: no ``spacestudio`` package (its ``__init__`` loads the whole client), no
vcrpy, yaml, requests or httpx. Each fixture imports what it does from
:mod:`spacestudio.pytest_plugin` when a test first asks for it, and a test that asks for
none loads nothing of the harness. Loading vcrpy here would also come before
pytest-recording registers ``vcr.matchers`` for assertion rewriting, which pytest warns
about in every run.

What the fixtures do, and which tests they leave alone, is told in
:mod:`spacestudio.pytest_plugin`.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

from spacestudio_pytest.stash import CALL_DONE_KEY, CALL_FAILED_KEY, SESSION_KEY

if TYPE_CHECKING:
    from fake_server.embedded import FakeServer
    from spacestudio.cassettes.session import CassetteSession
    from spacestudio.client import Client
    from spacestudio.pytest_cassettes import CassettePlan

#: pytest-recording's record modes, the choices of ``--record-mode`` (the same as
#: ``spacestudio.cassettes.RECORD_MODES``, which this module must not import; a test
#: keeps the two equal).
RECORD_MODES = ("once", "new_episodes", "none", "all", "rewrite")
#: The backends ``--record`` records against.
BACKENDS = ("fake", "live")
_RECORD_MODE_HELP = (
    "cassette record mode: none (replay only, the default), once (record missing "
    "cassettes), new_episodes (record requests a cassette lacks), all (record every "
    "request, keeping the others), rewrite (record afresh)"
)


def _implementation() -> ModuleType:
    """:mod:`spacestudio.pytest_plugin`, imported on first use."""
    import spacestudio.pytest_plugin

    return spacestudio.pytest_plugin


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
        help="whether tests marked vcr that use spacestudio (or replay a spacestudio "
        "cassette) get spacestudio cassettes (the default); false leaves every vcr test "
        "to pytest-recording's plain vcrpy cassettes",
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
        "cassette(path): the spacestudio cassette this test replays or records, relative to "
        "the test file's folder (default: cassettes/<test module>/<test name>.yaml there)",
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
    record_mode = config.getoption("--record-mode", default=None)
    if config.getoption("--record") and record_mode not in (None, "rewrite"):
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


# -- pytest-recording's fixtures ----------------------------------------------------------------
# Registered as a plugin of their own once every plugin is loaded (pytest_configure), so
# that they replace pytest-recording's namesakes: of two plugins' fixtures of one name,
# the one registered last is used.


def _fixture_record_mode(request: pytest.FixtureRequest) -> str:
    """The record mode the command line asks for (``none`` by default)."""
    if request.config.getoption("--record"):
        return "rewrite"
    return str(request.config.getoption("--record-mode", default=None) or "none")


def _fixture_disable_recording(request: pytest.FixtureRequest) -> bool:
    """Whether ``--disable-recording`` turns cassettes off."""
    return bool(request.config.getoption("--disable-recording", default=False))


def _fixture_vcr_config() -> dict[str, Any]:
    """Settings shared by the cassettes of a folder or module: ``record_mode`` and
    ``allowed_hosts`` apply to spacestudio cassettes, every setting to plain vcrpy ones."""
    return {}


def _fixture_vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    """The folder of the module's cassettes: ``cassettes/<module>`` beside it."""
    return str(_implementation().cassette_directory(request))


def _fixture_default_cassette_name(request: pytest.FixtureRequest) -> str:
    """The test's cassette name, without suffix (``[Class.]test_name``)."""
    return str(_implementation().cassette_name(request))


def _fixture_allowed_hosts(request: pytest.FixtureRequest) -> list[str]:
    """Hosts (regular expressions) that stay reachable and are never recorded."""
    return list(_implementation().hosts_allowed(request))


def _fixture_vcr_markers(request: pytest.FixtureRequest) -> list[pytest.Mark]:
    return list(request.node.iter_markers(name="vcr"))


def _fixture_spacestudio_cassette_plan(request: pytest.FixtureRequest) -> CassettePlan:
    """The test's spacestudio cassette: file, extra cassettes, record mode, hosts let through."""
    return _implementation().plan_of(request)  # type: ignore[no-any-return]


def _fixture_block_network(
    request: pytest.FixtureRequest, disable_recording: bool
) -> Iterator[None]:
    """``@pytest.mark.block_network`` / ``--block-network``: no connection leaves the
    process, but to allowed hosts, and to loopback while recording."""
    if request.node.get_closest_marker("block_network") is None and not (
        request.config.getoption("--block-network", default=False)
    ):
        yield
        return
    __tracebackhide__ = True
    yield from _implementation().blocked_network(request, disable_recording)


def _fixture_vcr(request: pytest.FixtureRequest, disable_recording: bool) -> Iterator[Any]:
    """The cassette of a test marked ``vcr`` or ``cassette`` (None for other tests): a
    spacestudio ``CassetteSession``, or vcrpy's ``Cassette`` for another service's test."""
    if not any(request.node.iter_markers(name="vcr")) and (
        request.node.get_closest_marker("cassette") is None
    ):
        yield None
        return
    __tracebackhide__ = True
    yield from _implementation().marked_cassette(request, disable_recording)


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
    placeholders to replay, else the backend a recording runs against."""
    yield from _implementation().settings_in_environment(request, monkeypatch)


@pytest.fixture
def spacestudio_cassette(
    request: pytest.FixtureRequest, spacestudio_settings: dict[str, str]
) -> Iterator[CassetteSession | None]:
    """The test's spacestudio cassette: replayed, or recorded under --record / --record-mode
    (None with --disable-recording). A recording whose test failed is not saved."""
    __tracebackhide__ = True
    yield from _implementation().test_cassette(request, spacestudio_settings)


@pytest.fixture
def spacestudio_client(
    spacestudio_cassette: CassetteSession | None, spacestudio_settings: dict[str, str]
) -> Iterator[Client]:
    """A client logged in through the test's cassette, and the module functions' default."""
    __tracebackhide__ = True
    yield from _implementation().connected_client(spacestudio_cassette, spacestudio_settings)


# -- reporting --------------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    # A cassette's refusal replaces the error it caused, told at the test's own line
    # (pytest hides the frames of this hook and of the session raising it).
    __tracebackhide__ = True
    session = item.stash.get(SESSION_KEY, None)
    try:
        result = yield
    except Exception as error:
        if session is not None:
            _implementation().raise_refusal_at_test_line(item, session, error)
        raise
    if session is not None:
        session.raise_refusal()
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if call.when == "call":
        item.stash[CALL_DONE_KEY] = True
        item.stash[CALL_FAILED_KEY] = report.failed
    return report
