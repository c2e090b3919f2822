"""The published client's URL-level functions: ``connect``, ``get_request``, ``get_object`` …

Scripts call them as ``spacestudio.get_request(url)`` (they are re-exported by the
package) or import them from ``spacestudio.api_requests`` as the published client laid
them out. Each ``url`` is a full collection URL (``spacestudio.urls.ORBIT_URL`` …);
they run on the default client. An error follows the published client's flow (a
warning, then None) or raises, as :mod:`spacestudio.error_flow` says.

As in the published module, ``session`` is the one ``requests.Session`` every call goes
through (set proxies or certificates on it before connecting), the ``log_*`` settings
are here too, and after ``connect()`` ``spacestudio_user_url``, ``headers``,
``jwt_token``, ``userId`` and ``keycloak_url`` hold the connection's current values
(``headers`` carries a token valid now, renewed when needed).
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from urllib import parse

import requests
from dotenv import load_dotenv
from urllib3.exceptions import InsecureRequestWarning

from spacestudio import settings
from spacestudio.answers import decode_json, error_from_response
from spacestudio.client import (
    DEFAULT_POLL_INTERVAL,
    Client,
    build_user_url,
    default_client,
    format_base_url,
    set_default_client,
)
from spacestudio.error_flow import published_flow
from spacestudio.errors import NotConnectedError, ScriptingNotEnabledError
from spacestudio.lazy_modules import lazy_module
from spacestudio.resources import (
    JSONObject,
    PausableMissionCollection,
    find_by_name,
    join_url,
)
from spacestudio.transport import DEFAULT_TIMEOUT, RetryPolicy, Session, Timeout
from spacestudio.urls import connected_value

if TYPE_CHECKING:
    import jwt
else:
    # The published module imports PyJWT, so scripts may reach it as spacestudio.jwt; it
    # loads on first use, so a client that never touches it never loads cryptography.
    jwt = lazy_module("jwt")

logger = logging.getLogger("spacestudio")

#: The session every call of the module functions goes through, as in the published
#: client: a script may set proxies, certificates or headers on it before connect().
session: requests.Session = Session()

#: The seed modules the published client's load_modules() imports.
SEED_MODULES = (
    "parametric_study",
    "constellation",
    "deployment",
    "simulation",
    "gridfs",
    "formation_flying",
    "inspection",
)


def connect(
    user_url: str | None,
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
    strict: bool | None = None,
) -> Client:
    """Log in to spacestudio and make this the client the module functions use.

    ``user_url`` is the scripting API's base URL (``spacestudio.log_base_url``); one
    trailing ``/`` is ignored. ``client_id`` defaults to ``CLIENT_ID``, ``auth_url`` to
    ``SPACESTUDIO_AUTH_URL`` (else https://auth.exotrail.space), ``realm`` to
    ``SPACESTUDIO_REALM`` (else spacestudio-users) and ``verify`` to
    ``VERIFY_SSL_CERTIFICATE`` (``FALSE`` turns certificate checks off). See
    :class:`spacestudio.Client` for the other options. The calls go through the shared
    ``spacestudio.session`` unless ``session`` is given. ``strict=True`` makes the module
    functions raise every error; False follows the published client's flow; None (the
    default) leaves it to ``SPACESTUDIO_STRICT``.

    Raises AuthenticationError on wrong credentials and ScriptingNotEnabledError when the
    account has no scripting access; returns the connected :class:`~spacestudio.Client`.
    """
    client = Client(
        user_url,
        mail,
        password,
        client_id,
        auth_url=auth_url,
        realm=realm,
        verify=verify,
        timeout=timeout,
        poll_interval=poll_interval,
        computation_timeout=computation_timeout,
        progress=progress,
        retry=retry,
        # Read now, not bound at import: a script may have put its own session here.
        session=session if session is not None else globals()["session"],
        clock=clock,
    )
    client.strict = strict
    set_default_client(client)
    return client


def load_modules(scripting_option: Any) -> None:
    """Import the seed modules (``simulation``, ``constellation`` …) when
    ``scripting_option`` is true, as the published client does after logging in; when it
    is false, say that scripting is not enabled. They are imported with the package."""
    if not scripting_option:
        logger.warning("%s", ScriptingNotEnabledError("Scripting is not enabled"))
        return
    for module in SEED_MODULES:
        importlib.import_module(f"spacestudio.{module}")


def build_headers(token: str) -> dict[str, str]:
    """The headers of a call to the service with the access token ``token``."""
    return {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}


def get_user_id() -> str:
    """The user id of the connected account."""
    return default_client().user_id


def get_jwt_token() -> str:
    """A currently valid access token of the connected account (renewed when needed)."""
    return default_client().access_token


def get_headers() -> dict[str, str]:
    """The headers of a call to the service, with a currently valid access token."""
    return build_headers(get_jwt_token())


@published_flow()
def post_request(url: str, body: Any) -> Any:
    """POST ``body`` as JSON to ``url``; returns the decoded answer (None when empty)."""
    return default_client().call("POST", url, body=body)


@published_flow()
def get_request(url: str, stream: bool = False) -> Any:
    """GET ``url``: its decoded JSON, or with ``stream=True`` the open response itself."""
    client = default_client()
    if stream:
        return client.request("GET", url, stream=True)
    return client.call("GET", url)


@published_flow()
def get_status(url: str) -> Any:
    """GET a computation status route: 0 pending, -1 finished, else progress."""
    return default_client().call("GET", url)


@published_flow()
def put_request(url: str, object_id: str, body: Any) -> Any:
    """PUT ``body`` to ``url/object_id``; returns the decoded answer."""
    return default_client().call("PUT", join_url(url, object_id), body=body)


@published_flow()
def delete_request(url: str, object_id: str) -> None:
    """DELETE ``url/object_id``."""
    default_client().request("DELETE", join_url(url, object_id)).close()


@published_flow()
def handle_response(request: requests.Response, stream: bool = False) -> Any:
    """The decoded JSON of an answer (or the answer itself with ``stream=True``).

    An error status gives the matching :mod:`spacestudio.errors` exception, which the
    published flow logs (then None) and strict mode raises.
    """
    if request.status_code >= 400:
        raise error_from_response(request)
    return request if stream else decode_json(request)


def loop_through_object(param: str, response: Sequence[Any] | None) -> JSONObject | None:
    """The first object of ``response`` whose displayedName is ``param``, else None."""
    return find_by_name(param, response)


def _collection(url: str, result_url: str | None = None) -> PausableMissionCollection:
    client = default_client()
    return PausableMissionCollection(client, url, result_url or client.results_url)


@published_flow()
def get_object(element: str, url: str) -> JSONObject | None:
    """The object named ``element`` in the collection at ``url``; None when there is none."""
    return _collection(url).get(element)


@published_flow()
def get_mission_id_with_url(mission: str, url: str) -> str | None:
    """The id of the mission named ``mission`` at ``url``; None when there is none."""
    return _collection(url).get_id(mission)


@published_flow()
def create_mission_from_paused_results_and_url(
    mission: str, new_mission_name: str, url: str, result_url: str
) -> Any:
    """Create ``new_mission_name`` resuming the paused ``mission`` of the collection at
    ``url`` (results at ``result_url``)."""
    return _collection(url, result_url).create_from_paused_results(mission, new_mission_name)


@published_flow()
def modify_object(old_object: JSONObject | str, new_object: JSONObject, url: str) -> Any:
    """Replace the object named ``old_object["name"]`` at ``url`` with ``new_object``."""
    return _collection(url).modify(old_object, new_object)


@published_flow()
def delete_object(element: str, url: str) -> bool:
    """Delete the object named ``element`` at ``url``; nothing happens when there is none."""
    return _collection(url).delete(element)


@published_flow()
def delete_intermediate_objects_from_mission_and_url(
    original_mission_name: str,
    object_url: str | Sequence[str],
    mission_url: str | Sequence[str],
) -> int:
    """Delete what resuming ``original_mission_name`` made: each object and mission, at
    ``object_url`` and ``mission_url`` (a URL or a list of them, the mission's own
    collection first), whose pausedParentMissionId is that mission's id."""
    object_urls = [object_url] if isinstance(object_url, str) else list(object_url)
    mission_urls = [mission_url] if isinstance(mission_url, str) else list(mission_url)
    client = default_client()
    missions = PausableMissionCollection(
        client,
        mission_urls[0],
        client.results_url,
        intermediate_object_urls=[*object_urls, *mission_urls[1:]],
    )
    return missions.delete_intermediate_objects(original_mission_name)


