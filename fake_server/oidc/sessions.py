"""The sign-in sessions tokens belong to: opening one at login, its timeouts, refreshing
it under Keycloak's refresh-token rules, ending it, resuming it and forgetting it.

A session lives in the realm's :class:`~fake_server.store.identity.RealmState`; every change
that reads before it writes goes through :meth:`RealmState.update_session`, so two workers
refreshing the same session cannot both win.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Mapping
from typing import Any

from fake_server.oidc.errors import OAuthError
from fake_server.oidc.realm_model import BEARER_LEEWAY, RealmModel
from fake_server.representations import Account, Client, RealmSettings
from fake_server.store.identity import SessionRecord

logger = logging.getLogger(__name__)


def end_time(settings: RealmSettings, session: SessionRecord) -> int:
    """When ``session`` times out under the realm's ``settings`` if nothing refreshes it:
    its "SSO Session Idle" (the refresh token lifespan) after its last refresh, at most its
    "SSO Session Max" after login; an offline session idles out after its own timeout."""
    if session.offline:
        return session.last_refresh + settings.offline_session_idle_timeout
    return min(
        session.last_refresh + settings.sso_session_idle_timeout,
        session.auth_time + settings.sso_session_max_lifespan,
    )


class Sessions:
    """The sign-in sessions of ``realm``, kept in its state and timed by its settings."""

    def __init__(self, realm: RealmModel) -> None:
        self._realm = realm
        self._state = realm.state
        self._last_prune = int(realm.clock())

    def open(self, account: Account, client: Client, offline: bool) -> SessionRecord:
        """A new session of ``account`` logged in with ``client`` (offline or not)."""
        now = int(self._realm.clock())
        session = SessionRecord(
            sid=str(uuid.uuid4()),
            user_id=account.user_id,
            client_id=client.client_id,
            auth_time=now,
            last_refresh=now,
            refresh_jti=None,
            offline=offline,
        )
        self._prune(now)
        self._state.update_session(session.sid, lambda _: session)
        logger.info(
            "%s logged in with client %s (%ssession %s)",
            account.login,
            client.client_id,
            "offline " if session.offline else "",
            session.sid,
        )
        return session

    def is_active(self, session: SessionRecord, now: float, leeway: int = 0) -> bool:
        """Whether ``session`` has neither ended nor timed out at ``now`` (give or take
        ``leeway`` seconds)."""
        return not session.ended and now - leeway < end_time(self._realm.settings, session)

    def redeem_code(self, sid: str, now: int) -> SessionRecord:
        """Mark the authorization code of session ``sid`` used; OAuthError when it was
        used already or the session is not active."""

        def redeem(current: SessionRecord | None) -> SessionRecord:
            # A code is good once; Keycloak refuses it again (and so does this).
            if current is None or current.code_used or not self.is_active(current, now):
                raise OAuthError(400, "invalid_grant", "Code not valid")
            return dataclasses.replace(current, code_used=True)

        session = self._state.update_session(sid, redeem)
        assert session is not None  # redeem() stores a record or raises
        return session

    def refresh(self, claims: Mapping[str, Any], now: int, issued_jti: str) -> SessionRecord:
        """Record the use of the verified refresh token ``claims`` at ``now``, answered with
        a new one named ``issued_jti``; OAuthError when its session is not active or the
        realm's reuse rules refuse the token."""
        settings = self._realm.settings

        def refresh(current: SessionRecord | None) -> SessionRecord:
            session = current or self._resumed(claims)
            if session is None or not _matches(session, claims) or not self.is_active(session, now):
                raise OAuthError(400, "invalid_grant", "Session not active")
            jti = str(claims["jti"])
            uses = session.refresh_uses
            if settings.revoke_refresh_token:
                # Keycloak's "Revoke Refresh Token": the token used last may be used
                # max-reuse + 1 times; the one the last refresh issued replaces it; any
                # other is stale. Told by jti, not by iat, whose seconds would let a token
                # superseded in the same second through.
                if session.refresh_jti not in (None, jti) and not _newest(session, claims):
                    raise OAuthError(400, "invalid_grant", "Stale token")
                if session.refresh_jti != jti:
                    uses = 0
                if uses > settings.refresh_token_max_reuse:
                    raise OAuthError(
                        400, "invalid_grant", "Maximum allowed refresh token reuse exceeded"
                    )
            return dataclasses.replace(
                session,
                refresh_jti=jti,
                refresh_uses=uses + 1,
                last_refresh=now,
                issued_jti=issued_jti,
            )

        session = self._state.update_session(str(claims["sid"]), refresh)
        assert session is not None  # refresh() stores a record or raises
        return session

    def of(
        self, claims: Mapping[str, Any], stored: SessionRecord | bool | None = True
    ) -> SessionRecord | None:
        """The session a verified token belongs to; None when there is none or the token
        does not match it. ``stored``: the record already read, when it was."""
        sid = claims.get("sid")
        if not isinstance(sid, str) or not sid:
            return None
        session = self._state.session(sid) if isinstance(stored, bool) else stored
        if session is None:
            resumed = self._resumed(claims)
            if resumed is None:
                return None
            session = self._state.update_session(sid, lambda current: current or resumed)
            assert session is not None
        return session if _matches(session, claims) else None

    def end(self, claims: Mapping[str, Any]) -> None:
        """End the session of verified ``claims`` (if it is theirs and not ended yet)."""
        session = self.of(claims)
        if session is None or session.ended:
            return
        self._state.update_session(
            session.sid,
            lambda current: None if current is None else dataclasses.replace(current, ended=True),
        )
        logger.info("session %s of user %s logged out", session.sid, session.user_id)

    def _resumed(self, claims: Mapping[str, Any]) -> SessionRecord | None:
        """The session of a verified token that the realm does not know, rebuilt from it.

        Only a realm kept in memory resumes sessions: its server restarted with the same
        signing keys and forgot them. A realm in a state file knows every live session, so
        an unknown one has ended (and been pruned) or never existed: None.
        """
        sid = claims.get("sid")
        if self._state.persistent or not isinstance(sid, str) or not sid:
            return None
        issued = int(claims["iat"])
        auth_time = claims.get("auth_time")
        logger.info("resumed session %s of user %s", sid, claims["sub"])
        return SessionRecord(
            sid=sid,
            user_id=str(claims["sub"]),
            client_id=str(claims.get("azp")),
            auth_time=int(auth_time) if isinstance(auth_time, int) else issued,
            last_refresh=issued,
            refresh_jti=None,
            offline=claims.get("typ") == "Offline",
        )

    def _prune(self, now: int) -> None:
        """Forget sessions none of whose tokens can still be valid, once a minute.

        Ended sessions are kept until then, so their tokens cannot resume them.
        """
        if now - self._last_prune < 60:
            return
        self._last_prune = now
        settings = self._realm.settings
        token_lifespan = max(settings.access_token_lifespan, settings.sso_session_idle_timeout)
        horizon = token_lifespan + BEARER_LEEWAY
        offline_horizon = settings.offline_session_idle_timeout + BEARER_LEEWAY
        self._state.prune_sessions(now - horizon, now - offline_horizon)


def _matches(session: SessionRecord, claims: Mapping[str, Any]) -> bool:
    return session.user_id == claims["sub"] and session.client_id == claims.get("azp")


def _newest(session: SessionRecord, claims: Mapping[str, Any]) -> bool:
    """Whether ``claims`` are of the refresh token ``session``'s last refresh issued (for a
    session stored before that was recorded: one issued no earlier than that refresh)."""
    if session.issued_jti is None:
        return int(claims["iat"]) >= session.last_refresh
    return str(claims["jti"]) == session.issued_jti
