"""The fake spacestudio backend as one WSGI application.

:data:`ROUTES` is the single table of every route: the realm's OpenID Connect
endpoints (answered by :class:`~fake_server.oidc.IdentityProvider`), the scripting API
under ``/exoops/`` (derived from :mod:`spacestudio_contract.catalog`), the ``/__admin/`` routes
and ``/openapi.json``.  The werkzeug :class:`~werkzeug.routing.Map` and the OpenAPI
document are both built from it; handlers are plain methods of :class:`FakeSpacestudioApp`.

Every answer is JSON, errors included: ``{"timestamp", "status", "error", "message",
"path"}`` where ``message`` says what was wrong and what to do.  A client's mistake
gets a 4xx; a bug gets a logged 500 and the server carries on.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import math
import os
import re
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import (
    ClientDisconnected,
    HTTPException,
    MethodNotAllowed,
    NotFound,
    RequestEntityTooLarge,
)
from werkzeug.routing import Map, RequestRedirect, Rule
from werkzeug.wrappers import Request, Response

from fake_server import openapi
from fake_server.lifecycle import (
    STATUS_FINISHED,
    STATUS_PENDING,
    ChainNotReady,
    Computations,
    ResultsRejected,
    ephemerides_csv,
    ephemerides_json,
    ephemerides_records,
    new_object,
    with_derived_fields,
)
from fake_server.config import MAX_PAUSE_SECONDS, Limits, ServerConfig
from fake_server.faults import ConnectionDropped, FaultInjector, FaultRule, FaultSpecError
from fake_server.journal import RequestJournal
from fake_server.oidc import Account, IdentityProvider, KeyRing, TokenRejected
from fake_server.oidc.realm import ADDED_AT_RUN_TIME
from fake_server.oidc.realm_file import (
    RealmFileError,
    client_from_representation,
    client_representation,
    user_from_representation,
    user_representation,
)
from fake_server.relations import current, current_list
from fake_server.serving import BoundedWSGIServer, error_body
from fake_server.store import (
    DeleteObject,
    InsertObject,
    JsonObject,
    NameTaken,
    ObjectNotFound,
    Quota,
    QuotaExceeded,
    ReplaceObject,
    Store,
    open_store,
)
from spacestudio_contract.catalog import BY_SEGMENT, COLLECTIONS, GRIDFS_SEGMENT, RESULTS_SEGMENT
from spacestudio_contract.json_types import json_type_phrase

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

logger = logging.getLogger(__name__)

API_PREFIX = "/exoops/"
ADMIN_PREFIX = "/__admin/"
HEALTH_PREFIX = "/health/"
USER_PREFIX = "/exoops/users/<user_id>"
REALM_PREFIX = "/realms/<realm>"
OIDC_PREFIX = f"{REALM_PREFIX}/protocol/openid-connect"

#: Fields of a stored object that name other objects: ids are strings.
_ID_FIELDS = ("computationLogId", "pausedParentMissionId")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

ALL_SEGMENTS = tuple(spec.segment for spec in COLLECTIONS)
MISSION_SEGMENTS = tuple(spec.segment for spec in COLLECTIONS if spec.mission)
PAUSABLE_SEGMENTS = tuple(spec.segment for spec in COLLECTIONS if spec.pausable)


@dataclass(frozen=True)
class Route:
    """One route: its werkzeug rule, methods, handler and what the OpenAPI document says.

    ``segments`` lists the collection segments a ``<segment>`` placeholder stands for;
    ``request`` and ``response`` name schemas of :mod:`fake_server.openapi`.
    """

    path: str
    methods: tuple[str, ...]
    endpoint: str
    summary: str
    tag: str
    segments: tuple[str, ...] = ()
    request: str | None = None
    response: str = "empty"
    authenticated: bool = False
    status: int = 200  # of a successful answer

    def rule(self) -> Rule:
        path = self.path
        if self.segments:
            path = path.replace("<segment>", f"<any({', '.join(self.segments)}):segment>")
        return Rule(path, methods=list(self.methods), endpoint=self)


def _api(path: str, methods: str, endpoint: str, summary: str, **more: Any) -> Route:
    tag = more.pop("tag", "objects")
    return Route(
        f"{USER_PREFIX}/{path}",
        tuple(methods.split()),
        endpoint,
        summary,
        tag,
        authenticated=True,
        **more,
    )


ROUTES: tuple[Route, ...] = (
    # The realm's OpenID Connect endpoints, on Keycloak's paths.
    Route(REALM_PREFIX, ("GET",), "oidc_realm", "The realm's public key and service URLs",
          "auth", response="oidc"),
    Route(f"{REALM_PREFIX}/.well-known/openid-configuration", ("GET",), "oidc_configuration",
          "OpenID Provider metadata", "auth", response="oidc"),
    Route(f"{OIDC_PREFIX}/token", ("POST",), "oidc_token",
          "Token endpoint (password and refresh_token grants)", "auth", request="form",
          response="token"),
    Route(f"{OIDC_PREFIX}/certs", ("GET",), "oidc_certs", "The realm's public keys (JWKS)",
          "auth", response="oidc"),
    Route(f"{OIDC_PREFIX}/userinfo", ("GET", "POST"), "oidc_userinfo",
          "Claims of the bearer token's user", "auth", response="oidc"),
    Route(f"{OIDC_PREFIX}/logout", ("POST",), "oidc_logout",
          "End the session of a refresh token", "auth", request="form", status=204),
    Route(f"{OIDC_PREFIX}/logout", ("GET",), "oidc_browser_logout",
          "The browser's logout: end the id_token_hint's session, then redirect or say so",
          "auth", response="html"),
    Route(f"{OIDC_PREFIX}/token/introspect", ("POST",), "oidc_introspect",
          "Token introspection (RFC 7662)", "auth", request="form", response="oidc"),
    Route(f"{OIDC_PREFIX}/auth", ("GET", "POST"), "oidc_authorize",
          "Authorization endpoint: the login page of the authorization-code flow (PKCE)",
          "auth", request="form", response="html"),
    Route(f"{OIDC_PREFIX}/revoke", ("POST",), "oidc_revoke",
          "Token revocation (RFC 7009)", "auth", request="form", response="empty"),
    # The scripting API.
    Route("/exoops/users/infos", ("GET",), "user_infos", "The token's user", "users",
          response="user", authenticated=True),
    _api("<segment>", "GET", "list_objects", "All objects of a collection",
         segments=ALL_SEGMENTS, response="object-list"),
    _api("<segment>", "POST", "create_object", "Create an object (names are unique)",
         segments=ALL_SEGMENTS, request="object", response="object"),
    _api("<segment>/<obj_id>", "GET", "get_object", "One object",
         segments=ALL_SEGMENTS, response="object"),
    _api("<segment>/<obj_id>", "PUT", "replace_object", "Replace an object, keeping its id",
         segments=ALL_SEGMENTS, request="object", response="object"),
    _api("<segment>/<obj_id>", "DELETE", "delete_object", "Delete an object",
         segments=ALL_SEGMENTS),
    _api("<segment>/compute/<obj_id>", "GET", "compute", "Start computing a mission",
         segments=MISSION_SEGMENTS, response="computation", tag="computations"),
    _api("<segment>/compute_until_duration/<obj_id>", "POST", "compute_until_duration",
         "Start computing a mission that pauses after a duration (seconds)",
         segments=MISSION_SEGMENTS, request="duration", response="computation",
         tag="computations"),
    _api("<segment>/status/<obj_id>", "GET", "status",
         "Status of the mission's latest computation: 0 pending, percent running, -1 finished",
         segments=MISSION_SEGMENTS, response="status", tag="computations"),
    _api("<segment>/create_from_results/<obj_id>/<new_name>", "POST", "create_from_results",
         "Create a mission resuming a paused one from its results",
         segments=PAUSABLE_SEGMENTS, request="results", response="object",
         tag="computations"),
    _api("<segment>/create_merged_results/<obj_id>", "GET", "create_merged_results",
         "Merge the results of a paused chain into a mission named '{name} - merged'",
         segments=PAUSABLE_SEGMENTS, response="log", tag="computations"),
    _api(f"{RESULTS_SEGMENT}/<log_id>", "GET", "computation_log",
         "A computation log: status, results and errors", response="log",
         tag="computations"),
    _api(f"{GRIDFS_SEGMENT}/ascsv/<path:filename>", "GET", "gridfs_csv",
         "Download a results file as CSV", response="csv", tag="files"),
    _api(f"{GRIDFS_SEGMENT}/asjson/<path:filename>", "GET", "gridfs_json",
         "Download a results file as JSON", response="file-json", tag="files"),
    _api(f"{GRIDFS_SEGMENT}/csvasjson/<path:filename>", "GET", "gridfs_csv_as_json",
         "A results file's CSV as a JSON list of row objects", response="records", tag="files"),
    # Administration of the fake itself (no token: it listens on loopback).
    Route("/__admin/health", ("GET",), "admin_health", "Liveness and a summary", "admin",
          response="health"),
    Route("/__admin/faults", ("GET",), "admin_list_faults", "Active fault rules", "admin",
          response="faults"),
    Route("/__admin/faults", ("POST",), "admin_add_fault", "Add a fault rule", "admin",
          request="fault", response="fault", status=201),
    Route("/__admin/faults", ("DELETE",), "admin_clear_faults", "Remove every fault rule",
          "admin", status=204),
    Route("/__admin/faults/<int:rule_id>", ("DELETE",), "admin_remove_fault",
          "Remove one fault rule", "admin", status=204),
    Route("/__admin/journal", ("GET",), "admin_journal", "The last requests answered",
          "admin", response="journal"),
    Route("/__admin/journal", ("DELETE",), "admin_clear_journal", "Forget the journal",
          "admin", status=204),
    Route("/__admin/reset", ("POST",), "admin_reset",
          "Forget objects, journal and faults (and run-time users and clients with "
          '{"users": true})', "admin", request="admin-reset", status=204),
    Route("/__admin/users", ("GET",), "admin_list_users", "The realm's users", "admin",
          response="admin-object"),
    Route("/__admin/users", ("POST",), "admin_add_user",
          "Add a user (a Keycloak UserRepresentation)", "admin", request="admin-object",
          response="admin-object", status=201),
    Route("/__admin/users/<username>", ("DELETE",), "admin_remove_user", "Remove a user",
          "admin", status=204),
    Route("/__admin/clients", ("GET",), "admin_list_clients", "The realm's clients", "admin",
          response="admin-object"),
    Route("/__admin/clients", ("POST",), "admin_add_client",
          "Add a client (a Keycloak ClientRepresentation)", "admin", request="admin-object",
          response="admin-object", status=201),
    Route("/__admin/clients/<client_id>", ("DELETE",), "admin_remove_client",
          "Remove a client", "admin", status=204),
    Route("/health/ready", ("GET",), "health_ready", "Ready: the state store answers",
          "admin", response="health"),
    Route("/health/live", ("GET",), "health_live", "Live", "admin", response="health"),
    Route("/openapi.json", ("GET",), "openapi_document", "This document", "admin",
          response="openapi"),
)  # fmt: skip


class ApiError(Exception):
    """An error answer: status, a message saying what was wrong and what to do."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    payload = json.dumps(body, separators=(",", ":"))
    return Response(payload, status=status, headers=headers, mimetype="application/json")


