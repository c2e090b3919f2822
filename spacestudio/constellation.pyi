"""The constellation functions of the published spacestudio client, for scripts written for it.

Each one runs on the client that ``spacestudio.connect()`` made. They are made from the
catalog of collections (``spacestudio_contract.catalog``); ``constellation.pyi`` lists them for
editors and type checkers. The object API offers the same operations per client:
``client.constellation.<collection>.get(name)`` …
"""

# Generated from spacestudio_contract.catalog by `python -m spacestudio._stubgen`; do not edit.

from typing import Any

# What the published module imported, so scripts could reach it through it.
from spacestudio.api_requests import compute_mission_from_url as compute_mission_from_url
from spacestudio.api_requests import (
    compute_mission_until_duration_from_url as compute_mission_until_duration_from_url,
)
from spacestudio.api_requests import (
    create_mission_from_paused_results_and_url as create_mission_from_paused_results_and_url,
)
from spacestudio.api_requests import (
    delete_intermediate_objects_from_mission_and_url as delete_intermediate_objects_from_mission_and_url,  # noqa: E501
)
from spacestudio.api_requests import delete_object as delete_object
from spacestudio.api_requests import get_mission_id_with_url as get_mission_id_with_url
from spacestudio.api_requests import get_mission_results_from_url as get_mission_results_from_url
from spacestudio.api_requests import get_object as get_object
from spacestudio.api_requests import (
    get_paused_mission_results_merged_with_url as get_paused_mission_results_merged_with_url,
)
from spacestudio.api_requests import get_request as get_request
from spacestudio.api_requests import modify_object as modify_object
from spacestudio.api_requests import post_request as post_request
from spacestudio.api_requests import (
    wait_and_get_mission_results_from_url as wait_and_get_mission_results_from_url,
)

MISSION_RESULTS_URL: str
PARAMETRIC_PROPULSION_SYSTEM_URL: str
PARAMETRIC_ORBIT_URL: str
PARAMETRIC_SPACECRAFT_URL: str
REACTION_WHEELS_URL: str
PARAMETRIC_MAGNETIC_TORQUER_URL: str
PARAMETRIC_STUDY_URL: str
GROUND_STATION_URL: str
PAYLOAD_URL: str
EARTH_MESH_URL: str
SUB_CONSTELLATION_URL: str
CONSTELLATION_URL: str
POINT_OF_INTEREST_URL: str
CONSTELLATION_PERFORMANCE_ANALYSIS_URL: str
CONSTELLATION_OPTIMIZATION_URL: str
CONSTELLATION_GENERATION_URL: str
CONSTELLATION_SIMULATION_URL: str
LAUNCH_URL: str
DEPLOYMENT_MISSION_URL: str
ANTENNA_URL: str
BATTERY_URL: str
ZONE_OF_INTEREST_URL: str
ORBIT_URL: str
SPACECRAFT_URL: str
SPACECRAFT_GEOMETRY_URL: str
PROPULSION_SYSTEM_URL: str
SIMULATION_URL: str
OPTICAL_GROUND_STATION_URL: str
OPTICAL_DATA_GENERATION_URL: str
GRIDFS_URL: str
FF_SIMULATION_URL: str
INSPECTION_SIMULATION_URL: str

def create_ground_station(body: dict[str, Any]) -> Any:
    """Create the ground station described by ``body`` (POST groundstationdefinitions); returns
    what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def create_payload(body: dict[str, Any]) -> Any:
    """Create the payload described by ``body`` (POST payloaddefinitions); returns what the
    service stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def create_earth_mesh(body: dict[str, Any]) -> Any:
    """Create the earth mesh described by ``body`` (POST earthmeshdefinitions); returns what
    the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def create_sub_constellation(body: dict[str, Any]) -> Any:
    """Create the sub constellation described by ``body`` (POST subconstellationdefinitions);
    returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def create_constellation(body: dict[str, Any]) -> Any:
    """Create the constellation described by ``body`` (POST constellationdefinitions); returns
    what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def create_point_of_interest(body: dict[str, Any]) -> Any:
    """Create the point of interest described by ``body`` (POST pointofinterestdefinitions);
    returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def create_performance_analysis_mission(body: dict[str, Any]) -> Any:
    """Create the performance analysis mission described by ``body`` (POST
    constellationperformanceanalysisrequests); returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def create_optimization_mission(body: dict[str, Any]) -> Any:
    """Create the optimization mission described by ``body`` (POST
    constellationoptimizationrequests); returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def create_generation_mission(body: dict[str, Any]) -> Any:
    """Create the generation mission described by ``body`` (POST
    constellationgenerationrequests); returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def create_simulation_mission(body: dict[str, Any]) -> Any:
    """Create the simulation mission described by ``body`` (POST
    constellationsimulationrequests); returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def get_ground_station(ground_station: str) -> dict[str, Any]:
    """The ground station whose displayedName is ``ground_station`` (GET
    groundstationdefinitions); None when there is none.
    """

