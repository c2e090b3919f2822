"""A small real HTTP backend on loopback for the cassette tests.

It speaks the parts of the spacestudio protocol the cassette layer cares about (a
Keycloak-style token endpoint issuing signed JWTs, ``users/infos``, a collection with
server-made UUIDs, status polls) plus routes that stress the recorder: a large JSON
result, a gzip-encoded answer, and an echo that sends credentials back in its body.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import jwt
import requests
from werkzeug.routing import Map, Rule
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from spacestudio.cassettes import Scrubber

REALM = "spacestudio-users"
TOKEN_PATH = f"/realms/{REALM}/protocol/openid-connect/token"
SIGNING_KEY = "mini-backend-signing-key-" + "0123456789abcdef" * 4


@dataclass
class MiniBackend:
    """State of the mini backend; ``url`` is set once it listens."""

    email: str = "ada.lovelace@example.org"
    password: str = "correct horse battery staple"
    client_id: str = "mini-scripting-client"
    first_name: str = "Augusta"
    last_name: str = "Lovelace"
    big_body: bytes = b"[]"
    polls_before_done: int = 2
    url: str = ""
    user_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    polls: dict[str, int] = field(default_factory=dict)
    requests_seen: int = 0
    #: Refresh tokens already traded for new tokens: a second use is refused, as Keycloak does.
    used_refresh_tokens: set[str] = field(default_factory=set)

    def env(self) -> dict[str, str]:
        return {
            "LOG_BASE_URL": self.url,
            "SPACESTUDIO_AUTH_URL": self.url,
            "LOG_MAIL": self.email,
            "LOG_PASSWORD": self.password,
            "CLIENT_ID": self.client_id,
        }

    def scrubber(self) -> Scrubber:
        """The scrubber a recording against this backend uses (it knows the secrets)."""
        return Scrubber(
            api_url=self.url,
            auth_url=self.url,
            mail=self.email,
            password=self.password,
            client_id=self.client_id,
        )

    def log_in(self, base: str | None = None) -> tuple[requests.Session, str]:
        """:func:`log_in` with this backend's account, at ``base`` (default: its own URL)."""
        return log_in(base or self.url, self.email, self.password, self.client_id)

    # -- routes ------------------------------------------------------------------------

    def token(self, request: Request) -> Response:
        form = request.form
        if form.get("client_id") != self.client_id:
            return _json({"error": "invalid_client"}, 401)
        grant = form.get("grant_type")
        if grant == "password" and (
            form.get("username") != self.email or form.get("password") != self.password
        ):
            return _json({"error": "invalid_grant"}, 401)
        if grant not in ("password", "refresh_token"):
            return _json({"error": "unsupported_grant_type"}, 400)
        if grant == "refresh_token":
            token = form.get("refresh_token", "")
            try:
                jwt.decode(token, SIGNING_KEY, algorithms=["HS512"])
            except jwt.PyJWTError:
                return _json({"error": "invalid_grant", "error_description": "Invalid token"}, 400)
            if token in self.used_refresh_tokens:
                return _json({"error": "invalid_grant", "error_description": "Stale token"}, 400)
            self.used_refresh_tokens.add(token)
        now = int(time.time())
        claims = {
            "sub": self.user_id,
            "email": self.email,
            "preferred_username": self.email,
            "given_name": self.first_name,
            "family_name": self.last_name,
            "name": f"{self.first_name} {self.last_name}",
            "azp": self.client_id,
            "iss": f"{self.url}/realms/{REALM}",
            "iat": now,
            "exp": now + 300,
            "jti": str(uuid.uuid4()),
            "scope": "openid email profile",
        }
        tokens = {
            "access_token": jwt.encode({**claims, "typ": "Bearer"}, SIGNING_KEY, "HS256"),
            "refresh_token": jwt.encode({**claims, "typ": "Refresh"}, SIGNING_KEY, "HS512"),
            "id_token": jwt.encode({**claims, "typ": "ID"}, SIGNING_KEY, "HS256"),
            "expires_in": 300,
            "refresh_expires_in": 1800,
            "token_type": "Bearer",
            "session_state": str(uuid.uuid4()),
            "scope": "openid email profile",
        }
        return _json(tokens)

    def _authorized(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return False
        try:
            jwt.decode(header.removeprefix("Bearer "), SIGNING_KEY, algorithms=["HS256"])
        except jwt.PyJWTError:
            return False
        return True

    def infos(self, request: Request) -> Response:
        return _json(
            {
                "id": self.user_id,
                "email": self.email,
                "firstName": self.first_name,
                "lastName": self.last_name,
            }
        )

    def collection(self, request: Request, user: str, segment: str) -> Response:
        if request.method == "POST":
            body = json.loads(request.get_data())
            item = {**body, "id": str(uuid.uuid4()), "displayedName": body.get("name")}
            self.objects[item["id"]] = item
            return _json(item, 201)
        return _json(list(self.objects.values()))

    def item(self, request: Request, user: str, segment: str, item_id: str) -> Response:
        if item_id not in self.objects:
            return _json({"message": "not found"}, 404)
        return _json(self.objects[item_id])

    def status(self, request: Request, user: str, segment: str, item_id: str) -> Response:
        count = self.polls.get(item_id, 0)
        self.polls[item_id] = count + 1
        if count >= self.polls_before_done:
            return _json(-1)
        return _json(round(count / self.polls_before_done, 3))

    def big(self, request: Request, user: str) -> Response:
        return Response(self.big_body, content_type="application/json")

    def zipped(self, request: Request, user: str) -> Response:
        body = gzip.compress(json.dumps({"compressed": True, "owner": self.email}).encode())
        return Response(body, content_type="application/json", headers={"Content-Encoding": "gzip"})

    def echo(self, request: Request, user: str) -> Response:
        # A careless service that repeats credentials back, in several encodings.
        return _json(
            {
                "authorization": request.headers.get("Authorization"),
                "query": parse_qs(request.query_string.decode()),
                "body": request.get_data(as_text=True),
                "note": f"password for {self.email} is {self.password}",
            },
            headers={"X-Request-Id": str(uuid.uuid4()), "Set-Cookie": f"s={self.password}"},
        )

    # -- WSGI --------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        self.requests_seen += 1
        adapter = _ROUTES.bind_to_environ(environ)
        endpoint, arguments = adapter.match()
        if endpoint != "token" and not self._authorized(request):
            response = _json({"message": "unauthorized"}, 401)
        else:
            response = getattr(self, endpoint)(request, **arguments)
        return response(environ, start_response)


_ROUTES = Map(
    [
        Rule(f"/realms/{REALM}/protocol/openid-connect/token", endpoint="token", methods=["POST"]),
        Rule("/exoops/users/infos", endpoint="infos"),
        Rule("/exoops/users/<user>/big", endpoint="big"),
        Rule("/exoops/users/<user>/zipped", endpoint="zipped"),
        Rule("/exoops/users/<user>/echo", endpoint="echo", methods=["GET", "POST"]),
        Rule("/exoops/users/<user>/<segment>/status/<item_id>", endpoint="status"),
        Rule("/exoops/users/<user>/<segment>/<item_id>", endpoint="item"),
        Rule("/exoops/users/<user>/<segment>", endpoint="collection", methods=["GET", "POST"]),
    ]
)


def _json(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(value), status=status, headers=headers, content_type="application/json"
    )


def log_in(base: str, mail: str, password: str, client_id: str) -> tuple[requests.Session, str]:
    """Log in as a script does, by raw HTTP: a session holding a bearer token, and the
    user's collection prefix (``{base}/exoops/users/{id}``)."""
    http = requests.Session()
    tokens = http.post(
        base + TOKEN_PATH,
        data={
            "client_id": client_id,
            "grant_type": "password",
            "username": mail,
            "password": password,
        },
    ).json()
    http.headers["Authorization"] = f"Bearer {tokens['access_token']}"
    user = http.get(f"{base}/exoops/users/infos").json()["id"]
    return http, f"{base}/exoops/users/{user}"


@contextmanager
def running(backend: MiniBackend) -> Iterator[MiniBackend]:
    """Serve ``backend`` on a free loopback port for the duration of the block."""
    server = make_server("127.0.0.1", 0, backend, threaded=True)
    backend.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield backend
    finally:
        server.shutdown()
        thread.join(5)
