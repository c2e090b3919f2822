"""Reading a file from outside the program: a regular file only, never past a size limit.

A cassette or a body file may be anything its name points at: a link to ``/dev/zero``, a
FIFO that never ends, a file larger than memory. :func:`read_plain_file` opens it without
blocking, refuses what is not a regular file, and reads at most the limit it is given
(the file's size as ``fstat`` reports it, checked against the limit first, plus one byte
to notice growth), so nothing is allocated for a file that is then refused.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class NotPlainFileError(OSError):
    """``path`` exists but is not a regular file, or holds more bytes than allowed; the
    message says which, in words that fit after the file's name; ``too_large`` tells a
    file over the limit from one of another kind."""

    def __init__(self, problem: str, *, too_large: bool = False) -> None:
        super().__init__(problem)
        self.too_large = too_large


def read_plain_file(
    path: Path, limit: int, *, follow_links: bool = True, head: int | None = None
) -> bytes:
    """The bytes of the regular file at ``path``, which must hold at most ``limit`` bytes;
    with ``head``, only its first ``head`` bytes (whatever its size).

    Raises :class:`FileNotFoundError` and :class:`IsADirectoryError` as ``open`` does, and
    :class:`NotPlainFileError` for a device, a FIFO, a socket, a link when
    ``follow_links`` is false, or a file over ``limit``.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_links:
        flags |= os.O_NOFOLLOW
    try:
        descriptor = os.open(path, flags)
    except (FileNotFoundError, IsADirectoryError):
        raise
    except OSError as error:
        # O_NOFOLLOW refuses a link with ELOOP (or EMLINK on some systems).
        raise NotPlainFileError(f"is not a plain file ({error.strerror})") from None
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(f"{path} is a directory")
        if not stat.S_ISREG(status.st_mode):
            raise NotPlainFileError("is not a plain file (a device, a FIFO or a socket)")
        if head is not None:
            return handle.read(min(head, limit))
        if status.st_size > limit:
            raise NotPlainFileError(
                f"holds {status.st_size} bytes, more than the {limit} allowed", too_large=True
            )
        data = handle.read(status.st_size + 1)
    if len(data) > status.st_size:
        raise NotPlainFileError("grew while it was read", too_large=True)
    return data