def error_response(
    status: int, message: str, path: str, headers: dict[str, str] | None = None
) -> Response:
    """The JSON error body every failing route answers with."""
    return json_response(error_body(status, message, path), status, headers)


@dataclass
class Call:
    """One API request once its bearer token is accepted."""

    request: Request
    account: Account

    @property
    def user_id(self) -> str:
        return self.account.user_id


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
    computations: Computations = field(init=False)
    url_map: Map = field(init=False)
    started_at: float = field(init=False)

    def __post_init__(self) -> None:
        self.faults = FaultInjector(store=self.store)
        self.faults.configure(self.config.faults)
        self.journal = RequestJournal(self.config.journal_size, self.store)
        self.computations = Computations(
            self.store, compute_seconds=self.config.compute_seconds, clock=self.clock
        )
        self.url_map = Map(
            [route.rule() for route in ROUTES], strict_slashes=False, merge_slashes=False
        )
        self.started_at = self.clock()
        missing = [route.endpoint for route in ROUTES if not hasattr(self, route.endpoint)]
        if missing:
            raise TypeError(f"routes without a handler: {', '.join(missing)}")

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
            quota = Quota(config.limits.max_user_bytes, config.limits.max_user_values)
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
        limits = self.config.limits
        request.max_content_length = (
            limits.max_form_bytes if request.mimetype in _FORM_TYPES else limits.max_body_bytes
        )
        method, path = request.method, request.path
        journaled = not path.startswith((ADMIN_PREFIX, HEALTH_PREFIX))
        plan = self.faults.plan(method, path) if journaled else None
        if plan is not None and plan.delay:
            time.sleep(plan.delay)
        if plan is not None and plan.drop:
            self.journal.record(method, path, None, time.perf_counter() - started, "drop", at=at)
            _drop_connection(environ)
        if plan is not None and plan.status_rule is not None:
            response = self._fault_response(plan.status_rule, path)
        else:
            response = self._respond(request)
        if journaled:
            fault = plan.names if plan is not None else None
            self.journal.record(
                method, path, response.status_code, time.perf_counter() - started, fault, at=at
            )
        return response(environ, start_response)

    def _respond(self, request: Request) -> Response:
        path = request.path
        try:
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
            handler: Callable[..., Response] = getattr(self, spec.endpoint)
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
            raise ApiError(
                403, f"account {account.email} has no scripting access; ask for it to be enabled"
            )
        return Call(request, account)

    def _guard_admin(self, request: Request) -> None:
        """Keep web pages away from the ``/__admin/`` routes.

        With an admin token, only requests that carry it pass.  Without one, the
        ``Host`` must name this machine (a DNS-rebinding page sends its own name).
        Either way a body must be labelled JSON, which a cross-origin form or a
        preflight-free ``fetch`` cannot do.
        """
        token = self.config.admin_token
        if token is not None:
            scheme, _, given = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(
                given.strip().encode(), token.encode()
            ):
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
        if request.method in ("POST", "PUT", "PATCH") and request.mimetype != "application/json":
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

    # -- request bodies -------------------------------------------------------------

    def _json_body(self, request: Request, max_values: int | None = None) -> Any:
        """The parsed JSON body, within the size and nesting limits and, when given,
        holding at most ``max_values`` values (counted by their separators, before
        parsing: a body that cannot be kept costs no parse)."""
        data = request.get_data(cache=True)
        if not data.strip():
            raise ApiError(400, "the request needs a JSON body")
        if max_values is not None and data.count(b",") + 1 > max_values:
            raise ApiError(
                413,
                f"the body holds more than {max_values} JSON values, more than one user's "
                "objects may hold (the quota); send a smaller object",
            )
        depth_limit = self.config.limits.max_json_depth
        try:
            value = json.loads(data, parse_constant=_refuse_constant, parse_float=_finite_float)
        except RecursionError:
            problem: str | None = _too_deep(depth_limit)
        except _NotJson as exc:
            raise ApiError(400, str(exc)) from None
        except ValueError as exc:
            raise ApiError(
                400, f"the body is not valid JSON ({exc}); send a JSON document"
            ) from None
        else:
            surrogates = _SURROGATE_ESCAPE.search(data) is not None
            problem = _body_problem(value, depth_limit, exact=surrogates)
        if problem is not None:
            raise ApiError(400, problem)
        return value

    def _object_body(self, request: Request) -> JsonObject:
        """A JSON object body with a usable ``name``."""
        body = self._json_body(request, max_values=self.config.limits.max_user_values)
        if not isinstance(body, dict):
            raise ApiError(
                400, f"the body must be a JSON object, not {json_type_phrase(body)}; send {{...}}"
            )
        body["name"] = self._valid_name(body.get("name"), "the body's name")
        for key in _ID_FIELDS:
            if key in body and not isinstance(body[key], str):
                raise ApiError(
                    400,
                    f"the body's {key} must be a string (an id this server gave), not "
                    f"{json_type_phrase(body[key])}; leave it out or send the id unchanged",
                )
        return body

    def _valid_name(self, name: Any, what: str) -> str:
        limit = self.config.limits.max_name_length
        if name is None:
            raise ApiError(400, f"{what} is missing; every object needs a name")
        if not isinstance(name, str):
            raise ApiError(400, f"{what} must be a string, not {json_type_phrase(name)}")
        if not name.strip():
            raise ApiError(400, f"{what} is empty; give the object a name")
        if len(name) > limit:
            raise ApiError(400, f"{what} is {len(name)} characters long; the limit is {limit}")
        if "\x00" in name:
            raise ApiError(400, f"{what} contains a NUL character; remove it")
        return name

    def _mission(self, call: Call, segment: str, obj_id: str) -> JsonObject:
        mission = self.store.get_object(call.user_id, segment, obj_id)
        if mission is None:
            raise ApiError(404, f"no mission with id {obj_id} in {segment}")
        return current(self.store, call.user_id, segment, mission)

    # -- auth routes ------------------------------------------------------------------

    def oidc_realm(self, request: Request, realm: str) -> Response:
        return self.idp.realm_info(request, realm)

    def oidc_configuration(self, request: Request, realm: str) -> Response:
        return self.idp.openid_configuration(request, realm)

    def oidc_token(self, request: Request, realm: str) -> Response:
        return self.idp.token(request, realm)

    def oidc_certs(self, request: Request, realm: str) -> Response:
        return self.idp.certs(request, realm)

    def oidc_userinfo(self, request: Request, realm: str) -> Response:
        return self.idp.userinfo(request, realm)

    def oidc_logout(self, request: Request, realm: str) -> Response:
        return self.idp.logout(request, realm)

    oidc_browser_logout = oidc_logout  # the identity provider tells the two by method

    def oidc_introspect(self, request: Request, realm: str) -> Response:
        return self.idp.introspect(request, realm)

    def oidc_authorize(self, request: Request, realm: str) -> Response:
        return self.idp.authorize(request, realm)

    def oidc_revoke(self, request: Request, realm: str) -> Response:
        return self.idp.revoke(request, realm)

    # -- users and objects ------------------------------------------------------------

    def user_infos(self, call: Call) -> Response:
        account = call.account
        return json_response(
            {
                "id": account.user_id,
                "email": account.email,
                "username": account.email,
                "firstName": account.first_name,
                "lastName": account.last_name,
                "enabled": account.enabled,
                "scriptingEnabled": account.scripting,
            }
        )

    def list_objects(self, call: Call, segment: str) -> Response:
        return json_response(current_list(self.store, call.user_id, segment))

    def create_object(self, call: Call, segment: str) -> Response:
        body = with_derived_fields(segment, self._object_body(call.request))
        obj = new_object(body)
        try:
            self.store.apply(call.user_id, [InsertObject(segment, obj)])
        except NameTaken as exc:
            raise ApiError(
                409, f"{exc}; choose another name or modify the existing object"
            ) from None
        return json_response(obj)

    def get_object(self, call: Call, segment: str, obj_id: str) -> Response:
        obj = self.store.get_object(call.user_id, segment, obj_id)
        if obj is None:
            raise ApiError(404, f"no object with id {obj_id} in {segment}")
        return json_response(current(self.store, call.user_id, segment, obj))

    def replace_object(self, call: Call, segment: str, obj_id: str) -> Response:
        obj = new_object(with_derived_fields(segment, self._object_body(call.request)), obj_id)
        try:
            self.store.apply(call.user_id, [ReplaceObject(segment, obj)])
        except ObjectNotFound:
            raise ApiError(404, f"no object with id {obj_id} in {segment}") from None
        except NameTaken as exc:
            raise ApiError(409, f"{exc}; choose a name no other object has") from None
        return json_response(obj)

    def delete_object(self, call: Call, segment: str, obj_id: str) -> Response:
        try:
            self.store.apply(call.user_id, [DeleteObject(segment, obj_id)])
        except ObjectNotFound:
            raise ApiError(404, f"no object with id {obj_id} in {segment}") from None
        return Response(status=200)

    # -- computations -----------------------------------------------------------------

    def compute(self, call: Call, segment: str, obj_id: str) -> Response:
        return self._start(call, segment, obj_id, None)

    def compute_until_duration(self, call: Call, segment: str, obj_id: str) -> Response:
        duration = self._json_body(call.request)
        if isinstance(duration, bool) or not isinstance(duration, (int, float)):
            raise ApiError(
                400,
                f"the body must be the duration in seconds as a JSON number, "
                f"not {json_type_phrase(duration)}",
            )
        if not math.isfinite(duration) or not 0 < duration <= MAX_PAUSE_SECONDS:
            raise ApiError(400, f"the duration must be between 0 and {MAX_PAUSE_SECONDS:g} seconds")
        return self._start(call, segment, obj_id, float(duration))

    def _start(self, call: Call, segment: str, obj_id: str, until: float | None) -> Response:
        mission = self._mission(call, segment, obj_id)
        try:
            log = self.computations.start(
                call.user_id, BY_SEGMENT[segment], mission, until_duration=until
            )
        except ObjectNotFound:  # deleted while it was being computed
            raise ApiError(404, f"no mission with id {obj_id} in {segment}") from None
        described = self.computations.describe(log)
        return json_response(
            {"computationLogId": log.id, "missionId": obj_id, "status": described["status"]}
        )

    def status(self, call: Call, segment: str, obj_id: str) -> Response:
        mission = self._mission(call, segment, obj_id)
        log = self.computations.latest_log(call.user_id, mission)
        if log is None:
            # Not started yet reads as pending (0), as on the real service, whose status
            # is a number whatever the state: the published client's wait loop spins on
            # anything else (a 404 becomes None, which never equals -1).
            return json_response(STATUS_PENDING)
        progress = self.computations.progress(log)
        if progress in (STATUS_PENDING, STATUS_FINISHED):
            return json_response(int(progress))
        return json_response(progress)

    def computation_log(self, call: Call, log_id: str) -> Response:
        log = self.store.get_log(call.user_id, log_id)
        if log is None:
            raise ApiError(404, f"no computation log with id {log_id}")
        return json_response(self.computations.describe(log))

    def create_from_results(self, call: Call, segment: str, obj_id: str, new_name: str) -> Response:
        paused = self._mission(call, segment, obj_id)
        name = self._valid_name(new_name, "the new mission's name")
        results = self._json_body(call.request)
        if not isinstance(results, dict):
            raise ApiError(
                400,
                "the body must be the paused mission's results object "
                f"(the 'results' of its computation log), not {json_type_phrase(results)}",
            )
        try:
            mission = self.computations.resume(
                call.user_id, BY_SEGMENT[segment], paused, results, name
            )
        except ResultsRejected as exc:
            raise ApiError(400, str(exc)) from None
        except NameTaken as exc:
            raise ApiError(409, f"{exc}; choose another name") from None
        return json_response(mission)

    def create_merged_results(self, call: Call, segment: str, obj_id: str) -> Response:
        mission = self._mission(call, segment, obj_id)
        try:
            log = self.computations.merge(call.user_id, BY_SEGMENT[segment], mission)
        except ChainNotReady as exc:
            raise ApiError(409, str(exc)) from None
        except (NameTaken, ObjectNotFound) as exc:  # a concurrent change to the same names
            raise ApiError(409, f"{exc}; try again") from None
        return json_response(self.computations.describe(log))

    # -- gridfs -----------------------------------------------------------------------

    def _file_results(self, call: Call, filename: str) -> JsonObject:
        if "\x00" in filename or "/" in filename or "\\" in filename or filename in (".", ".."):
            raise ApiError(
                400,
                f"{filename!r} is not a file name; use the ephemeridesFileName of a "
                "computation's results",
            )
        log = self.computations.finished_file(call.user_id, filename)
        if log is None or log.results is None:
            raise ApiError(
                404, f"no file named {filename!r}; it appears when its computation has finished"
            )
        return log.results

    def gridfs_csv(self, call: Call, filename: str) -> Response:
        chunks = ephemerides_csv(self._file_results(call, filename))
        return Response(
            chunks,
            mimetype="text/csv",
            headers={
                "Content-Length": str(sum(len(chunk) for chunk in chunks)),
                "Content-Disposition": f'attachment; filename="{filename}.csv"',
            },
            direct_passthrough=True,
        )

    def gridfs_json(self, call: Call, filename: str) -> Response:
        return json_response(ephemerides_json(self._file_results(call, filename)))

    def gridfs_csv_as_json(self, call: Call, filename: str) -> Response:
        return json_response(ephemerides_records(self._file_results(call, filename)))

    # -- administration ---------------------------------------------------------------

    def admin_health(self, request: Request) -> Response:
        return json_response(
            {
                "status": "UP",
                "realm": self.idp.realm,
                "accounts": len(self.idp.accounts),
                "computeSeconds": self.config.compute_seconds,
                "state": self.config.state_path,
                "faults": len(self.faults.rules()),
                "uptimeSeconds": round(self.clock() - self.started_at, 3),
                "worker": os.getpid(),
            }
        )

    def health_ready(self, request: Request) -> Response:
        try:
            self.store.fault_rules_version()
        except Exception as exc:  # the state file went away or is locked for good
            logger.error("health check: the state store does not answer: %s", exc)
            return json_response({"status": "DOWN", "checks": []}, 503)
        return json_response({"status": "UP", "checks": []})

    def health_live(self, request: Request) -> Response:
        return json_response({"status": "UP", "checks": []})

    def admin_reset(self, request: Request) -> Response:
        users = False
        if request.get_data(cache=True).strip():
            body = self._json_body(request)
            if not isinstance(body, dict) or set(body) - {"users"}:
                raise ApiError(
                    400, 'the body must be {"users": true} or {"users": false}, or empty'
                )
            users = body.get("users", False)
            if not isinstance(users, bool):
                raise ApiError(400, '"users" must be true or false')
        self.store.clear_objects()
        self.journal.clear()
        self.faults.clear()
        self.faults.configure(self.config.faults)
        if users:
            self.idp.restore_configured_realm()
        logger.info("reset: objects, journal and faults%s", " and users" if users else "")
        return Response(status=204)

    def _admin_object(self, request: Request, example: str) -> dict[str, Any]:
        body = self._json_body(request)
        if not isinstance(body, dict):
            raise ApiError(400, f"the body must be a JSON object, e.g. {example}")
        return body

    def admin_list_users(self, request: Request) -> Response:
        return json_response(
            {
                "users": [
                    {**user_representation(entry.account), "origin": entry.origin}
                    for entry in self.idp.state.users()
                ]
            }
        )

    def admin_add_user(self, request: Request) -> Response:
        body = self._admin_object(
            request,
            '{"username": "ana", "email": "ana@example.test", "enabled": true, '
            '"credentials": [{"type": "password", "value": "s3cret"}]}',
        )
        try:
            account = user_from_representation(
                body, scripting_role_required=self.config.scripting_role_required
            )
        except RealmFileError as exc:
            raise ApiError(400, str(exc)) from None
        for login, what in ((account.login, "username"), (account.email_key, "email")):
            if login and self.idp.account_by_username(login) is not None:
                raise ApiError(
                    409,
                    f"User exists with same {what} ({login}); DELETE /__admin/users/{login} "
                    "first to replace it",
                )
        self.idp.update_account(account, ADDED_AT_RUN_TIME)
        logger.info("admin: added user %s", account.login)
        return json_response(user_representation(account), 201)

    def admin_remove_user(self, request: Request, username: str) -> Response:
        if not self.idp.state.delete_user(username):
            raise ApiError(404, f"no user {username!r}; GET /__admin/users lists them")
        logger.info("admin: removed user %s", username)
        return Response(status=204)

    def admin_list_clients(self, request: Request) -> Response:
        return json_response(
            {
                "clients": [
                    {**client_representation(client), "origin": origin}
                    for client, origin in self.idp.state.clients()
                ]
            }
        )

    def admin_add_client(self, request: Request) -> Response:
        body = self._admin_object(
            request,
            '{"clientId": "ci-robot", "publicClient": false, "secret": "s3cret", '
            '"serviceAccountsEnabled": true}',
        )
        try:
            client = client_from_representation(body)
        except RealmFileError as exc:
            raise ApiError(400, str(exc)) from None
        if self.idp.state.client(client.client_id) is not None:
            raise ApiError(
                409,
                f"Client {client.client_id} already exists; DELETE "
                f"/__admin/clients/{client.client_id} first to replace it",
            )
        self.idp.state.put_client(client, ADDED_AT_RUN_TIME)
        logger.info("admin: added client %s", client.client_id)
        return json_response(client_representation(client), 201)

    def admin_remove_client(self, request: Request, client_id: str) -> Response:
        if not self.idp.state.delete_client(client_id):
            raise ApiError(404, f"no client {client_id!r}; GET /__admin/clients lists them")
        logger.info("admin: removed client %s", client_id)
        return Response(status=204)

    def admin_list_faults(self, request: Request) -> Response:
        return json_response({"faults": [rule.to_json() for rule in self.faults.rules()]})

    def admin_add_fault(self, request: Request) -> Response:
        body = self._json_body(request)
        if not isinstance(body, dict):
            raise ApiError(
                400,
                "the body must be a fault rule object, e.g. "
                '{"pattern": "/exoops/*", "kind": "status", "status": 503}',
            )
        try:
            rule = FaultRule.from_json(body)
        except FaultSpecError as exc:
            raise ApiError(400, str(exc)) from None
        return json_response(self.faults.add(rule).to_json(), 201)

    def admin_clear_faults(self, request: Request) -> Response:
        self.faults.clear()
        return Response(status=204)

    def admin_remove_fault(self, request: Request, rule_id: int) -> Response:
        if not self.faults.remove(rule_id):
            raise ApiError(404, f"no fault rule {rule_id}; GET /__admin/faults lists them")
        return Response(status=204)

    def admin_journal(self, request: Request) -> Response:
        entries = self.journal.entries()
        return json_response(
            {"capacity": self.journal.capacity, "requests": [e.to_json() for e in entries]}
        )

    def admin_clear_journal(self, request: Request) -> Response:
        self.journal.clear()
        return Response(status=204)

    def openapi_document(self, request: Request) -> Response:
        return json_response(
            openapi.document(ROUTES, request.host_url.rstrip("/"), self.config.limits)
        )


