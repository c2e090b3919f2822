"""A fake server run in the background of a test or benchmark: start, wait, stop, ``with``.

:class:`~fake_server.embedded.FakeServer` (a thread of this process) and
:class:`~tests.support.served.GunicornServer` (gunicorn in a child process) both take
this shape: ``with`` starts the server and returns once it answers, leaving it stops
the server and releases what it held.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Self


class BackgroundServer(ABC):
    """A server started by :meth:`start` (or ``with``) and stopped by :meth:`close`."""

    @abstractmethod
    def start(self) -> Self:
        """Start serving; return once the server answers."""

    @abstractmethod
    def stop(self) -> None:
        """Stop serving; nothing happens when it is not running."""

    def close(self) -> None:
        """Stop, and release what outlives a stop (by default, nothing does)."""
        self.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def wait_until(ready: Callable[[], bool], timeout: float, interval: float) -> bool:
    """Whether ``ready()`` became true within ``timeout`` seconds, asked every ``interval``."""
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True
