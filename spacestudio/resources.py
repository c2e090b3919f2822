"""The operations of the service's collections, written once for all of them.

A :class:`Collection` is one path segment under ``{url}/exoops/users/{id}/``; the
catalog (:mod:`spacestudio_contract.catalog`) says which ones exist. Objects are found by their
``displayedName``. Mission collections add computation and results, and simulation
missions (which can pause) add resuming, merging and clean-up.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Self
from urllib.parse import quote

from spacestudio import pacing
from spacestudio.errors import (
    ComputationTimeoutError,
    NotFoundError,
    TransportError,
    WaitInterrupted,
)
from spacestudio.progress import ComputationProgress
from spacestudio_contract.catalog import CollectionSpec, collections_of
from spacestudio_contract.wire import (
    COMPUTATION_LOG_ID,
    COMPUTE,
    COMPUTE_UNTIL_DURATION,
    CREATE_FROM_RESULTS,
    CREATE_MERGED_RESULTS,
    DISPLAYED_NAME,
    ID,
    NAME,
    PAUSED_PARENT_MISSION_ID,
    STATUS,
)

if TYPE_CHECKING:
    from spacestudio.client import Client

logger = logging.getLogger("spacestudio")

#: An object or mission as the service returns it.
JSONObject = dict[str, Any]

#: Status of a finished computation; 0 is pending, anything else progress.
STATUS_FINISHED = -1


def kind_of(spec: CollectionSpec) -> str:
    """What a collection holds, in words: ``"propulsion system"``, ``"deployment mission"``."""
    words = spec.stem.replace("_", " ")
    return f"{spec.module.replace('_', ' ')} {words}" if spec.stem == "mission" else words


def join_url(base: str, *parts: str) -> str:
    """``base`` followed by each part as one quoted path segment."""
    return base.rstrip("/") + "".join("/" + quote(str(part), safe="") for part in parts)


def find_by_name(name: str, objects: Iterable[Any] | None) -> JSONObject | None:
    """The first object whose ``displayedName`` is ``name``; None when there is none."""
    for candidate in objects or ():
        if isinstance(candidate, dict) and candidate.get(DISPLAYED_NAME) == name:
            return candidate
    return None


def log_computation_errors(source: str, results: Any) -> None:
    """Log each computation error the service reported in ``results`` as a warning."""
    if not isinstance(results, dict):
        return
    for error in results.get("errors") or ():
        message = error.get("message", error) if isinstance(error, dict) else error
        logger.warning("%s: computation error: %s", source, message)


class Collection:
    """One collection of objects: list, find by name, create, modify and delete."""

    #: What the collection holds when no catalog entry says (a collection given by URL).
    default_kind: ClassVar[str] = "object"

    def __init__(self, client: Client, url: str, *, spec: CollectionSpec | None = None) -> None:
        self.client = client
        #: Full URL of the collection, without a trailing slash.
        self.url = url.rstrip("/")
        self.spec = spec

    @classmethod
    def from_catalog(cls, client: Client, spec: CollectionSpec) -> Self:
        """The object API of the catalog collection ``spec`` for ``client``."""
        return cls(client, client.collection_url(spec.segment), spec=spec)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url}>"

    @property
    def kind(self) -> str:
        """What the collection holds, in words (``"propulsion system"``)."""
        return kind_of(self.spec) if self.spec is not None else self.default_kind

    def all(self) -> list[JSONObject]:
        """Every object of the collection (GET collection)."""
        listing = self.client.call("GET", self.url)
        if not isinstance(listing, list):
            # The service answers [] for an empty collection: an empty body (or anything
            # else) came from something other than the service, and must not read as "none".
            got = "an empty answer" if listing is None else type(listing).__name__
            raise TransportError(
                f"Expected a list of {self.kind}s, got {got}", method="GET", url=self.url
            )
        return listing

    def get(self, name: str) -> JSONObject | None:
        """The object named ``name`` (its ``displayedName``); None when there is none."""
        return find_by_name(name, self.all())

    def get_id(self, name: str) -> str | None:
        """The id of the object named ``name``; None when there is none."""
        found = self.get(name)
        return None if found is None else str(found["id"])

    def require(self, name: str) -> JSONObject:
        """The object named ``name``; raises NotFoundError when there is none."""
        found = self.get(name)
        if found is None:
            raise NotFoundError(
                f"There is no {self.kind} named {name!r} in {self.url}",
                hint=f"Create it first, or check the name against the {self.kind}s that exist.",
                missing_name=name,
            )
        return found

    def create(self, body: JSONObject) -> Any:
        """Store a new object (POST collection); returns what the service answers.

        Raises ConflictError when the collection already holds an object of that name.
        """
        stored = self.client.call("POST", self.url, body=body)
        if stored is None:
            # The service answers the stored object; an empty 200 leaves unknown whether
            # it stored anything.
            raise TransportError(
                f"The service answered the creation of a {self.kind} with an empty body; "
                f"check with get_all_… whether it was stored before creating it again",
                method="POST",
                url=self.url,
            )
        return stored

    def modify(self, old: JSONObject | str, new: JSONObject) -> Any:
        """Replace the object named ``old["name"]`` (or ``old`` itself, a name) with ``new``.

        Raises NotFoundError when there is no such object.
        """
        name = old if isinstance(old, str) else old.get(NAME, old.get(DISPLAYED_NAME))
        if not isinstance(name, str):
            raise NotFoundError(
                f"The {self.kind} to modify has no 'name'",
                hint="Pass the object as created (with its 'name') or its name.",
            )
        target = self.require(name)
        return self.client.call("PUT", join_url(self.url, target["id"]), body=new)

    def delete(self, name: str) -> bool:
        """Delete the object named ``name``; True if one was deleted, False if none existed."""
        found = self.get(name)
        if found is None:
            logger.debug("No %s named %r to delete in %s", self.kind, name, self.url)
            return False
        self.client.request("DELETE", join_url(self.url, found["id"])).close()
        return True


class MissionCollection(Collection):
    """A collection of missions: they also compute, report status and give results."""

    default_kind: ClassVar[str] = "mission"

    def __init__(
        self,
        client: Client,
        url: str,
        results_url: str,
        *,
        spec: CollectionSpec | None = None,
    ) -> None:
        super().__init__(client, url, spec=spec)
        #: URL of the computation logs, where every mission's results live.
        self.results_url = results_url

    @classmethod
    def from_catalog(cls, client: Client, spec: CollectionSpec) -> Self:
        return cls(client, client.collection_url(spec.segment), client.results_url, spec=spec)

    def compute(self, name: str) -> Any:
        """Start computing the mission named ``name`` (GET collection/compute/{id})."""
        mission_id = self.require(name)["id"]
        return self.client.call("GET", join_url(self.url, COMPUTE, mission_id), idempotent=False)

    def compute_until_duration(self, name: str, seconds: float) -> Any:
        """Compute the mission named ``name`` until ``seconds`` of mission time, then pause.

        POST collection/compute_until_duration/{id}, the body being the duration.
        """
        mission_id = self.require(name)["id"]
        url = join_url(self.url, COMPUTE_UNTIL_DURATION, mission_id)
        return self.client.call("POST", url, body=seconds)

    def status(self, name: str) -> float:
        """The computation's status: 0 pending, -1 finished, otherwise its progress."""
        return self._status_at(join_url(self.url, STATUS, self.require(name)[ID]))

    def _status_at(self, url: str) -> float:
        value = self.client.call("GET", url)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise TransportError(
                f"A computation status is a number, not {value!r}", method="GET", url=url
            )
        try:
            return float(value)
        except ValueError:
            raise TransportError(
                f"A computation status is a number, not {value!r}", method="GET", url=url
            ) from None

    def results(self, name: str) -> JSONObject:
        """The results of the mission named ``name``: ``{"results": …, "errors": […]}``.

        Computation errors are also logged as warnings. Raises NotFoundError when there is
        no such mission or it was never computed.
        """
        return self._results_of(self.require(name))

    def _results_of(self, mission: JSONObject) -> JSONObject:
        name = mission.get(DISPLAYED_NAME, mission.get(ID))
        log_id = mission.get(COMPUTATION_LOG_ID)
        if not log_id:
            raise NotFoundError(
                f"The {self.kind} {name!r} has no results yet",
                hint="Compute it first (compute_…), and wait for it (wait_and_get_…).",
            )
        url = join_url(self.results_url, log_id)
        results = self.client.call("GET", url)
        if not isinstance(results, dict):
            raise TransportError(
                f"Expected the results of {name!r} as an object", method="GET", url=url
            )
        log_computation_errors(f"{self.kind} {name!r}", results)
        return results

    def wait_for_results(
        self,
        name: str,
        poll_interval: float | None = None,
        timeout: float | None = None,
        progress: bool | None = None,
    ) -> JSONObject:
        """Wait until the mission's computation finishes, then return its results.

        Polls the status every ``poll_interval`` seconds (default: the client's, 1 s);
        raises ComputationTimeoutError after ``timeout`` seconds (default: the client's
        ``computation_timeout``, None waiting for as long as it takes). A progress bar is
        shown on a terminal unless ``progress`` says otherwise.
        """
        interval = self.client.poll_interval if poll_interval is None else poll_interval
        limit = self.client.computation_timeout if timeout is None else timeout
        status_url = join_url(self.url, STATUS, self.require(name)[ID])
        started = time.monotonic()
        # Time spent in pacing.sleep counts even when replaying makes it instant, so a
        # timeout ends after the same number of polls live and in replay.
        waited = 0.0
        choice = self.client.progress if progress is None else progress
        with ComputationProgress.for_choice(f"{self.kind} {name!r}", choice) as bar:
            try:
                status = self._status_at(status_url)
                if status == 0:
                    logger.info("%s %r: computation pending", self.kind, name)
                while status != STATUS_FINISHED:
                    bar.update(status)
                    elapsed = max(time.monotonic() - started, waited)
                    if limit is not None and elapsed >= limit:
                        raise ComputationTimeoutError(
                            f"The {self.kind} {name!r} was still computing after "
                            f"{elapsed:.0f} s (last status {status:g})",
                            method="GET",
                            url=status_url,
                        )
                    pacing.sleep(interval)
                    waited += interval
                    previous, status = status, self._status_at(status_url)
                    if status != previous:
                        logger.debug("%s %r: computation status %g", self.kind, name, status)
            except KeyboardInterrupt:
                raise WaitInterrupted(
                    self._interrupted_message(name), subject=f"{self.kind} {name!r}"
                ) from None
            bar.finish()
        return self.results(name)

    def _interrupted_message(self, name: str) -> str:
        if self.spec is not None:
            later = (
                f"spacestudio.{self.spec.module}.wait_and_get_{self.spec.stem}_results({name!r}) "
                f"(or client.{self.spec.module}.{self.spec.attribute}.wait_for_results)"
            )
        else:
            later = (
                f"spacestudio.wait_and_get_mission_results_from_url({name!r}, {self.url!r}, "
                f"{self.results_url!r})"
            )
        return (
            f"Stopped waiting for the {self.kind} {name!r}: it goes on computing on the "
            f"server; pick up its results later with {later}"
        )


