"""Slow and idle clients cannot take the server from everyone else.

Each test holds or drips connections to a server process over loopback and checks that
a new client is still answered promptly, that a stalled request is cut off after the
configured timeout, and that the server never holds more connections than its cap.
Every wait is bounded, so a server that misbehaves fails the test instead of hanging it.
"""

from __future__ import annotations

import contextlib
import os
import resource
import socket
import time
from collections.abc import Iterator

import pytest
import requests

from .conftest import Figures, ServerProcess

#: The open-file limit of the server in the exhaustion test: a common default is 1024;
#: lower here so that the test needs fewer sockets.
SERVER_FILE_LIMIT = 256


def _address(server: ServerProcess) -> tuple[str, int]:
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


@contextlib.contextmanager
def held_connections(server: ServerProcess, count: int) -> Iterator[list[socket.socket]]:
    """``count`` connections that send nothing, closed together at the end."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sockets.append(socket.create_connection(_address(server), timeout=10))
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def _time_to_answer(server: ServerProcess, timeout: float = 10.0) -> float:
    """Seconds a new client waits for the health route (``timeout`` when unanswered)."""
    started = time.perf_counter()
    try:
        answer = requests.get(f"{server.url}/__admin/health", timeout=timeout)
    except requests.RequestException:
        return timeout
    assert answer.status_code == 200, answer.text
    return time.perf_counter() - started


def _open_files(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def _accept_queue(server: ServerProcess) -> int | None:
    """How many connections wait in the kernel for the server to accept them (None when
    its listening socket is not found)."""
    port = f"{_address(server)[1]:04X}"
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError), open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                listening = fields[3] == "0A"  # TCP_LISTEN: rx_queue is the accept queue
                if listening and fields[1].rsplit(":", 1)[1] == port:
                    return int(fields[4].split(":")[1], 16)
    return None


def _until_accepted(server: ServerProcess) -> None:
    """Until the server has accepted every connection made to it (it evicts or refuses
    past its cap, so it accepts them all)."""
    deadline = time.monotonic() + 30
    while (waiting := _accept_queue(server)) != 0:
        assert waiting is not None, f"no listening socket on {server.url}"
        assert time.monotonic() < deadline, f"{waiting} connections still not accepted"
        time.sleep(0.01)


def _raise_own_file_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            pytest.skip(f"this test needs {needed} open files; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def _limited_files() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (SERVER_FILE_LIMIT, hard))


def test_idle_connections_up_to_the_file_limit_do_not_lock_out_new_clients(
    start_server: type[ServerProcess], figures: Figures
) -> None:
    server = start_server(preexec=_limited_files)
    idle = SERVER_FILE_LIMIT + 50
    _raise_own_file_limit(idle + 100)
    with held_connections(server, idle):
        _until_accepted(server)
        waits = [_time_to_answer(server) for _ in range(5)]
        files = _open_files(server.pid)
    figures.record(
        "idle connections beyond the open-file limit",
        file_limit=SERVER_FILE_LIMIT,
        idle_connections=idle,
        server_open_files=files,
        new_client_worst_s=round(max(waits), 3),
    )
    assert max(waits) < 2.0, f"new clients waited {waits}"
    assert files < SERVER_FILE_LIMIT


def test_closing_thousands_of_held_connections_leaves_the_server_responsive(
    start_server: type[ServerProcess], figures: Figures
) -> None:
    count = 3000
    _raise_own_file_limit(count + 200)
    server = start_server()
    with held_connections(server, count):
        _until_accepted(server)
        files = _open_files(server.pid)
    # All closed at once: the server must answer the next client at once.
    wait = _time_to_answer(server, timeout=20)
    figures.record(
        "thousands of connections held, then closed at once",
        connections=count,
        server_open_files_while_held=files,
        next_client_s=round(wait, 3),
    )
    assert files < 400, f"the server held {files} files"
    assert wait < 2.0


def test_a_declared_body_that_never_comes_is_answered_408(
    start_server: type[ServerProcess], figures: Figures
) -> None:
    server = start_server("--idle-timeout", "1")
    with socket.create_connection(_address(server), timeout=10) as sock:
        sock.sendall(
            b"POST /__admin/faults HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
        )
        started = time.perf_counter()
        reply = sock.recv(65536)
        waited = time.perf_counter() - started
        while chunk := sock.recv(65536):  # the server closes after its answer
            reply += chunk
    figures.record("declared body never sent", idle_timeout_s=1, answered_after_s=round(waited, 2))
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
    assert b"application/json" in reply and b"whole body" in reply
    assert waited < 5.0


def test_a_client_dripping_its_headers_is_cut_off(
    start_server: type[ServerProcess], figures: Figures
) -> None:
    server = start_server("--idle-timeout", "2", "--request-timeout", "2")
    started = time.perf_counter()
    sent = 0
    closed = False
    with socket.create_connection(_address(server), timeout=10) as sock:
        request = b"GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Drip: a\r\n" * 100
        try:
            for byte in request:  # one byte every 0.1 s, well within the idle timeout
                sock.sendall(bytes([byte]))
                sent += 1
                time.sleep(0.1)
                if time.perf_counter() - started > 8:
                    break
            closed = sock.recv(1) == b""
        except (BrokenPipeError, ConnectionResetError):
            closed = True
    elapsed = time.perf_counter() - started
    figures.record(
        "header drip, one byte per 0.1 s",
        request_timeout_s=2,
        bytes_sent=sent,
        cut_after_s=round(elapsed, 2),
    )
    assert closed and elapsed < 6.0, f"still connected after {elapsed:.1f} s"
    assert _time_to_answer(server) < 2.0


def test_connections_that_declare_a_body_and_never_send_it_are_evicted_for_new_clients(
    start_server: type[ServerProcess], figures: Figures
) -> None:
    holders, newcomers = 300, 100
    _raise_own_file_limit(holders + newcomers + 200)
    server = start_server()
    with held_connections(server, holders) as sockets:
        for sock in sockets:
            sock.sendall(
                b"POST /__admin/faults HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
            )
        _until_accepted(server)
        time.sleep(0.5)  # every holder's thread is now waiting on its body
        statuses = []
        for _ in range(newcomers):
            try:
                answer = requests.get(f"{server.url}/__admin/health", timeout=10)
                statuses.append(answer.status_code)
            except requests.RequestException as error:
                statuses.append(type(error).__name__)
    served = statuses.count(200)
    figures.record(
        "connections holding a declared body, then new clients",
        holders=holders,
        new_clients=newcomers,
        served=served,
        refused_503=statuses.count(503),
    )
    assert served >= 0.95 * newcomers, statuses
