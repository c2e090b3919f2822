"""The OpenAPI 3.1 document of the fake server, built from its route table.

Routes whose path holds a ``<segment>`` placeholder are expanded into one path per
collection of :mod:`spacestudio_contract.catalog`, tagged with the collection's module, so the
document lists exactly the URLs the server answers.  It states the limits the server
enforces (name length and characters, duration range, fault-rule fields) and every
status a route can answer, so a request the document calls valid is not refused for
its form, and every answer matches its schema (``tests/reliability`` checks both with
schemathesis).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from fake_server import __doc__ as package_doc
from fake_server.config import MAX_PAUSE_SECONDS, Limits
from fake_server.faults import FAULT_KINDS, HTTP_METHODS, MAX_LATENCY_SECONDS
from fake_server.routes import Route
from spacestudio_contract.catalog import BY_SEGMENT
from spacestudio_contract.wire import (
    COMPUTATION_LOG_ID,
    COMPUTE,
    COMPUTE_UNTIL_DURATION,
    CREATE_FROM_RESULTS,
    CREATE_MERGED_RESULTS,
    DISPLAYED_NAME,
    EPHEMERIDES_FILE_NAME,
    PAUSED_PARENT_MISSION_ID,
)

_PLACEHOLDER = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>[a-z_]+)>")
_ERROR = {"$ref": "#/components/schemas/Error"}
# The realm's routes answer Keycloak's OAuth errors, or the server's own for what the
# HTTP layer refuses before them (a body too large or too slow).
_REALM_ERROR = {"anyOf": [{"$ref": "#/components/schemas/OAuthError"}, _ERROR]}
_ANY_OBJECT: dict[str, Any] = {"type": "object", "additionalProperties": True}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["status", "error", "message"],
        "properties": {
            "timestamp": {"type": "string", "format": "date-time"},
            "status": {"type": "integer"},
            "error": {"type": "string", "description": "the HTTP reason phrase"},
            "message": {"type": "string", "description": "what was wrong and what to do"},
            "path": {"type": "string"},
        },
    },
    "OAuthError": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"type": "string", "description": "the OAuth 2.0 error code"},
            "error_description": {"type": "string", "description": "what was wrong"},
        },
    },
    "Object": {
        "type": "object",
        "required": ["name"],
        "additionalProperties": True,
        "description": "Any object of a collection; names are unique within a collection.",
        "properties": {
            "id": {"type": "string", "format": "uuid", "readOnly": True},
            "name": {"$ref": "#/components/schemas/Name"},
            DISPLAYED_NAME: {"type": "string", "readOnly": True},
            COMPUTATION_LOG_ID: {
                "type": "string",
                "description": "missions: the latest computation's log",
            },
            PAUSED_PARENT_MISSION_ID: {
                "type": "string",
                "description": "objects of a resumed chain: the chain's first mission",
            },
        },
    },
    "User": {
        "type": "object",
        "required": ["id", "email"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "email": {"type": "string"},
            "username": {"type": "string"},
            "firstName": {"type": "string"},
            "lastName": {"type": "string"},
            "enabled": {"type": "boolean"},
            "scriptingEnabled": {"type": "boolean"},
        },
    },
    "Results": {
        "type": "object",
        "additionalProperties": True,
        "properties": {
            "ephemerides": {"type": "array", "items": {"type": "array"}},
            "fieldIndexes": {"type": "object", "additionalProperties": {"type": "integer"}},
            EPHEMERIDES_FILE_NAME: {"type": "string"},
            "maneuverReport": _ANY_OBJECT,
            "initialOrbit": _ANY_OBJECT,
            "finalOrbit": _ANY_OBJECT,
        },
    },
    "ComputationLog": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "missionId": {"type": "string"},
            "missionName": {"type": "string"},
            "status": {"enum": ["PENDING", "RUNNING", "FINISHED", "FAILED"]},
            "progress": {"type": "number"},
            "paused": {"type": "boolean"},
            "creationDate": {"type": "string", "format": "date-time"},
            "endDate": {"type": ["string", "null"], "format": "date-time"},
            "results": {
                "oneOf": [{"$ref": "#/components/schemas/Results"}, {"type": "null"}],
                "description": "null until the computation has finished",
            },
            "errors": {
                "type": "array",
                "items": {"type": "object", "properties": {"message": {"type": "string"}}},
            },
        },
    },
    "ComputationStarted": {
        "type": "object",
        "properties": {
            COMPUTATION_LOG_ID: {"type": "string"},
            "missionId": {"type": "string"},
            "status": {"type": "string"},
        },
    },
    "Duration": {
        "type": "number",
        "exclusiveMinimum": 0,
        "maximum": MAX_PAUSE_SECONDS,
        "description": "seconds of the mission to compute before it pauses (up to a century)",
    },
    "Status": {
        "type": "number",
        "description": "0 pending, a percentage in (0, 100) while running, -1 finished",
    },
    "FaultRule": {
        "type": "object",
        "required": ["pattern", "kind"],
        "additionalProperties": False,
        "properties": {
            "pattern": {
                "type": "string",
                "minLength": 1,
                "description": "a glob on the path, or with patternType 'regex' (or a 're:' "
                "prefix) an RE2 regular expression searched in it",
            },
            "patternType": {"enum": ["glob", "regex"]},
            "methods": {"type": "array", "items": {"enum": sorted(HTTP_METHODS)}},
            "kind": {"enum": list(FAULT_KINDS)},
            "share": {"type": "number", "minimum": 0, "maximum": 1},
            "times": {"type": ["integer", "null"], "minimum": 1},
            "seconds": {"type": "number", "minimum": 0, "maximum": MAX_LATENCY_SECONDS},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "retryAfter": {"type": ["string", "number", "null"]},
            "body": {"type": ["object", "null"]},
        },
        # An RE2 expression must compile: a regex rule's pattern is one.
        "if": {"required": ["patternType"], "properties": {"patternType": {"const": "regex"}}},
        "then": {"properties": {"pattern": {"format": "regex"}}},
    },
    "FaultRuleAdded": {
        "type": "object",
        "required": ["id", "pattern", "patternType", "kind"],
        "properties": {
            "id": {"type": "integer"},
            "pattern": {"type": "string"},
            "patternType": {"enum": ["glob", "regex"]},
            "kind": {"enum": list(FAULT_KINDS)},
        },
    },
}


def _schemas(limits: Limits) -> dict[str, Any]:
    """The component schemas, with the limits this server enforces."""
    return {
        **SCHEMAS,
        "Name": {
            "type": "string",
            "minLength": 1,
            "maxLength": limits.max_name_length,
            # Not blank, and no NUL character anywhere.
            "pattern": "^[^\\u0000]*\\S[^\\u0000]*$",
        },
    }


# What each response kind of a route answers: media type and schema.
_RESPONSES: dict[str, tuple[str, Any] | None] = {
    "empty": None,
    "object": ("application/json", {"$ref": "#/components/schemas/Object"}),
    "object-list": (
        "application/json",
        {"type": "array", "items": {"$ref": "#/components/schemas/Object"}},
    ),
    "user": ("application/json", {"$ref": "#/components/schemas/User"}),
    "computation": ("application/json", {"$ref": "#/components/schemas/ComputationStarted"}),
    "status": ("application/json", {"$ref": "#/components/schemas/Status"}),
    "log": ("application/json", {"$ref": "#/components/schemas/ComputationLog"}),
    "csv": ("text/csv", {"type": "string"}),
    "file-json": ("application/json", _ANY_OBJECT),
    "records": ("application/json", {"type": "array", "items": _ANY_OBJECT}),
    "token": ("application/json", _ANY_OBJECT),
    "oidc": ("application/json", _ANY_OBJECT),
    "health": ("application/json", _ANY_OBJECT),
    "faults": ("application/json", _ANY_OBJECT),
    "fault": ("application/json", {"$ref": "#/components/schemas/FaultRuleAdded"}),
    "journal": ("application/json", _ANY_OBJECT),
    "admin-object": ("application/json", _ANY_OBJECT),
    "html": ("text/html", {"type": "string"}),
    "asset": ("text/css", {"type": "string"}),  # or text/javascript, by name
    "openapi": ("application/json", _ANY_OBJECT),
}

_REQUESTS: dict[str, tuple[str, Any]] = {
    "object": ("application/json", {"$ref": "#/components/schemas/Object"}),
    "duration": ("application/json", {"$ref": "#/components/schemas/Duration"}),
    "results": ("application/json", {"$ref": "#/components/schemas/Results"}),
    "form": ("application/x-www-form-urlencoded", _ANY_OBJECT),
    "fault": ("application/json", {"$ref": "#/components/schemas/FaultRule"}),
    "admin-object": ("application/json", _ANY_OBJECT),
    "admin-reset": (
        "application/json",
        {
            "type": "object",
            "properties": {"users": {"type": "boolean"}},
            "additionalProperties": False,
        },
    ),
}


_TEXT = {"type": "string"}
# The fields of each realm form (Keycloak's names); a field may come once only.
_FORMS: dict[str, dict[str, Any]] = {
    "oidc_token": {
        "type": "object",
        "required": ["grant_type"],
        "properties": {
            "grant_type": {"enum": ["password", "refresh_token", "client_credentials"]},
            **dict.fromkeys(
                ("client_id", "client_secret", "username", "password", "refresh_token", "scope"),
                _TEXT,
            ),
        },
    },
    "oidc_logout": {
        "type": "object",
        "required": ["refresh_token"],
        "properties": dict.fromkeys(("client_id", "client_secret", "refresh_token"), _TEXT),
    },
    "oidc_introspect": {
        "type": "object",
        "required": ["token"],
        "properties": dict.fromkeys(
            ("token", "token_type_hint", "client_id", "client_secret"), _TEXT
        ),
    },
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _path_and_parameters(path: str) -> tuple[str, list[dict[str, Any]]]:
    parameters: list[dict[str, Any]] = []

    def replace(match: re.Match[str]) -> str:
        name = _camel(match["name"])
        schema = {"type": "integer"} if match["converter"] == "int" else {"type": "string"}
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
        return "{" + name + "}"

    return _PLACEHOLDER.sub(replace, path), parameters


# Statuses beyond the ones every route of a kind answers, by endpoint.
_MORE_ERRORS: dict[str, tuple[str, ...]] = {
    "create_object": ("409",),
    "replace_object": ("409",),
    CREATE_FROM_RESULTS: ("409",),
    CREATE_MERGED_RESULTS: ("409", "413"),
    COMPUTE: ("413",),  # the mission's computationLogId counts against the quota
    COMPUTE_UNTIL_DURATION: ("413",),
    "oidc_token": ("401",),
    "oidc_logout": ("401",),
    "oidc_introspect": ("401", "403"),
    "oidc_userinfo": ("400", "401", "403"),
}


def _error_codes(route: Route) -> set[str]:
    """Every error status ``route`` can answer."""
    codes = set(_MORE_ERRORS.get(route.endpoint, ()))
    if route.request is not None:
        codes |= {"400", "408", "413"}
    if route.request == "form" or (route.tag == "admin" and route.request is not None):
        codes.add("415")  # a body of another type
    if route.authenticated:
        codes |= {"400", "401", "403", "404"}
    if "<" in route.path:
        codes.add("404")  # no such realm, object or rule
    if route.tag == "admin" and route.endpoint != "openapi_document":
        codes |= {"401", "403"}  # no admin token, or not addressed to this machine
    return codes


def _operation(route: Route, segment: str | None, method: str) -> dict[str, Any]:
    spec = BY_SEGMENT.get(segment) if segment else None
    summary = route.summary
    if spec is not None:
        summary = f"{summary}: {spec.module} {spec.stem.replace('_', ' ')}"
    operation: dict[str, Any] = {
        "operationId": "_".join(
            [route.endpoint]
            + ([segment] if segment else [])
            + ([method.lower()] if len(route.methods) > 1 else [])
        ),
        "summary": summary,
        "tags": [spec.module if spec is not None else route.tag],
    }
    if route.request is not None:
        media, schema = _REQUESTS[route.request]
        schema = _FORMS.get(route.endpoint, schema)
        operation["requestBody"] = {"required": True, "content": {media: {"schema": schema}}}
    answer = _RESPONSES[route.response]
    success: dict[str, Any] = {"description": HTTP_PHRASES.get(route.status, "Success")}
    if answer is not None:
        success["content"] = {answer[0]: {"schema": answer[1]}}
    responses: dict[str, Any] = {str(route.status): success}
    if route.authenticated or route.endpoint == "oidc_userinfo":
        operation["security"] = [{"bearer": []}]
    error = _REALM_ERROR if route.tag == "auth" else _ERROR
    error_content: dict[str, Any] = {"application/json": {"schema": error}}
    if route.response == "html":  # a browser's page: errors too are pages, unless JSON asked
        error_content["text/html"] = {"schema": {"type": "string"}}
    for code in sorted(_error_codes(route)):
        responses[code] = {"description": HTTP_PHRASES[int(code)], "content": error_content}
    operation["responses"] = responses
    return operation


HTTP_PHRASES = {
    200: "OK",
    201: "Created",
    204: "No Content",
    303: "See Other",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    408: "Request Timeout",
    409: "Conflict",
    415: "Unsupported Media Type",
    413: "Content Too Large",
}


def document(
    routes: Sequence[Route], server_url: str, limits: Limits | None = None
) -> dict[str, Any]:
    """The OpenAPI 3.1 document describing ``routes`` served at ``server_url`` with
    ``limits`` (default: the default limits)."""
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        for segment in route.segments or (None,):
            raw = route.path if segment is None else route.path.replace("<segment>", segment)
            path, parameters = _path_and_parameters(raw)
            entry = paths.setdefault(path, {})
            if parameters:
                entry["parameters"] = parameters
            for method in route.methods:
                entry[method.lower()] = _operation(route, segment, method)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "spacestudio fake server",
            "version": "1",
            "description": (package_doc or "").strip(),
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": _schemas(limits or Limits()),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "an access token from the realm's token endpoint",
                }
            },
        },
    }
