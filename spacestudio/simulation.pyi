"""The simulation functions of the published spacestudio client, for scripts written for it.

Each one runs on the client that ``spacestudio.connect()`` made. They are made from the
catalog of collections (``spacestudio_contract.catalog``); ``simulation.pyi`` lists them for
editors and type checkers. The object API offers the same operations per client:
``client.simulation.<collection>.get(name)`` …
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

def create_antenna(body: dict[str, Any]) -> Any:
    """Create the antenna described by ``body`` (POST antennadefinitions); returns what the
    service stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def create_battery(body: dict[str, Any]) -> Any:
    """Create the battery described by ``body`` (POST batterydefinitions); returns what the
    service stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def create_zone_of_interest(body: dict[str, Any]) -> Any:
    """Create the zone of interest described by ``body`` (POST zoneofinterestdefinitions);
    returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def create_orbit(body: dict[str, Any]) -> Any:
    """Create the orbit described by ``body`` (POST orbitdefinitions); returns what the service
    stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def create_spacecraft(body: dict[str, Any]) -> Any:
    """Create the spacecraft described by ``body`` (POST spacecraftdefinitions); returns what
    the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def create_spacecraft_geometry(body: dict[str, Any]) -> Any:
    """Create the spacecraft geometry described by ``body`` (POST
    spacecraftgeometrydefinitions); returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def create_propulsion_system(body: dict[str, Any]) -> Any:
    """Create the propulsion system described by ``body`` (POST propulsionsystemdefinitions);
    returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def create_mission(body: dict[str, Any]) -> Any:
    """Create the simulation mission described by ``body`` (POST simulationrequests); returns
    what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """

def create_mission_from_paused_results(mission: str, new_mission_name: str) -> Any:
    """Create the simulation mission ``new_mission_name``, resuming where the paused simulation
    mission ``mission`` stopped (POST
    simulationrequests/create_from_results/{id}/{new_mission_name}).
    """

def get_antenna(antenna: str) -> dict[str, Any]:
    """The antenna whose displayedName is ``antenna`` (GET antennadefinitions); None when there
    is none.
    """

def get_battery(battery: str) -> dict[str, Any]:
    """The battery whose displayedName is ``battery`` (GET batterydefinitions); None when there
    is none.
    """

def get_zone_of_interest(interest_zone: str) -> dict[str, Any]:
    """The zone of interest whose displayedName is ``interest_zone`` (GET
    zoneofinterestdefinitions); None when there is none.
    """

def get_orbit(orbit: str) -> dict[str, Any]:
    """The orbit whose displayedName is ``orbit`` (GET orbitdefinitions); None when there is
    none.
    """

def get_spacecraft(spacecraft: str) -> dict[str, Any]:
    """The spacecraft whose displayedName is ``spacecraft`` (GET spacecraftdefinitions); None
    when there is none.
    """

def get_spacecraft_geometry(spacecraft_geometry: str) -> dict[str, Any]:
    """The spacecraft geometry whose displayedName is ``spacecraft_geometry`` (GET
    spacecraftgeometrydefinitions); None when there is none.
    """

def get_propulsion_system(propulsion_system: str) -> dict[str, Any]:
    """The propulsion system whose displayedName is ``propulsion_system`` (GET
    propulsionsystemdefinitions); None when there is none.
    """

def get_mission(mission: str) -> dict[str, Any]:
    """The simulation mission whose displayedName is ``mission`` (GET simulationrequests); None
    when there is none.
    """

def get_mission_id(mission: str) -> str | None:
    """The id of the simulation mission named ``mission`` (GET simulationrequests); None when
    there is none.
    """

def modify_antenna(antenna: dict[str, Any] | str, new_antenna: dict[str, Any]) -> Any:
    """Replace the antenna named ``antenna['name']`` with ``new_antenna`` (PUT
    antennadefinitions/{id}). Raises NotFoundError when there is no such antenna.
    """

def modify_battery(battery: dict[str, Any] | str, new_battery: dict[str, Any]) -> Any:
    """Replace the battery named ``battery['name']`` with ``new_battery`` (PUT
    batterydefinitions/{id}). Raises NotFoundError when there is no such battery.
    """

def modify_zone_of_interest(
    interest_zone: dict[str, Any] | str, new_interest_zone: dict[str, Any]
) -> Any:
    """Replace the zone of interest named ``interest_zone['name']`` with ``new_interest_zone``
    (PUT zoneofinterestdefinitions/{id}). Raises NotFoundError when there is no such zone of
    interest.
    """

def modify_orbit(orbit: dict[str, Any] | str, new_orbit: dict[str, Any]) -> Any:
    """Replace the orbit named ``orbit['name']`` with ``new_orbit`` (PUT
    orbitdefinitions/{id}). Raises NotFoundError when there is no such orbit.
    """

def modify_spacecraft(spacecraft: dict[str, Any] | str, new_spacecraft: dict[str, Any]) -> Any:
    """Replace the spacecraft named ``spacecraft['name']`` with ``new_spacecraft`` (PUT
    spacecraftdefinitions/{id}). Raises NotFoundError when there is no such spacecraft.
    """

