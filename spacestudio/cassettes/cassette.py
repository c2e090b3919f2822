"""The cassette vcrpy replays and records through: fast strict lookup, refusals explained.

:class:`SpacestudioCassette` answers each request from the recordings of its method and
path alone, in recorded order, scrubbing it once; in ``new_episodes`` it sends logins
to the backend and puts the backend's ids back into what it sends there; and it notes,
with an explanation, every request it had to refuse.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from spacestudio.cassettes.errors import RequestRefusedError
from spacestudio.cassettes.explain import explain_unknown_ids, explain_unmatched_request
from spacestudio.cassettes.ids import placeholder_id_number, placeholder_ids_in
from spacestudio.cassettes.matching import (
    MATCHERS,
    RequestKey,
    is_identity_request,
    matches,
    request_key,
)
from spacestudio.cassettes.messages import body_bytes
from spacestudio.cassettes.playback import PlaybackIndex, group_by_key
from spacestudio.cassettes.scrubbing import Scrubber
from spacestudio.cassettes.vcr_seam import RecordMode as VcrRecordMode
from spacestudio.cassettes.vcr_seam import SeamCassette, UnhandledHTTPRequestError


@dataclass
class _Lookup:
    """One request being looked up: scrubbed once, with where its first match was found.

    vcrpy asks about each request twice in a row (``can_play_response_for``, then
    ``play_response``), and the first question passes the scrubbed copy on; both
    questions are answered from one scrubbing and one comparison.
    """

    sent: Any
    #: The request's method, URI, body and headers when it was scrubbed: a request
    #: object changed since (a body sent in parts) is scrubbed and looked up afresh.
    fingerprint: tuple[Any, ...]
    scrubbed: Any
    key: RequestKey | None
    #: The interactions and play counts the lookup was made in (a rewind replaces those).
    interactions: list[tuple[Any, Any]]
    play_counts: Any
    #: The first interaction found to match; every candidate before it did not.
    first_match: int | None = None


def _fingerprint(request: Any) -> tuple[Any, ...]:
    return (request.method, request.uri, body_bytes(request), tuple(request.headers.items()))


class SpacestudioCassette(SeamCassette):
    """vcrpy's cassette, answering each request in a time that does not grow with its length.

    A request is compared only with the recorded requests of the same method and path
    (see :mod:`~spacestudio.cassettes.playback`) that were not played yet, so every
    match it finds is one vcrpy would find, in the same order: identical status polls
    replay in recorded order. This relies on its matchers comparing method and path as
    :data:`~spacestudio.cassettes.matching.MATCHERS` do, which
    :func:`~spacestudio.cassettes.session.use_cassette` guarantees. It also notes each
    request it had to refuse with an explanation.

    What it needs of vcrpy beyond its public API (no public API lets a cassette choose
    its candidates) comes through :mod:`~spacestudio.cassettes.vcr_seam`, which lists it;
    it also relies on ``can_play_response_for`` seeing the very request object a live
    send then uses (``new_episodes`` puts the backend's ids back into it).

    In ``new_episodes`` it also sends every login, refresh and ``users/infos`` to the
    backend, so the client holds the backend's tokens and user id, and numbers new ids
    after the cassette's (see :meth:`append`).
    """

    cassette_path: Path = Path()
    record_hint: str = ""
    #: How many interactions the cassette held when it was loaded.
    loaded_count: int = 0
    #: Why a replay cannot answer anything: the cassette is missing (empty: it exists).
    missing: str = ""
    #: The scrubber of the session (set by :func:`~spacestudio.cassettes.session.use_cassette`).
    scrubber: Scrubber | None = None
    #: ``new_episodes``: replay what the cassette holds, send the rest to the backend
    #: with the backend's own ids and tokens (see :meth:`can_play_response_for`).
    mixes_replay_and_recording: bool = False

    def __init__(self, *args: Any, match_on: Any = MATCHERS, **kwargs: Any) -> None:
        super().__init__(*args, match_on=match_on, **kwargs)
        #: The matchers, in vcrpy's form (the lookup assumes they compare method and path).
        self.match_on = match_on
        self.refusals: list[str] = []
        self._playback = PlaybackIndex()
        self._last_lookup: _Lookup | None = None
        self._highest_loaded_id: int | None = None

    @classmethod
    def load(cls, **kwargs: Any) -> Self:
        cassette: Self = super().load(**kwargs)
        cassette.loaded_count = len(cassette.data)
        return cassette

    # -- looking requests up --------------------------------------------------------------

    def _lookup(self, request: Any) -> _Lookup:
        """``request`` scrubbed (by the ``before_record_request`` hook), once per request."""
        last = self._last_lookup
        if (
            last is not None
            and last.interactions is self.data
            and last.play_counts is self.play_counts
        ):
            if request is last.sent and _fingerprint(request) == last.fingerprint:
                return last
            if request is last.scrubbed and request is not last.sent:
                return last
        scrubbed = super().filter_request(request)
        lookup = _Lookup(
            sent=request,
            fingerprint=_fingerprint(request),
            scrubbed=scrubbed,
            key=request_key(scrubbed) if scrubbed else None,
            interactions=self.data,
            play_counts=self.play_counts,
        )
        self._last_lookup = lookup
        return lookup

    def _candidates(self, key: RequestKey, include_played: bool) -> Iterable[int]:
        self._playback.sync(self.data, self.play_counts)
        if include_played:
            return self._playback.positions(key)
        return self._playback.unplayed(key)

    def _matches(self, scrubbed: Any, position: int) -> bool:
        return matches(scrubbed, self.data[position][0], self.match_on)

    def candidate_responses(self, request: Any) -> Iterator[tuple[int, Any]]:
        # vcrpy's generator of (position, response) for every recorded interaction
        # matching ``request`` compares it with all of them. This one
        # yields only those not played yet (unless playback repeats are allowed): the
        # only ones vcrpy's callers, ``__contains__`` and ``play_response``, accept.
        lookup = self._lookup(request)
        if not lookup.scrubbed or lookup.key is None:
            return
        for position in self._candidates(lookup.key, self.allow_playback_repeats):
            known = lookup.first_match
            if known is not None and position < known:
                continue  # compared in the previous question about this request
            if position == known or self._matches(lookup.scrubbed, position):
                if known is None:
                    lookup.first_match = position
                yield position, self.data[position][1]

    def can_play_response_for(self, request: Any) -> bool:
        # vcrpy's own, with the lookup last: recording (``all``) or a cassette that did
        # not exist (``once``) never plays, so it need not search the recordings.
        scrubbed = self._lookup(request).scrubbed
        if not scrubbed or self.record_mode == VcrRecordMode.ALL:
            return False
        if self.mixes_replay_and_recording and is_identity_request(scrubbed):
            # Logging in and asking who is logged in always reach the backend: the tokens
            # and user id it gives are the ones later requests must carry to it (a
            # replayed placeholder token would be refused there).
            return False
        playable = (self.rewound or self.allow_playback_repeats) and scrubbed in self
        if not playable and self.mixes_replay_and_recording:
            self._send_with_real_ids(request)
        return bool(playable)

    def _send_with_real_ids(self, request: Any) -> None:
        """Put back the backend's ids where ``request`` (about to reach the backend) carries
        placeholders from replayed answers; refuse ids only the cassette knows."""
        assert self.scrubber is not None
        uri, unknown = self.scrubber.real_ids(request.uri.encode("utf-8"))
        body, unknown_in_body = self.scrubber.real_ids(body_bytes(request))
        unknown += unknown_in_body
        if unknown:
            explanation = explain_unknown_ids(
                self.cassette_path, request, sorted(set(unknown)), self.record_hint
            )
            self.refusals.append(explanation)
            raise RequestRefusedError(explanation)
        request.uri = uri.decode("utf-8")
        if body != body_bytes(request):
            request.body = body

    def append(self, request: Any, response: Any) -> None:
        if self.mixes_replay_and_recording and self.scrubber is not None:
            scrubbed = super().filter_request(request)
            if scrubbed and is_identity_request(scrubbed):
                twin = next(
                    (
                        position
                        for position in self._candidates(request_key(scrubbed), False)
                        if position < self.loaded_count and self._matches(scrubbed, position)
                    ),
                    None,
                )
                if twin is not None:
                    # Recorded already: learn the backend's tokens and ids from its answer,
                    # count the recorded twin as played, and keep the cassette as it was.
                    self.scrubber.scrub_response(copy.deepcopy(response))
                    self.play_counts[twin] += 1
                    return
            elif scrubbed:
                # Ids the backend makes now are numbered after those the cassette holds.
                self.scrubber.reserve_ids(self._highest_id_loaded())
        super().append(request, response)

    def _highest_id_loaded(self) -> int:
        if self._highest_loaded_id is None:
            highest = 0
            for recorded_request, recorded_response in self.data[: self.loaded_count]:
                texts = [
                    recorded_request.uri.encode("utf-8"),
                    body_bytes(recorded_request),
                    recorded_response.get("body", {}).get("string") or b"",
                ]
                for text in texts:
                    if isinstance(text, str):
                        text = text.encode("utf-8")
                    for placeholder in placeholder_ids_in(text):
                        highest = max(highest, placeholder_id_number(placeholder))
            self._highest_loaded_id = highest
        return self._highest_loaded_id

    def filter_request(self, request: Any) -> Any:
        return self._lookup(request).scrubbed

    def responses_of(self, request: Any) -> list[Any]:
        """Every recorded response matching ``request``, played or not (vcrpy's API)."""
        lookup = self._lookup(request)
        if lookup.scrubbed and lookup.key is not None:
            responses = [
                self.data[position][1]
                for position in self._candidates(lookup.key, include_played=True)
                if self._matches(lookup.scrubbed, position)
            ]
            if responses:
                return responses
        raise UnhandledHTTPRequestError(
            f"The cassette ({str(self.cassette_path)!r}) doesn't contain the request "
            f"({request!r}) asked for"
        )

    def interactions_to_rerecord(self) -> list[tuple[Any, Any]]:
        # vcrpy's (9.x) choice of what the ``all`` mode saves: what was recorded now,
        # after the loaded interactions no new recording matches (all of them only when
        # asked to drop unused ones). Same result, compared by key.
        loaded = self.data[: self.loaded_count]
        recorded = self.data[self.loaded_count :]
        if self.drop_unused_requests:
            return list(recorded)
        recorded_by_key = group_by_key([request for request, _ in recorded])
        kept = [
            (old_request, old_response)
            for old_request, old_response in loaded
            if not any(
                matches(request, old_request, self.match_on)
                for request in recorded_by_key.get(request_key(old_request), ())
            )
        ]
        return kept + list(recorded)

    # -- explaining refusals --------------------------------------------------------------

    def find_requests_with_most_matches(self, request: Any) -> Any:
        # vcrpy calls this while building the error of a refused request: the one place
        # that sees every refusal, even when the code being replayed swallows the error.
        if self.missing:
            self.refusals.append(self.missing)
            return super().find_requests_with_most_matches(request)
        sent = self._lookup(request).scrubbed
        recorded = [
            (recorded_request, self.play_counts[index] > 0)
            for index, (recorded_request, _) in enumerate(self.data)
        ]
        self.refusals.append(
            explain_unmatched_request(self.cassette_path, sent, recorded, self.record_hint)
        )
        return super().find_requests_with_most_matches(request)
