"""One cassette in use: recording or replaying what the code inside sends.

:func:`use_cassette` wires vcrpy together the spacestudio way: the scrubber as its
``before_record`` hooks, the spacestudio matchers, the cassette of
:mod:`~spacestudio.cassettes.cassette` (strict ordered playback: identical status polls
replay in recorded order), the cassette file format with its leak check, and, while
replaying, no network and no waiting. :class:`CassetteSession`, what it yields, tells
what the cassette did and raises the explanation of a refused request once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from spacestudio import pacing
from spacestudio.cassettes.cassette import SpacestudioCassette
from spacestudio.cassettes.connection_settings import scrubber_from_environment
from spacestudio.cassettes.errors import CassetteMismatchError, RequestRefusedError
from spacestudio.cassettes.explain import explain_missing_cassette, explain_unrelated_host
from spacestudio.cassettes.matching import MATCHERS
from spacestudio.cassettes.messages import ScrubbedRequest
from spacestudio.cassettes.network import network_blocked
from spacestudio.cassettes.record_modes import (
    RecordMode,
    cassette_exists,
    check_record_mode,
    touches_backend,
)
from spacestudio.cassettes.scrubbing import Scrubber
from spacestudio.cassettes.storage import CassettePersister
from spacestudio.cassettes.vcr_seam import CannotOverwriteExistingCassetteException, patched
from spacestudio.cassettes.vcr_seam import RecordMode as VcrRecordMode

logger = logging.getLogger("spacestudio.cassettes")

#: vcrpy's mode for each record mode (``rewrite`` is ``all`` on a file not read first).
_VCR_MODES = {
    "once": VcrRecordMode.ONCE,
    "new_episodes": VcrRecordMode.NEW_EPISODES,
    "none": VcrRecordMode.NONE,
    "all": VcrRecordMode.ALL,
    "rewrite": VcrRecordMode.ALL,
}


def host_matches(host: str, patterns: Sequence[str]) -> bool:
    """Whether ``host`` matches one of ``patterns`` (regular expressions matched from the
    start of the host name, as pytest-recording's ``--allowed-hosts``)."""
    return any(re.match(pattern, host) for pattern in patterns)


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
        __tracebackhide__ = True  # in pytest, the failure shows the test's line instead
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
    cassette.mixes_replay_and_recording = mode == "new_episodes" and not replaying
    session = CassetteSession(cassette_path, mode, cassette, active_scrubber, replaying=replaying)
    completed = False
    with contextlib.ExitStack() as stack:
        if session.replaying:
            stack.enter_context(
                network_blocked(f"Replaying cassette {cassette_path}", allowed_hosts)
            )
            stack.enter_context(pacing.instant())
        stack.enter_context(patched(cassette))
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
    # vcrpy's own save: its record mode decides what is kept; the persister checks and
    # writes it atomically.
    cassette.save()
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