def get_payload(payload: str) -> dict[str, Any]:
    """The payload whose displayedName is ``payload`` (GET payloaddefinitions); None when there
    is none.
    """

def get_earth_mesh(earth_mesh: str) -> dict[str, Any]:
    """The earth mesh whose displayedName is ``earth_mesh`` (GET earthmeshdefinitions); None
    when there is none.
    """

def get_sub_constellation(sub_constellation: str) -> dict[str, Any]:
    """The sub constellation whose displayedName is ``sub_constellation`` (GET
    subconstellationdefinitions); None when there is none.
    """

def get_constellation(constellation: str) -> dict[str, Any]:
    """The constellation whose displayedName is ``constellation`` (GET
    constellationdefinitions); None when there is none.
    """

def get_point_of_interest(point_of_interest: str) -> dict[str, Any]:
    """The point of interest whose displayedName is ``point_of_interest`` (GET
    pointofinterestdefinitions); None when there is none.
    """

def get_performance_analysis_mission(performance_analysis_mission: str) -> dict[str, Any]:
    """The performance analysis mission whose displayedName is ``performance_analysis_mission``
    (GET constellationperformanceanalysisrequests); None when there is none.
    """

def get_optimization_mission(optimization_mission: str) -> dict[str, Any]:
    """The optimization mission whose displayedName is ``optimization_mission`` (GET
    constellationoptimizationrequests); None when there is none.
    """

def get_generation_mission(generation_mission: str) -> dict[str, Any]:
    """The generation mission whose displayedName is ``generation_mission`` (GET
    constellationgenerationrequests); None when there is none.
    """

def get_simulation_mission(simulation_mission: str) -> dict[str, Any]:
    """The simulation mission whose displayedName is ``simulation_mission`` (GET
    constellationsimulationrequests); None when there is none.
    """

def get_performance_analysis_mission_id(performance_analysis_mission: str) -> str | None:
    """The id of the performance analysis mission named ``performance_analysis_mission`` (GET
    constellationperformanceanalysisrequests); None when there is none.
    """

def get_optimization_mission_id(optimization_mission: str) -> str | None:
    """The id of the optimization mission named ``optimization_mission`` (GET
    constellationoptimizationrequests); None when there is none.
    """

def get_generation_mission_id(generation_mission: str) -> str | None:
    """The id of the generation mission named ``generation_mission`` (GET
    constellationgenerationrequests); None when there is none.
    """

def get_simulation_mission_id(simulation_mission: str) -> str | None:
    """The id of the simulation mission named ``simulation_mission`` (GET
    constellationsimulationrequests); None when there is none.
    """

def modify_ground_station(
    ground_station: dict[str, Any] | str, new_ground_station: dict[str, Any]
) -> Any:
    """Replace the ground station named ``ground_station['name']`` with ``new_ground_station``
    (PUT groundstationdefinitions/{id}). Raises NotFoundError when there is no such ground
    station.
    """

def modify_payload(payload: dict[str, Any] | str, new_payload: dict[str, Any]) -> Any:
    """Replace the payload named ``payload['name']`` with ``new_payload`` (PUT
    payloaddefinitions/{id}). Raises NotFoundError when there is no such payload.
    """

def modify_earth_mesh(earth_mesh: dict[str, Any] | str, new_earth_mesh: dict[str, Any]) -> Any:
    """Replace the earth mesh named ``earth_mesh['name']`` with ``new_earth_mesh`` (PUT
    earthmeshdefinitions/{id}). Raises NotFoundError when there is no such earth mesh.
    """

def modify_sub_constellation(
    sub_constellation: dict[str, Any] | str, new_sub_constellation: dict[str, Any]
) -> Any:
    """Replace the sub constellation named ``sub_constellation['name']`` with
    ``new_sub_constellation`` (PUT subconstellationdefinitions/{id}). Raises NotFoundError
    when there is no such sub constellation.
    """

