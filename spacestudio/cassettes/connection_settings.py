"""The settings a client connects with around a cassette: placeholders to replay, the
environment's to record.

Replaying, nothing checks the settings, so the scrubber's placeholders serve; recording,
the scrubber is told the environment's settings, so it knows which secrets to replace.
"""

from __future__ import annotations

import os

from spacestudio import settings
from spacestudio.cassettes.placeholders import (
    PLACEHOLDER_API_ORIGIN,
    PLACEHOLDER_AUTH_ORIGIN,
    PLACEHOLDER_CLIENT_ID,
    PLACEHOLDER_EMAIL,
    PLACEHOLDER_PASSWORD,
)
from spacestudio.cassettes.scrubbing import Scrubber

#: Settings that let a script connect while its cassette replays (nothing checks them).
REPLAY_SETTINGS: dict[str, str] = {
    "LOG_BASE_URL": PLACEHOLDER_API_ORIGIN,
    "SPACESTUDIO_AUTH_URL": PLACEHOLDER_AUTH_ORIGIN,
    "LOG_MAIL": PLACEHOLDER_EMAIL,
    "LOG_PASSWORD": PLACEHOLDER_PASSWORD,
    "CLIENT_ID": PLACEHOLDER_CLIENT_ID,
}


def scrubber_from_environment() -> Scrubber:
    """A scrubber told the settings of the environment (``LOG_*``, ``CLIENT_ID`` …)."""
    return Scrubber(
        api_url=settings.base_url(),
        auth_url=settings.auth_url(),
        mail=os.environ.get("LOG_MAIL"),
        password=os.environ.get("LOG_PASSWORD"),
        client_id=settings.client_id(),
    )
