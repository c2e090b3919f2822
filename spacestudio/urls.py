"""The published client's URL constants: ``urls.ORBIT_URL``, ``urls.SIMULATION_URL`` …

Scripts make calls of their own with them (``spacestudio.get_request(urls.ORBIT_URL)``).
Each one is a collection of the connected account, ``{base}/exoops/users/{id}/{segment}``
(``MISSION_RESULTS_URL`` ends with ``/``, as in the published client). The published
module computes them once at import, which fails before ``connect()``; here each read
gives the current value for the client ``spacestudio.connect()`` made last, and reading
one before connecting says to connect first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacestudio.client import default_client
from spacestudio.errors import NotConnectedError
from spacestudio_contract.catalog import GRIDFS_SEGMENT, RESULTS_SEGMENT, spec_for


def _segment(module: str, stem: str) -> str:
    return spec_for(module, stem).segment


#: Each constant's path under the account's root, as the published client spells them.
URL_SEGMENTS: dict[str, str] = {
    "MISSION_RESULTS_URL": f"{RESULTS_SEGMENT}/",
    "PARAMETRIC_PROPULSION_SYSTEM_URL": _segment("parametric_study", "propulsion_system"),
    "PARAMETRIC_ORBIT_URL": _segment("parametric_study", "orbit"),
    "PARAMETRIC_SPACECRAFT_URL": _segment("parametric_study", "spacecraft"),
    "REACTION_WHEELS_URL": _segment("parametric_study", "reaction_wheels"),
    "PARAMETRIC_MAGNETIC_TORQUER_URL": _segment("parametric_study", "magnetic_torquer"),
    "PARAMETRIC_STUDY_URL": _segment("parametric_study", "mission"),
    "GROUND_STATION_URL": _segment("constellation", "ground_station"),
    "PAYLOAD_URL": _segment("constellation", "payload"),
    "EARTH_MESH_URL": _segment("constellation", "earth_mesh"),
    "SUB_CONSTELLATION_URL": _segment("constellation", "sub_constellation"),
    "CONSTELLATION_URL": _segment("constellation", "constellation"),
    "POINT_OF_INTEREST_URL": _segment("constellation", "point_of_interest"),
    "CONSTELLATION_PERFORMANCE_ANALYSIS_URL": _segment(
        "constellation", "performance_analysis_mission"
    ),
    "CONSTELLATION_OPTIMIZATION_URL": _segment("constellation", "optimization_mission"),
    "CONSTELLATION_GENERATION_URL": _segment("constellation", "generation_mission"),
    "CONSTELLATION_SIMULATION_URL": _segment("constellation", "simulation_mission"),
    "LAUNCH_URL": _segment("deployment", "launch"),
    "DEPLOYMENT_MISSION_URL": _segment("deployment", "mission"),
    "ANTENNA_URL": _segment("simulation", "antenna"),
    "BATTERY_URL": _segment("simulation", "battery"),
    "ZONE_OF_INTEREST_URL": _segment("simulation", "zone_of_interest"),
    "ORBIT_URL": _segment("simulation", "orbit"),
    "SPACECRAFT_URL": _segment("simulation", "spacecraft"),
    "SPACECRAFT_GEOMETRY_URL": _segment("simulation", "spacecraft_geometry"),
    "PROPULSION_SYSTEM_URL": _segment("simulation", "propulsion_system"),
    "SIMULATION_URL": _segment("simulation", "mission"),
    # Published, though no function of the published client reads or writes them.
    "OPTICAL_GROUND_STATION_URL": "opticalgroundstationdefinitions",
    "OPTICAL_DATA_GENERATION_URL": "opticaldatagenerationrequests",
    "GRIDFS_URL": GRIDFS_SEGMENT,
    "FF_SIMULATION_URL": _segment("formation_flying", "mission"),
    "INSPECTION_SIMULATION_URL": _segment("inspection", "mission"),
}


def account_root_url() -> str:
    """``{base}/exoops/users/{id}`` of the connected account (no trailing ``/``)."""
    return default_client().user_url.rstrip("/")


def url_constant(name: str) -> str:
    """The current value of the constant ``name`` (``"ORBIT_URL"`` …)."""
    return f"{account_root_url()}/{URL_SEGMENTS[name]}"


def connected_value(module: str, name: str) -> str:
    """A value only a connection gives; AttributeError saying to connect, before it.

    AttributeError, not NotConnectedError, so ``hasattr`` and ``getattr(…, default)``
    keep working; ``from … import`` turns it into an ImportError with this message.
    """
    try:
        if name == "spacestudio_user_url":
            return account_root_url()
        return url_constant(name)
    except NotConnectedError as error:
        raise AttributeError(
            f"spacestudio.{module}.{name} is set by spacestudio.connect(): {error}"
        ) from None


# Declared for type checkers and editors; the values come from __getattr__ below.
if TYPE_CHECKING:
    spacestudio_user_url: str
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
        # PEP 562: read at each access, so the values follow the current connection.
        if name in URL_SEGMENTS or name == "spacestudio_user_url":
            return connected_value("urls", name)
        raise AttributeError(f"module 'spacestudio.urls' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *URL_SEGMENTS, "spacestudio_user_url"})
