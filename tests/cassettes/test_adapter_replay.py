"""A pure replay answers ``requests`` at its adapter exactly as vcrpy's connection would.

Each recorded call is replayed twice, through the adapter-level replay and through
vcrpy's patched urllib3 connection alone, at URLs of many shapes; the responses, the
requests looked up, the play counts and the refusals must be the same, and urllib3's
pool must not be reached where the adapter answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import urllib3.connectionpool

from spacestudio.cassettes import CassetteMismatchError, use_cassette, vcr_seam
from spacestudio.cassettes.cassette import SpacestudioCassette
from tests.cassettes.backend import MiniBackend

#: Bases a replay is sent to: hosts and ports never matter to a match, but they are in
#: the URI vcrpy looks up, which both paths must build alike.
BASES = [
    "http://service.example",
    "http://service.example:80",
    "https://service.example:443",
    "https://SERVICE.example.:8443",
    "http://[::1]",
    "http://[::1]:8080",
]


def sent_as_is(http: requests.Session, url: str) -> requests.Response:
    """GET ``url`` without requests' quoting: the target reaches urllib3 as written."""
    prepared = http.prepare_request(requests.Request("GET", url))
    prepared.url = url
    return http.send(prepared)


def calls(base: str, backend: MiniBackend, unquoted: str = "") -> list[requests.Response]:
    """The calls replayed: a login, JSON and form bodies, a str body, an empty one, query
    strings, non-ASCII and percent-encoded paths, identical polls, and cookies set; and
    a GET of the path ``unquoted`` exactly as written, if given."""
    http, users = backend.log_in(base)
    answers: list[requests.Response] = []
    created = http.post(f"{users}/orbitdefinitions", json={"name": "low orbit"})
    item = created.json()["id"]
    answers.append(created)
    answers.append(http.get(f"{users}/orbitdefinitions/status/{item}"))
    answers.append(http.get(f"{users}/orbitdefinitions/status/{item}"))  # the next recording
    answers.append(http.get(f"{users}/orbitdefinitions", params={"page": 2, "q": "a b/é"}))
    answers.append(http.get(f"{users}/caf\u00e9"))
    answers.append(http.get(f"{users}/a%20b"))
    answers.append(http.post(f"{users}/echo", data="plain text, é"))
    answers.append(http.post(f"{users}/echo", data=b""))
    answers.append(http.get(f"{users}/echo?token=x&empty="))
    answers.append(http.get(f"{users}/zipped"))
    if unquoted:
        answers.append(sent_as_is(http, f"{users}/{unquoted}"))
    return answers


def described(response: requests.Response) -> dict[str, Any]:
    """Everything of a response a caller can see."""
    return {
        "status": response.status_code,
        "reason": response.reason,
        "headers": list(response.headers.items()),
        "content": response.content,
        "encoding": response.encoding,
        "cookies": sorted(response.cookies.items()),
        "url": response.url,
        "history": [described(earlier) for earlier in response.history],
        "raw": type(response.raw).__name__,
    }


@pytest.fixture
def recorded(backend: MiniBackend, tmp_path: Path) -> Path:
    path = tmp_path / "shapes.yaml"
    with use_cassette(path, record=True, scrubber=backend.scrubber()):
        calls(backend.url, backend)
    return path


