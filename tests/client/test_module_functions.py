"""The 210 functions of the published client: present, well-formed, and each family's HTTP."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import pytest
import responses

import spacestudio
from spacestudio._codegen.render import COMMAND, GENERATED_HEADER, PACKAGE_DIR, generated_files
from spacestudio.errors import NotFoundError
from spacestudio_contract.catalog import COLLECTIONS

from .conftest import USER_URL, MockService

REPOSITORY = Path(__file__).resolve().parents[2]
NAMES_FILE = REPOSITORY / "tests" / "data" / "function-names.txt"


def _published_functions() -> list[tuple[str, str, list[str]]]:
    entries = []
    for line in NAMES_FILE.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        qualified, _, params = line.rstrip(")").partition("(")
        module, _, name = qualified.partition(".")
        entries.append((module, name, [p.strip() for p in params.split(",") if p.strip()]))
    return entries


PUBLISHED = _published_functions()


def test_the_list_holds_all_210_functions() -> None:
    assert len(PUBLISHED) == 210


@pytest.mark.parametrize(
    ("module", "name", "params"), PUBLISHED, ids=[f"{m}.{n}" for m, n, _ in PUBLISHED]
)
def test_function_exists_with_the_published_parameters(
    module: str, name: str, params: list[str]
) -> None:
    owner = spacestudio if module == "spacestudio" else getattr(spacestudio, module)
    function = getattr(owner, name)
    parameters = list(inspect.signature(function).parameters.values())
    positional = [p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
    assert positional == params
    # Anything this client adds is keyword-only with a default, so old calls still bind.
    extra = [p for p in parameters if p.kind is not p.POSITIONAL_OR_KEYWORD]
    assert all(p.kind is p.KEYWORD_ONLY and p.default is not p.empty for p in extra)


def test_seed_modules_offer_exactly_the_published_functions() -> None:
    for module in {m for m, _, _ in PUBLISHED if m != "spacestudio"}:
        published = [name for m, name, _ in PUBLISHED if m == module]
        offered = getattr(spacestudio, module).__all__
        assert sorted(offered) == sorted(published), module


def test_generated_functions_look_like_written_ones() -> None:
    function = spacestudio.constellation.get_performance_analysis_mission_id
    assert function.__name__ == "get_performance_analysis_mission_id"
    assert function.__qualname__ == "get_performance_analysis_mission_id"
    assert function.__module__ == "spacestudio.constellation"
    assert "constellationperformanceanalysisrequests" in (function.__doc__ or "")
    assert "get_orbit" in dir(spacestudio.simulation)
    assert "get_all_points_of_interests" in dir(spacestudio.constellation)
    assert "create_orbit(body: dict[str, typing.Any]) -> Any" in _help_of(
        spacestudio.simulation.create_orbit
    )


def _help_of(function: object) -> str:
    import pydoc

    return pydoc.render_doc(function, renderer=pydoc.plaintext)  # type: ignore[attr-defined]


def test_a_wrong_call_raises_typeerror_naming_the_problem() -> None:
    # Python's own words, naming the function, as for the published client's plain defs.
    message = r"modify_orbit\(\) missing 1 required positional argument: 'new_orbit'"
    with pytest.raises(TypeError, match=message):
        spacestudio.simulation.modify_orbit({"name": "x"})  # type: ignore[call-arg]


def test_committed_modules_are_what_the_catalog_generates() -> None:
    files = generated_files()
    for path, text in files.items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run {COMMAND}"


def test_each_function_is_written_source() -> None:
    for module, name, params in PUBLISHED:
        if module in ("spacestudio", "gridfs"):
            continue
        function = getattr(importlib.import_module(f"spacestudio.{module}"), name)
        source = inspect.getsource(function)
        assert source.startswith(f"def {name}("), f"{module}.{name}"  # no wrapper around it
        assert "carry_on_or_raise(" in source and f'"{module}.{name}"' in source  # error flow
        assert f"def {name}(" in source
        for param in params:
            assert f"{param}: " in source
        assert f"default_client().{module}." in source  # the object API, typed


def test_generated_modules_are_whole_and_say_how_they_are_made() -> None:
    files = generated_files()
    assert {path.name for path in files} == {
        *(f"{module}.py" for module in {spec.module for spec in COLLECTIONS}),
        "namespaces.py",
    }
    for path, text in files.items():
        assert text.startswith(GENERATED_HEADER + "\n"), path.name
        assert COMMAND in text.split('"""')[1], path.name
        assert "type: ignore" not in text, path.name


