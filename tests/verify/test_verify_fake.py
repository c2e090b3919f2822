"""``spacestudio verify-fake``: a cassette recorded against a fake verifies clean against
another; hand-made edits are reported at their JSON path; bad input exits 2.

The session is recorded once per module over real HTTP, against a fake server with
another account, client id and computation time than the fake each check starts, so
every per-server value (tokens, user id, object ids, file names, dates, progress) differs
from what the check's fake issues.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from fake_server.embedded import FakeServer
from fake_server.oidc import Account
from spacestudio import Client
from spacestudio.cassettes import Scrubber, use_cassette
from spacestudio.cli import main
from spacestudio.errors import ConflictError
from spacestudio.verify_fake.replay import OffOrigin, on_origin
from tests.support.samples import HALL_THRUSTER, SMALL_SATELLITE, SSO_600, orbit_raising_mission

RECORDING_ACCOUNT = Account("orbit.engineer@recording.example", "recording-password-4271")
RECORDING_CLIENT = "recording-scripting-client"
ORBITS = "/orbitdefinitions"
LOGS = re.compile(r"/computationlogs/[^/]+\Z")
STATUS = re.compile(r"/status/[^/]+\Z")


def _session(client: Client) -> None:
    """What a mission engineer's script does: build, compute, wait, read, tidy up."""
    simulation = client.simulation
    simulation.orbits.create(SSO_600)
    orbit = simulation.orbits.require("SSO-600")
    with pytest.raises(ConflictError):  # an error answer: compared by status and shape
        simulation.orbits.create(SSO_600)
    simulation.propulsion_systems.create(HALL_THRUSTER)
    thruster = simulation.propulsion_systems.require("HET")
    simulation.spacecrafts.create({**SMALL_SATELLITE, "thruster": thruster})
    spacecraft = simulation.spacecrafts.require("sat")
    simulation.missions.create(orbit_raising_mission(spacecraft, orbit))
    simulation.missions.compute("raise")
    results = simulation.missions.wait_for_results("raise", poll_interval=0.05)["results"]
    client.gridfs.csv_as_json(results["ephemeridesFileName"])
    simulation.orbits.modify(SSO_600, {**SSO_600, "altitude": 650e3})
    simulation.orbits.delete("SSO-600")


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's cassette, recorded against a fake whose computations take 0.4 s."""
    path = tmp_path_factory.mktemp("recorded") / "session.yaml"
    with FakeServer(
        accounts=[RECORDING_ACCOUNT], client_ids=(RECORDING_CLIENT,), compute_seconds=0.4
    ) as server:
        scrubber = Scrubber(
            api_url=server.url,
            auth_url=server.url,
            mail=RECORDING_ACCOUNT.email,
            password=RECORDING_ACCOUNT.password,
            client_id=RECORDING_CLIENT,
        )
        with use_cassette(path, record=True, scrubber=scrubber):
            client = Client(
                server.url,
                RECORDING_ACCOUNT.email,
                RECORDING_ACCOUNT.password,
                RECORDING_CLIENT,
                auth_url=server.url,
                progress=False,
            )
            _session(client)
    return path


@pytest.fixture
def cassette(recording: Path, tmp_path: Path) -> Path:
    """A copy of the recording (with its body files) that a test may edit."""
    copy = tmp_path / recording.name
    shutil.copy(recording, copy)
    bodies = recording.with_name(f"{recording.stem}.bodies")
    if bodies.is_dir():
        shutil.copytree(bodies, tmp_path / bodies.name)
    return copy


def verify(
    capsys: pytest.CaptureFixture[str], cassette: Path | str, *options: str
) -> tuple[int, str, str]:
    """``spacestudio verify-fake CASSETTE OPTIONS…``: (exit status, stdout, stderr)."""
    status = main(["verify-fake", str(cassette), *options])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def verify_json(capsys: pytest.CaptureFixture[str], cassette: Path, *options: str) -> Any:
    status, out, err = verify(capsys, cassette, "--json", *options)
    report = json.loads(out)
    assert status == (0 if report["agrees"] else 1), err
    return report


def differences(report: dict[str, Any]) -> list[tuple[int, str, str]]:
    """(interaction, JSON path, kind) of every difference a JSON report lists."""
    return [
        (interaction["index"], difference["path"], difference["kind"])
        for interaction in report["interactions"]
        for difference in interaction["differences"]
    ]


