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

A test marked ``vcr`` that does not talk to spacestudio is the user's own: it gets
vcrpy's plain cassette, as with pytest-recording alone (see
:mod:`spacestudio.pytest_cassettes` for how a test is told apart).

pytest-recording's conventions hold, with or without that plugin installed: its
options (``--record-mode`` in its five modes, ``--disable-recording``,
``--block-network``, ``--allowed-hosts``), its markers (``vcr`` with extra cassettes,
``block_network``, ``default_cassette``) and its fixtures (``vcr_config``,
``vcr_cassette_dir``, ``default_cassette_name``, ``record_mode``, ``vcr``).

This module does what the fixtures declared by the entry point
(:mod:`spacestudio_pytest`, which imports nothing heavy) do, loaded when a test first
needs one. Which cassette a test uses, in which record mode, and the backend a recording
runs against are :mod:`spacestudio.pytest_cassettes`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

import spacestudio
from spacestudio.cassettes.errors import CassetteMismatchError
from spacestudio.cassettes.network import network_blocked
from spacestudio.cassettes.session import CassetteSession
from spacestudio.client import Client, default_client, set_default_client
from spacestudio.errors import NotConnectedError
from spacestudio.pytest_cassettes import (
    CassettePlan,
    allowed_hosts,
    backend_settings,
    cassette_plan,
    default_cassette_directory,
    default_name,
    hosts_through_blocked_network,
    plain_test_cassette,
    speaks_to_spacestudio,
    use_test_cassette,
)
from spacestudio_pytest.stash import CALL_DONE_KEY, CALL_FAILED_KEY, SESSION_KEY


def cassette_directory(request: pytest.FixtureRequest) -> Path:
    """``vcr_cassette_dir``: ``cassettes/<module>`` beside the test file."""
    return default_cassette_directory(request.node)


def cassette_name(request: pytest.FixtureRequest) -> str:
    """``default_cassette_name``: ``[Class.]test_name``, safe as a file name."""
    return default_name(request.node)


def hosts_allowed(request: pytest.FixtureRequest) -> tuple[str, ...]:
    """``allowed_hosts``: the marker's, ``--allowed-hosts`` or ``vcr_config``'s."""
    return allowed_hosts(request, request.getfixturevalue("vcr_config") or {})


def plan_of(request: pytest.FixtureRequest) -> CassettePlan:
    """``spacestudio_cassette_plan``: the test's spacestudio cassette."""
    return cassette_plan(request)


def blocked_network(request: pytest.FixtureRequest, disable_recording: bool) -> Iterator[None]:
    """``block_network`` for a marked test, or with ``--block-network``: no connection
    leaves the process, but to allowed hosts, and to loopback while recording against
    the fake server (replaying, a cassette blocks the network by itself)."""
    item = request.node
    marker = item.get_closest_marker("block_network")
    if marker is not None and (marker.args or set(marker.kwargs) - {"allowed_hosts"}):
        raise pytest.UsageError(
            f"{item.nodeid}: @pytest.mark.block_network takes only allowed_hosts=[...]"
        )
    allowed = hosts_through_blocked_network(request, disable_recording)
    if allowed is None:
        yield  # recording against the live service: it must be reachable
        return
    with network_blocked(f"The network is blocked for {item.nodeid}", allowed):
        yield


def marked_cassette(request: pytest.FixtureRequest, disable_recording: bool) -> Iterator[Any]:
    """``vcr`` for a test marked ``vcr`` or ``cassette``: a spacestudio cassette for a test
    that talks to spacestudio, else vcrpy's, as pytest-recording gives it."""
    __tracebackhide__ = True
    if speaks_to_spacestudio(request):
        # With --disable-recording, no cassette but the settings of the backend --backend
        # names (a fake server of its own by default).
        yield request.getfixturevalue("spacestudio_cassette")
    elif disable_recording:
        yield None
    else:
        with plain_test_cassette(request) as cassette:
            yield cassette


def settings_in_environment(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    """``spacestudio_settings``, set in the environment for the test (see
    :func:`~spacestudio.pytest_cassettes.backend_settings`)."""
    with backend_settings(request) as settings:
        for key, value in settings.items():
            monkeypatch.setenv(key, value)
        yield settings


def test_cassette(
    request: pytest.FixtureRequest, settings: dict[str, str]
) -> Iterator[CassetteSession | None]:
    """``spacestudio_cassette``: replayed, or recorded under --record / --record-mode."""
    __tracebackhide__ = True
    if request.getfixturevalue("disable_recording"):
        yield None
        return
    item = request.node
    plan: CassettePlan = request.getfixturevalue("spacestudio_cassette_plan")
    try:
        with use_test_cassette(request, plan, settings) as session:
            item.stash[SESSION_KEY] = session
            yield session
            interrupted = not item.stash.get(CALL_DONE_KEY, False)
            if (interrupted or item.stash.get(CALL_FAILED_KEY, False)) and not session.replaying:
                # An interrupted (Ctrl-C) or failed test keeps the previous cassette: what
                # it recorded is not what the test expects.
                session.discard()
    except CassetteMismatchError:
        session = item.stash.get(SESSION_KEY, None)
        if session is None or not session.reported:
            raise


def connected_client(
    cassette: CassetteSession | None, settings: dict[str, str]
) -> Iterator[Client]:
    """``spacestudio_client``: logged in through the test's cassette, and the module
    functions' default client for the test."""
    __tracebackhide__ = True
    try:
        previous: Client | None = default_client()
    except NotConnectedError:
        previous = None
    try:
        client = spacestudio.connect(
            settings["LOG_BASE_URL"],
            settings["LOG_MAIL"],
            settings["LOG_PASSWORD"],
            settings["CLIENT_ID"],
            auth_url=settings.get("SPACESTUDIO_AUTH_URL"),
            realm=settings.get("SPACESTUDIO_REALM"),
        )
    except Exception as error:
        if cassette is not None:
            cassette.raise_refusal(error)
        raise
    try:
        yield client
    finally:
        client.close()
        set_default_client(previous)


def _traceback_to_test_line(item: pytest.Item, error: BaseException) -> TracebackType | None:
    """``error``'s traceback cut after the test function's own frame (None when the test
    function is not in it): the line of the test that sent the refused request."""
    code = getattr(getattr(item, "obj", None), "__code__", None)
    entries: list[TracebackType] = []
    entry = error.__traceback__
    while entry is not None:
        entries.append(entry)
        if entry.tb_frame.f_code is code:
            break
        entry = entry.tb_next
    else:
        return None
    cut: TracebackType | None = None
    for kept in reversed(entries):
        cut = TracebackType(cut, kept.tb_frame, kept.tb_lasti, kept.tb_lineno)
    return cut


def raise_refusal_at_test_line(
    item: pytest.Item, session: CassetteSession, error: BaseException
) -> None:
    """Raise the cassette's refusal (if any) in place of ``error``, at the test's line
    rather than in the HTTP libraries the request went through."""
    __tracebackhide__ = True
    try:
        session.raise_refusal(error)
    except CassetteMismatchError as mismatch:
        at_test_line = _traceback_to_test_line(item, error)
        if at_test_line is None:
            raise
        raise mismatch.with_traceback(at_test_line) from mismatch.__cause__
