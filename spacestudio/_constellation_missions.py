"""The functions of ``spacestudio.constellation`` for its mission collections.

Generated from the catalog (``spacestudio_contract.catalog``) by
``python -m spacestudio._codegen``; to change it, change the catalog or
``spacestudio/_codegen`` and run that command again.
"""

from typing import Any

from spacestudio.client import default_client
from spacestudio.module_function import module_function


@module_function("constellation")
def create_performance_analysis_mission(body: dict[str, Any]) -> Any:
    """Create the performance analysis mission described by ``body`` (POST
    constellationperformanceanalysisrequests); returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().constellation.performance_analysis_missions.create(body)


@module_function("constellation")
def create_optimization_mission(body: dict[str, Any]) -> Any:
    """Create the optimization mission described by ``body`` (POST
    constellationoptimizationrequests); returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().constellation.optimization_missions.create(body)


@module_function("constellation")
def create_generation_mission(body: dict[str, Any]) -> Any:
    """Create the generation mission described by ``body`` (POST
    constellationgenerationrequests); returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().constellation.generation_missions.create(body)


@module_function("constellation")
def create_simulation_mission(body: dict[str, Any]) -> Any:
    """Create the simulation mission described by ``body`` (POST
    constellationsimulationrequests); returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().constellation.simulation_missions.create(body)


@module_function("constellation")
def get_performance_analysis_mission(performance_analysis_mission: str) -> dict[str, Any] | None:
    """The performance analysis mission whose displayedName is ``performance_analysis_mission``
    (GET constellationperformanceanalysisrequests); None when there is none.
    """
    return default_client().constellation.performance_analysis_missions.get(
        performance_analysis_mission
    )


@module_function("constellation")
def get_optimization_mission(optimization_mission: str) -> dict[str, Any] | None:
    """The optimization mission whose displayedName is ``optimization_mission`` (GET
    constellationoptimizationrequests); None when there is none.
    """
    return default_client().constellation.optimization_missions.get(optimization_mission)


@module_function("constellation")
def get_generation_mission(generation_mission: str) -> dict[str, Any] | None:
    """The generation mission whose displayedName is ``generation_mission`` (GET
    constellationgenerationrequests); None when there is none.
    """
    return default_client().constellation.generation_missions.get(generation_mission)


@module_function("constellation")
def get_simulation_mission(simulation_mission: str) -> dict[str, Any] | None:
    """The simulation mission whose displayedName is ``simulation_mission`` (GET
    constellationsimulationrequests); None when there is none.
    """
    return default_client().constellation.simulation_missions.get(simulation_mission)


@module_function("constellation")
def get_performance_analysis_mission_id(performance_analysis_mission: str) -> str | None:
    """The id of the performance analysis mission named ``performance_analysis_mission`` (GET
    constellationperformanceanalysisrequests); None when there is none.
    """
    return default_client().constellation.performance_analysis_missions.get_id(
        performance_analysis_mission
    )


@module_function("constellation")
def get_optimization_mission_id(optimization_mission: str) -> str | None:
    """The id of the optimization mission named ``optimization_mission`` (GET
    constellationoptimizationrequests); None when there is none.
    """
    return default_client().constellation.optimization_missions.get_id(optimization_mission)


@module_function("constellation")
def get_generation_mission_id(generation_mission: str) -> str | None:
    """The id of the generation mission named ``generation_mission`` (GET
    constellationgenerationrequests); None when there is none.
    """
    return default_client().constellation.generation_missions.get_id(generation_mission)


@module_function("constellation")
def get_simulation_mission_id(simulation_mission: str) -> str | None:
    """The id of the simulation mission named ``simulation_mission`` (GET
    constellationsimulationrequests); None when there is none.
    """
    return default_client().constellation.simulation_missions.get_id(simulation_mission)


@module_function("constellation")
def modify_performance_analysis_mission(
    performance_analysis_mission: dict[str, Any] | str,
    new_performance_analysis_mission: dict[str, Any],
) -> Any:
    """Replace the performance analysis mission named ``performance_analysis_mission['name']``
    with ``new_performance_analysis_mission`` (PUT
    constellationperformanceanalysisrequests/{id}). Raises NotFoundError when there is no
    such performance analysis mission.
    """
    return default_client().constellation.performance_analysis_missions.modify(
        performance_analysis_mission, new_performance_analysis_mission
    )


