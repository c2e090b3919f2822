"""The fake server's route table: every URL it answers, with method, handler and schemas.

:data:`ROUTES` is the single table of every route: the realm's OpenID Connect endpoints
(answered by :class:`~fake_server.oidc.IdentityProvider`), the scripting API under
``/exoops/`` (derived from :mod:`spacestudio_contract.catalog`), the ``/__admin/`` and
``/health/`` routes and ``/openapi.json``.  The werkzeug :class:`~werkzeug.routing.Map`
(:func:`url_map`) and the OpenAPI document (:mod:`fake_server.openapi`) are both built
from it; :mod:`fake_server.app` calls the method each route's ``handler`` names, found
once per application.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from werkzeug.routing import Map, Rule

from spacestudio_contract.catalog import COLLECTIONS, GRIDFS_SEGMENT, RESULTS_SEGMENT
from spacestudio_contract.endpoints import (
    OIDC_PATH,
    USER_INFOS_PATH,
    realm_path,
    users_path,
)
from spacestudio_contract.wire import (
    COMPUTE,
    COMPUTE_UNTIL_DURATION,
    CREATE_FROM_RESULTS,
    CREATE_MERGED_RESULTS,
    STATUS,
)

ADMIN_PREFIX = "/__admin/"
HEALTH_PREFIX = "/health/"
CONSOLE_PREFIX = "/__admin/console"
USER_PREFIX = users_path("<user_id>")
REALM_PREFIX = realm_path("<realm>")

ALL_SEGMENTS = tuple(spec.segment for spec in COLLECTIONS)
MISSION_SEGMENTS = tuple(spec.segment for spec in COLLECTIONS if spec.mission)
PAUSABLE_SEGMENTS = tuple(spec.segment for spec in COLLECTIONS if spec.pausable)


@dataclass(frozen=True)
class Route:
    """One route: its werkzeug rule, methods, handler and what the OpenAPI document says.

    ``endpoint`` is the route's name (its OpenAPI operation id); ``handler`` names the
    method that answers it by its attribute path from the application: one of the
    identity provider (``idp.token``), the scripting API (``scripting_api.…``) or the
    administration (``administration.…``). ``segments`` lists the collection segments a
    ``<segment>`` placeholder stands for; ``request`` and ``response`` name schemas of
    :mod:`fake_server.openapi`.
    """

    path: str
    methods: tuple[str, ...]
    endpoint: str
    summary: str
    tag: str
    handler: str
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


def _realm(
    path: str, methods: str, endpoint: str, handler: str, summary: str, **more: Any
) -> Route:
    """A route of the realm's, answered by the identity provider's method ``handler``."""
    return Route(
        f"{REALM_PREFIX}{path}",
        tuple(methods.split()),
        endpoint,
        summary,
        "auth",
        f"idp.{handler}",
        **more,
    )


def _api(path: str, methods: str, endpoint: str, summary: str, **more: Any) -> Route:
    """A route of the scripting API, answered by its method named as the route."""
    tag = more.pop("tag", "objects")
    return Route(
        f"{USER_PREFIX}/{path}",
        tuple(methods.split()),
        endpoint,
        summary,
        tag,
        f"scripting_api.{endpoint}",
        authenticated=True,
        **more,
    )


def _admin(path: str, method: str, endpoint: str, summary: str, **more: Any) -> Route:
    """A route of the fake's own, answered by the administration's method named as the route."""
    return Route(path, (method,), endpoint, summary, "admin", f"administration.{endpoint}", **more)


def _console(path: str, endpoint: str, summary: str, response: str = "html") -> Route:
    """A page of the web console, answered by the console's method named as the route."""
    return Route(
        f"{CONSOLE_PREFIX}{path}", ("GET",), endpoint, summary, "admin",
        f"console.{endpoint}", response=response,
    )  # fmt: skip


