"""Which cassette a pytest test uses, in which record mode, against which backend.

A test marked ``vcr`` gets a spacestudio cassette when it talks to spacestudio: it asks
for a ``spacestudio_*`` fixture or the ``cassette`` marker, its cassette is a spacestudio
cassette, or, with no cassette yet, its module uses the ``spacestudio`` client. Any other
``vcr`` test (another service's, or one replaying a plain vcrpy cassette) gets vcrpy's
own cassette, recorded and replayed as pytest-recording does
(:func:`plain_test_cassette`).

The cassette wiring behind :mod:`spacestudio.pytest_plugin` (as pytest-recording keeps
its ``_vcr.py`` apart from its ``plugin.py``): the cassette's file, pytest-recording's
place ``<test file's folder>/cassettes/<test module>/<test name>.yaml`` unless a marker
or fixture says otherwise; the record mode the command line, ``vcr_config`` or a marker
asks for; and the backend a recording runs against: a fake server on loopback, started
for the test alone, or the live service the settings name.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

from spacestudio_contract.endpoints import DEFAULT_AUTH_URL

if TYPE_CHECKING:
    from spacestudio.cassettes.record_modes import RecordMode
    from spacestudio.cassettes.session import CassetteSession

#: The settings a recording against the live service needs.
LIVE_SETTINGS = ("LOG_BASE_URL", "LOG_MAIL", "LOG_PASSWORD", "CLIENT_ID")
CASSETTE_DIRECTORY = "cassettes"
#: Where a fake server listens: let through a blocked network while recording against it.
LOOPBACK_HOSTS = (r"127\.", r"::1$", r"localhost$")


# -- the record mode --------------------------------------------------------------------------


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


def pytest_recording_name(item: pytest.Item) -> str:
    """The cassette name pytest-recording gives ``item``: ``[Class.]test_name[params]``
    with the characters a file name cannot hold replaced."""
    test_class = getattr(item, "cls", None)
    name = f"{test_class.__name__}.{item.name}" if test_class else item.name
    for character in "<>?%*:|\"'/\\":
        name = name.replace(character, "-")
    return name


def _is_spacestudio(value: object) -> bool:
    name = value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", "")
    return isinstance(name, str) and (name == "spacestudio" or name.startswith("spacestudio."))


def speaks_to_spacestudio(request: pytest.FixtureRequest) -> bool:
    """Whether the test marked ``vcr`` gets a spacestudio cassette: by the fixtures and
    markers it asks for, then by the cassette it would replay, then, with no cassette yet,
    by whether its module uses the spacestudio client."""
    from spacestudio.cassettes.plain import cassette_kind

    item = request.node
    if item.get_closest_marker("cassette") is not None:
        return True
    names = getattr(item, "fixturenames", ())
    if any(name in names for name in ("spacestudio_client", "spacestudio_cassette")):
        return True
    plan: CassettePlan = request.getfixturevalue("spacestudio_cassette_plan")
    plain_path = Path(request.getfixturevalue("vcr_cassette_dir")) / _with_suffix(
        plain_cassette_name(request)
    )
    for path in (plan.path, plain_path, *plan.extra_paths):
        kind = cassette_kind(path)
        if kind is not None:
            return kind != "vcrpy"
    module = getattr(item, "module", None)
    return module is not None and any(_is_spacestudio(value) for value in vars(module).values())


def plain_cassette_name(request: pytest.FixtureRequest) -> str:
    """pytest-recording's name for the test's vcrpy cassette, unless ``default_cassette_name``
    or the ``default_cassette`` marker names another."""
    name = str(request.getfixturevalue("default_cassette_name"))
    item = request.node
    if item.get_closest_marker("default_cassette") is None and name == default_name(item):
        return pytest_recording_name(item)
    return name


def plain_test_cassette(request: pytest.FixtureRequest) -> Any:
    """vcrpy's cassette of a test marked ``vcr`` that does not talk to spacestudio, as
    pytest-recording would give it: its ``vcr_config`` and marker settings, record mode,
    extra cassettes and ``pytest_recording_configure`` hook."""
    from spacestudio.cassettes.plain import use_plain_cassette

    markers = list(request.node.iter_markers(name="vcr"))
    config: dict[str, Any] = dict(request.getfixturevalue("vcr_config") or {})
    for marker in reversed(markers):
        config.update(marker.kwargs)
    hook = getattr(request.config.hook, "pytest_recording_configure", None)

    def configure(vcr: Any) -> None:
        if hook is not None:
            hook(config=request.config, vcr=vcr)

    return use_plain_cassette(
        plain_cassette_name(request),
        str(request.getfixturevalue("vcr_cassette_dir")),
        str(request.getfixturevalue("record_mode")),
        config,
        [str(extra) for marker in markers for extra in marker.args],
        configure,
    )


def marked_for_cassette(item: pytest.Item) -> bool:
    """Whether ``item`` is marked ``vcr`` or ``cassette``."""
    return any(item.iter_markers(name="vcr")) or item.get_closest_marker("cassette") is not None


def uses_cassette(item: pytest.Item) -> bool:
    """Whether ``item`` is marked for a cassette or asks for one through a fixture."""
    names = getattr(item, "fixturenames", ())
    return marked_for_cassette(item) or any(
        name in names for name in ("spacestudio_client", "spacestudio_cassette")
    )


# -- the plan of a test's cassette -------------------------------------------------------------


@dataclass(frozen=True)
class CassettePlan:
    """What a test's cassette is: its file, the extra ones replayed with it, the record
    mode and the hosts let through."""

    path: Path
    extra_paths: tuple[Path, ...]
    mode: RecordMode
    allowed_hosts: tuple[str, ...]

    @property
    def records(self) -> bool:
        """Whether the test may send requests to a backend (else it only replays)."""
        from spacestudio.cassettes.record_modes import touches_backend

        return touches_backend(self.mode, self.path, self.extra_paths)


def allowed_hosts(request: pytest.FixtureRequest, config: dict[str, Any]) -> tuple[str, ...]:
    """The hosts (regular expressions) that stay reachable, by pytest-recording's priority:
    the ``block_network`` marker, ``--allowed-hosts``, ``vcr_config``."""
    marker = request.node.get_closest_marker("block_network")
    hosts = (
        (marker.kwargs.get("allowed_hosts") if marker is not None else None)
        or request.config.getoption("--allowed-hosts", default=None)
        or config.get("allowed_hosts")
    )
    if isinstance(hosts, str):
        hosts = hosts.split(",")
    return tuple(str(host).strip() for host in hosts or () if str(host).strip())


def cassette_plan(request: pytest.FixtureRequest) -> CassettePlan:
    """The test's cassette, from its markers, the conventions' fixtures and the options."""
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
    return CassettePlan(path, extras, mode, allowed_hosts(request, config))


# -- the backend a recording runs against ---------------------------------------------------


def hosts_through_blocked_network(
    request: pytest.FixtureRequest, disable_recording: bool
) -> tuple[str, ...] | None:
    """The hosts a blocked network lets through for the test: the allowed ones, and
    loopback while recording against the fake server; None while recording against the
    live service, which must stay reachable."""
    plan: CassettePlan = request.getfixturevalue("spacestudio_cassette_plan")
    if uses_cassette(request.node) and not disable_recording and plan.records:
        if request.config.getoption("--backend") != "fake":
            return None
        return (*plan.allowed_hosts, *LOOPBACK_HOSTS)
    return plan.allowed_hosts


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


@contextlib.contextmanager
def backend_settings(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """What the test's client connects with, for as long as the test runs.

    Replaying: placeholders (nothing checks them). Recording with ``--backend fake``: a
    fresh fake server for this test alone (its options from the
    ``spacestudio_fake_server_options`` fixture), so its cassette does not depend on
    what other tests left on a shared server; its clock stands still
    (``fake_server.embedded.recording_clock``), so the times it stamps do not change
    between recordings. With ``--backend live``: the settings of the environment or
    ``.env``. With ``--disable-recording``, the backend ``--backend`` names.
    """
    from spacestudio.cassettes.connection_settings import REPLAY_SETTINGS

    plan: CassettePlan = request.getfixturevalue("spacestudio_cassette_plan")
    without_cassette = request.getfixturevalue("disable_recording")
    if not without_cassette and not plan.records:
        yield dict(REPLAY_SETTINGS)
    elif request.config.getoption("--backend") == "live":
        yield _live_settings(request.config)
    else:
        # Here, not at load: the plugin loads in every pytest run, a replay needs no server.
        from fake_server.embedded import FakeServer, recording_clock

        options = {
            "clock": recording_clock,
            **request.getfixturevalue("spacestudio_fake_server_options"),
        }
        with FakeServer(**options) as server:
            yield dict(server.env())


def use_test_cassette(
    request: pytest.FixtureRequest, plan: CassettePlan, settings: dict[str, str]
) -> contextlib.AbstractContextManager[CassetteSession]:
    """The test's cassette in use, scrubbing the secrets of ``settings``."""
    from spacestudio.cassettes.scrubbing import Scrubber
    from spacestudio.cassettes.session import use_cassette

    scrubber = Scrubber(
        api_url=settings["LOG_BASE_URL"],
        auth_url=settings.get("SPACESTUDIO_AUTH_URL") or DEFAULT_AUTH_URL,
        mail=settings["LOG_MAIL"],
        password=settings["LOG_PASSWORD"],
        client_id=settings["CLIENT_ID"],
    )
    return use_cassette(
        plan.path,
        record_mode=plan.mode,
        scrubber=scrubber,
        record_hint=record_command(request.node, plan.path),
        extra_paths=plan.extra_paths,
        allowed_hosts=plan.allowed_hosts,
        recorded_against=request.config.getoption("--backend"),
    )
