"""Sending the client's HTTP calls: the session, timeouts, and bounded, polite retries.

:class:`Session` is the ``requests.Session`` the client's calls (and a script's own
``spacestudio.session.get(…)``) go through; it reads the proxy and CA-bundle settings of
the environment as requests does, without scanning the whole environment at each call.

The retry policy says which calls may be repeated (by method and route), how long to
back off (exponentially, or the ``Retry-After`` the service asked for) and how many
attempts to make; :class:`Transport` applies it to every call, and when it gives up says
what went wrong in words a user can act on, including whether a call that was not
repeated may still have reached the service.

The policy is written here rather than left to urllib3's ``Retry`` (requests'
``HTTPAdapter(max_retries=…)``) because ``Retry`` would change what users see: whether
a call may be repeated depends on its route and on the caller (a GET ``compute/…`` never
is, the token POST always is), not on its method alone; ``Retry`` rejects a
``Retry-After`` in fractions of a second and shortens a long one, where a wait beyond
``max_retry_after`` here ends the call at once; it retries a DNS failure and TLS spoken
to a plain-HTTP port, which cannot get better; it cannot retry a body that breaks while
it is read (that happens after it has handed the answer over); its first retry does not
wait; its waits bypass :mod:`spacestudio.pacing` (which a cassette replay skips); and it
logs no retry with its attempt number.
"""

from __future__ import annotations

import email.utils
import logging
import os
import re
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

import requests
from requests.sessions import merge_setting
from requests.utils import get_environ_proxies
from urllib3.exceptions import (
    ConnectTimeoutError,
    InsecureRequestWarning,
    NameResolutionError,
    NewConnectionError,
)

from spacestudio import pacing
from spacestudio.errors import TransportError
from spacestudio_contract.wire import ACTING_SUB_ROUTES

if TYPE_CHECKING:
    from requests.sessions import _Settings

logger = logging.getLogger("spacestudio")

#: Seconds to wait for a connection, and for the server to start answering. Computing
#: routes answer at once (the computation runs in the background), so a minute is ample.
DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 60.0)

#: Statuses worth retrying: the service (or its gateway) is busy or briefly away.
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})

#: Methods that can be repeated without changing the outcome.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


Timeout = float | tuple[float, float]

#: The variables requests reads a request's proxy and CA bundle from (urllib's
#: ``getproxies`` takes either case; ``REQUEST_METHOD`` makes it ignore HTTP_PROXY).
ENVIRONMENT_VARIABLES: tuple[str, ...] = (
    *(
        name
        for scheme in ("http", "https", "all", "no")
        for name in (f"{scheme}_proxy", f"{scheme.upper()}_PROXY")
    ),
    "REQUEST_METHOD",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
)

# requests' own rule for a request's setting over the session's (untyped in its stubs).
_merge_setting = cast(Callable[[Any, Any], Any], merge_setting)


