"""Computations over time, pause/resume chains, merges and gridfs files (in process).

The physics engine is replaced by a small deterministic one here, so these tests pin
the lifecycle and the HTTP contract alone; test_http.py runs the real engine.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from fake_server import lifecycle
from fake_server.app import FakeSpacestudioApp
from fake_server.compute import Computation, Continuation
from fake_server.store import Store, records
from fake_server.store.records import ComputationLog, compact_json
from spacestudio_contract.catalog import COLLECTIONS

from .conftest import ALICE, BOB, Api, AppFactory, FakeClock, assert_json_error

MISSIONS = "simulationrequests"
FIELDS = {"elapsedTime": 0, "semiMajorAxis": 1, "mass": 2}


def engine_compute(
    segment: str, mission: Mapping[str, Any], *, until_duration: float | None = None
) -> Computation:
    """Rows every 10 s from the mission's start to its end or pause."""
    start = float(mission.get("start", 0.0))
    end = float(mission.get("duration", 60.0))
    if until_duration is not None:
        end = min(end, start + until_duration)
    if mission.get("broken"):
        return Computation({"name": mission["name"]}, [{"message": "spacecraft too heavy"}], False)
    rows = [[t, 7e6 + t, 100.0 - t / 100] for t in range(int(start), int(end) + 1, 10)]
    results = {
        "name": mission["name"],
        "segment": segment,
        "ephemerides": rows,
        "fieldIndexes": FIELDS,
        "maneuverReport": {"simulationDuration": end - start},
        "finalOrbit": {"name": f"{mission['name']} final", "altitude": 600_000.0 + end},
    }
    return Computation(results, [], until_duration is not None and end < mission["duration"])


def engine_continue(
    segment: str,
    paused_mission: Mapping[str, Any],
    paused_results: Mapping[str, Any],
    new_name: str,
) -> Continuation:
    if "ephemerides" not in paused_results:
        raise ValueError("the results hold no ephemerides")
    last = paused_results["ephemerides"][-1]
    orbit = {"name": f"{new_name} - orbit", "altitude": last[1] - 6_378_137.0}
    spacecraft = {"name": f"{new_name} - spacecraft", "mass": last[2]}
    mission = {
        **paused_mission,
        "name": new_name,
        "start": last[0],
        "initialOrbit": orbit,
        "spacecraft": spacecraft,
    }
    return Continuation(mission, orbit, spacecraft)


def engine_merge(chain: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    rows = [row for results in chain for row in results["ephemerides"]]
    return {
        "name": chain[0]["name"],
        "ephemerides": rows,
        "fieldIndexes": FIELDS,
        "parts": len(chain),
    }


@pytest.fixture(autouse=True)
def small_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lifecycle, "compute_mission", engine_compute)
    monkeypatch.setattr(lifecycle, "continue_from_paused", engine_continue)
    monkeypatch.setattr(lifecycle, "merge_results", engine_merge)


@pytest.fixture
def slow_app(make_app: AppFactory, store: Store) -> FakeSpacestudioApp:
    return make_app(store, compute_seconds=10.0)


def mission(api: Api, name: str = "transfer", **fields: Any) -> dict[str, Any]:
    return api.create(MISSIONS, {"name": name, "duration": 60.0, **fields})


def results_of(api: Api, mission_id: str) -> dict[str, Any]:
    return api.last_log(MISSIONS, mission_id)


def test_status_goes_pending_then_progress_then_finished(
    slow_app: FakeSpacestudioApp, clock: FakeClock
) -> None:
    api = Api(slow_app, ALICE)
    created = mission(api)
    started = api.get(f"{MISSIONS}/compute/{created['id']}")
    assert started.status_code == 200
    log_id = started.get_json()["computationLogId"]
    assert api.get(f"{MISSIONS}/{created['id']}").get_json()["computationLogId"] == log_id

    seen = []
    for _ in range(11):
        seen.append(api.get(f"{MISSIONS}/status/{created['id']}").get_json())
        log = api.get(f"computationlogs/{log_id}").get_json()
        if seen[-1] != -1:
            assert log["results"] is None
            assert log["status"] in ("PENDING", "RUNNING")
        clock.advance(1.0)
    assert seen[0] == 0
    progress = seen[1:-1]
    assert all(0 < value < 100 for value in progress)
    assert progress == sorted(progress)
    assert seen[-1] == -1
    log = api.get(f"computationlogs/{log_id}").get_json()
    assert log["status"] == "FINISHED"
    assert log["results"]["maneuverReport"]["simulationDuration"] == 60.0
    assert log["errors"] == []


