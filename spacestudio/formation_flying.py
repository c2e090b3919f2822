"""The formation flying functions of the published spacestudio client, for scripts written for it.

Generated from the catalog (``spacestudio_contract.catalog``) by
``python -m spacestudio._codegen``; to change it, change the catalog or
``spacestudio/_codegen`` and run that command again.

Each function runs on the client that ``spacestudio.connect()`` made, through its object API
(``client.formation_flying.<collection>``), which offers the same operations per client. The
module also offers what the published one imported: the URL-level functions and the URL
constants (``formation_flying.FF_SIMULATION_URL`` …), read for the current connection.
"""

from typing import TYPE_CHECKING, Any

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
from spacestudio.client import default_client
from spacestudio.module_function import module_function
from spacestudio.urls import URL_SEGMENTS, connected_value

__all__ = [
    "compute_mission",
    "create_mission",
    "delete_mission",
    "get_all_missions",
    "get_mission",
    "get_mission_id",
    "get_mission_results",
    "modify_mission",
    "wait_and_get_mission_results",
]

# Declared for type checkers and editors; the values come from __getattr__ below.
if TYPE_CHECKING:
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
else:

    def __getattr__(name: str) -> str:
        # The published module imported the URL constants; each read gives
        # the value for the current connection.
        if name in URL_SEGMENTS:
            return connected_value("formation_flying", name)
        raise AttributeError(f"module 'spacestudio.formation_flying' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *URL_SEGMENTS})


@module_function("formation_flying")
def create_mission(body: dict[str, Any]) -> Any:
    """Create the formation flying mission described by ``body`` (POST
    formationflyingsimulationrequests); returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().formation_flying.missions.create(body)


@module_function("formation_flying")
def get_mission(mission: str) -> dict[str, Any] | None:
    """The formation flying mission whose displayedName is ``mission`` (GET
    formationflyingsimulationrequests); None when there is none.
    """
    return default_client().formation_flying.missions.get(mission)


@module_function("formation_flying")
def get_mission_id(mission: str) -> str | None:
    """The id of the formation flying mission named ``mission`` (GET
    formationflyingsimulationrequests); None when there is none.
    """
    return default_client().formation_flying.missions.get_id(mission)


@module_function("formation_flying")
def modify_mission(mission: dict[str, Any] | str, new_mission: dict[str, Any]) -> Any:
    """Replace the formation flying mission named ``mission['name']`` with ``new_mission`` (PUT
    formationflyingsimulationrequests/{id}). Raises NotFoundError when there is no such
    formation flying mission.
    """
    return default_client().formation_flying.missions.modify(mission, new_mission)


@module_function("formation_flying")
def delete_mission(mission: str) -> bool:
    """Delete the formation flying mission named ``mission`` (DELETE
    formationflyingsimulationrequests/{id}); nothing happens when there is none. Returns
    whether one was deleted.
    """
    return default_client().formation_flying.missions.delete(mission)


@module_function("formation_flying")
def get_all_missions() -> list[dict[str, Any]]:
    """Every formation flying mission of the account (GET formationflyingsimulationrequests)."""
    return default_client().formation_flying.missions.all()


@module_function("formation_flying", missing_goes_on=True)
def compute_mission(mission: str) -> Any:
    """Start computing the formation flying mission named ``mission`` (GET
    formationflyingsimulationrequests/compute/{id}). Raises NotFoundError when there is no
    such formation flying mission.
    """
    return default_client().formation_flying.missions.compute(mission)


@module_function("formation_flying", missing_goes_on=True)
def get_mission_results(mission: str) -> dict[str, Any]:
    """The results of the formation flying mission named ``mission``: ``{'results': …,
    'errors': […]}`` (GET formationflyingsimulationrequests, then
    computationlogs/{computationLogId}). Computation errors are also logged as warnings.
    """
    return default_client().formation_flying.missions.results(mission)


@module_function("formation_flying", missing_goes_on=True)
def wait_and_get_mission_results(mission: str) -> dict[str, Any]:
    """Wait until the formation flying mission named ``mission`` has finished computing
    (polling formationflyingsimulationrequests/status/{id} at the client's poll interval),
    then return its results.
    """
    return default_client().formation_flying.missions.wait_for_results(mission)
