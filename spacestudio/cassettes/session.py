"""One cassette in use: recording or replaying what the code inside sends.

:func:`use_cassette` wires vcrpy together the spacestudio way: the scrubber as its
``before_record`` hooks, the spacestudio matchers, the cassette file format with its
leak check, strict ordered playback (identical status polls replay in recorded order),
and, while replaying, no network and no waiting.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast, get_args
from urllib.parse import urlsplit

from vcr.cassette import Cassette
from vcr.errors import CannotOverwriteExistingCassetteException, UnhandledHTTPRequestError
from vcr.patch import CassettePatcherBuilder
from vcr.record_mode import RecordMode as VcrRecordMode

from spacestudio import pacing, settings
from spacestudio.cassettes.errors import CassetteMismatchError, RequestRefusedError
from spacestudio.cassettes.explain import (
    explain_missing_cassette,
    explain_unknown_ids,
    explain_unmatched_request,
    explain_unrelated_host,
)
from spacestudio.cassettes.ids import placeholder_id_number, placeholder_ids_in
from spacestudio.cassettes.matching import (
    MATCHERS,
    RequestKey,
    is_identity_request,
    matches,
    request_key,
)
from spacestudio.cassettes.messages import ScrubbedRequest, body_bytes
from spacestudio.cassettes.network import network_blocked
from spacestudio.cassettes.placeholders import (
    PLACEHOLDER_API_ORIGIN,
    PLACEHOLDER_AUTH_ORIGIN,
    PLACEHOLDER_CLIENT_ID,
    PLACEHOLDER_EMAIL,
    PLACEHOLDER_PASSWORD,
)
from spacestudio.cassettes.playback import PlaybackIndex, group_by_key
from spacestudio.cassettes.scrubbing import Scrubber
from spacestudio.cassettes.storage import CassettePersister

logger = logging.getLogger("spacestudio.cassettes")

#: pytest-recording's record modes: ``none`` replays only; ``once`` records a missing
#: cassette and replays an existing one; ``new_episodes`` replays what the cassette holds
#: and records the rest into it; ``all`` records every request, keeping recorded ones
#: that were not sent again; ``rewrite`` records the session afresh, replacing the file.
RecordMode = Literal["once", "new_episodes", "none", "all", "rewrite"]
RECORD_MODES: tuple[str, ...] = get_args(RecordMode)

_VCR_MODES = {
    "once": VcrRecordMode.ONCE,
    "new_episodes": VcrRecordMode.NEW_EPISODES,
    "none": VcrRecordMode.NONE,
    "all": VcrRecordMode.ALL,
    "rewrite": VcrRecordMode.ALL,
}


def check_record_mode(mode: str) -> RecordMode:
    """``mode`` as a :data:`RecordMode`; a clear error for anything else."""
    if mode not in RECORD_MODES:
        raise ValueError(f"unknown record mode {mode!r}; use one of {', '.join(RECORD_MODES)}")
    return cast(RecordMode, mode)


def cassette_exists(path: Path | str) -> bool:
    """Whether ``path`` holds a cassette (an empty file counts as none)."""
    path = Path(path)
    return path.is_file() and path.stat().st_size > 0 and bool(path.read_bytes().strip())


def touches_backend(
    mode: RecordMode, path: Path | str, extra_paths: Sequence[Path | str] = ()
) -> bool:
    """Whether a session in ``mode`` may send requests to a real backend (``once`` replays
    when its cassette, or one of the extra cassettes loaded with it, exists)."""
    if mode == "none":
        return False
    return not (mode == "once" and any(cassette_exists(p) for p in (path, *extra_paths)))


def host_matches(host: str, patterns: Sequence[str]) -> bool:
    """Whether ``host`` matches one of ``patterns`` (regular expressions matched from the
    start of the host name, as pytest-recording's ``--allowed-hosts``)."""
    return any(re.match(pattern, host) for pattern in patterns)


#: Settings that let a script connect while its cassette replays (nothing checks them).
REPLAY_SETTINGS: dict[str, str] = {
    "LOG_BASE_URL": PLACEHOLDER_API_ORIGIN,
    "SPACESTUDIO_AUTH_URL": PLACEHOLDER_AUTH_ORIGIN,
    "LOG_MAIL": PLACEHOLDER_EMAIL,
    "LOG_PASSWORD": PLACEHOLDER_PASSWORD,
    "CLIENT_ID": PLACEHOLDER_CLIENT_ID,
}


def scrubber_from_environment() -> Scrubber:
    """A scrubber told the settings of the environment (``LOG_*``, ``CLIENT_ID`` …)."""
    return Scrubber(
        api_url=settings.base_url(),
        auth_url=settings.auth_url(),
        mail=os.environ.get("LOG_MAIL"),
        password=os.environ.get("LOG_PASSWORD"),
        client_id=settings.client_id(),
    )


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


class SpacestudioCassette(Cassette):  # type: ignore[misc]
    """vcrpy's cassette, answering each request in a time that does not grow with its length.

    A request is compared only with the recorded requests of the same method and path
    (see :mod:`~spacestudio.cassettes.playback`) that were not played yet, so every
    match it finds is one vcrpy would find, in the same order: identical status polls
    replay in recorded order. This relies on its matchers comparing method and path as
    :data:`~spacestudio.cassettes.matching.MATCHERS` do, which :func:`use_cassette`
    guarantees. It also notes each request it had to refuse with an explanation.

    vcrpy internals it relies on (no public API lets a cassette choose its candidates),
    hence the pin to vcrpy 9.x, tested at 9.0.0 and the newest: ``_responses``, the
    generator behind ``__contains__`` and ``play_response``; the attributes
    ``_before_record_request``, ``_before_record_response``, ``_match_on`` and ``_path``;
    ``_save``; ``_rerecorded_interactions`` and ``_loaded_count`` (the ``all`` mode); and
    that ``can_play_response_for`` sees the very request object a live send then uses
    (``new_episodes`` puts the backend's ids back into it).

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
    #: The scrubber of the session (set by :func:`use_cassette`).
    scrubber: Scrubber | None = None
    #: ``new_episodes``: replay what the cassette holds, send the rest to the backend
    #: with the backend's own ids and tokens (see :meth:`can_play_response_for`).
    mixes_replay_and_recording: bool = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refusals: list[str] = []
        self._playback = PlaybackIndex()
        self._last_lookup: _Lookup | None = None
        self._highest_loaded_id: int | None = None

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
        scrubbed = self._before_record_request(request)
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
        return matches(scrubbed, self.data[position][0], self._match_on)

    def _responses(self, request: Any) -> Iterator[tuple[int, Any]]:
        # Overrides vcrpy's internal generator of (position, response) for every recorded
        # interaction matching ``request``, which compares it with all of them. This one
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
            scrubbed = self._before_record_request(request)
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
                    self._before_record_response(copy.deepcopy(response))
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
            f"The cassette ({self._path!r}) doesn't contain the request ({request!r}) asked for"
        )

    def _rerecorded_interactions(self) -> list[tuple[Any, Any]]:
        # Overrides vcrpy's (9.x) choice of what the ``all`` mode saves: what was
        # recorded now, after the loaded interactions no new recording matches (all of
        # them only when asked to drop unused ones). Same result, compared by key.
        loaded = self.data[: self._loaded_count]
        recorded = self.data[self._loaded_count :]
        if self.drop_unused_requests:
            return list(recorded)
        recorded_by_key = group_by_key([request for request, _ in recorded])
        kept = [
            (old_request, old_response)
            for old_request, old_response in loaded
            if not any(
                matches(request, old_request, self._match_on)
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


class CassetteSession:
    """A cassette in use (what :func:`use_cassette` yields)."""

    def __init__(
        self,
        path: Path,
        mode: RecordMode,
        cassette: SpacestudioCassette,
        scrubber: Scrubber,
        *,
        replaying: bool | None = None,
    ) -> None:
        self.path = path
        self.mode = mode
        self.cassette = cassette
        self.scrubber = scrubber
        #: Whether this session only replays (no backend, no network, no waiting).
        self.replaying = not touches_backend(mode, path) if replaying is None else replaying
        #: Whether a refusal was already raised (so it is raised once).
        self.reported = False
        self.discarded = False
        #: Whether the recording was written to the cassette.
        self.saved = False

    def discard(self) -> None:
        """Do not save what was recorded (the previous cassette stays as it was)."""
        self.discarded = True

    def raise_refusal(self, error: BaseException | None = None) -> None:
        """Raise the explanation of the first request the cassette refused, if any.

        ``error`` is the exception the code ended with: replaced when the refusal caused
        it, chained otherwise. Raises once per session.
        """
        refusals = self.cassette.refusals
        if not refusals or self.reported:
            return
        if error is not None and not isinstance(error, Exception):
            return  # KeyboardInterrupt and the like go on as they are
        self.reported = True
        mismatch = CassetteMismatchError(refusals[0], path=self.path)
        if error is None or caused_by_refusal(error):
            raise mismatch from None
        raise mismatch from error

    @property
    def scrubbed_kinds(self) -> list[str]:
        """The kinds of secret replaced in what was recorded (``password``, ``e-mail`` …)."""
        return self.scrubber.scrubbed_kinds()

    @property
    def refusals(self) -> list[str]:
        """Explanations of the requests the cassette could not answer, in order."""
        return list(self.cassette.refusals)

    @property
    def interactions(self) -> int:
        """How many interactions the cassette holds now."""
        return len(self.cassette.data)

    @property
    def played(self) -> int:
        """How many recorded interactions were replayed."""
        return int(self.cassette.play_count)


def default_record_hint(path: Path) -> str:
    return f"spacestudio.cassettes.use_cassette({str(path)!r}, record=True)"


def _request_hook(
    scrubber: Scrubber,
    allowed_hosts: Sequence[str],
    refuse_unrelated: bool,
    cassette: Callable[[], SpacestudioCassette],
) -> Callable[[Any], Any]:
    """vcrpy's ``before_record_request``: a request to the service scrubbed; to another
    host the allow-list lets through, None (neither replayed nor recorded); to any other
    host, refused while recording (and, replaying, matched as any request: the host
    never matters to a replay)."""

    def before_record_request(request: Any) -> Any:
        if isinstance(request, ScrubbedRequest):
            return request
        if scrubber.serves(request.uri):
            return scrubber.scrub_request(request)
        host = urlsplit(request.uri).hostname or ""
        if allowed_hosts and host_matches(host, allowed_hosts):
            return None
        if refuse_unrelated:
            recording = cassette()
            explanation = explain_unrelated_host(recording.cassette_path, request, host)
            recording.refusals.append(explanation)
            raise RequestRefusedError(explanation)
        return scrubber.scrub_request(request)

    return before_record_request


@contextlib.contextmanager
def use_cassette(
    path: str | os.PathLike[str],
    record: bool = False,
    *,
    record_mode: RecordMode | None = None,
    scrubber: Scrubber | None = None,
    record_hint: str | None = None,
    extra_paths: Sequence[str | os.PathLike[str]] = (),
    allowed_hosts: Sequence[str] = (),
    recorded_against: str | None = None,
) -> Iterator[CassetteSession]:
    """Replay (default) or record the HTTP traffic of the code inside the block.

    Without ``record``, every request is answered from the cassette at ``path``; a
    request it does not hold (or a missing cassette) raises
    :class:`~spacestudio.cassettes.errors.CassetteMismatchError` that shows the request,
    the closest recorded one and what differs; the network is blocked and the client's
    waits (status polls, retry backoff) return at once. With ``record=True`` it records
    afresh what the code sends to the backend the settings name, and saves the cassette,
    scrubbed, when the block ends without an exception (an interrupted recording leaves
    the previous cassette as it was). ``record_mode`` picks one of :data:`RECORD_MODES`
    instead. ``record_hint`` is the command a refusal suggests for recording again.

    ``extra_paths`` are cassettes replayed too but never written (pytest-recording's
    ``@pytest.mark.vcr("extra.yaml")``). Requests to hosts matching ``allowed_hosts``
    (regular expressions) go to the network, replaying or not, and are never recorded;
    while recording, a request to any other host than the service's is refused with
    :class:`~spacestudio.cassettes.errors.RequestRefusedError`. ``recorded_against``
    (``"fake"`` or ``"live"``) is written into the cassette, so that the command it
    suggests for recording again records against the same kind of backend.
    """
    cassette_path = Path(path)
    extras = [Path(extra) for extra in extra_paths]
    mode: RecordMode = check_record_mode(record_mode or ("rewrite" if record else "none"))
    hint = record_hint or default_record_hint(cassette_path)
    missing = ""
    if mode == "none" and not any(cassette_exists(p) for p in (cassette_path, *extras)):
        # Told at the first request: code that sends none needs no cassette (as in vcrpy).
        missing = explain_missing_cassette(cassette_path, hint, empty=cassette_path.is_file())
    active_scrubber = scrubber or scrubber_from_environment()
    replaying = not touches_backend(mode, cassette_path, extras)
    # Recorded afresh, the old file is neither read nor touched before the new one is
    # complete (so even a broken old cassette can be recorded over).
    persister = CassettePersister(
        active_scrubber.leaks_in,
        read_existing=mode != "rewrite",
        extra_paths=extras,
        recorded_against=recorded_against,
    )
    holder: list[SpacestudioCassette] = []
    cassette = SpacestudioCassette.load(
        path=str(cassette_path),
        persister=persister,
        record_mode=_VCR_MODES[mode],
        match_on=MATCHERS,
        before_record_request=_request_hook(
            active_scrubber, allowed_hosts, not replaying, lambda: holder[0]
        ),
        before_record_response=active_scrubber.scrub_response,
        allow_playback_repeats=False,
    )
    holder.append(cassette)
    cassette.cassette_path = cassette_path
    cassette.record_hint = hint
    cassette.scrubber = active_scrubber
    cassette.missing = missing
    cassette.loaded_count = len(cassette.data)
    cassette.mixes_replay_and_recording = mode == "new_episodes" and not replaying
    session = CassetteSession(cassette_path, mode, cassette, active_scrubber, replaying=replaying)
    completed = False
    with contextlib.ExitStack() as stack:
        if session.replaying:
            stack.enter_context(
                network_blocked(f"Replaying cassette {cassette_path}", allowed_hosts)
            )
            stack.enter_context(pacing.instant())
        for patcher in CassettePatcherBuilder(cassette).build():
            stack.enter_context(patcher)
        try:
            yield session
            completed = True
        except BaseException as error:
            session.raise_refusal(error)
            raise
    if completed:
        session.raise_refusal()
        if not session.replaying and not session.discarded:
            save_recording(session)


def save_recording(session: CassetteSession) -> None:
    """Write what ``session`` recorded (nothing when it recorded nothing new)."""
    cassette = session.cassette
    if not cassette.dirty:
        if session.mode == "rewrite":
            logger.warning(
                "Nothing was sent while recording %s; the cassette was left as it was",
                session.path,
            )
        return
    for kind, length in session.scrubber.secrets.too_short:
        logger.warning(
            "The %s is only %d characters long: it was replaced where it is carried "
            "(form fields, headers), but not searched for elsewhere in the recording",
            kind,
            length,
        )
    # vcrpy's own save (a private method, stable across vcrpy versions): its record mode
    # decides what is kept; the persister checks and writes it atomically.
    cassette._save()
    session.saved = True


def caused_by_refusal(error: BaseException) -> bool:
    """Whether ``error`` is, or was caused by, a request the cassette refused."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, CannotOverwriteExistingCassetteException | RequestRefusedError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
