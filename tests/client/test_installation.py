"""Installed beside the published client, which installs the same import package: the
clash is detected from the distributions' RECORDs, with the one command that repairs it."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from spacestudio.installation import inspect_installation

OUR_FILES = {
    "spacestudio/__init__.py": "from spacestudio._version import __version__\n",
    "spacestudio/_version.py": '__version__ = "0.1.0"\n',
    "spacestudio/cli.py": "def main() -> int:\n    return 0\n",
}
PUBLISHED_FILES = {
    "spacestudio/__init__.py": "from .api_requests import *\n",
    "spacestudio/api_requests.py": "import requests\n",
}


def _record_line(site: Path, name: str) -> str:
    digest = hashlib.sha256((site / name).read_bytes()).digest()
    encoded = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return f"{name},sha256={encoded},{(site / name).stat().st_size}"


def _install(
    site: Path, name: str, version: str, files: dict[str, str], direct_url: dict[str, object]
) -> None:
    """Write ``files`` and a dist-info as pip does: METADATA, RECORD with hashes, origin."""
    for relative, text in files.items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(text)
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (info / "direct_url.json").write_text(json.dumps(direct_url))
    lines = [_record_line(site, relative) for relative in files]
    (info / "RECORD").write_text("\n".join([*lines, f"{info.name}/RECORD,,"]) + "\n")


def _uninstall(site: Path, name: str, version: str) -> None:
    """Delete every file the RECORD lists, as pip uninstall does, whoever wrote it last."""
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    for line in (info / "RECORD").read_text().splitlines():
        (site / line.split(",")[0]).unlink(missing_ok=True)
    for leftover in info.iterdir():
        leftover.unlink()
    info.rmdir()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site-packages holding the harness, installed from a wheel that is still there."""
    wheel = tmp_path / "spacestudio_harness-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"PK")
    packages = tmp_path / "site-packages"
    packages.mkdir()
    _install(packages, "spacestudio-harness", "0.1.0", OUR_FILES,
             {"url": wheel.as_uri(), "archive_info": {}})  # fmt: skip
    return packages


def _python() -> str:
    return shlex.quote(sys.executable)


def test_an_intact_install_has_no_problem(site: Path) -> None:
    installation = inspect_installation([str(site)])
    assert installation.version == "0.1.0"
    assert installation.intact and installation.problem() is None


def test_the_published_client_installed_over_ours_is_named_with_the_repair(site: Path) -> None:
    _install(site, "spacestudio-constellation", "3.8.0", PUBLISHED_FILES, {"url": "x"})
    installation = inspect_installation([str(site)])
    assert installation.others == ("spacestudio-constellation 3.8.0",)
    assert installation.overwritten == ("spacestudio/__init__.py",)
    problem = installation.problem()
    assert problem is not None
    assert "spacestudio-constellation 3.8.0 is installed beside spacestudio-harness" in problem
    assert "1 file (spacestudio/__init__.py) is overwritten" in problem
    wheel = site.parent / "spacestudio_harness-0.1.0-py3-none-any.whl"
    assert problem.endswith(
        f"Repair it with:\n    {_python()} -m pip uninstall -y spacestudio-constellation && "
        f"{_python()} -m pip install --force-reinstall --no-deps {wheel}"
    )


def test_uninstalling_the_published_client_leaves_our_missing_files_named(site: Path) -> None:
    _install(site, "spacestudio-constellation", "3.8.0", PUBLISHED_FILES, {"url": "x"})
    _uninstall(site, "spacestudio-constellation", "3.8.0")
    installation = inspect_installation([str(site)])
    assert installation.others == ()
    assert installation.missing == ("spacestudio/__init__.py",)
    problem = installation.problem()
    assert problem is not None
    assert problem.startswith(
        "The spacestudio package of spacestudio-harness 0.1.0 is damaged: 1 file "
        "(spacestudio/__init__.py) is missing, as after uninstalling spacestudio-constellation"
    )
    assert problem.endswith(
        f"Repair it with:\n    {_python()} -m pip install --force-reinstall --no-deps "
        f"{site.parent / 'spacestudio_harness-0.1.0-py3-none-any.whl'}"
    )


def test_the_repair_reinstalls_from_the_index_when_the_wheel_is_gone(site: Path) -> None:
    (site.parent / "spacestudio_harness-0.1.0-py3-none-any.whl").unlink()
    (site / "spacestudio/cli.py").unlink()
    installation = inspect_installation([str(site)])
    assert installation.repair.endswith("--no-deps spacestudio-harness==0.1.0")


def test_an_editable_install_is_repaired_editable(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    site.mkdir()
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    _install(site, "spacestudio-harness", "0.1.0", {},
             {"url": checkout.as_uri(), "dir_info": {"editable": True}})  # fmt: skip
    _install(site, "spacestudio-constellation", "3.8.0", PUBLISHED_FILES, {"url": "x"})
    installation = inspect_installation([str(site)])
    assert installation.repair.endswith(f"--force-reinstall --no-deps -e {checkout}")


@pytest.mark.slow
def test_spacestudio_version_after_the_published_client_came_and_went(tmp_path: Path) -> None:
    """For real: our wheel, then spacestudio-constellation 3.8.0 from PyPI, then its
    uninstall; ``spacestudio --version`` says what happened, and its command repairs it."""
    project = Path(__file__).resolve().parents[2]
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}

    def run(*command: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(word) for word in command], cwd=tmp_path, env=environment,
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip

    def succeeds(*command: str | Path) -> None:
        done = run(*command)
        assert done.returncode == 0, done.stderr

    venv = tmp_path / "venv"
    python, spacestudio = venv / "bin/python", venv / "bin/spacestudio"
    succeeds(sys.executable, "-m", "venv", venv)
    succeeds(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path, project)
    wheel = next(tmp_path.glob("spacestudio_harness-*.whl"))
    succeeds(python, "-m", "pip", "install", "-q", wheel)
    assert run(spacestudio, "--version").stdout.startswith("spacestudio-harness ")

    succeeds(python, "-m", "pip", "install", "-q", "spacestudio-constellation==3.8.0")
    clash = run(spacestudio, "--version")
    assert clash.returncode == 1
    assert "spacestudio-constellation 3.8.0 is installed beside spacestudio-harness" in clash.stderr

    succeeds(python, "-m", "pip", "uninstall", "-q", "-y", "spacestudio-constellation")
    broken = run(spacestudio, "--version")
    assert broken.returncode == 1 and "Traceback" not in broken.stderr
    assert "files (spacestudio/__init__.py, " in broken.stderr and "are missing" in broken.stderr
    repair = broken.stderr.split("Repair it with:\n")[1].strip()
    assert repair == shlex.join(
        [str(python), "-m", "pip", "install", "--force-reinstall", "--no-deps", str(wheel)]
    )
    succeeds("sh", "-c", repair)
    repaired = run(spacestudio, "--version")
    assert repaired.returncode == 0, repaired.stderr
    assert repaired.stdout.startswith("spacestudio-harness ")
