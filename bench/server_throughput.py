"""Benchmark 3: the fake server's throughput, against the bare serving stack it runs on.

Eight concurrent clients (threads of one separate process) send authenticated GETs of
one object to the fake server, and plain GETs to a WSGI hello-world served by the same
stack (``make_http_server``: werkzeug's threaded server). The ratio says how much of the
stack's capacity the application keeps for its users: token verification, routing,
store, JSON. Werkzeug's server closes the connection after each answer, so every request
also pays a TCP connection and a handler thread, on both sides of the ratio. The token
endpoint's rate (password grants, each signing an access and an ID token with RS256) is
set against PyJWT's raw RS256 signing rate with a key of the same size.
"""

from __future__ import annotations

import http.client
import multiprocessing
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, cast
from urllib.parse import urlencode

import jwt

from bench.timing import Profile, Ratio, Report, at_least, measure_rates
from bench.workflow import Backend, connected, fake_server
from fake_server.oidc import KeyRing
from fake_server.serving import make_http_server
from spacestudio_contract.endpoints import DEFAULT_CLIENT_ID, DEFAULT_REALM, realm_path, token_path
from tests.support.samples import SSO_600 as ORBIT

TITLE = "3. Fake server throughput vs a bare WSGI hello-world on the same stack"
CLIENTS = 8
#: RS256 signatures in one answer of the token endpoint (access token and ID token).
RS256_PER_TOKEN_ANSWER = 2


@dataclass(frozen=True)
class Load:
    """What each client sends, over and over, for ``seconds``."""

    port: int
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    seconds: float = 1.0
    #: Replace ``{n}`` in the body by a number no other request of the load sends (to
    #: create objects whose names must differ).
    numbered: bool = False


def drive(load: Load, clients: int) -> tuple[int, float]:
    """Run ``clients`` concurrent clients; returns (answers, seconds). Runs in a child process
    so the clients do not share the server's interpreter lock."""
    counts = [0] * clients
    window = time.time_ns()  # numbers bodies apart from the previous windows'
    failures: list[str] = []
    start = threading.Barrier(clients + 1)
    stop = threading.Event()

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", load.port, timeout=30)
        start.wait()
        try:
            while not stop.is_set():
                body = load.body
                if load.numbered and body is not None:
                    body = body.replace(b"{n}", f"{window}-{index}-{counts[index]}".encode())
                connection.request(load.method, load.path, body, dict(load.headers))
                answer = connection.getresponse()
                answer.read()
                if answer.status != 200:
                    failures.append(f"{load.method} {load.path} answered {answer.status}")
                    return
                counts[index] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    time.sleep(load.seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(failures[0])
    return sum(counts), elapsed


def hello_world(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    body = b"Hello, world!"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


class HelloWorldServer:
    """The WSGI hello-world on the fake server's own serving stack, on a free port."""

    def __enter__(self) -> HelloWorldServer:
        self.server = make_http_server(cast(Any, hello_world), "127.0.0.1", 0)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def signing_rate(key: Any, seconds: float) -> tuple[int, float]:
    """PyJWT's RS256 signatures of token-sized claims with ``key`` in ``seconds`` (one thread)."""
    now = int(time.time())
    claims = {
        "iss": f"http://127.0.0.1{realm_path(DEFAULT_REALM)}",
        "sub": "00000000-0000-4000-8000-000000000001",
        "aud": "account",
        "azp": DEFAULT_CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "scope": "openid email profile",
        "email": "demo@spacestudio.test",
    }
    count = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        jwt.encode(claims, key, "RS256", {"kid": "bench"})
        count += 1
    return count, elapsed


def run(profile: Profile) -> Report:
    seconds = profile.pick(1.5, 1.0, 0.2)
    repeats = profile.pick(4, 3, 1)
    report = Report(TITLE)
    key = KeyRing.generate().signing_key().private_key
    context = multiprocessing.get_context("spawn")
    with (
        ProcessPoolExecutor(max_workers=1, mp_context=context) as pool,
        fake_server() as server,
        HelloWorldServer() as hello,
    ):

        def load(target: Load) -> Callable[[], tuple[int, float]]:
            return lambda: pool.submit(drive, target, CLIENTS).result()

        backend = Backend.of(server)
        with connected(backend) as client:
            orbit = client.simulation.orbits.create(ORBIT)
            token = client.access_token
            path = f"{client.user_url.removeprefix(server.url)}orbitdefinitions/{orbit['id']}"
        form = urlencode(
            {
                "client_id": backend.client_id,
                "grant_type": "password",
                "username": backend.mail,
                "password": backend.password,
                "scope": "openid",
            }
        ).encode()
        port = server_port(server.url)
        bearer = (("Authorization", f"Bearer {token}"),)
        form_type = (("Content-Type", "application/x-www-form-urlencoded"),)
        gets, bare, tokens, signing = measure_rates(
            [
                (
                    "fake server: authenticated GET of an object",
                    load(Load(port, "GET", path, bearer, seconds=seconds)),
                ),
                (
                    "bare WSGI hello-world, same stack",
                    load(Load(hello.port, "GET", "/", seconds=seconds)),
                ),
                (
                    "fake server: token endpoint (password grant)",
                    load(Load(port, "POST", token_path(server.realm), form_type, form, seconds)),
                ),
                ("PyJWT raw RS256 signing", lambda: signing_rate(key, seconds)),
            ],
            profile,
            repeats=repeats,
        )
    gets = replace(gets, detail=f"{CLIENTS} clients")
    bare = replace(bare, detail=f"{CLIENTS} clients")
    tokens = replace(tokens, detail=f"{CLIENTS} clients; 2 RS256 + 1 HS512 signatures an answer")
    signing = replace(signing, detail="one thread, 2048-bit key")
    report.measurements += [gets, bare, tokens, signing]
    # A token answer costs at least one trip through the stack plus its two signatures.
    token_bound = 1 / (1 / bare.value + RS256_PER_TOKEN_ANSWER / signing.value)
    report.ratios += [
        Ratio("authenticated GET / hello-world", gets.value / bare.value, at_least(0.6)),
        Ratio("token answers / raw RS256 signatures", tokens.value / signing.value),
        Ratio("token answers / (stack + 2 signatures) bound", tokens.value / token_bound),
    ]
    report.notes.append(
        "each token answer signs two RS256 tokens (access, ID), so 0.5× is what signing "
        "alone allows on one core; the bound adds one hello-world trip through the stack"
    )
    report.notes.append("the four rates are measured in turns, one window each per round")
    return report


def server_port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])
