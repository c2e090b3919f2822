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
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

from spacestudio.cassettes.record_modes import RECORD_MODES
from spacestudio_contract.endpoints import DEFAULT_AUTH_URL

if TYPE_CHECKING:
    from fake_server.embedded import FakeServer
    from spacestudio.cassettes.record_modes import RecordMode
    from spacestudio.cassettes.session import CassetteSession
    from spacestudio.client import Client

BACKENDS = ("fake", "live")
#: The settings a recording against the live service needs.
LIVE_SETTINGS = ("LOG_BASE_URL", "LOG_MAIL", "LOG_PASSWORD", "CLIENT_ID")
CASSETTE_DIRECTORY = "cassettes"
#: Where a fake server listens: let through a blocked network while recording against it.
LOOPBACK_HOSTS = (r"127\.", r"::1$", r"localhost$")

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


def record_mode_option(config: pytest.Config) -> str | None:
    value: str | None = config.getoption("--record-mode", default=None)
    return value


def session_record_mode(config: pytest.Config) -> RecordMode:
    """The record mode of this run: ``rewrite`` with --record, else --record-mode or none."""
    from spacestudio.cassettes.record_modes import check_record_mode

    if config.getoption("--record"):
        return "rewrite"
    return check_record_mode(record_mode_option(config) or "none")


# -- where a test's cassette lives ----------------------------------------------------------


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "cassette"


def default_cassette_directory(item: pytest.Item) -> Path:
    """``cassettes/<module>`` beside the test file: the same wherever pytest starts, and
    distinct for same-named modules in different folders (pytest-recording's place)."""
    test_file = Path(str(item.path))
    return test_file.parent / CASSETTE_DIRECTORY / test_file.stem


def default_name(item: pytest.Item) -> str:
    """``[Class.]test_name`` of ``item``, its parameters included, safe as a file name."""
    marker = item.get_closest_marker("default_cassette")
    if marker is not None:
        if not marker.args:
            raise pytest.UsageError(
                f"{item.nodeid}: @pytest.mark.default_cassette takes the cassette name"
            )
        return str(marker.args[0])
    parts = [
        _safe_name(getattr(node, "name", ""))
        for node in item.listchain()
        if isinstance(node, pytest.Class)
    ]
    return ".".join([*parts, _safe_name(item.name)])


def _with_suffix(name: str) -> str:
    return name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"


def cassette_path_for(
    item: pytest.Item, directory: Path | None = None, name: str | None = None
) -> Path:
    """The cassette of ``item``: its ``cassette`` marker (relative to the test file's
    folder), else ``directory/name.yaml`` (by default pytest-recording's place)."""
    marker = item.get_closest_marker("cassette")
    if marker is not None:
        if len(marker.args) != 1 or not isinstance(marker.args[0], str | os.PathLike):
            raise pytest.UsageError(
                f"{item.nodeid}: @pytest.mark.cassette takes one path, e.g. "
                '@pytest.mark.cassette("cassettes/shared/login.yaml")'
            )
        return Path(str(item.path)).parent / Path(marker.args[0])
    directory = directory if directory is not None else default_cassette_directory(item)
    return Path(directory) / _with_suffix(name if name is not None else default_name(item))


def record_command(item: pytest.Item, cassette: Path | None = None) -> str:
    """The command that records ``item``'s cassette again, against the backend it was
    recorded against (``--backend live`` when the cassette says so)."""
    from spacestudio.cassettes.storage import recorded_against

    backend = item.config.getoption("--backend")
    if cassette is not None and cassette.is_file():
        backend = recorded_against(cassette) or backend
    extra = " --backend live" if backend == "live" else ""
    return f"pytest --record{extra} {shlex.quote(item.nodeid)}"


@dataclass(frozen=True)
class CassettePlan:
    """What a test's cassette is: its file, the extra ones replayed with it, the record
    mode and the hosts let through."""

    path: Path
    extra_paths: tuple[Path, ...]
    mode: RecordMode
    allowed_hosts: tuple[str, ...]


def _allowed_hosts(request: pytest.FixtureRequest, config: dict[str, Any]) -> tuple[str, ...]:
    # pytest-recording's priority: the block_network marker, the option, vcr_config.
    marker = request.node.get_closest_marker("block_network")
    hosts = (
        (marker.kwargs.get("allowed_hosts") if marker is not None else None)
        or request.config.getoption("--allowed-hosts", default=None)
        or config.get("allowed_hosts")
    )
    if isinstance(hosts, str):
        hosts = hosts.split(",")
    return tuple(str(host).strip() for host in hosts or () if str(host).strip())


def _plan(request: pytest.FixtureRequest) -> CassettePlan:
    from spacestudio.cassettes.record_modes import check_record_mode

    item = request.node
    markers = list(item.iter_markers(name="vcr"))
    config: dict[str, Any] = dict(request.getfixturevalue("vcr_config") or {})
    for marker in reversed(markers):
        config.update(marker.kwargs)
    directory = Path(request.getfixturevalue("vcr_cassette_dir"))
    path = cassette_path_for(item, directory, request.getfixturevalue("default_cassette_name"))
    extras = tuple(
        directory / _with_suffix(str(extra)) if not os.path.isabs(extra) else Path(extra)
        for marker in markers
        for extra in marker.args
    )
    if request.config.getoption("--record") or record_mode_option(request.config):
        mode = session_record_mode(request.config)
    else:
        mode = check_record_mode(str(config.get("record_mode") or "none"))
    return CassettePlan(path, extras, mode, _allowed_hosts(request, config))


