"""The published client's URL-level functions: ``connect``, ``get_request``, ``get_object`` …

Scripts call them as ``spacestudio.get_request(url)`` (they are re-exported by the
package) or import them from ``spacestudio.api_requests`` as the published client laid
them out. Each ``url`` is a full collection URL as :func:`build_user_url` starts it
(``{user_url}/exoops/users/{user_id}/`` + path segment); they run on the default client.
Unlike the published client they raise typed exceptions instead of printing and
carrying on (see :mod:`spacestudio.errors`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import requests

from spacestudio.client import (
    DEFAULT_POLL_INTERVAL,
    DEFAULT_TIMEOUT,
    Client,
    RetryPolicy,
    Timeout,
    build_user_url,
    decode_json,
    default_client,
    format_base_url,
    set_default_client,
)
from spacestudio.errors import error_from_response
from spacestudio.resources import (
    JSONObject,
    PausableMissionCollection,
    find_by_name,
    join_url,
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
) -> Client:
    """Log in to spacestudio and make this the client the module functions use.

    ``user_url`` is the scripting API's base URL (``spacestudio.log_base_url``); one
    trailing ``/`` is ignored. ``client_id`` defaults to ``CLIENT_ID``, ``auth_url`` to
    ``SPACESTUDIO_AUTH_URL`` (else https://auth.exotrail.space), ``realm`` to
    ``SPACESTUDIO_REALM`` (else spacestudio-users) and ``verify`` to
    ``VERIFY_SSL_CERTIFICATE`` (``FALSE`` turns certificate checks off). See
    :class:`spacestudio.Client` for the other options.

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
        session=session,
        clock=clock,
    )
    set_default_client(client)
    return client


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


def post_request(url: str, body: Any) -> Any:
    """POST ``body`` as JSON to ``url``; returns the decoded answer (None when empty)."""
    return default_client().call("POST", url, body=body)


def get_request(url: str, stream: bool = False) -> Any:
    """GET ``url``: its decoded JSON, or with ``stream=True`` the open response itself."""
    client = default_client()
    if stream:
        return client.request("GET", url, stream=True)
    return client.call("GET", url)


def get_status(url: str) -> Any:
    """GET a computation status route: 0 pending, -1 finished, else progress."""
    return default_client().call("GET", url)


def put_request(url: str, object_id: str, body: Any) -> Any:
    """PUT ``body`` to ``url/object_id``; returns the decoded answer."""
    return default_client().call("PUT", join_url(url, object_id), body=body)


def delete_request(url: str, object_id: str) -> None:
    """DELETE ``url/object_id``."""
    default_client().request("DELETE", join_url(url, object_id)).close()


def handle_response(request: requests.Response, stream: bool = False) -> Any:
    """The decoded JSON of an answer (or the answer itself with ``stream=True``).

    Raises the matching :mod:`spacestudio.errors` exception for an error status.
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


def get_object(element: str, url: str) -> JSONObject | None:
    """The object named ``element`` in the collection at ``url``; None when there is none."""
    return _collection(url).get(element)


def get_mission_id_with_url(mission: str, url: str) -> str | None:
    """The id of the mission named ``mission`` at ``url``; None when there is none."""
    return _collection(url).get_id(mission)


def create_mission_from_paused_results_and_url(
    mission: str, new_mission_name: str, url: str, result_url: str
) -> Any:
    """Create ``new_mission_name`` resuming the paused ``mission`` of the collection at
    ``url`` (results at ``result_url``)."""
    return _collection(url, result_url).create_from_paused_results(mission, new_mission_name)


def modify_object(old_object: JSONObject | str, new_object: JSONObject, url: str) -> Any:
    """Replace the object named ``old_object["name"]`` at ``url`` with ``new_object``."""
    return _collection(url).modify(old_object, new_object)


def delete_object(element: str, url: str) -> bool:
    """Delete the object named ``element`` at ``url``; nothing happens when there is none."""
    return _collection(url).delete(element)


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


def compute_mission_from_url(mission: str, url: str) -> Any:
    """Start computing the mission named ``mission`` of the collection at ``url``."""
    return _collection(url).compute(mission)


def compute_mission_until_duration_from_url(mission: str, url: str, duration: float) -> Any:
    """Compute the mission named ``mission`` at ``url`` for ``duration`` s, then pause."""
    return _collection(url).compute_until_duration(mission, duration)


def get_mission_results_from_url(mission: str, url: str, result_url: str) -> JSONObject:
    """The results of the mission named ``mission`` at ``url`` (logs at ``result_url``)."""
    return _collection(url, result_url).results(mission)


def wait_and_get_mission_results_from_url(mission: str, url: str, result_url: str) -> JSONObject:
    """Wait for the mission named ``mission`` at ``url`` to finish; then its results."""
    return _collection(url, result_url).wait_for_results(mission)


def get_paused_mission_results_merged_with_url(mission: str, url: str) -> JSONObject:
    """The merged results of the chain of paused missions from ``mission`` at ``url``."""
    return _collection(url).merged_results(mission)


__all__ = [
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
    "loop_through_object",
    "modify_object",
    "post_request",
    "put_request",
    "wait_and_get_mission_results_from_url",
]