@module_function("constellation")
def modify_optimization_mission(
    optimization_mission: dict[str, Any] | str, new_optimization_mission: dict[str, Any]
) -> Any:
    """Replace the optimization mission named ``optimization_mission['name']`` with
    ``new_optimization_mission`` (PUT constellationoptimizationrequests/{id}). Raises
    NotFoundError when there is no such optimization mission.
    """
    return default_client().constellation.optimization_missions.modify(
        optimization_mission, new_optimization_mission
    )


@module_function("constellation")
def modify_generation_mission(
    generation_mission: dict[str, Any] | str, new_generation_mission: dict[str, Any]
) -> Any:
    """Replace the generation mission named ``generation_mission['name']`` with
    ``new_generation_mission`` (PUT constellationgenerationrequests/{id}). Raises
    NotFoundError when there is no such generation mission.
    """
    return default_client().constellation.generation_missions.modify(
        generation_mission, new_generation_mission
    )


@module_function("constellation")
def modify_simulation_mission(
    simulation_mission: dict[str, Any] | str, new_simulation_mission: dict[str, Any]
) -> Any:
    """Replace the simulation mission named ``simulation_mission['name']`` with
    ``new_simulation_mission`` (PUT constellationsimulationrequests/{id}). Raises
    NotFoundError when there is no such simulation mission.
    """
    return default_client().constellation.simulation_missions.modify(
        simulation_mission, new_simulation_mission
    )


@module_function("constellation")
def delete_performance_analysis_mission(performance_analysis_mission: str) -> bool:
    """Delete the performance analysis mission named ``performance_analysis_mission`` (DELETE
    constellationperformanceanalysisrequests/{id}); nothing happens when there is none.
    Returns whether one was deleted.
    """
    return default_client().constellation.performance_analysis_missions.delete(
        performance_analysis_mission
    )


@module_function("constellation")
def delete_optimization_mission(optimization_mission: str) -> bool:
    """Delete the optimization mission named ``optimization_mission`` (DELETE
    constellationoptimizationrequests/{id}); nothing happens when there is none. Returns
    whether one was deleted.
    """
    return default_client().constellation.optimization_missions.delete(optimization_mission)


@module_function("constellation")
def delete_generation_mission(generation_mission: str) -> bool:
    """Delete the generation mission named ``generation_mission`` (DELETE
    constellationgenerationrequests/{id}); nothing happens when there is none. Returns
    whether one was deleted.
    """
    return default_client().constellation.generation_missions.delete(generation_mission)


@module_function("constellation")
def delete_simulation_mission(simulation_mission: str) -> bool:
    """Delete the simulation mission named ``simulation_mission`` (DELETE
    constellationsimulationrequests/{id}); nothing happens when there is none. Returns
    whether one was deleted.
    """
    return default_client().constellation.simulation_missions.delete(simulation_mission)


@module_function("constellation")
def get_all_performance_analysis_missions() -> list[dict[str, Any]]:
    """Every performance analysis mission of the account (GET
    constellationperformanceanalysisrequests).
    """
    return default_client().constellation.performance_analysis_missions.all()


@module_function("constellation")
def get_all_optimization_missions() -> list[dict[str, Any]]:
    """Every optimization mission of the account (GET constellationoptimizationrequests)."""
    return default_client().constellation.optimization_missions.all()


@module_function("constellation")
def get_all_generation_missions() -> list[dict[str, Any]]:
    """Every generation mission of the account (GET constellationgenerationrequests)."""
    return default_client().constellation.generation_missions.all()


@module_function("constellation")
def get_all_simulation_missions() -> list[dict[str, Any]]:
    """Every simulation mission of the account (GET constellationsimulationrequests)."""
    return default_client().constellation.simulation_missions.all()


@module_function("constellation", missing_goes_on=True)
def compute_performance_analysis_mission(mission: str) -> Any:
    """Start computing the performance analysis mission named ``mission`` (GET
    constellationperformanceanalysisrequests/compute/{id}). Raises NotFoundError when there
    is no such performance analysis mission.
    """
    return default_client().constellation.performance_analysis_missions.compute(mission)


