"""Whether the installed ``spacestudio`` package is this distribution's, whole, and its repair.

The published client, ``spacestudio-constellation``, installs the same import package
``spacestudio``. pip installs either over the other without a word, and uninstalling one
deletes every file its RECORD lists, files of the other included: after ``pip install
spacestudio-constellation`` and ``pip uninstall spacestudio-constellation``, the harness
has lost its ``__init__.py`` and its seed modules. This module reads the installed
distributions' RECORDs (:mod:`importlib.metadata`, the standard library only, so it runs
however broken the package is) and says what happened and the one command that repairs it.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import Distribution, distributions
from pathlib import Path, PurePosixPath

#: This project's distribution, and the import package it shares with the published one.
DISTRIBUTION = "spacestudio-harness"
PACKAGE = "spacestudio"
#: How many file names a problem quotes; the rest are counted.
_QUOTED_FILES = 3


@dataclass(frozen=True)
class Installation:
    """What the installed distributions say about the ``spacestudio`` package."""

    #: The installed version of this distribution; None when it is not installed (a
    #: source checkout on ``sys.path``), which leaves nothing to check.
    version: str | None
    #: Other distributions that install files into ``spacestudio/``, as "name version".
    others: tuple[str, ...] = ()
    #: Files of ours, as the RECORD names them, that are gone / hold other bytes.
    missing: tuple[str, ...] = ()
    overwritten: tuple[str, ...] = ()
    #: The command that makes the package ours and whole again.
    repair: str = ""

    @property
    def intact(self) -> bool:
        return not (self.others or self.missing or self.overwritten)

    def problem(self) -> str | None:
        """One paragraph: what is wrong with the package, why, and the command to run."""
        if self.intact:
            return None
        ours = f"{DISTRIBUTION} {self.version}"
        damage = [
            f"{_files(names)} {'is' if len(names) == 1 else 'are'} {how}"
            for names, how in ((self.missing, "missing"), (self.overwritten, "overwritten"))
            if names
        ]
        if self.others:
            said = (
                f"{' and '.join(self.others)} is installed beside {ours}, and both install "
                f"the import package spacestudio (only one can be installed at a time)"
            )
            said += (
                f"; of {DISTRIBUTION}'s files, {' and '.join(damage)}"
                if damage
                else f"; uninstalling it would delete files of {DISTRIBUTION}"
            )
        else:
            said = (
                f"The spacestudio package of {ours} is damaged: {' and '.join(damage)}, as after "
                f"uninstalling spacestudio-constellation (the published client, which "
                f"installs the same import package and deletes every file it installed)"
            )
        return f"{said}. Repair it with:\n    {self.repair}"


def _files(names: Sequence[str]) -> str:
    quoted = ", ".join(names[:_QUOTED_FILES])
    more = len(names) - _QUOTED_FILES
    count = f"{len(names)} file{'s' if len(names) > 1 else ''}"
    return f"{count} ({quoted}{f' and {more} more' if more > 0 else ''})"


def _record_hash(path: Path) -> str:
    """A file's sha256 as a RECORD writes it: urlsafe base64 without padding."""
    digest = hashlib.sha256(path.read_bytes()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _recorded(distribution: Distribution) -> list[tuple[PurePosixPath, str | None]]:
    """The files a distribution's RECORD lists under ``spacestudio/`` (bytecode aside),
    each with its sha256 as the RECORD writes it. Read from the RECORD itself: from
    Python 3.12 on, ``Distribution.files`` leaves out the files that are gone, the very
    ones a damaged install is missing."""
    recorded: list[tuple[PurePosixPath, str | None]] = []
    for row in csv.reader((distribution.read_text("RECORD") or "").splitlines()):
        if not row:
            continue
        file = PurePosixPath(row[0])
        if file.parts[:1] != (PACKAGE,) or file.suffix == ".pyc":
            continue
        mode, _, value = (row[1] if len(row) > 1 else "").partition("=")
        recorded.append((file, value if mode == "sha256" and value else None))
    return recorded


def _package_files(distribution: Distribution) -> list[str]:
    """The files a distribution's RECORD lists under ``spacestudio/`` (bytecode aside)."""
    return [str(file) for file, _ in _recorded(distribution)]


def _damage(distribution: Distribution) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Our files that are missing, and those whose bytes differ from the RECORD's hash."""
    missing: list[str] = []
    overwritten: list[str] = []
    for file, expected in _recorded(distribution):
        located = Path(str(distribution.locate_file(file)))
        if not located.is_file():
            missing.append(str(file))
        elif expected is not None and _record_hash(located) != expected:
            overwritten.append(str(file))
    return tuple(missing), tuple(overwritten)


def _install_source(distribution: Distribution) -> list[str]:
    """The ``pip install`` arguments that install this distribution again from where it
    came (PEP 610's direct_url.json), else from the index at its version."""
    pinned = [f"{DISTRIBUTION}=={distribution.version}"]
    text = distribution.read_text("direct_url.json")
    if not text:
        return pinned
    try:
        origin = json.loads(text)
    except ValueError:
        return pinned
    url = origin.get("url") if isinstance(origin, dict) else None
    if not isinstance(url, str):
        return pinned
    local = Path(url.removeprefix("file://")) if url.startswith("file://") else None
    if local is not None and not local.exists():
        return pinned
    source = str(local) if local is not None else url
    if isinstance(origin.get("dir_info"), dict) and origin["dir_info"].get("editable"):
        return ["-e", source]
    vcs = origin.get("vcs_info")
    if isinstance(vcs, dict) and isinstance(vcs.get("vcs"), str):
        commit = vcs.get("commit_id")
        return [f"{vcs['vcs']}+{url}" + (f"@{commit}" if commit else "")]
    return [source]


def inspect_installation(path: Sequence[str] | None = None) -> Installation:
    """Read the distributions on ``path`` (default ``sys.path``) about the spacestudio
    package: ours, whole or damaged, and any other that installs it."""
    search = list(sys.path if path is None else path)
    ours: Distribution | None = None
    others: list[str] = []
    seen: set[str] = set()
    for distribution in distributions(path=search):
        name = distribution.metadata["Name"] or ""
        key = name.lower().replace("_", "-")
        if key in seen:  # a distribution found twice on the path counts once, the first
            continue
        seen.add(key)
        if key == DISTRIBUTION:
            ours = distribution
        elif _package_files(distribution):
            others.append(f"{name} {distribution.version}")
    if ours is None:
        return Installation(version=None)
    missing, overwritten = _damage(ours)
    pip = [sys.executable, "-m", "pip"]
    source = _install_source(ours)
    reinstall = shlex.join([*pip, "install", "--force-reinstall", "--no-deps", *source])
    uninstall = shlex.join([*pip, "uninstall", "-y", *(o.split(" ")[0] for o in others)])
    return Installation(
        version=ours.version,
        others=tuple(others),
        missing=missing,
        overwritten=overwritten,
        repair=f"{uninstall} && {reinstall}" if others else reinstall,
    )
