"""The published ``spacestudio-constellation`` sdists, downloaded at test time.

Exotrail's sdists (3.4.0 to 3.8.0) hold the published client and the use-case scripts
written against the real service: they are the contract our client and fake server are
held to. They are never committed: :func:`sdist` downloads one with pip into the
git-ignored ``.cache/vendor-sdists/`` the first time and reuses it afterwards. Parallel
test workers share the cache under a file lock.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Every published version the client must stand in for.
VERSIONS = ("3.4.0", "3.4.1", "3.4.2", "3.4.3", "3.4.4", "3.5.0", "3.6.0", "3.7.0", "3.8.0")
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
        staging = CACHE / f".unpacking-{version}"
        shutil.rmtree(staging, ignore_errors=True)
        with tarfile.open(archive) as tar:
            tar.extractall(staging, filter="data")
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


def client_package(version: str) -> Path:
    """The folder holding the vendor's ``spacestudio`` package (put it on sys.path)."""
    return sdist(version)


def use_cases(version: str = "3.8.0") -> Path:
    """The folder of the vendor's use-case scripts."""
    return sdist(version) / USE_CASES
