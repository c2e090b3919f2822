"""The simulation functions of the published spacestudio client, for scripts written for it.

Generated from the catalog (``spacestudio_contract.catalog``) by
``python -m spacestudio._codegen``; to change it, change the catalog or
``spacestudio/_codegen`` and run that command again.

Each function runs on the client that ``spacestudio.connect()`` made, through its object API
(``client.simulation.<collection>``), which offers the same operations per client. The
module also offers what the published one imported: the URL-level functions and the URL
constants (``simulation.ANTENNA_URL`` …), read for the current connection.

The functions are written in ``spacestudio._simulation_objects`` and
``spacestudio._simulation_missions`` (one module would be too long); they are functions of
``spacestudio.simulation`` all the same, for ``help()``, pickling and their error messages.
"""

from typing import TYPE_CHECKING

from spacestudio._simulation_missions import (
    compute_mission,
    compute_mission_until_duration,
    create_mission,
    create_mission_from_paused_results,
    delete_intermediate_objects_from_mission,
    delete_mission,
    get_all_missions,
    get_mission,
    get_mission_id,
    get_mission_results,
    get_paused_mission_results_merged,
    modify_mission,
    wait_and_get_mission_results,
)
from spacestudio._simulation_objects import (
    create_antenna,
    create_battery,
    create_orbit,
    create_propulsion_system,
    create_spacecraft,
    create_spacecraft_geometry,
    create_zone_of_interest,
    delete_antenna,
    delete_battery,
    delete_orbit,
    delete_propulsion_system,
    delete_spacecraft,
    delete_spacecraft_geometry,
    delete_zone_of_interest,
    get_all_antennas,
    get_all_batteries,
    get_all_orbits,
    get_all_propulsion_systems,
    get_all_spacecraft_geometries,
    get_all_spacecrafts,
    get_all_zones_of_interest,
    get_antenna,
    get_battery,
    get_orbit,
    get_propulsion_system,
    get_spacecraft,
    get_spacecraft_geometry,
    get_zone_of_interest,
    modify_antenna,
    modify_battery,
    modify_orbit,
    modify_propulsion_system,
    modify_spacecraft,
    modify_spacecraft_geometry,
    modify_zone_of_interest,
)

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
from spacestudio.urls import URL_SEGMENTS, connected_value

__all__ = [
    "compute_mission",
    "compute_mission_until_duration",
    "create_antenna",
    "create_battery",
    "create_mission",
    "create_mission_from_paused_results",
    "create_orbit",
    "create_propulsion_system",
    "create_spacecraft",
    "create_spacecraft_geometry",
    "create_zone_of_interest",
    "delete_antenna",
    "delete_battery",
    "delete_intermediate_objects_from_mission",
    "delete_mission",
    "delete_orbit",
    "delete_propulsion_system",
    "delete_spacecraft",
    "delete_spacecraft_geometry",
    "delete_zone_of_interest",
    "get_all_antennas",
    "get_all_batteries",
    "get_all_missions",
    "get_all_orbits",
    "get_all_propulsion_systems",
    "get_all_spacecraft_geometries",
    "get_all_spacecrafts",
    "get_all_zones_of_interest",
    "get_antenna",
    "get_battery",
    "get_mission",
    "get_mission_id",
    "get_mission_results",
    "get_orbit",
    "get_paused_mission_results_merged",
    "get_propulsion_system",
    "get_spacecraft",
    "get_spacecraft_geometry",
    "get_zone_of_interest",
    "modify_antenna",
    "modify_battery",
    "modify_mission",
    "modify_orbit",
    "modify_propulsion_system",
    "modify_spacecraft",
    "modify_spacecraft_geometry",
    "modify_zone_of_interest",
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
            return connected_value("simulation", name)
        raise AttributeError(f"module 'spacestudio.simulation' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *URL_SEGMENTS})
