"""Every command and snippet of the docs runs as written, or is marked as not runnable.

tests/docs/blocks.py finds the blocks and their marks; a block without a mark fails
:func:`test_every_block_is_run_or_marked`, so a new command is never left untried. The
runnable kinds run here, each in a scratch folder (or a copy of the repository) with a
fresh fake server whose ``.env`` is there and whose address replaces ``localhost:8080``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_server.embedded import FakeServer
from tests.client.installed_wheel import SCRIPT, fake_server_process
from tests.docs.blocks import KINDS, REPOSITORY, Block, every_block

BLOCKS = every_block()
BIN = Path(sys.executable).parent
#: Written beside each block's commands, as the docs' ``my_script.py``.
MY_SCRIPT = SCRIPT
#: Where the docs point at a server started by hand.
DOCUMENTED_ADDRESS = re.compile(r"\b(?:localhost|127\.0\.0\.1):8080\b")


def _runnable(kind: str) -> list[Block]:
    return [block for block in BLOCKS if block.kind == kind]


def test_every_block_is_run_or_marked() -> None:
    problems = [
        f"{block.where}: {'no' if block.kind is None else f'an unknown ({block.kind!r})'} "
        f"mark before this block"
        for block in BLOCKS
        if block.kind not in KINDS
    ]
    assert not problems, (
        "\n".join(problems) + "\nPut `<!-- doc-test: KIND -->` on the line before each block, "
        "KIND one of:\n" + "\n".join(f"  {kind}: {meaning}" for kind, meaning in KINDS.items())
    )


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    with FakeServer() as server:
        yield server


def _copy_of_the_repository(target: Path) -> Path:
    """The tracked files, with ``.venv`` the test environment (its parts linked) and its
    install stamps fresh, so ``make`` installs nothing."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPOSITORY, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    for name in filter(None, tracked):
        source = REPOSITORY / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / ".venv").mkdir()
    for entry in Path(sys.prefix).iterdir():
        if not entry.name.startswith("."):
            (target / ".venv" / entry.name).symlink_to(entry)
    for stamp in (".installed", ".installed-demo"):
        (target / ".venv" / stamp).touch()
    return target


def _run(block: Block, folder: Path, server: FakeServer, text: str | None = None) -> str:
    (folder / "my_script.py").write_text(MY_SCRIPT)
    (folder / ".env").write_text("".join(f"{k}={v}\n" for k, v in server.env().items()))
    address = server.url.split("://", 1)[1]
    source = DOCUMENTED_ADDRESS.sub(address, text if text is not None else block.text)
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("LOG_", "SPACE"))}
    environment["PATH"] = f"{BIN}{os.pathsep}{environment['PATH']}"
    environment["MPLBACKEND"] = "Agg"
    if block.language == "python":
        command = [sys.executable, "-c", source]
    else:
        command = ["bash", "-euo", "pipefail", "-c", source]
    done = subprocess.run(
        command, cwd=folder, env=environment, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, (
        f"{block.where} failed as written (exit {done.returncode}):\n{source}\n"
        f"stdout:\n{done.stdout[-2000:]}\nstderr:\n{done.stderr[-2000:]}"
    )
    return done.stdout


@pytest.mark.parametrize("block", _runnable("scratch"), ids=lambda block: block.where)
def test_scratch_blocks_run(block: Block, tmp_path: Path, fake_server: FakeServer) -> None:
    _run(block, tmp_path, fake_server)


@pytest.mark.parametrize("block", _runnable("repo"), ids=lambda block: block.where)
def test_repository_blocks_run(block: Block, tmp_path: Path, fake_server: FakeServer) -> None:
    _run(block, _copy_of_the_repository(tmp_path), fake_server)


def _dry(line: str) -> str:
    """``make`` as ``make -n``, ``pytest`` collecting only."""
    code = line.split("#", 1)[0].rstrip()
    if re.match(r"(\S*/)?make\b", code):
        return re.sub(r"^((\S*/)?make)\b", r"\1 -n", code)
    if re.match(r"(\S+=\S+ )*(\S*/)?pytest\b", code):
        return f"{code} --collect-only -q"
    return code


@pytest.mark.parametrize("block", _runnable("dry-run"), ids=lambda block: block.where)
def test_dry_run_blocks_are_valid(block: Block, tmp_path: Path, fake_server: FakeServer) -> None:
    text = "\n".join(_dry(line) for line in block.text.splitlines()) + "\n"
    _run(block, _copy_of_the_repository(tmp_path), fake_server, text)


@pytest.mark.parametrize("block", _runnable("fake-server-flags"), ids=lambda block: block.where)
def test_fake_server_flags_leave_a_simple_script_running(block: Block, tmp_path: Path) -> None:
    (tmp_path / "my_script.py").write_text(MY_SCRIPT)
    for line in filter(None, (line.split(" #")[0].strip() for line in block.text.splitlines())):
        command = ["bash", "-c", f"exec spacestudio-fake-server --port 0 {line}"]
        environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
        with fake_server_process(command, tmp_path, env=environment):
            done = subprocess.run(
                [sys.executable, "my_script.py"],
                cwd=tmp_path, capture_output=True, text=True, timeout=120,
            )  # fmt: skip
        assert done.returncode == 0, f"{block.where}: my_script.py with {line}:\n{done.stderr}"


@pytest.mark.parametrize("block", _runnable("server"), ids=lambda block: block.where)
def test_server_blocks_serve(block: Block, tmp_path: Path) -> None:
    for line in filter(None, (line.split(" #")[0].strip() for line in block.text.splitlines())):
        command = ["bash", "-c", "exec " + line.replace("--port 8080", "--port 0")]
        environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
        with fake_server_process(command, tmp_path, env=environment) as settings:
            assert settings["LOG_BASE_URL"].startswith("http://127.0.0.1:"), settings


def test_the_banner_of_a_user_given_account_is_the_documented_one(tmp_path: Path) -> None:
    documented = re.search(
        r"the\s+banner\s+says\s+`([^`]+)`", (REPOSITORY / "docs/fake-server.md").read_text()
    )
    assert documented, "docs/fake-server.md no longer quotes the --user banner"
    command = [str(BIN / "spacestudio-fake-server"), "--port", "0", "--user", "a@b.test:pw"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        lines = [server.stdout.readline() for _ in range(3)]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert documented.group(1) in lines[2], lines