# -- editing a cassette by hand, as a user would --------------------------------------------


class _PlainDumper(yaml.SafeDumper):
    """Writes a shared object out in full each time, as cassettes hold no YAML aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def write_cassette(cassette: Path, document: Any) -> None:
    cassette.write_text(yaml.dump(document, Dumper=_PlainDumper, sort_keys=False))


def _interactions(cassette: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    document = yaml.safe_load(cassette.read_text())
    return document, document["interactions"]


def _find(interactions: list[dict[str, Any]], method: str, path: re.Pattern[str] | str) -> int:
    """The position of the first interaction of ``method`` whose URI ends as ``path``."""
    for position, interaction in enumerate(interactions):
        request = interaction["request"]
        uri = request["uri"]
        found = path.search(uri) if isinstance(path, re.Pattern) else uri.endswith(path)
        if request["method"] == method and found:
            return position
    raise AssertionError(f"no {method} {path} in the recording")


def edit_answer(
    cassette: Path, method: str, path: re.Pattern[str] | str, change: Callable[[Any], Any]
) -> int:
    """Apply ``change`` to the JSON answer of an interaction (inline or in its body file);
    returns the interaction's number as reports count them (from 1)."""
    document, interactions = _interactions(cassette)
    position = _find(interactions, method, path)
    body = interactions[position]["response"]["body"]
    if "file" in body:
        file = cassette.parent / body["file"]
        file.write_text(json.dumps(change(json.loads(file.read_text()))))
    else:
        body["json"] = json.dumps(change(json.loads(body["json"])), indent=2)
        write_cassette(cassette, document)
    return position + 1


def edit_interaction(
    cassette: Path, method: str, path: str, change: Callable[[dict[str, Any]], None]
) -> int:
    document, interactions = _interactions(cassette)
    position = _find(interactions, method, path)
    change(interactions[position])
    write_cassette(cassette, document)
    return position + 1


def _set(document: Any, path: tuple[str | int, ...], value: Any) -> Any:
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return document