@published_flow(missing_goes_on=True)
def compute_mission_from_url(mission: str, url: str) -> Any:
    """Start computing the mission named ``mission`` of the collection at ``url``."""
    return _collection(url).compute(mission)


@published_flow()
def compute_mission_until_duration_from_url(mission: str, url: str, duration: float) -> Any:
    """Compute the mission named ``mission`` at ``url`` for ``duration`` s, then pause."""
    return _collection(url).compute_until_duration(mission, duration)


@published_flow(missing_goes_on=True)
def get_mission_results_from_url(mission: str, url: str, result_url: str) -> JSONObject:
    """The results of the mission named ``mission`` at ``url`` (logs at ``result_url``)."""
    return _collection(url, result_url).results(mission)


@published_flow(missing_goes_on=True)
def wait_and_get_mission_results_from_url(mission: str, url: str, result_url: str) -> JSONObject:
    """Wait for the mission named ``mission`` at ``url`` to finish; then its results."""
    return _collection(url, result_url).wait_for_results(mission)


@published_flow()
def get_paused_mission_results_merged_with_url(mission: str, url: str) -> JSONObject:
    """The merged results of the chain of paused missions from ``mission`` at ``url``."""
    return _collection(url).merged_results(mission)


# Its functions and session, and what the published module imports (json, requests …),
# which scripts reach through it and through the package.
__all__ = [
    "InsecureRequestWarning",
    "build_headers",
    "build_user_url",
    "compute_mission_from_url",
    "compute_mission_until_duration_from_url",
    "connect",
    "create_mission_from_paused_results_and_url",
    "delete_intermediate_objects_from_mission_and_url",
    "delete_object",
    "delete_request",
    "format_base_url",
    "get_headers",
    "get_jwt_token",
    "get_mission_id_with_url",
    "get_mission_results_from_url",
    "get_object",
    "get_paused_mission_results_merged_with_url",
    "get_request",
    "get_status",
    "get_user_id",
    "handle_response",
    "json",
    "jwt",
    "load_dotenv",
    "load_modules",
    "loop_through_object",
    "modify_object",
    "os",
    "parse",
    "post_request",
    "put_request",
    "requests",
    "session",
    "time",
    "wait_and_get_mission_results_from_url",
]

