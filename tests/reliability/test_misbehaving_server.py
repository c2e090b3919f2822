"""The client against something that is not quite the service: HTML error pages, truncated
bodies, wrong content types, empty bodies, a 200 that is not JSON.

A small real werkzeug server on loopback logs the client in properly and then answers
chosen routes badly.  Each seed-module function (get_orbit, create_orbit,
wait_and_get_mission_results, the gridfs download) must raise TransportError naming the
method, URL and status, never fail deep inside JSON parsing, and never leave a bad file.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

import spacestudio
from spacestudio import RetryPolicy, SpacestudioError, TransportError, set_default_client

USER_ID = "u-1"
REALM = "spacestudio-users"
HTML_PAGE = b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"
LOGIN_PAGE = b"<html><head><title>Sign in</title></head><body><form>...</form></body></html>"
MISSION = {"id": "m-1", "name": "raise", "displayedName": "raise", "computationLogId": "log-1"}
ORBIT = {"id": "o-1", "name": "SSO-500", "displayedName": "SSO-500"}


def json_answer(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def short_body(environ: Any, start_response: Any) -> list[bytes]:
    """Promises 4000 bytes, sends 13 and hangs up (werkzeug's Response would correct the
    length). Without the hang-up, a kept-alive connection would leave the client waiting
    out its read timeout for the rest: a stalled server, not a short body.

    The request's body is read first: werkzeug drains what the application left unread
    with a blocking read of up to 10 MB before it hangs up, so a body arriving after the
    answer would hold the connection open until the client's read timeout (60 s)."""
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    headers = [("Content-Type", "application/json"), ("Content-Length", "4000")]
    start_response("200 OK", [*headers, ("Connection", "close")])
    return [b'[{"id": "o-1"']


#: Bad answers by name: what a proxy, a gateway or a broken server may send.
BAD_ANSWERS: dict[str, Callable[[], Callable[..., Any]]] = {
    "HTML error page": lambda: Response(HTML_PAGE, status=502, mimetype="text/html"),
    "HTML page with 200": lambda: Response(LOGIN_PAGE, status=200, mimetype="text/html"),
    "HTML page labelled JSON": lambda: Response(LOGIN_PAGE, mimetype="application/json"),
    "truncated JSON": lambda: Response(b'[{"id": "o-1", "displayedNa', mimetype="application/json"),
    "body shorter than Content-Length": lambda: short_body,
    "plain text": lambda: Response(b"OK", mimetype="text/plain"),
    "XML": lambda: Response(b"<orbits/>", mimetype="application/xml"),
    "empty body": lambda: Response(b"", status=200),
    "200 with garbage labelled JSON": lambda: Response(
        b"\x00\xff garbage", mimetype="application/json"
    ),
    "JSON of the wrong shape": lambda: json_answer({"unexpected": True}),
}  # fmt: skip


@dataclass
class Misbehaving:
    """A loopback server that logs the client in and answers ``bad`` routes with ``answer``."""

    url: str = ""
    bad: set[str] = field(default_factory=set)
    answer: Callable[[], Callable[..., Any]] = BAD_ANSWERS["HTML error page"]

    def __call__(self, environ: Any, start_response: Any) -> Any:
        request = Request(environ)
        route = self.route_of(request)
        if route in self.bad:
            return self.answer()(environ, start_response)
        return self.good(request, route)(environ, start_response)

    @staticmethod
    def route_of(request: Request) -> str:
        path = request.path
        if path.endswith("/openid-connect/token"):
            return "token"
        if path == "/exoops/users/infos":
            return "infos"
        if "/gridfs/ascsv/" in path:
            return "gridfs"
        if "/status/" in path:
            return "status"
        if "/computationlogs/" in path:
            return "results"
        return f"{request.method} {path.rsplit('/', 1)[-1]}"

    @staticmethod
    def good(request: Request, route: str) -> Response:
        now = int(time.time())
        if route == "token":
            claims = {"sub": USER_ID, "iat": now, "exp": now + 300}
            token = jwt.encode(claims, "misbehaving-server-key-0123456789abcdef", "HS256")
            return json_answer({"access_token": token, "expires_in": 300, "token_type": "Bearer"})
        if route == "infos":
            return json_answer({"id": USER_ID})
        if route == "gridfs":
            return Response(b"time,sma\n0,6878137\n", mimetype="text/csv")
        if route == "status":
            return json_answer(-1)
        if route == "results":
            return json_answer({"results": {"name": "raise"}, "errors": []})
        if route == "GET orbitdefinitions":
            return json_answer([ORBIT])
        if route == "POST orbitdefinitions":
            return json_answer({**request.get_json(), "id": "o-2", "displayedName": "new"})
        if route == "GET simulationrequests":
            return json_answer([MISSION])
        return json_answer({"message": f"no route {route}"}, 404)