def _get(document: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


CONSUMPTION = ("results", "maneuverReport", "totalConsumption")


def scale_consumption(cassette: Path, factor: float) -> tuple[int, float]:
    """Scale the recorded propellant consumption; (interaction, recorded value before)."""
    before: list[float] = []

    def change(log: Any) -> Any:
        before.append(_get(log, CONSUMPTION))
        return _set(log, CONSUMPTION, before[0] * factor)

    return edit_answer(cassette, "GET", LOGS, change), before[0]


# -- the recording verifies clean -------------------------------------------------------------


def test_the_recording_holds_what_is_per_server(recording: Path) -> None:
    """The clean verification below means something only if the recording's per-server
    values are not the check's: progress values, placeholders, another account."""
    _, interactions = _interactions(recording)
    polls = [
        json.loads(
            interaction["response"]["body"].get("text") or interaction["response"]["body"]["json"]
        )
        for interaction in interactions
        if STATUS.search(interaction["request"]["uri"])
    ]
    assert polls[-1] == -1 and any(value != -1 for value in polls)
    text = recording.read_text()
    assert "00000000-0000-4000-8000-" in text and "user@spacestudio.invalid" in text
    assert any(interaction["response"]["status"]["code"] == 409 for interaction in interactions)


def test_a_cassette_recorded_against_a_fake_verifies_clean(
    capsys: pytest.CaptureFixture[str], cassette: Path
) -> None:
    status, out, err = verify(capsys, cassette)
    assert status == 0, out + err
    assert "the fake agrees:" in out
    assert "0 differ (0 differences)" in out


def test_the_json_report_lists_every_interaction(
    capsys: pytest.CaptureFixture[str], cassette: Path
) -> None:
    report = verify_json(capsys, cassette)
    _, interactions = _interactions(cassette)
    assert report["agrees"] is True
    assert report["summary"]["interactions"] == len(interactions)
    assert report["summary"]["differ"] == 0
    assert [item["index"] for item in report["interactions"]] == list(
        range(1, len(interactions) + 1)
    )
    finished = [
        item for item in report["interactions"] if (item["note"] or "").startswith("waited")
    ]
    progress = [
        item for item in report["interactions"] if (item["note"] or "").startswith("progress")
    ]
    assert len(finished) == 1 and progress
    assert "creationDate" in report["perServer"] and "*Id" in report["identifiers"]


def test_ids_of_another_shape_are_mapped(
    capsys: pytest.CaptureFixture[str], cassette: Path
) -> None:
    """A live recording's ids are not numbered placeholders: UUIDs and 24-hex object ids
    that the fake never issues. Rewritten consistently, the cassette still verifies."""
    files = [cassette, *cassette.with_name(f"{cassette.stem}.bodies").glob("*")]
    placeholders = sorted(
        {
            found
            for file in files
            for found in re.findall(r"00000000-0000-4000-8000-\d{12}", file.read_text())
        }
    )
    assert len(placeholders) >= 6
    live = {
        placeholder: (
            f"{number:08x}-9f3c-4b1e-a6d2-{number * 7919:012x}"
            if number % 2
            else f"65a1f0c2e4b0{number:012x}"  # a MongoDB ObjectId: 24 hex digits
        )
        for number, placeholder in enumerate(placeholders, 11)
    }
    for file in files:
        text = file.read_text()
        for placeholder, value in live.items():
            text = text.replace(placeholder, value)
        file.write_text(text)
    status, out, err = verify(capsys, cassette)
    assert status == 0, out + err


def test_calls_to_other_hosts_are_skipped(
    capsys: pytest.CaptureFixture[str], cassette: Path
) -> None:
    document, interactions = _interactions(cassette)
    other = {**interactions[1], "request": {**interactions[1]["request"]}}
    other["request"]["uri"] = "https://host3.spacestudio.invalid/telemetry/ping"
    interactions.insert(2, other)
    write_cassette(cassette, document)
    status, out, err = verify(capsys, cassette, "--all")
    assert status == 0, out + err
    assert "#3 GET /telemetry/ping  (recorded 200, fake not sent)" in out
    assert "    skipped: not a spacestudio call (host3.spacestudio.invalid)" in out
    assert out.rstrip().endswith("0 differences), 1 skipped; numbers within 1 % or 1e-09")


# -- hand-made edits are reported at their JSON path ----------------------------------------


def test_a_result_figure_changed_by_ten_percent_is_reported(
    capsys: pytest.CaptureFixture[str], cassette: Path
) -> None:
    interaction, before = scale_consumption(cassette, 1.10)
    report = verify_json(capsys, cassette)
    assert differences(report) == [
        (interaction, "$.results.maneuverReport.totalConsumption", "value")
    ]
    [difference] = report["interactions"][interaction - 1]["differences"]
    assert difference["recorded"] == pytest.approx(before * 1.10)
    assert difference["fake"] == pytest.approx(before)
    status, out, _ = verify(capsys, cassette)
    assert status == 1
    assert f"#{interaction} GET " in out
    assert "$.results.maneuverReport.totalConsumption  value: recorded" in out
    assert "9.09 % apart" in out
    assert "1 differ (1 differences)" in out


def test_every_difference_is_counted_and_the_first_ones_shown(
    capsys: pytest.CaptureFixture[str], cassette: Path
) -> None:
    rows: list[list[float]] = []

    def change(log: Any) -> Any:
        rows.extend(log["results"]["ephemerides"])
        for row in rows:
            row[0] += 1e5  # elapsed time, off by more than a day on every row
        return log

    interaction = edit_answer(cassette, "GET", LOGS, change)
    assert len(rows) >= 8
    report = verify_json(capsys, cassette, "--max-differences", "3")
    item = report["interactions"][interaction - 1]
    assert item["differenceCount"] == len(rows)
    assert [difference["path"] for difference in item["differences"]] == [
        f"$.results.ephemerides[{index}][0]" for index in range(3)
    ]
    status, out, _ = verify(capsys, cassette, "--max-differences", "3")
    assert status == 1 and f"… and {len(rows) - 3} more (--max-differences)" in out


def test_a_field_the_fake_lacks_and_one_only_the_fake_has(
    capsys: pytest.CaptureFixture[str], cassette: Path
) -> None:
    def change(orbit: Any) -> Any:
        del orbit["period"]  # the fake answers it: extra
        orbit["argumentOfLatitude"] = 0.25  # the fake does not: missing
        return orbit

    interaction = edit_answer(cassette, "POST", ORBITS, change)
    report = verify_json(capsys, cassette)
    assert sorted(differences(report)) == [
        (interaction, "$.argumentOfLatitude", "missing"),
        (interaction, "$.period", "extra"),
    ]


def test_a_changed_type_and_a_list_length_are_reported(
    capsys: pytest.CaptureFixture[str], cassette: Path
) -> None:
    def change(orbits: Any) -> Any:
        orbits[0]["altitude"] = "600 km"
        return [*orbits, {"name": "ghost"}]

    interaction = edit_answer(cassette, "GET", ORBITS, change)
    report = verify_json(capsys, cassette)
    assert differences(report) == [
        (interaction, "$", "length"),
        (interaction, "$[0].altitude", "type"),
    ]
    status, out, _ = verify(capsys, cassette)
    assert status == 1
    assert '$[0].altitude  type: recorded string "600 km", fake number 600000.0' in out
    assert re.search(r"\n    \$ +length: recorded a list of 2, the fake a list of 1\n", out)


def test_a_changed_status_code_is_reported_with_what_the_fake_said(
    capsys: pytest.CaptureFixture[str], cassette: Path
) -> None:
    def change(interaction: dict[str, Any]) -> None:
        interaction["response"]["status"]["code"] = 201

    interaction = edit_interaction(cassette, "POST", "/propulsionsystemdefinitions", change)
    report = verify_json(capsys, cassette)
    assert differences(report) == [(interaction, "(status)", "status")]
    item = report["interactions"][interaction - 1]
    assert (item["recordedStatus"], item["fakeStatus"]) == (201, 200)


def test_a_status_the_fake_refuses_shows_its_message(
    capsys: pytest.CaptureFixture[str], cassette: Path
) -> None:
    unknown = "00000000-0000-4000-8000-000000000999"

    def change(interaction: dict[str, Any]) -> None:
        request = interaction["request"]
        request["uri"] = LOGS.sub(f"/computationlogs/{unknown}", request["uri"])

    _, interactions = _interactions(cassette)
    path = interactions[_find(interactions, "GET", LOGS)]["request"]["uri"].split("/exoops/")[1]
    interaction = edit_interaction(cassette, "GET", path, change)
    status, out, _ = verify(capsys, cassette)
    assert status == 1
    assert f"#{interaction} GET " in out
    assert (
        f'(status)  status: recorded 200, fake 404: "no computation log with id {unknown}"' in out
    )


def test_an_id_that_points_elsewhere_is_reported(
    capsys: pytest.CaptureFixture[str], cassette: Path
) -> None:
    """Ids are compared by shape, but consistently: the mission's spacecraft must be the
    object the fake created in the spacecraft's place."""
    _, interactions = _interactions(cassette)
    orbit_id = json.loads(
        interactions[_find(interactions, "POST", ORBITS)]["response"]["body"]["json"]
    )["id"]
    interaction = edit_answer(
        cassette,
        "POST",
        "/simulationrequests",
        lambda mission: _set(mission, ("spacecraft", "id"), orbit_id),
    )
    report = verify_json(capsys, cassette)
    assert differences(report) == [(interaction, "$.spacecraft.id", "reference")]


def test_an_error_is_compared_by_status_and_shape_not_wording(
    capsys: pytest.CaptureFixture[str], cassette: Path
) -> None:
    document, interactions = _interactions(cassette)
    position = next(
        index
        for index, interaction in enumerate(interactions)
        if interaction["response"]["status"]["code"] == 409
    )
    body = interactions[position]["response"]["body"]
    error = json.loads(body["json"])
    body["json"] = json.dumps({**error, "message": "An orbit named SSO-600 already exists"})
    write_cassette(cassette, document)
    assert verify(capsys, cassette)[0] == 0
    body["json"] = json.dumps({**error, "message": 409})
    write_cassette(cassette, document)
    report = verify_json(capsys, cassette)
    assert differences(report) == [(position + 1, "$.message", "type")]


# -- tolerances ---------------------------------------------------------------------------------


def test_tolerances_work_both_ways(capsys: pytest.CaptureFixture[str], cassette: Path) -> None:
    scale_consumption(cassette, 1.005)  # 0.5 % off
    assert verify(capsys, cassette)[0] == 0  # within the default 1 %
    assert verify(capsys, cassette, "--rtol", "0.001")[0] == 1
    assert verify(capsys, cassette, "--rtol", "0", "--atol", "1")[0] == 0  # kg: absolute
    assert verify(capsys, cassette, "--rtol", "0", "--atol", "1e-6")[0] == 1
    scale_consumption(cassette, 1.10 / 1.005)  # now 10 % off
    assert verify(capsys, cassette)[0] == 1
    assert verify(capsys, cassette, "--relative-tolerance", "0.2")[0] == 0


def test_ignore_makes_a_place_compared_by_shape_only(
    capsys: pytest.CaptureFixture[str], cassette: Path
) -> None:
    scale_consumption(cassette, 2.0)
    assert verify(capsys, cassette, "--ignore", "totalConsumption")[0] == 0
    assert verify(capsys, cassette, "--ignore", "$.results.maneuverReport.*")[0] == 0
    assert verify(capsys, cassette, "--ignore", "$.results.initialOrbit")[0] == 1
    # Shape is still compared under an ignored place.
    edit_answer(cassette, "GET", LOGS, lambda log: _set(log, CONSUMPTION, "lots"))
    report = verify_json(capsys, cassette, "--ignore", "totalConsumption")
    assert [(path, kind) for _, path, kind in differences(report)] == [
        ("$.results.maneuverReport.totalConsumption", "type")
    ]


# -- status polls, and a running fake ---------------------------------------------------------


def test_a_running_fake_is_waited_for(capsys: pytest.CaptureFixture[str], cassette: Path) -> None:
    with FakeServer(compute_seconds=1.0) as server:
        account = ["--mail", server.account.email, "--password", server.account.password]
        status, out, err = verify(
            capsys,
            cassette,
            "--url",
            server.url,
            *account,
            "--client-id",
            server.client_id,
            "--all",
        )
        assert status == 0, out + err
        waited = float(re.search(r"\(waited (\S+) s for the fake to finish\)", out).group(1))  # type: ignore[union-attr]
        assert 0.5 < waited < 5
        assert "against the fake server at " + server.url in out


def test_a_fake_that_does_not_finish_in_time_is_reported(
    capsys: pytest.CaptureFixture[str], cassette: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeServer(compute_seconds=60) as server:
        monkeypatch.setenv("LOG_MAIL", server.account.email)
        monkeypatch.setenv("LOG_PASSWORD", server.account.password)
        monkeypatch.setenv("CLIENT_ID", server.client_id)
        report = verify_json(capsys, cassette, "--url", server.url, "--timeout", "0.5")
    kinds = [kind for _, _, kind in differences(report)]
    assert kinds[0] == "unfinished"
    assert report["agrees"] is False


# -- unusable input: exit 2 with what is wrong and what to do ---------------------------------


def test_no_such_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, err = verify(capsys, tmp_path / "missing.yaml")
    assert status == 2 and out == ""
    assert f"no cassette at {tmp_path / 'missing.yaml'}" in err
    assert "spacestudio run --cassette" in err and "--record" in err


def test_not_a_cassette(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "notes.yaml").write_text("shopping:\n- milk\n")
    (tmp_path / "empty.yaml").write_text("")
    status, _, err = verify(capsys, tmp_path / "notes.yaml")
    assert status == 2
    assert "not a spacestudio cassette (it must start with 'format: spacestudio-cassette/" in err
    status, _, err = verify(capsys, tmp_path / "empty.yaml")
    assert status == 2 and "is empty" in err
    status, _, err = verify(capsys, tmp_path)
    assert status == 2 and "is a directory, not a cassette" in err


def test_a_cassette_with_no_spacestudio_call(
    capsys: pytest.CaptureFixture[str], cassette: Path
) -> None:
    document, interactions = _interactions(cassette)
    document["interactions"] = [
        {
            **interaction,
            "request": {**interaction["request"], "uri": "https://example.invalid/ping"},
        }
        for interaction in interactions[:2]
    ]
    write_cassette(cassette, document)
    status, _, err = verify(capsys, cassette)
    assert status == 2
    assert "holds no spacestudio call (2 interactions, none under /exoops/ or /realms/)" in err


def test_bad_options_and_an_unreachable_fake(
    capsys: pytest.CaptureFixture[str], cassette: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    status, _, err = verify(capsys, cassette, "--ignore", "$.results[")
    assert status == 2 and "is not closed by ']'" in err
    status, _, err = verify(capsys, cassette, "--rtol", "-1")
    assert status == 2 and "tolerances cannot be negative" in err
    for name in ("LOG_MAIL", "LOG_PASSWORD", "CLIENT_ID"):
        monkeypatch.delenv(name, raising=False)
    status, _, err = verify(capsys, cassette, "--url", "http://127.0.0.1:9")
    assert status == 2 and "--url needs the fake's account" in err
    account = ["--mail", "a@b.c", "--password", "p", "--client-id", "c"]
    status, _, err = verify(capsys, cassette, "--url", "http://127.0.0.1:9", *account)
    assert status == 2 and "no answer from http://127.0.0.1:9" in err
    with FakeServer() as server:
        status, _, err = verify(capsys, cassette, "--url", server.url, *account)
    assert status == 2
    assert "logging in to " in err and "answered 401" in err and "--mail, --password" in err


# -- a hostile cassette: nothing leaves the fake's origin -------------------------------------


@pytest.fixture
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A server on another loopback address that keeps whatever reaches it."""
    received: list[bytes] = []
    server = socket.socket()
    server.bind(("127.0.0.2", 0))
    server.listen()
    server.settimeout(0.1)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(1)
                with contextlib.suppress(OSError):
                    received.append(connection.recv(65536))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"127.0.0.2:{server.getsockname()[1]}", received
    stop.set()
    thread.join()
    server.close()


@pytest.mark.parametrize("shape", ["x:@{host}/internal", "@{host}/internal", "\\\\{host}/internal"])
def test_a_recorded_token_path_cannot_send_the_login_elsewhere(
    capsys: pytest.CaptureFixture[str],
    cassette: Path,
    monkeypatch: pytest.MonkeyPatch,
    listener: tuple[str, list[bytes]],
    shape: str,
) -> None:
    """A cassette from a pull request names a token "path" that, glued to the fake's URL,
    is another host: the login (e-mail and password) must still go to the fake alone."""
    host, received = listener
    document, interactions = _interactions(cassette)
    forged = {**interactions[0], "request": {**interactions[0]["request"]}}
    forged["request"]["uri"] = shape.format(host=host) + "/protocol/openid-connect/token"
    interactions.insert(0, forged)
    write_cassette(cassette, document)
    with FakeServer() as server:
        monkeypatch.setenv("LOG_MAIL", server.account.email)
        monkeypatch.setenv("LOG_PASSWORD", server.account.password)
        monkeypatch.setenv("CLIENT_ID", server.client_id)
        status, out, err = verify(capsys, cassette, "--url", server.url)
    assert received == []
    # Refused at load (not an http URL), or replayed with the login on the fake alone.
    assert status == 0 or (status == 2 and "must be an http or https URL" in err), out + err


@pytest.mark.parametrize(
    "path",
    ["@127.0.0.2:9/x", "127.0.0.2/x", "/\\127.0.0.2/x", "/x\r\nHost: 127.0.0.2", ""],
)
def test_a_url_built_from_a_recorded_path_stays_on_the_origin(path: str) -> None:
    with pytest.raises(OffOrigin):
        on_origin("http://127.0.0.1:8080", path)
    assert on_origin("http://127.0.0.1:8080/base/", "//127.0.0.2/x", "a=1") == (
        "http://127.0.0.1:8080/base//127.0.0.2/x?a=1"
    )


@pytest.fixture(autouse=True)
def _no_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The check's own account must not come from a developer's environment."""
    for name in ("LOG_MAIL", "LOG_PASSWORD", "CLIENT_ID", "LOG_BASE_URL", "SPACESTUDIO_AUTH_URL"):
        monkeypatch.delenv(name, raising=False)
    yield


def test_the_module_imports_the_fake_only_to_start_one() -> None:
    """The client side does not need the fake server installed to import the checker."""
    code = (
        "import sys, spacestudio.verify_fake\n"
        "print([name for name in sys.modules if name.startswith('fake_server')])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