def modify_constellation(
    constellation: dict[str, Any] | str, new_constellation: dict[str, Any]
) -> Any:
    """Replace the constellation named ``constellation['name']`` with ``new_constellation``
    (PUT constellationdefinitions/{id}). Raises NotFoundError when there is no such
    constellation.
    """

def modify_point_of_interest(
    point_of_interest: dict[str, Any] | str, new_point_of_interest: dict[str, Any]
) -> Any:
    """Replace the point of interest named ``point_of_interest['name']`` with
    ``new_point_of_interest`` (PUT pointofinterestdefinitions/{id}). Raises NotFoundError
    when there is no such point of interest.
    """

def modify_performance_analysis_mission(
    performance_analysis_mission: dict[str, Any] | str,
    new_performance_analysis_mission: dict[str, Any],
) -> Any:
    """Replace the performance analysis mission named ``performance_analysis_mission['name']``
    with ``new_performance_analysis_mission`` (PUT
    constellationperformanceanalysisrequests/{id}). Raises NotFoundError when there is no
    such performance analysis mission.
    """

def modify_optimization_mission(
    optimization_mission: dict[str, Any] | str, new_optimization_mission: dict[str, Any]
) -> Any:
    """Replace the optimization mission named ``optimization_mission['name']`` with
    ``new_optimization_mission`` (PUT constellationoptimizationrequests/{id}). Raises
    NotFoundError when there is no such optimization mission.
    """

def modify_generation_mission(
    generation_mission: dict[str, Any] | str, new_generation_mission: dict[str, Any]
) -> Any:
    """Replace the generation mission named ``generation_mission['name']`` with
    ``new_generation_mission`` (PUT constellationgenerationrequests/{id}). Raises
    NotFoundError when there is no such generation mission.
    """

def modify_simulation_mission(
    simulation_mission: dict[str, Any] | str, new_simulation_mission: dict[str, Any]
) -> Any:
    """Replace the simulation mission named ``simulation_mission['name']`` with
    ``new_simulation_mission`` (PUT constellationsimulationrequests/{id}). Raises
    NotFoundError when there is no such simulation mission.
    """

def delete_ground_station(ground_station: str) -> bool:
    """Delete the ground station named ``ground_station`` (DELETE
    groundstationdefinitions/{id}); nothing happens when there is none. Returns whether one
    was deleted.
    """

def delete_payload(payload: str) -> bool:
    """Delete the payload named ``payload`` (DELETE payloaddefinitions/{id}); nothing happens
    when there is none. Returns whether one was deleted.
    """

def delete_earth_mesh(earth_mesh: str) -> bool:
    """Delete the earth mesh named ``earth_mesh`` (DELETE earthmeshdefinitions/{id}); nothing
    happens when there is none. Returns whether one was deleted.
    """

def delete_sub_constellation(sub_constellation: str) -> bool:
    """Delete the sub constellation named ``sub_constellation`` (DELETE
    subconstellationdefinitions/{id}); nothing happens when there is none. Returns whether
    one was deleted.
    """

def delete_constellation(constellation: str) -> bool:
    """Delete the constellation named ``constellation`` (DELETE constellationdefinitions/{id});
    nothing happens when there is none. Returns whether one was deleted.
    """

def delete_point_of_interest(point_of_interest: str) -> bool:
    """Delete the point of interest named ``point_of_interest`` (DELETE
    pointofinterestdefinitions/{id}); nothing happens when there is none. Returns whether
    one was deleted.
    """

def delete_performance_analysis_mission(performance_analysis_mission: str) -> bool:
    """Delete the performance analysis mission named ``performance_analysis_mission`` (DELETE
    constellationperformanceanalysisrequests/{id}); nothing happens when there is none.
    Returns whether one was deleted.
    """

def delete_optimization_mission(optimization_mission: str) -> bool:
    """Delete the optimization mission named ``optimization_mission`` (DELETE
    constellationoptimizationrequests/{id}); nothing happens when there is none. Returns
    whether one was deleted.
    """

def delete_generation_mission(generation_mission: str) -> bool:
    """Delete the generation mission named ``generation_mission`` (DELETE
    constellationgenerationrequests/{id}); nothing happens when there is none. Returns
    whether one was deleted.
    """

def delete_simulation_mission(simulation_mission: str) -> bool:
    """Delete the simulation mission named ``simulation_mission`` (DELETE
    constellationsimulationrequests/{id}); nothing happens when there is none. Returns
    whether one was deleted.
    """

