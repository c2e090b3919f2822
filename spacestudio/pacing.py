"""Every wait of the client goes through here, so replaying a recording can skip them.

The client waits between retries and while polling a computation's status. Inside
:func:`instant` those waits return at once: a replayed cassette already holds every
answer, so waiting for the server would only slow the replay down.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

_lock = threading.Lock()
# A depth rather than a flag: instant() blocks nest, and from several threads at once.
_instant_depth = 0


def sleep(seconds: float) -> None:
    """Wait ``seconds`` (nothing for zero or less), or not at all inside :func:`instant`."""
    if seconds <= 0 or is_instant():
        return
    time.sleep(seconds)


def is_instant() -> bool:
    """True while some :func:`instant` block is open, in any thread."""
    with _lock:
        return _instant_depth > 0


@contextlib.contextmanager
def instant() -> Iterator[None]:
    """Make :func:`sleep` return at once until the block ends (nestable, thread-safe)."""
    global _instant_depth
    with _lock:
        _instant_depth += 1
    try:
        yield
    finally:
        with _lock:
            _instant_depth -= 1
