"""The constellation functions of the published spacestudio client, for scripts written for it.

Generated from the catalog (``spacestudio_contract.catalog``) by
``python -m spacestudio._codegen``; to change it, change the catalog or
``spacestudio/_codegen`` and run that command again.

Each function runs on the client that ``spacestudio.connect()`` made, through its object API
(``client.constellation.<collection>``), which offers the same operations per client. The
module also offers what the published one imported: the URL-level functions and the URL
constants (``constellation.GROUND_STATION_URL`` …), read for the current connection.

The functions are written in ``spacestudio._constellation_objects`` and
``spacestudio._constellation_missions`` (one module would be too long); they are functions
of ``spacestudio.constellation`` all the same, for ``help()``, pickling and their error
messages.
"""

from typing import TYPE_CHECKING

from spacestudio._constellation_missions import (
    compute_generation_mission,
    compute_optimization_mission,
    compute_performance_analysis_mission,
    compute_simulation_mission,
    create_generation_mission,
    create_optimization_mission,
    create_performance_analysis_mission,
    create_simulation_mission,
    delete_generation_mission,
    delete_optimization_mission,
    delete_performance_analysis_mission,
    delete_simulation_mission,
    get_all_generation_missions,
    get_all_optimization_missions,
    get_all_performance_analysis_missions,
    get_all_simulation_missions,
    get_generation_mission,
    get_generation_mission_id,
    get_generation_mission_results,
    get_optimization_mission,
    get_optimization_mission_id,
    get_optimization_mission_results,
    get_performance_analysis_mission,
    get_performance_analysis_mission_id,
    get_performance_analysis_mission_results,
    get_simulation_mission,
    get_simulation_mission_id,
    get_simulation_mission_results,
    modify_generation_mission,
    modify_optimization_mission,
    modify_performance_analysis_mission,
    modify_simulation_mission,
    wait_and_get_generation_mission_results,
    wait_and_get_optimization_mission_results,
    wait_and_get_performance_analysis_mission_results,
    wait_and_get_simulation_mission_results,
)
from spacestudio._constellation_objects import (
    create_constellation,
    create_earth_mesh,
    create_ground_station,
    create_payload,
    create_point_of_interest,
    create_sub_constellation,
    delete_constellation,
    delete_earth_mesh,
    delete_ground_station,
    delete_payload,
    delete_point_of_interest,
    delete_sub_constellation,
    get_all_constellations,
    get_all_earth_meshes,
    get_all_ground_stations,
    get_all_payloads,
    get_all_points_of_interests,
    get_all_sub_constellations,
    get_constellation,
    get_earth_mesh,
    get_ground_station,
    get_payload,
    get_point_of_interest,
    get_sub_constellation,
    modify_constellation,
    modify_earth_mesh,
    modify_ground_station,
    modify_payload,
    modify_point_of_interest,
    modify_sub_constellation,
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
    "compute_generation_mission",
    "compute_optimization_mission",
    "compute_performance_analysis_mission",
    "compute_simulation_mission",
    "create_constellation",
    "create_earth_mesh",
    "create_generation_mission",
    "create_ground_station",
    "create_optimization_mission",
    "create_payload",
    "create_performance_analysis_mission",
    "create_point_of_interest",
    "create_simulation_mission",
    "create_sub_constellation",
    "delete_constellation",
    "delete_earth_mesh",
    "delete_generation_mission",
    "delete_ground_station",
    "delete_optimization_mission",
    "delete_payload",
    "delete_performance_analysis_mission",
    "delete_point_of_interest",
    "delete_simulation_mission",
    "delete_sub_constellation",
    "get_all_constellations",
    "get_all_earth_meshes",
    "get_all_generation_missions",
    "get_all_ground_stations",
    "get_all_optimization_missions",
    "get_all_payloads",
    "get_all_performance_analysis_missions",
    "get_all_points_of_interests",
    "get_all_simulation_missions",
    "get_all_sub_constellations",
    "get_constellation",
    "get_earth_mesh",
    "get_generation_mission",
    "get_generation_mission_id",
    "get_generation_mission_results",
    "get_ground_station",
    "get_optimization_mission",
    "get_optimization_mission_id",
    "get_optimization_mission_results",
    "get_payload",
    "get_performance_analysis_mission",
    "get_performance_analysis_mission_id",
    "get_performance_analysis_mission_results",
    "get_point_of_interest",
    "get_simulation_mission",
    "get_simulation_mission_id",
    "get_simulation_mission_results",
    "get_sub_constellation",
    "modify_constellation",
    "modify_earth_mesh",
    "modify_generation_mission",
    "modify_ground_station",
    "modify_optimization_mission",
    "modify_payload",
    "modify_performance_analysis_mission",
    "modify_point_of_interest",
    "modify_simulation_mission",
    "modify_sub_constellation",
    "wait_and_get_generation_mission_results",
    "wait_and_get_optimization_mission_results",
    "wait_and_get_performance_analysis_mission_results",
    "wait_and_get_simulation_mission_results",
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
            return connected_value("constellation", name)
        raise AttributeError(f"module 'spacestudio.constellation' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *URL_SEGMENTS})
