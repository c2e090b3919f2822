"""The functions of ``spacestudio.simulation`` for its mission collections.

Generated from the catalog (``spacestudio_contract.catalog``) by
``python -m spacestudio._codegen``; to change it, change the catalog or
``spacestudio/_codegen`` and run that command again.
"""

from typing import Any

from spacestudio.client import default_client
from spacestudio.module_function import module_function


@module_function("simulation")
def create_mission(body: dict[str, Any]) -> Any:
    """Create the simulation mission described by ``body`` (POST simulationrequests); returns
    what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().simulation.missions.create(body)


@module_function("simulation")
def create_mission_from_paused_results(mission: str, new_mission_name: str) -> Any:
    """Create the simulation mission ``new_mission_name``, resuming where the paused simulation
    mission ``mission`` stopped (POST
    simulationrequests/create_from_results/{id}/{new_mission_name}).
    """
    return default_client().simulation.missions.create_from_paused_results(
        mission, new_mission_name
    )


@module_function("simulation")
def get_mission(mission: str) -> dict[str, Any] | None:
    """The simulation mission whose displayedName is ``mission`` (GET simulationrequests); None
    when there is none.
    """
    return default_client().simulation.missions.get(mission)


@module_function("simulation")
def get_mission_id(mission: str) -> str | None:
    """The id of the simulation mission named ``mission`` (GET simulationrequests); None when
    there is none.
    """
    return default_client().simulation.missions.get_id(mission)


@module_function("simulation")
def modify_mission(mission: dict[str, Any] | str, new_mission: dict[str, Any]) -> Any:
    """Replace the simulation mission named ``mission['name']`` with ``new_mission`` (PUT
    simulationrequests/{id}). Raises NotFoundError when there is no such simulation mission.
    """
    return default_client().simulation.missions.modify(mission, new_mission)


@module_function("simulation")
def delete_mission(mission: str) -> bool:
    """Delete the simulation mission named ``mission`` (DELETE simulationrequests/{id});
    nothing happens when there is none. Returns whether one was deleted.
    """
    return default_client().simulation.missions.delete(mission)


@module_function("simulation")
def delete_intermediate_objects_from_mission(original_mission_name: str) -> int:
    """Delete every object and simulation mission made while resuming the simulation mission
    ``original_mission_name`` (those whose pausedParentMissionId is its id), in
    simulationrequests and the module's object collections. Returns how many were deleted.
    """
    return default_client().simulation.missions.delete_intermediate_objects(original_mission_name)


@module_function("simulation")
def get_all_missions() -> list[dict[str, Any]]:
    """Every simulation mission of the account (GET simulationrequests)."""
    return default_client().simulation.missions.all()


@module_function("simulation", missing_goes_on=True)
def compute_mission(mission: str) -> Any:
    """Start computing the simulation mission named ``mission`` (GET
    simulationrequests/compute/{id}). Raises NotFoundError when there is no such simulation
    mission.
    """
    return default_client().simulation.missions.compute(mission)


@module_function("simulation")
def compute_mission_until_duration(mission: str, duration: float) -> Any:
    """Compute the simulation mission named ``mission`` for ``duration`` seconds of mission
    time, then pause (POST simulationrequests/compute_until_duration/{id}, the body being
    the duration).
    """
    return default_client().simulation.missions.compute_until_duration(mission, duration)


@module_function("simulation", missing_goes_on=True)
def get_mission_results(mission: str) -> dict[str, Any]:
    """The results of the simulation mission named ``mission``: ``{'results': …, 'errors':
    […]}`` (GET simulationrequests, then computationlogs/{computationLogId}). Computation
    errors are also logged as warnings.
    """
    return default_client().simulation.missions.results(mission)


@module_function("simulation", missing_goes_on=True)
def wait_and_get_mission_results(mission: str) -> dict[str, Any]:
    """Wait until the simulation mission named ``mission`` has finished computing (polling
    simulationrequests/status/{id} at the client's poll interval), then return its results.
    """
    return default_client().simulation.missions.wait_for_results(mission)


@module_function("simulation")
def get_paused_mission_results_merged(mission: str) -> dict[str, Any]:
    """The merged results of the chain of paused and resumed simulation missions from
    ``mission`` (GET simulationrequests/create_merged_results/{id}).
    """
    return default_client().simulation.missions.merged_results(mission)
