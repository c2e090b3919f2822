"""How far a computation or a download has got, told on stderr: a bar or plain lines.

A script run by hand shows tqdm bars on its terminal. The same script in CI or under a
scheduler, whose stderr is no terminal (where a bar's carriage returns make one long
garbled line), tells a wait in plain lines instead: one every
``SPACESTUDIO_PROGRESS_INTERVAL`` seconds (10 by default) with the time waited, the
progress and the time left, and one at the end. ``progress=True`` forces the bar,
``progress=False`` silence.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from tqdm import tqdm

from spacestudio import settings

logger = logging.getLogger("spacestudio")


def progress_enabled(choice: bool | None) -> bool:
    """``choice`` when given, else whether stderr is a terminal."""
    if choice is not None:
        return choice
    stream = sys.stderr
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):
        return False


def status_percent(status: float) -> float:
    """A computation's status as a percentage in [0, 100].

    The service reports 0 while pending, the percentage done while running and -1 once
    finished.
    """
    if status < 0:
        return 100.0
    return min(100.0, status)


class _Bar:
    """A tqdm bar when enabled, nothing otherwise; closes itself at the end of a block."""

    def __init__(self, enabled: bool, **options: Any) -> None:
        self._bar: Any = tqdm(file=sys.stderr, leave=False, **options) if enabled else None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.close()


class ComputationProgress(_Bar):
    """The progress of one mission's computation, updated from each status poll.

    The bar shows the time waited and, once the computation runs, an estimate of the
    time left (from the progress made since it started running). :meth:`finish` says
    how long the wait took.
    """

    def __init__(
        self,
        mission: str,
        enabled: bool,
        clock: Callable[[], float] = time.monotonic,
        *,
        line_every: float | None = None,
    ) -> None:
        """``enabled`` shows the bar; else ``line_every`` seconds, when given, tell the
        wait in plain lines on stderr."""
        super().__init__(
            enabled,
            total=100,
            desc=f"Computing {mission}",
            unit="%",
            bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}{postfix}",
        )
        self.mission = mission
        self.enabled = enabled
        self._clock = clock
        self._started = clock()
        #: (time, percent) at the first poll that saw the computation running.
        self._running_since: tuple[float, float] | None = None
        self._line_every = None if enabled else line_every
        self._next_line_at = self._started

    @classmethod
    def for_choice(cls, mission: str, choice: bool | None) -> ComputationProgress:
        """The progress ``progress=choice`` asks for: True a bar, False nothing, None a bar
        on a terminal and plain lines elsewhere."""
        if progress_enabled(choice):
            return cls(mission, True)
        return cls(
            mission, False, line_every=None if choice is False else settings.progress_interval()
        )

    def seconds_left(self, status: float) -> float | None:
        """The time left, extrapolated from the progress since the computation started
        running; None while pending or before it has moved."""
        now, percent = self._clock(), status_percent(status)
        if status == 0:
            return None
        if status < 0:
            return 0.0
        if self._running_since is None:
            self._running_since = (now, percent)
            return None
        since, first_percent = self._running_since
        if percent <= first_percent or now <= since:
            return None
        return (now - since) * (100.0 - percent) / (percent - first_percent)

    def update(self, status: float) -> None:
        left = self.seconds_left(status)
        if status == 0:
            state = "pending"
        elif left is None:
            state = "running"
        else:
            state = f"running, about {tqdm.format_interval(round(left))} left"
        if self._bar is not None:
            self._bar.n = status_percent(status)
            self._bar.set_postfix_str(state, refresh=False)
            self._bar.refresh()
        elif self._line_every is not None and self._clock() >= self._next_line_at:
            waited = tqdm.format_interval(round(self._clock() - self._started))
            done = "" if status == 0 else f"{status_percent(status):.0f}% done, "
            print(f"{self.mission}: waited {waited}, {done}{state}", file=sys.stderr, flush=True)
            # A steady beat from the start, however the polls fall.
            while self._next_line_at <= self._clock():
                self._next_line_at += self._line_every

    def finish(self) -> str:
        """Close the bar and say how long the wait took (on stderr when the bar was shown,
        else as an INFO log); returns that line."""
        took = tqdm.format_interval(round(self._clock() - self._started))
        line = f"{self.mission}: computed, after waiting {took}"
        if self._bar is not None:
            self._bar.close()
            self._bar = None
            print(line, file=sys.stderr)
        elif self._line_every is not None:
            print(line, file=sys.stderr, flush=True)
        else:
            logger.info("%s", line)
        return line


class DownloadProgress(_Bar):
    """Bytes written of a download, against its announced size when known."""

    def __init__(self, target: str, total_bytes: int | None, enabled: bool) -> None:
        super().__init__(
            enabled,
            total=total_bytes,
            desc=f"Downloading {target}",
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
        )

    def advance(self, byte_count: int) -> None:
        if self._bar is not None:
            self._bar.update(byte_count)
