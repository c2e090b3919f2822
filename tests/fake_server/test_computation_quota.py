"""Computation logs count against a results budget of their own, in both backends:
results that would go beyond it end the computation as a FAILED log that says so,
nothing beyond it is stored, objects' bounds never count them, and deleting a mission
frees its results."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from fake_server import lifecycle
from fake_server.compute import Computation
from fake_server.store import MemoryStore, Quota, SQLiteStore, Store

from .conftest import ALICE, Api, AppFactory, assert_json_error

MISSIONS = "simulationrequests"
MIB = 1024 * 1024
#: Each user's objects held to the default quota, their results to 1 MiB.
ONE_MIB_OF_RESULTS = Quota(bytes=32 * MIB, values=500_000, result_bytes=MIB)
#: Rows of ephemerides each computation returns: about 0.33 MiB of JSON, 36 000 values.
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
def open_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Opens the backend under test with a quota; closes what it opened."""
    opened: list[Store] = []

    def open_with(quota: Quota) -> Store:
        store: Store = (
            MemoryStore(quota=quota)
            if request.param == "memory"
            else SQLiteStore(tmp_path / "s.db", quota=quota)
        )
        opened.append(store)
        return store

    yield open_with
    for store in opened:
        store.close()


def stored_result_bytes(store: Store, user_id: str) -> int:
    """The bytes of JSON of the user's missions' logs, counted from what is stored."""
    total = 0
    for mission in store.list_objects(user_id, MISSIONS):
        log = store.get_log(user_id, str(mission.get("computationLogId")))
        if log is not None:
            total += len(log.to_json())
    return total


def compute(api: Api, mission_id: str) -> dict[str, Any]:
    """Start the computation of a mission; its log once finished."""
    started = api.get(f"{MISSIONS}/compute/{mission_id}")
    assert started.status_code == 200, started.get_data(as_text=True)
    return api.last_log(MISSIONS, mission_id)


def test_results_beyond_the_budget_fail_the_computation_and_are_not_stored(
    make_app: AppFactory, open_backend: Any
) -> None:
    store = open_backend(ONE_MIB_OF_RESULTS)
    api = Api(make_app(store), ALICE)
    missions = [api.create(MISSIONS, {"name": f"M{n}", "duration": 60.0}) for n in range(5)]
    logs = [compute(api, mission["id"]) for mission in missions]

    assert [log["status"] for log in logs] == ["FINISHED"] * 3 + ["FAILED"] * 2
    for log in logs[3:]:
        assert log["results"] is None
        message = log["errors"][0]["message"]
        assert "beyond the results budget of 1048576 bytes" in message
        assert "delete missions whose results you no longer need" in message
        assert "--results-quota-mib" in message
    assert 3 * MIB // 4 < stored_result_bytes(store, api.user_id) <= MIB


def test_results_never_count_against_the_objects_quota(
    make_app: AppFactory, open_backend: Any
) -> None:
    # Each result holds 36 000 values, far more than these objects may.
    store = open_backend(Quota(bytes=4000, values=1000, result_bytes=MIB))
    api = Api(make_app(store), ALICE)
    mission = api.create(MISSIONS, {"name": "M", "duration": 60.0})

    assert compute(api, mission["id"])["status"] == "FINISHED"
    # The objects keep their whole quota: the mission and 3 000 more bytes fit.
    api.create(MISSIONS, {"name": "O", "notes": "x" * 3000})


def test_deleting_a_mission_frees_its_results(make_app: AppFactory, open_backend: Any) -> None:
    store = open_backend(ONE_MIB_OF_RESULTS)
    api = Api(make_app(store), ALICE)
    missions = [api.create(MISSIONS, {"name": f"M{n}", "duration": 60.0}) for n in range(4)]
    logs = [compute(api, mission["id"]) for mission in missions]
    assert logs[3]["status"] == "FAILED"
    before = stored_result_bytes(store, api.user_id)

    assert api.delete(f"{MISSIONS}/{missions[0]['id']}").status_code == 200

    assert api.get(f"computationlogs/{logs[0]['id']}").status_code == 404
    assert stored_result_bytes(store, api.user_id) < before - MIB // 4
    assert compute(api, missions[3]["id"])["status"] == "FINISHED"


def test_a_start_whose_failed_log_does_not_fit_the_results_budget_is_refused(
    make_app: AppFactory, open_backend: Any
) -> None:
    store = open_backend(Quota(bytes=32 * MIB, values=500_000, result_bytes=200))
    api = Api(make_app(store), ALICE)
    mission = api.create(MISSIONS, {"name": "M", "duration": 60.0})

    refused = api.get(f"{MISSIONS}/compute/{mission['id']}")

    body = assert_json_error(refused, 413)
    assert "beyond the results budget of 200 bytes" in body["message"]
    assert "computationLogId" not in api.get(f"{MISSIONS}/{mission['id']}").get_json()


def test_a_start_the_objects_quota_refuses_names_the_objects_quota(
    make_app: AppFactory, open_backend: Any
) -> None:
    store = open_backend(Quota(bytes=2000, values=500_000, result_bytes=MIB))
    api = Api(make_app(store), ALICE)
    mission = api.create(MISSIONS, {"name": "M", "duration": 60.0})
    filler = api.create(MISSIONS, {"name": "filler", "notes": ""})
    # The filler takes all the room but less than the log id a start writes in the mission.
    room = 2000
    while api.put(f"{MISSIONS}/{filler['id']}", {**filler, "notes": "x" * room}).status_code != 200:
        room -= 10

    refused = api.get(f"{MISSIONS}/compute/{mission['id']}")

    body = assert_json_error(refused, 413)
    assert "your stored objects" in body["message"]
    assert "results budget" not in body["message"]
