"""The file store (gridfs) functions of the published spacestudio client.

Computed ephemerides are stored as files; these download them as CSV or JSON, or read
a CSV file as JSON. Downloads are atomic: the file at ``path`` is replaced only once the
whole body has arrived, so a broken download never leaves half a file behind. They run
on the client that ``spacestudio.connect()`` made; ``client.gridfs`` offers the same per
client. A failed download raises even outside strict mode: the published client stopped
there too, and a script must not go on as if the file were saved.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Imported by the published module, so scripts may reach them through it.
import requests as requests

from spacestudio.api_requests import get_request as get_request
from spacestudio.client import default_client
from spacestudio.error_flow import published_flow
from spacestudio.file_store import formatted_size, write_stream_to_disk
from spacestudio.urls import connected_value

__all__ = [
    "formatted_size",
    "get_csv_as_json_object",
    "save_csv_file_to_disk",
    "save_json_file_to_disk",
    "write_stream_to_disk",
]


def save_csv_file_to_disk(filename: str, path: str | os.PathLike[str]) -> Path:
    """Download the stored file ``filename`` as CSV to ``path`` (GET gridfs/ascsv/…)."""
    return default_client().gridfs.save_csv(filename, path)


def save_json_file_to_disk(filename: str, path: str | os.PathLike[str]) -> Path:
    """Download the stored file ``filename`` as JSON to ``path`` (GET gridfs/asjson/…)."""
    return default_client().gridfs.save_json(filename, path)


@published_flow()
def get_csv_as_json_object(filename: str) -> Any:
    """The stored CSV file ``filename`` as JSON (GET gridfs/csvasjson/…)."""
    return default_client().gridfs.csv_as_json(filename)


if TYPE_CHECKING:
    GRIDFS_URL: str
else:

    def __getattr__(name: str) -> str:
        # GRIDFS_URL, read at each access: the published module imported it from urls.
        if name == "GRIDFS_URL":
            return connected_value("gridfs", name)
        raise AttributeError(f"module 'spacestudio.gridfs' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "GRIDFS_URL"})