def _records(plan: CassettePlan) -> bool:
    from spacestudio.cassettes.record_modes import touches_backend

    return touches_backend(plan.mode, plan.path, plan.extra_paths)


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
    test_file = Path(str(request.node.path))
    return str(test_file.parent / CASSETTE_DIRECTORY / test_file.stem)


def _fixture_default_cassette_name(request: pytest.FixtureRequest) -> str:
    """The test's cassette name, without suffix (``[Class.]test_name``)."""
    return default_name(request.node)


def _fixture_allowed_hosts(request: pytest.FixtureRequest) -> list[str]:
    """Hosts (regular expressions) that stay reachable and are never recorded."""
    return list(_allowed_hosts(request, request.getfixturevalue("vcr_config") or {}))


def _fixture_vcr_markers(request: pytest.FixtureRequest) -> list[pytest.Mark]:
    return list(request.node.iter_markers(name="vcr"))


def _fixture_spacestudio_cassette_plan(request: pytest.FixtureRequest) -> CassettePlan:
    """The test's cassette: file, extra cassettes, record mode, hosts let through."""
    return _plan(request)


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
    plan = request.getfixturevalue("spacestudio_cassette_plan")
    allowed = plan.allowed_hosts
    if _uses_cassette(item) and not disable_recording and _records(plan):
        if request.config.getoption("--backend") != "fake":
            yield  # recording against the live service: it must be reachable
            return
        allowed = (*allowed, *LOOPBACK_HOSTS)
    with network_blocked(f"The network is blocked for {item.nodeid}", allowed):
        yield


def _fixture_vcr(
    request: pytest.FixtureRequest, disable_recording: bool
) -> Iterator[CassetteSession | None]:
    """The cassette of a test marked ``vcr`` or ``cassette`` (None for other tests)."""
    item = request.node
    if not _marked_for_cassette(item):
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


def _marked_for_cassette(item: pytest.Item) -> bool:
    return any(item.iter_markers(name="vcr")) or item.get_closest_marker("cassette") is not None


def _uses_cassette(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    return _marked_for_cassette(item) or any(
        name in names for name in ("spacestudio_client", "spacestudio_cassette")
    )


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


def _live_settings(config: pytest.Config) -> dict[str, str]:
    from dotenv import dotenv_values

    from_file = {
        key: value
        for key, value in dotenv_values(config.rootpath / ".env").items()
        if value is not None
    }
    settings = {**from_file, **{key: os.environ[key] for key in os.environ}}
    missing = [name for name in LIVE_SETTINGS if not settings.get(name)]
    if missing:
        raise pytest.UsageError(
            f"--backend live records against the service the settings name, but "
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set: set them "
            "in the environment or in .env at the rootdir"
        )
    keys = (*LIVE_SETTINGS, "SPACESTUDIO_AUTH_URL", "SPACESTUDIO_REALM", "VERIFY_SSL_CERTIFICATE")
    return {key: settings[key] for key in keys if settings.get(key)}


@pytest.fixture
def spacestudio_settings(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    """What the test's client connects with, also set in the environment for the test.

    Replaying: placeholders (nothing checks them). Recording with ``--backend fake``: a
    fresh fake server for this test alone, so its cassette does not depend on what other
    tests left on a shared server; its clock stands still
    (``fake_server.embedded.recording_clock``), so the times it stamps do not change between
    recordings. With ``--backend live``: the settings of the environment or ``.env``.
    With ``--disable-recording``, the backend ``--backend`` names, and no cassette.
    """
    from spacestudio.cassettes.connection_settings import REPLAY_SETTINGS

    plan: CassettePlan = request.getfixturevalue("spacestudio_cassette_plan")
    without_cassette = request.getfixturevalue("disable_recording")
    with contextlib.ExitStack() as stack:
        if not without_cassette and not _records(plan):
            settings = dict(REPLAY_SETTINGS)
        elif request.config.getoption("--backend") == "live":
            settings = _live_settings(request.config)
        else:
            from fake_server.embedded import FakeServer, recording_clock

            options = {
                "clock": recording_clock,
                **request.getfixturevalue("spacestudio_fake_server_options"),
            }
            server = stack.enter_context(FakeServer(**options))
            settings = dict(server.env())
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
    from spacestudio.cassettes.scrubbing import Scrubber
    from spacestudio.cassettes.session import use_cassette

    if request.getfixturevalue("disable_recording"):
        yield None
        return
    item = request.node
    plan: CassettePlan = request.getfixturevalue("spacestudio_cassette_plan")
    settings = spacestudio_settings
    scrubber = Scrubber(
        api_url=settings["LOG_BASE_URL"],
        auth_url=settings.get("SPACESTUDIO_AUTH_URL") or DEFAULT_AUTH_URL,
        mail=settings["LOG_MAIL"],
        password=settings["LOG_PASSWORD"],
        client_id=settings["CLIENT_ID"],
    )
    try:
        with use_cassette(
            plan.path,
            record_mode=plan.mode,
            scrubber=scrubber,
            record_hint=record_command(item, plan.path),
            extra_paths=plan.extra_paths,
            allowed_hosts=plan.allowed_hosts,
            recorded_against=request.config.getoption("--backend"),
        ) as session:
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
