"""The spacestudio client: one HTTP session, its login, and the collections under it.

A :class:`Client` logs in when it is built and then offers every collection of the
catalog as an attribute (``client.simulation.orbits``, ``client.constellation.payloads``
…). Several clients, for several accounts, live side by side in one process; the
module functions of the published client (``spacestudio.simulation.get_orbit`` …)
use the *default* client, the one :func:`spacestudio.connect` made last.
"""

from __future__ import annotations

import email.utils
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

import requests
import requests.auth
from requests.sessions import merge_setting
from requests.utils import get_environ_proxies
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from spacestudio import pacing, settings
from spacestudio.auth import OidcPasswordFlow, unverified_claims
from spacestudio.errors import (
    AuthenticationError,
    ConfigurationError,
    NotConnectedError,
    NotFoundError,
    ScriptingNotEnabledError,
    SpacestudioError,
    TransportError,
    error_from_response,
    looks_like_html,
    server_message_of,
)
from spacestudio.namespaces import (
    ConstellationCollections,
    DeploymentCollections,
    FormationFlyingCollections,
    InspectionCollections,
    ParametricStudyCollections,
    SimulationCollections,
)
from spacestudio.resources import Collection, GridFS, collection_for
from spacestudio_contract.catalog import RESULTS_SEGMENT, CollectionSpec
from spacestudio_contract.endpoints import USER_INFOS_PATH, token_url, users_path

if TYPE_CHECKING:
    from requests.sessions import _Settings

logger = logging.getLogger("spacestudio")

#: Seconds to wait for a connection, and for the server to start answering. Computing
#: routes answer at once (the computation runs in the background), so a minute is ample.
DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 60.0)

#: Seconds between two status polls while waiting for results, like the published client.
DEFAULT_POLL_INTERVAL = 1.0

#: Statuses worth retrying: the service (or its gateway) is busy or briefly away.
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})

#: Methods that can be repeated without changing the outcome.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})

#: GET routes that change something on the service: starting a computation, storing merged
#: results. Repeating them could start a computation twice, so they are never retried.
ACTING_GET_SEGMENTS = frozenset({"compute", "compute_until_duration", "create_merged_results"})

Timeout = float | tuple[float, float]


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
    return not (method == "GET" and ACTING_GET_SEGMENTS.intersection(segments))


def _never_sent(error: requests.ConnectionError) -> bool:
    """True when the connection could not even be opened, so no byte of the request left."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    cause: object = error.args[0] if error.args else None
    reason = getattr(cause, "reason", cause)
    return isinstance(reason, NewConnectionError | ConnectTimeoutError)


class _NoAuth(requests.auth.AuthBase):
    """Sends a request without the session's bearer token (for the token endpoint)."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return request


_NO_BODY: Any = object()


# requests' own rule for a request's setting over the session's (untyped in its stubs).
_merge_setting = cast(Callable[[Any, Any], Any], merge_setting)


