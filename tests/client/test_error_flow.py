"""The error flow of docs/client.md, row by row: by default, in strict mode, and in the
object API.

By default a module function goes on where the published client went on (a WARNING
with the typed error's whole message, then None) and raises where it stopped; strict
mode (``connect(strict=True)`` or ``SPACESTUDIO_STRICT=1``) and the object API raise.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import responses

import spacestudio
from spacestudio.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
    SpacestudioError,
    TransportError,
)

from .conftest import USER_URL, MockService

ORBITS = f"{USER_URL}orbitdefinitions"
MISSIONS = f"{USER_URL}simulationrequests"
GRIDFS = f"{USER_URL}gridfs"
ORBIT = {"id": "o-1", "displayedName": "SSO-600", "name": "SSO-600"}
MISSION = {"id": "m-1", "displayedName": "transfer", "computationLogId": None}


@dataclass(frozen=True)
class Row:
    """One row of the table: what goes wrong, the call, the error, whether it goes on."""

    situation: str
    routes: Callable[[responses.RequestsMock], None]
    call: Callable[[Path], Any]
    error: type[SpacestudioError]
    goes_on: bool
    #: The same through the object API (always raises), when there is one.
    object_call: Callable[[spacestudio.Client, Path], Any] | None = None


def _conflict(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.POST, ORBITS, status=409, json={"message": "SSO-600 already exists"})


def _server_error(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.GET, ORBITS, status=500, json={"message": "database down"})


def _forbidden(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.GET, f"{MISSIONS}/compute/m-1", status=403, json={"message": "quota"})
    rsps.add(responses.GET, MISSIONS, json=[MISSION])


def _no_missions(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.GET, MISSIONS, json=[])


def _one_uncomputed_mission(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.GET, MISSIONS, json=[MISSION])


def _no_orbits(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.GET, ORBITS, json=[])


def _not_json(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.GET, ORBITS, body="<html>login</html>", content_type="text/html")


def _token_refused(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.GET, ORBITS, status=401, json={"error": "invalid_token"})


def _missing_file(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.GET, f"{GRIDFS}/ascsv/eph", status=404, json={"message": "no file"})


ROWS = [
    Row("the service answers 409 (already exists)", _conflict,
        lambda _: spacestudio.simulation.create_orbit(ORBIT), ConflictError, True,
        lambda c, _: c.simulation.orbits.create(ORBIT)),
    Row("the service answers 500", _server_error,
        lambda _: spacestudio.simulation.get_orbit("SSO-600"), ServerError, True,
        lambda c, _: c.simulation.orbits.get("SSO-600")),
    Row("the service answers 403", _forbidden,
        lambda _: spacestudio.simulation.compute_mission("transfer"), PermissionDeniedError,
        True, lambda c, _: c.simulation.missions.compute("transfer")),
    Row("a URL-level call answers 500", _server_error,
        lambda _: spacestudio.get_request(ORBITS), ServerError, True),
    Row("a status poll answers 500", _server_error,
        lambda _: spacestudio.get_status(ORBITS), ServerError, True),
    Row("a response handed to handle_response is a 409", _conflict,
        lambda _: spacestudio.handle_response(spacestudio.session.post(ORBITS, json=ORBIT)),
        ConflictError, True),
    Row("no mission of that name to compute", _no_missions,
        lambda _: spacestudio.simulation.compute_mission("absent"), NotFoundError, True,
        lambda c, _: c.simulation.missions.compute("absent")),
    Row("no mission of that name to wait for", _no_missions,
        lambda _: spacestudio.simulation.wait_and_get_mission_results("absent"),
        NotFoundError, True),
    Row("no object of that name to modify", _no_orbits,
        lambda _: spacestudio.simulation.modify_orbit("absent", ORBIT), NotFoundError, False),
    Row("no mission of that name to clean up after", _no_missions,
        lambda _: spacestudio.simulation.delete_intermediate_objects_from_mission("absent"),
        NotFoundError, False),
    Row("results of a mission never computed", _one_uncomputed_mission,
        lambda _: spacestudio.simulation.get_mission_results("transfer"), NotFoundError, False),
    Row("an HTML page instead of JSON", _not_json,
        lambda _: spacestudio.simulation.get_all_orbits(), TransportError, False),
    Row("the token is refused after renewing it", _token_refused,
        lambda _: spacestudio.simulation.get_all_orbits(), AuthenticationError, False),
    Row("a download fails", _missing_file,
        lambda tmp: spacestudio.gridfs.save_csv_file_to_disk("eph", tmp / "eph.csv"),
        NotFoundError, False),
]  # fmt: skip


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.situation)
def test_by_default_it_goes_on_where_the_published_client_went_on(
    row: Row, service: MockService, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    service.connect()
    row.routes(service.rsps)
    if row.goes_on:
        with caplog.at_level(logging.WARNING, logger="spacestudio"):
            assert row.call(tmp_path) is None
        (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
        # The typed error's whole message: what happened, the call, the fix.
        spacestudio.default_client().strict = True
        with pytest.raises(row.error) as raised:
            row.call(tmp_path)
        assert f"{row.error.__name__}: {raised.value}" in warning.getMessage()
    else:
        with pytest.raises(row.error):
            row.call(tmp_path)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.situation)
@pytest.mark.parametrize("how", ["connect(strict=True)", "SPACESTUDIO_STRICT=1"])
def test_strict_mode_raises_every_error(
    row: Row, how: str, service: MockService, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if how == "SPACESTUDIO_STRICT=1":
        monkeypatch.setenv("SPACESTUDIO_STRICT", "1")
        service.connect()
    else:
        service.connect(strict=True)
    row.routes(service.rsps)
    with pytest.raises(row.error):
        row.call(tmp_path)


@pytest.mark.parametrize(
    "row", [row for row in ROWS if row.object_call], ids=lambda row: row.situation
)
def test_the_object_api_always_raises(row: Row, service: MockService, tmp_path: Path) -> None:
    client = service.connect(strict=False)
    row.routes(service.rsps)
    assert row.object_call is not None
    with pytest.raises(row.error):
        row.object_call(client, tmp_path)


def test_strict_false_wins_over_the_environment(
    service: MockService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPACESTUDIO_STRICT", "1")
    service.connect(strict=False)
    _conflict(service.rsps)
    assert spacestudio.simulation.create_orbit(ORBIT) is None


def test_a_script_goes_on_after_a_409_and_reads_the_existing_object(
    service: MockService, caplog: pytest.LogCaptureFixture
) -> None:
    service.connect()
    _conflict(service.rsps)
    service.rsps.add(responses.GET, ORBITS, json=[ORBIT])
    with caplog.at_level(logging.WARNING, logger="spacestudio"):
        spacestudio.simulation.create_orbit(ORBIT)
        assert spacestudio.simulation.get_orbit("SSO-600") == ORBIT
    assert "already exists" in caplog.text and "POST " + ORBITS in caplog.text
