"""The scripting API under ``/exoops/``: the token's user, objects, computations, files.

Each handler answers one route of :data:`fake_server.routes.ROUTES` for a :class:`Call`
(a request whose bearer token was accepted), reading and writing that user's objects
only; :mod:`fake_server.lifecycle` runs the computations.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.wrappers import Request, Response

from fake_server.answers import ApiError, json_response
from fake_server.bodies import duration_body, object_body, results_body, valid_name
from fake_server.config import Limits
from fake_server.gridfs_files import ephemerides_csv, ephemerides_json, ephemerides_records
from fake_server.lifecycle import (
    STATUS_FINISHED,
    STATUS_PENDING,
    ChainNotReady,
    Computations,
    ResultsRejected,
)
from fake_server.oidc.realm_model import SCRIPTING_ROLE
from fake_server.relations import current, current_list
from fake_server.representations import Account
from fake_server.store import (
    DeleteObject,
    InsertObject,
    JsonObject,
    NameTaken,
    ObjectNotFound,
    ObjectStore,
    ReplaceObject,
)
from fake_server.stored_objects import new_object, with_derived_fields
from fake_server.validation import body_problem
from spacestudio_contract.catalog import BY_SEGMENT
from spacestudio_contract.wire import COMPUTATION_LOG_ID


def no_scripting_access(account: Account, role_required: bool) -> str:
    """Why ``account`` gets 403 from the API, and how to grant it access."""
    if role_required:
        return (
            f"account {account.login} lacks the realm role {SCRIPTING_ROLE!r}, which this "
            f"realm requires to use the API; grant it: list it in the user's realmRoles "
            f'(realm file, or POST /__admin/users with "realmRoles": ["{SCRIPTING_ROLE}"]), '
            f"or in Keycloak assign the realm role under Users > Role mapping"
        )
    return (
        f"account {account.login} has scripting turned off (--user …:no-scripting or "
        f'"scriptingEnabled": false); add it without that restriction to use the API'
    )


@dataclass
class Call:
    """One API request once its bearer token is accepted."""

    request: Request
    account: Account

    @property
    def user_id(self) -> str:
        return self.account.user_id


@dataclass
class ScriptingApi:
    """The handlers of the scripting API, over ``store`` and its ``computations``."""

    store: ObjectStore
    computations: Computations
    limits: Limits

    # -- users and objects ------------------------------------------------------------

    def user_infos(self, call: Call) -> Response:
        account = call.account
        return json_response(
            {
                "id": account.user_id,
                "email": account.email,
                # Keycloak's preferred_username: the realm username, the e-mail only
                # for an account that has none.
                "username": account.login,
                "firstName": account.first_name,
                "lastName": account.last_name,
                "enabled": account.enabled,
                "scriptingEnabled": account.scripting,
            }
        )

    def list_objects(self, call: Call, segment: str) -> Response:
        return json_response(current_list(self.store, call.user_id, segment))

    def create_object(self, call: Call, segment: str) -> Response:
        obj = new_object(self._checked_body(call, segment))
        try:
            self.store.apply(call.user_id, [InsertObject(segment, obj)])
        except NameTaken as exc:
            raise ApiError(
                409, f"{exc}; choose another name or modify the existing object"
            ) from None
        return json_response(obj)

    def _checked_body(self, call: Call, segment: str) -> JsonObject:
        """A create or replace body that passed validation (else 400, nothing stored)."""
        body = object_body(call.request, self.limits)
        problem = body_problem(segment, body)
        if problem is not None:
            raise ApiError(400, problem)
        return with_derived_fields(segment, body)

    def get_object(self, call: Call, segment: str, obj_id: str) -> Response:
        obj = self.store.get_object(call.user_id, segment, obj_id)
        if obj is None:
            raise ApiError(404, f"no object with id {obj_id} in {segment}")
        return json_response(current(self.store, call.user_id, segment, obj))

    def replace_object(self, call: Call, segment: str, obj_id: str) -> Response:
        obj = new_object(self._checked_body(call, segment), obj_id)
        try:
            self.store.apply(call.user_id, [ReplaceObject(segment, obj)])
        except ObjectNotFound:
            raise ApiError(404, f"no object with id {obj_id} in {segment}") from None
        except NameTaken as exc:
            raise ApiError(409, f"{exc}; choose a name no other object has") from None
        return json_response(obj)

    def delete_object(self, call: Call, segment: str, obj_id: str) -> Response:
        try:
            self.store.apply(call.user_id, [DeleteObject(segment, obj_id)])
        except ObjectNotFound:
            raise ApiError(404, f"no object with id {obj_id} in {segment}") from None
        return Response(status=200)

    # -- computations -----------------------------------------------------------------

    def compute(self, call: Call, segment: str, obj_id: str) -> Response:
        return self._start(call, segment, obj_id, None)

    def compute_until_duration(self, call: Call, segment: str, obj_id: str) -> Response:
        return self._start(call, segment, obj_id, duration_body(call.request, self.limits))

    def _start(self, call: Call, segment: str, obj_id: str, until: float | None) -> Response:
        mission = self._mission(call, segment, obj_id)
        try:
            log = self.computations.start(
                call.user_id, BY_SEGMENT[segment], mission, until_duration=until
            )
        except ObjectNotFound:  # deleted while it was being computed
            raise ApiError(404, f"no mission with id {obj_id} in {segment}") from None
        described = self.computations.describe(log)
        return json_response(
            {COMPUTATION_LOG_ID: log.id, "missionId": obj_id, "status": described["status"]}
        )

    def status(self, call: Call, segment: str, obj_id: str) -> Response:
        mission = self._mission(call, segment, obj_id)
        log = self.computations.latest_log(call.user_id, mission)
        if log is None:
            # Not started yet reads as pending (0), as on the real service, whose status
            # is a number whatever the state: the published client's wait loop spins on
            # anything else (a 404 becomes None, which never equals -1).
            return json_response(STATUS_PENDING)
        progress = self.computations.progress(log)
        if progress in (STATUS_PENDING, STATUS_FINISHED):
            return json_response(int(progress))
        return json_response(progress)

    def computation_log(self, call: Call, log_id: str) -> Response:
        log = self.store.get_log(call.user_id, log_id)
        if log is None:
            raise ApiError(404, f"no computation log with id {log_id}")
        described = self.computations.describe(log)
        if described["results"] is not None:
            described["results"] = log.results_json  # written once for the stored log
        return json_response(described)

    def create_from_results(self, call: Call, segment: str, obj_id: str, new_name: str) -> Response:
        paused = self._mission(call, segment, obj_id)
        name = valid_name(new_name, "the new mission's name", self.limits)
        results = results_body(call.request, self.limits)
        try:
            mission = self.computations.resume(
                call.user_id, BY_SEGMENT[segment], paused, results, name
            )
        except ResultsRejected as exc:
            raise ApiError(400, str(exc)) from None
        except NameTaken as exc:
            raise ApiError(409, f"{exc}; choose another name") from None
        return json_response(mission)

    def create_merged_results(self, call: Call, segment: str, obj_id: str) -> Response:
        mission = self._mission(call, segment, obj_id)
        try:
            log = self.computations.merge(call.user_id, BY_SEGMENT[segment], mission)
        except ChainNotReady as exc:
            raise ApiError(409, str(exc)) from None
        except (NameTaken, ObjectNotFound) as exc:  # a concurrent change to the same names
            raise ApiError(409, f"{exc}; try again") from None
        return json_response(self.computations.describe(log))

    def _mission(self, call: Call, segment: str, obj_id: str) -> JsonObject:
        mission = self.store.get_object(call.user_id, segment, obj_id)
        if mission is None:
            raise ApiError(404, f"no mission with id {obj_id} in {segment}")
        return current(self.store, call.user_id, segment, mission)

    # -- gridfs -----------------------------------------------------------------------

    def _file_results(self, call: Call, filename: str) -> JsonObject:
        if "\x00" in filename or "/" in filename or "\\" in filename or filename in (".", ".."):
            raise ApiError(
                400,
                f"{filename!r} is not a file name; use the ephemeridesFileName of a "
                "computation's results",
            )
        log = self.computations.finished_file(call.user_id, filename)
        if log is None or log.results is None:
            raise ApiError(
                404, f"no file named {filename!r}; it appears when its computation has finished"
            )
        return log.results

    def gridfs_csv(self, call: Call, filename: str) -> Response:
        chunks = ephemerides_csv(self._file_results(call, filename))
        return Response(
            chunks,
            mimetype="text/csv",
            headers={
                "Content-Length": str(sum(len(chunk) for chunk in chunks)),
                "Content-Disposition": f'attachment; filename="{filename}.csv"',
            },
            direct_passthrough=True,
        )

    def gridfs_json(self, call: Call, filename: str) -> Response:
        return json_response(ephemerides_json(self._file_results(call, filename)))

    def gridfs_csv_as_json(self, call: Call, filename: str) -> Response:
        return json_response(ephemerides_records(self._file_results(call, filename)))
