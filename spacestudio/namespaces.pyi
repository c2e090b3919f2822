"""The object API's per-module groups of collections: ``client.simulation.orbits`` …

One class per module of the catalog, built from it at import time; the attributes of
an instance are the module's collections, named by ``CollectionSpec.attribute``.
``namespaces.pyi`` (generated from the same catalog by ``spacestudio._stubgen``) tells
type checkers and editors which attribute is which kind of collection.
"""

# Generated from spacestudio_contract.catalog by `python -m spacestudio._stubgen`; do not edit.

from collections.abc import Iterator
from typing import ClassVar

from spacestudio.client import Client
from spacestudio.resources import (
    Collection,
    MissionCollection,
    PausableMissionCollection,
)

NAMESPACE_MODULES: tuple[str, ...]

def namespace_class_name(module: str) -> str: ...

class CollectionNamespace:
    """The collections of one module of the catalog, as attributes."""

    module: ClassVar[str]
    def __init__(self, client: Client) -> None: ...
    def __iter__(self) -> Iterator[Collection]: ...

class SimulationCollections(CollectionNamespace):
    """The simulation collections of one client."""

    antennas: Collection
    """antennadefinitions"""
    batteries: Collection
    """batterydefinitions"""
    zones_of_interest: Collection
    """zoneofinterestdefinitions"""
    orbits: Collection
    """orbitdefinitions"""
    spacecrafts: Collection
    """spacecraftdefinitions"""
    spacecraft_geometries: Collection
    """spacecraftgeometrydefinitions"""
    propulsion_systems: Collection
    """propulsionsystemdefinitions"""
    missions: PausableMissionCollection
    """simulationrequests"""

class ConstellationCollections(CollectionNamespace):
    """The constellation collections of one client."""

    ground_stations: Collection
    """groundstationdefinitions"""
    payloads: Collection
    """payloaddefinitions"""
    earth_meshes: Collection
    """earthmeshdefinitions"""
    sub_constellations: Collection
    """subconstellationdefinitions"""
    constellations: Collection
    """constellationdefinitions"""
    points_of_interest: Collection
    """pointofinterestdefinitions"""
    performance_analysis_missions: MissionCollection
    """constellationperformanceanalysisrequests"""
    optimization_missions: MissionCollection
    """constellationoptimizationrequests"""
    generation_missions: MissionCollection
    """constellationgenerationrequests"""
    simulation_missions: MissionCollection
    """constellationsimulationrequests"""

class DeploymentCollections(CollectionNamespace):
    """The deployment collections of one client."""

    launches: Collection
    """launchdefinitions"""
    missions: MissionCollection
    """deploymentrequests"""

class ParametricStudyCollections(CollectionNamespace):
    """The parametric_study collections of one client."""

    propulsion_systems: Collection
    """parametricpropulsionsystemdefinitions"""
    orbits: Collection
    """parametricorbitdefinitions"""
    spacecrafts: Collection
    """parametricspacecraftdefinitions"""
    reaction_wheels: Collection
    """reactionwheeldefinitions"""
    magnetic_torquers: Collection
    """parametricmagnetictorquerdefinitions"""
    missions: MissionCollection
    """parametricstudyrequests"""

class FormationFlyingCollections(CollectionNamespace):
    """The formation_flying collections of one client."""

    missions: MissionCollection
    """formationflyingsimulationrequests"""

class InspectionCollections(CollectionNamespace):
    """The inspection collections of one client."""

    missions: MissionCollection
    """inspectionsimulationrequests"""
