"""The errors of the cassette layer; each message says what happened and what to do."""

from __future__ import annotations

from pathlib import Path


class CassetteError(Exception):
    """Base class of every cassette error."""


class CassetteFormatError(CassetteError):
    """A cassette file (or a body file beside it) cannot be read back."""

    def __init__(self, path: Path | str, problem: str, *, line: int | None = None) -> None:
        self.path = Path(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        super().__init__(
            f"{where}: {problem}. Fix the file by hand, or delete it and record the session again."
        )


class SecretLeakError(CassetteError):
    """Writing the cassette would have put a secret in it; nothing was written."""

    def __init__(self, path: Path | str, kinds: list[str], where: list[str]) -> None:
        self.path = Path(path)
        self.kinds = kinds
        self.where = where
        super().__init__(
            f"Not saving cassette {self.path}: the {', '.join(sorted(set(kinds)))} would "
            f"appear in it ({'; '.join(where)}), in spite of the scrubbing. Nothing was "
            "written and the previous cassette, if any, is unchanged. Report this with the "
            "kind of request that carried the secret."
        )


class CassetteMismatchError(CassetteError):
    """A replay met a request that its cassette does not hold (or a missing cassette).

    ``str()`` shows the request, the closest recorded one with what differs, and how to
    record the cassette again.
    """

    def __init__(self, explanation: str, *, path: Path | str) -> None:
        self.explanation = explanation
        self.path = Path(path)
        super().__init__(explanation)


class NetworkBlockedError(CassetteError):
    """A replay tried to open a network connection; replays never touch the network."""


class RequestRefusedError(CassetteError):
    """The cassette refused to let a request through while recording: it went to a host
    that is not the service, or it names an object only the cassette knows."""
