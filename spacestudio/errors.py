"""The exceptions the client raises: one type per thing that can go wrong.

Every exception carries the HTTP ``method``, ``url`` and ``status`` of the call that
failed (``None`` when no HTTP answer is involved) and ``server_message``, the service's
own explanation when it gave one. ``str()`` is one sentence saying what happened and
what to do about it. Passwords and tokens never appear in any of them.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

#: Longest server explanation quoted in a message; error pages can be long.
_MAX_QUOTED = 300


class SpacestudioError(Exception):
    """Base class of every error of the spacestudio client."""

    #: What the user can do about it, appended to the message.
    hint: str = ""

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        url: str | None = None,
        status: int | None = None,
        server_message: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url
        self.status = status
        self.server_message = server_message
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        text = self.message.rstrip(". ")
        if self.method and self.url:
            status = f", HTTP {self.status}" if self.status is not None else ""
            text += f" ({self.method} {self.url}{status})"
        elif self.status is not None:
            text += f" (HTTP {self.status})"
        if self.server_message:
            text += f"; the server said: {_one_line(self.server_message).rstrip('.')}"
        text += "."
        if self.hint:
            text += f" {self.hint}"
        return text


class ConfigurationError(SpacestudioError, ValueError):
    """A setting the client needs is missing or malformed (nothing was sent)."""


class NotConnectedError(SpacestudioError):
    """A module function was called before ``spacestudio.connect()``."""

    hint = (
        "Call spacestudio.connect(spacestudio.log_base_url, spacestudio.log_mail, "
        "spacestudio.log_password) first."
    )


class AuthenticationError(SpacestudioError):
    """The identity provider refused the credentials, or the service refused the token."""

    hint = (
        "Check LOG_MAIL, LOG_PASSWORD and CLIENT_ID (and SPACESTUDIO_AUTH_URL / "
        "SPACESTUDIO_REALM when not using Exotrail's identity provider)."
    )


class PermissionDeniedError(SpacestudioError):
    """The service understood who you are and refused the operation (HTTP 403)."""

    hint = "Ask the spacestudio support team to grant this account access."


class ScriptingNotEnabledError(PermissionDeniedError):
    """The account logged in, but the scripting API is not enabled for it."""

    hint = (
        "Check that LOG_BASE_URL is the scripting API's URL, and ask the spacestudio "
        "support team to enable scripting for this account."
    )


class NotFoundError(SpacestudioError):
    """The object, mission or route does not exist (HTTP 404, or no object of that name)."""

    hint = "Check the name (get_all_… lists what exists) and the base URL."

    def __init__(self, message: str, *, missing_name: str | None = None, **details: Any) -> None:
        super().__init__(message, **details)
        #: The name no object of the collection has, when that is what was not found.
        self.missing_name = missing_name


class ConflictError(SpacestudioError):
    """An object or mission of that name already exists in that collection (HTTP 409)."""

    hint = "Pick another name, or modify_… / delete_… the existing one first."


class InvalidRequestError(SpacestudioError):
    """The service rejected the request as malformed or invalid (HTTP 400, 422 …)."""

    hint = "Check the body's fields and values against what the service expects."


class RateLimitedError(SpacestudioError):
    """The service kept answering 429 Too Many Requests after every retry."""

    hint = "Slow down (fewer calls per second) and try again later."


class ServerError(SpacestudioError):
    """The service failed while handling the request (HTTP 5xx)."""

    hint = "This is on the service's side; try again later or contact the spacestudio support."


class TransportError(SpacestudioError):
    """No usable HTTP answer: connection failure, timeout, or a body that is not the JSON
    the service sends (invalid or truncated JSON, an HTML page, another content type)."""

    hint = (
        "Check the network, the base URL and any proxy between you and the service, then try again."
    )


class ComputationTimeoutError(SpacestudioError):
    """A computation did not finish within the time the caller allowed."""

    hint = "Wait longer (timeout=…) or check the mission's status in spacestudio."


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) > _MAX_QUOTED:
        flat = flat[: _MAX_QUOTED - 1] + "…"
    return flat


class WaitInterrupted(KeyboardInterrupt):
    """Ctrl-C while waiting for a computation; it goes on on the server.

    A KeyboardInterrupt still (a script's ``except KeyboardInterrupt`` catches it), but
    an uncaught one prints its one-line message, not a traceback: nothing went wrong,
    and the user needs only to know how to pick the results up later.
    """

    def __init__(self, message: str, *, subject: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: What was being waited for ("simulation mission 'raise'"), for a caller that
        #: knows better what became of it (``spacestudio run --fake``).
        self.subject = subject
        _print_wait_interruptions_quietly()

    def __str__(self) -> str:
        return self.message


def _print_wait_interruptions_quietly() -> None:
    """Make the uncaught-exception hook print a WaitInterrupted as its message alone."""
    previous = sys.excepthook
    if getattr(previous, "prints_wait_interruptions", False):
        return

    def hook(
        kind: type[BaseException], value: BaseException, traceback: TracebackType | None
    ) -> None:
        if isinstance(value, WaitInterrupted):
            print(value.message, file=sys.stderr)
        else:
            previous(kind, value, traceback)

    hook.prints_wait_interruptions = True  # type: ignore[attr-defined]
    sys.excepthook = hook
