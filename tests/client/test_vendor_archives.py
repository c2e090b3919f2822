"""The published sdists are unpacked only when they are the pinned files, and safely on
every supported Python (tests/vendor.py), without ``tarfile``'s ``filter=`` of 3.11.4+."""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

import pytest

from tests import vendor


def _archive(path: Path, *members: tarfile.TarInfo, content: bytes = b"print('hi')\n") -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for member in members:
            if member.isfile():
                member.size = len(content)
                tar.addfile(member, io.BytesIO(content))
            else:
                tar.addfile(member)
    return path


def _member(
    name: str, kind: bytes = tarfile.REGTYPE, link: str = "", mode: int = 0o644
) -> tarfile.TarInfo:
    member = tarfile.TarInfo(name)
    member.type = kind
    member.linkname = link
    member.mode = mode
    return member


def test_plain_files_and_folders_are_unpacked_with_their_execute_bit(tmp_path: Path) -> None:
    archive = _archive(
        tmp_path / "ok.tar.gz",
        _member("pkg-1.0", tarfile.DIRTYPE, mode=0o755),
        _member("pkg-1.0/setup.py"),
        _member("pkg-1.0/bin/run", mode=0o4755),  # setuid: dropped, execute kept
    )
    vendor.safe_extract(archive, tmp_path / "out")
    assert (tmp_path / "out/pkg-1.0/setup.py").read_text() == "print('hi')\n"
    assert (tmp_path / "out/pkg-1.0/setup.py").stat().st_mode & 0o7777 == 0o644
    assert (tmp_path / "out/pkg-1.0/bin/run").stat().st_mode & 0o7777 == 0o755


@pytest.mark.parametrize(
    ("member", "problem"),
    [
        (_member("/etc/evil"), "absolute path"),
        (_member("pkg-1.0/../../evil"), "'..'"),
        (_member("pkg-1.0/link", tarfile.SYMTYPE, link="/etc/passwd"), "link"),
        (_member("pkg-1.0/hard", tarfile.LNKTYPE, link="pkg-1.0/setup.py"), "link"),
        (_member("pkg-1.0/fifo", tarfile.FIFOTYPE), "special file"),
    ],
    ids=["absolute", "dot-dot", "symlink", "hardlink", "fifo"],
)
def test_an_archive_with_a_member_that_could_escape_is_refused_whole(
    tmp_path: Path, member: tarfile.TarInfo, problem: str
) -> None:
    archive = _archive(tmp_path / "bad.tar.gz", _member("pkg-1.0/setup.py"), member)
    with pytest.raises(vendor.VendorMismatch, match=problem) as raised:
        vendor.safe_extract(archive, tmp_path / "out")
    assert member.name in str(raised.value) and "bad.tar.gz" in str(raised.value)
    assert not (tmp_path / "out").exists()  # nothing unpacked, not even the good member
    assert not (tmp_path / "evil").exists()


def test_every_published_version_has_a_pinned_sha256() -> None:
    assert set(vendor.VERSIONS) == set(vendor.SHA256)
    assert all(len(digest) == 64 and int(digest, 16) >= 0 for digest in vendor.SHA256.values())


def test_a_download_that_is_not_the_pinned_file_is_refused_with_both_hashes(
    tmp_path: Path,
) -> None:
    archive = tmp_path / "spacestudio-constellation-3.8.0.tar.gz"
    archive.write_bytes(b"not the published sdist")
    with pytest.raises(vendor.VendorMismatch) as raised:
        vendor.check_sha256(archive, vendor.SHA256["3.8.0"])
    message = str(raised.value)
    actual = hashlib.sha256(b"not the published sdist").hexdigest()
    assert str(archive) in message and vendor.SHA256["3.8.0"] in message and actual in message
    assert f"delete {archive}" in message


def test_every_published_sdist_is_its_pinned_download_unpacked() -> None:
    for version in vendor.VERSIONS:
        assert (vendor.sdist(version) / vendor.USE_CASES).is_dir()
        download = vendor.CACHE / "downloads" / f"{vendor.PACKAGE}-{version}.tar.gz"
        vendor.check_sha256(download, vendor.SHA256[version])
