"""The functions of ``spacestudio.simulation`` for its object collections.

Generated from the catalog (``spacestudio_contract.catalog``) by
``python -m spacestudio._codegen``; to change it, change the catalog or
``spacestudio/_codegen`` and run that command again.
"""

from typing import Any

from spacestudio.client import default_client
from spacestudio.module_function import module_function


@module_function("simulation")
def create_antenna(body: dict[str, Any]) -> Any:
    """Create the antenna described by ``body`` (POST antennadefinitions); returns what the
    service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().simulation.antennas.create(body)


@module_function("simulation")
def create_battery(body: dict[str, Any]) -> Any:
    """Create the battery described by ``body`` (POST batterydefinitions); returns what the
    service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().simulation.batteries.create(body)


@module_function("simulation")
def create_zone_of_interest(body: dict[str, Any]) -> Any:
    """Create the zone of interest described by ``body`` (POST zoneofinterestdefinitions);
    returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().simulation.zones_of_interest.create(body)


@module_function("simulation")
def create_orbit(body: dict[str, Any]) -> Any:
    """Create the orbit described by ``body`` (POST orbitdefinitions); returns what the service
    stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().simulation.orbits.create(body)


@module_function("simulation")
def create_spacecraft(body: dict[str, Any]) -> Any:
    """Create the spacecraft described by ``body`` (POST spacecraftdefinitions); returns what
    the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().simulation.spacecrafts.create(body)


@module_function("simulation")
def create_spacecraft_geometry(body: dict[str, Any]) -> Any:
    """Create the spacecraft geometry described by ``body`` (POST
    spacecraftgeometrydefinitions); returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().simulation.spacecraft_geometries.create(body)


@module_function("simulation")
def create_propulsion_system(body: dict[str, Any]) -> Any:
    """Create the propulsion system described by ``body`` (POST propulsionsystemdefinitions);
    returns what the service stored.

    Raises ConflictError when the collection already holds one of that name.
    """
    return default_client().simulation.propulsion_systems.create(body)


@module_function("simulation")
def get_antenna(antenna: str) -> dict[str, Any] | None:
    """The antenna whose displayedName is ``antenna`` (GET antennadefinitions); None when there
    is none.
    """
    return default_client().simulation.antennas.get(antenna)


@module_function("simulation")
def get_battery(battery: str) -> dict[str, Any] | None:
    """The battery whose displayedName is ``battery`` (GET batterydefinitions); None when there
    is none.
    """
    return default_client().simulation.batteries.get(battery)


@module_function("simulation")
def get_zone_of_interest(interest_zone: str) -> dict[str, Any] | None:
    """The zone of interest whose displayedName is ``interest_zone`` (GET
    zoneofinterestdefinitions); None when there is none.
    """
    return default_client().simulation.zones_of_interest.get(interest_zone)


@module_function("simulation")
def get_orbit(orbit: str) -> dict[str, Any] | None:
    """The orbit whose displayedName is ``orbit`` (GET orbitdefinitions); None when there is
    none.
    """
    return default_client().simulation.orbits.get(orbit)


@module_function("simulation")
def get_spacecraft(spacecraft: str) -> dict[str, Any] | None:
    """The spacecraft whose displayedName is ``spacecraft`` (GET spacecraftdefinitions); None
    when there is none.
    """
    return default_client().simulation.spacecrafts.get(spacecraft)


@module_function("simulation")
def get_spacecraft_geometry(spacecraft_geometry: str) -> dict[str, Any] | None:
    """The spacecraft geometry whose displayedName is ``spacecraft_geometry`` (GET
    spacecraftgeometrydefinitions); None when there is none.
    """
    return default_client().simulation.spacecraft_geometries.get(spacecraft_geometry)


@module_function("simulation")
def get_propulsion_system(propulsion_system: str) -> dict[str, Any] | None:
    """The propulsion system whose displayedName is ``propulsion_system`` (GET
    propulsionsystemdefinitions); None when there is none.
    """
    return default_client().simulation.propulsion_systems.get(propulsion_system)


@module_function("simulation")
def modify_antenna(antenna: dict[str, Any] | str, new_antenna: dict[str, Any]) -> Any:
    """Replace the antenna named ``antenna['name']`` with ``new_antenna`` (PUT
    antennadefinitions/{id}). Raises NotFoundError when there is no such antenna.
    """
    return default_client().simulation.antennas.modify(antenna, new_antenna)


@module_function("simulation")
def modify_battery(battery: dict[str, Any] | str, new_battery: dict[str, Any]) -> Any:
    """Replace the battery named ``battery['name']`` with ``new_battery`` (PUT
    batterydefinitions/{id}). Raises NotFoundError when there is no such battery.
    """
    return default_client().simulation.batteries.modify(battery, new_battery)


@module_function("simulation")
def modify_zone_of_interest(
    interest_zone: dict[str, Any] | str, new_interest_zone: dict[str, Any]
) -> Any:
    """Replace the zone of interest named ``interest_zone['name']`` with ``new_interest_zone``
    (PUT zoneofinterestdefinitions/{id}). Raises NotFoundError when there is no such zone of
    interest.
    """
    return default_client().simulation.zones_of_interest.modify(interest_zone, new_interest_zone)


