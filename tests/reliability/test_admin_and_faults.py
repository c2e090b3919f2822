"""The ``/__admin/`` routes and fault rules, over loopback against a server process.

A web page the developer visits must not reach them: a cross-origin form (which a
browser sends without a CORS preflight) and a DNS-rebound page (whose requests carry its
own host name) are refused, and with an admin token nothing passes without it.  A fault
rule cannot stall the server, however it is written, and a rule written ``re:…`` in
JSON is the regular expression it says, as on the command line.
"""

from __future__ import annotations

import socket
import threading
import time

import requests

from .conftest import Figures, ServerProcess


def test_a_cross_origin_form_cannot_add_a_fault_rule(start_server: type[ServerProcess]) -> None:
    server = start_server()
    rule = '{"pattern": "/exoops/*", "kind": "latency", "seconds": 600}'
    # What <form enctype="text/plain"> or fetch(..., {mode: "no-cors"}) can send.
    # Refused for its Origin (403) and, where a browser sends none, for its type (415).
    refusals = {"http://evil.example": (403, "another site"), None: (415, "application/json")}
    for origin, (status, says) in refusals.items():
        for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
            headers = {"Origin": origin} if origin is not None else {}
            if content_type is not None:
                headers["Content-Type"] = content_type
            answer = requests.post(
                f"{server.url}/__admin/faults", data=rule, headers=headers, timeout=10
            )
            assert answer.status_code == status, answer.text
            assert says in answer.json()["message"]
    assert requests.get(f"{server.url}/__admin/faults", timeout=10).json()["faults"] == []
    added = requests.post(f"{server.url}/__admin/faults", data=rule, timeout=10, headers={
        "Content-Type": "application/json"})  # fmt: skip
    assert added.status_code == 201, added.text


def test_a_rebound_host_name_cannot_read_the_journal(start_server: type[ServerProcess]) -> None:
    server = start_server()
    requests.get(f"{server.url}/openapi.json?token=secret", timeout=10)
    for host in ("evil.example", "evil.example:80", "127.0.0.1.evil.example"):
        answer = requests.get(f"{server.url}/__admin/journal", headers={"Host": host}, timeout=10)
        assert answer.status_code == 403, f"{host}: {answer.text}"
        assert "--admin-host" in answer.json()["message"]
    for host in ("localhost", "127.0.0.1", f"127.0.0.1:{server.url.rsplit(':', 1)[1]}"):
        answer = requests.get(f"{server.url}/__admin/journal", headers={"Host": host}, timeout=10)
        assert answer.status_code == 200, f"{host}: {answer.text}"
    # A name given with --admin-host is accepted.
    named = start_server("--admin-host", "fake.internal")
    answer = requests.get(
        f"{named.url}/__admin/health", headers={"Host": "fake.internal:8080"}, timeout=10
    )
    assert answer.status_code == 200, answer.text


def test_with_an_admin_token_nothing_passes_without_it(start_server: type[ServerProcess]) -> None:
    server = start_server("--admin-token", "s3cr3t-admin-token")
    assert "s3cr3t-admin-token" not in "".join(server.env.values())
    url = f"{server.url}/__admin/journal"
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cr3t"}):
        answer = requests.get(url, headers=headers, timeout=10)
        assert answer.status_code == 401, answer.text
        assert "--admin-token" in answer.json()["message"]
    allowed = requests.get(url, headers={"Authorization": "Bearer s3cr3t-admin-token"}, timeout=10)
    assert allowed.status_code == 200, allowed.text