def test_mypy_checks_the_generated_modules_strictly() -> None:
    config = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["tool"]["mypy"]
    assert config["strict"] is True and "exclude" not in config
    for path in generated_files():
        relative = path.relative_to(REPOSITORY)
        assert any(relative.is_relative_to(entry) for entry in config["files"]), relative
    # No override loosens the client's modules, generated or not.
    for override in config.get("overrides", []):
        assert not any(module.startswith("spacestudio") for module in override["module"])


def test_mypy_reports_a_type_error_in_a_generated_function(tmp_path: Path) -> None:
    source = (PACKAGE_DIR / "deployment.py").read_text(encoding="utf-8")
    # A collection method renamed, and an answer that is not what the function declares.
    broken = source.replace(".launches.get(launch)", ".launches.find(launch)").replace(
        "def get_all_launches() -> list[dict[str, Any]]:", "def get_all_launches() -> int:"
    )
    assert broken.count("find(") == 1 and "-> int:" in broken
    (tmp_path / "deployment_copy.py").write_text(broken, encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable, "-m", "mypy", "--config-file", str(REPOSITORY / "pyproject.toml"),
            "--cache-dir", str(tmp_path / "cache"), str(tmp_path / "deployment_copy.py"),
        ],
        cwd=REPOSITORY, env={**os.environ, "MYPYPATH": str(REPOSITORY)},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert '"Collection" has no attribute "find"' in done.stdout, done.stdout + done.stderr
    assert 'Incompatible return value type (got "list[dict[str, Any]]", expected "int")' in (
        done.stdout
    )


# -- each family over HTTP, through the default client -------------------------------------

ANTENNAS = f"{USER_URL}antennadefinitions"
ORBITS = f"{USER_URL}orbitdefinitions"
MISSIONS = f"{USER_URL}simulationrequests"
RESULTS = f"{USER_URL}computationlogs"
ORBIT = {"id": "o-1", "displayedName": "SSO-600", "name": "SSO-600", "altitude": 600e3}
MISSION = {"id": "m-1", "displayedName": "transfer", "computationLogId": "log-1"}
RESULT = {"results": {"name": "transfer", "finalOrbit": ORBIT}, "errors": []}


@pytest.fixture
def connected(service: MockService) -> MockService:
    service.connect()
    return service


def test_get_finds_by_displayed_name_or_returns_none(connected: MockService) -> None:
    other = {"id": "o-2", "displayedName": "other"}
    connected.rsps.add(responses.GET, ORBITS, json=[other, ORBIT])
    assert spacestudio.simulation.get_orbit("SSO-600") == ORBIT
    assert spacestudio.simulation.get_orbit("absent") is None
    assert spacestudio.simulation.get_all_orbits() == [other, ORBIT]
    assert spacestudio.get_object("SSO-600", ORBITS) == ORBIT
    assert spacestudio.loop_through_object("other", [other, ORBIT]) == other
    assert spacestudio.loop_through_object("other", None) is None


def _client_modules_entered(call: Callable[[], object]) -> list[str]:
    """The client's modules whose functions ``call`` enters, in the order first entered."""
    entered: list[str] = []

    def record(frame: FrameType, event: str, _: object) -> None:
        module = str(frame.f_globals.get("__name__", ""))
        if event == "call" and module.startswith("spacestudio") and module not in entered:
            entered.append(module)

    sys.setprofile(record)
    try:
        call()
    finally:
        sys.setprofile(None)
    return entered


def test_a_call_goes_from_its_function_through_the_object_api_to_the_transport(
    connected: MockService,
) -> None:
    connected.rsps.add(responses.GET, ORBITS, json=[ORBIT])
    entered = _client_modules_entered(lambda: spacestudio.simulation.get_orbit("SSO-600"))
    # docs/architecture.md gives this path; the error flow is entered only after an error.
    assert entered == [
        "spacestudio.simulation",
        "spacestudio.client",
        "spacestudio.resources",
        "spacestudio.transport",
        "spacestudio.auth",
        "spacestudio.answers",
    ]


def test_create_posts_json_and_returns_the_stored_object(connected: MockService) -> None:
    connected.rsps.add(responses.POST, ORBITS, json=ORBIT)
    assert spacestudio.simulation.create_orbit({"name": "SSO-600"}) == ORBIT
    request = connected.calls_to(ORBITS, "POST")[0].request
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body) == {"name": "SSO-600"}


def test_modify_finds_the_old_name_then_puts_the_new_body(connected: MockService) -> None:
    connected.rsps.add(responses.GET, ORBITS, json=[ORBIT])
    connected.rsps.add(responses.PUT, f"{ORBITS}/o-1", json={**ORBIT, "altitude": 700e3})
    spacestudio.simulation.modify_orbit({"name": "SSO-600"}, {"name": "SSO-600", "altitude": 7e5})
    put = connected.calls_to(f"{ORBITS}/o-1", "PUT")[0].request
    assert json.loads(put.body) == {"name": "SSO-600", "altitude": 7e5}
    with pytest.raises(NotFoundError, match="no orbit named 'absent'"):
        spacestudio.simulation.modify_orbit({"name": "absent"}, {})


