"""Cassette storage: vcrpy's persister, saving and loading cassette files safely.

Saving encodes the interactions (:mod:`~spacestudio.cassettes.cassette_format`), refuses
to go on if a secret would be written (:mod:`~spacestudio.cassettes.leaks`), checks that
what would be written reads back as it was recorded, then writes.

Every write is atomic (temporary file, then ``os.replace``), body files first and the
cassette last; body files are named after their content, so writing one never changes
a file the previous cassette refers to, and an interrupted recording leaves the previous
cassette whole. Body files no cassette refers to any more are removed afterwards, and so
are the ``.bodies`` folders of cassettes deleted from the same folder
(:mod:`~spacestudio.cassettes.body_files`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from spacestudio.cassettes.body_files import (
    body_file_directory,
    make_body_directory,
    remove_orphaned_body_folders,
    remove_written_body_files,
)
from spacestudio.cassettes.cassette_format import (
    MAX_CASSETTE_BYTES,
    EncodedCassette,
    decode_cassette,
    decode_cassette_from,
    encode_cassette,
)
from spacestudio.cassettes.errors import CassetteFormatError
from spacestudio.cassettes.leaks import LeakCheck, refuse_leaks
from spacestudio.cassettes.messages import body_bytes
from spacestudio.cassettes.plain_files import NotPlainFileError, read_plain_file
from spacestudio.cassettes.vcr_seam import CassetteNotFoundError

logger = logging.getLogger("spacestudio.cassettes")


_RECORDED_AGAINST = re.compile(r"^recorded_against: *([a-z]+) *$", re.MULTILINE)


def recorded_against(path: Path) -> str | None:
    """What the cassette at ``path`` was recorded against (``fake``, ``live``), if it says."""
    try:
        head = read_plain_file(path, MAX_CASSETTE_BYTES, head=4096).decode("utf-8", "replace")
    except OSError:
        return None
    found = _RECORDED_AGAINST.search(head.split("\ninteractions:", 1)[0])
    return found.group(1) if found else None


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed before the rename
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    temporary = Path(handle.name)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


class CassettePersister:
    """vcrpy's persister for spacestudio cassettes.

    ``check_leaks`` gets every byte about to be written and returns the kinds of secret
    it finds; any finding stops the write (:class:`SecretLeakError`). Without
    ``read_existing`` the cassette is treated as empty (it is being recorded afresh).
    """

    def __init__(
        self,
        check_leaks: LeakCheck | None = None,
        *,
        read_existing: bool = True,
        extra_paths: Sequence[Path] = (),
        recorded_against: str | None = None,
    ) -> None:
        self.check_leaks = check_leaks
        self.read_existing = read_existing
        #: Cassettes loaded after the main one, never written (pytest-recording's extras).
        self.extra_paths = list(extra_paths)
        #: What the cassette is recorded against (``fake`` or ``live``), written into it.
        self.recorded_against = recorded_against

    def load_cassette(self, cassette_path: str | Path, serializer: Any = None) -> Any:
        path = Path(cassette_path)
        requests: list[Any] = []
        responses: list[Any] = []
        for source in [path] * self.read_existing + self.extra_paths:
            try:
                loaded = self._load_one(source)
            except CassetteNotFoundError:
                continue
            requests += loaded[0]
            responses += loaded[1]
        if not requests:
            raise CassetteNotFoundError(str(path))
        return requests, responses

    def _load_one(self, path: Path) -> tuple[list[Any], list[Any]]:
        try:
            raw = read_plain_file(path, MAX_CASSETTE_BYTES)
        except (FileNotFoundError, IsADirectoryError):
            raise CassetteNotFoundError(str(path)) from None
        except NotPlainFileError as error:
            advice = (
                "; a cassette this large is better split into several"
                if error.too_large
                else "; a cassette is read only from a regular file"
            )
            raise CassetteFormatError(path, f"the cassette file {error}{advice}") from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            raise CassetteFormatError(path, "not UTF-8 text", line=line) from None
        if not text.strip():
            raise CassetteNotFoundError(str(path))
        return decode_cassette(path, text)

    def save_cassette(
        self, cassette_path: str | Path, cassette_dict: dict[str, Any], serializer: Any = None
    ) -> None:
        path = Path(cassette_path)
        encoded = encode_cassette(
            path,
            cassette_dict["requests"],
            cassette_dict["responses"],
            recorded_against=self.recorded_against,
        )
        if self.check_leaks is not None:
            refuse_leaks(path, self.check_leaks, encoded.text, encoded.body_files)
        # Read back before writing: what replays must be what was recorded.
        _check_reads_back(path, encoded, cassette_dict)
        directory = make_body_directory(path) if encoded.body_files else body_file_directory(path)
        for name, data in sorted(encoded.body_files.items()):
            _atomic_write(directory / name, data)
        _atomic_write(path, encoded.text.encode("utf-8"))
        remove_written_body_files(directory, keep=frozenset(encoded.body_files))
        remove_orphaned_body_folders(path.parent)
        logger.info(
            "Saved cassette %s (%d interactions, %d body files)",
            path,
            len(cassette_dict["requests"]),
            len(encoded.body_files),
        )


def same_body(first: bytes, second: bytes) -> bool:
    """Whether two bodies are the same bytes, or the same JSON document."""
    if first == second:
        return True
    try:
        return bool(json.loads(first) == json.loads(second))
    except ValueError:
        return False


def _check_reads_back(path: Path, encoded: EncodedCassette, cassette_dict: dict[str, Any]) -> None:
    requests, responses = decode_cassette_from(path, encoded)
    originals = zip(cassette_dict["requests"], cassette_dict["responses"], strict=True)
    for index, (original_request, original_response) in enumerate(originals):
        request, response = requests[index], responses[index]
        original_body = original_response.get("body", {}).get("string") or b""
        if isinstance(original_body, str):
            original_body = original_body.encode("utf-8")
        if (
            request.method != original_request.method
            or request.uri != original_request.uri
            or not same_body(body_bytes(request), body_bytes(original_request))
            or response["status"]["code"] != int(original_response["status"]["code"])
            or not same_body(response["body"]["string"], original_body)
        ):
            raise CassetteFormatError(
                path, f"interaction {index + 1} would not read back as it was recorded"
            )
