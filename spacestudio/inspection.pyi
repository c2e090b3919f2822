"""The inspection functions of the published spacestudio client, for scripts written for it.

Each one runs on the client that ``spacestudio.connect()`` made. They are made from the
catalog of collections (``spacestudio.catalog``); ``inspection.pyi`` lists them for
editors and type checkers. The object API offers the same operations per client:
``client.inspection.<collection>.get(name)`` …
"""

# Generated from spacestudio.catalog by `python -m spacestudio._stubgen`; do not edit.

from typing import Any

def create_mission(body: dict[str, Any]) -> Any:
    """Create the inspection mission described by ``body`` (POST inspectionsimulationrequests);
    returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def get_mission(mission: str) -> dict[str, Any] | None:
    """The inspection mission whose displayedName is ``mission`` (GET
    inspectionsimulationrequests); None when there is none.
    """

def get_mission_id(mission: str) -> str | None:
    """The id of the inspection mission named ``mission`` (GET inspectionsimulationrequests);
    None when there is none.
    """

def modify_mission(mission: dict[str, Any] | str, new_mission: dict[str, Any]) -> Any:
    """Replace the inspection mission named ``mission['name']`` with ``new_mission`` (PUT
    inspectionsimulationrequests/{id}). Raises NotFoundError when there is no such
    inspection mission.
    """

def delete_mission(mission: str) -> bool:
    """Delete the inspection mission named ``mission`` (DELETE
    inspectionsimulationrequests/{id}); nothing happens when there is none. Returns whether
    one was deleted.
    """

def get_all_missions() -> list[dict[str, Any]]:
    """Every inspection mission of the account (GET inspectionsimulationrequests)."""

def compute_mission(mission: str) -> Any:
    """Start computing the inspection mission named ``mission`` (GET
    inspectionsimulationrequests/compute/{id}). Raises NotFoundError when there is no such
    inspection mission.
    """

def get_mission_results(mission: str) -> dict[str, Any]:
    """The results of the inspection mission named ``mission``: ``{'results': …, 'errors':
    […]}`` (GET inspectionsimulationrequests, then computationlogs/{computationLogId}).
    Computation errors are also logged as warnings.
    """

def wait_and_get_mission_results(mission: str) -> dict[str, Any]:
    """Wait until the inspection mission named ``mission`` has finished computing (polling
    inspectionsimulationrequests/status/{id} at the client's poll interval), then return its
    results.
    """
