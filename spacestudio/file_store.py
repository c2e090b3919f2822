"""The service's file store (gridfs): downloads of stored files, written to disk atomically.

Computed ephemerides are kept as files. A download streams into a temporary file beside
the target and replaces the target only once the whole body has arrived, so a broken
download never leaves half a file behind.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from spacestudio.errors import TransportError
from spacestudio.progress import DownloadProgress, progress_enabled
from spacestudio.resources import join_url
from spacestudio_contract.catalog import GRIDFS_SEGMENT

if TYPE_CHECKING:
    from spacestudio.client import Client

logger = logging.getLogger("spacestudio")

_SIZE_UNITS = ("B", "KB", "MB", "GB", "TB", "PB")
_CHUNK_BYTES = 64 * 1024


def formatted_size(size_in_bytes: float) -> str:
    """A byte count for people: ``"512 B"``, ``"1.5 MB"`` (binary multiples of 1024)."""
    if size_in_bytes < 0:
        raise ValueError(f"a size cannot be negative: {size_in_bytes}")
    size = float(size_in_bytes)
    unit = 0
    while size >= 1024 and unit < len(_SIZE_UNITS) - 1:
        size /= 1024
        unit += 1
    if unit == 0:
        return f"{int(size)} B"
    return f"{size:.1f} {_SIZE_UNITS[unit]}"


def write_stream_to_disk(
    path: str | os.PathLike[str], stream: requests.Response, *, progress: bool | None = None
) -> Path:
    """Write a streamed answer to ``path`` atomically; returns the path written.

    The bytes go to a temporary file beside ``path``, which replaces ``path`` only once
    the whole body (its ``Content-Length``) has arrived. A short or broken download
    raises TransportError and leaves any existing file at ``path`` as it was.
    """
    target = Path(path)
    expected = _declared_length(stream)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    written = 0
    try:
        with (
            open(temporary, "xb") as out,
            DownloadProgress(target.name, expected, progress_enabled(progress)) as bar,
        ):
            try:
                for chunk in stream.iter_content(chunk_size=_CHUNK_BYTES):
                    out.write(chunk)
                    written += len(chunk)
                    bar.advance(len(chunk))
            except requests.RequestException as error:
                raise _short_download(stream, target, written, expected) from error
            out.flush()
            os.fsync(out.fileno())
        if expected is not None and written != expected:
            raise _short_download(stream, target, written, expected)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        stream.close()
    logger.info("Saved %s (%s)", target, formatted_size(written))
    return target


def _declared_length(stream: requests.Response) -> int | None:
    # With a content encoding, Content-Length counts compressed bytes, not those written.
    if stream.headers.get("Content-Encoding", "identity").lower() not in ("", "identity"):
        return None
    declared = stream.headers.get("Content-Length", "")
    return int(declared) if declared.strip().isdigit() else None


def _short_download(
    stream: requests.Response, target: Path, written: int, expected: int | None
) -> TransportError:
    of = f" of {formatted_size(expected)}" if expected is not None else ""
    return TransportError(
        f"The download of {target.name} broke off after {formatted_size(written)}{of}; "
        f"{target} was left as it was",
        method="GET",
        url=stream.url,
        status=stream.status_code,
    )


class GridFS:
    """The file store of computed ephemerides, as CSV or JSON."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.url = client.collection_url(GRIDFS_SEGMENT)

    def __repr__(self) -> str:
        return f"<GridFS {self.url}>"

    def save_csv(self, filename: str, path: str | os.PathLike[str]) -> Path:
        """Download ``filename`` as CSV to ``path`` (GET gridfs/ascsv/{filename})."""
        return self._download("ascsv", filename, path)

    def save_json(self, filename: str, path: str | os.PathLike[str]) -> Path:
        """Download ``filename`` as JSON to ``path`` (GET gridfs/asjson/{filename})."""
        return self._download("asjson", filename, path)

    def csv_as_json(self, filename: str) -> Any:
        """The CSV file ``filename`` as JSON (GET gridfs/csvasjson/{filename})."""
        return self.client.call("GET", join_url(self.url, "csvasjson", filename))

    def _download(self, route: str, filename: str, path: str | os.PathLike[str]) -> Path:
        url = join_url(self.url, route, filename)
        response = self.client.request("GET", url, stream=True)
        if "html" in response.headers.get("Content-Type", "").lower():
            # A proxy's or gateway's page, not the file: never save it in the file's place.
            response.close()
            raise TransportError(
                f"An HTML page came back instead of the file {filename}; {path} was left as it was",
                method="GET",
                url=url,
                status=response.status_code,
            )
        return write_stream_to_disk(path, response, progress=self.client.progress)