def modify_spacecraft_geometry(
    spacecraft_geometry: dict[str, Any] | str, new_spacecraft_geometry: dict[str, Any]
) -> Any:
    """Replace the spacecraft geometry named ``spacecraft_geometry['name']`` with
    ``new_spacecraft_geometry`` (PUT spacecraftgeometrydefinitions/{id}). Raises
    NotFoundError when there is no such spacecraft geometry.
    """

def modify_propulsion_system(
    propulsion_system: dict[str, Any] | str, new_propulsion_system: dict[str, Any]
) -> Any:
    """Replace the propulsion system named ``propulsion_system['name']`` with
    ``new_propulsion_system`` (PUT propulsionsystemdefinitions/{id}). Raises NotFoundError
    when there is no such propulsion system.
    """

def modify_mission(mission: dict[str, Any] | str, new_mission: dict[str, Any]) -> Any:
    """Replace the simulation mission named ``mission['name']`` with ``new_mission`` (PUT
    simulationrequests/{id}). Raises NotFoundError when there is no such simulation mission.
    """

def delete_antenna(antenna: str) -> bool:
    """Delete the antenna named ``antenna`` (DELETE antennadefinitions/{id}); nothing happens
    when there is none. Returns whether one was deleted.
    """

def delete_battery(battery: str) -> bool:
    """Delete the battery named ``battery`` (DELETE batterydefinitions/{id}); nothing happens
    when there is none. Returns whether one was deleted.
    """

def delete_zone_of_interest(interest_zone: str) -> bool:
    """Delete the zone of interest named ``interest_zone`` (DELETE
    zoneofinterestdefinitions/{id}); nothing happens when there is none. Returns whether one
    was deleted.
    """

def delete_orbit(orbit: str) -> bool:
    """Delete the orbit named ``orbit`` (DELETE orbitdefinitions/{id}); nothing happens when
    there is none. Returns whether one was deleted.
    """

def delete_spacecraft(spacecraft: str) -> bool:
    """Delete the spacecraft named ``spacecraft`` (DELETE spacecraftdefinitions/{id}); nothing
    happens when there is none. Returns whether one was deleted.
    """

def delete_spacecraft_geometry(spacecraft_geometry: str) -> bool:
    """Delete the spacecraft geometry named ``spacecraft_geometry`` (DELETE
    spacecraftgeometrydefinitions/{id}); nothing happens when there is none. Returns whether
    one was deleted.
    """

def delete_propulsion_system(propulsion_system: str) -> bool:
    """Delete the propulsion system named ``propulsion_system`` (DELETE
    propulsionsystemdefinitions/{id}); nothing happens when there is none. Returns whether
    one was deleted.
    """

def delete_mission(mission: str) -> bool:
    """Delete the simulation mission named ``mission`` (DELETE simulationrequests/{id});
    nothing happens when there is none. Returns whether one was deleted.
    """

def delete_intermediate_objects_from_mission(original_mission_name: str) -> int:
    """Delete every object and simulation mission made while resuming the simulation mission
    ``original_mission_name`` (those whose pausedParentMissionId is its id), in
    simulationrequests and the module's object collections. Returns how many were deleted.
    """

def get_all_antennas() -> list[dict[str, Any]]:
    """Every antenna of the account (GET antennadefinitions)."""

def get_all_batteries() -> list[dict[str, Any]]:
    """Every battery of the account (GET batterydefinitions)."""

def get_all_zones_of_interest() -> list[dict[str, Any]]:
    """Every zone of interest of the account (GET zoneofinterestdefinitions)."""

def get_all_orbits() -> list[dict[str, Any]]:
    """Every orbit of the account (GET orbitdefinitions)."""

def get_all_spacecrafts() -> list[dict[str, Any]]:
    """Every spacecraft of the account (GET spacecraftdefinitions)."""

def get_all_spacecraft_geometries() -> list[dict[str, Any]]:
    """Every spacecraft geometry of the account (GET spacecraftgeometrydefinitions)."""

def get_all_propulsion_systems() -> list[dict[str, Any]]:
    """Every propulsion system of the account (GET propulsionsystemdefinitions)."""

def get_all_missions() -> list[dict[str, Any]]:
    """Every simulation mission of the account (GET simulationrequests)."""

def compute_mission(mission: str) -> Any:
    """Start computing the simulation mission named ``mission`` (GET
    simulationrequests/compute/{id}). Raises NotFoundError when there is no such simulation
    mission.
    """

def compute_mission_until_duration(mission: str, duration: float) -> Any:
    """Compute the simulation mission named ``mission`` for ``duration`` seconds of mission
    time, then pause (POST simulationrequests/compute_until_duration/{id}, the body being
    the duration).
    """

def get_mission_results(mission: str) -> dict[str, Any]:
    """The results of the simulation mission named ``mission``: ``{'results': …, 'errors':
    […]}`` (GET simulationrequests, then computationlogs/{computationLogId}). Computation
    errors are also logged as warnings.
    """

def wait_and_get_mission_results(mission: str) -> dict[str, Any]:
    """Wait until the simulation mission named ``mission`` has finished computing (polling
    simulationrequests/status/{id} at the client's poll interval), then return its results.
    """

def get_paused_mission_results_merged(mission: str) -> dict[str, Any]:
    """The merged results of the chain of paused and resumed simulation missions from
    ``mission`` (GET simulationrequests/create_merged_results/{id}).
    """
