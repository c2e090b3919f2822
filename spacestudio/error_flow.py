"""How the published client's module functions answer an error: warn and go on, or raise.

The published client printed an HTTP error and returned None, and the script went on:
a script that creates an object that already exists (a 409) carries on. The module
functions here do the same by default, with the typed error's whole message as a
``logging`` warning, and raise where the published client stopped anyway or where
going on would do harm (see docs/client.md). Strict mode (``connect(..., strict=True)``
or ``SPACESTUDIO_STRICT=1``) makes every error raise; the object API always raises.

The generated functions (``simulation.get_orbit`` …) call :func:`carry_on_or_raise` from
their own ``except`` clause, so a call that succeeds never passes through here; the
hand-written ones (``api_requests``, ``gridfs``) are decorated with :func:`published_flow`.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from spacestudio import settings
from spacestudio.client import default_client
from spacestudio.errors import (
    AuthenticationError,
    ComputationTimeoutError,
    NotConnectedError,
    NotFoundError,
    SpacestudioError,
    TransportError,
)

logger = logging.getLogger("spacestudio")

P = ParamSpec("P")
R = TypeVar("R")

_lock = threading.Lock()
_explained = False


def is_strict() -> bool:
    """Whether the module functions raise every error now: as the default client's
    ``connect(strict=…)`` said, else as ``SPACESTUDIO_STRICT`` says."""
    try:
        choice = default_client().strict
    except NotConnectedError:
        choice = None
    return settings.strict() if choice is None else choice


def goes_on_after(error: SpacestudioError, *, missing_goes_on: bool) -> bool:
    """Whether the published client carried on after ``error`` (and going on is harmless).

    It went on after the service's error answers, and, where ``missing_goes_on``, after
    finding no object of the name asked for. It stopped (an exception or ``exit()``) when
    the login or the token failed, when no usable answer came (network, invalid JSON) and
    when a name it needed was missing; an unfinished wait must not read as a result.
    """
    if isinstance(error, TransportError | AuthenticationError | ComputationTimeoutError):
        return False
    if error.status is not None:
        return error.status >= 400
    return missing_goes_on and isinstance(error, NotFoundError) and error.missing_name is not None


def carry_on_or_raise(name: str, error: SpacestudioError, *, missing_goes_on: bool = False) -> Any:
    """Log ``error`` and return None (the published client went on), or raise it.

    The module functions return what it returns from their ``except SpacestudioError``
    clause, whatever their annotation says (hence ``Any``): the annotations describe the
    answers, as the published client's scripts use them. ``name`` is the function as a
    script calls it (``simulation.get_orbit``).
    """
    if is_strict() or not goes_on_after(error, missing_goes_on=missing_goes_on):
        raise error
    logger.warning("%s: %s: %s%s", name, type(error).__name__, error, _first_time_note())
    return None


def _first_time_note() -> str:
    global _explained
    with _lock:
        if _explained:
            return ""
        _explained = True
    return (
        " (Going on, as the published client did, with None as the result; "
        "connect(..., strict=True) or SPACESTUDIO_STRICT=1 makes such errors raise.)"
    )


def published_flow(
    *, missing_goes_on: bool = False
) -> Callable[[Callable[P, R]], Callable[P, R | None]]:
    """Decorate a hand-written module function to follow :func:`carry_on_or_raise`."""

    def decorate(function: Callable[P, R]) -> Callable[P, R | None]:
        name = f"{function.__module__.removeprefix('spacestudio.')}.{function.__name__}"

        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | None:
            try:
                return function(*args, **kwargs)
            except SpacestudioError as error:
                carry_on_or_raise(name, error, missing_goes_on=missing_goes_on)
                return None

        return wrapper

    return decorate