def _drop_connection(environ: WSGIEnvironment) -> None:
    """Close the client's connection without an answer (raises ConnectionDropped)."""
    sock = environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):  # already gone: nothing left to drop
            sock.shutdown(socket.SHUT_RDWR)
    raise ConnectionDropped("connection dropped by a fault rule")


def _host_name(host: str) -> str:
    """The name in a ``Host`` header, without port or IPv6 brackets, in lower case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        return host.partition(":")[0]
    return host


def _too_deep(limit: int) -> str:
    return f"the JSON body nests deeper than {limit} levels; flatten it"


class _NotJson(ValueError):
    """A body Python's parser would take but that is not JSON."""


_NOT_FINITE = (
    "the JSON body holds NaN, Infinity or a number beyond ±1.8e308, which JSON cannot "
    "carry; send finite numbers"
)
_SURROGATE_PROBLEM = (
    "the JSON body holds an unpaired UTF-16 surrogate (an escape such as \\ud800 without "
    "its pair) in a string; send valid Unicode text"
)


def _refuse_constant(name: str) -> Any:
    raise _NotJson(f"{_NOT_FINITE} (found {name})")


def _finite_float(text: str) -> float:
    """A JSON number with a fraction or exponent, refused when beyond the double range
    (parsed as infinity, it would be answered as the non-JSON ``Infinity``)."""
    value = float(text)
    if math.isinf(value):
        raise _NotJson(f"{_NOT_FINITE} (found {text[:40]})")
    return value


