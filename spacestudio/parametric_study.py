"""The parametric study functions of the published spacestudio client, for scripts written for it.

Generated from the catalog (``spacestudio_contract.catalog``) by
``python -m spacestudio._codegen``; to change it, change the catalog or
``spacestudio/_codegen`` and run that command again.

Each function runs on the client that ``spacestudio.connect()`` made, through its object API
(``client.parametric_study.<collection>``), which offers the same operations per client. The
module also offers what the published one imported: the URL-level functions and the URL
constants (``parametric_study.PARAMETRIC_PROPULSION_SYSTEM_URL`` …), read for the current
connection.
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
    "create_magnetic_torquer",
    "create_mission",
    "create_orbit",
    "create_propulsion_system",
    "create_reaction_wheels",
    "create_spacecraft",
    "delete_magnetic_torquer",
    "delete_mission",
    "delete_orbit",
    "delete_propulsion_system",
    "delete_reaction_wheels",
    "delete_spacecraft",
    "get_all_magnetic_torquers",
    "get_all_missions",
    "get_all_orbits",
    "get_all_propulsion_systems",
    "get_all_reaction_wheels",
    "get_all_spacecrafts",
    "get_magnetic_torquer",
    "get_mission",
    "get_mission_id",
    "get_mission_results",
    "get_orbit",
    "get_propulsion_system",
    "get_reaction_wheels",
    "get_spacecraft",
    "modify_magnetic_torquer",
    "modify_mission",
    "modify_orbit",
    "modify_propulsion_system",
    "modify_reaction_wheels",
    "modify_spacecraft",
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
            return connected_value("parametric_study", name)
        raise AttributeError(f"module 'spacestudio.parametric_study' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *URL_SEGMENTS})


@module_function("parametric_study")
def create_propulsion_system(body: dict[str, Any]) -> Any:
    """Create the propulsion system described by ``body`` (POST
    parametricpropulsionsystemdefinitions); returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().parametric_study.propulsion_systems.create(body)


@module_function("parametric_study")
def create_orbit(body: dict[str, Any]) -> Any:
    """Create the orbit described by ``body`` (POST parametricorbitdefinitions); returns what
    the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().parametric_study.orbits.create(body)


@module_function("parametric_study")
def create_spacecraft(body: dict[str, Any]) -> Any:
    """Create the spacecraft described by ``body`` (POST parametricspacecraftdefinitions);
    returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().parametric_study.spacecrafts.create(body)


@module_function("parametric_study")
def create_reaction_wheels(body: dict[str, Any]) -> Any:
    """Create the reaction wheels described by ``body`` (POST reactionwheeldefinitions);
    returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().parametric_study.reaction_wheels.create(body)


@module_function("parametric_study")
def create_magnetic_torquer(body: dict[str, Any]) -> Any:
    """Create the magnetic torquer described by ``body`` (POST
    parametricmagnetictorquerdefinitions); returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().parametric_study.magnetic_torquers.create(body)


