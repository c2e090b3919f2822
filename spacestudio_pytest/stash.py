"""What the plugin's fixtures leave on a test item for its reporting hooks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from spacestudio.cassettes.session import CassetteSession

#: The test's spacestudio cassette session, whose refusal the call hook raises.
SESSION_KEY: pytest.StashKey[CassetteSession] = pytest.StashKey()
#: Whether the test's call failed, and whether it finished (an interrupted one did not).
CALL_FAILED_KEY = pytest.StashKey[bool]()
CALL_DONE_KEY = pytest.StashKey[bool]()
