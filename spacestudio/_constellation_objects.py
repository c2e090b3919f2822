"""The functions of ``spacestudio.constellation`` for its object collections.

Generated from the catalog (``spacestudio_contract.catalog``) by
``python -m spacestudio._codegen``; to change it, change the catalog or
``spacestudio/_codegen`` and run that command again.
"""

from typing import Any

from spacestudio.client import default_client
from spacestudio.module_function import module_function


@module_function("constellation")
def create_ground_station(body: dict[str, Any]) -> Any:
    """Create the ground station described by ``body`` (POST groundstationdefinitions); returns
    what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().constellation.ground_stations.create(body)


@module_function("constellation")
def create_payload(body: dict[str, Any]) -> Any:
    """Create the payload described by ``body`` (POST payloaddefinitions); returns what the
    service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().constellation.payloads.create(body)


@module_function("constellation")
def create_earth_mesh(body: dict[str, Any]) -> Any:
    """Create the earth mesh described by ``body`` (POST earthmeshdefinitions); returns what
    the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().constellation.earth_meshes.create(body)


@module_function("constellation")
def create_sub_constellation(body: dict[str, Any]) -> Any:
    """Create the sub constellation described by ``body`` (POST subconstellationdefinitions);
    returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().constellation.sub_constellations.create(body)


@module_function("constellation")
def create_constellation(body: dict[str, Any]) -> Any:
    """Create the constellation described by ``body`` (POST constellationdefinitions); returns
    what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().constellation.constellations.create(body)


@module_function("constellation")
def create_point_of_interest(body: dict[str, Any]) -> Any:
    """Create the point of interest described by ``body`` (POST pointofinterestdefinitions);
    returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().constellation.points_of_interest.create(body)


@module_function("constellation")
def get_ground_station(ground_station: str) -> dict[str, Any] | None:
    """The ground station whose displayedName is ``ground_station`` (GET
    groundstationdefinitions); None when there is none.
    """
    return default_client().constellation.ground_stations.get(ground_station)


@module_function("constellation")
def get_payload(payload: str) -> dict[str, Any] | None:
    """The payload whose displayedName is ``payload`` (GET payloaddefinitions); None when there
    is none.
    """
    return default_client().constellation.payloads.get(payload)


@module_function("constellation")
def get_earth_mesh(earth_mesh: str) -> dict[str, Any] | None:
    """The earth mesh whose displayedName is ``earth_mesh`` (GET earthmeshdefinitions); None
    when there is none.
    """
    return default_client().constellation.earth_meshes.get(earth_mesh)


@module_function("constellation")
def get_sub_constellation(sub_constellation: str) -> dict[str, Any] | None:
    """The sub constellation whose displayedName is ``sub_constellation`` (GET
    subconstellationdefinitions); None when there is none.
    """
    return default_client().constellation.sub_constellations.get(sub_constellation)


@module_function("constellation")
def get_constellation(constellation: str) -> dict[str, Any] | None:
    """The constellation whose displayedName is ``constellation`` (GET
    constellationdefinitions); None when there is none.
    """
    return default_client().constellation.constellations.get(constellation)


@module_function("constellation")
def get_point_of_interest(point_of_interest: str) -> dict[str, Any] | None:
    """The point of interest whose displayedName is ``point_of_interest`` (GET
    pointofinterestdefinitions); None when there is none.
    """
    return default_client().constellation.points_of_interest.get(point_of_interest)


@module_function("constellation")
def modify_ground_station(
    ground_station: dict[str, Any] | str, new_ground_station: dict[str, Any]
) -> Any:
    """Replace the ground station named ``ground_station['name']`` with ``new_ground_station``
    (PUT groundstationdefinitions/{id}). Raises NotFoundError when there is no such ground
    station.
    """
    return default_client().constellation.ground_stations.modify(ground_station, new_ground_station)


@module_function("constellation")
def modify_payload(payload: dict[str, Any] | str, new_payload: dict[str, Any]) -> Any:
    """Replace the payload named ``payload['name']`` with ``new_payload`` (PUT
    payloaddefinitions/{id}). Raises NotFoundError when there is no such payload.
    """
    return default_client().constellation.payloads.modify(payload, new_payload)


@module_function("constellation")
def modify_earth_mesh(earth_mesh: dict[str, Any] | str, new_earth_mesh: dict[str, Any]) -> Any:
    """Replace the earth mesh named ``earth_mesh['name']`` with ``new_earth_mesh`` (PUT
    earthmeshdefinitions/{id}). Raises NotFoundError when there is no such earth mesh.
    """
    return default_client().constellation.earth_meshes.modify(earth_mesh, new_earth_mesh)


