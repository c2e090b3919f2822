"""The replay's network block: refused connections raise, allowed ones behave as sockets do."""

from __future__ import annotations

import errno
import socket

import pytest

from spacestudio.cassettes.errors import NetworkBlockedError
from spacestudio.cassettes.network import network_blocked


def _closed_port() -> int:
    """A loopback port nothing listens on (just released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_connect_ex_to_an_allowed_host_returns_the_error_code() -> None:
    port = _closed_port()
    with network_blocked("Replaying", allowed_hosts=[r"127\.0\.0\.1$"]), socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) == errno.ECONNREFUSED


def test_connect_ex_to_an_allowed_listening_host_connects() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        allowed = network_blocked("Replaying", allowed_hosts=[r"127\.0\.0\.1$"])
        with allowed, socket.socket() as sock:
            assert sock.connect_ex(server.getsockname()) == 0


@pytest.mark.parametrize("method", ["connect", "connect_ex"])
def test_a_connection_to_any_other_host_is_refused(method: str) -> None:
    refused = pytest.raises(NetworkBlockedError, match=r"^Replaying x\.yaml: .*127\.0\.0\.1:9")
    with network_blocked("Replaying x.yaml"), socket.socket() as sock, refused:
        getattr(sock, method)(("127.0.0.1", 9))
