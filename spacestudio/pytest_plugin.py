"""pytest plugin: each test that uses ``spacestudio_client`` replays its own cassette.

By default every such test replays ``cassettes/<test module>/<test name>.yaml`` (under
the rootdir; ``@pytest.mark.cassette("path")`` names another file) with no network and
no waiting. ``pytest --record`` records those cassettes again, against the fake server
started on loopback for the session (``--backend fake``, the default) or against the
service the settings name (``--backend live``: ``LOG_BASE_URL``, ``LOG_MAIL``,
``LOG_PASSWORD``, ``CLIENT_ID``, ``SPACESTUDIO_AUTH_URL`` from the environment or
``.env``). ``--record-mode`` offers pytest-recording's modes, and is shared with that
plugin when both are installed.

Fixtures: ``spacestudio_client`` (a connected client, also the default client of the
module functions), ``spacestudio_cassette`` (the cassette in use),
``spacestudio_fake_server`` (the session's fake server) and ``spacestudio_settings``
(what the client connects with).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from fake_server.embedded import FakeServer
    from spacestudio.cassettes.session import CassetteSession, RecordMode
    from spacestudio.client import Client

#: pytest-recording's record modes, whose option this plugin shares.
RECORD_MODES = ("once", "new_episodes", "none", "all", "rewrite")
BACKENDS = ("fake", "live")
#: The settings a recording against the live service needs.
LIVE_SETTINGS = ("LOG_BASE_URL", "LOG_MAIL", "LOG_PASSWORD", "CLIENT_ID")
CASSETTE_DIRECTORY = "cassettes"
DEFAULT_AUTH_URL = "https://auth.exotrail.space"

_SESSION_KEY = pytest.StashKey["CassetteSession"]()
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


def _add_record_mode(parser: pytest.Parser) -> None:
    # pytest-recording's group and spelling, so that whichever plugin comes first owns it.
    parser.getgroup("recording").addoption(
        "--record-mode", action="store", default=None, choices=RECORD_MODES, help=_RECORD_MODE_HELP
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
    if not _recording_plugin_provides_record_mode(pluginmanager):
        _add_record_mode(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    # Every plugin given by entry point or -p is registered now: if none of them brought
    # --record-mode (pytest-recording installed but not loaded), bring it.
    if not _has_option(parser, "--record-mode"):
        _add_record_mode(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "cassette(path): the cassette this test replays or records, relative to the rootdir "
        f"(default: {CASSETTE_DIRECTORY}/<test module>/<test name>.yaml)",
    )
    if config.getoption("--record") and record_mode_option(config) not in (None, "rewrite"):
        raise pytest.UsageError(
            "--record records afresh (--record-mode=rewrite); give either --record or "
            "--record-mode, not both"
        )


def record_mode_option(config: pytest.Config) -> str | None:
    value: str | None = config.getoption("--record-mode", default=None)
    return value


def session_record_mode(config: pytest.Config) -> RecordMode:
    """The record mode of this run: ``rewrite`` with --record, else --record-mode or none."""
    from spacestudio.cassettes.session import check_record_mode

    if config.getoption("--record"):
        return "rewrite"
    return check_record_mode(record_mode_option(config) or "none")


# -- where a test's cassette lives ----------------------------------------------------------


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "cassette"


def cassette_path_for(item: pytest.Item) -> Path:
    """The cassette of ``item``: its ``cassette`` marker, else the default place."""
    root = item.config.rootpath
    marker = item.get_closest_marker("cassette")
    if marker is not None:
        if len(marker.args) != 1 or not isinstance(marker.args[0], str | os.PathLike):
            raise pytest.UsageError(
                f"{item.nodeid}: @pytest.mark.cassette takes one path, e.g. "
                '@pytest.mark.cassette("cassettes/shared/login.yaml")'
            )
        return root / Path(marker.args[0])
    module = Path(str(item.path)).stem
    parts = [
        _safe_name(getattr(node, "name", ""))
        for node in item.listchain()
        if isinstance(node, pytest.Class)
    ]
    name = ".".join([*parts, _safe_name(item.name)])
    return root / CASSETTE_DIRECTORY / module / f"{name}.yaml"


def record_command(item: pytest.Item) -> str:
    """The command that records ``item``'s cassette again."""
    backend = item.config.getoption("--backend")
    extra = " --backend live" if backend == "live" else ""
    return f"pytest --record{extra} {shlex.quote(item.nodeid)}"


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
    recordings. With ``--backend live``: the
    settings of the environment or ``.env``.
    """
    from spacestudio.cassettes.session import REPLAY_SETTINGS, touches_backend

    mode = session_record_mode(request.config)
    with contextlib.ExitStack() as stack:
        if not touches_backend(mode, cassette_path_for(request.node)):
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
) -> Iterator[CassetteSession]:
    """The cassette of the test: replayed, or recorded under --record / --record-mode."""
    from spacestudio.cassettes.errors import CassetteMismatchError
    from spacestudio.cassettes.scrubbing import Scrubber
    from spacestudio.cassettes.session import use_cassette

    item = request.node
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
            cassette_path_for(item),
            record_mode=session_record_mode(request.config),
            scrubber=scrubber,
            record_hint=record_command(item),
        ) as session:
            item.stash[_SESSION_KEY] = session
            yield session
            if not item.stash.get(_CALL_DONE_KEY, False) and not session.replaying:
                # The test was interrupted (Ctrl-C): keep the previous cassette.
                session.discard()
    except CassetteMismatchError:
        session = item.stash.get(_SESSION_KEY, None)
        if session is None or not session.reported:
            raise


@pytest.fixture
def spacestudio_client(
    spacestudio_cassette: CassetteSession, spacestudio_settings: dict[str, str]
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
    return report
