"""Checks an installed copy of the project as a user meets it: ``spacestudio --version``
names the installed package, and a script of the published kind runs against a
``spacestudio-fake-server`` started from the ``.env`` lines its banner prints.

Run by nox's ``fresh_install`` session with the Python of a virtualenv holding only the
built wheel, from a folder outside the repository (so nothing is imported from the
checkout); standard library only. :func:`fake_server_process` also serves the docs tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

#: What the banner's ``.env`` section ends with (fake_server/__main__.py).
LAST_ENV_LINE = "CLIENT_ID="

#: A script as users of the published client write them: settings from ``.env``.
SCRIPT = """\
from dotenv import load_dotenv
load_dotenv()
import spacestudio

spacestudio.connect(spacestudio.log_base_url, spacestudio.log_mail, spacestudio.log_password)
spacestudio.simulation.create_orbit({"name": "SSO-600", "altitude": 600e3, "inclination": 1.70693})
orbit = spacestudio.simulation.get_orbit("SSO-600")
print("orbit", orbit["name"], orbit["altitude"])
"""


@contextmanager
def fake_server_process(
    command: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None
) -> Iterator[dict[str, str]]:
    """Run ``command`` (a ``spacestudio-fake-server`` command line) in ``cwd`` until the
    block ends; yields the ``.env`` settings its banner printed, also written to
    ``cwd/.env``."""
    server = subprocess.Popen(
        list(command),
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        banner: list[str] = []
        for line in server.stdout:
            banner.append(line)
            if line.startswith(LAST_ENV_LINE):
                break
        else:
            raise RuntimeError(f"{' '.join(command)} exited before serving:\n{''.join(banner)}")
        settings = dict(
            line.strip().split("=", 1) for line in banner if "=" in line and line[0] != "#"
        )
        (cwd / ".env").write_text("".join(f"{k}={v}\n" for k, v in settings.items()))
        yield settings
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(folder: Path) -> None:
    bin_dir = Path(sys.executable).parent
    version = subprocess.run(
        [str(bin_dir / "spacestudio"), "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert "site-packages" in version and version.startswith("spacestudio-harness "), version
    (folder / "my_script.py").write_text(SCRIPT)
    with fake_server_process([str(bin_dir / "spacestudio-fake-server"), "--port", "0"], folder):
        ran = subprocess.run(
            [sys.executable, "my_script.py"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=120,
            env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        )
    assert ran.returncode == 0 and ran.stdout == "orbit SSO-600 600000.0\n", ran
    print(version.strip(), "|", ran.stdout.strip())


if __name__ == "__main__":
    main(Path(sys.argv[1]))