#: The one thing raw bytes must hold for a parsed body to carry an unpaired surrogate:
#: a ``\\uD800``-``\\uDFFF`` escape.  A fixed-length pattern, so the search is linear.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _body_problem(value: Any, depth_limit: int, *, exact: bool) -> str | None:
    """What makes a parsed body unstorable, or None.

    Arrays and objects nesting deeper than ``depth_limit``; with ``exact`` also an
    unpaired surrogate, which no UTF-8 text, and so neither the answer nor the SQLite
    store, can hold.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:  # iteratively: a deep body must not exhaust the stack
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Iterable[Any] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > depth_limit:
            return _too_deep(depth_limit)
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    if exact:
        try:
            json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return _SURROGATE_PROBLEM
        except ValueError:
            return _NOT_FINITE
    return None


def make_http_server(app: FakeSpacestudioApp, host: str, port: int) -> BoundedWSGIServer:
    """A threaded HTTP server for ``app`` (port 0: a free one), with the timeouts and
    connection cap of ``app.config.limits`` (the default limits for another WSGI
    application, as the benchmarks serve); call ``serve_forever()``."""
    limits = app.config.limits if isinstance(app, FakeSpacestudioApp) else Limits()
    return BoundedWSGIServer(
        host,
        port,
        app,
        idle_timeout=limits.idle_timeout,
        request_timeout=limits.request_timeout,
        max_connections=limits.max_connections,
    )


def create_app(config: ServerConfig | None = None) -> FakeSpacestudioApp:
    """The application for ``config`` (defaults: the demo account, memory store)."""
    return FakeSpacestudioApp.from_config(config or ServerConfig())