#: The connection's values the published module keeps as globals after connect().
CONNECTION_ATTRIBUTES = ("spacestudio_user_url", "headers", "jwt_token", "userId", "keycloak_url")

# Declared for type checkers and editors; the values come from __getattr__ below.
if TYPE_CHECKING:
    log_base_url: str | None
    log_mail: str | None
    log_password: str | None
    log_client_id: str | None
    log_verify_ssl_certificate: str | None
    client_id: str | None
    spacestudio_user_url: str
    headers: dict[str, str]
    jwt_token: str
    userId: str
    keycloak_url: str
else:

    def __getattr__(name: str) -> Any:
        # PEP 562: each read gives the value now (settings from the environment, the
        # token renewed when needed), not a copy taken at import or at connect().
        if name in settings.LOG_ATTRIBUTES:
            return settings.log_attribute(name)
        if name in CONNECTION_ATTRIBUTES:
            return _connection_value(name)
        raise AttributeError(f"module 'spacestudio.api_requests' has no attribute {name!r}")


def _connection_value(name: str) -> Any:
    if name == "spacestudio_user_url":
        return connected_value("api_requests", name)
    try:
        client = default_client()
    except NotConnectedError as error:
        raise AttributeError(
            f"spacestudio.api_requests.{name} is set by spacestudio.connect(): {error}"
        ) from None
    if name == "headers":
        return build_headers(client.access_token)
    if name == "jwt_token":
        return client.access_token
    if name == "userId":
        return client.user_id
    return client.auth_url


def __dir__() -> list[str]:
    return sorted({*globals(), *settings.LOG_ATTRIBUTES, *CONNECTION_ATTRIBUTES})
