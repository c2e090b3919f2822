"""What is per-server, and how the recording's values translate to the fake's and back.

The fake issues its own tokens and ids. An :class:`IdentityMap` learns, from the answers,
which value the fake gave where the recording holds another (the id of an object made in
the recording ↔ the id the fake gave it, a computation log id, an ``ephemeridesFileName``,
a token), then rewrites later requests with it (recorded → fake) and reads the fake's
answers back (fake → recorded), so that a string holding an id compares exactly.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import Any

from spacestudio.cassettes.ids import is_placeholder_id
from spacestudio.cassettes.placeholders import (
    PLACEHOLDER_CLIENT_ID,
    PLACEHOLDER_CLIENT_SECRET,
    PLACEHOLDER_EMAIL,
    PLACEHOLDER_FIRST_NAME,
    PLACEHOLDER_LAST_NAME,
    PLACEHOLDER_USERNAME,
    is_placeholder_token,
)

# A server-made id standing alone or after a separator (as in "ephemerides-<id>"): a UUID,
# or a 24-character hexadecimal object id.
_ID = re.compile(
    r"(?<![0-9A-Za-z])(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{12}|[0-9a-fA-F]{24})(?![0-9A-Za-z])"
)

#: Values the scrubber writes for the recording account's identity: the fake's account
#: has its own, so these are compared by shape only.
IDENTITY_PLACEHOLDERS = frozenset(
    {
        PLACEHOLDER_EMAIL,
        PLACEHOLDER_USERNAME,
        PLACEHOLDER_FIRST_NAME,
        PLACEHOLDER_LAST_NAME,
        f"{PLACEHOLDER_FIRST_NAME} {PLACEHOLDER_LAST_NAME}",
        PLACEHOLDER_CLIENT_ID,
        PLACEHOLDER_CLIENT_SECRET,
    }
)

_SIGNATURE_PREFIX = "placeholder signature of "


def is_server_id(value: str) -> bool:
    """Whether ``value`` is, as a whole, an id a server made (placeholder or not)."""
    match = _ID.fullmatch(value)
    return match is not None or is_placeholder_id(value)


def token_label(placeholder: str) -> str | None:
    """The short name (``access token 1``) a cassette's request headers give a placeholder
    token (``Authorization: Bearer <access token 1>``)."""
    pieces = placeholder.split(".")
    if len(pieces) == 3:
        try:
            signature = base64.urlsafe_b64decode(pieces[2] + "=" * (-len(pieces[2]) % 4))
        except (ValueError, binascii.Error):
            return None
        text = signature.decode("utf-8", "replace")
        return text[len(_SIGNATURE_PREFIX) :] if text.startswith(_SIGNATURE_PREFIX) else None
    if placeholder.startswith("scrubbed-") and placeholder[-1:].isdigit():
        return placeholder.removeprefix("scrubbed-").replace("-", " ")
    return None


class IdentityMap:
    """Recorded value ↔ fake value, for everything per-server that the answers showed."""

    def __init__(self) -> None:
        self.to_fake_values: dict[str, str] = {}
        self.to_recorded_values: dict[str, str] = {}
        #: ``access token 1`` → the fake's token that stands where the recording has it.
        self.tokens_by_label: dict[str, str] = {}

    def pair(self, recorded: str, fake: str) -> str | None:
        """Learn that the fake says ``fake`` where the recording says ``recorded``.

        Returns None, or what is inconsistent when either side was already paired with
        another value (the fake answers another object than the one seen before there).
        """
        known_fake = self.to_fake_values.get(recorded)
        known_recorded = self.to_recorded_values.get(fake)
        if known_fake is not None and known_fake != fake:
            return (
                f"the recording's {recorded!r} stood for the fake's {known_fake!r} before, "
                f"here for {fake!r}"
            )
        if known_recorded is not None and known_recorded != recorded:
            return (
                f"the fake's {fake!r} stood for the recording's {known_recorded!r} before, "
                f"here for {recorded!r}"
            )
        if known_fake is None and recorded != fake:
            self.to_fake_values[recorded] = fake
            self.to_recorded_values[fake] = recorded
            if is_placeholder_token(recorded):
                label = token_label(recorded)
                if label is not None:
                    self.tokens_by_label[label] = fake
        return None

    def to_fake(self, text: str) -> str:
        """``text`` of a recorded request with every learned value the fake's."""
        return _translate(text, self.to_fake_values)

    def to_recorded(self, text: str) -> str:
        """``text`` of a fake answer with every learned value the recording's."""
        return _translate(text, self.to_recorded_values)

    def map_json(self, document: Any, translate: Callable[[str], str]) -> Any:
        """A copy of a JSON document with ``translate`` applied to every string in it."""
        if isinstance(document, str):
            return translate(document)
        if isinstance(document, dict):
            return {
                translate(key): self.map_json(item, translate) for key, item in document.items()
            }
        if isinstance(document, list):
            return [self.map_json(item, translate) for item in document]
        return document


def _translate(text: str, values: dict[str, str]) -> str:
    if not values:
        return text
    whole = values.get(text)
    if whole is not None:
        return whole
    return _ID.sub(lambda match: values.get(match.group(0), match.group(0)), text)
