"""The OpenAPI 3.1 document of the fake server, built from its route table.

Routes whose path holds a ``<segment>`` placeholder are expanded into one path per
collection of :mod:`spacestudio.catalog`, tagged with the collection's module, so the
document lists exactly the URLs the server answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from fake_server import __doc__ as package_doc
from spacestudio.catalog import BY_SEGMENT

if TYPE_CHECKING:
    from fake_server.app import Route

_PLACEHOLDER = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>[a-z_]+)>")
_ERROR = {"$ref": "#/components/schemas/Error"}
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
    "Object": {
        "type": "object",
        "required": ["name"],
        "additionalProperties": True,
        "description": "Any object of a collection; names are unique within a collection.",
        "properties": {
            "id": {"type": "string", "format": "uuid", "readOnly": True},
            "name": {"type": "string", "minLength": 1},
            "displayedName": {"type": "string", "readOnly": True},
            "computationLogId": {
                "type": "string",
                "description": "missions: the latest computation's log",
            },
            "pausedParentMissionId": {
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
            "ephemeridesFileName": {"type": "string"},
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
            "computationLogId": {"type": "string"},
            "missionId": {"type": "string"},
            "status": {"type": "string"},
        },
    },
    "Status": {
        "type": "number",
        "description": "0 pending, a percentage in (0, 100) while running, -1 finished",
    },
    "FaultRule": {
        "type": "object",
        "required": ["pattern", "kind"],
        "properties": {
            "pattern": {"type": "string", "description": "glob (default) or regex on the path"},
            "patternType": {"enum": ["glob", "regex"]},
            "methods": {"type": "array", "items": {"type": "string"}},
            "kind": {"enum": ["latency", "status", "drop"]},
            "share": {"type": "number", "minimum": 0, "maximum": 1},
            "times": {"type": ["integer", "null"], "minimum": 1},
            "seconds": {"type": "number"},
            "status": {"type": "integer"},
            "retryAfter": {"type": ["string", "number", "null"]},
            "body": {"type": ["object", "null"]},
        },
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
    "fault": ("application/json", {"$ref": "#/components/schemas/FaultRule"}),
    "journal": ("application/json", _ANY_OBJECT),
    "admin-object": ("application/json", _ANY_OBJECT),
    "html": ("text/html", {"type": "string"}),
    "openapi": ("application/json", _ANY_OBJECT),
}

_REQUESTS: dict[str, tuple[str, Any]] = {
    "object": ("application/json", {"$ref": "#/components/schemas/Object"}),
    "duration": ("application/json", {"type": "number", "exclusiveMinimum": 0}),
    "results": ("application/json", {"$ref": "#/components/schemas/Results"}),
    "form": ("application/x-www-form-urlencoded", _ANY_OBJECT),
    "fault": ("application/json", {"$ref": "#/components/schemas/FaultRule"}),
    "admin-object": ("application/json", _ANY_OBJECT),
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
        operation["requestBody"] = {"required": True, "content": {media: {"schema": schema}}}
    answer = _RESPONSES[route.response]
    success: dict[str, Any] = {"description": HTTP_PHRASES.get(route.status, "Success")}
    if answer is not None:
        success["content"] = {answer[0]: {"schema": answer[1]}}
    responses: dict[str, Any] = {str(route.status): success}
    errors = []
    if route.request is not None:
        errors += ["400", "413"]
    if route.authenticated:
        errors += ["401", "403", "404"]
        operation["security"] = [{"bearer": []}]
    if route.endpoint in ("create_object", "replace_object", "create_from_results"):
        errors.append("409")
    if route.endpoint == "create_merged_results":
        errors.append("409")
    for code in sorted(set(errors)):
        responses[code] = {
            "description": HTTP_PHRASES[int(code)],
            "content": {"application/json": {"schema": _ERROR}},
        }
    operation["responses"] = responses
    return operation


HTTP_PHRASES = {
    200: "OK",
    201: "Created",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Content Too Large",
}


def document(routes: Sequence[Route], server_url: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document describing ``routes`` served at ``server_url``."""
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
            "schemas": SCHEMAS,
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