def test_a_backtracking_regex_rule_cannot_stall_the_server(
    start_server: type[ServerProcess], figures: Figures
) -> None:
    server = start_server()
    added = requests.post(
        f"{server.url}/__admin/faults",
        json={"pattern": "^/(a+)+$", "patternType": "regex", "kind": "status", "status": 418},
        timeout=10,
    )
    assert added.status_code == 201, added.text
    # With a backtracking engine each added 'a' doubles the time: 4.5 s at 27, days at 45.
    path = "/" + "a" * 45 + "!"
    others: list[float] = []

    def bystander() -> None:
        started = time.perf_counter()
        requests.get(f"{server.url}/__admin/health", timeout=10)
        others.append(time.perf_counter() - started)

    started = time.perf_counter()
    watcher = threading.Thread(target=bystander)
    watcher.start()
    answer = requests.get(f"{server.url}{path}", timeout=10)
    elapsed = time.perf_counter() - started
    watcher.join(timeout=15)
    matching = requests.get(f"{server.url}/aaaa", timeout=10)
    figures.record(
        "regex rule ^/(a+)+$ on /a{45}!",
        answer_s=round(elapsed, 3),
        bystander_s=round(others[0], 3) if others else None,
    )
    assert answer.status_code == 404  # no route, and the rule does not match
    assert elapsed < 2.0 and others and others[0] < 2.0
    assert matching.status_code == 418  # the rule still works where it matches


def test_a_regex_the_linear_engine_cannot_run_is_refused_clearly(
    start_server: type[ServerProcess],
) -> None:
    server = start_server()
    answer = requests.post(
        f"{server.url}/__admin/faults",
        json={"pattern": "(a)\\1", "patternType": "regex", "kind": "drop"},
        timeout=10,
    )
    assert answer.status_code == 400, answer.text
    assert "RE2" in answer.json()["message"]


def test_a_re_prefix_in_a_json_rule_makes_it_a_regex(start_server: type[ServerProcess]) -> None:
    server = start_server()
    added = requests.post(
        f"{server.url}/__admin/faults",
        json={"pattern": "re:^/openapi\\.json$", "kind": "status", "status": 503},
        timeout=10,
    )
    assert added.status_code == 201, added.text
    assert added.json()["patternType"] == "regex"
    assert added.json()["pattern"] == "^/openapi\\.json$"
    assert requests.get(f"{server.url}/openapi.json", timeout=10).status_code == 503


def test_the_http_layer_answers_json_too(start_server: type[ServerProcess]) -> None:
    server = start_server()
    host, port = server.url.removeprefix("http://").split(":")
    for request, status in (
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\n" + b"X-Big: " + b"b" * 70_000 + b"\r\n\r\n", 431),
        (b"BREW /pot HTTP/9.9\r\n\r\n", 505),
    ):
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(request)
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
        head, _, body = reply.partition(b"\r\n\r\n")
        assert head.startswith(f"HTTP/1.1 {status} ".encode()) or head.startswith(
            f"HTTP/1.0 {status} ".encode()
        ), head[:100]
        assert b"Content-Type: application/json" in head, head
        assert b'"message"' in body, body[:200]


def test_a_regex_rule_too_large_to_match_cheaply_is_refused_with_the_bound(
    start_server: type[ServerProcess], figures: Figures
) -> None:
    server = start_server()
    # RE2 compiles this to ~3 000 instructions: its DFA runs out of memory on a long path
    # and the fallback took 3-8 s of CPU per request (64 KB path).
    answer = requests.post(
        f"{server.url}/__admin/faults",
        json={"pattern": "(a|b|c|d){1000}x", "patternType": "regex", "kind": "drop"},
        timeout=10,
    )
    assert answer.status_code == 400, answer.text
    assert "more than the 1000" in answer.json()["message"]
    # The largest rule allowed matches a path of 64 KB quickly.
    allowed = requests.post(
        f"{server.url}/__admin/faults",
        json={"pattern": "(a|b|c|d){330}x", "patternType": "regex", "kind": "drop"},
        timeout=10,
    )
    assert allowed.status_code == 201, allowed.text
    started = time.perf_counter()
    requests.get(f"{server.url}/{'a' * 60_000}", timeout=30)
    elapsed = time.perf_counter() - started
    figures.record("largest regex rule, 60 kB path", answer_s=round(elapsed, 3))
    assert elapsed < 1.0