ROUTES: tuple[Route, ...] = (
    # The realm's OpenID Connect endpoints, on Keycloak's paths.
    _realm("", "GET", "oidc_realm", "realm_info", "The realm's public key and service URLs",
           response="oidc"),
    _realm("/.well-known/openid-configuration", "GET", "oidc_configuration",
           "openid_configuration", "OpenID Provider metadata", response="oidc"),
    _realm(f"{OIDC_PATH}/token", "POST", "oidc_token", "token",
           "Token endpoint (password and refresh_token grants)", request="form",
           response="token"),
    _realm(f"{OIDC_PATH}/certs", "GET", "oidc_certs", "certs", "The realm's public keys (JWKS)",
           response="oidc"),
    _realm(f"{OIDC_PATH}/userinfo", "GET POST", "oidc_userinfo", "userinfo",
           "Claims of the bearer token's user", response="oidc"),
    _realm(f"{OIDC_PATH}/logout", "POST", "oidc_logout", "logout",
           "End the session of a refresh token", request="form", status=204),
    # The identity provider tells the browser's logout from a client's by the method.
    _realm(f"{OIDC_PATH}/logout", "GET", "oidc_browser_logout", "logout",
           "The browser's logout: end the id_token_hint's session, then redirect or say so",
           response="html"),
    _realm(f"{OIDC_PATH}/token/introspect", "POST", "oidc_introspect", "introspect",
           "Token introspection (RFC 7662)", request="form", response="oidc"),
    _realm(f"{OIDC_PATH}/auth", "GET POST", "oidc_authorize", "authorize",
           "Authorization endpoint: the login page of the authorization-code flow (PKCE)",
           request="form", response="html"),
    _realm(f"{OIDC_PATH}/revoke", "POST", "oidc_revoke", "revoke",
           "Token revocation (RFC 7009)", request="form", response="empty"),
    # The scripting API.
    Route(USER_INFOS_PATH, ("GET",), "user_infos", "The token's user", "users",
          "scripting_api.user_infos", response="user", authenticated=True),
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
    _api(f"<segment>/{COMPUTE}/<obj_id>", "GET", COMPUTE, "Start computing a mission",
         segments=MISSION_SEGMENTS, response="computation", tag="computations"),
    _api(f"<segment>/{COMPUTE_UNTIL_DURATION}/<obj_id>", "POST", COMPUTE_UNTIL_DURATION,
         "Start computing a mission that pauses after a duration (seconds)",
         segments=MISSION_SEGMENTS, request="duration", response="computation",
         tag="computations"),
    _api(f"<segment>/{STATUS}/<obj_id>", "GET", STATUS,
         "Status of the mission's latest computation: 0 pending, percent running, -1 finished",
         segments=MISSION_SEGMENTS, response="status", tag="computations"),
    _api(f"<segment>/{CREATE_FROM_RESULTS}/<obj_id>/<new_name>", "POST", CREATE_FROM_RESULTS,
         "Create a mission resuming a paused one from its results",
         segments=PAUSABLE_SEGMENTS, request="results", response="object",
         tag="computations"),
    _api(f"<segment>/{CREATE_MERGED_RESULTS}/<obj_id>", "GET", CREATE_MERGED_RESULTS,
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
    _admin("/__admin/health", "GET", "admin_health", "Liveness and a summary",
           response="health"),
    _admin("/__admin/faults", "GET", "admin_list_faults", "Active fault rules",
           response="faults"),
    _admin("/__admin/faults", "POST", "admin_add_fault", "Add a fault rule",
           request="fault", response="fault", status=201),
    _admin("/__admin/faults", "DELETE", "admin_clear_faults", "Remove every fault rule",
           status=204),
    _admin("/__admin/faults/<int:rule_id>", "DELETE", "admin_remove_fault",
           "Remove one fault rule", status=204),
    _admin("/__admin/journal", "GET", "admin_journal",
           "The last requests answered; with user, path, status (404 or 4xx), offset or "
           "limit, the page of those that match, newest first",
           response="journal"),
    _admin("/__admin/journal", "DELETE", "admin_clear_journal", "Forget the journal",
           status=204),
    _admin("/__admin/reset", "POST", "admin_reset",
           "Forget objects, journal and faults (and run-time users and clients with "
           '{"users": true})', request="admin-reset", status=204),
    _admin("/__admin/users", "GET", "admin_list_users", "The realm's users",
           response="admin-object"),
    _admin("/__admin/users", "POST", "admin_add_user",
           "Add a user (a Keycloak UserRepresentation)", request="admin-object",
           response="admin-object", status=201),
    _admin("/__admin/users/<username>/objects", "GET", "admin_user_objects",
           "A user's objects by collection, their references and latest computations",
           response="admin-object"),
    _admin("/__admin/users/<username>", "DELETE", "admin_remove_user", "Remove a user",
           status=204),
    _admin("/__admin/clients", "GET", "admin_list_clients", "The realm's clients",
           response="admin-object"),
    _admin("/__admin/clients", "POST", "admin_add_client",
           "Add a client (a Keycloak ClientRepresentation)", request="admin-object",
           response="admin-object", status=201),
    _admin("/__admin/clients/<client_id>", "DELETE", "admin_remove_client",
           "Remove a client", status=204),
    # The web console (fake_server.console): pages for a person, under the admin guard.
    Route("/", ("GET",), "console_root", "Where a browser lands: the console", "admin",
          "console.console_root", response="html", status=303),
    _console("", "console_home", "The console: the realm's users and clients"),
    _console("/users/<username>", "console_user",
             "A user's objects, their references and computations"),
    _console("/users/<username>/computations/<log_id>", "console_computation",
             "A computation: status, key figures, plots of its ephemerides"),
    _console("/users/<username>/files/<path:filename>", "console_file",
             "A finished computation's ephemerides as CSV", response="csv"),
    _console("/journal", "console_journal",
             "The journal, filtered by user, path and status, a page at a time"),
    _console("/faults", "console_faults", "Fault rules: list, add, remove; and reset"),
    _console("/assets/<name>", "console_asset", "The console's stylesheet and script",
             response="asset"),
    _admin("/health/ready", "GET", "health_ready", "Ready: the state store answers",
           response="health"),
    _admin("/health/live", "GET", "health_live", "Live", response="health"),
    _admin("/openapi.json", "GET", "openapi_document", "This document",
           response="openapi"),
)  # fmt: skip


def url_map() -> Map:
    """The werkzeug map of :data:`ROUTES`: each rule's endpoint is its :class:`Route`."""
    return Map([route.rule() for route in ROUTES], strict_slashes=False, merge_slashes=False)
