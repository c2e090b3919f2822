"""Blocking the network while a cassette replays, so a replay provably stays offline."""

from __future__ import annotations

import contextlib
import re
import socket
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from spacestudio.cassettes.errors import NetworkBlockedError

_lock = threading.Lock()
_depth = 0
_reason = ""
#: Host patterns (and the addresses they name) a block lets through.
_allowed: tuple[str, ...] = ()
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


def _allowed_address(address: Any) -> bool:
    if not _allowed or not isinstance(address, tuple) or not address:
        return False
    host = str(address[0])
    return any(re.match(pattern, host) for pattern in _allowed)


def _addresses_of(patterns: Sequence[str]) -> list[str]:
    """The addresses of the patterns that are plain host names (a connection names its
    address, not the name it was resolved from)."""
    addresses = []
    for pattern in patterns:
        if re.fullmatch(r"[A-Za-z0-9.-]+", pattern) and not re.fullmatch(r"[0-9.]+", pattern):
            with contextlib.suppress(OSError, UnicodeError):
                for info in socket.getaddrinfo(pattern, None):
                    addresses.append(re.escape(str(info[4][0])) + "$")
    return addresses


def _refuse_unless_allowed(sock: socket.socket, address: Any) -> None:
    if _is_network(sock) and not _allowed_address(address):
        raise NetworkBlockedError(
            f"{_reason}: the code tried to open a network connection to "
            f"{_describe(address)}. A replay answers from its cassette and never uses "
            "the network; a request the cassette does not hold is refused instead."
        )


def _blocked_connect(sock: socket.socket, address: Any) -> None:
    _refuse_unless_allowed(sock, address)
    _original_connect(sock, address)


def _blocked_connect_ex(sock: socket.socket, address: Any) -> int:
    # An allowed connection keeps connect_ex's contract: a failure is an error code.
    _refuse_unless_allowed(sock, address)
    return _original_connect_ex(sock, address)


@contextlib.contextmanager
def network_blocked(reason: str, allowed_hosts: Sequence[str] = ()) -> Iterator[None]:
    """Refuse every IPv4/IPv6 connection in this process until the block ends.

    Connections raise :class:`NetworkBlockedError` whose message starts with ``reason``,
    but those to a host matching one of ``allowed_hosts`` (regular expressions, matched
    from the start of the address or of a host name's addresses). Unix sockets stay
    usable. Blocks nest (the outermost one's allowed hosts apply).
    """
    global _depth, _reason, _original_connect, _original_connect_ex, _allowed
    with _lock:
        if _depth == 0:
            _reason = reason
            _allowed = (*allowed_hosts, *_addresses_of(allowed_hosts))
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
