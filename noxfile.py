"""The suite on every supported Python: ``nox`` (or ``make test``, which runs the subset).

``tests`` runs the whole suite on the oldest supported Python; ``subset`` runs the fast
tests (the client, the fake server's API, cassette replay) on the newer ones, so a
feature that breaks on one of them shows within CI's time budget. Each session installs
the project with its test extra into a virtualenv of its own (reused); ``fresh_install``
installs the project alone, as a user does, and runs a script of the published kind.
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

#: The oldest supported Python, where the whole suite runs.
OLDEST = "3.11"
#: The newer ones, where the fast subset runs.
NEWER = ["3.12", "3.13"]

#: Tests that cover each part in seconds: the client (its surface against every published
#: version, the error flow, the messages), the fake server's API, recording and replay.
FAST_SUBSET = [
    "tests/client",
    "tests/fake_server/test_api.py",
    "tests/cassettes/test_playback.py",
]

nox.options.sessions = ["tests", "subset", "fresh_install"]
nox.options.reuse_existing_virtualenvs = True


def _let_pyenv_offer_every_version() -> None:
    """pyenv's shims run only the versions PYENV_VERSION names; name every installed one,
    so ``python3.12`` and ``python3.13`` are found beside the global version."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    if "PYENV_VERSION" in os.environ or not (root / "versions").is_dir():
        return
    installed = sorted(
        (path.name for path in (root / "versions").iterdir() if path.name[:1].isdigit()),
        key=lambda name: [int(part) for part in name.split(".") if part.isdigit()],
        reverse=True,
    )
    if installed:
        os.environ["PYENV_VERSION"] = ":".join(installed)


_let_pyenv_offer_every_version()


def _install(session: nox.Session) -> None:
    session.install("-e", ".[test]")


@nox.session(python=OLDEST)
def tests(session: nox.Session) -> None:
    """The whole suite."""
    _install(session)
    session.run("pytest", "-n", "2", *session.posargs)


@nox.session(python=NEWER)
def subset(session: nox.Session) -> None:
    """The fast subset."""
    _install(session)
    session.run("pytest", "-n", "2", "-q", *FAST_SUBSET, *session.posargs)


# Never reused: a virtualenv left from an earlier install could hide a dropped dependency.
@nox.session(python=NEWER[-1], reuse_venv=False)
def fresh_install(session: nox.Session) -> None:
    """Only this project, as a user installs it: a script importing what the published
    package brought (requests, pyjwt, openpyxl, python-dotenv, numpy, matplotlib) runs."""
    session.install(".")
    session.run("python", "tests/client/published_imports.py", session.create_tmp())
