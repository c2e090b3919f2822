"""The life of a computation as clients see it over HTTP: start, progress, pause, results
(the objects it stores are built by :mod:`fake_server.stored_objects`, its files rendered
by :mod:`fake_server.gridfs_files`).

A computation is computed once, when it starts (the analytic engine is fast), and its
log is stored at once; what clients see of it is a function of the time elapsed on an
injectable clock.  For the first tenth of ``compute_seconds`` the status is ``0``
(pending), then a percentage in ``(0, 100)`` (running), then ``-1`` (finished, also
after a failure: the errors are in the log).  With ``compute_seconds=0`` a computation
is finished the moment it starts.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from fake_server.compute import compute_mission, continue_from_paused, merge_results
from fake_server.gridfs_files import with_files
from fake_server.store import (
    Change,
    ComputationLog,
    InsertObject,
    JsonObject,
    ObjectStore,
    ReplaceObject,
    ResultsBudgetExceeded,
    SaveLog,
    SetField,
)
from fake_server.stored_objects import new_object, with_derived_fields
from spacestudio_contract.catalog import CollectionSpec, spec_for
from spacestudio_contract.wire import (
    COMPUTATION_LOG_ID,
    COMPUTE,
    COMPUTE_UNTIL_DURATION,
    DISPLAYED_NAME,
    ID,
    PAUSED_PARENT_MISSION_ID,
    SERVICE_FIELDS,
)

logger = logging.getLogger(__name__)

#: Share of ``compute_seconds`` during which a computation reports 0 (pending).
PENDING_SHARE = 0.1
STATUS_PENDING = 0
STATUS_FINISHED = -1


class ChainNotReady(Exception):
    """A paused chain cannot be merged yet (or any more); the message says why."""


class ResultsRejected(ValueError):
    """Paused results a mission cannot resume from; the message says what is wrong."""


def iso_time(epoch_seconds: float) -> str:
    return datetime.fromtimestamp(epoch_seconds, UTC).isoformat(timespec="milliseconds")


class Computations:
    """Starts computations and tells their state; stores logs and missions in ``store``."""

    def __init__(
        self,
        store: ObjectStore,
        *,
        compute_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.compute_seconds = compute_seconds
        self.clock = clock

    # -- starting -----------------------------------------------------------------

    def start(
        self,
        user_id: str,
        spec: CollectionSpec,
        mission: JsonObject,
        *,
        until_duration: float | None = None,
    ) -> ComputationLog:
        """Compute ``mission`` and make it the mission's latest computation."""
        started_at = self.clock()
        log_id = str(uuid.uuid4())
        try:
            computation = compute_mission(spec.segment, mission, until_duration=until_duration)
            results: JsonObject | None = computation.results
            errors = [_error(entry) for entry in computation.errors]
            paused = computation.paused
        except Exception as exc:
            # The engine promises not to raise; if it does, the computation fails as a
            # real one would, with the cause in its log, and the server carries on.
            logger.exception("computation of %s %s failed", spec.segment, mission.get("id"))
            cause = str(exc) or type(exc).__name__  # a MemoryError says nothing by itself
            results, errors, paused = None, [{"message": f"the computation failed: {cause}"}], False
        results, files = with_files(results, log_id)
        log = ComputationLog(
            id=log_id,
            user_id=user_id,
            segment=spec.segment,
            mission_id=mission["id"],
            mission_name=str(mission.get("name")),
            kind=COMPUTE if until_duration is None else COMPUTE_UNTIL_DURATION,
            started_at=started_at,
            duration=self.compute_seconds,
            results=results,
            errors=errors,
            paused=paused,
            files=files,
        )
        points_to_log = SetField(spec.segment, mission["id"], COMPUTATION_LOG_ID, log_id)
        try:
            self.store.apply(user_id, [SaveLog(log), points_to_log])
        except ResultsBudgetExceeded as exc:
            # The results would take the user beyond the results budget: the computation
            # fails with a log small enough to store, saying why.  Should even that not
            # fit, the ResultsBudgetExceeded of this second write refuses the start (413).
            log = _over_results_budget(log, exc)
            self.store.apply(user_id, [SaveLog(log), points_to_log])
        return log

    # -- observing ----------------------------------------------------------------

    def progress(self, log: ComputationLog) -> float:
        """The status number clients poll: 0 pending, (0, 100) running, -1 finished."""
        elapsed = self.clock() - log.started_at
        if log.duration <= 0 or elapsed >= log.duration:
            return STATUS_FINISHED
        if elapsed < PENDING_SHARE * log.duration:
            return STATUS_PENDING
        return min(max(round(100.0 * elapsed / log.duration, 1), 0.1), 99.9)

    def describe(self, log: ComputationLog) -> JsonObject:
        """The computation log as ``GET computationlogs/{id}`` answers it.

        Until the computation has finished, ``results`` is null and ``errors`` empty;
        ``status`` says where it stands (PENDING, RUNNING, FINISHED or FAILED).
        """
        progress = self.progress(log)
        finished = progress == STATUS_FINISHED
        if not finished:
            state = "PENDING" if progress == STATUS_PENDING else "RUNNING"
        else:
            state = "FAILED" if log.errors else "FINISHED"
        return {
            "id": log.id,
            "missionId": log.mission_id,
            "missionName": log.mission_name,
            "status": state,
            "progress": 100.0 if finished else progress,
            "paused": log.paused if finished else False,
            "creationDate": iso_time(log.started_at),
            "endDate": iso_time(log.started_at + log.duration) if finished else None,
            "results": log.results if finished else None,
            "errors": log.errors if finished else [],
        }

    def latest_log(self, user_id: str, mission: JsonObject) -> ComputationLog | None:
        """The mission's latest computation, or None when it was never computed."""
        log_id = mission.get(COMPUTATION_LOG_ID)
        if not isinstance(log_id, str):
            return None
        return self.store.get_log(user_id, log_id)

    def finished_file(self, user_id: str, filename: str) -> ComputationLog | None:
        """The finished computation that provides a gridfs file, or None."""
        log = self.store.find_file(user_id, filename)
        if log is None or self.progress(log) != STATUS_FINISHED or log.results is None:
            return None
        return log

    # -- pause, resume, merge ----------------------------------------------------

    def resume(
        self,
        user_id: str,
        spec: CollectionSpec,
        paused_mission: JsonObject,
        paused_results: JsonObject,
        new_name: str,
    ) -> JsonObject:
        """Store mission ``new_name`` (with its own orbit and spacecraft) resuming a pause.

        All three carry ``pausedParentMissionId``: the id of the chain's first mission.
        Raises :class:`ResultsRejected` for results no mission can resume from and
        :class:`~fake_server.store.NameTaken` when a name is in use; nothing is stored then.
        """
        try:
            continuation = continue_from_paused(
                spec.segment, paused_mission, paused_results, new_name
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ResultsRejected(f"these paused results cannot be resumed: {exc}") from exc
        root_id = paused_mission.get(PAUSED_PARENT_MISSION_ID) or paused_mission["id"]
        orbit_spec = spec_for(spec.module, "orbit")
        spacecraft_spec = spec_for(spec.module, "spacecraft")
        orbit_body = {**continuation.orbit, PAUSED_PARENT_MISSION_ID: root_id}
        orbit_body["name"] = self._free_name(user_id, orbit_spec.segment, orbit_body["name"])
        orbit = new_object(with_derived_fields(orbit_spec.segment, orbit_body))
        spacecraft_body = {**continuation.spacecraft, PAUSED_PARENT_MISSION_ID: root_id}
        spacecraft_body["name"] = self._free_name(
            user_id, spacecraft_spec.segment, spacecraft_body["name"]
        )
        spacecraft = new_object(spacecraft_body)
        body = {
            key: value
            for key, value in continuation.mission.items()
            if key not in (ID, DISPLAYED_NAME, COMPUTATION_LOG_ID)
        }
        body["name"] = new_name
        body[PAUSED_PARENT_MISSION_ID] = root_id
        # Missions embed whole stored objects, as scripts build them from get_… answers.
        if isinstance(body.get("initialOrbit"), dict):
            body["initialOrbit"] = orbit
        if isinstance(body.get("spacecraft"), dict):
            body["spacecraft"] = spacecraft
        mission = new_object(body)
        self.store.apply(
            user_id,
            [
                InsertObject(orbit_spec.segment, orbit),
                InsertObject(spacecraft_spec.segment, spacecraft),
                InsertObject(spec.segment, mission),
            ],
        )
        return mission

    def _free_name(self, user_id: str, segment: str, name: str) -> str:
        """``name``, or ``name (2)``, ``(3)`` … when taken: the objects a resumption makes
        are named after the new mission, and a script run again resumes under the same name
        while the objects of its first run are still there (it deletes only the mission)."""
        taken = {str(obj.get(DISPLAYED_NAME)) for obj in self.store.list_objects(user_id, segment)}
        candidate, number = name, 1
        while candidate in taken:
            number += 1
            candidate = f"{name} ({number})"
        return candidate

    def chain(self, user_id: str, spec: CollectionSpec, mission: JsonObject) -> list[JsonObject]:
        """The paused chain ``mission`` belongs to: its first mission, then the resumptions
        in the order they were created."""
        root_id = mission.get(PAUSED_PARENT_MISSION_ID) or mission["id"]
        root = self.store.get_object(user_id, spec.segment, root_id)
        if root is None:
            raise ChainNotReady(
                f"the first mission of this chain (id {root_id}) was deleted; "
                "its results can no longer be merged"
            )
        resumed = [
            other
            for other in self.store.list_objects(user_id, spec.segment)
            if other.get(PAUSED_PARENT_MISSION_ID) == root_id
        ]
        return [root, *resumed]

    def merge(self, user_id: str, spec: CollectionSpec, mission: JsonObject) -> ComputationLog:
        """Merge the results of ``mission``'s whole chain into a finished computation log
        of a mission named ``"{name} - merged"`` (created, or updated if it exists)."""
        chain = self.chain(user_id, spec, mission)
        logs = [self._finished_log(user_id, member) for member in chain]
        merged_name = f"{mission['name']} - merged"
        existing = self.store.find_by_name(user_id, spec.segment, merged_name)
        body = {key: value for key, value in chain[0].items() if key not in SERVICE_FIELDS}
        body["name"] = merged_name
        body[COMPUTATION_LOG_ID] = log_id = str(uuid.uuid4())
        merged_mission = new_object(body, existing["id"] if existing else None)
        # The merge is the results of the mission "{name} - merged", and named so: the
        # published Pause-capability script exports both to "<results name>_results.xlsx".
        combined = merge_results([log.results for log in logs if log.results is not None])
        merged, files = with_files({**combined, "name": merged_name}, log_id)
        log = ComputationLog(
            id=log_id,
            user_id=user_id,
            segment=spec.segment,
            mission_id=merged_mission["id"],
            mission_name=merged_name,
            kind="merge",
            started_at=self.clock(),
            duration=0.0,
            results=merged,
            errors=[error for member_log in logs for error in member_log.errors],
            paused=logs[-1].paused,
            files=files,
        )
        change: Change = (
            ReplaceObject(spec.segment, merged_mission)
            if existing
            else InsertObject(spec.segment, merged_mission)
        )
        self.store.apply(user_id, [SaveLog(log), change])
        return log

    def _finished_log(self, user_id: str, mission: JsonObject) -> ComputationLog:
        log = self.latest_log(user_id, mission)
        name = mission.get("name")
        if log is None:
            raise ChainNotReady(f"mission {name!r} of the chain was never computed; compute it")
        if self.progress(log) != STATUS_FINISHED:
            raise ChainNotReady(
                f"mission {name!r} of the chain is still computing; "
                "wait until its status is -1, then merge"
            )
        if log.results is None:
            raise ChainNotReady(f"mission {name!r} of the chain failed and has no results")
        return log


def _over_results_budget(log: ComputationLog, refusal: ResultsBudgetExceeded) -> ComputationLog:
    """``log`` failed, without its results, because storing them was refused."""
    message = (
        f"the results of this computation were not stored: they would bring your stored "
        f"computation results to {refusal.total} bytes of JSON, beyond the results budget "
        f"of {refusal.limit} bytes; delete missions whose results you no longer need "
        "(deleting a mission deletes its results), then compute again, or start the server "
        "with a larger --results-quota-mib"
    )
    return replace(log, results=None, errors=[{"message": message}], paused=False, files=())


def _error(entry: Any) -> dict[str, str]:
    if isinstance(entry, dict) and "message" in entry:
        return {"message": str(entry["message"])}
    return {"message": str(entry)}
