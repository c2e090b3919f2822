"""Cassettes: record a spacestudio session once, replay it offline, with no secret in it.

Built on vcrpy, which records at the connection level. The data flows as in vcrpy:
request → :mod:`~spacestudio.cassettes.scrubbing` (secrets out, ids numbered) →
:mod:`~spacestudio.cassettes.matching` → cassette →
:mod:`~spacestudio.cassettes.cassette_format` (the file format, with
:mod:`~spacestudio.cassettes.body_files` beside it) → :mod:`~spacestudio.cassettes.storage`
(leak check, atomic writes). :mod:`~spacestudio.cassettes.explain` says why a replay
cannot go on.

    from spacestudio.cassettes import use_cassette

    with use_cassette("cassettes/transfer.yaml", record=True):   # against the backend
        run_my_study()
    with use_cassette("cassettes/transfer.yaml"):                # offline, no waiting
        run_my_study()
"""

from spacestudio.cassettes.connection_settings import REPLAY_SETTINGS, scrubber_from_environment
from spacestudio.cassettes.errors import (
    CassetteError,
    CassetteFormatError,
    CassetteMismatchError,
    NetworkBlockedError,
    SecretLeakError,
)
from spacestudio.cassettes.network import network_blocked
from spacestudio.cassettes.record_modes import (
    RECORD_MODES,
    RecordMode,
    cassette_exists,
    touches_backend,
)
from spacestudio.cassettes.scrubbing import Scrubber
from spacestudio.cassettes.session import CassetteSession, use_cassette

__all__ = [
    "RECORD_MODES",
    "REPLAY_SETTINGS",
    "CassetteError",
    "CassetteFormatError",
    "CassetteMismatchError",
    "CassetteSession",
    "NetworkBlockedError",
    "RecordMode",
    "Scrubber",
    "SecretLeakError",
    "cassette_exists",
    "network_blocked",
    "scrubber_from_environment",
    "touches_backend",
    "use_cassette",
]
