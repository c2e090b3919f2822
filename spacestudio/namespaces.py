"""The object API's per-module groups of collections: ``client.simulation.orbits`` …

Generated from the catalog (``spacestudio_contract.catalog``) by
``python -m spacestudio._codegen``; to change it, change the catalog or
``spacestudio/_codegen`` and run that command again.

One class per module of the catalog; the attributes of an instance are the module's
collections, named by ``CollectionSpec.attribute``, each of the kind that offers its
operations (missions compute, simulation missions also pause and resume).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from spacestudio.resources import Collection, MissionCollection, PausableMissionCollection
from spacestudio_contract.catalog import collections_of, spec_for

if TYPE_CHECKING:
    from spacestudio.client import Client


class CollectionNamespace:
    """The collections of one module of the catalog, as attributes."""

    #: The module of the catalog whose collections these are.
    module: ClassVar[str]

    def __iter__(self) -> Iterator[Collection]:
        return (getattr(self, spec.attribute) for spec in collections_of(self.module))

    def __repr__(self) -> str:
        attributes = ", ".join(spec.attribute for spec in collections_of(self.module))
        return f"<{type(self).__name__}: {attributes}>"


class SimulationCollections(CollectionNamespace):
    """The simulation collections of one client."""

    module = "simulation"

    def __init__(self, client: Client) -> None:
        #: antennadefinitions
        self.antennas = Collection.from_catalog(client, spec_for("simulation", "antenna"))
        #: batterydefinitions
        self.batteries = Collection.from_catalog(client, spec_for("simulation", "battery"))
        #: zoneofinterestdefinitions
        self.zones_of_interest = Collection.from_catalog(
            client, spec_for("simulation", "zone_of_interest")
        )
        #: orbitdefinitions
        self.orbits = Collection.from_catalog(client, spec_for("simulation", "orbit"))
        #: spacecraftdefinitions
        self.spacecrafts = Collection.from_catalog(client, spec_for("simulation", "spacecraft"))
        #: spacecraftgeometrydefinitions
        self.spacecraft_geometries = Collection.from_catalog(
            client, spec_for("simulation", "spacecraft_geometry")
        )
        #: propulsionsystemdefinitions
        self.propulsion_systems = Collection.from_catalog(
            client, spec_for("simulation", "propulsion_system")
        )
        #: simulationrequests
        self.missions = PausableMissionCollection.from_catalog(
            client, spec_for("simulation", "mission")
        )


class ConstellationCollections(CollectionNamespace):
    """The constellation collections of one client."""

    module = "constellation"

    def __init__(self, client: Client) -> None:
        #: groundstationdefinitions
        self.ground_stations = Collection.from_catalog(
            client, spec_for("constellation", "ground_station")
        )
        #: payloaddefinitions
        self.payloads = Collection.from_catalog(client, spec_for("constellation", "payload"))
        #: earthmeshdefinitions
        self.earth_meshes = Collection.from_catalog(client, spec_for("constellation", "earth_mesh"))
        #: subconstellationdefinitions
        self.sub_constellations = Collection.from_catalog(
            client, spec_for("constellation", "sub_constellation")
        )
        #: constellationdefinitions
        self.constellations = Collection.from_catalog(
            client, spec_for("constellation", "constellation")
        )
        #: pointofinterestdefinitions
        self.points_of_interest = Collection.from_catalog(
            client, spec_for("constellation", "point_of_interest")
        )
        #: constellationperformanceanalysisrequests
        self.performance_analysis_missions = MissionCollection.from_catalog(
            client, spec_for("constellation", "performance_analysis_mission")
        )
        #: constellationoptimizationrequests
        self.optimization_missions = MissionCollection.from_catalog(
            client, spec_for("constellation", "optimization_mission")
        )
        #: constellationgenerationrequests
        self.generation_missions = MissionCollection.from_catalog(
            client, spec_for("constellation", "generation_mission")
        )
        #: constellationsimulationrequests
        self.simulation_missions = MissionCollection.from_catalog(
            client, spec_for("constellation", "simulation_mission")
        )


class DeploymentCollections(CollectionNamespace):
    """The deployment collections of one client."""

    module = "deployment"

    def __init__(self, client: Client) -> None:
        #: launchdefinitions
        self.launches = Collection.from_catalog(client, spec_for("deployment", "launch"))
        #: deploymentrequests
        self.missions = MissionCollection.from_catalog(client, spec_for("deployment", "mission"))


class ParametricStudyCollections(CollectionNamespace):
    """The parametric study collections of one client."""

    module = "parametric_study"

    def __init__(self, client: Client) -> None:
        #: parametricpropulsionsystemdefinitions
        self.propulsion_systems = Collection.from_catalog(
            client, spec_for("parametric_study", "propulsion_system")
        )
        #: parametricorbitdefinitions
        self.orbits = Collection.from_catalog(client, spec_for("parametric_study", "orbit"))
        #: parametricspacecraftdefinitions
        self.spacecrafts = Collection.from_catalog(
            client, spec_for("parametric_study", "spacecraft")
        )
        #: reactionwheeldefinitions
        self.reaction_wheels = Collection.from_catalog(
            client, spec_for("parametric_study", "reaction_wheels")
        )
        #: parametricmagnetictorquerdefinitions
        self.magnetic_torquers = Collection.from_catalog(
            client, spec_for("parametric_study", "magnetic_torquer")
        )
        #: parametricstudyrequests
        self.missions = MissionCollection.from_catalog(
            client, spec_for("parametric_study", "mission")
        )


class FormationFlyingCollections(CollectionNamespace):
    """The formation flying collections of one client."""

    module = "formation_flying"

    def __init__(self, client: Client) -> None:
        #: formationflyingsimulationrequests
        self.missions = MissionCollection.from_catalog(
            client, spec_for("formation_flying", "mission")
        )


class InspectionCollections(CollectionNamespace):
    """The inspection collections of one client."""

    module = "inspection"

    def __init__(self, client: Client) -> None:
        #: inspectionsimulationrequests
        self.missions = MissionCollection.from_catalog(client, spec_for("inspection", "mission"))
