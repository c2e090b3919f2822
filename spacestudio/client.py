"""The spacestudio client: one account's login, the collections under it, the default one.

A :class:`Client` logs in when it is built and then offers every collection of the
catalog as an attribute (``client.simulation.orbits``, ``client.constellation.payloads``
…). Several clients, for several accounts, live side by side in one process; the
module functions of the published client (``spacestudio.simulation.get_orbit`` …)
use the *default* client, the one :func:`spacestudio.connect` made last.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import requests
import requests.auth

from spacestudio import settings
from spacestudio.answers import (
    decode_json,
    error_from_response,
    looks_like_html,
    server_message_of,
    www_authenticate_description,
)
from spacestudio.auth import OidcPasswordFlow, unverified_claims
from spacestudio.errors import (
    AuthenticationError,
    ConfigurationError,
    NotConnectedError,
    NotFoundError,
    ScriptingNotEnabledError,
    SpacestudioError,
    TransportError,
)
from spacestudio.file_store import GridFS
from spacestudio.namespaces import (
    ConstellationCollections,
    DeploymentCollections,
    FormationFlyingCollections,
    InspectionCollections,
    ParametricStudyCollections,
    SimulationCollections,
)
from spacestudio.transport import (
    DEFAULT_TIMEOUT,
    RetryPolicy,
    Session,
    Timeout,
    Transport,
    is_idempotent,
    said_once_unverified,
)
from spacestudio_contract.catalog import RESULTS_SEGMENT
from spacestudio_contract.endpoints import USER_INFOS_PATH, token_url, users_path

logger = logging.getLogger("spacestudio")

#: Seconds between two status polls while waiting for results, like the published client.
DEFAULT_POLL_INTERVAL = 1.0


class _NoAuth(requests.auth.AuthBase):
    """Sends a request without the session's bearer token (for the token endpoint)."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return request


_NO_BODY: Any = object()


def _issuer_of(token: str) -> str | None:
    """The ``iss`` claim of a JWT, read without checking it (only to name it)."""
    issuer = unverified_claims(token).get("iss")
    return issuer if isinstance(issuer, str) else None


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
        self.base_url = format_base_url(settings.checked_url("LOG_BASE_URL", url))
        self.mail = mail
        self.auth_url = settings.checked_url(
            "SPACESTUDIO_AUTH_URL", auth_url if auth_url is not None else settings.auth_url()
        )
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
            said_once_unverified(self.base_url, self.auth_url)
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
        said = www_authenticate_description(response) or server_message_of(response)
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
    "Client",
    "build_user_url",
    "default_client",
    "format_base_url",
    "set_default_client",
]