def test_delete_uses_the_collection_of_its_kind_and_ignores_missing(
    connected: MockService,
) -> None:
    antenna = {"id": "a-1", "displayedName": "S-band"}
    connected.rsps.add(responses.GET, ANTENNAS, json=[antenna])
    connected.rsps.add(responses.DELETE, f"{ANTENNAS}/a-1")
    spacestudio.simulation.delete_antenna("S-band")
    assert len(connected.calls_to(f"{ANTENNAS}/a-1", "DELETE")) == 1
    assert connected.calls_to(MISSIONS) == []  # the published client's wrong URL

    spacestudio.simulation.delete_antenna("absent")
    assert len([c for c in connected.rsps.calls if c.request.method == "DELETE"]) == 1


def test_every_function_reaches_its_own_collection(connected: MockService) -> None:
    # get_* of every collection lists exactly its own segment.
    for spec in COLLECTIONS:
        url = f"{USER_URL}{spec.segment}"
        connected.rsps.add(responses.GET, url, json=[{"id": "x", "displayedName": spec.stem}])
        module = importlib.import_module(f"spacestudio.{spec.module}")
        found = getattr(module, f"get_{spec.stem}")(spec.stem)
        assert found == {"id": "x", "displayedName": spec.stem}
        assert connected.calls_to(url), spec.segment


def test_compute_results_and_wait(connected: MockService) -> None:
    connected.rsps.add(responses.GET, MISSIONS, json=[MISSION])
    connected.rsps.add(responses.GET, f"{MISSIONS}/compute/m-1", json={"computationLogId": "log-1"})
    connected.rsps.add(responses.GET, f"{MISSIONS}/status/m-1", json=0)
    connected.rsps.add(responses.GET, f"{MISSIONS}/status/m-1", json=42.5)
    connected.rsps.add(responses.GET, f"{MISSIONS}/status/m-1", json=-1)
    connected.rsps.add(responses.GET, f"{RESULTS}/log-1", json=RESULT)

    spacestudio.simulation.compute_mission("transfer")
    assert spacestudio.simulation.get_mission_id("transfer") == "m-1"
    assert spacestudio.simulation.wait_and_get_mission_results("transfer") == RESULT
    assert len(connected.calls_to(f"{MISSIONS}/status/m-1")) == 3
    assert connected.sleeps == [1.0, 1.0]  # the published client's one second
    assert spacestudio.simulation.get_mission_results("transfer") == RESULT


def test_computation_errors_are_returned_and_logged(
    connected: MockService, caplog: pytest.LogCaptureFixture
) -> None:
    failed = {"results": None, "errors": [{"message": "spacecraft has no thruster"}]}
    connected.rsps.add(responses.GET, MISSIONS, json=[MISSION])
    connected.rsps.add(responses.GET, f"{RESULTS}/log-1", json=failed)
    assert spacestudio.simulation.get_mission_results("transfer") == failed
    assert "spacecraft has no thruster" in caplog.text
    assert caplog.records[-1].levelname == "WARNING"


def test_results_of_a_mission_never_computed_say_so(connected: MockService) -> None:
    connected.rsps.add(responses.GET, MISSIONS, json=[{"id": "m-2", "displayedName": "new"}])
    with pytest.raises(NotFoundError, match="has no results yet"):
        spacestudio.simulation.get_mission_results("new")


def test_wait_gives_up_after_the_timeout(connected: MockService) -> None:
    client = spacestudio.default_client()
    connected.rsps.add(responses.GET, MISSIONS, json=[MISSION])
    connected.rsps.add(responses.GET, f"{MISSIONS}/status/m-1", json=10)
    with pytest.raises(spacestudio.ComputationTimeoutError, match="still computing after 3 s"):
        client.simulation.missions.wait_for_results("transfer", poll_interval=0.5, timeout=3)
    assert connected.sleeps == [0.5] * 6