def get_all_ground_stations() -> list[dict[str, Any]]:
    """Every ground station of the account (GET groundstationdefinitions)."""

def get_all_payloads() -> list[dict[str, Any]]:
    """Every payload of the account (GET payloaddefinitions)."""

def get_all_earth_meshes() -> list[dict[str, Any]]:
    """Every earth mesh of the account (GET earthmeshdefinitions)."""

def get_all_sub_constellations() -> list[dict[str, Any]]:
    """Every sub constellation of the account (GET subconstellationdefinitions)."""

def get_all_constellations() -> list[dict[str, Any]]:
    """Every constellation of the account (GET constellationdefinitions)."""

def get_all_points_of_interests() -> list[dict[str, Any]]:
    """Every point of interest of the account (GET pointofinterestdefinitions)."""

def get_all_performance_analysis_missions() -> list[dict[str, Any]]:
    """Every performance analysis mission of the account (GET
    constellationperformanceanalysisrequests).
    """

def get_all_optimization_missions() -> list[dict[str, Any]]:
    """Every optimization mission of the account (GET constellationoptimizationrequests)."""

def get_all_generation_missions() -> list[dict[str, Any]]:
    """Every generation mission of the account (GET constellationgenerationrequests)."""

def get_all_simulation_missions() -> list[dict[str, Any]]:
    """Every simulation mission of the account (GET constellationsimulationrequests)."""

def compute_performance_analysis_mission(mission: str) -> Any:
    """Start computing the performance analysis mission named ``mission`` (GET
    constellationperformanceanalysisrequests/compute/{id}). Raises NotFoundError when there
    is no such performance analysis mission.
    """

def compute_optimization_mission(mission: str) -> Any:
    """Start computing the optimization mission named ``mission`` (GET
    constellationoptimizationrequests/compute/{id}). Raises NotFoundError when there is no
    such optimization mission.
    """

def compute_generation_mission(mission: str) -> Any:
    """Start computing the generation mission named ``mission`` (GET
    constellationgenerationrequests/compute/{id}). Raises NotFoundError when there is no
    such generation mission.
    """

def compute_simulation_mission(mission: str) -> Any:
    """Start computing the simulation mission named ``mission`` (GET
    constellationsimulationrequests/compute/{id}). Raises NotFoundError when there is no
    such simulation mission.
    """

def get_performance_analysis_mission_results(mission: str) -> dict[str, Any]:
    """The results of the performance analysis mission named ``mission``: ``{'results': …,
    'errors': […]}`` (GET constellationperformanceanalysisrequests, then
    computationlogs/{computationLogId}). Computation errors are also logged as warnings.
    """

def get_optimization_mission_results(mission: str) -> dict[str, Any]:
    """The results of the optimization mission named ``mission``: ``{'results': …, 'errors':
    […]}`` (GET constellationoptimizationrequests, then computationlogs/{computationLogId}).
    Computation errors are also logged as warnings.
    """

def get_generation_mission_results(mission: str) -> dict[str, Any]:
    """The results of the generation mission named ``mission``: ``{'results': …, 'errors':
    […]}`` (GET constellationgenerationrequests, then computationlogs/{computationLogId}).
    Computation errors are also logged as warnings.
    """

def get_simulation_mission_results(mission: str) -> dict[str, Any]:
    """The results of the simulation mission named ``mission``: ``{'results': …, 'errors':
    […]}`` (GET constellationsimulationrequests, then computationlogs/{computationLogId}).
    Computation errors are also logged as warnings.
    """

def wait_and_get_performance_analysis_mission_results(mission: str) -> dict[str, Any]:
    """Wait until the performance analysis mission named ``mission`` has finished computing
    (polling constellationperformanceanalysisrequests/status/{id} at the client's poll
    interval), then return its results.
    """

def wait_and_get_optimization_mission_results(mission: str) -> dict[str, Any]:
    """Wait until the optimization mission named ``mission`` has finished computing (polling
    constellationoptimizationrequests/status/{id} at the client's poll interval), then
    return its results.
    """

def wait_and_get_generation_mission_results(mission: str) -> dict[str, Any]:
    """Wait until the generation mission named ``mission`` has finished computing (polling
    constellationgenerationrequests/status/{id} at the client's poll interval), then return
    its results.
    """

def wait_and_get_simulation_mission_results(mission: str) -> dict[str, Any]:
    """Wait until the simulation mission named ``mission`` has finished computing (polling
    constellationsimulationrequests/status/{id} at the client's poll interval), then return
    its results.
    """