@module_function("simulation")
def modify_orbit(orbit: dict[str, Any] | str, new_orbit: dict[str, Any]) -> Any:
    """Replace the orbit named ``orbit['name']`` with ``new_orbit`` (PUT
    orbitdefinitions/{id}). Raises NotFoundError when there is no such orbit.
    """
    return default_client().simulation.orbits.modify(orbit, new_orbit)


@module_function("simulation")
def modify_spacecraft(spacecraft: dict[str, Any] | str, new_spacecraft: dict[str, Any]) -> Any:
    """Replace the spacecraft named ``spacecraft['name']`` with ``new_spacecraft`` (PUT
    spacecraftdefinitions/{id}). Raises NotFoundError when there is no such spacecraft.
    """
    return default_client().simulation.spacecrafts.modify(spacecraft, new_spacecraft)


@module_function("simulation")
def modify_spacecraft_geometry(
    spacecraft_geometry: dict[str, Any] | str, new_spacecraft_geometry: dict[str, Any]
) -> Any:
    """Replace the spacecraft geometry named ``spacecraft_geometry['name']`` with
    ``new_spacecraft_geometry`` (PUT spacecraftgeometrydefinitions/{id}). Raises
    NotFoundError when there is no such spacecraft geometry.
    """
    return default_client().simulation.spacecraft_geometries.modify(
        spacecraft_geometry, new_spacecraft_geometry
    )


@module_function("simulation")
def modify_propulsion_system(
    propulsion_system: dict[str, Any] | str, new_propulsion_system: dict[str, Any]
) -> Any:
    """Replace the propulsion system named ``propulsion_system['name']`` with
    ``new_propulsion_system`` (PUT propulsionsystemdefinitions/{id}). Raises NotFoundError
    when there is no such propulsion system.
    """
    return default_client().simulation.propulsion_systems.modify(
        propulsion_system, new_propulsion_system
    )


@module_function("simulation")
def delete_antenna(antenna: str) -> bool:
    """Delete the antenna named ``antenna`` (DELETE antennadefinitions/{id}); nothing happens
    when there is none. Returns whether one was deleted.
    """
    return default_client().simulation.antennas.delete(antenna)


@module_function("simulation")
def delete_battery(battery: str) -> bool:
    """Delete the battery named ``battery`` (DELETE batterydefinitions/{id}); nothing happens
    when there is none. Returns whether one was deleted.
    """
    return default_client().simulation.batteries.delete(battery)


@module_function("simulation")
def delete_zone_of_interest(interest_zone: str) -> bool:
    """Delete the zone of interest named ``interest_zone`` (DELETE
    zoneofinterestdefinitions/{id}); nothing happens when there is none. Returns whether one
    was deleted.
    """
    return default_client().simulation.zones_of_interest.delete(interest_zone)


@module_function("simulation")
def delete_orbit(orbit: str) -> bool:
    """Delete the orbit named ``orbit`` (DELETE orbitdefinitions/{id}); nothing happens when
    there is none. Returns whether one was deleted.
    """
    return default_client().simulation.orbits.delete(orbit)


@module_function("simulation")
def delete_spacecraft(spacecraft: str) -> bool:
    """Delete the spacecraft named ``spacecraft`` (DELETE spacecraftdefinitions/{id}); nothing
    happens when there is none. Returns whether one was deleted.
    """
    return default_client().simulation.spacecrafts.delete(spacecraft)


@module_function("simulation")
def delete_spacecraft_geometry(spacecraft_geometry: str) -> bool:
    """Delete the spacecraft geometry named ``spacecraft_geometry`` (DELETE
    spacecraftgeometrydefinitions/{id}); nothing happens when there is none. Returns whether
    one was deleted.
    """
    return default_client().simulation.spacecraft_geometries.delete(spacecraft_geometry)


@module_function("simulation")
def delete_propulsion_system(propulsion_system: str) -> bool:
    """Delete the propulsion system named ``propulsion_system`` (DELETE
    propulsionsystemdefinitions/{id}); nothing happens when there is none. Returns whether
    one was deleted.
    """
    return default_client().simulation.propulsion_systems.delete(propulsion_system)


@module_function("simulation")
def get_all_antennas() -> list[dict[str, Any]]:
    """Every antenna of the account (GET antennadefinitions)."""
    return default_client().simulation.antennas.all()


@module_function("simulation")
def get_all_batteries() -> list[dict[str, Any]]:
    """Every battery of the account (GET batterydefinitions)."""
    return default_client().simulation.batteries.all()


@module_function("simulation")
def get_all_zones_of_interest() -> list[dict[str, Any]]:
    """Every zone of interest of the account (GET zoneofinterestdefinitions)."""
    return default_client().simulation.zones_of_interest.all()


@module_function("simulation")
def get_all_orbits() -> list[dict[str, Any]]:
    """Every orbit of the account (GET orbitdefinitions)."""
    return default_client().simulation.orbits.all()


@module_function("simulation")
def get_all_spacecrafts() -> list[dict[str, Any]]:
    """Every spacecraft of the account (GET spacecraftdefinitions)."""
    return default_client().simulation.spacecrafts.all()


@module_function("simulation")
def get_all_spacecraft_geometries() -> list[dict[str, Any]]:
    """Every spacecraft geometry of the account (GET spacecraftgeometrydefinitions)."""
    return default_client().simulation.spacecraft_geometries.all()


@module_function("simulation")
def get_all_propulsion_systems() -> list[dict[str, Any]]:
    """Every propulsion system of the account (GET propulsionsystemdefinitions)."""
    return default_client().simulation.propulsion_systems.all()
