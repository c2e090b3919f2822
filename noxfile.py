"""The suite on every supported Python: ``nox`` (or ``make test``, which runs the subset).

``tests`` runs the whole suite on the oldest supported Python; ``subset`` runs the fast
tests (the client, the fake server's API, cassette replay) on the newer ones, so a
feature that breaks on one of them shows within CI's time budget; ``system_python`` runs
what leans most on the standard library (the published sdists' unpacking, the client, the
cassettes) on the machine's own ``/usr/bin/python3``, often an older patch release than
pyenv's. Each session installs the project with its test extra into a virtualenv of its
own (reused); ``fresh_install`` builds the sdist and wheel, checks them with twine,
installs the wheel alone, as a user does, and runs scripts of the published kind.
"""

from __future__ import annotations

import os
import subprocess
import sys
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

#: The Python a Linux distribution ships (Debian 12: 3.11.2), which users run as it is.
SYSTEM_PYTHON = "/usr/bin/python3"
#: What differs on another patch release: the standard library under the published
#: sdists' unpacking (tests/vendor.py), the client and its transport, the cassettes.
SYSTEM_SUBSET = ["tests/client", "tests/cassettes"]

nox.options.sessions = ["tests", "subset", "system_python", "fresh_install"]
nox.options.reuse_existing_virtualenvs = True
# uv makes and fills each session's virtualenv in seconds where virtualenv and pip take
# half a minute (the test extra is large); virtualenv when uv is missing.
nox.options.default_venv_backend = "uv|virtualenv"


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


def _base_prefix(python: str) -> str:
    return subprocess.run(
        [python, "-c", "import sys; print(sys.base_prefix)"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip


def _system_python_differs() -> bool:
    """Whether the machine has a Python of its own that is not the one running nox (the
    one ``.venv`` was made with), so running the subset on it tests something more."""
    return Path(SYSTEM_PYTHON).exists() and _base_prefix(SYSTEM_PYTHON) != sys.base_prefix


@nox.session(python=SYSTEM_PYTHON if _system_python_differs() else None)
def system_python(session: nox.Session) -> None:
    """The subset that differs on the machine's own Python."""
    if not _system_python_differs():
        session.skip(f"{SYSTEM_PYTHON} is missing or is the Python nox runs on")
    _install(session)
    session.run("pytest", "-n", "2", "-q", *SYSTEM_SUBSET, *session.posargs)


# Never reused: a virtualenv left from an earlier install could hide a dropped dependency.
# virtualenv and pip, as a user installs the wheel.
@nox.session(python=NEWER[-1], reuse_venv=False, venv_backend="virtualenv")
def fresh_install(session: nox.Session) -> None:
    """Only this project, as a user installs it: its sdist and wheel build and pass
    ``twine check``; with the wheel alone installed, ``spacestudio --version`` names it, a
    script runs against ``spacestudio-fake-server``, and a script importing what the
    published package brought (requests, pyjwt, openpyxl, python-dotenv, numpy,
    matplotlib) runs."""
    dist = Path(session.create_tmp()).resolve() / "dist"
    # build and twine come with the test extra, in the environment running nox.
    session.run(sys.executable, "-m", "build", "--outdir", str(dist), ".", external=True)
    session.run(sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir()),
                external=True)  # fmt: skip
    (wheel,) = dist.glob("*.whl")
    session.install(str(wheel))
    scratch = dist.parent / "scratch"
    scratch.mkdir(exist_ok=True)
    # Run from outside the checkout, so the wheel's packages are the ones imported.
    checks = Path("tests/client").resolve()
    with session.chdir(scratch):
        session.run("python", str(checks / "installed_wheel.py"), str(scratch))
        session.run("python", str(checks / "published_imports.py"), str(scratch))
