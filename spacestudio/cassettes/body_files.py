"""Body files: large bodies kept beside a cassette, read and removed only where safe.

A body above :data:`BODY_FILE_THRESHOLD` bytes is kept as its exact bytes in
``NAME.bodies/HASH.EXT`` beside the cassette ``NAME.yaml``, named after the hash of its
content, and read back in one go so a 20 MB result replays about as fast as reading it.

Body files are read and written only as plain files inside the cassette's own
``NAME.bodies`` folder: never through a symbolic link, never a device, and never more
bytes than the cassette says the file holds. Only files a cassette wrote (named after
the hash of their content) are ever deleted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import stat
from pathlib import Path

from spacestudio.cassettes.errors import CassetteError, CassetteFormatError
from spacestudio.cassettes.messages import is_json_content
from spacestudio.cassettes.plain_files import NotPlainFileError, read_plain_file

logger = logging.getLogger("spacestudio.cassettes")

#: Bodies larger than this (in bytes) are kept in a file beside the cassette.
BODY_FILE_THRESHOLD = 64 * 1024
#: The largest body file read back: a result's files are tens of megabytes.
MAX_BODY_FILE_BYTES = 1024 * 1024 * 1024
#: How a body file is named: the first 24 hex digits of its content's SHA-256, then a kind.
BODY_FILE_NAME = re.compile(r"[0-9a-f]{24}\.(?:json|csv|txt|bin)")
#: The suffix of the folder that holds a cassette's body files.
BODIES_SUFFIX = ".bodies"


def body_file_directory(cassette: Path) -> Path:
    """The directory of ``cassette``'s body files (``NAME.bodies`` beside it)."""
    return cassette.with_name(f"{cassette.stem}{BODIES_SUFFIX}")


def body_file_name(body: bytes, content_type: str | None) -> tuple[str, str]:
    """The file name a body is kept under, and the SHA-256 (hex) of its content."""
    digest = hashlib.sha256(body).hexdigest()
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if is_json_content(media):
        extension = "json"
    elif media == "text/csv":
        extension = "csv"
    elif media.startswith("text/"):
        extension = "txt"
    else:
        extension = "bin"
    return f"{digest[:24]}.{extension}", digest


def edited_size_limit(recorded_size: int) -> int:
    """The most bytes a body file recorded with ``recorded_size`` bytes is read with.

    A hand edit may change a body file's size a little; anything larger (a device, a file
    swapped in) is refused before it is read. No size a cassette names lifts it past
    :data:`MAX_BODY_FILE_BYTES`.
    """
    return min(2 * recorded_size + 64 * 1024, MAX_BODY_FILE_BYTES)


def _is_link(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


def _plain_directory(directory: Path) -> bool:
    """Whether ``directory`` exists as a real folder (not a link to one)."""
    try:
        return stat.S_ISDIR(os.lstat(directory).st_mode)
    except OSError:
        return False


def read_body_file(cassette: Path, name: str, size: int, sha256: str | None, where: str) -> bytes:
    """The content of body file ``name`` of ``cassette``, recorded with ``size`` bytes and
    hash ``sha256``; ``where`` names the cassette entry in errors."""
    directory = body_file_directory(cassette)
    file = directory / name
    if _is_link(directory):
        raise CassetteFormatError(
            cassette,
            f"{directory} is a symbolic link; body files are read only from a "
            "plain folder beside the cassette",
        )
    limit = edited_size_limit(size)
    try:
        data = read_plain_file(file, limit, follow_links=False)
    except FileNotFoundError:
        raise CassetteFormatError(
            cassette, f"{where} refers to {file}, which does not exist"
        ) from None
    except IsADirectoryError:
        raise CassetteFormatError(
            cassette, f"{where} refers to {file}, which is a folder, not a plain file"
        ) from None
    except NotPlainFileError as error:
        raise CassetteFormatError(
            cassette,
            f"{where} refers to {file}, which {error}"
            + (
                f", where the cassette says {size} (a hand edit may change that a little)"
                if error.too_large
                else ""
            ),
        ) from None
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        # Edited by hand: accepted, but a broken JSON edit is reported here, with its
        # place, rather than as a puzzling error in the code being replayed.
        if file.suffix == ".json":
            try:
                json.loads(data)
            except json.JSONDecodeError as error:
                raise CassetteFormatError(
                    file, f"invalid JSON ({error.msg}, column {error.colno})", line=error.lineno
                ) from None
        logger.info("%s was edited after it was recorded; replaying it as it is now", file)
    return data


def make_body_directory(cassette: Path) -> Path:
    """Make ``cassette``'s ``NAME.bodies`` as a plain folder, and return it; refuse a link
    or a file there."""
    directory = body_file_directory(cassette)
    cassette.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.mkdir(directory)
    except FileExistsError:
        if not _plain_directory(directory):
            raise CassetteError(
                f"Not saving cassette {cassette}: {directory} is "
                + ("a symbolic link" if _is_link(directory) else "not a folder")
                + ". Body files are written only into a plain folder beside the cassette, "
                "so recording never writes or deletes files elsewhere; remove it and record "
                "again. Nothing was written."
            ) from None
    return directory


def _written_by_a_cassette(file: Path) -> bool:
    """Whether ``file`` is a plain file named after the hash of its content, as written here.

    Only such files are ever deleted: a file someone else put in a ``.bodies`` folder, or a
    link, stays where it is.
    """
    if not BODY_FILE_NAME.fullmatch(file.name):
        return False
    try:
        descriptor = os.open(file, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    digest = hashlib.sha256()
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return False
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest().startswith(file.name.split(".", 1)[0])


def remove_written_body_files(directory: Path, keep: frozenset[str] = frozenset()) -> None:
    """Delete the body files a cassette wrote in ``directory`` (but those named in ``keep``),
    then the folder if that left it empty. A link, or a file no cassette wrote, is kept."""
    if not _plain_directory(directory):
        return
    for file in directory.iterdir():
        if file.name not in keep and _written_by_a_cassette(file):
            with contextlib.suppress(OSError):
                file.unlink()
    with contextlib.suppress(OSError):
        directory.rmdir()  # only when empty


def remove_orphaned_body_folders(folder: Path) -> None:
    """Clear the ``NAME.bodies`` folders in ``folder`` whose cassette was deleted."""
    if not _plain_directory(folder):
        return
    for directory in folder.glob(f"*{BODIES_SUFFIX}"):
        stem = directory.name[: -len(BODIES_SUFFIX)]
        if any((folder / f"{stem}{suffix}").exists() for suffix in (".yaml", ".yml")):
            continue
        remove_written_body_files(directory)