def test_progress_bar_shows_on_request_and_stays_quiet_otherwise(
    connected: MockService, capsys: pytest.CaptureFixture[str]
) -> None:
    client = spacestudio.default_client()
    connected.rsps.add(responses.GET, MISSIONS, json=[MISSION])
    connected.rsps.add(responses.GET, f"{MISSIONS}/status/m-1", json=50)
    connected.rsps.add(responses.GET, f"{MISSIONS}/status/m-1", json=-1)
    connected.rsps.add(responses.GET, f"{RESULTS}/log-1", json=RESULT)

    client.simulation.missions.wait_for_results("transfer", progress=True)
    shown = capsys.readouterr().err
    assert "Computing simulation mission 'transfer'" in shown and "50%" in shown
    assert "simulation mission 'transfer': computed, after waiting 00:00" in shown

    connected.rsps.add(responses.GET, f"{MISSIONS}/status/m-1", json=-1)
    client.simulation.missions.wait_for_results("transfer")  # stderr is no terminal here
    assert capsys.readouterr().err == ""


def test_compute_until_duration_posts_the_number(connected: MockService) -> None:
    connected.rsps.add(responses.GET, MISSIONS, json=[MISSION])
    url = f"{MISSIONS}/compute_until_duration/m-1"
    connected.rsps.add(responses.POST, url, json={"computationLogId": "log-2"})
    spacestudio.simulation.compute_mission_until_duration("transfer", 86400)
    assert connected.calls_to(url, "POST")[0].request.body == b"86400"


def test_resume_from_paused_results_and_merge(connected: MockService) -> None:
    connected.rsps.add(responses.GET, MISSIONS, json=[MISSION])
    connected.rsps.add(responses.GET, f"{RESULTS}/log-1", json=RESULT)
    resume_url = f"{MISSIONS}/create_from_results/m-1/transfer%20part%202"
    connected.rsps.add(responses.POST, resume_url, json={"id": "m-3"})
    merged = {"results": {"name": "transfer - merged"}, "errors": []}
    connected.rsps.add(responses.GET, f"{MISSIONS}/create_merged_results/m-1", json=merged)

    spacestudio.simulation.create_mission_from_paused_results("transfer", "transfer part 2")
    body = connected.calls_to(resume_url, "POST")[0].request.body
    assert json.loads(body) == RESULT["results"]
    assert spacestudio.simulation.get_paused_mission_results_merged("transfer") == merged


def test_delete_intermediate_objects_spans_objects_and_missions(connected: MockService) -> None:
    child_orbit = {"id": "o-7", "displayedName": "o", "pausedParentMissionId": "m-1"}
    child_mission = {"id": "m-7", "displayedName": "t2", "pausedParentMissionId": "m-1"}
    unrelated = {"id": "m-8", "displayedName": "t3", "pausedParentMissionId": "m-9"}
    for spec in COLLECTIONS:
        if spec.module == "simulation" and not spec.mission:
            listing = [ORBIT, child_orbit] if spec.stem == "orbit" else []
            connected.rsps.add(responses.GET, f"{USER_URL}{spec.segment}", json=listing)
    connected.rsps.add(responses.GET, MISSIONS, json=[MISSION, child_mission, unrelated])
    connected.rsps.add(responses.DELETE, f"{ORBITS}/o-7")
    connected.rsps.add(responses.DELETE, f"{MISSIONS}/m-7")

    spacestudio.simulation.delete_intermediate_objects_from_mission("transfer")
    deleted = [str(c.request.url) for c in connected.rsps.calls if c.request.method == "DELETE"]
    assert sorted(deleted) == [f"{ORBITS}/o-7", f"{MISSIONS}/m-7"]


def test_url_level_helpers_of_the_published_client(connected: MockService) -> None:
    assert spacestudio.build_user_url("https://h", "u-1") == "https://h/exoops/users/u-1/"
    assert spacestudio.format_base_url("https://h/") == "https://h"
    assert spacestudio.format_base_url("https://h") == "https://h"
    assert spacestudio.get_user_id() == "5f0c1d2e-0000-4000-8000-000000000001"
    token = spacestudio.get_jwt_token()
    assert spacestudio.get_headers() == {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {token}",
    }
    connected.rsps.add(responses.PUT, f"{ORBITS}/o-1", json=ORBIT)
    assert spacestudio.put_request(ORBITS, "o-1", ORBIT) == ORBIT
    connected.rsps.add(responses.DELETE, f"{ORBITS}/o-1")
    spacestudio.delete_request(ORBITS, "o-1")
    connected.rsps.add(responses.GET, f"{MISSIONS}/status/m-1", json=-1)
    assert spacestudio.get_status(f"{MISSIONS}/status/m-1") == -1
    connected.rsps.add(responses.GET, MISSIONS, json=[MISSION])
    connected.rsps.add(responses.GET, f"{RESULTS}/log-1", json=RESULT)
    assert spacestudio.get_mission_results_from_url("transfer", MISSIONS, f"{RESULTS}/") == RESULT
    streamed = spacestudio.get_request(MISSIONS, stream=True)
    assert spacestudio.handle_response(streamed) == [MISSION]
