"""The fake's own administration over HTTP: health, fault rules, journal, reset, realm.

The handlers of the ``/__admin/``, ``/health/`` and ``/openapi.json`` routes of
:data:`fake_server.routes.ROUTES`.  They take no bearer token: :mod:`fake_server.app`
lets a request reach the ``/__admin/`` ones only with the admin token, or addressed to
this machine.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from werkzeug.wrappers import Request, Response

from fake_server import openapi
from fake_server.answers import ApiError, json_response
from fake_server.bodies import example_object_body, fault_rule_body, reset_users_body
from fake_server.config import ServerConfig
from fake_server.faults import FaultInjector
from fake_server.inventory import user_objects
from fake_server.journal import RequestJournal, journal_query
from fake_server.lifecycle import Computations
from fake_server.oidc import IdentityProvider
from fake_server.oidc.realm_file import (
    RealmFileError,
    client_from_representation,
    client_representation,
    user_from_representation,
    user_representation,
)
from fake_server.routes import ROUTES
from fake_server.store import ObjectStore
from fake_server.store.identity import ADDED_AT_RUN_TIME

logger = logging.getLogger(__name__)

_Parsed = TypeVar("_Parsed")
USER_EXAMPLE = (
    '{"username": "ci-job-42", "email": "ci-42@example.test", "enabled": true, '
    '"realmRoles": ["scripting"], "credentials": [{"type": "password", "value": "s3cret"}]}'
)
_CLIENT_EXAMPLE = (
    '{"clientId": "ci-robot", "publicClient": false, "secret": "s3cret", '
    '"serviceAccountsEnabled": true}'
)


@dataclass
class Administration:
    """The handlers of the administration routes, over the server's state."""

    config: ServerConfig
    store: ObjectStore
    idp: IdentityProvider
    faults: FaultInjector
    journal: RequestJournal
    clock: Callable[[], float] = time.time
    started_at: float = field(init=False)
    computations: Computations = field(init=False)

    def __post_init__(self) -> None:
        self.started_at = self.clock()
        # Observing computations only reads the store: the same answers as the API's.
        self.computations = Computations(
            self.store, compute_seconds=self.config.compute_seconds, clock=self.clock
        )

    # -- health -----------------------------------------------------------------------

    def admin_health(self, request: Request) -> Response:
        return json_response(
            {
                "status": "UP",
                "realm": self.idp.realm,
                "accounts": len(self.idp.accounts),
                "computeSeconds": self.config.compute_seconds,
                "state": self.config.state_path,
                "faults": len(self.faults.rules()),
                "uptimeSeconds": round(self.clock() - self.started_at, 3),
                "worker": os.getpid(),
            }
        )

    def health_ready(self, request: Request) -> Response:
        try:
            self.faults.rules_version()
        except Exception as exc:  # the state file went away or is locked for good
            logger.error("health check: the state store does not answer: %s", exc)
            return json_response({"status": "DOWN", "checks": []}, 503)
        return json_response({"status": "UP", "checks": []})

    def health_live(self, request: Request) -> Response:
        return json_response({"status": "UP", "checks": []})

    def openapi_document(self, request: Request) -> Response:
        return json_response(
            openapi.document(ROUTES, request.host_url.rstrip("/"), self.config.limits)
        )

    # -- state ------------------------------------------------------------------------

    def admin_reset(self, request: Request) -> Response:
        users = reset_users_body(request, self.config.limits)
        self.store.clear_objects()
        self.journal.clear()
        self.faults.clear()
        self.faults.configure(self.config.faults)
        if users:
            self.idp.restore_configured_realm()
        logger.info("reset: objects, journal and faults%s", " and users" if users else "")
        return Response(status=204)

    def admin_list_faults(self, request: Request) -> Response:
        return json_response({"faults": [rule.to_json() for rule in self.faults.rules()]})

    def admin_add_fault(self, request: Request) -> Response:
        rule = fault_rule_body(request, self.config.limits)
        return json_response(self.faults.add(rule).to_json(), 201)

    def admin_clear_faults(self, request: Request) -> Response:
        self.faults.clear()
        return Response(status=204)

    def admin_remove_fault(self, request: Request, rule_id: int) -> Response:
        if not self.faults.remove(rule_id):
            raise ApiError(404, f"no fault rule {rule_id}; GET /__admin/faults lists them")
        return Response(status=204)

    def admin_journal(self, request: Request) -> Response:
        """The journal, newest first, filtered by ``user``, ``path`` and ``status`` and
        paginated by ``offset`` and ``limit``; without any of them, every entry oldest
        first as before."""
        if not request.args:
            entries = self.journal.entries()
            return json_response(
                {"capacity": self.journal.capacity, "requests": [e.to_json() for e in entries]}
            )
        try:
            query = journal_query(request.args)
        except ValueError as exc:
            raise ApiError(400, str(exc)) from None
        return json_response(
            {"capacity": self.journal.capacity, **self.journal.page(query).to_json()}
        )

    def admin_clear_journal(self, request: Request) -> Response:
        self.journal.clear()
        return Response(status=204)

    # -- the realm's users and clients --------------------------------------------------

    def _representation(
        self, request: Request, example: str, parse: Callable[[dict[str, Any]], _Parsed]
    ) -> _Parsed:
        """The user or client to add, parsed from the Keycloak representation in the body."""
        body = example_object_body(request, self.config.limits, f"a JSON object, e.g. {example}")
        try:
            return parse(body)
        except RealmFileError as exc:
            raise ApiError(400, str(exc)) from None

    def admin_list_users(self, request: Request) -> Response:
        return json_response(
            {
                "users": [
                    {**user_representation(entry.account), "origin": entry.origin}
                    for entry in self.idp.state.users()
                ]
            }
        )

    def admin_add_user(self, request: Request) -> Response:
        account = self._representation(
            request,
            USER_EXAMPLE,
            lambda body: user_from_representation(
                body, scripting_role_required=self.config.scripting_role_required
            ),
        )
        for login, what in ((account.login, "username"), (account.email_key, "email")):
            if login and self.idp.account_by_username(login) is not None:
                raise ApiError(
                    409,
                    f"User exists with same {what} ({login}); DELETE /__admin/users/{login} "
                    "first to replace it",
                )
        self.idp.update_account(account, ADDED_AT_RUN_TIME)
        logger.info("admin: added user %s", account.login)
        return json_response(user_representation(account), 201)

    def admin_user_objects(self, request: Request, username: str) -> Response:
        """A user's objects by collection, the references between them and each one's
        latest computation."""
        account = self.idp.account_by_username(username)
        if account is None:
            raise ApiError(404, f"no user {username!r}; GET /__admin/users lists them")
        held = user_objects(self.store, self.computations, account.user_id)
        return json_response(
            {
                "userId": account.user_id,
                "collections": {
                    segment: [obj.to_json() for obj in objects] for segment, objects in held.items()
                },
            }
        )

    def admin_remove_user(self, request: Request, username: str) -> Response:
        return _removed(self.idp.state.delete_user(username), "user", username)

    def admin_list_clients(self, request: Request) -> Response:
        return json_response(
            {
                "clients": [
                    {**client_representation(client), "origin": origin}
                    for client, origin in self.idp.state.clients()
                ]
            }
        )

    def admin_add_client(self, request: Request) -> Response:
        client = self._representation(request, _CLIENT_EXAMPLE, client_from_representation)
        if self.idp.state.client(client.client_id) is not None:
            raise ApiError(
                409,
                f"Client {client.client_id} already exists; DELETE "
                f"/__admin/clients/{client.client_id} first to replace it",
            )
        self.idp.state.put_client(client, ADDED_AT_RUN_TIME)
        logger.info("admin: added client %s", client.client_id)
        return json_response(client_representation(client), 201)

    def admin_remove_client(self, request: Request, client_id: str) -> Response:
        return _removed(self.idp.state.delete_client(client_id), "client", client_id)


def _removed(deleted: bool, kind: str, name: str) -> Response:
    """The answer to removing the realm's user or client ``name``: 404 if there was none."""
    if not deleted:
        raise ApiError(404, f"no {kind} {name!r}; GET /__admin/{kind}s lists them")
    logger.info("admin: removed %s %s", kind, name)
    return Response(status=204)
