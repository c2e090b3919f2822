"""The published ``spacestudio-constellation`` sdists, downloaded at test time.

Exotrail's sdists (3.4.0 to 3.8.0) hold the published client and the use-case scripts
written against the real service: they are the contract our client and fake server are
held to. They are never committed: :func:`sdist` downloads one with pip into the
git-ignored ``.cache/vendor-sdists/`` the first time and reuses it afterwards. Parallel
test workers share the cache under a file lock. Each archive must have the sha256 pinned
in :data:`SHA256` before it is unpacked, and is unpacked member by member after checking
that every member is a plain file or folder inside the target (:func:`safe_extract`), on
every Python the project supports (``tarfile``'s ``filter=`` came only with 3.11.4).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

#: The sha256 of every published sdist the client must stand in for, as PyPI serves it.
SHA256 = {
    "3.4.0": "aa7469ef021ad648fdfb37febfae74a03adff689e77a5b3cde00b3fd25898fb0",
    "3.4.1": "50d32dd919f8d5a92bb065eb05b4da6cf1eb61ea03d6667d1a77fe1fdee7e706",
    "3.4.2": "de9f918a2f594cc264fb73819b4039f4140c41c5358f515619aac8977ce840f8",
    "3.4.3": "0cec8f44067e3053a1c744f1a6d98b6079ec6638b5a32d91f5040e52232b39c8",
    "3.4.4": "c85f9b7a7c128045b57b517e40d198edba4edd923218a89a873ffe84f44e4be2",
    "3.5.0": "506797af2b9897a9d5493ece39af49a7db853120f4b601c5941093cfdfb44e2b",
    "3.6.0": "9d2580f8b30accd7cad52e1a9b2f149c5363282f7b1e47f838592b847ad28fce",
    "3.7.0": "5e82444c096b38242e2131b2c00f707ea8d5c73823f8fceba2e22d208e9ff729",
    "3.8.0": "b7536997906170a8c74f64deb6349c2c68abbdb03be0b2c69a54e688e206f808",
}
#: Every published version the client must stand in for.
VERSIONS = tuple(SHA256)
#: The folder of each sdist holding the vendor's use-case scripts.
USE_CASES = "API use cases"
CACHE = Path(
    os.environ.get(
        "SPACESTUDIO_VENDOR_CACHE", Path(__file__).resolve().parent.parent / ".cache/vendor-sdists"
    )
)
PACKAGE = "spacestudio-constellation"


class VendorUnavailable(RuntimeError):
    """The sdist could not be downloaded; the message says why and what to do."""


class VendorMismatch(RuntimeError):
    """The sdist is not the one pinned: another hash, or a member that could escape."""


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sdist(version: str) -> Path:
    """The unpacked sdist of ``version`` (its top folder), downloading it when needed."""
    if version not in VERSIONS:
        raise ValueError(f"{version} is not a published version; one of {', '.join(VERSIONS)}")
    target = CACHE / f"{PACKAGE}-{version}"
    if (target / USE_CASES).is_dir():
        return target
    with _locked(CACHE / ".lock"):
        if (target / USE_CASES).is_dir():
            return target
        archive = _download(version)
        check_sha256(archive, SHA256[version])
        staging = CACHE / f".unpacking-{version}"
        shutil.rmtree(staging, ignore_errors=True)
        safe_extract(archive, staging)
        unpacked = staging / f"{PACKAGE}-{version}"
        if not (unpacked / USE_CASES).is_dir():
            raise VendorUnavailable(f"{archive.name} has no '{USE_CASES}' folder")
        shutil.rmtree(target, ignore_errors=True)
        unpacked.rename(target)  # whole or not at all: an interrupted run leaves no half
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _download(version: str) -> Path:
    downloads = CACHE / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    for candidate in downloads.glob(f"{PACKAGE}-{version}.tar.gz"):
        return candidate
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
        "--no-binary", ":all:", "--dest", str(downloads), f"{PACKAGE}=={version}",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    found = list(downloads.glob(f"{PACKAGE}-{version}.tar.gz"))
    if done.returncode != 0 or not found:
        raise VendorUnavailable(
            f"could not download {PACKAGE}=={version} from PyPI (pip said: "
            f"{done.stderr.strip()[-400:]}); these tests need PyPI, or a filled "
            f"cache at {CACHE} (SPACESTUDIO_VENDOR_CACHE)"
        )
    return found[0]


def check_sha256(archive: Path, expected: str) -> None:
    """Raise :class:`VendorMismatch` unless ``archive`` hashes to ``expected``."""
    digest = hashlib.sha256()
    with archive.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    actual = digest.hexdigest()
    if actual != expected:
        raise VendorMismatch(
            f"{archive} has sha256 {actual}, but {expected} is pinned for it in "
            f"tests/vendor.py (SHA256). The download is not the published sdist: delete "
            f"{archive} so that the next run downloads it again from PyPI; if it then "
            f"still differs, PyPI serves another file under that version, which must be "
            f"examined before its hash is pinned."
        )


def safe_extract(archive: Path, target: Path) -> None:
    """Unpack ``archive`` into ``target``, refusing the whole archive when one member is
    not a regular file or folder, has an absolute path, or climbs out with ``..``. The
    same rules as ``tarfile``'s ``filter="data"``, checked here because that filter
    exists only from Python 3.11.4; permissions are kept to the owner's read/write
    (and execute where the member has it) either way."""
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
        for member in members:
            problem = _unsafe(member)
            if problem:
                raise VendorMismatch(
                    f"{archive.name}: member {member.name!r} {problem}; refusing to unpack "
                    f"it. Delete {archive} and download it again; a published sdist holds "
                    f"only plain files and folders under its own top folder."
                )
        target.mkdir(parents=True, exist_ok=True)
        for member in members:
            destination = target.joinpath(*PurePosixPath(member.name).parts)
            if member.isdir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            assert source is not None  # a regular file always has content
            with source, destination.open("wb") as out:
                shutil.copyfileobj(source, out)
            destination.chmod(0o755 if member.mode & 0o111 else 0o644)


def _unsafe(member: tarfile.TarInfo) -> str | None:
    """Why ``member`` must not be unpacked, or None."""
    if not (member.isfile() or member.isdir()):
        return "is a link or a special file, not a regular file or folder"
    path = PurePosixPath(member.name)
    if path.is_absolute():
        return "has an absolute path"
    if ".." in path.parts:
        return "climbs out of the archive's folder with '..'"
    return None


def client_package(version: str) -> Path:
    """The folder holding the vendor's ``spacestudio`` package (put it on sys.path)."""
    return sdist(version)


def use_cases(version: str = "3.8.0") -> Path:
    """The folder of the vendor's use-case scripts."""
    return sdist(version) / USE_CASES
