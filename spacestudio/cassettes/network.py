"""Blocking the network while a cassette replays, so a replay provably stays offline."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

from spacestudio.cassettes.errors import NetworkBlockedError

_lock = threading.Lock()
_depth = 0
_reason = ""
# What connect and connect_ex were when the outermost block began (restored at its end,
# so another tool's own patch of them survives).
_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex


def _describe(address: Any) -> str:
    if isinstance(address, tuple) and len(address) >= 2:
        return f"{address[0]}:{address[1]}"
    return repr(address)


def _is_network(sock: socket.socket) -> bool:
    return sock.family in (socket.AF_INET, socket.AF_INET6)


def _blocked_connect(sock: socket.socket, address: Any) -> None:
    if _is_network(sock):
        raise NetworkBlockedError(
            f"{_reason}: the code tried to open a network connection to "
            f"{_describe(address)}. A replay answers from its cassette and never uses "
            "the network; a request the cassette does not hold is refused instead."
        )
    _original_connect(sock, address)


def _blocked_connect_ex(sock: socket.socket, address: Any) -> int:
    _blocked_connect(sock, address)
    return 0


@contextlib.contextmanager
def network_blocked(reason: str) -> Iterator[None]:
    """Refuse every IPv4/IPv6 connection in this process until the block ends.

    Connections raise :class:`NetworkBlockedError` whose message starts with ``reason``.
    Unix sockets stay usable. Blocks nest.
    """
    global _depth, _reason, _original_connect, _original_connect_ex
    with _lock:
        if _depth == 0:
            _reason = reason
            _original_connect = socket.socket.connect
            _original_connect_ex = socket.socket.connect_ex
            socket.socket.connect = _blocked_connect  # type: ignore[method-assign,assignment]
            socket.socket.connect_ex = _blocked_connect_ex  # type: ignore[method-assign,assignment]
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                socket.socket.connect = _original_connect  # type: ignore[method-assign]
                socket.socket.connect_ex = _original_connect_ex  # type: ignore[method-assign]
