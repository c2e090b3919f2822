"""Retries, backoff and Retry-After: what is repeated, what never is."""

from __future__ import annotations

import email.utils
import socket

import pytest
import requests
import responses

from spacestudio.client import Client
from spacestudio.errors import RateLimitedError, ServerError, TransportError
from spacestudio.transport import RetryPolicy, is_idempotent, retry_after_seconds

from .conftest import USER_URL, MockService

ORBITS = f"{USER_URL}orbitdefinitions"
MISSIONS = f"{USER_URL}simulationrequests"
ORBIT = {"id": "o-1", "displayedName": "SSO-600", "name": "SSO-600"}


def test_503_with_retry_after_is_retried_after_the_asked_wait(service: MockService) -> None:
    client = service.client()
    service.rsps.add(responses.GET, ORBITS, status=503, headers={"Retry-After": "7"})
    service.rsps.add(responses.GET, ORBITS, json=[ORBIT])

    assert client.simulation.orbits.all() == [ORBIT]
    assert len(service.calls_to(ORBITS)) == 2
    assert service.sleeps == [7.0]


def test_retry_after_as_http_date_is_honoured() -> None:
    response = requests.Response()
    moment = 1_700_000_000.0
    response.headers["Retry-After"] = email.utils.formatdate(moment + 12, usegmt=True)
    assert retry_after_seconds(response, now=moment) == pytest.approx(12, abs=1)
    response.headers["Retry-After"] = "not a date"
    assert retry_after_seconds(response, now=moment) is None


def test_429_backs_off_exponentially_then_succeeds(service: MockService) -> None:
    client = service.client(retry=RetryPolicy(max_attempts=4, backoff=0.5))
    for _ in range(3):
        service.rsps.add(responses.GET, ORBITS, status=429)
    service.rsps.add(responses.GET, ORBITS, json=[ORBIT])

    assert client.simulation.orbits.get("SSO-600") == ORBIT
    assert service.sleeps == [0.5, 1.0, 2.0]


def test_attempts_are_bounded_and_the_last_answer_raises(service: MockService) -> None:
    client = service.client(retry=RetryPolicy(max_attempts=3, backoff=0.1))
    service.rsps.add(responses.GET, ORBITS, status=502, json={"message": "bad gateway"})

    with pytest.raises(ServerError) as raised:
        client.simulation.orbits.all()
    assert len(service.calls_to(ORBITS)) == 3
    assert raised.value.status == 502
    assert service.sleeps == [0.1, 0.2]


def test_429_after_every_retry_is_a_rate_limit_error(service: MockService) -> None:
    client = service.client(retry=RetryPolicy(max_attempts=2, backoff=0.1))
    service.rsps.add(responses.GET, ORBITS, status=429)
    with pytest.raises(RateLimitedError, match="rate of requests"):
        client.simulation.orbits.all()


def test_connection_error_on_get_is_retried(service: MockService) -> None:
    client = service.client()
    service.rsps.add(responses.GET, ORBITS, body=requests.ConnectionError("connection reset"))
    service.rsps.add(responses.GET, ORBITS, json=[ORBIT])

    assert client.simulation.orbits.all() == [ORBIT]
    assert len(service.calls_to(ORBITS)) == 2


def test_a_post_is_never_repeated_after_it_may_have_reached_the_server(
    service: MockService,
) -> None:
    client = service.client()
    service.rsps.add(responses.POST, ORBITS, body=requests.ConnectionError("connection reset"))

    with pytest.raises(TransportError, match="may or may not have carried out this POST"):
        client.simulation.orbits.create({"name": "SSO-600"})
    assert len(service.calls_to(ORBITS, "POST")) == 1
    assert service.sleeps == []


def test_a_post_answered_503_is_not_repeated(service: MockService) -> None:
    client = service.client()
    service.rsps.add(responses.POST, ORBITS, status=503, headers={"Retry-After": "1"})

    with pytest.raises(ServerError):
        client.simulation.orbits.create({"name": "SSO-600"})
    assert len(service.calls_to(ORBITS, "POST")) == 1


def test_starting_a_computation_is_not_retried(service: MockService) -> None:
    client = service.client()
    mission = {"id": "m-1", "displayedName": "transfer"}
    service.rsps.add(responses.GET, MISSIONS, json=[mission])
    compute_url = f"{MISSIONS}/compute/m-1"
    service.rsps.add(responses.GET, compute_url, status=503)

    with pytest.raises(ServerError):
        client.simulation.missions.compute("transfer")
    assert len(service.calls_to(compute_url)) == 1


@pytest.mark.parametrize(
    ("method", "url", "expected"),
    [
        ("GET", f"{ORBITS}", True),
        ("put", f"{ORBITS}/o-1", True),
        ("DELETE", f"{ORBITS}/o-1", True),
        ("POST", f"{ORBITS}", False),
        ("GET", f"{MISSIONS}/compute/m-1", False),
        ("GET", f"{MISSIONS}/create_merged_results/m-1", False),
        ("GET", f"{MISSIONS}/status/m-1", True),
    ],
)
def test_idempotence_follows_method_and_route(method: str, url: str, expected: bool) -> None:
    assert is_idempotent(method, url) is expected


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_post_is_retried_when_the_connection_was_refused(
    sleeps: list[float],
) -> None:
    # A refused connection means no byte of the request left: repeating it is safe.
    url = f"http://127.0.0.1:{_closed_port()}"
    with pytest.raises(TransportError) as raised:
        Client(
            url,
            "someone@example.test",
            "Distinct-Password-42",
            "client",
            auth_url=url,
            retry=RetryPolicy(max_attempts=3, backoff=0.25),
            timeout=2.0,
        )
    assert sleeps == [0.25, 0.5]
    message = str(raised.value)
    assert message.startswith("Could not reach the service after 3 attempts")
    assert f"POST {url}/realms/spacestudio-users/protocol/openid-connect/token" in message
    assert "Distinct-Password-42" not in message
