"""Body files beside a cassette: they follow a renamed cassette, go with a deleted one, and
are only ever plain files of the cassette's own folder (no link, no device, no other path)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from spacestudio.cassettes import CassetteError, CassetteFormatError, use_cassette
from spacestudio.cassettes.body_files import body_file_directory
from tests.cassettes.backend import MiniBackend

BIG = json.dumps([{"t": i, "sma": 7e6 + i} for i in range(8000)]).encode()


def _big(backend: MiniBackend, base: str | None = None) -> Any:
    http, users = backend.log_in(base)
    return http.get(f"{users}/big").json()


def _record_big(backend: MiniBackend, path: Path) -> None:
    backend.big_body = BIG
    with use_cassette(path, record=True, scrubber=backend.scrubber()):
        _big(backend)


def _replay_big(backend: MiniBackend, path: Path) -> Any:
    with use_cassette(path):
        return _big(backend, "https://x.invalid")


def test_a_cassette_renamed_with_its_bodies_folder_still_replays(
    backend: MiniBackend, tmp_path: Path
) -> None:
    old = tmp_path / "old.yaml"
    _record_big(backend, old)
    assert "old.bodies" not in old.read_text()  # the entry names the file, not its folder
    new = tmp_path / "renamed.yaml"
    old.rename(new)
    body_file_directory(old).rename(body_file_directory(new))
    assert _replay_big(backend, new) == json.loads(BIG)


def test_a_cassette_written_with_folder_names_still_replays_after_a_rename(
    backend: MiniBackend, tmp_path: Path
) -> None:
    # Format 2 cassettes written before named "NAME.bodies/HASH.json".
    old = tmp_path / "old.yaml"
    _record_big(backend, old)
    text = re.sub(r"file: ([0-9a-f]{24}\.json)", r"file: old.bodies/\1", old.read_text())
    new = tmp_path / "renamed.yaml"
    new.write_text(text)
    old.unlink()
    body_file_directory(old).rename(body_file_directory(new))
    assert _replay_big(backend, new) == json.loads(BIG)


def test_the_bodies_folder_of_a_deleted_cassette_goes_at_the_next_save(
    backend: MiniBackend, tmp_path: Path
) -> None:
    gone = tmp_path / "gone.yaml"
    _record_big(backend, gone)
    stranger = body_file_directory(gone) / "notes.txt"
    stranger.write_text("kept: no cassette wrote it")
    gone.unlink()
    _record_big(backend, tmp_path / "other.yaml")
    assert [path.name for path in body_file_directory(gone).iterdir()] == ["notes.txt"]
    stranger.unlink()
    _record_big(backend, tmp_path / "other.yaml")
    assert not body_file_directory(gone).exists()
    assert body_file_directory(tmp_path / "other.yaml").is_dir()


def test_a_linked_bodies_folder_is_neither_written_nor_emptied(
    backend: MiniBackend, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    precious = elsewhere / "0123456789abcdef01234567.json"
    precious.write_text("[]")
    cassettes = tmp_path / "cassettes"
    cassettes.mkdir()
    path = cassettes / "big.yaml"
    body_file_directory(path).symlink_to(elsewhere)
    with pytest.raises(CassetteError, match="is a symbolic link"):
        _record_big(backend, path)
    assert [file.name for file in elsewhere.iterdir()] == [precious.name]
    assert not path.exists()


def test_only_files_a_cassette_wrote_are_deleted(backend: MiniBackend, tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    _record_big(backend, path)
    directory = body_file_directory(path)
    outside = tmp_path / "outside.json"
    outside.write_text("{}")
    linked = directory / "00000000000000000000abcd.json"
    linked.symlink_to(outside)
    mine = directory / "ffffffffffffffffffffffff.json"
    mine.write_text('{"hand": "made"}')  # named like a body file, but not after its content
    backend.big_body = BIG.replace(b"7000000.0", b"7000000.5")
    with use_cassette(path, record=True, scrubber=backend.scrubber()):
        _big(backend)
    assert linked.is_symlink() and outside.read_text() == "{}"
    assert mine.read_text() == '{"hand": "made"}'
    assert len([file for file in directory.iterdir() if not file.is_symlink()]) == 2


def _entry_pointing_at(path: Path, name: str, size: int) -> None:
    text = re.sub(r"file: [0-9a-f]{24}\.json", f"file: {name}", path.read_text())
    text = re.sub(r"bytes: \d+", f"bytes: {size}", text)
    path.write_text(text)


@pytest.mark.parametrize(
    "name",
    ["/proc/self/environ", "/dev/zero", "../outside.json", "big.bodies/../../x.json", "a/b.json"],
)
def test_a_file_entry_naming_another_path_is_refused(
    backend: MiniBackend, tmp_path: Path, name: str
) -> None:
    path = tmp_path / "big.yaml"
    _record_big(backend, path)
    _entry_pointing_at(path, name, 10)
    with pytest.raises(CassetteFormatError, match="must"):
        _replay_big(backend, path)


def test_a_body_file_that_is_a_link_or_a_device_is_refused(
    backend: MiniBackend, tmp_path: Path
) -> None:
    path = tmp_path / "big.yaml"
    _record_big(backend, path)
    (body_file,) = body_file_directory(path).iterdir()
    body_file.unlink()
    body_file.symlink_to("/proc/self/environ")
    with pytest.raises(CassetteFormatError, match="not a plain file"):
        _replay_big(backend, path)
    body_file.unlink()
    body_file.symlink_to("/dev/zero")
    with pytest.raises(CassetteFormatError, match="not a plain file"):
        _replay_big(backend, path)


def test_a_bodies_folder_that_is_a_link_is_not_read(backend: MiniBackend, tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    _record_big(backend, path)
    directory = body_file_directory(path)
    moved = tmp_path / "moved"
    directory.rename(moved)
    directory.symlink_to(moved)
    with pytest.raises(CassetteFormatError, match="symbolic link"):
        _replay_big(backend, path)


def test_a_body_file_far_larger_than_recorded_is_not_read(
    backend: MiniBackend, tmp_path: Path
) -> None:
    path = tmp_path / "big.yaml"
    _record_big(backend, path)
    (body_file,) = body_file_directory(path).iterdir()
    with body_file.open("ab") as handle:
        handle.truncate(len(BIG) * 3 + 10 * 1024 * 1024)
    with pytest.raises(CassetteFormatError, match="where the cassette says"):
        _replay_big(backend, path)
