"""Record modes: what a cassette session may do, and whether it reaches a backend.

pytest-recording's five modes, checked once where a mode comes in (an option, a
marker, an argument), and the one question every caller asks of a mode: may this
session send anything to a real backend, or does it only replay?
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal, cast, get_args

#: pytest-recording's record modes: ``none`` replays only; ``once`` records a missing
#: cassette and replays an existing one; ``new_episodes`` replays what the cassette holds
#: and records the rest into it; ``all`` records every request, keeping recorded ones
#: that were not sent again; ``rewrite`` records the session afresh, replacing the file.
RecordMode = Literal["once", "new_episodes", "none", "all", "rewrite"]
RECORD_MODES: tuple[str, ...] = get_args(RecordMode)


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
