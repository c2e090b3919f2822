"""The realm's running setup, shared by all its parts: its name, signing keys, clock, and
how long its tokens and sessions live.

One mutable :class:`RealmSetup` per provider: every part reads it when it needs a value,
so a change made through the provider's attributes (tests swap keys or shorten a lifetime)
holds for all of them at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fake_server.oidc.keys import KeyRing


@dataclass
class RealmSetup:
    """The name, keys and clock of a realm, and its token and session timing.

    ``refresh_token_lifetime`` is also the session idle timeout, as Keycloak's "SSO
    Session Idle"; ``session_max_lifetime`` is its "SSO Session Max". With
    ``revoke_refresh_token`` ("Revoke Refresh Token") a refresh token may be used
    ``refresh_token_max_reuse`` + 1 times and only while it is its session's newest.
    ``clock`` gives the current time in seconds since the epoch.
    """

    realm: str
    keys: KeyRing
    clock: Callable[[], float]
    access_token_lifetime: int
    refresh_token_lifetime: int
    session_max_lifetime: int
    offline_session_idle_timeout: int
    revoke_refresh_token: bool
    refresh_token_max_reuse: int
