"""gridfs downloads: streamed, checked against Content-Length, replaced atomically."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import requests
import responses

import spacestudio
from spacestudio.errors import TransportError
from spacestudio.gridfs import formatted_size, write_stream_to_disk

from .conftest import USER_URL, MockService

GRIDFS = f"{USER_URL}gridfs"
CSV = b"time,sma\n0,6978137.0\n60,6978140.5\n" * 2000


@pytest.fixture
def connected(service: MockService) -> MockService:
    service.connect()
    return service


def test_csv_download_lands_whole_at_the_path(connected: MockService, tmp_path: Path) -> None:
    connected.rsps.add(responses.GET, f"{GRIDFS}/ascsv/ephem-1", body=CSV, content_type="text/csv")
    target = tmp_path / "ephemerides.csv"
    assert spacestudio.gridfs.save_csv_file_to_disk("ephem-1", target) == target
    assert target.read_bytes() == CSV
    assert [p.name for p in tmp_path.iterdir()] == ["ephemerides.csv"]


def test_json_download_and_csv_as_json(connected: MockService, tmp_path: Path) -> None:
    connected.rsps.add(responses.GET, f"{GRIDFS}/asjson/ephem-1", json={"rows": [[0, 1]]})
    connected.rsps.add(responses.GET, f"{GRIDFS}/csvasjson/ephem-1", json=[{"time": 0}])
    spacestudio.gridfs.save_json_file_to_disk("ephem-1", tmp_path / "e.json")
    assert (tmp_path / "e.json").read_text() == '{"rows": [[0, 1]]}'
    assert spacestudio.gridfs.get_csv_as_json_object("ephem-1") == [{"time": 0}]


def test_a_short_body_leaves_no_file_and_the_old_one_intact(
    connected: MockService, tmp_path: Path
) -> None:
    target = tmp_path / "ephemerides.csv"
    target.write_bytes(b"previous complete download")
    connected.rsps.add(
        responses.GET,
        f"{GRIDFS}/ascsv/ephem-1",
        body=CSV[:1000],
        headers={"Content-Length": str(len(CSV))},
        content_type="text/csv",
        auto_calculate_content_length=False,
    )
    with pytest.raises(TransportError, match=r"broke off after .* of 66.4 KB") as raised:
        spacestudio.gridfs.save_csv_file_to_disk("ephem-1", target)
    assert "was left as it was" in str(raised.value)
    assert target.read_bytes() == b"previous complete download"
    assert [p.name for p in tmp_path.iterdir()] == ["ephemerides.csv"]


def test_a_connection_broken_midway_removes_the_partial_file(tmp_path: Path) -> None:
    class BrokenStream(requests.Response):
        def iter_content(self, chunk_size: int | None = 1, decode_unicode: bool = False):  # type: ignore[no-untyped-def]
            yield b"first part"
            raise requests.exceptions.ChunkedEncodingError("connection reset")

    stream = BrokenStream()
    stream.status_code = 200
    stream.url = "https://api.spacestudio.test/gridfs/ascsv/x"
    stream.raw = io.BytesIO()
    with pytest.raises(TransportError, match="broke off after 10 B"):
        write_stream_to_disk(tmp_path / "x.csv", stream)
    assert list(tmp_path.iterdir()) == []


def test_a_missing_file_is_not_found(connected: MockService, tmp_path: Path) -> None:
    connected.rsps.add(
        responses.GET, f"{GRIDFS}/ascsv/nope", status=404, json={"message": "no file named 'nope'"}
    )
    with pytest.raises(spacestudio.NotFoundError, match="no file named 'nope'"):
        spacestudio.gridfs.save_csv_file_to_disk("nope", tmp_path / "nope.csv")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 B"),
        (1023, "1023 B"),
        (1024, "1.0 KB"),
        (1536 * 1024, "1.5 MB"),
        (5 * 1024**3, "5.0 GB"),
        (3 * 1024**4, "3.0 TB"),
    ],
)
def test_formatted_size_uses_binary_units(size: int, text: str) -> None:
    assert formatted_size(size) == text


def test_formatted_size_refuses_negative_sizes() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        formatted_size(-1)
