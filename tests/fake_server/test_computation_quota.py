"""Computation logs count against the user's quota, in both backends: results that would
go beyond it end the computation as a FAILED log that says so, and nothing beyond the
quota is stored."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from fake_server import lifecycle
from fake_server.compute import Computation
from fake_server.store import MemoryStore, Quota, SQLiteStore, Store
from fake_server.store.quota import Usage, text_usage

from .conftest import ALICE, Api, AppFactory, assert_json_error

MISSIONS = "simulationrequests"
MIB = 1024 * 1024
ONE_MIB = Quota(bytes=MIB, values=500_000)
#: Rows of ephemerides each computation returns: about 0.3 MiB of JSON.
ROWS = 12_000


def large_results(
    segment: str, mission: Mapping[str, Any], *, until_duration: float | None = None
) -> Computation:
    rows = [[float(t), 7e6 + t, 100.0] for t in range(ROWS)]
    results = {"name": mission["name"], "ephemerides": rows, "fieldIndexes": {"t": 0}}
    return Computation(results, [], False)


@pytest.fixture(autouse=True)
def large_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lifecycle, "compute_mission", large_results)


@pytest.fixture(params=["memory", "sqlite"])
def small_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each backend in turn, holding each user to 1 MiB."""
    store: Store = (
        MemoryStore(quota=ONE_MIB)
        if request.param == "memory"
        else SQLiteStore(tmp_path / "s.db", quota=ONE_MIB)
    )
    yield store
    store.close()


def stored_usage(store: Store, user_id: str) -> Usage:
    """What the user's missions and their latest logs take, counted from what is stored."""
    size = values = 0
    for mission in store.list_objects(user_id, MISSIONS):
        texts = [json.dumps(mission)]
        log = store.get_log(user_id, str(mission.get("computationLogId")))
        if log is not None:
            texts.append(log.to_json())
        for text in texts:
            size, values = size + text_usage(text)[0], values + text_usage(text)[1]
    return size, values


def compute(api: Api, mission_id: str) -> dict[str, Any]:
    """Start the computation of a mission; its log once finished."""
    started = api.get(f"{MISSIONS}/compute/{mission_id}")
    assert started.status_code == 200, started.get_data(as_text=True)
    log_id = api.get(f"{MISSIONS}/{mission_id}").get_json()["computationLogId"]
    log: dict[str, Any] = api.get(f"computationlogs/{log_id}").get_json()
    return log


def test_results_beyond_the_quota_fail_the_computation_and_are_not_stored(
    make_app: AppFactory, small_store: Store
) -> None:
    api = Api(make_app(small_store), ALICE)
    missions = [api.create(MISSIONS, {"name": f"M{n}", "duration": 60.0}) for n in range(5)]
    logs = [compute(api, mission["id"]) for mission in missions]

    assert [log["status"] for log in logs[:3]] == ["FINISHED"] * 3
    failed = logs[3:]
    assert [log["status"] for log in failed] == ["FAILED"] * 2
    for log in failed:
        assert log["results"] is None
        message = log["errors"][0]["message"]
        assert "beyond your quota of 1048576" in message
        assert "delete objects or missions" in message
    assert stored_usage(small_store, api.user_id)[0] <= MIB


def test_a_start_whose_failed_log_does_not_fit_is_refused(
    make_app: AppFactory, small_store: Store
) -> None:
    api = Api(make_app(small_store), ALICE)
    mission = api.create(MISSIONS, {"name": "M", "duration": 60.0})
    room = MIB - stored_usage(small_store, api.user_id)[0] - len('"name": "filler"')
    api.create(MISSIONS, {"name": "filler", "notes": "x" * (room - 300)})

    refused = api.get(f"{MISSIONS}/compute/{mission['id']}")

    body = assert_json_error(refused, 413)
    assert "beyond the quota of 1048576" in body["message"]
    assert "computationLogId" not in api.get(f"{MISSIONS}/{mission['id']}").get_json()
