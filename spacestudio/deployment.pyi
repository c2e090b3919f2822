"""The deployment functions of the published spacestudio client, for scripts written for it.

Each one runs on the client that ``spacestudio.connect()`` made. They are made from the
catalog of collections (``spacestudio_contract.catalog``); ``deployment.pyi`` lists them for
editors and type checkers. The object API offers the same operations per client:
``client.deployment.<collection>.get(name)`` …
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

def get_launch(launch: str) -> dict[str, Any]:
    """The launch whose displayedName is ``launch`` (GET launchdefinitions); None when there is
    none.
    """

def get_mission(mission: str) -> dict[str, Any]:
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
