"""The catalog of spacestudio collections: the one table the client and the fake server share.

Every public function of the seed-compatible modules (``simulation.get_orbit`` …) and
every collection route of the fake server is derived from this table, so a function
can never point at another collection's URL.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Path segment of the computation logs, where every mission's results live.
RESULTS_SEGMENT = "computationlogs"
#: Path segment of the file store (ephemerides as CSV / JSON).
GRIDFS_SEGMENT = "gridfs"


@dataclass(frozen=True)
class CollectionSpec:
    """One collection of objects under ``{url}/exoops/users/{id}/``.

    ``stem`` names the seed functions (``create_{stem}``, ``get_{stem}`` …),
    ``all_suffix`` the listing function (``get_all_{all_suffix}``), ``param``
    the name of the seed functions' object parameter, and ``attribute`` the
    attribute of the object API (``client.simulation.orbits``).
    """

    module: str
    stem: str
    segment: str
    all_suffix: str
    param: str
    mission: bool = False
    #: Simulation missions can pause, resume from paused results and be merged.
    pausable: bool = False
    attribute_override: str | None = None

    @property
    def attribute(self) -> str:
        return self.attribute_override or self.all_suffix

    @property
    def new_param(self) -> str:
        """Name of the second parameter of ``modify_{stem}``."""
        return f"new_{self.param}"


def _object(
    module: str,
    stem: str,
    segment: str,
    all_suffix: str,
    param: str | None = None,
    attribute: str | None = None,
) -> CollectionSpec:
    return CollectionSpec(
        module, stem, segment, all_suffix, param or stem, attribute_override=attribute
    )


def _mission(
    module: str, stem: str, segment: str, all_suffix: str, pausable: bool = False
) -> CollectionSpec:
    return CollectionSpec(module, stem, segment, all_suffix, stem, mission=True, pausable=pausable)


COLLECTIONS: tuple[CollectionSpec, ...] = (
    _object("simulation", "antenna", "antennadefinitions", "antennas"),
    _object("simulation", "battery", "batterydefinitions", "batteries"),
    _object(
        "simulation",
        "zone_of_interest",
        "zoneofinterestdefinitions",
        "zones_of_interest",
        param="interest_zone",
    ),
    _object("simulation", "orbit", "orbitdefinitions", "orbits"),
    _object("simulation", "spacecraft", "spacecraftdefinitions", "spacecrafts"),
    _object(
        "simulation",
        "spacecraft_geometry",
        "spacecraftgeometrydefinitions",
        "spacecraft_geometries",
    ),
    _object("simulation", "propulsion_system", "propulsionsystemdefinitions", "propulsion_systems"),
    _mission("simulation", "mission", "simulationrequests", "missions", pausable=True),
    _object("constellation", "ground_station", "groundstationdefinitions", "ground_stations"),
    _object("constellation", "payload", "payloaddefinitions", "payloads"),
    _object("constellation", "earth_mesh", "earthmeshdefinitions", "earth_meshes"),
    _object(
        "constellation", "sub_constellation", "subconstellationdefinitions", "sub_constellations"
    ),
    _object("constellation", "constellation", "constellationdefinitions", "constellations"),
    # The seed spells the listing get_all_points_of_interests; the object API does not.
    _object(
        "constellation",
        "point_of_interest",
        "pointofinterestdefinitions",
        "points_of_interests",
        attribute="points_of_interest",
    ),
    _mission(
        "constellation",
        "performance_analysis_mission",
        "constellationperformanceanalysisrequests",
        "performance_analysis_missions",
    ),
    _mission(
        "constellation",
        "optimization_mission",
        "constellationoptimizationrequests",
        "optimization_missions",
    ),
    _mission(
        "constellation",
        "generation_mission",
        "constellationgenerationrequests",
        "generation_missions",
    ),
    _mission(
        "constellation",
        "simulation_mission",
        "constellationsimulationrequests",
        "simulation_missions",
    ),
    _object("deployment", "launch", "launchdefinitions", "launches"),
    _mission("deployment", "mission", "deploymentrequests", "missions"),
    _object(
        "parametric_study",
        "propulsion_system",
        "parametricpropulsionsystemdefinitions",
        "propulsion_systems",
    ),
    _object("parametric_study", "orbit", "parametricorbitdefinitions", "orbits"),
    _object("parametric_study", "spacecraft", "parametricspacecraftdefinitions", "spacecrafts"),
    _object("parametric_study", "reaction_wheels", "reactionwheeldefinitions", "reaction_wheels"),
    _object(
        "parametric_study",
        "magnetic_torquer",
        "parametricmagnetictorquerdefinitions",
        "magnetic_torquers",
    ),
    _mission("parametric_study", "mission", "parametricstudyrequests", "missions"),
    _mission("formation_flying", "mission", "formationflyingsimulationrequests", "missions"),
    _mission("inspection", "mission", "inspectionsimulationrequests", "missions"),
)

#: The seed's modules, in the order the published client lists them.
MODULES: tuple[str, ...] = (
    "simulation",
    "constellation",
    "deployment",
    "parametric_study",
    "formation_flying",
    "inspection",
    "gridfs",
)

BY_SEGMENT: dict[str, CollectionSpec] = {spec.segment: spec for spec in COLLECTIONS}


def collections_of(module: str) -> tuple[CollectionSpec, ...]:
    """The collections a seed module offers, in table order."""
    return tuple(spec for spec in COLLECTIONS if spec.module == module)


def spec_for(module: str, stem: str) -> CollectionSpec:
    """The collection behind ``{module}.create_{stem}`` and its siblings."""
    for spec in COLLECTIONS:
        if spec.module == module and spec.stem == stem:
            return spec
    raise KeyError(f"no collection {stem!r} in module {module!r}")
