"""Hostile input to the fake server over real HTTP: whatever arrives, no 5xx, every error
JSON, nothing read from the disk, memory bounded, and the server still up afterwards.

Requests go out over a raw socket so that path tricks (``../``, ``%2e%2e``, encoded
slashes, NUL bytes) reach the server exactly as written; an HTTP library would
normalise them away.  The routes come from the server's own ``/openapi.json``, so a
route added later is fuzzed without touching this file.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_server.compute.constants import MAX_EPHEMERIS_ROWS
from fake_server.oidc import Account

from .conftest import (
    THRUSTER,
    Figures,
    RawUser,
    ServerProcess,
    orbit_body,
    spacecraft_body,
    transfer_body,
    user_flags,
)

ALICE = Account("alice@hostile.test", "alice-hostile-password")
BOB = Account("bob@hostile.test", "bob-hostile-password")
#: Growth of the server's peak memory that the whole hostile session may cause.
MEMORY_BUDGET_KIB = 300 * 1024
#: Content no answer may ever carry: the server must never read files from the disk.
SENTINEL = "spacestudio-reliability-sentinel-7f3a"


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def send_raw(
    url: str,
    method: str,
    target: bytes,
    *,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    timeout: float = 30.0,
) -> Answer | None:
    """Send one request exactly as given; None when the server closed without answering."""
    split = urlsplit(url)
    lines = [
        method.encode("latin-1") + b" " + target + b" HTTP/1.1",
        b"Host: " + split.netloc.encode(),
    ]
    all_headers = {"Connection": "close", **(headers or {})}
    if body or method in ("POST", "PUT"):
        all_headers.setdefault("Content-Length", str(len(body)))
    lines += [f"{name}: {value}".encode("latin-1") for name, value in all_headers.items()]
    request = b"\r\n".join(lines) + b"\r\n\r\n" + body
    with socket.create_connection((split.hostname, split.port), timeout=timeout) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock, method=method)
        try:
            response.begin()
        except (http.client.RemoteDisconnected, ConnectionResetError):
            return None
        content = response.read()
        return Answer(response.status, response.getheader("Content-Type", ""), content)


def assert_well_formed(answer: Answer | None, what: str) -> None:
    """No 5xx; an error is a JSON object saying what went wrong; nothing from the disk."""
    assert answer is not None, f"{what}: the connection closed without an answer"
    assert answer.status < 500, f"{what}: {answer.status} {answer.body[:300]!r}"
    assert SENTINEL.encode() not in answer.body, f"{what}: a file from the disk was served"
    if answer.status >= 400 and not what.startswith("HEAD "):
        assert answer.content_type.startswith("application/json"), (
            f"{what}: {answer.status} answered as {answer.content_type!r}: {answer.body[:200]!r}"
        )
        error = answer.json()
        assert isinstance(error, dict), f"{what}: {error!r}"
        # The API's errors, and Keycloak's OAuth errors on the realm routes.
        said = error.get("message") or error.get("error_description") or error.get("error")
        assert isinstance(said, str) and said, f"{what}: the error says nothing: {error!r}"


@dataclass
class HostileTarget:
    """A running server, its two users and the real ids the fuzz may aim at."""

    server: ServerProcess
    alice: RawUser
    bob: RawUser
    ids: dict[str, str]
    routes: list[tuple[str, tuple[str, ...]]]
    memory_at_start: dict[str, int]
    store: str
    requests_sent: int = 0


@pytest.fixture(scope="module", params=["memory", "sqlite"])
def target(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HostileTarget]:
    """A server process per store backend, with a computed mission and its file."""
    workdir = tmp_path_factory.mktemp(f"hostile-{request.param}")
    # A file the server could only serve by reading the disk through a path trick.
    (workdir / "passwd").write_text(SENTINEL)
    (workdir / "ephemerides-stolen").write_text(SENTINEL)
    state = ["--state", str(workdir / "state.db")] if request.param == "sqlite" else []
    # Started in that directory, so a relative path trick would land on those files.
    server = ServerProcess(*user_flags([ALICE, BOB]), "--compute-seconds", "0", *state, cwd=workdir)
    try:
        alice = RawUser(server.url, server.realm, server.client_id, ALICE)
        bob = RawUser(server.url, server.realm, server.client_id, BOB)
        thruster = alice.create("propulsionsystemdefinitions", THRUSTER)
        spacecraft = alice.create("spacecraftdefinitions", spacecraft_body("sat", thruster))
        orbit = alice.create("orbitdefinitions", orbit_body("SSO-500"))
        mission = alice.create("simulationrequests", transfer_body("raise", orbit, spacecraft))
        assert alice("GET", f"simulationrequests/compute/{mission['id']}").status_code == 200
        log_id = alice("GET", f"simulationrequests/{mission['id']}").json()["computationLogId"]
        results = alice("GET", f"computationlogs/{log_id}").json()["results"]
        bob_orbit = bob.create("orbitdefinitions", orbit_body("bob orbit"))
        document = requests.get(f"{server.url}/openapi.json", timeout=10).json()
        routes = [
            (path, tuple(method.upper() for method in item if method != "parameters"))
            for path, item in document["paths"].items()
            # A reset would wipe the objects the other tests aim at (tested on its own).
            if path != "/__admin/reset"
        ]
        yield HostileTarget(
            server,
            alice,
            bob,
            {
                "orbit": orbit["id"],
                "mission": mission["id"],
                "log": log_id,
                "file": results["ephemeridesFileName"],
                "bob_orbit": bob_orbit["id"],
            },
            routes,
            server.memory_kib(),
            request.param,
        )
    finally:
        server.stop()


# -- strategies -------------------------------------------------------------------------

PATH_TRICKS = [
    "..",
    "../..",
    "../../../../etc/passwd",
    "..%2f..%2fpasswd",
    "%2e%2e",
    "%2e%2e%2f%2e%2e%2fpasswd",
    "%2E%2E%5C%2E%2E%5Cpasswd",
    "%252e%252e%252fpasswd",
    "..%5c..%5cpasswd",
    "%c0%ae%c0%ae%c0%afpasswd",
    "%2fetc%2fpasswd",
    "/etc/passwd",
    "//etc//passwd",
    "C:%5cWindows%5cwin.ini",
    "passwd%00.csv",
    "%00",
    "ephemerides-stolen",
    "....//....//passwd",
    "%ff%fe%fd",
    "~root",
    "%0d%0aSet-Cookie:%20x=1",
    "$(id)",
    "'%20OR%20'1'='1",
    "a" * 5000,
]


def quoted_text() -> st.SearchStrategy[str]:
    return st.text(max_size=40).map(lambda text: quote(text, safe=""))


def json_values() -> st.SearchStrategy[Any]:
    return st.recursive(
        st.none()
        | st.booleans()
        | st.integers(min_value=-(10**30), max_value=10**30)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=30),
        lambda children: (
            st.lists(children, max_size=5)
            | st.dictionaries(st.text(max_size=12), children, max_size=5)
        ),
        max_leaves=30,
    )


FIELDS = [
    "name", "type", "altitude", "inclination", "spacecraft", "initialOrbit", "thruster",
    "ephemeridesStepInSeconds", "maximumDuration", "durationUntilPause", "duration",
    "ephemerides", "fieldIndexes", "pausedState", "earthMeshes", "constellation",
    "numberOfPlanes", "numberOfSpacecraftsPerPlane", "simulationDuration", "pattern", "kind",
]  # fmt: skip


def deep(depth: int, as_object: bool) -> bytes:
    if as_object:
        return b'{"a":' * depth + b"1" + b"}" * depth
    return b"[" * depth + b"]" * depth


bodies = st.one_of(
    st.binary(max_size=300),
    json_values().map(lambda value: json.dumps(value).encode()),
    st.dictionaries(st.sampled_from(FIELDS), json_values(), max_size=8).map(
        lambda value: json.dumps(value).encode()
    ),
    st.builds(deep, st.integers(min_value=10, max_value=5000), st.booleans()),
    st.builds(
        lambda name: json.dumps({"name": name}).encode(), st.text(min_size=200, max_size=400)
    ),
    json_values().map(lambda value: json.dumps({"name": "x", "v": value}).encode()[:-3]),
    st.dictionaries(
        st.sampled_from(["client_id", "grant_type", "username", "password", "refresh_token",
                         "scope", "token"]),
        st.text(max_size=30),
    ).map(lambda form: "&".join(f"{quote(k)}={quote(v)}" for k, v in form.items()).encode()),
)  # fmt: skip
CONTENT_TYPES = [
    "application/json",
    "application/x-www-form-urlencoded",
    "text/plain",
    "multipart/form-data; boundary=xyz",
    "application/json; charset=latin-1",
    None,
]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
PLACEHOLDER = re.compile(r"\{([A-Za-z]+)\}")


@st.composite
def hostile_requests(
    draw: st.DrawFn, target: HostileTarget
) -> tuple[str, bytes, bytes, str | None]:
    path, documented = draw(st.sampled_from(target.routes))
    method = draw(st.sampled_from(documented) | st.sampled_from(METHODS))
    real = [target.ids[name] for name in ("orbit", "mission", "log", "file", "bob_orbit")]

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "userId":
            return draw(
                st.sampled_from([target.bob.user_id] * 3 + [target.alice.user_id, "..", "%2e"])
            )
        if name == "realm":
            return draw(st.sampled_from([target.server.realm] * 3 + ["master", "..", "%2f"]))
        return draw(st.sampled_from(real) | st.sampled_from(PATH_TRICKS) | quoted_text())

    target_path = PLACEHOLDER.sub(fill, path)
    body = draw(bodies) if method in ("POST", "PUT", "PATCH", "DELETE") else b""
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    return method, target_path.encode("latin-1", "replace"), body, content_type


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_every_route_answers_hostile_requests_with_json_4xx(
    target: HostileTarget, data: st.DataObject
) -> None:
    method, path, body, content_type = data.draw(hostile_requests(target))
    headers = {"Authorization": f"Bearer {target.bob.tokens['access_token']}"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    answer = send_raw(target.server.url, method, path, headers=headers, body=body)
    target.requests_sent += 1
    assert_well_formed(answer, f"{method} {path[:200]!r}")
    if answer is not None and answer.status == 201 and path.startswith(b"/__admin/faults"):
        # A fuzzed body that happens to be a valid fault rule must not fault later calls.
        requests.delete(f"{target.server.url}/__admin/faults", timeout=10)


@pytest.mark.parametrize("route", ["ascsv", "asjson", "csvasjson"])
def test_gridfs_file_names_with_path_tricks_never_reach_the_disk(
    target: HostileTarget, route: str
) -> None:
    base = f"/exoops/users/{target.alice.user_id}/gridfs/{route}/"
    headers = {"Authorization": f"Bearer {target.alice.tokens['access_token']}"}
    tricks = [*PATH_TRICKS, "..\x00", "\x00passwd", "%2e%2e/%2e%2e/passwd"]
    statuses: dict[int, int] = {}
    for trick in tricks:
        answer = send_raw(
            target.server.url, "GET", (base + trick).encode("latin-1"), headers=headers
        )
        assert_well_formed(answer, f"GET {route}/{trick[:60]!r}")
        assert answer is not None
        assert answer.status in (400, 404), f"{trick!r} answered {answer.status}"
        statuses[answer.status] = statuses.get(answer.status, 0) + 1
    target.requests_sent += len(tricks)
    # The real file is served; a trick that wraps it is not.
    real = target.ids["file"]
    served = send_raw(target.server.url, "GET", f"{base}{real}".encode(), headers=headers)
    assert served is not None and served.status == 200
    wrapped = send_raw(target.server.url, "GET", f"{base}..%2f{real}".encode(), headers=headers)
    assert wrapped is not None and wrapped.status in (400, 404)
    # Another user's own file name finds nothing: names are looked up per user.
    bob_headers = {"Authorization": f"Bearer {target.bob.tokens['access_token']}"}
    stolen = send_raw(
        target.server.url,
        "GET",
        f"/exoops/users/{target.bob.user_id}/gridfs/{route}/{real}".encode(),
        headers=bob_headers,
    )
    assert stolen is not None and stolen.status == 404
    assert statuses.get(400, 0) > 0  # path tricks are recognised, not just missed


EDGE_BODIES: list[tuple[str, bytes]] = [
    ("empty", b""),
    ("whitespace", b" \r\n\t "),
    ("null", b"null"),
    ("a number", b"42"),
    ("an array", b"[1, 2, 3]"),
    ("a string", b'"orbit"'),
    ("name of the wrong type", b'{"name": 12}'),
    ("name null", b'{"name": null}'),
    ("name an object", b'{"name": {"first": "x"}}'),
    ("name empty", b'{"name": ""}'),
    ("name blank", b'{"name": "   "}'),
    ("name with NUL", b'{"name": "a\\u0000b"}'),
    ("name 257 characters", json.dumps({"name": "n" * 257}).encode()),
    ("name 100000 characters", json.dumps({"name": "n" * 100_000}).encode()),
    ("nested 65 deep", json.dumps({"name": "d", "x": json.loads(deep(64, False))}).encode()),
    ("nested 100000 deep", deep(100_000, False)),
    ("objects nested 50000 deep", deep(50_000, True)),
    ("truncated", b'{"name": "cut", "altitude": 5'),
    ("invalid UTF-8", b'{"name": "\xe9t\xe9"}'),
    ("trailing garbage", b'{"name": "t"} {"name": "u"}'),
    ("NaN", b'{"name": "nan", "altitude": NaN}'),
    ("Infinity", b'{"name": "inf", "altitude": -Infinity}'),
    ("a float that overflows", b'{"name": "big", "altitude": 1e400}'),
    ("an integer of 5000 digits", b'{"name": "long", "altitude": ' + b"9" * 5000 + b"}"),
    ("a lone surrogate in the name", b'{"name": "\\ud800"}'),
    ("a lone surrogate in a key", b'{"name": "key", "\\udfff": 1}'),
    ("a lone surrogate deep inside", b'{"name": "deep", "a": [{"b": "x\\udbff"}]}'),
]


@pytest.mark.parametrize(("case", "body"), EDGE_BODIES, ids=[case for case, _ in EDGE_BODIES])
def test_malformed_bodies_get_a_400_saying_what_is_wrong(
    target: HostileTarget, case: str, body: bytes
) -> None:
    for method, path in (
        ("POST", "orbitdefinitions"),
        ("PUT", f"orbitdefinitions/{target.ids['orbit']}"),
        ("POST", f"simulationrequests/create_from_results/{target.ids['mission']}/resumed"),
    ):
        answer = target.alice(method, path, data=body, headers={"Content-Type": "application/json"})
        target.requests_sent += 1
        assert answer.status_code == 400, (
            f"{case}: {method} {path}: {answer.status_code} {answer.text[:300]}"
        )
        assert answer.headers["Content-Type"].startswith("application/json")
        assert len(answer.json()["message"]) > 15
    # The orbit the PUTs aimed at is as it was, and the listing is still valid JSON.
    listing = target.alice("GET", "orbitdefinitions")
    assert listing.status_code == 200
    json.loads(listing.text, parse_constant=_refuse_constant)
    assert [o["name"] for o in listing.json()] == ["SSO-500"]


def _refuse_constant(name: str) -> None:
    raise AssertionError(f"the server answered the non-JSON constant {name}")


def test_bodies_over_16_mib_are_refused_and_the_largest_accepted_is_harmless(
    target: HostileTarget,
) -> None:
    too_big = b'{"name": "big", "padding": "' + b"x" * (16 * 1024 * 1024) + b'"}'
    answer = target.alice("POST", "payloaddefinitions", data=too_big)
    assert answer.status_code == 413, answer.text[:300]
    assert answer.json()["status"] == 413
    # Just under the limit, and wide: many small fields are the costly shape to parse.
    fields = {f"f{index}": index for index in range(100_000)}
    padding = "p" * (14 * 1024 * 1024)
    near = json.dumps({"name": "wide", "padding": padding, **fields}).encode()
    assert len(near) < 16 * 1024 * 1024
    answer = target.alice("POST", "payloaddefinitions", data=near)
    assert answer.status_code == 200, answer.text[:300]
    assert target.alice("DELETE", f"payloaddefinitions/{answer.json()['id']}").status_code == 200
    target.requests_sent += 3


def nonsense_missions(target: HostileTarget) -> list[tuple[str, str, dict[str, Any]]]:
    orbit = orbit_body("o")
    craft = spacecraft_body("s", THRUSTER)
    transfer = transfer_body("t", orbit, craft)
    keeping = {
        **transfer,
        "type": "LEO Station Keeping",
        "smaTopMargin": 2000.0,
        "smaBottomMargin": 2000.0,
        "duration": 86_400.0,
    }
    mesh = {
        "name": "mesh",
        "southernmostLatitude": -1.5,
        "northernmostLatitude": 1.5,
        "westernmostLongitude": -3.1,
        "easternmostLongitude": 3.1,
        "numberOfLatitudes": 40_000,
        "numberOfLongitudes": 40_000,
    }
    shell = {
        "name": "shell",
        "altitude": 550e3,
        "inclination": 1.0,
        "numberOfPlanes": 1000,
        "numberOfSpacecraftsPerPlane": 1000,
        "deltaRaan": 0.01,
        "interPlanePhasing": 0,
        "payload": {"name": "p", "semiViewAngleCircularDefinition": 0.5},
    }
    constellation = {"name": "c", "homogeneousConstellationGeometries": [shell]}
    sim = "simulationrequests"
    return [
        (sim, "step 0", {**keeping, "ephemeridesStepInSeconds": 0}),
        (sim, "negative step", {**keeping, "ephemeridesStepInSeconds": -60.0}),
        (sim, "step 1e-9 s over a day", {**keeping, "ephemeridesStepInSeconds": 1e-9}),
        (sim, "step 1e-3 s over 30 years", {
            **keeping, "ephemeridesStepInSeconds": 1e-3, "duration": 1e9, "maximumDuration": 1e9,
        }),
        (sim, "one table row too many", {
            **keeping, "ephemeridesStepInSeconds": 86_400.0 / MAX_EPHEMERIS_ROWS,
        }),
        (sim, "duration 1e15 s", {**keeping, "duration": 1e15, "maximumDuration": 1e15}),
        (sim, "strategy design for 1e12 s", {
            **transfer, "type": "Maneuvering Strategy Design", "maximumDuration": 1e12,
        }),
        (sim, "step a string", {**keeping, "ephemeridesStepInSeconds": "fast"}),
        (sim, "step true", {**keeping, "ephemeridesStepInSeconds": True}),
        (sim, "target 1e12 m higher", {**transfer, "deltaSemiMajorAxis": 1e12}),
        (sim, "thrust 1e-300 N", {
            **transfer, "spacecraft": {**craft, "thruster": {**THRUSTER, "thrust": 1e-300}},
        }),
        (sim, "station keeping past the year 9999", {
            **keeping, "duration": 40 * 86_400.0,
            "initialOrbit": {**orbit, "orbitDateTime": "9999-12-31T00:00:00Z"},
        }),
        (sim, "unknown type", {**transfer, "type": "Warp Drive"}),
        (sim, "orbit below the ground", {**transfer, "initialOrbit": orbit_body("low", -1e6)}),
        ("constellationperformanceanalysisrequests", "1.6e9 mesh points for 30 years", {
            "name": "pa", "constellation": constellation, "earthMeshes": [mesh] * 50,
            "simulationDate": "2024-01-01T00:00:00Z", "simulationDuration": 1e9,
            "computeRevisit": True, "threshold": 0.1,
        }),
        ("constellationsimulationrequests", "a million satellites every 1e-6 s", {
            "name": "cs", "constellation": constellation, "simulationDate": "2024-01-01T00:00:00Z",
            "simulationDuration": 3e7, "ephemeridesStepInSeconds": 1e-6,
        }),
        ("parametricstudyrequests", "a sweep of 1e12 combinations", {
            "name": "ps", "parametricOrbit": {
                "altitude": {"min": 3e5, "max": 9e5, "numberOfValues": 10**6},
                "inclination": {"min": 0, "max": 1, "numberOfValues": 10**6},
            },
        }),
        ("deploymentrequests", "10^9 satellites every 1e-6 s", {
            "name": "dp", "numberOfSatellites": 10**9, "maximumDuration": 1e12,
            "ephemeridesStepInSeconds": 1e-6,
        }),
        ("formationflyingsimulationrequests", "step 1e-9 s for 1e12 s", {
            "name": "ff", "initialOrbit": orbit, "maximumDuration": 1e12,
            "ephemeridesStepInSeconds": 1e-9,
        }),
        ("inspectionsimulationrequests", "step 1e-9 s for 1e12 s", {
            "name": "in", "initialOrbit": orbit, "maximumDuration": 1e12,
            "ephemeridesStepInSeconds": 1e-9,
        }),
    ]  # fmt: skip


def test_nonsense_missions_are_refused_fast_without_exhausting_memory(
    target: HostileTarget, figures: Figures
) -> None:
    """Tiny steps over long durations, absurd sizes: each computation ends at once as
    FAILED with a message saying what to change (or the create is a 400)."""
    user = target.alice
    slowest = 0.0
    for number, (segment, case, body) in enumerate(nonsense_missions(target)):
        created = user("POST", segment, json={**body, "name": f"nonsense {number}"})
        assert created.status_code in (200, 400), f"{case}: {created.text[:300]}"
        if created.status_code == 400:
            continue
        mission_id = created.json()["id"]
        started = time.monotonic()
        compute = user("GET", f"{segment}/compute/{mission_id}", timeout=60)
        took = time.monotonic() - started
        slowest = max(slowest, took)
        assert compute.status_code == 200, f"{case}: {compute.text[:300]}"
        log_id = compute.json()["computationLogId"]
        log = user("GET", f"computationlogs/{log_id}").json()
        assert log["status"] == "FAILED", f"{case}: computed anyway in {took:.1f} s"
        message = " ".join(error["message"] for error in log["errors"])
        assert len(message) > 20, f"{case}: {log['errors']}"
        assert "the computation failed" not in message, f"{case}: an engine crash: {message}"
        assert took < 5.0, f"{case}: took {took:.1f} s to refuse"
        target.requests_sent += 3
    memory = target.server.memory_kib()
    figures.record(
        "nonsense missions",
        cases=len(nonsense_missions(target)),
        slowest_refusal_s=round(slowest, 3),
        peak_rss_mib=round(memory["VmHWM"] / 1024, 1),
    )


def test_raw_protocol_garbage_leaves_the_server_up(target: HostileTarget) -> None:
    url = target.server.url
    split = urlsplit(url)
    garbage = [
        b"\x00\x01\x02\x03\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /__admin/health HTTP/1.1\r\n" + b"X-Big: " + b"b" * 70_000 + b"\r\n\r\n",
        b"GET /__admin/health HTTP/1.1\r\n"
        + b"".join(b"X-%d: v\r\n" % i for i in range(200))
        + b"\r\n",
        b"POST /realms/x/protocol/openid-connect/token HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        b"POST /openapi.json HTTP/1.1\r\nContent-Length: 99999999\r\n\r\nshort",
        b"POST /exoops/users/infos HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n",
    ]
    for raw in garbage:
        with socket.create_connection((split.hostname, split.port), timeout=5) as sock:
            try:
                sock.sendall(raw)
                sock.shutdown(socket.SHUT_WR)
                reply = sock.recv(200)
            except (ConnectionResetError, BrokenPipeError, TimeoutError):
                reply = b""
        status_line = reply.split(b"\r\n", 1)[0]
        if status_line.startswith(b"HTTP/"):
            status = int(status_line.split()[1])
            # 505 is the protocol's answer to HTTP/9.9, not a failure of the server.
            assert status < 500 or status == 505, f"{raw[:40]!r}: {status_line!r}"
    target.requests_sent += len(garbage)
    assert target.server.alive()


def test_the_server_is_up_memory_bounded_and_journal_free_of_5xx(
    target: HostileTarget, figures: Figures
) -> None:
    """Runs last in the module (pytest keeps file order): the aftermath of all of it."""
    assert target.server.alive()
    alice = target.alice
    assert alice("GET", "orbitdefinitions").status_code == 200
    journal = requests.get(f"{target.server.url}/__admin/journal", timeout=10).json()
    server_errors = [entry for entry in journal["requests"] if (entry["status"] or 0) >= 500]
    assert server_errors == []
    memory = target.server.memory_kib()
    growth = memory["VmHWM"] - target.memory_at_start["VmHWM"]
    figures.record(
        "hostile input",
        store=target.store,
        requests=target.requests_sent,
        rss_start_mib=round(target.memory_at_start["VmRSS"] / 1024, 1),
        peak_rss_mib=round(memory["VmHWM"] / 1024, 1),
        peak_growth_mib=round(growth / 1024, 1),
    )
    assert growth < MEMORY_BUDGET_KIB, f"peak memory grew by {growth / 1024:.0f} MiB"


#: Peak memory a single computation may take, however large a table it is allowed.
COMPUTATION_MEMORY_BUDGET = 1024**3


def _limit_address_space() -> None:
    # Past the budget (plus the interpreter's own ~0.5 GiB of mappings) allocations fail
    # at once, so a server that would need several GiB fails fast instead of swapping.
    import resource

    limit = COMPUTATION_MEMORY_BUDGET + 512 * 1024**2
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.slow
def test_the_largest_table_accepted_stays_within_a_gibibyte(
    start_server: type[ServerProcess], figures: Figures
) -> None:
    server = start_server("--compute-seconds", "0", preexec=_limit_address_space)
    user = RawUser(server.url, server.realm, server.client_id, _demo_account(server))
    orbit, craft = orbit_body("o"), spacecraft_body("s", THRUSTER)
    rows = MAX_EPHEMERIS_ROWS - 10
    body = {
        **transfer_body("largest", orbit, craft),
        "type": "LEO Station Keeping",
        "smaTopMargin": 2000.0,
        "smaBottomMargin": 2000.0,
        "duration": 86_400.0,
        "ephemeridesStepInSeconds": 86_400.0 / (rows - 1),
    }
    mission = user.create("simulationrequests", body)
    compute = user("GET", f"simulationrequests/compute/{mission['id']}", timeout=600)
    assert compute.status_code == 200, compute.text[:300]
    log = user("GET", f"computationlogs/{compute.json()['computationLogId']}", timeout=600)
    assert log.status_code == 200, log.text[:300]
    described = log.json()
    figures.record(
        "largest table accepted",
        rows=rows,
        answer_mib=round(len(log.content) / 1024**2, 1),
        peak_rss_mib=round(server.memory_kib()["VmHWM"] / 1024, 1),
    )
    assert described["status"] == "FINISHED", described["errors"]
    assert server.memory_kib()["VmHWM"] * 1024 < COMPUTATION_MEMORY_BUDGET


def _demo_account(server: ServerProcess) -> Account:
    return Account(server.env["LOG_MAIL"], server.env["LOG_PASSWORD"])