@module_function("constellation", missing_goes_on=True)
def compute_optimization_mission(mission: str) -> Any:
    """Start computing the optimization mission named ``mission`` (GET
    constellationoptimizationrequests/compute/{id}). Raises NotFoundError when there is no
    such optimization mission.
    """
    return default_client().constellation.optimization_missions.compute(mission)


@module_function("constellation", missing_goes_on=True)
def compute_generation_mission(mission: str) -> Any:
    """Start computing the generation mission named ``mission`` (GET
    constellationgenerationrequests/compute/{id}). Raises NotFoundError when there is no
    such generation mission.
    """
    return default_client().constellation.generation_missions.compute(mission)


@module_function("constellation", missing_goes_on=True)
def compute_simulation_mission(mission: str) -> Any:
    """Start computing the simulation mission named ``mission`` (GET
    constellationsimulationrequests/compute/{id}). Raises NotFoundError when there is no
    such simulation mission.
    """
    return default_client().constellation.simulation_missions.compute(mission)


@module_function("constellation", missing_goes_on=True)
def get_performance_analysis_mission_results(mission: str) -> dict[str, Any]:
    """The results of the performance analysis mission named ``mission``: ``{'results': …,
    'errors': […]}`` (GET constellationperformanceanalysisrequests, then
    computationlogs/{computationLogId}). Computation errors are also logged as warnings.
    """
    return default_client().constellation.performance_analysis_missions.results(mission)


@module_function("constellation", missing_goes_on=True)
def get_optimization_mission_results(mission: str) -> dict[str, Any]:
    """The results of the optimization mission named ``mission``: ``{'results': …, 'errors':
    […]}`` (GET constellationoptimizationrequests, then computationlogs/{computationLogId}).
    Computation errors are also logged as warnings.
    """
    return default_client().constellation.optimization_missions.results(mission)


@module_function("constellation", missing_goes_on=True)
def get_generation_mission_results(mission: str) -> dict[str, Any]:
    """The results of the generation mission named ``mission``: ``{'results': …, 'errors':
    […]}`` (GET constellationgenerationrequests, then computationlogs/{computationLogId}).
    Computation errors are also logged as warnings.
    """
    return default_client().constellation.generation_missions.results(mission)


@module_function("constellation", missing_goes_on=True)
def get_simulation_mission_results(mission: str) -> dict[str, Any]:
    """The results of the simulation mission named ``mission``: ``{'results': …, 'errors':
    […]}`` (GET constellationsimulationrequests, then computationlogs/{computationLogId}).
    Computation errors are also logged as warnings.
    """
    return default_client().constellation.simulation_missions.results(mission)


@module_function("constellation", missing_goes_on=True)
def wait_and_get_performance_analysis_mission_results(mission: str) -> dict[str, Any]:
    """Wait until the performance analysis mission named ``mission`` has finished computing
    (polling constellationperformanceanalysisrequests/status/{id} at the client's poll
    interval), then return its results.
    """
    return default_client().constellation.performance_analysis_missions.wait_for_results(mission)


@module_function("constellation", missing_goes_on=True)
def wait_and_get_optimization_mission_results(mission: str) -> dict[str, Any]:
    """Wait until the optimization mission named ``mission`` has finished computing (polling
    constellationoptimizationrequests/status/{id} at the client's poll interval), then
    return its results.
    """
    return default_client().constellation.optimization_missions.wait_for_results(mission)


@module_function("constellation", missing_goes_on=True)
def wait_and_get_generation_mission_results(mission: str) -> dict[str, Any]:
    """Wait until the generation mission named ``mission`` has finished computing (polling
    constellationgenerationrequests/status/{id} at the client's poll interval), then return
    its results.
    """
    return default_client().constellation.generation_missions.wait_for_results(mission)


@module_function("constellation", missing_goes_on=True)
def wait_and_get_simulation_mission_results(mission: str) -> dict[str, Any]:
    """Wait until the simulation mission named ``mission`` has finished computing (polling
    constellationsimulationrequests/status/{id} at the client's poll interval), then return
    its results.
    """
    return default_client().constellation.simulation_missions.wait_for_results(mission)
