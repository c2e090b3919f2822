"""Each failure becomes one exception type with a one-line message saying what to do."""

from __future__ import annotations

import pytest
import responses

import spacestudio
from spacestudio.errors import (
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    InvalidRequestError,
    NotConnectedError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
    SpacestudioError,
    TransportError,
)

from .conftest import USER_URL, MockService

ORBITS = f"{USER_URL}orbitdefinitions"


@pytest.mark.parametrize(
    ("status", "error_type", "words"),
    [
        (400, InvalidRequestError, "rejected the request as invalid"),
        (403, PermissionDeniedError, "refused access"),
        (404, NotFoundError, "found nothing"),
        (409, ConflictError, "already exists"),
        (422, InvalidRequestError, "could not process"),
        (418, InvalidRequestError, "rejected the request"),
        (500, ServerError, "failed while handling"),
        (501, ServerError, "failed while handling"),
    ],
)
def test_status_maps_to_exception_with_method_url_status_and_server_message(
    service: MockService, status: int, error_type: type[SpacestudioError], words: str
) -> None:
    client = service.client()
    service.rsps.add(
        responses.POST, ORBITS, status=status, json={"message": f"the server's reason {status}"}
    )

    with pytest.raises(error_type) as raised:
        client.simulation.orbits.create({"name": "SSO-600"})
    error = raised.value
    assert (error.method, error.url, error.status) == ("POST", ORBITS, status)
    assert error.server_message == f"the server's reason {status}"
    message = str(error)
    assert words in message
    assert f"POST {ORBITS}, HTTP {status}" in message
    assert f"the server said: the server's reason {status}" in message
    assert error.hint and message.endswith(error.hint)
    assert "\n" not in message


def test_conflict_message_tells_what_to_do(service: MockService) -> None:
    client = service.client()
    service.rsps.add(responses.POST, ORBITS, status=409, json={"message": "name taken"})
    with pytest.raises(ConflictError, match="Pick another name"):
        client.simulation.orbits.create({"name": "SSO-600"})


def test_a_401_that_survives_the_retry_is_an_authentication_error(service: MockService) -> None:
    client = service.client()
    service.rsps.add(responses.GET, ORBITS, status=401)
    with pytest.raises(AuthenticationError):
        client.simulation.orbits.all()


@pytest.mark.parametrize("status", [200, 404, 502])
def test_an_html_page_is_a_transport_error(service: MockService, status: int) -> None:
    client = service.client(retry=spacestudio.RetryPolicy(max_attempts=1))
    page = "<!DOCTYPE html><html><body><h1>Gateway</h1>" + "x" * 2000 + "</body></html>"
    service.rsps.add(responses.GET, ORBITS, status=status, body=page, content_type="text/html")

    with pytest.raises(TransportError, match="HTML page") as raised:
        client.simulation.orbits.all()
    assert raised.value.status == status
    assert len(str(raised.value)) < 600


def test_truncated_json_is_a_transport_error(service: MockService) -> None:
    client = service.client()
    service.rsps.add(
        responses.GET,
        ORBITS,
        body='[{"id": "o-1", "displayedName": "SS',
        content_type="application/json",
    )
    with pytest.raises(TransportError, match="invalid or truncated JSON"):
        client.simulation.orbits.all()


def test_wrong_content_type_is_a_transport_error(service: MockService) -> None:
    client = service.client()
    service.rsps.add(responses.GET, ORBITS, body="id,name\n1,a\n", content_type="text/csv")
    with pytest.raises(TransportError, match="'text/csv', not application/json"):
        client.simulation.orbits.all()


def test_a_list_where_objects_are_expected_is_reported(service: MockService) -> None:
    client = service.client()
    service.rsps.add(responses.GET, ORBITS, json={"not": "a list"})
    with pytest.raises(TransportError, match="Expected a list of orbits"):
        client.simulation.orbits.all()


def test_module_function_before_connect_says_to_connect() -> None:
    with pytest.raises(NotConnectedError) as raised:
        spacestudio.simulation.get_orbit("SSO-600")
    assert "spacestudio.connect(" in str(raised.value)


def test_missing_settings_are_named_before_anything_is_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CLIENT_ID", raising=False)
    with pytest.raises(ConfigurationError, match="CLIENT_ID"):
        spacestudio.connect("https://api.spacestudio.test", "a@b.test", "pw")
    with pytest.raises(ConfigurationError, match="LOG_BASE_URL"):
        spacestudio.connect(None, "a@b.test", "pw", "client")


def test_a_body_that_is_not_json_is_refused_before_sending(service: MockService) -> None:
    client = service.client()
    with pytest.raises(ConfigurationError, match="cannot be sent as JSON"):
        client.simulation.orbits.create({"altitude": float("nan")})
    assert service.calls_to(ORBITS) == []


def test_every_error_is_a_spacestudio_error() -> None:
    for error_type in (
        AuthenticationError,
        ConflictError,
        InvalidRequestError,
        NotConnectedError,
        NotFoundError,
        ServerError,
        TransportError,
        spacestudio.ScriptingNotEnabledError,
        spacestudio.ComputationTimeoutError,
    ):
        assert issubclass(error_type, SpacestudioError)