class Session(requests.Session):
    """A ``requests.Session`` that settles the proxy and CA bundle once per origin and
    environment.

    requests reads them from ``os.environ`` on every request, a scan of the whole
    environment each time. Here the answer for an origin is kept while the values of
    :data:`ENVIRONMENT_VARIABLES`, read at each request, stay the same: a proxy or
    ``NO_PROXY`` set after the first call counts from the next one, as in requests.
    Everything else is as in requests: the session's own settings (``proxies``,
    ``verify``, ``cert``, ``trust_env``) are read at each call, and ``no_proxy`` is
    honoured.
    """

    def __init__(self) -> None:
        super().__init__()
        self._environment_lock = threading.Lock()
        self._environment: dict[tuple[str, str, str | None], tuple[dict[str, str], Any]] = {}
        self._environment_values: tuple[str | None, ...] = ()

    def merge_environment_settings(
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> _Settings:
        if not self.trust_env:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        proxies = dict(proxies or {})
        environment_proxies, ca_bundle = self._environment_of(str(url), proxies.get("no_proxy"))
        for scheme, proxy in environment_proxies.items():
            proxies.setdefault(scheme, proxy)
        # requests lets a CA bundle in the environment override a session whose checks
        # are off (VERIFY_SSL_CERTIFICATE=FALSE); off stays off here.
        if (verify is True or verify is None) and self.verify is not False:
            verify = ca_bundle or verify
        return {
            "proxies": _merge_setting(proxies, self.proxies),
            "stream": _merge_setting(stream, self.stream),
            "verify": _merge_setting(verify, self.verify),
            "cert": _merge_setting(cert, self.cert),
        }

    def _environment_of(self, url: str, no_proxy: str | None) -> tuple[dict[str, str], Any]:
        parts = urlsplit(url)
        environ = os.environ
        values = tuple(environ.get(name) for name in ENVIRONMENT_VARIABLES)
        key = (parts.scheme, parts.netloc, no_proxy)
        with self._environment_lock:
            if values != self._environment_values:
                self._environment.clear()  # what was settled under other values is stale
                self._environment_values = values
            found = self._environment.get(key)
            if found is None:
                found = self._environment[key] = (
                    get_environ_proxies(url, no_proxy=no_proxy),
                    environ.get("REQUESTS_CA_BUNDLE") or environ.get("CURL_CA_BUNDLE"),
                )
            return found


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a failed call is tried again."""

    #: Attempts in all, the first one included.
    max_attempts: int = 5
    #: First backoff in seconds; doubled at each further attempt.
    backoff: float = 0.5
    #: Longest backoff between two attempts.
    max_backoff: float = 30.0
    #: Longest wait a ``Retry-After`` header is followed for; beyond it the call fails.
    max_retry_after: float = 120.0

    def backoff_before(self, attempt: int) -> float:
        """Seconds to wait before attempt number ``attempt`` (2 for the first retry)."""
        return float(min(self.max_backoff, self.backoff * 2 ** (attempt - 2)))


def retry_after_seconds(response: requests.Response, now: float | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for (seconds or an HTTP date), if any."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, moment.timestamp() - current)


def is_idempotent(method: str, url: str) -> bool:
    """Whether repeating ``method url`` is harmless (GET compute/… starts a computation)."""
    method = method.upper()
    if method not in IDEMPOTENT_METHODS:
        return False
    segments = urlsplit(url).path.split("/")
    return not (method == "GET" and ACTING_SUB_ROUTES.intersection(segments))


def _never_sent(error: requests.ConnectionError) -> bool:
    """True when the connection could not even be opened, so no byte of the request left."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    cause: object = error.args[0] if error.args else None
    reason = getattr(cause, "reason", cause)
    return isinstance(reason, NewConnectionError | ConnectTimeoutError)


class Transport:
    """Sends requests over one session with timeouts and bounded, polite retries.

    Idempotent calls are retried on connection errors, timeouts, 429 and 502/503/504,
    after an exponential backoff or the ``Retry-After`` the server asked for. Any other
    call (a POST that creates something, a GET that starts a computation) is retried only
    when its connection could not be opened, so the server never saw it.
    """

    def __init__(self, session: requests.Session, timeout: Timeout, retry: RetryPolicy) -> None:
        self.session = session
        self.timeout = timeout
        self.retry = retry

    def send(self, method: str, url: str, *, idempotent: bool, **options: Any) -> requests.Response:
        options.setdefault("timeout", self.timeout)
        attempt = 1
        while True:
            started = time.monotonic()
            try:
                response = self.session.request(method, url, **options)
            except requests.ConnectionError as error:
                never_sent = _never_sent(error)
                problem, lasting = connection_problem(error, url)
                retryable = (idempotent or never_sent) and not lasting
                self._give_up_unless(
                    retryable, attempt, method, url, error, not never_sent, problem
                )
                delay = self.retry.backoff_before(attempt + 1)
            except (requests.Timeout, requests.exceptions.ChunkedEncodingError) as error:
                self._give_up_unless(idempotent, attempt, method, url, error, True)
                delay = self.retry.backoff_before(attempt + 1)
            else:
                logger.debug(
                    "%s %s -> %s in %.3f s",
                    method,
                    url,
                    response.status_code,
                    time.monotonic() - started,
                )
                if not (
                    idempotent
                    and response.status_code in RETRYABLE_STATUSES
                    and attempt < self.retry.max_attempts
                ):
                    return response
                asked = retry_after_seconds(response)
                if asked is not None and asked > self.retry.max_retry_after:
                    return response
                delay = asked if asked is not None else self.retry.backoff_before(attempt + 1)
                response.close()
                logger.info(
                    "%s %s answered %s; trying again in %.1f s (attempt %d of %d)",
                    method,
                    url,
                    response.status_code,
                    delay,
                    attempt + 1,
                    self.retry.max_attempts,
                )
            pacing.sleep(delay)
            attempt += 1

    def _give_up_unless(
        self,
        retryable: bool,
        attempt: int,
        method: str,
        url: str,
        error: Exception,
        may_have_arrived: bool,
        problem: str | None = None,
    ) -> None:
        detail = problem or failure_reason(error)
        if retryable and attempt < self.retry.max_attempts:
            # Said at once, so a wrong address is seen now and not after every retry.
            logger.warning(
                "%s %s failed: %s; trying again in %.1f s (attempt %d of %d)",
                method,
                url,
                detail,
                self.retry.backoff_before(attempt + 1),
                attempt + 1,
                self.retry.max_attempts,
            )
            return
        if isinstance(error, requests.Timeout):
            what = "The service did not answer in time"
        elif isinstance(error, requests.exceptions.ChunkedEncodingError):
            what = "The connection broke while the answer was arriving"
        elif problem is not None:
            what = "Could not reach the service"
        elif may_have_arrived:
            what = "The connection broke before the service answered"
        else:
            what = "Could not reach the service"
        tries = f" after {attempt} attempts" if attempt > 1 else ""
        message = f"{what}{tries}: {detail}"
        if may_have_arrived and not retryable and problem is None:
            # Not repeated, since it may have acted: the user must know it may have.
            message += (
                f". The request may have reached the service, so it may or may not have "
                f"carried out this {method}; check (get_… / get_all_…) before sending it again"
            )
        raise TransportError(message, method=method, url=url) from error


def said_once_unverified(*urls: str) -> None:
    """urllib3 warns of every unverified HTTPS request; with checks turned off on purpose
    (``VERIFY_SSL_CERTIFICATE=FALSE``) the client says so once itself, so urllib3's
    warnings are silenced for the hosts of ``urls`` alone."""
    for host in {urlsplit(url).hostname for url in urls} - {None}:
        warnings.filterwarnings(
            "ignore",
            message=f"Unverified HTTPS request is being made to host '{re.escape(str(host))}'",
            category=InsecureRequestWarning,
        )


def connection_problem(error: requests.ConnectionError, url: str) -> tuple[str | None, bool]:
    """What a failed connection means for a user, and whether it lasts (retrying is vain).

    None when it is none of the well-known cases (refused, unknown host, TLS on a
    plain-HTTP port, an untrusted certificate).
    """
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    cause: object = error.args[0] if error.args else None
    reason = getattr(cause, "reason", cause)
    text = str(reason).lower()
    if isinstance(reason, NameResolutionError):
        return (
            f"the host name {host!r} could not be resolved (DNS failure); check it for typos "
            f"(LOG_BASE_URL, SPACESTUDIO_AUTH_URL) and that this machine can reach the network",
            True,
        )
    if isinstance(error, requests.exceptions.SSLError) and (
        "wrong_version_number" in text or "wrong version number" in text
        or "record layer failure" in text or "http_request" in text
    ):  # fmt: skip
        return (
            f"{parts.netloc} answers in plain HTTP, not TLS: the URL says https:// for a "
            f"port that speaks http://; use http://{parts.netloc} or the service's https port",
            True,
        )
    if isinstance(error, requests.exceptions.SSLError) and "certificate verify failed" in text:
        why = text.split("certificate verify failed:", 1)[-1].split("(_ssl", 1)[0].strip()
        return (
            f"the TLS certificate of {parts.netloc} is not trusted ({why}): name the CA that "
            f"signed it in REQUESTS_CA_BUNDLE=/path/to/ca.pem, or for a test server only, "
            f"turn the check off with VERIFY_SSL_CERTIFICATE=FALSE",
            True,
        )
    if isinstance(reason, NewConnectionError) and "refused" in text:
        return (
            f"connection refused by {host}:{port}: nothing listens there; check the host "
            f"and port (LOG_BASE_URL, SPACESTUDIO_AUTH_URL) and that the service is running",
            False,
        )
    return None, False


def failure_reason(error: Exception) -> str:
    """The underlying reason of a failed call, on one line (urllib3's, not requests' wrapper)."""
    cause: object = error.args[0] if error.args else error
    reason = getattr(cause, "reason", cause)
    return " ".join(str(reason).split()) or type(error).__name__