@pytest.fixture(scope="module")
def misbehaving() -> Iterator[Misbehaving]:
    app = Misbehaving()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app
    server.shutdown()
    server.server_close()


@pytest.fixture
def connected(misbehaving: Misbehaving) -> Iterator[Misbehaving]:
    misbehaving.bad = set()
    spacestudio.connect(
        misbehaving.url, "someone@example.test", "a-password", "a-client",
        auth_url=misbehaving.url, realm=REALM, progress=False, poll_interval=0.0,
        retry=RetryPolicy(max_attempts=2, backoff=0.01),
    )  # fmt: skip
    yield misbehaving
    set_default_client(None)


SEED_CALLS: dict[str, tuple[str, str, Callable[[Path], Any]]] = {
    "get_orbit": ("GET orbitdefinitions", "GET",
                  lambda _: spacestudio.simulation.get_orbit("SSO-500")),
    "create_orbit": ("POST orbitdefinitions", "POST",
                     lambda _: spacestudio.simulation.create_orbit({"name": "new"})),
    "wait_and_get_mission_results (status)": (
        "status", "GET", lambda _: spacestudio.simulation.wait_and_get_mission_results("raise")),
    "wait_and_get_mission_results (results)": (
        "results", "GET", lambda _: spacestudio.simulation.wait_and_get_mission_results("raise")),
    "save_csv_file_to_disk": (
        "gridfs", "GET",
        lambda tmp: spacestudio.gridfs.save_csv_file_to_disk("eph", tmp / "eph.csv")),
}  # fmt: skip


#: A download stores whatever bytes the server calls the file; it refuses HTML pages, error
#: statuses and short bodies.  Where an object is expected, any object passes.
NOT_DETECTABLE = {
    ("gridfs", bad)
    for bad in (
        "plain text",
        "XML",
        "JSON of the wrong shape",
        "truncated JSON",
        "empty body",
        "200 with garbage labelled JSON",
        "HTML page labelled JSON",
    )
} | {("results", "JSON of the wrong shape"), ("POST orbitdefinitions", "JSON of the wrong shape")}
CASES = [
    (call, bad)
    for call, (route, _, _) in SEED_CALLS.items()
    for bad in BAD_ANSWERS
    if (route, bad) not in NOT_DETECTABLE
]  # fmt: skip


@pytest.mark.parametrize(("call", "bad_answer"), CASES)
def test_a_bad_answer_is_a_transport_error_naming_method_url_and_status(
    connected: Misbehaving, tmp_path: Path, call: str, bad_answer: str
) -> None:
    route, method, run = SEED_CALLS[call]
    previous = tmp_path / "eph.csv"
    previous.write_text("the previous download\n")
    connected.bad = {route}
    connected.answer = BAD_ANSWERS[bad_answer]
    with pytest.raises(SpacestudioError) as raised:
        run(tmp_path)
    error = raised.value
    assert isinstance(error, TransportError), f"{type(error).__name__}: {error}"
    message = str(error)
    assert f"{method} {connected.url}/exoops/users/{USER_ID}/" in message, message
    if error.status is not None:
        assert f"HTTP {error.status}" in message
    assert error.__cause__ is None or not isinstance(error.__cause__, json.JSONDecodeError)
    assert previous.read_text() == "the previous download\n"  # never replaced by a bad body
    assert not list(tmp_path.glob(".*.part"))


def test_a_bad_token_answer_is_a_transport_error(misbehaving: Misbehaving) -> None:
    misbehaving.bad = {"token"}
    for bad_answer in ("HTML page with 200", "truncated JSON", "empty body", "plain text"):
        misbehaving.answer = BAD_ANSWERS[bad_answer]
        with pytest.raises(TransportError, match="token answer is unusable") as raised:
            spacestudio.connect(
                misbehaving.url, "someone@example.test", "a-password", "a-client",
                auth_url=misbehaving.url, realm=REALM, progress=False,
            )  # fmt: skip
        assert "/protocol/openid-connect/token" in str(raised.value)
        assert "a-password" not in str(raised.value)
    misbehaving.bad = set()
