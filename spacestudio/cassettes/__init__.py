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

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

#: The submodule each name comes from: loaded when the name is first asked for (PEP 562),
#: so that importing one light part (``record_modes``, ``plain``) loads no vcrpy or yaml.
_HOMES = {
    "REPLAY_SETTINGS": "connection_settings",
    "scrubber_from_environment": "connection_settings",
    "CassetteError": "errors",
    "CassetteFormatError": "errors",
    "CassetteMismatchError": "errors",
    "NetworkBlockedError": "errors",
    "SecretLeakError": "errors",
    "network_blocked": "network",
    "RECORD_MODES": "record_modes",
    "RecordMode": "record_modes",
    "cassette_exists": "record_modes",
    "touches_backend": "record_modes",
    "Scrubber": "scrubbing",
    "CassetteSession": "session",
    "use_cassette": "session",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


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
