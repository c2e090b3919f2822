"""Reading the service's answers: the JSON of a success, the typed error of a failure.

Whatever answered (the service, or a proxy, gateway or web server in front of it), the
client gets either the decoded JSON body or one :mod:`spacestudio.errors` exception that
names the call, its status and the service's own explanation, never a failure deep
inside JSON parsing.
"""

from __future__ import annotations

import json
import re
from typing import Any

import requests

from spacestudio.errors import (
    AuthenticationError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    SpacestudioError,
    TransportError,
)
from spacestudio.transport import failure_reason


def server_message_of(response: requests.Response) -> str | None:
    """The service's explanation in an error answer: its JSON message, or its text."""
    try:
        text = response.text
    except (requests.RequestException, RuntimeError):
        return None
    if not text.strip():
        return None
    try:
        payload = json.loads(text)
    except ValueError:
        return text
    if isinstance(payload, dict):
        for key in ("error_description", "message", "detail", "error", "title"):
            value = payload.get(key)
            if isinstance(value, str) and value:
                return value
    return json.dumps(payload, ensure_ascii=False)


def looks_like_html(response: requests.Response) -> bool:
    """True for an HTML page, which a proxy or web server sends and the service never does."""
    content_type = response.headers.get("Content-Type", "").lower()
    if "html" in content_type:
        return True
    try:
        start = response.content[:64].lstrip().lower()
    except (requests.RequestException, RuntimeError):
        return False
    return start.startswith((b"<!doctype html", b"<html"))


#: Exception type and message for the statuses the service answers.
_STATUS_ERRORS: dict[int, tuple[type[SpacestudioError], str]] = {
    400: (InvalidRequestError, "The service rejected the request as invalid"),
    401: (AuthenticationError, "The service refused the access token"),
    403: (PermissionDeniedError, "The service refused access"),
    404: (NotFoundError, "The service found nothing at this address"),
    409: (ConflictError, "An object or mission of that name already exists"),
    422: (InvalidRequestError, "The service could not process the request's content"),
    429: (RateLimitedError, "The service is limiting the rate of requests"),
}


def error_from_response(response: requests.Response) -> SpacestudioError:
    """The exception for an error answer (status 400 and above) of the service."""
    request = response.request
    method = request.method if request is not None else None
    url = request.url if request is not None else response.url
    status = response.status_code
    if looks_like_html(response):
        return TransportError(
            "An HTML page came back instead of the service's JSON answer, so something "
            "other than the spacestudio API (a proxy, a gateway or a web server) answered",
            method=method,
            url=url,
            status=status,
        )
    server_message = server_message_of(response)
    if status in _STATUS_ERRORS:
        error_type, message = _STATUS_ERRORS[status]
    elif status >= 500:
        error_type, message = ServerError, "The service failed while handling the request"
    else:
        error_type, message = InvalidRequestError, "The service rejected the request"
    return error_type(message, method=method, url=url, status=status, server_message=server_message)


_DESCRIPTION = re.compile(r'error_description="((?:[^"\\]|\\.)*)"')


def www_authenticate_description(response: requests.Response) -> str | None:
    """The ``error_description`` of a bearer challenge (``WWW-Authenticate``), if any."""
    found = _DESCRIPTION.search(response.headers.get("WWW-Authenticate", ""))
    return found.group(1).replace('\\"', '"') if found else None


def decode_json(response: requests.Response) -> Any:
    """The JSON body of a successful answer (None when the body is empty)."""
    method = response.request.method if response.request is not None else None
    url = response.url

    def unusable(detail: str) -> TransportError:
        return TransportError(
            f"The answer is not the service's JSON: {detail}",
            method=method,
            url=url,
            status=response.status_code,
        )

    try:
        content = response.content
    except requests.RequestException as error:
        raise TransportError(
            f"The connection broke while the answer was arriving: {failure_reason(error)}",
            method=method,
            url=url,
            status=response.status_code,
        ) from error
    if not content.strip():
        return None
    if looks_like_html(response):
        raise unusable("an HTML page came back instead")
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type and not (content_type.endswith("json") or content_type.endswith("+json")):
        raise unusable(f"its content type is {content_type!r}, not application/json")
    try:
        return json.loads(content)
    except ValueError:
        declared = response.headers.get("Content-Length")
        detail = (
            f"it is truncated ({len(content)} of {declared} bytes)"
            if declared and declared.isdigit() and int(declared) > len(content)
            else "it is invalid or truncated JSON"
        )
        raise unusable(detail) from None
