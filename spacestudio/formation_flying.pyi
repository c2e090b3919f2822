"""The formation flying functions of the published spacestudio client, for scripts written for it.

Each one runs on the client that ``spacestudio.connect()`` made. They are made from the
catalog of collections (``spacestudio.catalog``); ``formation_flying.pyi`` lists them for
editors and type checkers. The object API offers the same operations per client:
``client.formation_flying.<collection>.get(name)`` …
"""

# Generated from spacestudio.catalog by `python -m spacestudio._stubgen`; do not edit.

from typing import Any

def create_mission(body: dict[str, Any]) -> Any:
    """Create the formation flying mission described by ``body`` (POST
    formationflyingsimulationrequests); returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def get_mission(mission: str) -> dict[str, Any] | None:
    """The formation flying mission whose displayedName is ``mission`` (GET
    formationflyingsimulationrequests); None when there is none.
    """

def get_mission_id(mission: str) -> str | None:
    """The id of the formation flying mission named ``mission`` (GET
    formationflyingsimulationrequests); None when there is none.
    """

def modify_mission(mission: dict[str, Any] | str, new_mission: dict[str, Any]) -> Any:
    """Replace the formation flying mission named ``mission['name']`` with ``new_mission`` (PUT
    formationflyingsimulationrequests/{id}). Raises NotFoundError when there is no such
    formation flying mission.
    """

def delete_mission(mission: str) -> bool:
    """Delete the formation flying mission named ``mission`` (DELETE
    formationflyingsimulationrequests/{id}); nothing happens when there is none. Returns
    whether one was deleted.
    """

def get_all_missions() -> list[dict[str, Any]]:
    """Every formation flying mission of the account (GET formationflyingsimulationrequests)."""

def compute_mission(mission: str) -> Any:
    """Start computing the formation flying mission named ``mission`` (GET
    formationflyingsimulationrequests/compute/{id}). Raises NotFoundError when there is no
    such formation flying mission.
    """

def get_mission_results(mission: str) -> dict[str, Any]:
    """The results of the formation flying mission named ``mission``: ``{'results': …,
    'errors': […]}`` (GET formationflyingsimulationrequests, then
    computationlogs/{computationLogId}). Computation errors are also logged as warnings.
    """

def wait_and_get_mission_results(mission: str) -> dict[str, Any]:
    """Wait until the formation flying mission named ``mission`` has finished computing
    (polling formationflyingsimulationrequests/status/{id} at the client's poll interval),
    then return its results.
    """
