"""The deployment functions of the published spacestudio client, for scripts written for it.

Generated from the catalog (``spacestudio_contract.catalog``) by
``python -m spacestudio._codegen``; to change it, change the catalog or
``spacestudio/_codegen`` and run that command again.

Each function runs on the client that ``spacestudio.connect()`` made, through its object API
(``client.deployment.<collection>``), which offers the same operations per client. The
module also offers what the published one imported: the URL-level functions and the URL
constants (``deployment.LAUNCH_URL`` …), read for the current connection.
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
    "create_launch",
    "create_mission",
    "delete_launch",
    "delete_mission",
    "get_all_launches",
    "get_all_missions",
    "get_launch",
    "get_mission",
    "get_mission_id",
    "get_mission_results",
    "modify_launch",
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
            return connected_value("deployment", name)
        raise AttributeError(f"module 'spacestudio.deployment' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *URL_SEGMENTS})


@module_function("deployment")
def create_launch(body: dict[str, Any]) -> Any:
    """Create the launch described by ``body`` (POST launchdefinitions); returns what the
    service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().deployment.launches.create(body)


@module_function("deployment")
def create_mission(body: dict[str, Any]) -> Any:
    """Create the deployment mission described by ``body`` (POST deploymentrequests); returns
    what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().deployment.missions.create(body)


@module_function("deployment")
def get_launch(launch: str) -> dict[str, Any] | None:
    """The launch whose displayedName is ``launch`` (GET launchdefinitions); None when there is
    none.
    """
    return default_client().deployment.launches.get(launch)


@module_function("deployment")
def get_mission(mission: str) -> dict[str, Any] | None:
    """The deployment mission whose displayedName is ``mission`` (GET deploymentrequests); None
    when there is none.
    """
    return default_client().deployment.missions.get(mission)


@module_function("deployment")
def get_mission_id(mission: str) -> str | None:
    """The id of the deployment mission named ``mission`` (GET deploymentrequests); None when
    there is none.
    """
    return default_client().deployment.missions.get_id(mission)


@module_function("deployment")
def modify_launch(launch: dict[str, Any] | str, new_launch: dict[str, Any]) -> Any:
    """Replace the launch named ``launch['name']`` with ``new_launch`` (PUT
    launchdefinitions/{id}). Raises NotFoundError when there is no such launch.
    """
    return default_client().deployment.launches.modify(launch, new_launch)


@module_function("deployment")
def modify_mission(mission: dict[str, Any] | str, new_mission: dict[str, Any]) -> Any:
    """Replace the deployment mission named ``mission['name']`` with ``new_mission`` (PUT
    deploymentrequests/{id}). Raises NotFoundError when there is no such deployment mission.
    """
    return default_client().deployment.missions.modify(mission, new_mission)


@module_function("deployment")
def delete_launch(launch: str) -> bool:
    """Delete the launch named ``launch`` (DELETE launchdefinitions/{id}); nothing happens when
    there is none. Returns whether one was deleted.
    """
    return default_client().deployment.launches.delete(launch)


@module_function("deployment")
def delete_mission(mission: str) -> bool:
    """Delete the deployment mission named ``mission`` (DELETE deploymentrequests/{id});
    nothing happens when there is none. Returns whether one was deleted.
    """
    return default_client().deployment.missions.delete(mission)


@module_function("deployment")
def get_all_launches() -> list[dict[str, Any]]:
    """Every launch of the account (GET launchdefinitions)."""
    return default_client().deployment.launches.all()


@module_function("deployment")
def get_all_missions() -> list[dict[str, Any]]:
    """Every deployment mission of the account (GET deploymentrequests)."""
    return default_client().deployment.missions.all()


@module_function("deployment", missing_goes_on=True)
def compute_mission(mission: str) -> Any:
    """Start computing the deployment mission named ``mission`` (GET
    deploymentrequests/compute/{id}). Raises NotFoundError when there is no such deployment
    mission.
    """
    return default_client().deployment.missions.compute(mission)


@module_function("deployment", missing_goes_on=True)
def get_mission_results(mission: str) -> dict[str, Any]:
    """The results of the deployment mission named ``mission``: ``{'results': …, 'errors':
    […]}`` (GET deploymentrequests, then computationlogs/{computationLogId}). Computation
    errors are also logged as warnings.
    """
    return default_client().deployment.missions.results(mission)


@module_function("deployment", missing_goes_on=True)
def wait_and_get_mission_results(mission: str) -> dict[str, Any]:
    """Wait until the deployment mission named ``mission`` has finished computing (polling
    deploymentrequests/status/{id} at the client's poll interval), then return its results.
    """
    return default_client().deployment.missions.wait_for_results(mission)