@module_function("parametric_study")
def create_mission(body: dict[str, Any]) -> Any:
    """Create the parametric study mission described by ``body`` (POST
    parametricstudyrequests); returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().parametric_study.missions.create(body)


@module_function("parametric_study")
def get_propulsion_system(propulsion_system: str) -> dict[str, Any] | None:
    """The propulsion system whose displayedName is ``propulsion_system`` (GET
    parametricpropulsionsystemdefinitions); None when there is none.
    """
    return default_client().parametric_study.propulsion_systems.get(propulsion_system)


@module_function("parametric_study")
def get_orbit(orbit: str) -> dict[str, Any] | None:
    """The orbit whose displayedName is ``orbit`` (GET parametricorbitdefinitions); None when
    there is none.
    """
    return default_client().parametric_study.orbits.get(orbit)


@module_function("parametric_study")
def get_spacecraft(spacecraft: str) -> dict[str, Any] | None:
    """The spacecraft whose displayedName is ``spacecraft`` (GET
    parametricspacecraftdefinitions); None when there is none.
    """
    return default_client().parametric_study.spacecrafts.get(spacecraft)


@module_function("parametric_study")
def get_reaction_wheels(reaction_wheels: str) -> dict[str, Any] | None:
    """The reaction wheels whose displayedName is ``reaction_wheels`` (GET
    reactionwheeldefinitions); None when there is none.
    """
    return default_client().parametric_study.reaction_wheels.get(reaction_wheels)


@module_function("parametric_study")
def get_magnetic_torquer(magnetic_torquer: str) -> dict[str, Any] | None:
    """The magnetic torquer whose displayedName is ``magnetic_torquer`` (GET
    parametricmagnetictorquerdefinitions); None when there is none.
    """
    return default_client().parametric_study.magnetic_torquers.get(magnetic_torquer)


@module_function("parametric_study")
def get_mission(mission: str) -> dict[str, Any] | None:
    """The parametric study mission whose displayedName is ``mission`` (GET
    parametricstudyrequests); None when there is none.
    """
    return default_client().parametric_study.missions.get(mission)


@module_function("parametric_study")
def get_mission_id(mission: str) -> str | None:
    """The id of the parametric study mission named ``mission`` (GET parametricstudyrequests);
    None when there is none.
    """
    return default_client().parametric_study.missions.get_id(mission)


@module_function("parametric_study")
def modify_propulsion_system(
    propulsion_system: dict[str, Any] | str, new_propulsion_system: dict[str, Any]
) -> Any:
    """Replace the propulsion system named ``propulsion_system['name']`` with
    ``new_propulsion_system`` (PUT parametricpropulsionsystemdefinitions/{id}). Raises
    NotFoundError when there is no such propulsion system.
    """
    return default_client().parametric_study.propulsion_systems.modify(
        propulsion_system, new_propulsion_system
    )


@module_function("parametric_study")
def modify_orbit(orbit: dict[str, Any] | str, new_orbit: dict[str, Any]) -> Any:
    """Replace the orbit named ``orbit['name']`` with ``new_orbit`` (PUT
    parametricorbitdefinitions/{id}). Raises NotFoundError when there is no such orbit.
    """
    return default_client().parametric_study.orbits.modify(orbit, new_orbit)


@module_function("parametric_study")
def modify_spacecraft(spacecraft: dict[str, Any] | str, new_spacecraft: dict[str, Any]) -> Any:
    """Replace the spacecraft named ``spacecraft['name']`` with ``new_spacecraft`` (PUT
    parametricspacecraftdefinitions/{id}). Raises NotFoundError when there is no such
    spacecraft.
    """
    return default_client().parametric_study.spacecrafts.modify(spacecraft, new_spacecraft)


@module_function("parametric_study")
def modify_reaction_wheels(
    reaction_wheels: dict[str, Any] | str, new_reaction_wheels: dict[str, Any]
) -> Any:
    """Replace the reaction wheels named ``reaction_wheels['name']`` with
    ``new_reaction_wheels`` (PUT reactionwheeldefinitions/{id}). Raises NotFoundError when
    there is no such reaction wheels.
    """
    return default_client().parametric_study.reaction_wheels.modify(
        reaction_wheels, new_reaction_wheels
    )


@module_function("parametric_study")
def modify_magnetic_torquer(
    magnetic_torquer: dict[str, Any] | str, new_magnetic_torquer: dict[str, Any]
) -> Any:
    """Replace the magnetic torquer named ``magnetic_torquer['name']`` with
    ``new_magnetic_torquer`` (PUT parametricmagnetictorquerdefinitions/{id}). Raises
    NotFoundError when there is no such magnetic torquer.
    """
    return default_client().parametric_study.magnetic_torquers.modify(
        magnetic_torquer, new_magnetic_torquer
    )


@module_function("parametric_study")
def modify_mission(mission: dict[str, Any] | str, new_mission: dict[str, Any]) -> Any:
    """Replace the parametric study mission named ``mission['name']`` with ``new_mission`` (PUT
    parametricstudyrequests/{id}). Raises NotFoundError when there is no such parametric
    study mission.
    """
    return default_client().parametric_study.missions.modify(mission, new_mission)


@module_function("parametric_study")
def delete_propulsion_system(propulsion_system: str) -> bool:
    """Delete the propulsion system named ``propulsion_system`` (DELETE
    parametricpropulsionsystemdefinitions/{id}); nothing happens when there is none. Returns
    whether one was deleted.
    """
    return default_client().parametric_study.propulsion_systems.delete(propulsion_system)


@module_function("parametric_study")
def delete_orbit(orbit: str) -> bool:
    """Delete the orbit named ``orbit`` (DELETE parametricorbitdefinitions/{id}); nothing
    happens when there is none. Returns whether one was deleted.
    """
    return default_client().parametric_study.orbits.delete(orbit)


@module_function("parametric_study")
def delete_spacecraft(spacecraft: str) -> bool:
    """Delete the spacecraft named ``spacecraft`` (DELETE
    parametricspacecraftdefinitions/{id}); nothing happens when there is none. Returns
    whether one was deleted.
    """
    return default_client().parametric_study.spacecrafts.delete(spacecraft)


@module_function("parametric_study")
def delete_reaction_wheels(reaction_wheels: str) -> bool:
    """Delete the reaction wheels named ``reaction_wheels`` (DELETE
    reactionwheeldefinitions/{id}); nothing happens when there is none. Returns whether one
    was deleted.
    """
    return default_client().parametric_study.reaction_wheels.delete(reaction_wheels)


@module_function("parametric_study")
def delete_magnetic_torquer(magnetic_torquer: str) -> bool:
    """Delete the magnetic torquer named ``magnetic_torquer`` (DELETE
    parametricmagnetictorquerdefinitions/{id}); nothing happens when there is none. Returns
    whether one was deleted.
    """
    return default_client().parametric_study.magnetic_torquers.delete(magnetic_torquer)


@module_function("parametric_study")
def delete_mission(mission: str) -> bool:
    """Delete the parametric study mission named ``mission`` (DELETE
    parametricstudyrequests/{id}); nothing happens when there is none. Returns whether one
    was deleted.
    """
    return default_client().parametric_study.missions.delete(mission)


@module_function("parametric_study")
def get_all_propulsion_systems() -> list[dict[str, Any]]:
    """Every propulsion system of the account (GET parametricpropulsionsystemdefinitions)."""
    return default_client().parametric_study.propulsion_systems.all()


@module_function("parametric_study")
def get_all_orbits() -> list[dict[str, Any]]:
    """Every orbit of the account (GET parametricorbitdefinitions)."""
    return default_client().parametric_study.orbits.all()


@module_function("parametric_study")
def get_all_spacecrafts() -> list[dict[str, Any]]:
    """Every spacecraft of the account (GET parametricspacecraftdefinitions)."""
    return default_client().parametric_study.spacecrafts.all()


@module_function("parametric_study")
def get_all_reaction_wheels() -> list[dict[str, Any]]:
    """Every reaction wheels of the account (GET reactionwheeldefinitions)."""
    return default_client().parametric_study.reaction_wheels.all()


@module_function("parametric_study")
def get_all_magnetic_torquers() -> list[dict[str, Any]]:
    """Every magnetic torquer of the account (GET parametricmagnetictorquerdefinitions)."""
    return default_client().parametric_study.magnetic_torquers.all()


@module_function("parametric_study")
def get_all_missions() -> list[dict[str, Any]]:
    """Every parametric study mission of the account (GET parametricstudyrequests)."""
    return default_client().parametric_study.missions.all()


@module_function("parametric_study", missing_goes_on=True)
def compute_mission(mission: str) -> Any:
    """Start computing the parametric study mission named ``mission`` (GET
    parametricstudyrequests/compute/{id}). Raises NotFoundError when there is no such
    parametric study mission.
    """
    return default_client().parametric_study.missions.compute(mission)


@module_function("parametric_study", missing_goes_on=True)
def get_mission_results(mission: str) -> dict[str, Any]:
    """The results of the parametric study mission named ``mission``: ``{'results': …,
    'errors': […]}`` (GET parametricstudyrequests, then computationlogs/{computationLogId}).
    Computation errors are also logged as warnings.
    """
    return default_client().parametric_study.missions.results(mission)


@module_function("parametric_study", missing_goes_on=True)
def wait_and_get_mission_results(mission: str) -> dict[str, Any]:
    """Wait until the parametric study mission named ``mission`` has finished computing
    (polling parametricstudyrequests/status/{id} at the client's poll interval), then return
    its results.
    """
    return default_client().parametric_study.missions.wait_for_results(mission)
