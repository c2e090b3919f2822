"""The deployment functions of the published spacestudio client, for scripts written for it.

Each one runs on the client that ``spacestudio.connect()`` made. They are made from the
catalog of collections (``spacestudio.catalog``); ``deployment.pyi`` lists them for
editors and type checkers. The object API offers the same operations per client:
``client.deployment.<collection>.get(name)`` …
"""

# Generated from spacestudio.catalog by `python -m spacestudio._stubgen`; do not edit.

from typing import Any

def create_launch(body: dict[str, Any]) -> Any:
    """Create the launch described by ``body`` (POST launchdefinitions); returns what the
    service stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def create_mission(body: dict[str, Any]) -> Any:
    """Create the deployment mission described by ``body`` (POST deploymentrequests); returns
    what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def get_launch(launch: str) -> dict[str, Any] | None:
    """The launch whose displayedName is ``launch`` (GET launchdefinitions); None when there is
    none.
    """

def get_mission(mission: str) -> dict[str, Any] | None:
    """The deployment mission whose displayedName is ``mission`` (GET deploymentrequests); None
    when there is none.
    """

def get_mission_id(mission: str) -> str | None:
    """The id of the deployment mission named ``mission`` (GET deploymentrequests); None when
    there is none.
    """

def modify_launch(launch: dict[str, Any] | str, new_launch: dict[str, Any]) -> Any:
    """Replace the launch named ``launch['name']`` with ``new_launch`` (PUT
    launchdefinitions/{id}). Raises NotFoundError when there is no such launch.
    """

def modify_mission(mission: dict[str, Any] | str, new_mission: dict[str, Any]) -> Any:
    """Replace the deployment mission named ``mission['name']`` with ``new_mission`` (PUT
    deploymentrequests/{id}). Raises NotFoundError when there is no such deployment mission.
    """

def delete_launch(launch: str) -> bool:
    """Delete the launch named ``launch`` (DELETE launchdefinitions/{id}); nothing happens when
    there is none. Returns whether one was deleted.
    """

def delete_mission(mission: str) -> bool:
    """Delete the deployment mission named ``mission`` (DELETE deploymentrequests/{id});
    nothing happens when there is none. Returns whether one was deleted.
    """

def get_all_launches() -> list[dict[str, Any]]:
    """Every launch of the account (GET launchdefinitions)."""

def get_all_missions() -> list[dict[str, Any]]:
    """Every deployment mission of the account (GET deploymentrequests)."""

def compute_mission(mission: str) -> Any:
    """Start computing the deployment mission named ``mission`` (GET
    deploymentrequests/compute/{id}). Raises NotFoundError when there is no such deployment
    mission.
    """

def get_mission_results(mission: str) -> dict[str, Any]:
    """The results of the deployment mission named ``mission``: ``{'results': …, 'errors':
    […]}`` (GET deploymentrequests, then computationlogs/{computationLogId}). Computation
    errors are also logged as warnings.
    """

def wait_and_get_mission_results(mission: str) -> dict[str, Any]:
    """Wait until the deployment mission named ``mission`` has finished computing (polling
    deploymentrequests/status/{id} at the client's poll interval), then return its results.
    """