def test_with_no_compute_time_a_computation_is_finished_at_once(api: Api) -> None:
    created = mission(api)
    api.get(f"{MISSIONS}/compute/{created['id']}")
    assert api.get(f"{MISSIONS}/status/{created['id']}").get_json() == -1
    assert results_of(api, created["id"])["results"]["name"] == "transfer"


def test_a_failed_computation_finishes_with_its_errors(api: Api) -> None:
    created = mission(api, broken=True)
    api.get(f"{MISSIONS}/compute/{created['id']}")
    assert api.get(f"{MISSIONS}/status/{created['id']}").get_json() == -1
    log = results_of(api, created["id"])
    assert log["status"] == "FAILED"
    assert log["errors"] == [{"message": "spacecraft too heavy"}]


def test_an_engine_crash_is_a_failed_computation_not_a_server_error(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: Any, **kwargs: Any) -> Computation:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(lifecycle, "compute_mission", crash)
    created = mission(api)
    assert api.get(f"{MISSIONS}/compute/{created['id']}").status_code == 200
    assert api.get(f"{MISSIONS}/status/{created['id']}").get_json() == -1
    log = results_of(api, created["id"])
    assert log["results"] is None
    assert "division by zero" in log["errors"][0]["message"]


def test_a_crash_without_a_message_still_names_its_cause(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def out_of_memory(*args: Any, **kwargs: Any) -> Computation:
        raise MemoryError

    monkeypatch.setattr(lifecycle, "compute_mission", out_of_memory)
    created = mission(api)
    api.get(f"{MISSIONS}/compute/{created['id']}")
    log = results_of(api, created["id"])
    assert log["errors"] == [{"message": "the computation failed: MemoryError"}]


def test_status_of_a_mission_never_computed_is_pending(api: Api) -> None:
    # A number whatever the state: the published client's wait loop spins forever on the
    # None a 404 turns into.
    created = mission(api)
    response = api.get(f"{MISSIONS}/status/{created['id']}")
    assert response.status_code == 200
    assert response.get_json() == 0
    assert_json_error(api.get(f"{MISSIONS}/status/unknown"), 404)
    assert_json_error(api.get(f"{MISSIONS}/compute/unknown"), 404)
    assert_json_error(api.get("computationlogs/unknown"), 404)


def test_recomputing_starts_a_new_log(api: Api) -> None:
    created = mission(api)
    first = api.get(f"{MISSIONS}/compute/{created['id']}").get_json()["computationLogId"]
    second = api.get(f"{MISSIONS}/compute/{created['id']}").get_json()["computationLogId"]
    assert first != second
    assert api.get(f"{MISSIONS}/{created['id']}").get_json()["computationLogId"] == second
    assert api.get(f"computationlogs/{first}").status_code == 200


def test_every_mission_collection_computes(api: Api) -> None:
    for segment in (spec.segment for spec in COLLECTIONS if spec.mission):
        created = api.create(segment, {"name": "m", "duration": 20.0})
        api.get(f"{segment}/compute/{created['id']}")
        assert api.get(f"{segment}/status/{created['id']}").get_json() == -1
        log_id = api.get(f"{segment}/{created['id']}").get_json()["computationLogId"]
        assert api.get(f"computationlogs/{log_id}").get_json()["results"]["segment"] == segment


def test_compute_until_duration_pauses(api: Api) -> None:
    created = mission(api)
    response = api.post(f"{MISSIONS}/compute_until_duration/{created['id']}", 30)
    assert response.status_code == 200
    log = results_of(api, created["id"])
    assert log["paused"] is True
    assert log["results"]["maneuverReport"]["simulationDuration"] == 30.0


@pytest.mark.parametrize("body", [b'"30"', b"true", b"-5", b"0", b"NaN", b"1e400", b"{}", b""])
def test_compute_until_duration_needs_a_positive_number(api: Api, body: bytes) -> None:
    created = mission(api)
    assert_json_error(api.post(f"{MISSIONS}/compute_until_duration/{created['id']}", body), 400)
    assert "computationLogId" not in api.get(f"{MISSIONS}/{created['id']}").get_json()


def pause(api: Api, mission_id: str, seconds: float) -> dict[str, Any]:
    api.post(f"{MISSIONS}/compute_until_duration/{mission_id}", seconds)
    results: dict[str, Any] = results_of(api, mission_id)["results"]
    return results


def test_a_chain_of_resumed_missions_points_at_its_first_mission(api: Api) -> None:
    first = mission(api, "A")
    paused = pause(api, first["id"], 20)
    response = api.post(f"{MISSIONS}/create_from_results/{first['id']}/B", paused)
    assert response.status_code == 200
    second = response.get_json()
    assert second["displayedName"] == "B"
    assert second["pausedParentMissionId"] == first["id"]
    assert second["start"] == 20
    assert "computationLogId" not in second
    # Its own orbit and spacecraft, stored and embedded, pointing at the first mission too.
    orbit = api.get(f"orbitdefinitions/{second['initialOrbit']['id']}").get_json()
    spacecraft = api.get(f"spacecraftdefinitions/{second['spacecraft']['id']}").get_json()
    assert orbit["name"] == "B - orbit"
    assert orbit["pausedParentMissionId"] == first["id"]
    assert "semiMajorAxis" in orbit  # stored orbits get their derived fields
    assert spacecraft["pausedParentMissionId"] == first["id"]

    paused_again = pause(api, second["id"], 20)
    third = api.post(f"{MISSIONS}/create_from_results/{second['id']}/C", paused_again).get_json()
    assert third["pausedParentMissionId"] == first["id"]
    assert third["start"] == 40


def test_resuming_onto_a_taken_name_stores_nothing(api: Api) -> None:
    first = mission(api, "A")
    mission(api, "taken")
    paused = pause(api, first["id"], 20)
    assert_json_error(api.post(f"{MISSIONS}/create_from_results/{first['id']}/taken", paused), 409)
    assert [m["name"] for m in api.get(MISSIONS).get_json()] == ["A", "taken"]
    assert api.get("spacecraftdefinitions").get_json() == []


def test_resuming_again_under_the_same_name_names_its_objects_apart(api: Api) -> None:
    # A script run twice deletes the resumed mission, not the orbit and spacecraft the first
    # resumption made: the second one must not fail on their names.
    first = mission(api, "A")
    paused = pause(api, first["id"], 20)
    url = f"{MISSIONS}/create_from_results/{first['id']}/B"
    once = api.post(url, paused).get_json()
    api.delete(f"{MISSIONS}/{once['id']}")
    again = api.post(url, paused)
    assert again.status_code == 200, again.get_data(as_text=True)
    names = [s["name"] for s in api.get("spacecraftdefinitions").get_json()]
    assert len(names) == len(set(names)) == 2
    assert again.get_json()["spacecraft"]["name"] in names


def test_resuming_needs_results_and_a_known_mission(api: Api) -> None:
    first = mission(api, "A")
    url = f"{MISSIONS}/create_from_results/{first['id']}/B"
    assert_json_error(api.post(url, [1, 2]), 400)
    body = assert_json_error(api.post(url, {"unrelated": True}), 400)
    assert "ephemerides" in body["message"]
    assert_json_error(api.post(f"{MISSIONS}/create_from_results/nope/B", {}), 404)
    # Only simulation missions can resume.
    other = api.create("deploymentrequests", {"name": "d"})
    assert_json_error(api.post(f"deploymentrequests/create_from_results/{other['id']}/B", {}), 404)


def test_merged_results_cover_the_chain_and_are_stored_as_a_mission(api: Api) -> None:
    first = mission(api, "A")
    second = api.post(
        f"{MISSIONS}/create_from_results/{first['id']}/B", pause(api, first["id"], 20)
    ).get_json()
    third = api.post(
        f"{MISSIONS}/create_from_results/{second['id']}/C", pause(api, second["id"], 20)
    ).get_json()
    api.get(f"{MISSIONS}/compute/{third['id']}")

    response = api.get(f"{MISSIONS}/create_merged_results/{first['id']}")
    assert response.status_code == 200
    merged = response.get_json()
    assert merged["status"] == "FINISHED"
    assert merged["results"]["parts"] == 3
    times = [row[0] for row in merged["results"]["ephemerides"]]
    assert times[0] == 0 and times[-1] == 60

    stored = api.get(MISSIONS).get_json()
    merged_mission = next(m for m in stored if m["name"] == "A - merged")
    assert "pausedParentMissionId" not in merged_mission
    assert merged_mission["computationLogId"] == merged["id"]
    assert api.get(f"{MISSIONS}/status/{merged_mission['id']}").get_json() == -1
    assert results_of(api, merged_mission["id"])["results"] == merged["results"]

    # Merging again updates the same mission; the seed's clean-up deletes the intermediates.
    again = api.get(f"{MISSIONS}/create_merged_results/{first['id']}").get_json()
    assert [m["name"] for m in api.get(MISSIONS).get_json()].count("A - merged") == 1
    assert results_of(api, merged_mission["id"])["id"] == again["id"]
    for segment in (MISSIONS, "orbitdefinitions", "spacecraftdefinitions"):
        for obj in api.get(segment).get_json():
            if obj.get("pausedParentMissionId") == first["id"]:
                assert api.delete(f"{segment}/{obj['id']}").status_code == 200
    assert sorted(m["name"] for m in api.get(MISSIONS).get_json()) == ["A", "A - merged"]
    assert api.get("orbitdefinitions").get_json() == []


def test_merging_waits_for_every_computation(
    slow_app: FakeSpacestudioApp, clock: FakeClock
) -> None:
    api = Api(slow_app, ALICE)
    first = mission(api, "A")
    assert_json_error(api.get(f"{MISSIONS}/create_merged_results/{first['id']}"), 409)
    api.post(f"{MISSIONS}/compute_until_duration/{first['id']}", 20)
    body = assert_json_error(api.get(f"{MISSIONS}/create_merged_results/{first['id']}"), 409)
    assert "still computing" in body["message"]
    clock.advance(10)
    assert api.get(f"{MISSIONS}/create_merged_results/{first['id']}").status_code == 200


def finished_file(api: Api, **fields: Any) -> str:
    created = mission(api, **fields)
    api.get(f"{MISSIONS}/compute/{created['id']}")
    filename: str = results_of(api, created["id"])["results"]["ephemeridesFileName"]
    return filename


def test_gridfs_serves_the_ephemerides_as_csv_json_and_records(api: Api) -> None:
    filename = finished_file(api)
    csv_response = api.get(f"gridfs/ascsv/{filename}")
    assert csv_response.status_code == 200
    assert csv_response.mimetype == "text/csv"
    text = csv_response.get_data(as_text=True)
    assert int(csv_response.headers["Content-Length"]) == len(text.encode())
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["elapsedTime", "semiMajorAxis", "mass"]
    assert len(rows) == 1 + 7
    assert [float(value) for value in rows[2]] == [10.0, 7e6 + 10, 99.9]

    as_json = api.get(f"gridfs/asjson/{filename}").get_json()
    assert as_json["fieldIndexes"] == FIELDS
    assert as_json["ephemerides"][1] == [10, 7e6 + 10, 99.9]

    records = api.get(f"gridfs/csvasjson/{filename}").get_json()
    assert records[1] == {"elapsedTime": 10, "semiMajorAxis": 7e6 + 10, "mass": 99.9}
    assert len(records) == 7


def test_a_long_csv_streams_in_chunks_with_its_length(api: Api) -> None:
    filename = finished_file(api, duration=100_000.0)
    response = api.get(f"gridfs/ascsv/{filename}", buffered=False)
    chunks = list(response.iter_encoded())
    assert len(chunks) > 1
    assert int(response.headers["Content-Length"]) == sum(len(chunk) for chunk in chunks)
    assert b"".join(chunks).count(b"\n") == 1 + 10_001


def test_files_appear_when_the_computation_finishes(
    slow_app: FakeSpacestudioApp, clock: FakeClock
) -> None:
    api = Api(slow_app, ALICE)
    created = mission(api)
    log_id = api.get(f"{MISSIONS}/compute/{created['id']}").get_json()["computationLogId"]
    filename = f"ephemerides-{log_id}"
    assert_json_error(api.get(f"gridfs/ascsv/{filename}"), 404)
    clock.advance(10)
    assert api.get(f"gridfs/ascsv/{filename}").status_code == 200


@pytest.mark.parametrize(
    "trick",
    [
        "../../../etc/passwd",
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e",
        "..",
        "/etc/passwd",
        "%2Fetc%2Fpasswd",
        "file%00.csv",
        "C:%5Cwindows%5Cwin.ini",
        "ephemerides-%2e%2e%2fother",
    ],
)
def test_path_tricks_never_reach_the_file_system(api: Api, trick: str) -> None:
    finished_file(api)
    for kind in ("ascsv", "asjson", "csvasjson"):
        response = api.get(f"{api.base}/gridfs/{kind}/{trick}")
        assert response.status_code in (400, 404), trick
        assert response.mimetype == "application/json"
        assert b"root:" not in response.get_data()


def test_files_are_per_user(app: FakeSpacestudioApp) -> None:
    alice, bob = Api(app, ALICE), Api(app, BOB)
    filename = finished_file(alice)
    assert alice.get(f"gridfs/ascsv/{filename}").status_code == 200
    assert_json_error(bob.get(f"gridfs/ascsv/{filename}"), 404)
    assert_json_error(bob.get(f"{alice.base}/gridfs/ascsv/{filename}"), 403)


def test_the_memory_store_writes_a_results_json_once_for_its_budget_and_every_read(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting a log against the results budget writes its results as JSON; reading the
    log afterwards answers with that same text instead of writing it again."""
    api = Api(make_app(), ALICE)
    created = mission(api)
    written: list[object] = []
    dumps = json.dumps

    def counting_dumps(value: Any, **settings: Any) -> str:
        # The results, alone or as a member (a log's record, an answer's body).
        holders = [value, *value.values()] if isinstance(value, dict) else [value]
        if any(isinstance(item, dict) and "ephemerides" in item for item in holders):
            written.append(value)
        return dumps(value, **settings)

    monkeypatch.setattr(records.json, "dumps", counting_dumps)
    api.get(f"{MISSIONS}/compute/{created['id']}")
    first, second = results_of(api, created["id"]), results_of(api, created["id"])

    assert len(written) == 1
    assert first == second and first["results"]["name"] == "transfer"


@pytest.mark.parametrize(
    "results",
    [None, {}, {"name": 'quote " and \\u00e9 é', "rows": [[1.5, -0.0, 1e300]], "n": None}],
)
def test_a_log_written_once_reads_as_json_dumps_would_write_it(results: Any) -> None:
    log = ComputationLog(
        'l-1', "u-1", MISSIONS, "m-1", 'a "results":"x" name', "compute", 1.5, 2.0, results,
        [{"message": "é"}], True, ("f.csv",),
    )  # fmt: skip
    assert log.to_json() == json.dumps(log.to_record(), separators=(",", ":"))
    assert compact_json({"a": 1, "results": log.results_json}) == json.dumps(
        {"a": 1, "results": results}, separators=(",", ":")
    )