class Session(requests.Session):
    """A ``requests.Session`` that reads the proxy and CA-bundle variables once per origin.

    requests reads them from ``os.environ`` on every request, a scan of the whole
    environment each time; a client talks to one or two origins. Everything else is as
    in requests: the session's own settings (``proxies``, ``verify``, ``cert``,
    ``trust_env``) are read at each call, and ``no_proxy`` is honoured.
    """

    def __init__(self) -> None:
        super().__init__()
        self._environment_lock = threading.Lock()
        self._environment: dict[tuple[str, str, str | None], tuple[dict[str, str], Any]] = {}

    def merge_environment_settings(
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> _Settings:
        if not self.trust_env:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        proxies = dict(proxies or {})
        environment_proxies, ca_bundle = self._environment_of(str(url), proxies.get("no_proxy"))
        for scheme, proxy in environment_proxies.items():
            proxies.setdefault(scheme, proxy)
        if verify is True or verify is None:
            verify = ca_bundle or verify
        return {
            "proxies": _merge_setting(proxies, self.proxies),
            "stream": _merge_setting(stream, self.stream),
            "verify": _merge_setting(verify, self.verify),
            "cert": _merge_setting(cert, self.cert),
        }

    def _environment_of(self, url: str, no_proxy: str | None) -> tuple[dict[str, str], Any]:
        parts = urlsplit(url)
        origin = (parts.scheme, parts.netloc, no_proxy)
        with self._environment_lock:
            found = self._environment.get(origin)
            if found is None:
                found = self._environment[origin] = (
                    get_environ_proxies(url, no_proxy=no_proxy),
                    os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE"),
                )
            return found


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
        detail = problem or _describe(error)
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


def connection_problem(error: requests.ConnectionError, url: str) -> tuple[str | None, bool]:
    """What a failed connection means for a user, and whether it lasts (retrying is vain).

    None when it is none of the well-known cases (refused, unknown host, TLS on a
    plain-HTTP port).
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
    if isinstance(reason, NewConnectionError) and "refused" in text:
        return (
            f"connection refused by {host}:{port}: nothing listens there; check the host "
            f"and port (LOG_BASE_URL, SPACESTUDIO_AUTH_URL) and that the service is running",
            False,
        )
    return None, False


def _describe(error: Exception) -> str:
    cause: object = error.args[0] if error.args else error
    reason = getattr(cause, "reason", cause)
    return " ".join(str(reason).split()) or type(error).__name__


_DESCRIPTION = re.compile(r'error_description="((?:[^"\\]|\\.)*)"')


def _www_authenticate_description(response: requests.Response) -> str | None:
    """The ``error_description`` of a bearer challenge (``WWW-Authenticate``), if any."""
    found = _DESCRIPTION.search(response.headers.get("WWW-Authenticate", ""))
    return found.group(1).replace('\\"', '"') if found else None


def _issuer_of(token: str) -> str | None:
    """The ``iss`` claim of a JWT, read without checking it (only to name it)."""
    issuer = unverified_claims(token).get("iss")
    return issuer if isinstance(issuer, str) else None


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
            f"The connection broke while the answer was arriving: {_describe(error)}",
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


def build_user_url(user_url: str, user_id: str) -> str:
    """The root of one user's collections: ``{user_url}/exoops/users/{user_id}/``."""
    return f"{user_url}{users_path(user_id)}/"


def format_base_url(user_url: str) -> str:
    """``user_url`` without one trailing ``/``."""
    return user_url[:-1] if user_url.endswith("/") else user_url


class Client:
    """A logged-in connection to the spacestudio scripting API for one account.

    Building it logs in (OIDC password grant at ``{auth_url}/realms/{realm}``) and reads
    the account's user id; it raises :class:`~spacestudio.errors.AuthenticationError` on
    wrong credentials and :class:`~spacestudio.errors.ScriptingNotEnabledError` when the
    account has no scripting access. Settings left as None come from the environment
    (``CLIENT_ID``, ``SPACESTUDIO_AUTH_URL``, ``SPACESTUDIO_REALM``,
    ``VERIFY_SSL_CERTIFICATE``).

    ``timeout`` is seconds (or ``(connect, read)``) per HTTP call; ``poll_interval`` the
    seconds between status polls while waiting for results; ``computation_timeout`` the
    longest such wait (None: no limit); ``progress`` forces progress bars on or off (None:
    on when stderr is a terminal).
    """

    simulation: SimulationCollections
    constellation: ConstellationCollections
    deployment: DeploymentCollections
    parametric_study: ParametricStudyCollections
    formation_flying: FormationFlyingCollections
    inspection: InspectionCollections
    gridfs: GridFS

    def __init__(
        self,
        url: str | None,
        mail: str | None,
        password: str | None,
        client_id: str | None = None,
        *,
        auth_url: str | None = None,
        realm: str | None = None,
        verify: bool | str | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        computation_timeout: float | None = None,
        progress: bool | None = None,
        retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        client_id = client_id if client_id is not None else settings.client_id()
        url, mail, password, client_id = _require_settings(
            ("LOG_BASE_URL", url), ("LOG_MAIL", mail), ("LOG_PASSWORD", password),
            ("CLIENT_ID", client_id),
        )  # fmt: skip
        if poll_interval < 0:
            raise ConfigurationError(
                f"poll_interval must be 0 or more seconds, not {poll_interval}"
            )
        self.base_url = format_base_url(url)
        self.mail = mail
        self.auth_url = auth_url if auth_url is not None else settings.auth_url()
        self.realm = realm if realm is not None else settings.realm()
        self.poll_interval = poll_interval
        self.computation_timeout = computation_timeout
        self.progress = progress
        #: Whether the module functions raise every error while this is the default
        #: client (``connect(strict=…)``); None leaves it to SPACESTUDIO_STRICT.
        self.strict: bool | None = None
        self.session = session if session is not None else Session()
        if verify is not None:
            self.session.verify = verify
        elif session is None or not settings.verify_ssl_certificate():
            # A session passed in keeps the checks its owner set, unless the setting
            # turns them off (the published client's shared session behaves so).
            self.session.verify = settings.verify_ssl_certificate()
        if self.session.verify is False:
            logger.warning("TLS certificate checks are off (VERIFY_SSL_CERTIFICATE=FALSE)")
        self.transport = Transport(self.session, timeout, retry or RetryPolicy())
        self._auth = OidcPasswordFlow(
            token_url=token_url(self.auth_url, self.realm),
            client_id=client_id,
            username=mail,
            password=password,
            post_form=self._post_token_form,
            clock=clock,
        )
        self.session.auth = self._auth
        try:
            self._auth.login()
            self.user_id = self._fetch_user_id()
        except BaseException:
            if session is None:  # ours to close; a session passed in stays the caller's
                self.session.close()
            raise
        self.user_url = build_user_url(self.base_url, self.user_id)
        self.results_url = f"{self.user_url}{RESULTS_SEGMENT}/"
        self.simulation = SimulationCollections(self)
        self.constellation = ConstellationCollections(self)
        self.deployment = DeploymentCollections(self)
        self.parametric_study = ParametricStudyCollections(self)
        self.formation_flying = FormationFlyingCollections(self)
        self.inspection = InspectionCollections(self)
        self.gridfs = GridFS(self)
        logger.info("Connected to %s as %s (user %s)", self.base_url, mail, self.user_id)

    def __repr__(self) -> str:
        return f"Client({self.base_url!r}, mail={self.mail!r}, user_id={self.user_id!r})"

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP connections (the client can no longer be used)."""
        self.session.close()

    # -- login --------------------------------------------------------------------------

    def _post_token_form(self, url: str, form: dict[str, str]) -> requests.Response:
        # A token grant changes nothing a user can see, so it may be repeated safely.
        return self.transport.send("POST", url, idempotent=True, data=form, auth=_NoAuth())

    def _fetch_user_id(self) -> str:
        infos_url = f"{self.base_url}{USER_INFOS_PATH}"
        response = self.transport.send("GET", infos_url, idempotent=True)
        if response.status_code >= 500:
            raise error_from_response(response)
        if response.status_code != 200 or looks_like_html(response):
            raise self._refusal_of_infos(response, infos_url)
        infos = decode_json(response)
        user_id = infos.get("id") if isinstance(infos, dict) else None
        if not isinstance(user_id, str | int) or isinstance(user_id, bool) or user_id == "":
            raise TransportError(
                "The account's information has no user id",
                method="GET",
                url=infos_url,
                status=response.status_code,
            )
        return str(user_id)

    def _refusal_of_infos(self, response: requests.Response, infos_url: str) -> SpacestudioError:
        """Why the scripting API would not say who the logged-in account is, and the fix."""
        status = response.status_code
        said = _www_authenticate_description(response) or server_message_of(response)
        where: dict[str, Any] = {
            "method": "GET",
            "url": infos_url,
            "status": status,
            "server_message": said,
        }
        if status == 404 or looks_like_html(response):
            answer = "a web page" if looks_like_html(response) else "nothing (HTTP 404)"
            return NotFoundError(
                f"There is no scripting API at {self.base_url}: its users/infos route "
                f"answered {answer}",
                hint=(
                    "Check LOG_BASE_URL: it must be the scripting API's base URL (the one "
                    "the exoops/… routes live under), not the web application's."
                ),
                **where,
            )
        text = (said or "").lower()
        if status == 401 and "issu" in text:
            return AuthenticationError(
                f"The scripting API at {self.base_url} does not accept tokens issued by "
                f"{_issuer_of(self.access_token) or self._auth.token_url}",
                hint=(
                    f"It trusts another identity provider or realm: set SPACESTUDIO_AUTH_URL "
                    f"(now {self.auth_url}) and SPACESTUDIO_REALM (now {self.realm}) to the "
                    f"ones this service uses."
                ),
                **where,
            )
        if status == 401 and ("signature" in text or "key" in text):
            return AuthenticationError(
                f"The scripting API at {self.base_url} cannot check the token's signature: "
                f"the identity provider at {self.auth_url} signed it with a key this "
                f"service does not know",
                hint=(
                    "SPACESTUDIO_AUTH_URL points at another identity provider than the one "
                    "this service trusts (or its keys changed just now): set it to the "
                    "service's own and connect again."
                ),
                **where,
            )
        if status == 401:
            return AuthenticationError(
                f"Logged in as {self.mail}, but the scripting API at {self.base_url} refused "
                f"the access token",
                **where,
            )
        return ScriptingNotEnabledError(
            f"Logged in as {self.mail}, but the scripting API refused the account", **where
        )

    @property
    def access_token(self) -> str:
        """A currently valid access token (renewed when about to expire)."""
        return self._auth.access_token()

    # -- HTTP ---------------------------------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        *,
        body: Any = _NO_BODY,
        stream: bool = False,
        idempotent: bool | None = None,
    ) -> requests.Response:
        """Send one call to the service; returns its answer, raises on an error status.

        ``body`` is sent as JSON. ``idempotent`` says whether the call may be repeated
        after a failure; by default it follows the method and route (see
        :func:`is_idempotent`).
        """
        method = method.upper()
        options: dict[str, Any] = {"stream": stream}
        if body is not _NO_BODY:
            try:
                payload = json.dumps(body, allow_nan=False)
            except (TypeError, ValueError) as error:
                raise ConfigurationError(
                    f"The body of {method} {url} cannot be sent as JSON: {error}",
                    hint="Send only dicts, lists, strings, finite numbers, booleans and None.",
                ) from None
            options["data"] = payload.encode("utf-8")
            options["headers"] = {"Content-Type": "application/json"}
        if idempotent is None:
            idempotent = is_idempotent(method, url)
        response = self.transport.send(method, url, idempotent=idempotent, **options)
        if response.status_code >= 400:
            failure = error_from_response(response)
            response.close()
            raise failure
        return response

    def call(
        self, method: str, url: str, *, body: Any = _NO_BODY, idempotent: bool | None = None
    ) -> Any:
        """Send one call and return its decoded JSON answer (None for an empty one)."""
        response = self.request(method, url, body=body, idempotent=idempotent)
        return decode_json(response)

    # -- collections --------------------------------------------------------------------

    def collection_url(self, segment: str) -> str:
        """The full URL of one collection of this account."""
        return f"{self.user_url}{segment}"

    def collection(self, spec: CollectionSpec) -> Collection:
        """The object API of one catalog collection (``client.simulation.orbits`` …)."""
        namespace = getattr(self, spec.module)
        found: Collection = getattr(namespace, spec.attribute)
        return found

    def at_url(self, url: str, results_url: str | None = None) -> Collection:
        """The operations of whatever collection lives at ``url`` (a full URL)."""
        return collection_for(self, url, results_url or self.results_url)


#: What each setting is, and a line of the .env file that gives it.
SETTINGS_HELP: dict[str, tuple[str, str]] = {
    "LOG_BASE_URL": ("the scripting API's base URL", "LOG_BASE_URL=https://<the scripting API>"),
    "LOG_MAIL": ("the account's e-mail", "LOG_MAIL=<your e-mail>"),
    "LOG_PASSWORD": ("the account's password", "LOG_PASSWORD=<your password>"),
    "CLIENT_ID": ("the OIDC client id", "CLIENT_ID=<the client id you were given>"),
}


def _require_settings(*given: tuple[str, str | None]) -> tuple[str, ...]:
    """Each value given, or one error naming every missing one with the lines to add."""
    missing = [variable for variable, value in given if value is None or not value.strip()]
    if missing:
        what = ", ".join(f"{SETTINGS_HELP[v][0]} ({v})" for v in missing)
        lines = "\n".join(f"    {SETTINGS_HELP[v][1]}" for v in missing)
        plural = "s are" if len(missing) > 1 else " is"
        raise ConfigurationError(
            f"{len(missing)} setting{plural} missing: {what}",
            hint=(
                "Pass them to connect(), or add these lines to the .env file (or set "
                f"them in the environment):\n{lines}"
            ),
        )
    return tuple(value for _, value in given if value is not None)


# -- the default client of the module functions ------------------------------------------

_default_lock = threading.Lock()
_default_client: Client | None = None


def set_default_client(client: Client | None) -> None:
    """Make ``client`` the one the module functions use (None: forget it)."""
    global _default_client
    with _default_lock:
        _default_client = client


def default_client() -> Client:
    """The client the module functions use; raises NotConnectedError before connect()."""
    with _default_lock:
        client = _default_client
    if client is None:
        raise NotConnectedError("Not connected to spacestudio yet")
    return client


__all__ = [
    "DEFAULT_POLL_INTERVAL",
    "DEFAULT_TIMEOUT",
    "Client",
    "RetryPolicy",
    "SpacestudioError",
    "Transport",
    "build_user_url",
    "decode_json",
    "default_client",
    "format_base_url",
    "is_idempotent",
    "retry_after_seconds",
    "set_default_client",
]
