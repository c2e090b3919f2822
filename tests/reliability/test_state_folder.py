"""The state folder and key file gunicorn workers share: nobody else's to write.

The default folder's name (``spacestudio-fake-server-<uid>`` in the temporary directory)
is known to every user of the machine; one who makes it first, writable by all, and puts
a key file in it would sign every token the server accepts. The default folder is made
private (0700) or refused when it is not this user's own, and a key file another user
owns or may write is refused wherever it is.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_server.wsgi import ConfigurationError, config_from_environment, default_state_path

from .conftest import ServerProcess


@pytest.fixture
def temporary_directory(tmp_path: Path) -> Iterator[Path]:
    """The temporary directory the default state folder goes into, for this test alone."""
    saved = tempfile.tempdir
    tempfile.tempdir = str(tmp_path)
    try:
        yield tmp_path
    finally:
        tempfile.tempdir = saved


def test_the_default_state_folder_is_made_private(temporary_directory: Path) -> None:
    config = config_from_environment({})
    folder = default_state_path().parent
    assert config.state_path == str(default_state_path())
    assert folder.parent == temporary_directory
    assert oct(folder.stat().st_mode & 0o777) == oct(0o700)


def test_a_precreated_world_writable_default_folder_is_refused(temporary_directory: Path) -> None:
    folder = default_state_path().parent
    folder.mkdir()
    folder.chmod(0o777)
    with pytest.raises(ConfigurationError, match=r"open to other users \(mode 777\)") as refused:
        config_from_environment({})
    assert str(folder) in str(refused.value) and "SPACESTUDIO_FAKE_STATE" in str(refused.value)


def test_a_link_in_place_of_the_default_folder_is_refused(temporary_directory: Path) -> None:
    elsewhere = temporary_directory / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    default_state_path().parent.symlink_to(elsewhere)
    with pytest.raises(ConfigurationError, match="is not a folder"):
        config_from_environment({})


def test_a_planted_key_file_others_may_write_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    first = ServerProcess("--state", str(state))
    first.stop()
    key_file = Path(f"{state}.keys.pem")
    key_file.chmod(0o666)  # as a file someone else dropped there, writable by all
    with pytest.raises(AssertionError, match="others may write") as failed:
        ServerProcess("--state", str(state))
    assert str(key_file) in str(failed.value)
    assert os.stat(key_file).st_mode & 0o777 == 0o666  # left as it was, for the user to see


def test_a_readable_default_folder_of_ones_own_is_made_private(temporary_directory: Path) -> None:
    folder = default_state_path().parent
    folder.mkdir()
    folder.chmod(0o755)  # as an older version made it
    config_from_environment({})
    assert folder.stat().st_mode & 0o777 == 0o700