class PausableMissionCollection(MissionCollection):
    """Simulation missions: they pause, resume from their results and merge a chain."""

    def __init__(
        self,
        client: Client,
        url: str,
        results_url: str,
        *,
        spec: CollectionSpec | None = None,
        intermediate_object_urls: Sequence[str] = (),
    ) -> None:
        super().__init__(client, url, results_url, spec=spec)
        #: Collections where resuming a paused mission stores its own objects.
        self.intermediate_object_urls = tuple(intermediate_object_urls)

    @classmethod
    def from_catalog(cls, client: Client, spec: CollectionSpec) -> Self:
        # Resuming stores its objects in the object collections of the mission's module.
        objects = [o.segment for o in collections_of(spec.module) if not o.mission]
        return cls(
            client,
            client.collection_url(spec.segment),
            client.results_url,
            spec=spec,
            intermediate_object_urls=[client.collection_url(segment) for segment in objects],
        )

    def create_from_paused_results(self, name: str, new_name: str) -> Any:
        """Make mission ``new_name`` start where the paused mission ``name`` stopped.

        POST collection/create_from_results/{id}/{new_name} with the paused results.
        """
        mission = self.require(name)
        paused_results = self._results_of(mission).get("results")
        url = join_url(self.url, CREATE_FROM_RESULTS, mission[ID], new_name)
        return self.client.call("POST", url, body=paused_results)

    def merged_results(self, name: str) -> JSONObject:
        """The results of the whole chain of paused and resumed missions from ``name``.

        GET collection/create_merged_results/{id}; the service also stores them as a
        mission named ``"{name} - merged"``.
        """
        url = join_url(self.url, CREATE_MERGED_RESULTS, self.require(name)[ID])
        merged = self.client.call("GET", url, idempotent=False)
        if not isinstance(merged, dict):
            raise TransportError("Expected merged results as an object", method="GET", url=url)
        log_computation_errors(f"{self.kind} {name!r} (merged)", merged)
        return merged

    def delete_intermediate_objects(self, name: str) -> int:
        """Delete every object and mission made while resuming the mission ``name``.

        Those carry ``pausedParentMissionId`` = that mission's id. Returns how many were
        deleted; raises NotFoundError when there is no mission of that name.
        """
        parent_id = self.require(name)["id"]
        deleted = 0
        for url in (*self.intermediate_object_urls, self.url):
            for element in Collection(self.client, url).all():
                if isinstance(element, dict) and element.get(PAUSED_PARENT_MISSION_ID) == parent_id:
                    self.client.request("DELETE", join_url(url, element["id"])).close()
                    deleted += 1
        logger.info("Deleted %d objects made while resuming %r", deleted, name)
        return deleted
