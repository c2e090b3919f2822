"""The fake server's HTTP server: werkzeug's threaded server, bounded against slow clients.

Werkzeug's development server gives each connection a thread and waits as long as a
client likes.  :class:`BoundedWSGIServer` keeps that model (one thread per connection,
every answer closes its connection) and bounds it:

- ``idle_timeout``: the longest wait for any one read or write on a connection; a
  declared body that never comes is answered 408 after it.
- ``request_timeout``: the total time one request may spend waiting for its own bytes
  (request line, headers and body), so a client dripping a byte now and then is cut off.
  Time the application spends answering (a latency fault, say) does not count.
- ``max_connections``: the most connections held at once, kept below the process's
  open-file limit.  At the cap, a new connection takes the place of the one that has
  waited longest for its client (idle, still sending its headers, or with the
  application blocked on a body that does not come); when every held connection is
  being answered, the newcomer gets a JSON 503 at once.

:func:`make_http_server` builds one for an application, with the bounds of its
:class:`~fake_server.config.Limits`.

Errors the HTTP layer answers itself (414 for an over-long request line, 431, 400 for a
garbled request) are JSON like every other answer, and the access log leaves out query
strings, where a token or password sent in a URL would otherwise land.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import resource
import socket
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from fake_server.answers import error_body
from fake_server.config import Limits

if TYPE_CHECKING:
    import ssl

    from _typeshed.wsgi import WSGIApplication

http_logger = logging.getLogger("fake_server.http")

#: File descriptors kept free for the state file, logs and the listening socket.
RESERVED_FILES = 64
#: The fewest connections a server accepts, however low the open-file limit.
MIN_CONNECTIONS = 8

# What a held connection is doing.
WAITING = "waiting"  # accepted, no byte of a request yet
READING = "reading"  # receiving its request line and headers
ANSWERING = "answering"  # headers complete: the application has it
RECEIVING = "receiving"  # the application waits for more of the request's body
#: Phases whose connection may be closed to make room: none of them is being answered.
EVICTABLE = frozenset({WAITING, READING, RECEIVING})


def connection_limit(wanted: int) -> int:
    """``wanted``, lowered so that every held connection still leaves files to open."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(MIN_CONNECTIONS, min(wanted, soft - RESERVED_FILES))


@dataclass
class _Held:
    """One connection the server holds."""

    sock: socket.socket
    phase: str
    since: float  # monotonic time it entered ``phase``
    evicted: bool = False


class _BoundedSocketIO(socket.SocketIO):
    """The raw reader under a connection's ``rfile``: every wait is bounded.

    Each read waits at most the idle timeout, and all reads of one request together at
    most the request timeout.  It also moves the connection from WAITING to READING on
    its first byte, marks it RECEIVING (evictable) while the application waits on its
    body, and stops reading once the server evicted the connection.
    """

    def __init__(self, sock: socket.socket, handler: BoundedRequestHandler) -> None:
        super().__init__(sock, "rb")
        self._handler = handler

    def readinto(self, buffer: Any) -> int | None:
        handler = self._handler
        held = handler.held
        if held.evicted:
            raise ConnectionAbortedError("connection closed to make room for another")
        server = handler.server
        left = server.request_timeout - handler.waited
        if left <= 0:
            raise TimeoutError(f"the request took more than {server.request_timeout:g} s to arrive")
        sock = handler.connection
        sock.settimeout(min(server.idle_timeout, left))
        started = time.monotonic()
        in_body = server.mark(held, ANSWERING, RECEIVING, started)
        try:
            count = super().readinto(buffer)
        finally:
            handler.waited += time.monotonic() - started
            if in_body:
                server.mark(held, RECEIVING, ANSWERING, time.monotonic())
        if count and held.phase == WAITING:
            held.phase, held.since = READING, time.monotonic()
        return count


class BoundedRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler with bounded reads, JSON errors and a query-free access log."""

    server: BoundedWSGIServer
    held: _Held
    waited: float

    def setup(self) -> None:
        super().setup()
        self.waited = 0.0
        self.held = self.server.held_connection(self.connection)
        self.connection.settimeout(self.server.idle_timeout)  # bounds writes as well
        self.rfile.close()
        self.rfile = io.BufferedReader(_BoundedSocketIO(self.connection, self))

    def run_wsgi(self) -> None:
        self.held.phase, self.held.since = ANSWERING, time.monotonic()
        super().run_wsgi()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The HTTP layer's own refusals (400, 408, 414, 431, 505 …), as JSON."""
        with contextlib.suppress(OSError):  # the client may be gone already
            status = HTTPStatus(code)
            said = message or status.phrase
            advice = {
                414: "the request line is too long; send parameters in the body",
                431: "the request headers are too large or too many; send fewer",
            }.get(code)
            path = getattr(self, "path", "") or ""
            body = json.dumps(
                error_body(code, f"{said}; {advice}" if advice else said, path.split("?")[0])
            ).encode()
            self.log_error("code %d, message %s", code, said)
            if self.request_version == "HTTP/0.9":  # the request line was unreadable
                self.request_version = "HTTP/1.0"  # so answer with a status line and headers
            self.send_response(code, status.phrase)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            if self.command != "HEAD" and code >= 200 and code not in (204, 304):
                self.wfile.write(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = getattr(self, "path", None)
        if path is None:  # the request line could not be read
            line = self.requestline.split("?")[0]
        else:
            line = f"{self.command} {path.split('?')[0]} {self.request_version}"
        self.log("info", '"%s" %s %s', line.translate(self._control_char_table), code, size)

    def log(self, type: str, message: str, *args: Any) -> None:
        level = logging.INFO if type == "info" else logging.ERROR
        http_logger.log(level, "%s %s", self.address_string(), message % args)


class BoundedWSGIServer(ThreadedWSGIServer):
    """A threaded WSGI server with idle and request timeouts and a connection cap."""

    def __init__(
        self,
        host: str,
        port: int,
        app: WSGIApplication,
        *,
        idle_timeout: float,
        request_timeout: float,
        max_connections: int,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.idle_timeout = idle_timeout
        self.request_timeout = request_timeout
        self.max_connections = connection_limit(max_connections)
        self._held: dict[socket.socket, _Held] = {}
        self._held_lock = threading.Lock()
        self.refused = 0  # connections answered 503 at the cap
        self.evicted = 0  # waiting connections closed to make room
        super().__init__(host, port, app, handler=BoundedRequestHandler)
        if tls is not None:
            # Not werkzeug's own wrapping: that shakes hands inside accept(), where one
            # silent client would hold up every other. Here each connection's handshake
            # happens on its first read, in its own thread, under the idle timeout.
            self.socket = tls.wrap_socket(
                self.socket, server_side=True, do_handshake_on_connect=False
            )
            self.ssl_context = tls

    def held_connection(self, sock: socket.socket) -> _Held:
        with self._held_lock:
            held = self._held.get(sock)
        if held is None:  # not through process_request (a test calling the handler)
            held = _Held(sock, WAITING, time.monotonic())
        return held

    def mark(self, held: _Held, phase: str, new_phase: str, since: float) -> bool:
        """Move ``held`` from ``phase`` to ``new_phase``; whether it was in ``phase``.

        Under the lock the eviction takes, so a connection is never chosen for eviction
        in one phase and closed in the next."""
        with self._held_lock:
            if held.phase != phase or held.evicted:
                return False
            held.phase, held.since = new_phase, since
            return True

    def connections(self) -> dict[str, int]:
        """How many connections the server holds, by what they are doing."""
        counts = {WAITING: 0, READING: 0, RECEIVING: 0, ANSWERING: 0}
        with self._held_lock:
            for held in self._held.values():
                counts[held.phase] += 1
        return counts

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._held_lock:
            if len(self._held) >= self.max_connections and not self._evict_longest_waiting():
                self.refused += 1
                refuse = True
            else:
                self._held[request] = _Held(request, WAITING, time.monotonic())
                refuse = False
        if refuse:
            self._refuse(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:  # no thread for it: release its place
            self.shutdown_request(request)
            raise

    def _evict_longest_waiting(self) -> bool:
        """Close the connection that has waited longest for its client (lock held)."""
        waiting = [held for held in self._held.values() if held.phase in EVICTABLE]
        if not waiting:
            return False
        victim = min(waiting, key=lambda held: held.since)
        self._close_held(victim)
        self.evicted += 1
        return True

    def _close_held(self, held: _Held) -> None:
        held.evicted = True
        del self._held[held.sock]
        with contextlib.suppress(OSError):  # its thread then reads the end of the stream
            held.sock.shutdown(socket.SHUT_RDWR)

    def _refuse(self, request: socket.socket) -> None:
        body = json.dumps(
            error_body(
                503,
                f"the server holds {self.max_connections} connections, all being answered; "
                "retry in a moment",
                "",
            )
        ).encode()
        head = (
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
        ).encode()
        with contextlib.suppress(OSError):
            request.settimeout(0.5)  # never let a newcomer hold up the accepting thread
            request.sendall(head + body)
        self.shutdown_request(request)

    def shutdown_request(self, request: Any) -> None:
        with self._held_lock:
            self._held.pop(request, None)
        super().shutdown_request(request)

    def server_close(self) -> None:
        # Connections that wait for a request would keep their threads (and so the
        # close, which joins them) alive until their idle timeout.
        with self._held_lock:
            for held in [h for h in self._held.values() if h.phase in EVICTABLE]:
                self._close_held(held)
        super().server_close()


def make_http_server(
    app: WSGIApplication,
    host: str,
    port: int,
    limits: Limits | None = None,
    tls: ssl.SSLContext | None = None,
) -> BoundedWSGIServer:
    """A threaded HTTP server for ``app`` (port 0: a free one), with the timeouts and
    connection cap of ``limits`` (default: the default limits), speaking HTTPS with the
    ``tls`` settings when given; call ``serve_forever()``."""
    limits = limits or Limits()
    return BoundedWSGIServer(
        host,
        port,
        app,
        idle_timeout=limits.idle_timeout,
        request_timeout=limits.request_timeout,
        max_connections=limits.max_connections,
        tls=tls,
    )
