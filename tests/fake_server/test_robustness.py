"""Whatever a client sends, the answer is JSON and never a server error; writes race safely."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_server.app import FakeSpacestudioApp
from fake_server.config import ServerConfig
from fake_server.oidc import KeyRing
from fake_server.store import MemoryStore, Store

from .conftest import ALICE, Api, AppFactory

# Finite floats only: NaN and Infinity are not JSON and are refused with a 400
# (tests/reliability/test_hostile_input.py covers them).
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=25,
)
objects_with_names = st.dictionaries(
    st.sampled_from(["name", "type", "altitude", "spacecraft", "ephemerides", "fieldIndexes"]),
    json_values,
)
bodies = (
    json_values.map(lambda value: json.dumps(value).encode())
    | objects_with_names.map(lambda value: json.dumps(value).encode())
    | st.binary(max_size=200)
)
ROUTES = [
    ("POST", "orbitdefinitions"),
    ("POST", "simulationrequests"),
    ("PUT", "orbitdefinitions/{orbit}"),
    ("POST", "simulationrequests/compute_until_duration/{mission}"),
    ("POST", "simulationrequests/create_from_results/{mission}/resumed"),
    ("POST", "simulationrequests/create_from_results/{mission}/{name}"),
]


@pytest.fixture(scope="module")
def api(keys: KeyRing) -> Iterator[Api]:
    config = ServerConfig(accounts=(ALICE,), compute_seconds=0.0)
    app = FakeSpacestudioApp.from_config(config, store=MemoryStore(), keys=keys)
    yield Api(app, ALICE)
    app.close()


@pytest.fixture(scope="module")
def ids(api: Api) -> dict[str, str]:
    orbit = api.create("orbitdefinitions", {"name": "target orbit"})
    mission = api.create("simulationrequests", {"name": "target mission"})
    return {"orbit": orbit["id"], "mission": mission["id"]}


def assert_client_error_or_success(response: Any) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code >= 400:
        assert response.mimetype == "application/json"
        assert response.get_json()["status"] == response.status_code


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(route=st.sampled_from(ROUTES), body=bodies, name=st.text(min_size=1, max_size=30))
def test_arbitrary_bodies_never_cause_a_server_error(
    api: Api, ids: dict[str, str], route: tuple[str, str], body: bytes, name: str
) -> None:
    method, template = route
    safe_name = name.replace("/", "_").replace("?", "_").replace("#", "_").replace("%", "_")
    path = template.format(name=safe_name, **ids)
    assert_client_error_or_success(api.call(method, path, body))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=objects_with_names)
def test_arbitrary_missions_compute_or_fail_cleanly(api: Api, body: dict[str, Any]) -> None:
    body["name"] = f"mission {len(api.get('simulationrequests').get_json())}"
    mission = api.create("simulationrequests", body)
    assert api.get(f"simulationrequests/compute/{mission['id']}").status_code == 200
    assert api.get(f"simulationrequests/status/{mission['id']}").get_json() == -1
    log_id = api.get(f"simulationrequests/{mission['id']}").get_json()["computationLogId"]
    log = api.get(f"computationlogs/{log_id}").get_json()
    assert log["status"] in ("FINISHED", "FAILED")
    assert log["status"] == "FINISHED" or log["errors"]


def test_concurrent_creates_of_one_name_store_it_once(make_app: AppFactory, store: Store) -> None:
    api = Api(make_app(store), ALICE)
    statuses: list[int] = []
    lock = threading.Lock()

    def create() -> None:
        response = api.post("payloaddefinitions", {"name": "contested"})
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=create) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [409] * 15
    assert [o["name"] for o in api.get("payloaddefinitions").get_json()] == ["contested"]
