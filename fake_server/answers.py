"""What every answer of the fake server looks like: JSON, errors included.

An error is ``{"timestamp", "status", "error", "message", "path"}`` where ``message``
says what was wrong and what to do; a handler raises :class:`ApiError` to answer one.
The HTTP layer (:mod:`fake_server.serving`) answers its own refusals with the same body.
"""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from werkzeug.wrappers import Response

from fake_server.store.records import compact_json


class ApiError(Exception):
    """An error answer: status, a message saying what was wrong and what to do."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_body(status: int, message: str, path: str) -> dict[str, Any]:
    """The JSON error object every failing request gets, from the HTTP layer or a route."""
    return {
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "status": status,
        "error": HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error",
        "message": message,
        "path": path,
    }


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    payload = compact_json(body)
    return Response(payload, status=status, headers=headers, mimetype="application/json")


def error_response(
    status: int, message: str, path: str, headers: dict[str, str] | None = None
) -> Response:
    """The JSON error body every failing route answers with."""
    return json_response(error_body(status, message, path), status, headers)
