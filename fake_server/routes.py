"""The fake server's route table: every URL it answers, with method, handler and schemas.

:data:`ROUTES` is the single table of every route: the realm's OpenID Connect endpoints
(answered by :class:`~fake_server.oidc.IdentityProvider`), the scripting API under
``/exoops/`` (derived from :mod:`spacestudio_contract.catalog`), the ``/__admin/`` and
``/health/`` routes and ``/openapi.json``.  The werkzeug :class:`~werkzeug.routing.Map`
(:func:`url_map`) and the OpenAPI document (:mod:`fake_server.openapi`) are both built
from it; :mod:`fake_server.app` dispatches each route to the handler its ``endpoint`` names.
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

ADMIN_PREFIX = "/__admin/"
HEALTH_PREFIX = "/health/"
USER_PREFIX = users_path("<user_id>")
REALM_PREFIX = realm_path("<realm>")
OIDC_PREFIX = f"{REALM_PREFIX}{OIDC_PATH}"

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
    Route(USER_INFOS_PATH, ("GET",), "user_infos", "The token's user", "users",
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


def url_map() -> Map:
    """The werkzeug map of :data:`ROUTES`: each rule's endpoint is its :class:`Route`."""
    return Map([route.rule() for route in ROUTES], strict_slashes=False, merge_slashes=False)