@pytest.fixture
def looked_up(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """The requests the cassette played answers for, as vcrpy's ``Request`` holds them."""
    seen: list[tuple[Any, ...]] = []
    play = SpacestudioCassette.play_response

    def noted(cassette: SpacestudioCassette, request: Any) -> Any:
        seen.append((request.method, request.uri, request.body, dict(request.headers)))
        return play(cassette, request)

    monkeypatch.setattr(SpacestudioCassette, "play_response", noted)
    return seen


@pytest.fixture
def pool_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The targets urllib3's connection pools were asked to send."""
    targets: list[str] = []
    urlopen = urllib3.connectionpool.HTTPConnectionPool.urlopen

    def counted(pool: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        targets.append(url)
        return urlopen(pool, method, url, *args, **kwargs)

    monkeypatch.setattr(urllib3.connectionpool.HTTPConnectionPool, "urlopen", counted)
    return targets


def vcrpy_path_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Replay through vcrpy's patched connection alone (the adapter is left as it is)."""
    with monkeypatch.context() as patch:
        patch.setattr(vcr_seam, "replaying_send", lambda cassette, send: send)
        yield


def replayed(
    path: Path, replay: Callable[[], list[requests.Response]]
) -> tuple[list[dict[str, Any]], int]:
    with use_cassette(path) as session:
        answers = [described(response) for response in replay()]
    return answers, session.played


@pytest.mark.parametrize("base", BASES)
def test_the_adapter_answers_as_vcrpy_would_without_urllib3(
    recorded: Path,
    base: str,
    monkeypatch: pytest.MonkeyPatch,
    looked_up: list[tuple[Any, ...]],
    pool_calls: list[str],
) -> None:
    backend = MiniBackend()
    fast, fast_played = replayed(recorded, lambda: calls(base, backend))
    fast_lookups = list(looked_up)
    assert pool_calls == []  # every call was answered at the adapter
    looked_up.clear()
    for _ in vcrpy_path_only(monkeypatch):
        slow, slow_played = replayed(recorded, lambda: calls(base, backend))
    assert pool_calls  # the comparison really went through urllib3
    assert fast == slow
    assert fast_lookups == looked_up
    assert fast_played == slow_played == len(fast_lookups)
    polls = [answer["content"] for answer in fast[1:3]]
    assert polls[0] != polls[1]  # a second identical poll got the next recording


def test_a_target_urllib3_would_re_encode_goes_through_vcrpy_and_answers_alike(
    backend: MiniBackend,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    looked_up: list[tuple[Any, ...]],
    pool_calls: list[str],
) -> None:
    path = tmp_path / "brackets.yaml"
    with use_cassette(path, record=True, scrubber=backend.scrubber()):
        calls(backend.url, backend, unquoted="a[1]")
    pool_calls.clear()
    fast, _ = replayed(path, lambda: calls("http://service.example", backend, "a[1]"))
    # Only the target urllib3 percent-encodes (its brackets) reached a pool.
    assert [target.rsplit("/", 1)[1] for target in pool_calls] == ["a[1]"]
    fast_lookups = list(looked_up)
    looked_up.clear()
    for _ in vcrpy_path_only(monkeypatch):
        slow, _ = replayed(path, lambda: calls("http://service.example", backend, "a[1]"))
    assert fast == slow
    assert fast_lookups == looked_up


def test_a_refused_request_is_explained_alike(
    recorded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = MiniBackend()

    def refused() -> str:
        with pytest.raises(CassetteMismatchError) as raised, use_cassette(recorded):
            calls("http://service.example", backend)
            requests.get("http://service.example/exoops/users/u/never-recorded")
        return str(raised.value)

    fast = refused()
    for _ in vcrpy_path_only(monkeypatch):
        slow = refused()
    assert fast == slow
    assert "never-recorded" in fast


def test_recording_and_streaming_still_go_through_vcrpy(
    backend: MiniBackend, recorded: Path, pool_calls: list[str]
) -> None:
    with use_cassette(recorded):
        http, users = MiniBackend().log_in("http://service.example")
        streamed = http.post(f"{users}/orbitdefinitions", json={"name": "low orbit"}, stream=True)
        assert streamed.json()["name"] == "low orbit"
    assert len(pool_calls) == 1
    with use_cassette(recorded, record_mode="new_episodes", scrubber=backend.scrubber()):
        calls(backend.url, backend)
    assert len(pool_calls) > 1


def test_the_adapter_chooses_a_pool_once_per_host_and_settings(
    recorded: Path, monkeypatch: pytest.MonkeyPatch, pool_calls: list[str]
) -> None:
    chosen: list[str] = []
    choose = requests.adapters.HTTPAdapter.get_connection_with_tls_context

    def counted(adapter: Any, request: Any, verify: Any, *args: Any, **kwargs: Any) -> Any:
        chosen.append(request.url.split("/")[2])
        return choose(adapter, request, verify, *args, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "get_connection_with_tls_context", counted)
    with use_cassette(recorded):
        answers = calls("http://service.example", MiniBackend())
    assert pool_calls == []
    assert len(answers) > 1
    assert chosen == ["service.example"]  # asked once, the first time