@module_function("constellation")
def modify_sub_constellation(
    sub_constellation: dict[str, Any] | str, new_sub_constellation: dict[str, Any]
) -> Any:
    """Replace the sub constellation named ``sub_constellation['name']`` with
    ``new_sub_constellation`` (PUT subconstellationdefinitions/{id}). Raises NotFoundError
    when there is no such sub constellation.
    """
    return default_client().constellation.sub_constellations.modify(
        sub_constellation, new_sub_constellation
    )


@module_function("constellation")
def modify_constellation(
    constellation: dict[str, Any] | str, new_constellation: dict[str, Any]
) -> Any:
    """Replace the constellation named ``constellation['name']`` with ``new_constellation``
    (PUT constellationdefinitions/{id}). Raises NotFoundError when there is no such
    constellation.
    """
    return default_client().constellation.constellations.modify(constellation, new_constellation)


@module_function("constellation")
def modify_point_of_interest(
    point_of_interest: dict[str, Any] | str, new_point_of_interest: dict[str, Any]
) -> Any:
    """Replace the point of interest named ``point_of_interest['name']`` with
    ``new_point_of_interest`` (PUT pointofinterestdefinitions/{id}). Raises NotFoundError
    when there is no such point of interest.
    """
    return default_client().constellation.points_of_interest.modify(
        point_of_interest, new_point_of_interest
    )


@module_function("constellation")
def delete_ground_station(ground_station: str) -> bool:
    """Delete the ground station named ``ground_station`` (DELETE
    groundstationdefinitions/{id}); nothing happens when there is none. Returns whether one
    was deleted.
    """
    return default_client().constellation.ground_stations.delete(ground_station)


@module_function("constellation")
def delete_payload(payload: str) -> bool:
    """Delete the payload named ``payload`` (DELETE payloaddefinitions/{id}); nothing happens
    when there is none. Returns whether one was deleted.
    """
    return default_client().constellation.payloads.delete(payload)


@module_function("constellation")
def delete_earth_mesh(earth_mesh: str) -> bool:
    """Delete the earth mesh named ``earth_mesh`` (DELETE earthmeshdefinitions/{id}); nothing
    happens when there is none. Returns whether one was deleted.
    """
    return default_client().constellation.earth_meshes.delete(earth_mesh)


@module_function("constellation")
def delete_sub_constellation(sub_constellation: str) -> bool:
    """Delete the sub constellation named ``sub_constellation`` (DELETE
    subconstellationdefinitions/{id}); nothing happens when there is none. Returns whether
    one was deleted.
    """
    return default_client().constellation.sub_constellations.delete(sub_constellation)


@module_function("constellation")
def delete_constellation(constellation: str) -> bool:
    """Delete the constellation named ``constellation`` (DELETE constellationdefinitions/{id});
    nothing happens when there is none. Returns whether one was deleted.
    """
    return default_client().constellation.constellations.delete(constellation)


@module_function("constellation")
def delete_point_of_interest(point_of_interest: str) -> bool:
    """Delete the point of interest named ``point_of_interest`` (DELETE
    pointofinterestdefinitions/{id}); nothing happens when there is none. Returns whether
    one was deleted.
    """
    return default_client().constellation.points_of_interest.delete(point_of_interest)


@module_function("constellation")
def get_all_ground_stations() -> list[dict[str, Any]]:
    """Every ground station of the account (GET groundstationdefinitions)."""
    return default_client().constellation.ground_stations.all()


@module_function("constellation")
def get_all_payloads() -> list[dict[str, Any]]:
    """Every payload of the account (GET payloaddefinitions)."""
    return default_client().constellation.payloads.all()


@module_function("constellation")
def get_all_earth_meshes() -> list[dict[str, Any]]:
    """Every earth mesh of the account (GET earthmeshdefinitions)."""
    return default_client().constellation.earth_meshes.all()


@module_function("constellation")
def get_all_sub_constellations() -> list[dict[str, Any]]:
    """Every sub constellation of the account (GET subconstellationdefinitions)."""
    return default_client().constellation.sub_constellations.all()


@module_function("constellation")
def get_all_constellations() -> list[dict[str, Any]]:
    """Every constellation of the account (GET constellationdefinitions)."""
    return default_client().constellation.constellations.all()


@module_function("constellation")
def get_all_points_of_interests() -> list[dict[str, Any]]:
    """Every point of interest of the account (GET pointofinterestdefinitions)."""
    return default_client().constellation.points_of_interest.all()
