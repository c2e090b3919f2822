"""Playback finds each request's answer among few recordings, in recorded order.

A replay compares a request only with the unplayed recordings of its method and path
(:mod:`spacestudio.cassettes.playback`); these tests check that what it answers is what
comparing with every recording would answer, and that the work per request stays
bounded however long the cassette is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from vcr.errors import UnhandledHTTPRequestError
from vcr.record_mode import RecordMode as VcrRecordMode
from vcr.request import Request

from spacestudio.cassettes import CassetteMismatchError, use_cassette
from spacestudio.cassettes.cassette import SpacestudioCassette
from spacestudio.cassettes.matching import MATCHERS, request_key
from spacestudio.cassettes.playback import PlaybackIndex, group_by_key
from tests.cassettes.backend import MiniBackend


def two_computations_polled_in_turn(base: str, backend: MiniBackend) -> list[Any]:
    """Two objects polled until done, in turn, with other calls between the polls."""
    http, users = backend.log_in(base)
    ids = {
        name: http.post(f"{users}/orbitdefinitions", json={"name": name}).json()["id"]
        for name in ("first", "second")
    }
    seen: list[Any] = []
    done: set[str] = set()
    while len(done) < len(ids):
        for name, item in ids.items():
            if name in done:
                continue
            status = http.get(f"{users}/orbitdefinitions/status/{item}").json()
            seen.append((name, status))
            if status == -1:
                done.add(name)
            # Calls between the polls, some identical to each other as well.
            seen.append(len(http.get(f"{users}/orbitdefinitions").json()))
            seen.append(http.get(f"{users}/orbitdefinitions/{item}").json()["name"])
    return seen


def _counting_matchers(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """Make every cassette count its matcher calls; returns the count so far."""
    calls = 0

    def counting(matcher: Any) -> Any:
        def counted(sent: Any, recorded: Any) -> Any:
            nonlocal calls
            calls += 1
            return matcher(sent, recorded)

        counted.__name__ = matcher.__name__
        return counted

    monkeypatch.setattr(
        "spacestudio.cassettes.session.MATCHERS", tuple(counting(m) for m in MATCHERS)
    )
    return lambda: calls


def test_many_identical_polls_between_other_calls_replay_in_recorded_order(
    backend: MiniBackend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend.polls_before_done = 25
    path = tmp_path / "polls.yaml"
    with use_cassette(path, record=True, scrubber=backend.scrubber()):
        recorded = two_computations_polled_in_turn(backend.url, backend)
    polls = [entry for entry in recorded if isinstance(entry, tuple)]
    assert len(polls) == 2 * 26
    assert [status for name, status in polls if name == "first"] == [
        *(round(count / 25, 3) for count in range(25)),
        -1,
    ]
    matcher_calls = _counting_matchers(monkeypatch)
    with use_cassette(path) as session:
        replayed = two_computations_polled_in_turn("https://elsewhere.invalid", backend)
    assert replayed == recorded
    assert session.played == session.interactions == 4 + 3 * len(polls)
    # Each request is compared with its own recording only, with each matcher once:
    # not with the other polls of the same object, nor a second time to play it.
    assert matcher_calls() == len(MATCHERS) * session.interactions


def test_requests_sent_in_another_order_than_recorded_get_their_own_answers(
    backend: MiniBackend, tmp_path: Path
) -> None:
    path = tmp_path / "creates.yaml"
    names = ["alpha", "beta", "gamma"]

    def create(base: str, order: list[str]) -> dict[str, str]:
        http, users = backend.log_in(base)
        created = {}
        for name in order:
            created[name] = http.post(f"{users}/orbitdefinitions", json={"name": name}).json()
        return {name: answer["displayedName"] for name, answer in created.items()}

    with use_cassette(path, record=True, scrubber=backend.scrubber()):
        recorded = create(backend.url, names)
    with use_cassette(path) as session:
        replayed = create("https://x.invalid", list(reversed(names)))
    assert replayed == recorded == {name: name for name in names}
    assert session.played == session.interactions


def test_a_request_whose_recordings_were_all_played_is_refused_and_explained(
    backend: MiniBackend, tmp_path: Path
) -> None:
    backend.polls_before_done = 3
    path = tmp_path / "polls.yaml"
    with use_cassette(path, record=True, scrubber=backend.scrubber()):
        two_computations_polled_in_turn(backend.url, backend)
    refused = pytest.raises(CassetteMismatchError, match="every one has been replayed already")
    with refused, use_cassette(path):
        two_computations_polled_in_turn("https://x.invalid", backend)
        backend.log_in("https://x.invalid")  # logs in a second time


def test_recording_afresh_runs_no_matcher(
    backend: MiniBackend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    matcher_calls = _counting_matchers(monkeypatch)
    backend.polls_before_done = 5
    with use_cassette(tmp_path / "new.yaml", record=True, scrubber=backend.scrubber()) as session:
        two_computations_polled_in_turn(backend.url, backend)
    assert session.interactions > 30
    assert matcher_calls() == 0


def test_record_mode_all_replaces_what_was_sent_again_and_keeps_the_rest(
    backend: MiniBackend, tmp_path: Path
) -> None:
    path = tmp_path / "session.yaml"
    with use_cassette(path, record=True, scrubber=backend.scrubber()):
        http, users = backend.log_in(backend.url)
        http.post(f"{users}/orbitdefinitions", json={"name": "kept"})
    backend.big_body = b'{"rows": [1, 2, 3]}'
    with use_cassette(path, record_mode="all", scrubber=backend.scrubber()):
        http, users = backend.log_in(backend.url)  # sent again: replaces the old two
        http.get(f"{users}/big")
    with use_cassette(path) as session:
        http, users = backend.log_in("https://x.invalid")
        kept = http.post(f"{users}/orbitdefinitions", json={"name": "kept"}).json()
        big = http.get(f"{users}/big").json()
    assert kept["displayedName"] == "kept" and big == {"rows": [1, 2, 3]}
    assert session.played == session.interactions == 4


# -- the cassette's questions, one by one -----------------------------------------------------


def _request(method: str, url: str, body: bytes = b"") -> Request:
    return Request(method, url, body, {"Content-Type": "application/json"})


def _response(text: str) -> dict[str, Any]:
    return {"status": {"code": 200, "message": "OK"}, "headers": {}, "body": {"string": text}}


def _cassette(tmp_path: Path, repeats: bool = False) -> SpacestudioCassette:
    """A cassette holding two polls, two creates and a list, as if loaded from a file."""
    cassette = SpacestudioCassette(
        path=str(tmp_path / "unit.yaml"),
        match_on=MATCHERS,
        record_mode=VcrRecordMode.NONE,
        allow_playback_repeats=repeats,
    )
    recordings = [
        (_request("GET", "https://a.invalid/status/1"), "running"),
        (_request("POST", "https://a.invalid/items", b'{"name": "a"}'), "created a"),
        (_request("GET", "https://a.invalid/status/1"), "done"),
        (_request("POST", "https://a.invalid/items", b'{"name": "b"}'), "created b"),
        (_request("GET", "https://a.invalid/items"), "listed"),
    ]
    for request, text in recordings:
        cassette.append(request, _response(text))
    cassette.rewound = True  # what loading a cassette from its file sets
    return cassette


def _play(cassette: SpacestudioCassette, request: Request) -> str | None:
    if not cassette.can_play_response_for(request):
        return None
    return str(cassette.play_response(request)["body"]["string"])


def test_the_cassette_answers_as_a_scan_of_every_recording_would(tmp_path: Path) -> None:
    cassette = _cassette(tmp_path)
    poll = "https://other.invalid/status/1"
    assert _play(cassette, _request("POST", "http://b/items", b'{"name":"b"}')) == "created b"
    assert _play(cassette, _request("GET", poll)) == "running"
    assert _play(cassette, _request("GET", poll)) == "done"
    assert _play(cassette, _request("GET", poll)) is None  # both polls played
    assert _play(cassette, _request("POST", "http://b/items", b'{"name":"b"}')) is None
    assert _play(cassette, _request("POST", "http://b/items", b'{"name":"a"}')) == "created a"
    assert _play(cassette, _request("get", "http://b/items")) == "listed"
    assert cassette.all_played
    cassette.rewind()
    assert _play(cassette, _request("GET", poll)) == "running"


def test_a_request_changed_between_the_two_questions_is_looked_up_again(
    tmp_path: Path,
) -> None:
    cassette = _cassette(tmp_path)
    request = _request("POST", "https://a.invalid/items", b'{"name": "a"}')
    assert cassette.can_play_response_for(request)
    request.body = b'{"name": "b"}'  # the rest of the body, sent after the first question
    assert cassette.play_response(request)["body"]["string"] == "created b"


def test_appended_interactions_can_be_played(tmp_path: Path) -> None:
    cassette = _cassette(tmp_path)
    cassette.record_mode = VcrRecordMode.NEW_EPISODES
    new = _request("GET", "https://a.invalid/new")
    assert _play(cassette, new) is None
    cassette.append(new, _response("recorded now"))
    assert _play(cassette, _request("GET", "https://a.invalid/new")) == "recorded now"


def test_responses_of_lists_played_and_unplayed_answers(tmp_path: Path) -> None:
    cassette = _cassette(tmp_path)
    poll = _request("GET", "https://a.invalid/status/1")
    assert _play(cassette, poll) == "running"
    answers = cassette.responses_of(_request("GET", "https://a.invalid/status/1"))
    assert [answer["body"]["string"] for answer in answers] == ["running", "done"]
    with pytest.raises(UnhandledHTTPRequestError):
        cassette.responses_of(_request("DELETE", "https://a.invalid/status/1"))


def test_with_playback_repeats_the_first_match_answers_every_time(tmp_path: Path) -> None:
    cassette = _cassette(tmp_path, repeats=True)
    for _ in range(3):
        assert _play(cassette, _request("GET", "https://a.invalid/status/1")) == "running"


# -- the index itself -------------------------------------------------------------------------


def test_the_index_yields_unplayed_positions_of_one_key_in_order() -> None:
    interactions: list[tuple[Any, Any]] = [
        (_request("GET", "https://a.invalid/p"), None),
        (_request("GET", "https://a.invalid/q"), None),
        (_request("GET", "https://a.invalid/p"), None),
        (_request("GET", "https://a.invalid/%70"), None),  # the same path, percent-encoded
    ]
    play_counts: Counter[int] = Counter()
    index = PlaybackIndex()
    index.sync(interactions, play_counts)
    key = request_key(interactions[0][0])
    assert list(index.unplayed(key)) == [0, 2, 3]
    play_counts[2] += 1
    assert list(index.unplayed(key)) == [0, 3]
    play_counts[0] += 1
    assert list(index.unplayed(key)) == [3]
    assert list(index.positions(key)) == [0, 2, 3]
    interactions.append((_request("GET", "https://a.invalid/p"), None))
    index.sync(interactions, play_counts)
    assert list(index.unplayed(key)) == [3, 4]
    index.sync(interactions, Counter())  # rewound: all unplayed again
    assert list(index.unplayed(key)) == [0, 2, 3, 4]
    assert list(index.unplayed(("DELETE", "/p"))) == []
    index.sync(interactions[:2], Counter())  # another, shorter list: filed afresh
    assert len(index) == 2 and list(index.unplayed(key)) == [0]


def test_group_by_key_keeps_the_order_within_each_key() -> None:
    first, other, second = (
        _request("GET", "https://a.invalid/x"),
        _request("POST", "https://a.invalid/x"),
        _request("GET", "http://b.invalid/x"),
    )
    assert group_by_key([first, other, second]) == {
        ("GET", "/x"): [first, second],
        ("POST", "/x"): [other],
    }
