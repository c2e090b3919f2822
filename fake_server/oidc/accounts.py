"""User accounts of the fake realm."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Account:
    """A realm user: logs in with ``email`` and ``password``."""

    email: str
    password: str
    scripting: bool = True
    enabled: bool = True
    first_name: str = "Demo"
    last_name: str = "User"

    # Computed once per account: every API request compares it with its token's ``sub``.
    @functools.cached_property
    def user_id(self) -> str:
        """The user's id (token ``sub``), stable across restarts for the same e-mail."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"spacestudio-fake-user:{self.email.lower()}"))
