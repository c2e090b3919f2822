"""Progress bars (tqdm on stderr) for computations and downloads, shown on a terminal only.

A script run by hand shows how far a computation or a download has got; the same
script in CI or under a scheduler, whose stderr is no terminal, stays quiet. Either
can be forced with ``progress=True`` / ``progress=False``.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any, Self

from tqdm import tqdm


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
    """The progress of one mission's computation, updated from each status poll."""

    def __init__(self, mission_name: str, enabled: bool) -> None:
        super().__init__(
            enabled,
            total=100,
            desc=f"Computing {mission_name}",
            unit="%",
            bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}",
        )

    def update(self, status: float) -> None:
        if self._bar is None:
            return
        self._bar.n = status_percent(status)
        self._bar.set_postfix_str("pending" if status == 0 else "running", refresh=False)
        self._bar.refresh()


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
