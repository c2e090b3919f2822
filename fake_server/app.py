"""The fake spacestudio backend as one WSGI application: each request to its handler.

:class:`FakeSpacestudioApp` builds the server's state from a
:class:`~fake_server.config.ServerConfig`, applies the fault rules, keeps the request
journal, accepts the bearer token of a scripting API call and guards the ``/__admin/``
routes, then answers with the method that the route's row of
:data:`fake_server.routes.ROUTES` names: one of the realm's
(:class:`~fake_server.oidc.IdentityProvider`), the scripting API's
(:class:`~fake_server.scripting_api.ScriptingApi`) or the administration's
(:class:`~fake_server.administration.Administration`).

Every answer is JSON, errors included (:mod:`fake_server.answers`).  A client's mistake
gets a 4xx; a bug gets a logged 500 and the server carries on.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import operator
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from werkzeug.exceptions import (
    ClientDisconnected,
    HTTPException,
    MethodNotAllowed,
    NotFound,
    RequestEntityTooLarge,
)
from werkzeug.routing import Map, RequestRedirect
from werkzeug.wrappers import Request, Response

from fake_server.administration import Administration
from fake_server.answers import ApiError, error_response, json_response
from fake_server.bodies import buffer_unsized_body, size_limit
from fake_server.config import ServerConfig
from fake_server.console import Console
from fake_server.console.pages import TOKEN_COOKIE
from fake_server.faults import ConnectionDropped, FaultInjector, FaultRule
from fake_server.journal import Body, RequestJournal
from fake_server.lifecycle import Computations
from fake_server.oidc import IdentityProvider, KeyRing, TokenRejected
from fake_server.routes import (
    ADMIN_PREFIX,
    CONSOLE_PREFIX,
    HEALTH_PREFIX,
    ROUTES,
    Route,
    url_map,
)
from fake_server.scripting_api import Call, ScriptingApi, no_scripting_access
from fake_server.store import Quota, QuotaExceeded, Store, open_store
from spacestudio_contract.endpoints import API_PREFIX

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

logger = logging.getLogger(__name__)
#: Where the authenticated request keeps its user's id for the journal.
_USER_KEY = "fake_server.user_id"


@dataclass
class FakeSpacestudioApp:
    """The WSGI application; exposes ``store``, ``idp``, ``faults``, ``journal``, ``config``.

    Build it with :meth:`from_config`; tests may pass their own store, identity provider
    or clock.  Call :meth:`close` to release the state file.
    """

    config: ServerConfig
    store: Store
    idp: IdentityProvider
    clock: Callable[[], float] = time.time
    faults: FaultInjector = field(init=False)
    journal: RequestJournal = field(init=False)
    scripting_api: ScriptingApi = field(init=False)
    administration: Administration = field(init=False)
    console: Console = field(init=False)
    url_map: Map = field(init=False)
    _handlers: dict[Route, Callable[..., Response]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.faults = FaultInjector(store=self.store)
        self.faults.configure(self.config.faults)
        self.journal = RequestJournal(
            self.config.journal_size,
            self.store,
            body_limit=self.config.journal_body_bytes,
            max_bytes=self.config.journal_bytes,
        )
        computations = Computations(
            self.store, compute_seconds=self.config.compute_seconds, clock=self.clock
        )
        self.scripting_api = ScriptingApi(self.store, computations, self.config.limits)
        self.administration = Administration(
            self.config, self.store, self.idp, self.faults, self.journal, self.clock
        )
        self.console = Console(
            self.config,
            self.store,
            self.idp,
            self.faults,
            self.journal,
            self.administration.computations,
        )
        self.url_map = url_map()
        # Each route's handler, found once: the bound method its row names.
        try:
            self._handlers = {route: operator.attrgetter(route.handler)(self) for route in ROUTES}
        except AttributeError as error:
            raise TypeError(f"a route names a handler this application lacks: {error}") from None

    @classmethod
    def from_config(
        cls,
        config: ServerConfig,
        *,
        clock: Callable[[], float] = time.time,
        store: Store | None = None,
        keys: KeyRing | None = None,
    ) -> FakeSpacestudioApp:
        """An application with the store, keys and identity provider ``config`` asks for
        (``store`` and ``keys``, when given, replace the ones ``config`` names)."""
        if store is None:  # first: a bad state file leaves no key file
            limits = config.limits
            quota = Quota(
                limits.max_user_bytes, limits.max_user_values, limits.max_user_result_bytes
            )
            store = open_store(config.state_path, quota=quota)
        try:
            if keys is None and config.keys_path:
                keys = KeyRing.load_or_create(config.keys_path)
            idp = IdentityProvider(
                config.accounts,
                config.client_ids,
                realm=config.realm,
                access_token_lifetime=config.token_lifetime,
                refresh_token_lifetime=config.refresh_lifetime,
                session_max_lifetime=config.realm_settings.sso_session_max_lifespan,
                keys=keys,
                clock=clock,
                clients=config.clients,
                state=store,
                settings=config.realm_settings,
            )
        except BaseException:
            store.close()
            raise
        return cls(config, store, idp, clock)

    def close(self) -> None:
        self.store.close()

    # -- WSGI -----------------------------------------------------------------------

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        at = time.time()
        request = Request(environ)
        request.max_content_length = size_limit(request, self.config.limits)
        method, path = request.method, request.path
        journaled = not path.startswith((ADMIN_PREFIX, HEALTH_PREFIX))
        plan = self.faults.plan(method, path) if journaled else None
        if plan is not None and plan.delay:
            time.sleep(plan.delay)
        if plan is not None and plan.drop:
            self.journal.record(
                method, path, None, time.perf_counter() - started, "drop", at=at,
                query=request.query_string.decode("latin-1"),
                request_body=_request_body(request),
            )  # fmt: skip
            _drop_connection(environ)
        if plan is not None and plan.status_rule is not None:
            response = self._fault_response(plan.status_rule, path)
        else:
            response = self._respond(request)
        if journaled:
            fault = plan.names if plan is not None else None
            self.journal.record(
                method, path, response.status_code, time.perf_counter() - started, fault, at=at,
                query=request.query_string.decode("latin-1"),
                user=environ.get(_USER_KEY),
                request_body=_request_body(request),
                response_body=_response_body(response),
            )  # fmt: skip
        return response(environ, start_response)

    def _respond(self, request: Request) -> Response:
        path = request.path
        try:
            if not buffer_unsized_body(request.environ, request.max_content_length):
                raise RequestEntityTooLarge()
            if path.startswith(ADMIN_PREFIX):
                self._guard_admin(request)
            call = self._authenticate(request) if path.startswith(API_PREFIX) else None
            adapter = self.url_map.bind_to_environ(request.environ)
            try:
                route, args = adapter.match(return_rule=True)
            except MethodNotAllowed as exc:
                allowed = sorted(exc.valid_methods or ())
                raise ApiError(
                    405,
                    f"{request.method} is not allowed on {path}; use {', '.join(allowed)}",
                    {"Allow": ", ".join(allowed)},
                ) from None
            except (NotFound, RequestRedirect):
                raise ApiError(
                    404, f"no route {request.method} {path}; /openapi.json lists the routes"
                ) from None
            spec: Route = route.endpoint
            handler = self._handlers[spec]
            if spec.authenticated:
                assert call is not None  # every authenticated route lives under /exoops/
                user_id = dict(args).get("user_id")
                args = {key: value for key, value in args.items() if key != "user_id"}
                if user_id is not None and user_id != call.user_id:
                    raise ApiError(
                        403,
                        "this token's user cannot reach another user's objects; "
                        "use the id GET /exoops/users/infos answers",
                    )
                return handler(call, **args)
            return handler(request, **args)
        except ApiError as exc:
            return error_response(exc.status, exc.message, path, exc.headers)
        except RequestEntityTooLarge:
            limit = request.max_content_length
            return error_response(
                413, f"the request body is larger than {limit} bytes; send less", path
            )
        except QuotaExceeded as exc:
            return error_response(413, str(exc), path)
        except ClientDisconnected as exc:
            if not isinstance(exc.__context__, TimeoutError):
                return error_response(400, "the request body ended early", path)
            return error_response(  # werkzeug's name for a body read that timed out
                408, f"{exc.__context__}; send the whole body the Content-Length announces", path
            )
        except HTTPException as exc:
            status = exc.code or 400
            return error_response(status, exc.description or HTTPStatus(status).phrase, path)
        except Exception:
            logger.exception("internal error answering %s %s", request.method, path)
            return error_response(
                500, "the fake server failed on this request; its log has the details", path
            )

    def _authenticate(self, request: Request) -> Call:
        try:
            account = self.idp.authenticate(request)
        except TokenRejected as exc:
            raise ApiError(
                401,
                exc.description,
                {"WWW-Authenticate": exc.www_authenticate(self.idp.realm)},
            ) from None
        if not account.scripting:
            raise ApiError(403, no_scripting_access(account, self.config.scripting_role_required))
        request.environ[_USER_KEY] = account.user_id  # for the journal
        return Call(request, account)

    def _guard_admin(self, request: Request) -> None:
        """Keep web pages away from the ``/__admin/`` routes.

        With an admin token, only requests that carry it pass.  Without one, the
        ``Host`` must name this machine (a DNS-rebinding page sends its own name).
        Either way nothing changes for a request a browser says another site's page sent
        (``Origin``, ``Sec-Fetch-Site``; curl sends neither) unless it carries the admin
        token in its ``Authorization`` header, and a body must be labelled
        JSON, which a cross-origin form or a preflight-free ``fetch`` cannot do; a POST
        with no body at all (``curl -X POST``) needs no label.
        """
        token = self.config.admin_token
        if token is not None:
            scheme, _, given = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer":
                # A browser on the console: the token in its cookie, or given once.
                given = request.cookies.get(TOKEN_COOKIE) or (
                    request.args.get("token", "") if request.path == CONSOLE_PREFIX else ""
                )
            if not given or not hmac.compare_digest(given.strip().encode(), token.encode()):
                raise ApiError(
                    401,
                    "the /__admin/ routes need the server's admin token: send "
                    "'Authorization: Bearer <token>' with the token given to --admin-token",
                    {"WWW-Authenticate": 'Bearer realm="__admin"'},
                )
        else:
            host = _host_name(request.host)
            if host not in self._admin_hosts:
                raise ApiError(
                    403,
                    f"the /__admin/ routes answer only requests addressed to this machine "
                    f"(Host {', '.join(sorted(self._admin_hosts))}), not {host!r}; "
                    "start the server with --admin-host NAME or --admin-token",
                )
        # A page of another site cannot send an Authorization header here without a CORS
        # preflight, which this server never grants: with the token in it, it is a script.
        by_token = token is not None and request.headers.get("Authorization") is not None
        if request.method not in ("GET", "HEAD") and not by_token and _cross_site(request):
            raise ApiError(
                403,
                "the /__admin/ routes change nothing for another site's page "
                f"(Origin {request.headers.get('Origin')!r}); use the console on this server, "
                "or call them from a script or curl",
            )
        if (
            request.method in ("POST", "PUT", "PATCH")
            and request.mimetype != "application/json"
            and not _bodiless(request)
        ):
            raise ApiError(
                415,
                f"the body must be sent as application/json, not "
                f"{request.mimetype or 'without a Content-Type'}",
            )

    @property
    def _admin_hosts(self) -> frozenset[str]:
        hosts = {"localhost", "127.0.0.1", "::1", *self.config.admin_hosts}
        if self.config.host not in ("", "0.0.0.0", "::"):
            hosts.add(self.config.host)
        return frozenset(_host_name(host) for host in hosts)

    def _fault_response(self, rule: FaultRule, path: str) -> Response:
        headers = {"Retry-After": rule.retry_after} if rule.retry_after is not None else None
        if rule.body is not None:
            return json_response(rule.body, rule.status, headers)
        return error_response(rule.status, f"fault injected by rule {rule.id}", path, headers)


def _bodiless(request: Request) -> bool:
    """Whether the request announces no body at all (no length, or 0, and not chunked)."""
    return not request.content_length and "Transfer-Encoding" not in request.headers


def _request_body(request: Request) -> Body | None:
    """The request's body for the journal: what the handler read, or read now within the
    request's size limit; None when there is none or it cannot be read."""
    if not request.content_length and "Transfer-Encoding" not in request.headers:
        return None
    try:
        if request.mimetype == "application/x-www-form-urlencoded":
            # Parsing a form consumes the body without keeping it: rebuild it.
            data = urlencode(list(request.form.items(multi=True))).encode()
        else:
            data = request.get_data(cache=True)
    except (HTTPException, ClientDisconnected, OSError):
        return None
    return Body(data, request.mimetype)


def _response_body(response: Response) -> Body | None:
    """The answer's body for the journal; a streamed one is not read twice."""
    if response.is_streamed:
        return Body(f"[streamed {response.mimetype}]".encode(), "text/plain")
    return Body(response.get_data(), response.mimetype or "")


def _drop_connection(environ: WSGIEnvironment) -> None:
    """Close the client's connection without an answer (raises ConnectionDropped)."""
    sock = environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):  # already gone: nothing left to drop
            sock.shutdown(socket.SHUT_RDWR)
    raise ConnectionDropped("connection dropped by a fault rule")


def _cross_site(request: Request) -> bool:
    """Whether a browser says the request comes from another site's page."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return origin == "null" or urlsplit(origin).netloc.lower() != request.host.lower()


def _host_name(host: str) -> str:
    """The name in a ``Host`` header, without port or IPv6 brackets, in lower case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        return host.partition(":")[0]
    return host
