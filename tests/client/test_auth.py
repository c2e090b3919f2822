"""The OIDC flow: password grant, refresh before expiry, fallbacks, one retry on 401."""

from __future__ import annotations

import logging
import threading

import pytest
import responses

from spacestudio.errors import AuthenticationError, ScriptingNotEnabledError

from .conftest import (
    INFOS_URL,
    MAIL,
    PASSWORD,
    TOKEN_URL,
    USER_ID,
    USER_URL,
    MockService,
    bearer_of,
)

ORBITS = f"{USER_URL}orbitdefinitions"


def test_login_is_a_form_encoded_password_grant_then_users_infos(service: MockService) -> None:
    client = service.client()

    token_call = service.calls_to(TOKEN_URL)[0]
    assert token_call.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert service.idp.grants[0][1] == {
        "client_id": "spacestudio-scripts",
        "grant_type": "password",
        "username": MAIL,
        "password": PASSWORD,
    }
    assert "Authorization" not in token_call.request.headers
    infos_call = service.calls_to(INFOS_URL)[0]
    assert bearer_of(infos_call) == service.idp.issued[0]
    assert client.user_id == USER_ID
    assert client.user_url == USER_URL


def test_wrong_password_raises_authentication_error_with_keycloaks_reason(
    service: MockService,
) -> None:
    with pytest.raises(AuthenticationError) as raised:
        from spacestudio.client import Client

        Client(
            "https://api.spacestudio.test",
            MAIL,
            "wrong-password",
            "spacestudio-scripts",
            auth_url="https://auth.spacestudio.test",
        )
    error = raised.value
    assert error.status == 401
    assert error.server_message == "Invalid user credentials"
    message = str(error)
    assert f"log in as {MAIL}" in message
    assert "Invalid user credentials" in message
    assert "LOG_PASSWORD" in message  # says what to check
    assert "wrong-password" not in message
    assert "\n" not in message


def test_users_infos_refusal_means_scripting_is_not_enabled(service: MockService) -> None:
    service.rsps.replace(
        responses.GET, INFOS_URL, status=403, json={"message": "Scripting option not activated"}
    )
    with pytest.raises(ScriptingNotEnabledError, match="Scripting option not activated"):
        service.client()


def test_token_is_refreshed_shortly_before_it_expires(service: MockService) -> None:
    client = service.client()
    service.rsps.add(responses.GET, ORBITS, json=[])
    first_token = service.idp.issued[0]

    service.clock.advance(200)  # 100 s left of 300: still good
    client.simulation.orbits.all()
    assert service.idp.grant_types == ["password"]
    assert bearer_of(service.calls_to(ORBITS)[-1]) == first_token

    service.clock.advance(80)  # 20 s left: inside the refresh margin
    client.simulation.orbits.all()
    assert service.idp.grant_types == ["password", "refresh_token"]
    assert service.idp.grants[1][1]["refresh_token"] == "refresh-1"
    assert bearer_of(service.calls_to(ORBITS)[-1]) == service.idp.issued[1]


def test_refused_refresh_falls_back_to_a_new_password_grant(service: MockService) -> None:
    client = service.client()
    service.rsps.add(responses.GET, ORBITS, json=[])
    service.idp.refuse_refresh = True

    service.clock.advance(290)
    client.simulation.orbits.all()
    assert service.idp.grant_types == ["password", "refresh_token", "password"]
    assert bearer_of(service.calls_to(ORBITS)[-1]) == service.idp.issued[-1]


def test_expired_refresh_token_goes_straight_to_a_password_grant(service: MockService) -> None:
    service.idp.refresh_lifetime = 600
    client = service.client()
    service.rsps.add(responses.GET, ORBITS, json=[])

    service.clock.advance(900)
    client.simulation.orbits.all()
    assert service.idp.grant_types == ["password", "password"]


def test_a_401_renews_the_token_and_retries_once(service: MockService) -> None:
    client = service.client()
    service.rsps.add(responses.GET, ORBITS, status=401, json={"message": "token revoked"})
    service.rsps.add(responses.GET, ORBITS, json=[{"id": "o-1", "displayedName": "A"}])

    assert client.simulation.orbits.get_id("A") == "o-1"
    calls = service.calls_to(ORBITS)
    assert len(calls) == 2
    assert bearer_of(calls[0]) == service.idp.issued[0]
    assert bearer_of(calls[1]) == service.idp.issued[1]
    assert service.idp.grant_types == ["password", "refresh_token"]


def test_a_second_401_is_final(service: MockService) -> None:
    client = service.client()
    service.rsps.add(responses.GET, ORBITS, status=401, json={"message": "token revoked"})

    with pytest.raises(AuthenticationError, match="token revoked"):
        client.simulation.orbits.all()
    assert len(service.calls_to(ORBITS)) == 2


def test_a_post_refused_with_401_is_sent_again_with_its_body(service: MockService) -> None:
    client = service.client()
    service.rsps.add(responses.POST, ORBITS, status=401)
    service.rsps.add(responses.POST, ORBITS, json={"id": "o-9", "displayedName": "LEO"})

    assert client.simulation.orbits.create({"name": "LEO"}) == {"id": "o-9", "displayedName": "LEO"}
    bodies = [call.request.body for call in service.calls_to(ORBITS, "POST")]
    assert bodies == [b'{"name": "LEO"}', b'{"name": "LEO"}']


def test_concurrent_requests_share_one_refresh(service: MockService) -> None:
    client = service.client()
    service.rsps.add(responses.GET, ORBITS, json=[])
    service.clock.advance(295)
    failures: list[BaseException] = []

    def list_orbits() -> None:
        try:
            client.simulation.orbits.all()
        except BaseException as failure:  # pragma: no cover - reported below
            failures.append(failure)

    threads = [threading.Thread(target=list_orbits) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert service.idp.grant_types == ["password", "refresh_token"]


def test_no_secret_reaches_the_logs(service: MockService, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="spacestudio")
    client = service.client()
    service.rsps.add(responses.GET, ORBITS, status=401)
    service.rsps.add(responses.GET, ORBITS, json=[])
    service.idp.refuse_refresh = True
    client.simulation.orbits.all()

    logged = caplog.text
    assert PASSWORD not in logged
    assert all(token not in logged for token in service.idp.issued)
    assert "refresh-1" not in logged
    assert PASSWORD not in repr(client) and PASSWORD not in repr(client.session.auth)
